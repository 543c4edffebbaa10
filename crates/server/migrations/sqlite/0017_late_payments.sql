-- A payment provider can report PAID after we gave up on the request (a Swish request we timed
-- out, or cancelled on our side only when a new payment started): the money is taken. It is
-- kept on the visit when the visit is still unpaid; when another payment settled the visit
-- meanwhile (one settled payment per visit: `payments_settled`), it keeps its status and gets
-- `refund = 'due'` with its `paid_at`, listed for staff (/staff/besok) to pay back.
ALTER TABLE payments ADD COLUMN refund TEXT CHECK (refund IN ('due'));

-- The real Swish (`swish.rs`): each Swish payment's request at Swish, by the id we chose for it
-- (`swish_instruction`, 32 uppercase hex), whether Swish has said its last word on it
-- (`swish_final`: until then the server keeps asking, also after its own timeout), and Swish's
-- `paymentReference` of a paid one (a refund names it). A payment to pay back (`refund = 'due'`)
-- follows its refund at Swish: `refund_instruction`, and `refund_status` requested, refunded or
-- failed.
ALTER TABLE payments ADD COLUMN swish_instruction TEXT;
ALTER TABLE payments ADD COLUMN swish_final INTEGER NOT NULL DEFAULT 0;
ALTER TABLE payments ADD COLUMN swish_reference TEXT;
ALTER TABLE payments ADD COLUMN refund_instruction TEXT;
ALTER TABLE payments ADD COLUMN refund_status TEXT CHECK (refund_status IN ('requested', 'refunded', 'failed'));
CREATE UNIQUE INDEX payments_swish_instruction ON payments (swish_instruction) WHERE swish_instruction IS NOT NULL;

-- Twin of ../sqlite/0017_late_payments.sql.
ALTER TABLE payments ADD COLUMN refund TEXT CHECK (refund IN ('due'));

-- Twin of ../sqlite/0022_swish.sql.
ALTER TABLE payments ADD COLUMN swish_instruction TEXT;
ALTER TABLE payments ADD COLUMN swish_final BIGINT NOT NULL DEFAULT 0;
ALTER TABLE payments ADD COLUMN swish_reference TEXT;
ALTER TABLE payments ADD COLUMN refund_instruction TEXT;
ALTER TABLE payments ADD COLUMN refund_status TEXT CHECK (refund_status IN ('requested', 'refunded', 'failed'));
CREATE UNIQUE INDEX payments_swish_instruction ON payments (swish_instruction) WHERE swish_instruction IS NOT NULL;

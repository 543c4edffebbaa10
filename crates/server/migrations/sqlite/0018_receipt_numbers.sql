-- Receipt numbers from a counter of their own, not COUNT(*) + 1: two payments settled at once can
-- never be given the same number, and a number is never given twice (the unique index says so
-- to any writer). One row per numbered payment; `n` only grows (AUTOINCREMENT never reuses).
CREATE TABLE receipt_numbers (
    n          INTEGER PRIMARY KEY AUTOINCREMENT,
    payment_id TEXT NOT NULL UNIQUE REFERENCES payments (id)
);
INSERT OR IGNORE INTO receipt_numbers (n, payment_id)
    SELECT CAST(substr(receipt_number, 2) AS INTEGER), id FROM payments
    WHERE receipt_number GLOB 'K[0-9]*' ORDER BY receipt_number;
CREATE UNIQUE INDEX payments_receipt_number ON payments (receipt_number);

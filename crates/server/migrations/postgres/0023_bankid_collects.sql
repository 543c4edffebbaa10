-- Twin of ../sqlite/0023_bankid_collects.sql.
CREATE TABLE bankid_collects (
    order_ref TEXT PRIMARY KEY,
    asked_at_ms BIGINT NOT NULL,
    hint_code TEXT
);

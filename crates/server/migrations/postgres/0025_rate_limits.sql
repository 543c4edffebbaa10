-- Twin of ../sqlite/0025_rate_limits.sql.
CREATE TABLE rate_limits (
    key TEXT PRIMARY KEY,
    tat_ms BIGINT NOT NULL
);

-- PostgreSQL twin of ../sqlite/0001_units.sql (the same schema after every step: db::postgres
-- tests compare them). SQLite's INTEGER is BIGINT here, BLOB is BYTEA, and an INTEGER PRIMARY
-- KEY that SQLite numbers itself is an identity column.
CREATE TABLE units (
    id      TEXT PRIMARY KEY NOT NULL,
    name    TEXT NOT NULL,
    kind    TEXT NOT NULL CHECK (kind IN ('healthCentre', 'dental', 'youth', 'specialist')),
    address TEXT NOT NULL,
    city    TEXT NOT NULL,
    phone   TEXT
);

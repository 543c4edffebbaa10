-- Limits on starting logins and kiosk check-ins, per client address, shared by every server
-- process on this database (src/rate_limit.rs): one row per limit and client, its GCRA
-- "theoretical arrival time" in milliseconds. The key is a hash, not the address itself. A row
-- whose time has passed says nothing more than no row, and the server deletes such rows.
CREATE TABLE rate_limits (
    key TEXT PRIMARY KEY,
    tat_ms INTEGER NOT NULL
);

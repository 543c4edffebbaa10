-- Residents who have logged in, their sessions, pending BankID logins, and guardianships.
CREATE TABLE users (
    personal_number TEXT PRIMARY KEY NOT NULL,   -- 12 digits, as BankID returns it
    name            TEXT NOT NULL,
    given_name      TEXT NOT NULL,
    surname         TEXT NOT NULL,
    created_at      INTEGER NOT NULL             -- unix seconds
) STRICT;

-- Opaque session ids live only in the cookie; the table holds their SHA-256.
CREATE TABLE sessions (
    id_hash         TEXT PRIMARY KEY NOT NULL,
    personal_number TEXT NOT NULL REFERENCES users (personal_number),
    created_at      INTEGER NOT NULL,
    last_seen       INTEGER NOT NULL,
    revoked         INTEGER NOT NULL DEFAULT 0
) STRICT;

-- A BankID order in progress, keyed by the hash of the login cookie, so a reload or a new tab
-- after returning from the BankID app continues the same order.
CREATE TABLE login_orders (
    id_hash         TEXT PRIMARY KEY NOT NULL,
    order_ref       TEXT NOT NULL,
    same_device     INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    qr_start_token  TEXT NOT NULL,
    qr_start_secret TEXT NOT NULL,  -- never sent to the browser
    started_ms      INTEGER NOT NULL
) STRICT;

-- Who may act for whom (vårdnadshavare -> barn).
CREATE TABLE guardianships (
    guardian TEXT NOT NULL,
    child    TEXT NOT NULL,
    PRIMARY KEY (guardian, child)
) STRICT;

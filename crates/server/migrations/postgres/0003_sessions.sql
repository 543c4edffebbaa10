-- Twin of ../sqlite/0003_sessions.sql.
CREATE TABLE users (
    personal_number TEXT PRIMARY KEY NOT NULL,
    name            TEXT NOT NULL,
    given_name      TEXT NOT NULL,
    surname         TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);

CREATE TABLE sessions (
    id_hash         TEXT PRIMARY KEY NOT NULL,
    personal_number TEXT NOT NULL REFERENCES users (personal_number),
    created_at      BIGINT NOT NULL,
    last_seen       BIGINT NOT NULL,
    revoked         BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE login_orders (
    id_hash         TEXT PRIMARY KEY NOT NULL,
    order_ref       TEXT NOT NULL,
    same_device     BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    qr_start_token  TEXT NOT NULL,
    qr_start_secret TEXT NOT NULL,
    started_ms      BIGINT NOT NULL
);

CREATE TABLE guardianships (
    guardian TEXT NOT NULL,
    child    TEXT NOT NULL,
    PRIMARY KEY (guardian, child)
);

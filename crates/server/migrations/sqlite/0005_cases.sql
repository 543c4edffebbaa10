-- Care requests (Digitalen): one row per case, in its unit's queue while waiting.
CREATE TABLE cases (
    id               TEXT PRIMARY KEY NOT NULL,   -- opaque, random
    owner            TEXT NOT NULL,               -- personnummer of the user who created it
    patient          TEXT NOT NULL,               -- personnummer of whom it is for (owner or a child)
    unit_id          TEXT NOT NULL REFERENCES units (id),
    questionnaire_id TEXT NOT NULL,
    title            TEXT NOT NULL,
    response         TEXT NOT NULL,               -- the QuestionnaireResponse, as validated
    priority         INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 3),
    status           TEXT NOT NULL CHECK (status IN ('waiting', 'inProgress', 'closed', 'withdrawn')),
    created_at       INTEGER NOT NULL,
    picked_at        INTEGER,
    closed_at        INTEGER,
    idempotency_key  TEXT NOT NULL,
    UNIQUE (owner, idempotency_key)
) STRICT;
CREATE INDEX cases_queue ON cases (unit_id, status, priority, created_at);
CREATE INDEX cases_patient ON cases (patient);

-- Care staff (the reference server's minimal console, /staff) and their sessions, apart from patients'.
CREATE TABLE staff_sessions (
    id_hash    TEXT PRIMARY KEY NOT NULL,
    staff_id   TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

-- Text messages the server would send (the SMS gateway is outside the project): "din tur" etc.
CREATE TABLE sms_outbox (
    id         INTEGER PRIMARY KEY,
    to_number  TEXT NOT NULL,
    body       TEXT NOT NULL,
    case_id    TEXT,
    created_at INTEGER NOT NULL
) STRICT;

-- What changed for a user (case status, place in the queue), for the event stream. Kept a day,
-- so a reconnect with Last-Event-ID (even after a server restart) gets everything it missed.
CREATE TABLE events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient  TEXT NOT NULL,
    kind       TEXT NOT NULL,
    data       TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX events_recipient ON events (recipient, id);

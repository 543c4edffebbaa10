-- Booked visits, free slots, check-in and payments (issue 7).

-- Per unit: how many minutes before a visit check-in opens, and until how many hours before a
-- visit it can be cancelled without a fee; whether patients may move visits themselves.
ALTER TABLE units ADD COLUMN check_in_minutes INTEGER NOT NULL DEFAULT 30;
ALTER TABLE units ADD COLUMN cancel_free_hours INTEGER NOT NULL DEFAULT 24;
ALTER TABLE units ADD COLUMN reschedulable INTEGER NOT NULL DEFAULT 1;

-- The registered address (folkbokföringsadress) invoices go to.
ALTER TABLE people ADD COLUMN address TEXT;

-- The high-cost protection period per person: when it started and what was paid in it before
-- the payments recorded here (payments made elsewhere); a frikort may be registered directly.
CREATE TABLE high_cost (
    personal_number TEXT PRIMARY KEY NOT NULL,
    period_start    INTEGER NOT NULL,          -- unix seconds
    paid_before     INTEGER NOT NULL DEFAULT 0, -- kronor
    frikort_until   INTEGER                     -- unix seconds
) STRICT;

CREATE TABLE visits (
    id               TEXT PRIMARY KEY NOT NULL,
    patient          TEXT NOT NULL,             -- 12-digit personnummer
    unit_id          TEXT NOT NULL REFERENCES units (id),
    kind             TEXT NOT NULL CHECK (kind IN ('clinic', 'video', 'phone')),
    title            TEXT NOT NULL,
    clinician        TEXT,
    starts_at        INTEGER NOT NULL,
    ends_at          INTEGER NOT NULL,
    bring            TEXT NOT NULL DEFAULT '[]', -- JSON array of strings
    tariff           INTEGER NOT NULL,          -- kronor
    status           TEXT NOT NULL CHECK (status IN ('booked', 'checkedIn', 'cancelled')),
    checked_in_at    INTEGER,
    cancelled_at     INTEGER,
    late_cancel_fee  INTEGER,
    fee              INTEGER,                   -- fixed at check-in (kronor)
    reminder_sent_at INTEGER,
    video_url        TEXT
) STRICT;
CREATE INDEX visits_patient ON visits (patient, starts_at);
CREATE INDEX visits_reminders ON visits (status, reminder_sent_at, starts_at);

CREATE TABLE slots (
    id        TEXT PRIMARY KEY NOT NULL,
    unit_id   TEXT NOT NULL REFERENCES units (id),
    kind      TEXT NOT NULL CHECK (kind IN ('clinic', 'video', 'phone')),
    starts_at INTEGER NOT NULL,
    ends_at   INTEGER NOT NULL,
    visit_id  TEXT REFERENCES visits (id)
) STRICT;
CREATE INDEX slots_free ON slots (unit_id, kind, visit_id, starts_at);

CREATE TABLE payments (
    id              TEXT PRIMARY KEY NOT NULL,
    visit_id        TEXT NOT NULL REFERENCES visits (id),
    payer           TEXT NOT NULL,               -- 12-digit personnummer of the patient
    method          TEXT NOT NULL CHECK (method IN ('card', 'swish', 'invoice')),
    status          TEXT NOT NULL,
    amount          INTEGER NOT NULL,
    fee             INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    paid_at         INTEGER,
    return_url      TEXT,
    swish_token     TEXT,
    error_code      TEXT,
    receipt_number  TEXT,
    idempotency_key TEXT NOT NULL,
    UNIQUE (visit_id, idempotency_key)
) STRICT;
-- At most one settled payment per visit: a visit is never charged twice.
CREATE UNIQUE INDEX payments_settled ON payments (visit_id) WHERE status IN ('PAID', 'INVOICED');

-- Kiosk check-ins: a BankID order for one personnummer at one unit, then a short-lived token.
CREATE TABLE kiosk_check_ins (
    id              TEXT PRIMARY KEY NOT NULL,
    token_hash      TEXT NOT NULL,
    unit_id         TEXT NOT NULL REFERENCES units (id),
    personal_number TEXT NOT NULL,
    order_ref       TEXT NOT NULL,
    qr_start_token  TEXT NOT NULL,
    qr_start_secret TEXT NOT NULL,
    started_ms      INTEGER NOT NULL,
    identified_at   INTEGER,
    created_at      INTEGER NOT NULL
) STRICT;

ALTER TABLE sms_outbox ADD COLUMN visit_id TEXT;

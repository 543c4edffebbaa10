-- Twin of ../sqlite/0009_visits.sql.
ALTER TABLE units ADD COLUMN check_in_minutes BIGINT NOT NULL DEFAULT 30;
ALTER TABLE units ADD COLUMN cancel_free_hours BIGINT NOT NULL DEFAULT 24;
ALTER TABLE units ADD COLUMN reschedulable BIGINT NOT NULL DEFAULT 1;

ALTER TABLE people ADD COLUMN address TEXT;

CREATE TABLE high_cost (
    personal_number TEXT PRIMARY KEY NOT NULL,
    period_start    BIGINT NOT NULL,
    paid_before     BIGINT NOT NULL DEFAULT 0,
    frikort_until   BIGINT
);

CREATE TABLE visits (
    id               TEXT PRIMARY KEY NOT NULL,
    patient          TEXT NOT NULL,
    unit_id          TEXT NOT NULL REFERENCES units (id),
    kind             TEXT NOT NULL CHECK (kind IN ('clinic', 'video', 'phone')),
    title            TEXT NOT NULL,
    clinician        TEXT,
    starts_at        BIGINT NOT NULL,
    ends_at          BIGINT NOT NULL,
    bring            TEXT NOT NULL DEFAULT '[]',
    tariff           BIGINT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('booked', 'checkedIn', 'cancelled')),
    checked_in_at    BIGINT,
    cancelled_at     BIGINT,
    late_cancel_fee  BIGINT,
    fee              BIGINT,
    reminder_sent_at BIGINT,
    video_url        TEXT
);
CREATE INDEX visits_patient ON visits (patient, starts_at);
CREATE INDEX visits_reminders ON visits (status, reminder_sent_at, starts_at);

CREATE TABLE slots (
    id        TEXT PRIMARY KEY NOT NULL,
    unit_id   TEXT NOT NULL REFERENCES units (id),
    kind      TEXT NOT NULL CHECK (kind IN ('clinic', 'video', 'phone')),
    starts_at BIGINT NOT NULL,
    ends_at   BIGINT NOT NULL,
    visit_id  TEXT REFERENCES visits (id)
);
CREATE INDEX slots_free ON slots (unit_id, kind, visit_id, starts_at);

CREATE TABLE payments (
    id              TEXT PRIMARY KEY NOT NULL,
    visit_id        TEXT NOT NULL REFERENCES visits (id),
    payer           TEXT NOT NULL,
    method          TEXT NOT NULL CHECK (method IN ('card', 'swish', 'invoice')),
    status          TEXT NOT NULL,
    amount          BIGINT NOT NULL,
    fee             BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    paid_at         BIGINT,
    return_url      TEXT,
    swish_token     TEXT,
    error_code      TEXT,
    receipt_number  TEXT,
    idempotency_key TEXT NOT NULL,
    UNIQUE (visit_id, idempotency_key)
);
CREATE UNIQUE INDEX payments_settled ON payments (visit_id) WHERE status IN ('PAID', 'INVOICED');

CREATE TABLE kiosk_check_ins (
    id              TEXT PRIMARY KEY NOT NULL,
    token_hash      TEXT NOT NULL,
    unit_id         TEXT NOT NULL REFERENCES units (id),
    personal_number TEXT NOT NULL,
    order_ref       TEXT NOT NULL,
    qr_start_token  TEXT NOT NULL,
    qr_start_secret TEXT NOT NULL,
    started_ms      BIGINT NOT NULL,
    identified_at   BIGINT,
    created_at      BIGINT NOT NULL
);

ALTER TABLE sms_outbox ADD COLUMN visit_id TEXT;

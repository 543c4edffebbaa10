-- Self-booking (webbtidbokning): the visit types a unit opens to patients, booked into its
-- free slots of the same kind; a booking made in the app remembers who made it and with which
-- Idempotency-Key, so a retry never books twice.
CREATE TABLE bookable_types (
    unit_id     TEXT NOT NULL REFERENCES units (id),
    id          TEXT NOT NULL,
    title       TEXT NOT NULL,
    description TEXT,
    kind        TEXT NOT NULL CHECK (kind IN ('clinic', 'video', 'phone')),
    minutes     INTEGER NOT NULL CHECK (minutes > 0),
    tariff      INTEGER NOT NULL,              -- kronor
    bring       TEXT NOT NULL DEFAULT '[]',    -- JSON array of strings
    position    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, id)
) STRICT;

ALTER TABLE visits ADD COLUMN booked_by TEXT;        -- personnummer of the user who booked in the app
ALTER TABLE visits ADD COLUMN type_id TEXT;          -- the bookable type, for self-booked visits
ALTER TABLE visits ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX visits_booking_key ON visits (booked_by, idempotency_key) WHERE idempotency_key IS NOT NULL;

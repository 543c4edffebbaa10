-- Twin of ../sqlite/0013_self_booking.sql.
CREATE TABLE bookable_types (
    unit_id     TEXT NOT NULL REFERENCES units (id),
    id          TEXT NOT NULL,
    title       TEXT NOT NULL,
    description TEXT,
    kind        TEXT NOT NULL CHECK (kind IN ('clinic', 'video', 'phone')),
    minutes     BIGINT NOT NULL CHECK (minutes > 0),
    tariff      BIGINT NOT NULL,
    bring       TEXT NOT NULL DEFAULT '[]',
    position    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, id)
);

ALTER TABLE visits ADD COLUMN booked_by TEXT;
ALTER TABLE visits ADD COLUMN type_id TEXT;
ALTER TABLE visits ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX visits_booking_key ON visits (booked_by, idempotency_key) WHERE idempotency_key IS NOT NULL;

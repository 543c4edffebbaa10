-- Errands that go back and forth: after the clinic's first answer (errands.answer) the patient
-- and staff exchange messages on the errand until staff close it. A patient's message carries
-- the app's client id, so a retry never adds it twice.
CREATE TABLE errand_messages (
    id          INTEGER PRIMARY KEY,
    errand_id   TEXT NOT NULL REFERENCES errands (id),
    from_clinic INTEGER NOT NULL,            -- 1: staff, 0: the patient's side
    author      TEXT,                        -- staff: "Lena, sjuksköterska"
    body        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    client_id   TEXT,
    UNIQUE (errand_id, client_id)
) STRICT;
CREATE INDEX errand_messages_errand ON errand_messages (errand_id, id);

ALTER TABLE errands ADD COLUMN closed_at INTEGER;

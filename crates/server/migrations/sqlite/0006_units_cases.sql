-- Units: time zone, staffed hours, the services they offer and their symptom categories.
ALTER TABLE units ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'Europe/Stockholm';

CREATE TABLE unit_hours (
    unit_id TEXT NOT NULL REFERENCES units (id),
    day     INTEGER NOT NULL CHECK (day BETWEEN 1 AND 7),  -- ISO weekday, 1 = Monday
    opens   TEXT NOT NULL,                                  -- local HH:MM
    closes  TEXT NOT NULL,
    PRIMARY KEY (unit_id, day, opens)
) STRICT;

CREATE TABLE unit_services (
    unit_id  TEXT NOT NULL REFERENCES units (id),
    service  TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (unit_id, service)
) STRICT;

CREATE TABLE unit_categories (
    unit_id          TEXT NOT NULL REFERENCES units (id),
    questionnaire_id TEXT NOT NULL REFERENCES questionnaires (id),
    position         INTEGER NOT NULL,
    PRIMARY KEY (unit_id, questionnaire_id)
) STRICT;

-- Cases: the free-text description, when the conduct rules were accepted, and when the case last
-- joined the queue (a continued case queues again without changing when it was created).
ALTER TABLE cases ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN rules_accepted_at INTEGER;
ALTER TABLE cases ADD COLUMN queued_at INTEGER;
UPDATE cases SET queued_at = created_at;
DROP INDEX cases_queue;
CREATE INDEX cases_queue ON cases (unit_id, status, priority, queued_at);

-- What the patient and care staff write in a case (a continuation now, the chat later).
CREATE TABLE messages (
    id              INTEGER PRIMARY KEY,
    case_id         TEXT NOT NULL REFERENCES cases (id),
    author          TEXT NOT NULL CHECK (author IN ('patient', 'staff')),
    body            TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    idempotency_key TEXT,
    UNIQUE (case_id, idempotency_key)
) STRICT;

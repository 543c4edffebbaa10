-- E-services (1177 basutbud): each unit's ärendetyper, each a questionnaire with its usual answer time.
CREATE TABLE unit_e_services (
    unit_id            TEXT NOT NULL REFERENCES units (id),
    id                 TEXT NOT NULL,                 -- stable within the unit, e.g. 'fornya-recept'
    questionnaire_id   TEXT NOT NULL REFERENCES questionnaires (id),
    position           INTEGER NOT NULL,
    answer_within_days INTEGER,
    PRIMARY KEY (unit_id, id)
) STRICT;

-- Current prescriptions (from the region's medication list), offered in "Förnya recept".
CREATE TABLE prescriptions (
    id          TEXT PRIMARY KEY NOT NULL,
    patient     TEXT NOT NULL,                        -- personnummer, 12 digits
    medicine    TEXT NOT NULL,                        -- "Levaxin 100 mikrogram tablett"
    dosage      TEXT NOT NULL,                        -- "1 tablett på morgonen"
    valid_until INTEGER NOT NULL                      -- seconds since the epoch
) STRICT;
CREATE INDEX prescriptions_patient ON prescriptions (patient);

-- Errands sent through an e-service; the clinic answers them in the staff console.
CREATE TABLE errands (
    id                 TEXT PRIMARY KEY NOT NULL,
    owner              TEXT NOT NULL,                 -- personnummer of the user who sent it
    patient            TEXT NOT NULL,                 -- whom it is for (owner or a child up to 12)
    unit_id            TEXT NOT NULL REFERENCES units (id),
    e_service_id       TEXT NOT NULL,
    questionnaire_id   TEXT NOT NULL,
    title              TEXT NOT NULL,
    response           TEXT NOT NULL,                 -- the QuestionnaireResponse, as validated
    status             TEXT NOT NULL CHECK (status IN ('sent', 'answered')),
    answer_within_days INTEGER,
    created_at         INTEGER NOT NULL,
    answered_at        INTEGER,
    answer             TEXT,
    answered_by        TEXT,
    idempotency_key    TEXT NOT NULL,
    UNIQUE (owner, idempotency_key)
) STRICT;
CREATE INDEX errands_patient ON errands (patient);
CREATE INDEX errands_unit ON errands (unit_id, status, created_at);

-- The inbox: messages from a clinic to a patient (read and answered state shared by everyone who
-- may read them: the patient, or a child's guardians).
CREATE TABLE inbox_messages (
    id               TEXT PRIMARY KEY NOT NULL,
    patient          TEXT NOT NULL,
    unit_id          TEXT NOT NULL REFERENCES units (id),
    subject          TEXT NOT NULL,
    body             TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('info', 'questions')),
    questionnaire_id TEXT REFERENCES questionnaires (id),
    errand_id        TEXT REFERENCES errands (id),
    sent_by          TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    read_at          INTEGER,
    answered_at      INTEGER,
    answered_by      TEXT,                            -- personnummer of who answered
    response         TEXT,
    answer_key       TEXT,                            -- the Idempotency-Key of the answer
    CHECK (kind = 'info' OR questionnaire_id IS NOT NULL)
) STRICT;
CREATE INDEX inbox_patient ON inbox_messages (patient, created_at);

-- Notifications the server would send about a new inbox item (gateways are outside the project),
-- by the recipient's settings: sms, e-post or push. Never any health data in them.
CREATE TABLE notification_outbox (
    id         INTEGER PRIMARY KEY,
    channel    TEXT NOT NULL CHECK (channel IN ('sms', 'email', 'push')),
    recipient  TEXT NOT NULL,                         -- +467…, an e-mail address, or the personnummer (push)
    body       TEXT NOT NULL,
    inbox_id   TEXT REFERENCES inbox_messages (id),
    created_at INTEGER NOT NULL
) STRICT;

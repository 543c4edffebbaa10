-- Twin of ../sqlite/0004_people.sql.
CREATE TABLE people (
    id              TEXT PRIMARY KEY NOT NULL,
    personal_number TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    given_name      TEXT NOT NULL,
    surname         TEXT NOT NULL
);

CREATE TABLE contact_details (
    personal_number TEXT PRIMARY KEY NOT NULL,
    mobile          TEXT,
    email           TEXT,
    notify_sms      BIGINT NOT NULL,
    notify_email    BIGINT NOT NULL,
    notify_push     BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);

CREATE TABLE draft_keys (
    personal_number TEXT PRIMARY KEY NOT NULL,
    key             TEXT NOT NULL
);

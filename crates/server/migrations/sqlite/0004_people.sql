-- People the service knows (residents and their children), with opaque ids for URLs.
CREATE TABLE people (
    id              TEXT PRIMARY KEY NOT NULL,
    personal_number TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    given_name      TEXT NOT NULL,
    surname         TEXT NOT NULL
) STRICT;

CREATE TABLE contact_details (
    personal_number TEXT PRIMARY KEY NOT NULL,
    mobile          TEXT,
    email           TEXT,
    notify_sms      INTEGER NOT NULL,
    notify_email    INTEGER NOT NULL,
    notify_push     INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;

-- Per-resident key for drafts kept encrypted on the device (handed out only to their session).
CREATE TABLE draft_keys (
    personal_number TEXT PRIMARY KEY NOT NULL,
    key             TEXT NOT NULL
) STRICT;

-- Twin of ../sqlite/0015_errand_attachments.sql.
CREATE TABLE errand_attachments (
    id           TEXT PRIMARY KEY NOT NULL,
    errand_id    TEXT NOT NULL REFERENCES errands (id),
    uploader     TEXT NOT NULL,
    content_type TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'application/pdf')),
    width        BIGINT,
    height       BIGINT,
    bytes        BYTEA NOT NULL,
    thumbnail    BYTEA,
    message_id   BIGINT REFERENCES errand_messages (id),
    position     BIGINT NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL
);
CREATE INDEX errand_attachments_message ON errand_attachments (message_id);

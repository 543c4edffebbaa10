-- Twin of ../sqlite/0008_pictures.sql.
CREATE TABLE pictures (
    id           TEXT PRIMARY KEY NOT NULL,
    case_id      TEXT NOT NULL REFERENCES cases (id),
    uploader     TEXT NOT NULL,
    content_type TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png')),
    width        BIGINT NOT NULL,
    height       BIGINT NOT NULL,
    bytes        BYTEA NOT NULL,
    thumbnail    BYTEA NOT NULL,
    message_id   BIGINT REFERENCES messages (id),
    position     BIGINT NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL
);
CREATE INDEX pictures_message ON pictures (message_id);

ALTER TABLE messages ADD COLUMN asks_for_picture BIGINT NOT NULL DEFAULT 0;

CREATE INDEX events_created ON events (created_at);

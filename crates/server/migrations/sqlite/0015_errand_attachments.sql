-- Pictures and documents (PDF) on an errand's messages. As for the chat's pictures: the id is the
-- client's (a UUID), so a repeated upload is harmless; until a message carries it
-- (`message_id`), only the uploader sees it. A picture is stored encoded anew (no metadata) with
-- a thumbnail; a document is stored as sent and only ever served as a download.
CREATE TABLE errand_attachments (
    id           TEXT PRIMARY KEY NOT NULL,
    errand_id    TEXT NOT NULL REFERENCES errands (id),
    uploader     TEXT NOT NULL,               -- personnummer of the user who uploaded it
    content_type TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'application/pdf')),
    width        INTEGER,                     -- pictures only
    height       INTEGER,
    bytes        BLOB NOT NULL,
    thumbnail    BLOB,                        -- pictures only: JPEG, at most 320 px
    message_id   INTEGER REFERENCES errand_messages (id),
    position     INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX errand_attachments_message ON errand_attachments (message_id);

-- Pictures in the chat of a case. The id is the client's (a UUID), which makes a repeated upload
-- harmless. `message_id` is set when a message carries the picture; until then only the uploader
-- sees it. Bytes live in the database (no second store to back up or to authorise).
CREATE TABLE pictures (
    id           TEXT PRIMARY KEY NOT NULL,
    case_id      TEXT NOT NULL REFERENCES cases (id),
    uploader     TEXT NOT NULL,               -- personnummer of the user who uploaded it
    content_type TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png')),
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    bytes        BLOB NOT NULL,
    thumbnail    BLOB NOT NULL,               -- JPEG, at most 320 px on the long side
    message_id   INTEGER REFERENCES messages (id),
    position     INTEGER NOT NULL DEFAULT 0,  -- its place among the message's pictures
    created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX pictures_message ON pictures (message_id);

-- Staff asked the patient for a picture with this message.
ALTER TABLE messages ADD COLUMN asks_for_picture INTEGER NOT NULL DEFAULT 0;

-- Pruning old events (every queue change) without reading the whole table.
CREATE INDEX events_created ON events (created_at);

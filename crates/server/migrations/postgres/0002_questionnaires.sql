-- Twin of ../sqlite/0002_questionnaires.sql. A resource that is not JSON fails the cast.
CREATE TABLE questionnaires (
    id       TEXT PRIMARY KEY NOT NULL,
    url      TEXT NOT NULL,
    version  TEXT NOT NULL,
    title    TEXT NOT NULL,
    resource TEXT NOT NULL CHECK (resource::jsonb IS NOT NULL),
    UNIQUE (url, version)
);

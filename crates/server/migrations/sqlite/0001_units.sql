-- Care units (mottagningar). Later migrations add services, hours and questionnaires.
CREATE TABLE units (
    id      TEXT PRIMARY KEY NOT NULL,
    name    TEXT NOT NULL,
    kind    TEXT NOT NULL CHECK (kind IN ('healthCentre', 'dental', 'youth', 'specialist')),
    address TEXT NOT NULL,
    city    TEXT NOT NULL,
    phone   TEXT
) STRICT;

-- FHIR R4 Questionnaires offered by the region (symptom forms, e-services). The resource is kept
-- as JSON exactly as authored; `url`/`version` identify it for responses.
CREATE TABLE questionnaires (
    id       TEXT PRIMARY KEY NOT NULL,
    url      TEXT NOT NULL,
    version  TEXT NOT NULL,
    title    TEXT NOT NULL,
    resource TEXT NOT NULL CHECK (json_valid(resource)),
    UNIQUE (url, version)
) STRICT;

-- The region's own data in the user's language: a Swedish text the server hands out (a visit's
-- or a bookable type's title and description, what to bring, a clinician's role) and its
-- translation, per language of `Accept-Language` (`lang::Phrasebook`). A text without one is
-- given as written, in Swedish. A region fills this from its booking system's translations.
CREATE TABLE translations (
    sv   TEXT NOT NULL,
    lang TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (sv, lang)
);

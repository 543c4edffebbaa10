-- Twin of ../sqlite/0019_translations.sql.
CREATE TABLE translations (
    sv   TEXT NOT NULL,
    lang TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (sv, lang)
);

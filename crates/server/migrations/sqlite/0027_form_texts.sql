-- What the unit and e-service lists show of a form, read once when it is stored (as its ages
-- are, `ages_read`), so no list parses a questionnaire or asks the database to: its
-- description, and the `_title` and `_description` elements (JSON text) with their
-- translations. Every stored form is read again at the next start.
ALTER TABLE questionnaires ADD COLUMN description TEXT;
ALTER TABLE questionnaires ADD COLUMN title_translations TEXT;
ALTER TABLE questionnaires ADD COLUMN description_translations TEXT;
UPDATE questionnaires SET ages_read = 0;

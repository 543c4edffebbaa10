-- The language a resident's notices are written in (the SMS "din tur", visit reminders, new
-- inbox messages): the app's language as its last `Accept-Language` said (session start,
-- keep-alive, saved contact details). Swedish until the app says otherwise.
ALTER TABLE contact_details ADD COLUMN language TEXT NOT NULL DEFAULT 'sv';

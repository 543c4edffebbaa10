-- Twin of ../sqlite/0020_notice_language.sql.
ALTER TABLE contact_details ADD COLUMN language TEXT NOT NULL DEFAULT 'sv';

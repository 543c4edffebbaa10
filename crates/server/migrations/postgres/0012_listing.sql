-- Twin of ../sqlite/0012_listing.sql.
ALTER TABLE people ADD COLUMN listed_unit TEXT;

-- The care unit where a person is listed (their own health centre, "listad på vårdcentral"):
-- the only unit the app may choose for them before they do.
ALTER TABLE people ADD COLUMN listed_unit TEXT;

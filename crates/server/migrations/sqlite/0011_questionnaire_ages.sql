-- The age range of each form's useContext, in whole years, read once when the form is stored
-- (`ages_read` = 1), so listing the units never parses a questionnaire. A row written without
-- them (ages_read = 0) is read at the next start.
ALTER TABLE questionnaires ADD COLUMN min_age INTEGER;
ALTER TABLE questionnaires ADD COLUMN max_age INTEGER;
ALTER TABLE questionnaires ADD COLUMN ages_read INTEGER NOT NULL DEFAULT 0;

-- Twin of ../sqlite/0011_questionnaire_ages.sql.
ALTER TABLE questionnaires ADD COLUMN min_age BIGINT;
ALTER TABLE questionnaires ADD COLUMN max_age BIGINT;
ALTER TABLE questionnaires ADD COLUMN ages_read BIGINT NOT NULL DEFAULT 0;

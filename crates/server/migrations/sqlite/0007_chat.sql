-- Chat: who on the staff side wrote a message (first name and role, as the patient sees them).
ALTER TABLE messages ADD COLUMN author_name TEXT;
ALTER TABLE messages ADD COLUMN author_role TEXT;
CREATE INDEX messages_case ON messages (case_id, id);

-- Twin of ../sqlite/0007_chat.sql.
ALTER TABLE messages ADD COLUMN author_name TEXT;
ALTER TABLE messages ADD COLUMN author_role TEXT;
CREATE INDEX messages_case ON messages (case_id, id);

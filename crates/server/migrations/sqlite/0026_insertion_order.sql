-- The order rows were written in, where lists and the queue need it (two cases queued in the same
-- second, the newest message first, payments asked about in the order they were made): SQLite's
-- rowid said it until now, and PostgreSQL has none.
-- A new row takes the next number in the statement that writes it: (SELECT COALESCE(MAX(seq), 0)
-- + 1 FROM <table>).
ALTER TABLE cases ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE cases SET seq = rowid;
ALTER TABLE errands ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE errands SET seq = rowid;
ALTER TABLE inbox_messages ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE inbox_messages SET seq = rowid;
ALTER TABLE push_subscriptions ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE push_subscriptions SET seq = rowid;
ALTER TABLE payments ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE payments SET seq = rowid;

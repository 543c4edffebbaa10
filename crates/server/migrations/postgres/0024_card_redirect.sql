-- Twin of ../sqlite/0024_card_redirect.sql.
ALTER TABLE payments ADD COLUMN redirect_url TEXT;

-- Where a card payment's hosted page is (the provider's answer to `CardProvider::start`), so any
-- server process can send the user there again.
ALTER TABLE payments ADD COLUMN redirect_url TEXT;

-- Twin of ../sqlite/0026_insertion_order.sql (existing rows numbered by when they were written).
ALTER TABLE cases ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
UPDATE cases SET seq = o.n FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY created_at, id) AS n FROM cases) o
    WHERE cases.id = o.id;
ALTER TABLE errands ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
UPDATE errands SET seq = o.n FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY created_at, id) AS n FROM errands) o
    WHERE errands.id = o.id;
ALTER TABLE inbox_messages ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
UPDATE inbox_messages SET seq = o.n
    FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY created_at, id) AS n FROM inbox_messages) o
    WHERE inbox_messages.id = o.id;
ALTER TABLE push_subscriptions ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
UPDATE push_subscriptions SET seq = o.n
    FROM (SELECT endpoint, ROW_NUMBER() OVER (ORDER BY created_at, endpoint) AS n FROM push_subscriptions) o
    WHERE push_subscriptions.endpoint = o.endpoint;
ALTER TABLE payments ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
UPDATE payments SET seq = o.n FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY created_at, id) AS n FROM payments) o
    WHERE payments.id = o.id;

-- Web Push (RFC 8030, with VAPID RFC 8292 and message encryption RFC 8291).
--
-- A device's subscription, as the browser's PushSubscription gives it: the push service's
-- endpoint (unique), the device's public key (p256dh) and auth secret. It belongs to the
-- resident who subscribed; the session it was made in is kept so that logging out there ends it.
CREATE TABLE push_subscriptions (
    endpoint TEXT PRIMARY KEY,
    personal_number TEXT NOT NULL,
    p256dh TEXT NOT NULL,
    auth TEXT NOT NULL,
    session_hash TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX push_subscriptions_owner ON push_subscriptions (personal_number);

-- One notice to one device: what to send (no health data: a title, a line and the app's path),
-- how long the push service may keep it (TTL) and how urgent it is; then its delivery, like the
-- SMS outbox: queued, sending, sent, gone (the push service says the subscription has ended),
-- failed or expired.
CREATE TABLE push_outbox (
    id INTEGER PRIMARY KEY,
    endpoint TEXT NOT NULL,
    recipient TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    urgency TEXT NOT NULL,
    ttl INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    sent_at INTEGER,
    last_error TEXT
);
CREATE INDEX push_outbox_due ON push_outbox (status, next_attempt_at);

-- The server's own VAPID key when none is configured (demo mode): made once, kept, so every
-- process and every restart signs with the same key and subscriptions stay valid.
CREATE TABLE vapid_key (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    private_key TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

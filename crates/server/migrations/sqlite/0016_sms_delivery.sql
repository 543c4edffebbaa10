-- Text messages are sent by a gateway when one is configured (crates/server/src/sms.rs): each
-- outbox row records its delivery. `queued` → `sending` (claimed, before the gateway is called)
-- → `sent` (with the gateway's id) or back to `queued` later (a temporary failure) or `failed`;
-- `expired`: not sent within an hour of being written ("din tur" an hour late misleads).
ALTER TABLE sms_outbox ADD COLUMN status TEXT NOT NULL DEFAULT 'queued'
    CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'expired'));
ALTER TABLE sms_outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sms_outbox ADD COLUMN next_attempt_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sms_outbox ADD COLUMN sent_at INTEGER;
ALTER TABLE sms_outbox ADD COLUMN provider_id TEXT;
ALTER TABLE sms_outbox ADD COLUMN last_error TEXT;
ALTER TABLE notification_outbox ADD COLUMN status TEXT NOT NULL DEFAULT 'queued'
    CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'expired'));
ALTER TABLE notification_outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE notification_outbox ADD COLUMN next_attempt_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE notification_outbox ADD COLUMN sent_at INTEGER;
ALTER TABLE notification_outbox ADD COLUMN provider_id TEXT;
ALTER TABLE notification_outbox ADD COLUMN last_error TEXT;
CREATE INDEX sms_outbox_due ON sms_outbox (status, next_attempt_at);
CREATE INDEX notification_outbox_due ON notification_outbox (status, next_attempt_at);

-- Twin of ../sqlite/0016_sms_delivery.sql.
ALTER TABLE sms_outbox ADD COLUMN status TEXT NOT NULL DEFAULT 'queued'
    CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'expired'));
ALTER TABLE sms_outbox ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sms_outbox ADD COLUMN next_attempt_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sms_outbox ADD COLUMN sent_at BIGINT;
ALTER TABLE sms_outbox ADD COLUMN provider_id TEXT;
ALTER TABLE sms_outbox ADD COLUMN last_error TEXT;
ALTER TABLE notification_outbox ADD COLUMN status TEXT NOT NULL DEFAULT 'queued'
    CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'expired'));
ALTER TABLE notification_outbox ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE notification_outbox ADD COLUMN next_attempt_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE notification_outbox ADD COLUMN sent_at BIGINT;
ALTER TABLE notification_outbox ADD COLUMN provider_id TEXT;
ALTER TABLE notification_outbox ADD COLUMN last_error TEXT;
CREATE INDEX sms_outbox_due ON sms_outbox (status, next_attempt_at);
CREATE INDEX notification_outbox_due ON notification_outbox (status, next_attempt_at);

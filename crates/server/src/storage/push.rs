//! Web Push: the devices residents subscribed, the outbox of notices to them, and the server's
//! own VAPID key when it makes one (`crate::push` has the rules: who gets what, the retries).

use super::{Conn, OptionalExtension, Result, params};

/// A device's subscription, as the browser's push service gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription<'a> {
    pub endpoint: &'a str,
    pub personal_number: &'a str,
    /// base64url without padding
    pub p256dh: &'a str,
    pub auth: &'a str,
    pub session_hash: &'a str,
}

/// Keeps `s` (again, when the device subscribes anew) and the resident's `max_devices` newest
/// devices only; their contact details say push from now (in `language` when they had none).
pub fn subscribe(conn: &mut Conn<'_>, s: &Subscription<'_>, max_devices: i64, language: &str, now: i64) -> Result<()> {
    conn.transaction(|tx| {
        tx.execute(
            "INSERT INTO push_subscriptions (endpoint, personal_number, p256dh, auth, session_hash, created_at, seq)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, (SELECT COALESCE(MAX(seq), 0) + 1 FROM push_subscriptions))
             ON CONFLICT (endpoint) DO UPDATE SET personal_number = ?2, p256dh = ?3, auth = ?4, session_hash = ?5,
               created_at = ?6",
            params![s.endpoint, s.personal_number, s.p256dh, s.auth, s.session_hash, now],
        )?;
        tx.execute(
            "DELETE FROM push_subscriptions WHERE personal_number = ?1 AND endpoint NOT IN
               (SELECT endpoint FROM push_subscriptions WHERE personal_number = ?1
                ORDER BY created_at DESC, seq DESC LIMIT ?2)",
            params![s.personal_number, max_devices],
        )?;
        tx.execute(
            "INSERT INTO contact_details (personal_number, notify_sms, notify_email, notify_push, updated_at, language)
             VALUES (?1, 0, 0, 1, ?2, ?3)
             ON CONFLICT (personal_number) DO UPDATE SET notify_push = 1, updated_at = ?2",
            params![s.personal_number, now, language],
        )?;
        Ok(())
    })
}

/// The device `endpoint` of `personal_number` wants no more pushes; whether there was one.
pub fn unsubscribe(conn: &mut Conn<'_>, endpoint: &str, personal_number: &str) -> Result<bool> {
    Ok(conn.execute(
        "DELETE FROM push_subscriptions WHERE endpoint = ?1 AND personal_number = ?2",
        params![endpoint, personal_number],
    )? > 0)
}

/// The endpoints of a resident's devices, newest first.
pub fn endpoints(conn: &mut Conn<'_>, personal_number: &str) -> Result<Vec<String>> {
    conn.query_map(
        "SELECT endpoint FROM push_subscriptions WHERE personal_number = ?1 ORDER BY created_at DESC, seq DESC",
        params![personal_number],
        |r| r.get("endpoint"),
    )
}

/// The language of `recipient`'s notices when they chose push, else `None`.
pub fn wants_push(conn: &mut Conn<'_>, recipient: &str) -> Result<Option<String>> {
    conn.query_row(
        "SELECT language FROM contact_details WHERE personal_number = ?1 AND notify_push = 1",
        params![recipient],
        |r| r.get("language"),
    )
    .optional()
}

/// A notice to queue for each of a resident's devices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice<'a> {
    pub kind: &'a str,
    /// JSON, `ingang_api::push::PushMessage`
    pub payload: &'a str,
    pub urgency: &'a str,
    /// seconds a push service may hold it
    pub ttl: i64,
}

/// Queues `notice` once for every device of `recipient`; returns how many.
pub fn enqueue(conn: &mut Conn<'_>, recipient: &str, notice: &Notice<'_>, now: i64) -> Result<usize> {
    conn.prepare_cached(
        "INSERT INTO push_outbox (endpoint, recipient, kind, payload, urgency, ttl, created_at)
         SELECT endpoint, personal_number, CAST(?2 AS TEXT), CAST(?3 AS TEXT), CAST(?4 AS TEXT), CAST(?5 AS BIGINT),
                CAST(?6 AS BIGINT)
         FROM push_subscriptions WHERE personal_number = ?1",
    )?
    .execute(params![recipient, notice.kind, notice.payload, notice.urgency, notice.ttl, now])
}

/// A claimed notice with its device's keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub id: i64,
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
    pub payload: String,
    pub urgency: String,
    pub ttl: i64,
    /// including this one
    pub attempts: i64,
}

/// Before a round: notices past their TTL expire, and those whose device was dropped are gone.
pub fn drop_stale(conn: &mut Conn<'_>, now: i64) -> Result<()> {
    conn.execute(
        "UPDATE push_outbox SET status = 'expired' WHERE status = 'queued' AND created_at + ttl < ?1",
        params![now],
    )?;
    conn.execute(
        "UPDATE push_outbox SET status = 'gone' WHERE status = 'queued'
         AND endpoint NOT IN (SELECT endpoint FROM push_subscriptions)",
        params![],
    )?;
    Ok(())
}

/// Claims the oldest notice due at `now` (`sending`), so no other process sends it: the outer
/// `WHERE` checks its status again, which under PostgreSQL's READ COMMITTED re-reads a row
/// another process has just claimed.
pub fn claim(conn: &mut Conn<'_>, now: i64) -> Result<Option<Due>> {
    conn.query_row(
        "UPDATE push_outbox SET status = 'sending', attempts = attempts + 1
         WHERE status = 'queued'
           AND id = (SELECT id FROM push_outbox WHERE status = 'queued' AND next_attempt_at <= ?1 ORDER BY id LIMIT 1)
         RETURNING id, endpoint, payload, urgency, ttl, attempts,
                   (SELECT p256dh FROM push_subscriptions s WHERE s.endpoint = push_outbox.endpoint) AS p256dh,
                   (SELECT auth FROM push_subscriptions s WHERE s.endpoint = push_outbox.endpoint) AS auth",
        params![now],
        |r| {
            Ok(Due {
                id: r.get("id")?,
                endpoint: r.get("endpoint")?,
                payload: r.get("payload")?,
                urgency: r.get("urgency")?,
                ttl: r.get("ttl")?,
                attempts: r.get("attempts")?,
                p256dh: r.get::<Option<String>>("p256dh")?.unwrap_or_default(),
                auth: r.get::<Option<String>>("auth")?.unwrap_or_default(),
            })
        },
    )
    .optional()
}

/// What became of a claimed notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome<'a> {
    Sent,
    /// The push service says the device is gone: it is dropped, with its other notices.
    Gone,
    /// Tried again at this time.
    Retry {
        at: i64,
        error: &'a str,
    },
    Failed(&'a str),
}

/// Records what became of the claimed notice `due`.
pub fn settle(conn: &mut Conn<'_>, due: &Due, outcome: Outcome<'_>, now: i64) -> Result<()> {
    match outcome {
        Outcome::Sent => conn.execute(
            "UPDATE push_outbox SET status = 'sent', sent_at = ?2, last_error = NULL WHERE id = ?1",
            params![due.id, now],
        )?,
        Outcome::Gone => {
            conn.execute("DELETE FROM push_subscriptions WHERE endpoint = ?1", params![&due.endpoint])?;
            conn.execute(
                "UPDATE push_outbox SET status = 'gone' WHERE endpoint = ?1 AND status IN ('queued', 'sending')",
                params![&due.endpoint],
            )?
        }
        Outcome::Retry { at, error } => conn.execute(
            "UPDATE push_outbox SET status = 'queued', next_attempt_at = ?2, last_error = ?3 WHERE id = ?1",
            params![due.id, at, error],
        )?,
        Outcome::Failed(error) => conn.execute(
            "UPDATE push_outbox SET status = 'failed', last_error = ?2 WHERE id = ?1",
            params![due.id, error],
        )?,
    };
    Ok(())
}

/// At start: a notice a stopped server left `sending` may have gone out, so it is never sent
/// again; returns how many.
pub fn settle_interrupted(conn: &mut Conn<'_>) -> Result<usize> {
    conn.execute(
        "UPDATE push_outbox SET status = 'failed', last_error = 'unknown: the server stopped while sending'
         WHERE status = 'sending'",
        params![],
    )
}

/// A pushed notice as the demo console's outbox page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub recipient: String,
    pub kind: String,
    pub created_at: i64,
    pub status: String,
}

/// The newest `limit` notices, newest first.
pub fn newest(conn: &mut Conn<'_>, limit: i64) -> Result<Vec<Sent>> {
    conn.query_map(
        "SELECT recipient, kind, created_at, status FROM push_outbox ORDER BY id DESC LIMIT ?1",
        params![limit],
        |r| {
            Ok(Sent {
                recipient: r.get("recipient")?,
                kind: r.get("kind")?,
                created_at: r.get("created_at")?,
                status: r.get("status")?,
            })
        },
    )
}

/// The server's VAPID key: `candidate` is kept the first time, the kept one returned always.
pub fn vapid_key(conn: &mut Conn<'_>, candidate: &str, now: i64) -> Result<String> {
    conn.execute(
        "INSERT INTO vapid_key (id, private_key, created_at) VALUES (1, ?1, ?2) ON CONFLICT (id) DO NOTHING",
        params![candidate, now],
    )?;
    conn.query_row("SELECT private_key FROM vapid_key WHERE id = 1", params![], |r| r.get("private_key"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::tests::on_both;

    fn device<'a>(endpoint: &'a str, who: &'a str) -> Subscription<'a> {
        Subscription { endpoint, personal_number: who, p256dh: "p", auth: "a", session_hash: "s" }
    }

    fn status(conn: &mut Conn<'_>, id: i64) -> String {
        conn.query_row("SELECT status FROM push_outbox WHERE id = ?1", params![id], |r| r.get("status")).unwrap()
    }

    #[test]
    fn devices_notices_and_their_outcomes_on_both_backends() {
        on_both("push", |conn| {
            let anna = "191212121212";
            for (i, e) in ["https://p/1", "https://p/2", "https://p/3"].into_iter().enumerate() {
                subscribe(conn, &device(e, anna), 2, "sv", 100 + i as i64).unwrap();
            }
            assert_eq!(endpoints(conn, anna).unwrap(), ["https://p/3", "https://p/2"], "the two newest only");
            assert_eq!(wants_push(conn, anna).unwrap().as_deref(), Some("sv"));
            assert_eq!(wants_push(conn, "194001019999").unwrap(), None);
            assert!(!unsubscribe(conn, "https://p/3", "194001019999").unwrap(), "not theirs");

            let n = Notice { kind: "chat_message", payload: "{}", urgency: "normal", ttl: 60 };
            assert_eq!(enqueue(conn, anna, &n, 200).unwrap(), 2);
            assert_eq!(enqueue(conn, "194001019999", &n, 200).unwrap(), 0);
            let first = claim(conn, 200).unwrap().unwrap();
            assert_eq!((first.p256dh.as_str(), first.auth.as_str(), first.attempts), ("p", "a", 1));
            let second = claim(conn, 200).unwrap().unwrap();
            assert_ne!(first.id, second.id, "a claimed notice is not claimed again");
            assert_eq!(claim(conn, 200).unwrap(), None);

            settle(conn, &first, Outcome::Retry { at: 230, error: "503" }, 200).unwrap();
            assert_eq!(claim(conn, 229).unwrap(), None, "not before its time");
            let again = claim(conn, 230).unwrap().unwrap();
            assert_eq!((again.id, again.attempts), (first.id, 2));
            settle(conn, &again, Outcome::Sent, 230).unwrap();
            assert_eq!(status(conn, first.id), "sent");

            settle(conn, &second, Outcome::Gone, 230).unwrap();
            assert_eq!(status(conn, second.id), "gone");
            assert_eq!(endpoints(conn, anna).unwrap().len(), 1, "the gone device is dropped");

            enqueue(conn, anna, &n, 300).unwrap();
            drop_stale(conn, 361).unwrap();
            assert_eq!(claim(conn, 361).unwrap(), None, "past its TTL");

            enqueue(conn, anna, &n, 400).unwrap();
            let sending = claim(conn, 400).unwrap().unwrap();
            assert_eq!(settle_interrupted(conn).unwrap(), 1);
            assert_eq!(status(conn, sending.id), "failed");

            assert!(unsubscribe(conn, &sending.endpoint, anna).unwrap());
            assert!(endpoints(conn, anna).unwrap().is_empty());

            let listed = newest(conn, 2).unwrap();
            assert_eq!(listed.len(), 2);
            assert_eq!(
                (listed[0].kind.as_str(), listed[0].status.as_str(), listed[0].created_at),
                ("chat_message", "failed", 400)
            );

            assert_eq!(vapid_key(conn, "first", 1).unwrap(), "first");
            assert_eq!(vapid_key(conn, "second", 2).unwrap(), "first", "made once");
        });
    }
}

//! The text messages the server sends: "din tur" and the visit reminders (`sms_outbox`), and the
//! notices of new inbox messages by SMS (`notification_outbox`, channel `sms`). Each message is
//! claimed (`sending`) before it is sent, so no two processes send it (`crate::sms` has the rules:
//! retries, staleness, the gateway).

use super::{Conn, OptionalExtension, Result, params};

/// One of the two outboxes whose messages go out as SMS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outbox {
    /// `sms_outbox`: "din tur", reminders.
    Sms,
    /// `notification_outbox`, its SMS notices.
    Notices,
}

impl Outbox {
    const ALL: [Outbox; 2] = [Outbox::Sms, Outbox::Notices];

    /// The table, its number column, and which rows are text messages.
    fn table(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Outbox::Sms => ("sms_outbox", "to_number", "TRUE"),
            Outbox::Notices => ("notification_outbox", "recipient", "channel = 'sms'"),
        }
    }
}

/// What a text message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum About<'a> {
    Case(&'a str),
    Visit(&'a str),
}

/// Queues a text message to `to`.
pub fn queue(conn: &mut Conn<'_>, to: &str, body: &str, about: About<'_>, now: i64) -> Result<()> {
    let (case, visit) = match about {
        About::Case(id) => (Some(id), None),
        About::Visit(id) => (None, Some(id)),
    };
    conn.execute(
        "INSERT INTO sms_outbox (to_number, body, case_id, visit_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![to, body, case, visit, now],
    )?;
    Ok(())
}

/// A message claimed for sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    pub outbox: Outbox,
    pub id: i64,
    pub to: String,
    pub text: String,
    /// including this one
    pub attempts: i64,
}

/// Messages still queued that were written before `before` are `expired`.
pub fn expire(conn: &mut Conn<'_>, before: i64) -> Result<()> {
    for outbox in Outbox::ALL {
        let (table, _, _) = outbox.table();
        conn.execute(
            &format!("UPDATE {table} SET status = 'expired' WHERE status = 'queued' AND created_at < ?1"),
            params![before],
        )?;
    }
    Ok(())
}

/// Claims the oldest message due at `now` of either outbox (`sending`, one attempt more). The
/// outer `WHERE` checks the status again: under PostgreSQL's READ COMMITTED a second process's
/// claim re-reads the row and finds it taken.
pub fn claim(conn: &mut Conn<'_>, now: i64) -> Result<Option<Claimed>> {
    for outbox in Outbox::ALL {
        let (table, number, which) = outbox.table();
        let sql = format!(
            "UPDATE {table} SET status = 'sending', attempts = attempts + 1
             WHERE status = 'queued'
               AND id = (SELECT id FROM {table} WHERE {which} AND status = 'queued' AND next_attempt_at <= ?1
                         ORDER BY id LIMIT 1)
             RETURNING id, {number} AS recipient, body, attempts"
        );
        let row = conn
            .query_row(&sql, params![now], |r| {
                Ok(Claimed {
                    outbox,
                    id: r.get("id")?,
                    to: r.get("recipient")?,
                    text: r.get("body")?,
                    attempts: r.get("attempts")?,
                })
            })
            .optional()?;
        if row.is_some() {
            return Ok(row);
        }
    }
    Ok(None)
}

/// What became of a claimed message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome<'a> {
    /// With the gateway's id for it.
    Sent(&'a str),
    Retry {
        at: i64,
        error: &'a str,
    },
    Failed(&'a str),
}

/// Records what became of the claimed message `m`.
pub fn settle(conn: &mut Conn<'_>, m: &Claimed, outcome: Outcome<'_>, now: i64) -> Result<()> {
    let (table, _, _) = m.outbox.table();
    let sql = |set: &str| format!("UPDATE {table} SET {set} WHERE id = ?1");
    match outcome {
        Outcome::Sent(provider_id) => conn.execute(
            &sql("status = 'sent', sent_at = ?2, provider_id = ?3, last_error = NULL"),
            params![m.id, now, provider_id],
        ),
        Outcome::Retry { at, error } => {
            conn.execute(&sql("status = 'queued', next_attempt_at = ?2, last_error = ?3"), params![m.id, at, error])
        }
        Outcome::Failed(error) => conn.execute(&sql("status = 'failed', last_error = ?2"), params![m.id, error]),
    }?;
    Ok(())
}

/// At start: a message a stopped server left `sending` may have gone out, so it is never sent
/// again; returns how many.
pub fn settle_interrupted(conn: &mut Conn<'_>) -> Result<usize> {
    let mut n = 0;
    for outbox in Outbox::ALL {
        let (table, _, _) = outbox.table();
        n += conn.execute(
            &format!(
                "UPDATE {table} SET status = 'failed', last_error = 'unknown: the server stopped while sending'
                 WHERE status = 'sending'"
            ),
            params![],
        )?;
    }
    Ok(n)
}

/// A text message as the demo console's outbox page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub to: String,
    pub body: String,
    pub created_at: i64,
    pub status: String,
}

/// The newest `limit` text messages of `sms_outbox`, newest first.
pub fn newest(conn: &mut Conn<'_>, limit: i64) -> Result<Vec<Listed>> {
    conn.query_map(
        "SELECT to_number, body, created_at, status FROM sms_outbox ORDER BY id DESC LIMIT ?1",
        params![limit],
        |r| {
            Ok(Listed {
                to: r.get("to_number")?,
                body: r.get("body")?,
                created_at: r.get("created_at")?,
                status: r.get("status")?,
            })
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::tests::on_both;

    #[test]
    fn both_outboxes_are_claimed_once_retried_and_settled_on_both_backends() {
        on_both("sms", |conn| {
            queue(conn, "+46701234567", "Din tur", About::Case("c1"), 100).unwrap();
            queue(conn, "+46701234568", "Påminnelse", About::Visit("v1"), 101).unwrap();
            conn.execute(
                "INSERT INTO notification_outbox (channel, recipient, body, created_at) VALUES
                   ('email', 'a@example.se', 'Nytt', 102), ('sms', '+46701234569', 'Nytt meddelande', 103)",
                params![],
            )
            .unwrap();
            let first = claim(conn, 200).unwrap().unwrap();
            assert_eq!((first.outbox, first.to.as_str(), first.attempts), (Outbox::Sms, "+46701234567", 1));
            let second = claim(conn, 200).unwrap().unwrap();
            assert_eq!(second.text, "Påminnelse");
            let third = claim(conn, 200).unwrap().unwrap();
            assert_eq!((third.outbox, third.to.as_str()), (Outbox::Notices, "+46701234569"), "only the SMS notices");
            assert_eq!(claim(conn, 200).unwrap(), None, "each once");

            settle(conn, &first, Outcome::Retry { at: 230, error: "503" }, 200).unwrap();
            assert_eq!(claim(conn, 229).unwrap(), None, "not before its time");
            let again = claim(conn, 230).unwrap().unwrap();
            assert_eq!((again.id, again.attempts), (first.id, 2));
            settle(conn, &again, Outcome::Sent("gw-1"), 230).unwrap();
            settle(conn, &third, Outcome::Failed("refused"), 230).unwrap();
            assert_eq!(settle_interrupted(conn).unwrap(), 1, "the second was left sending");
            let listed = newest(conn, 10).unwrap();
            assert_eq!(
                listed.iter().map(|l| l.status.as_str()).collect::<Vec<_>>(),
                ["failed", "sent"],
                "newest first"
            );
            queue(conn, "+46701234567", "Sent", About::Case("c1"), 300).unwrap();
            expire(conn, 301).unwrap();
            assert_eq!(claim(conn, 400).unwrap(), None, "expired");
            assert_eq!(newest(conn, 1).unwrap()[0].status, "expired");
        });
    }
}

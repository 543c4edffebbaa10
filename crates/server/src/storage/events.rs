//! What the event streams deliver (`crate::domain::events` decides what to write,
//! `crate::routes::events` delivers): rows with an ascending id, read by "id > last seen",
//! kept a day so a stream resumes by `Last-Event-ID` on any process, even after a restart.
//!
//! "id > last seen" is only right if rows become visible in the order of their ids. SQLite has
//! one writer at a time, so they do. PostgreSQL hands out ids before commit: a reader could see
//! id 2 while id 1 is still uncommitted, move past 1, and never deliver it. So [`append`] takes
//! [`Conn::in_commit_order`] first: writers of events queue behind each other until the earlier
//! one commits, and ids commit in order on both backends.

use super::{Conn, Result, params};

/// The key of the events table's commit order (see [`Conn::in_commit_order`]).
const EVENTS: i64 = 0x6576_656e_7473;

/// The channel on which PostgreSQL tells every server process that events were committed
/// ([`Conn::notify`]): their dispatchers read the new rows at once instead of at their next look.
pub const CHANNEL: &str = "ingang_events";

/// An event: its id, kind and data (JSON text).
pub type Event = (i64, String, String);

/// Writes an event for `recipient` (a personnummer, or `unit:<id>` for a unit's queue).
pub fn append(conn: &mut Conn<'_>, recipient: &str, kind: &str, data: &str, now: i64) -> Result<()> {
    conn.transaction(|tx| {
        tx.in_commit_order(EVENTS)?;
        tx.execute(
            "INSERT INTO events (recipient, kind, data, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![recipient, kind, data, now],
        )?;
        tx.notify(CHANNEL)
    })
}

/// The newest id (0 when there is none): where a fresh stream starts.
pub fn last_id(conn: &mut Conn<'_>) -> Result<i64> {
    let row = conn.query("SELECT COALESCE(MAX(id), 0) AS last_id FROM events", crate::params![])?;
    row[0].get("last_id")
}

/// Every recipient's events after `id`, at most `limit`, in order: for the dispatcher.
pub fn after(conn: &mut Conn<'_>, id: i64, limit: i64) -> Result<Vec<(i64, String, String, String)>> {
    conn.query("SELECT id, recipient, kind, data FROM events WHERE id > ?1 ORDER BY id LIMIT ?2", params![id, limit])?
        .iter()
        .map(|r| Ok((r.get("id")?, r.get("recipient")?, r.get("kind")?, r.get("data")?)))
        .collect()
}

/// `recipient`'s events after `id`, with the queue events of the units where they have a case
/// waiting, at most `limit`, in order: a stream catching up.
pub fn after_for(conn: &mut Conn<'_>, recipient: &str, id: i64, limit: i64) -> Result<Vec<Event>> {
    conn.query(
        "SELECT id, kind, data FROM events WHERE id > ?2 AND (recipient = ?1 OR recipient IN
           (SELECT 'unit:' || unit_id FROM cases WHERE owner = ?1 AND status = 'waiting'))
         ORDER BY id LIMIT ?3",
        params![recipient, id, limit],
    )?
    .iter()
    .map(|r| Ok((r.get("id")?, r.get("kind")?, r.get("data")?)))
    .collect()
}

/// Forgets events written before `before` (a day is plenty for any reconnect).
pub fn prune(conn: &mut Conn<'_>, before: i64) -> Result<usize> {
    conn.execute("DELETE FROM events WHERE created_at < ?1", params![before])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::tests::on_both;

    #[test]
    fn events_are_read_after_an_id_in_order_on_both_backends() {
        on_both("events", |conn| {
            assert_eq!(last_id(conn).unwrap(), 0);
            conn.execute(
                "INSERT INTO units (id, name, kind, address, city) VALUES ('u', 'U', 'dental', 'a', 'c')",
                params![],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO cases (id, owner, patient, unit_id, questionnaire_id, title, response, priority, status,
                                    created_at, idempotency_key)
                 VALUES ('c', 'anna', 'anna', 'u', 'q', 't', '{}', 1, 'waiting', 0, 'k')",
                params![],
            )
            .unwrap();
            append(conn, "anna", "case", "{\"n\":1}", 100).unwrap();
            append(conn, "bo", "case", "{\"n\":2}", 100).unwrap();
            append(conn, "unit:u", "queue", "u", 200).unwrap();
            append(conn, "unit:v", "queue", "v", 200).unwrap();
            let all = after(conn, 0, 10).unwrap();
            let ids: Vec<i64> = all.iter().map(|e| e.0).collect();
            assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
            assert_eq!(last_id(conn).unwrap(), ids[3]);
            assert_eq!(after(conn, ids[1], 1).unwrap().len(), 1, "a limit");
            // anna: her own and the queue of the unit where her case waits
            let anna = after_for(conn, "anna", 0, 10).unwrap();
            assert_eq!(anna.iter().map(|e| e.1.as_str()).collect::<Vec<_>>(), ["case", "queue"], "{anna:?}");
            assert_eq!(after_for(conn, "anna", ids[0], 10).unwrap().len(), 1);
            assert_eq!(prune(conn, 150).unwrap(), 2);
            assert_eq!(after(conn, 0, 10).unwrap().len(), 2);
        });
    }

    /// On PostgreSQL, a second writer waits for the first to commit: a reader never sees a later
    /// id while an earlier one may still appear.
    #[test]
    fn a_later_event_is_never_visible_before_an_earlier_one_on_postgres() {
        let Some(config) = crate::db::postgres::test_database("events_order").unwrap() else { return };
        let mut first = crate::storage::PgConn::connect(&config).unwrap();
        crate::db::postgres::migrate(first.client(), 0).unwrap();
        let mut first = Conn::Postgres(&mut first);
        let mut tx = first.begin().unwrap();
        append(&mut tx, "anna", "case", "{}", 0).unwrap();
        // a second process writes an event now: it must wait for the first's commit
        let (done, wrote) = std::sync::mpsc::channel();
        let second = std::thread::spawn({
            let config = config.clone();
            move || {
                let mut client = crate::storage::PgConn::connect(&config).unwrap();
                append(&mut Conn::Postgres(&mut client), "bo", "case", "{}", 0).unwrap();
                done.send(()).unwrap();
            }
        });
        assert!(
            wrote.recv_timeout(std::time::Duration::from_millis(300)).is_err(),
            "the second writer went ahead of an uncommitted first"
        );
        let mut reader = crate::storage::PgConn::connect(&config).unwrap();
        assert!(after(&mut Conn::Postgres(&mut reader), 0, 10).unwrap().is_empty());
        tx.commit().unwrap();
        wrote.recv().unwrap();
        second.join().unwrap();
        let seen = after(&mut Conn::Postgres(&mut reader), 0, 10).unwrap();
        assert_eq!(seen.iter().map(|e| e.1.as_str()).collect::<Vec<_>>(), ["anna", "bo"]);
        assert!(seen[0].0 < seen[1].0);
    }
}

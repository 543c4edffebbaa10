//! The start limits shared by the server processes (`crate::rate_limit` has the rule and the
//! rates): one row per limit and client, its GCRA "theoretical arrival time" in milliseconds.

use super::{Conn, Result, params};

/// Takes one start from the allowance of `key`: moves its time one interval past the later of
/// itself and `now_ms`, unless that time is more than `burst_ms` ahead of now. One statement, so
/// two processes never both take the last start. `None` when taken; when over, the row's time.
pub fn take(conn: &mut Conn<'_>, key: &str, now_ms: i64, interval_ms: i64, burst_ms: i64) -> Result<Option<i64>> {
    let taken = conn.execute(
        "INSERT INTO rate_limits (key, tat_ms) VALUES (?1, ?5)
         ON CONFLICT (key) DO UPDATE
             SET tat_ms = (CASE WHEN rate_limits.tat_ms > ?2 THEN rate_limits.tat_ms ELSE ?2 END) + ?3
             WHERE (CASE WHEN rate_limits.tat_ms > ?2 THEN rate_limits.tat_ms ELSE ?2 END) - ?2 <= ?4",
        params![key, now_ms, interval_ms, burst_ms, now_ms + interval_ms],
    )? == 1;
    if taken {
        return Ok(None);
    }
    let row = conn.query_opt("SELECT tat_ms FROM rate_limits WHERE key = ?1", params![key])?;
    row.map(|r| r.get("tat_ms")).transpose()
}

/// Forgets the rows whose time has passed (they allow as much as no row); returns how many.
pub fn forget_passed(conn: &mut Conn<'_>, now_ms: i64) -> Result<usize> {
    conn.execute("DELETE FROM rate_limits WHERE tat_ms < ?1", params![now_ms])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::tests::on_both;

    /// Three a minute: three starts at once, the fourth waits one interval (20 s) and no more;
    /// another key counts on its own; a passed time is forgotten, a coming one kept.
    #[test]
    fn starts_are_counted_alike_on_both_backends() {
        on_both("rate_limits", |conn| {
            let (interval, burst) = (20_000, 40_000);
            let now = 1_000_000;
            for _ in 0..3 {
                assert_eq!(take(conn, "a", now, interval, burst).unwrap(), None);
            }
            assert_eq!(take(conn, "a", now, interval, burst).unwrap(), Some(now + 3 * interval));
            assert_eq!(take(conn, "a", now + 1_000, interval, burst).unwrap(), Some(now + 3 * interval));
            assert_eq!(take(conn, "b", now, interval, burst).unwrap(), None);
            // one interval later, one start more
            assert_eq!(take(conn, "a", now + interval, interval, burst).unwrap(), None);
            assert!(take(conn, "a", now + interval, interval, burst).unwrap().is_some());
            // b's time (now + 20 s) has passed at now + 30 s, a's (now + 80 s) has not
            assert_eq!(forget_passed(conn, now + 30_000).unwrap(), 1);
            let left = conn.query("SELECT key FROM rate_limits ORDER BY key", crate::params![]).unwrap();
            assert_eq!(left.iter().map(|r| r.get::<String>("key").unwrap()).collect::<Vec<_>>(), ["a"]);
        });
    }
}

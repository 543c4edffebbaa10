//! BankID's `collect`, paced across the server processes (`crate::bankid::Throttled` has the
//! rule): one row per order in progress, when a process last asked BankID and the last pending
//! hint it got.

use super::{Conn, Result, params};

/// Claims the right to ask BankID about `order` now: taken when no process asked within
/// `interval_ms`. `None` when claimed; otherwise `Some` of the last pending hint kept (`None`
/// while the first answer is on its way).
pub fn claim(conn: &mut Conn<'_>, order: &str, now_ms: i64, interval_ms: i64) -> Result<Option<Option<String>>> {
    let claimed = conn.execute(
        "INSERT INTO bankid_collects (order_ref, asked_at_ms) VALUES (?1, ?2)
         ON CONFLICT (order_ref) DO UPDATE SET asked_at_ms = ?2 WHERE bankid_collects.asked_at_ms <= ?3",
        params![order, now_ms, now_ms - interval_ms],
    )? == 1;
    if claimed {
        return Ok(None);
    }
    let row = conn.query_opt("SELECT hint_code FROM bankid_collects WHERE order_ref = ?1", params![order])?;
    Ok(Some(row.map(|r| r.get("hint_code")).transpose()?.flatten()))
}

/// BankID said the order is still pending: its hint is kept for the others.
pub fn pending(conn: &mut Conn<'_>, order: &str, now_ms: i64, hint: Option<&str>) -> Result<()> {
    forget_old(conn, now_ms)?;
    conn.execute("UPDATE bankid_collects SET hint_code = ?2 WHERE order_ref = ?1", params![order, hint])?;
    Ok(())
}

/// BankID gave its final answer (or an error): the row leaves.
pub fn finished(conn: &mut Conn<'_>, order: &str, now_ms: i64) -> Result<()> {
    forget_old(conn, now_ms)?;
    forget(conn, order)?;
    Ok(())
}

/// Orders BankID has forgotten (asked 30 minutes ago or more) leave the table.
fn forget_old(conn: &mut Conn<'_>, now_ms: i64) -> Result<usize> {
    conn.execute("DELETE FROM bankid_collects WHERE asked_at_ms < ?1", params![now_ms - 1_800_000])
}

/// The order ended (cancelled): its row leaves.
pub fn forget(conn: &mut Conn<'_>, order: &str) -> Result<usize> {
    conn.execute("DELETE FROM bankid_collects WHERE order_ref = ?1", params![order])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::tests::on_both;

    /// One process asks, the others answer from the row for two seconds; then the next asks.
    #[test]
    fn one_process_asks_at_a_time_on_both_backends() {
        on_both("bankid_collects", |conn| {
            let t = 5_000_000;
            assert_eq!(claim(conn, "o", t, 2_000).unwrap(), None);
            assert_eq!(claim(conn, "o", t + 500, 2_000).unwrap(), Some(None), "before the first answer");
            pending(conn, "o", t + 600, Some("userSign")).unwrap();
            assert_eq!(claim(conn, "o", t + 1_999, 2_000).unwrap(), Some(Some("userSign".into())));
            assert_eq!(claim(conn, "o", t + 2_000, 2_000).unwrap(), None, "two seconds on");
            // a pending answer without a hint keeps none
            pending(conn, "o", t + 2_100, None).unwrap();
            assert_eq!(claim(conn, "o", t + 2_200, 2_000).unwrap(), Some(None));
            // another order is its own
            assert_eq!(claim(conn, "p", t + 2_000, 2_000).unwrap(), None);
            // a final answer removes the row; an order asked 30 minutes ago goes with it
            finished(conn, "o", t + 1_802_001).unwrap();
            assert!(conn.query("SELECT order_ref FROM bankid_collects", crate::params![]).unwrap().is_empty());
            assert_eq!(claim(conn, "q", t, 2_000).unwrap(), None);
            assert_eq!(forget(conn, "q").unwrap(), 1);
        });
    }
}

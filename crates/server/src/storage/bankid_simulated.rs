//! The simulated BankID's orders (demo and test mode; `crate::bankid::SimulatedBankId` has the
//! rules): one row per order, shared by every server process on the database. Each change is
//! one statement that says what it may change (a pending order, a completed order not yet
//! collected), so two processes never both succeed.

use super::{Conn, Result, Row, params};

/// An order as the simulator keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub order_ref: String,
    pub auto_start_token: String,
    pub qr_start_token: String,
    pub qr_start_secret: String,
    pub started_ms: i64,
    pub end_user_ip: String,
    pub return_url: Option<String>,
    /// `pending`, `failed` or `complete`.
    pub status: String,
    pub hint_code: String,
    /// The user who identified (complete orders): personal number, name, given name, surname.
    pub user: Option<[String; 4]>,
    pub completed_ms: Option<i64>,
    pub collected: bool,
}

const SELECT: &str = "SELECT order_ref, auto_start_token, qr_start_token, qr_start_secret, started_ms, end_user_ip,
    return_url, status, hint_code, personal_number, name, given_name, surname, completed_ms, collected
    FROM bankid_simulated";

fn stored(r: &Row) -> Result<Stored> {
    let user = match r.get::<Option<String>>("personal_number")? {
        Some(pn) => Some([pn, r.get("name")?, r.get("given_name")?, r.get("surname")?]),
        None => None,
    };
    Ok(Stored {
        order_ref: r.get("order_ref")?,
        auto_start_token: r.get("auto_start_token")?,
        qr_start_token: r.get("qr_start_token")?,
        qr_start_secret: r.get("qr_start_secret")?,
        started_ms: r.get("started_ms")?,
        end_user_ip: r.get("end_user_ip")?,
        return_url: r.get("return_url")?,
        status: r.get("status")?,
        hint_code: r.get("hint_code")?,
        user,
        completed_ms: r.get("completed_ms")?,
        collected: r.get::<i64>("collected")? != 0,
    })
}

/// A new pending order (`outstandingTransaction`); orders started over an hour ago leave.
pub fn start(conn: &mut Conn<'_>, order: &Stored) -> Result<()> {
    conn.execute("DELETE FROM bankid_simulated WHERE started_ms < ?1", params![order.started_ms - 3_600_000])?;
    conn.execute(
        "INSERT INTO bankid_simulated (order_ref, auto_start_token, qr_start_token, qr_start_secret, started_ms,
             end_user_ip, return_url, status, hint_code)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', 'outstandingTransaction')",
        params![
            order.order_ref,
            order.auto_start_token,
            order.qr_start_token,
            order.qr_start_secret,
            order.started_ms,
            order.end_user_ip,
            order.return_url
        ],
    )?;
    Ok(())
}

/// Pending orders started at or before `before_ms` fail with `expiredTransaction`.
pub fn expire(conn: &mut Conn<'_>, before_ms: i64) -> Result<usize> {
    conn.execute(
        "UPDATE bankid_simulated SET status = 'failed', hint_code = 'expiredTransaction'
         WHERE status = 'pending' AND started_ms <= ?1",
        params![before_ms],
    )
}

/// The order, if the simulator has it.
pub fn find(conn: &mut Conn<'_>, order_ref: &str) -> Result<Option<Stored>> {
    conn.query_opt(&format!("{SELECT} WHERE order_ref = ?1"), params![order_ref])?.map(|r| stored(&r)).transpose()
}

/// The pending orders, oldest first.
pub fn pending(conn: &mut Conn<'_>) -> Result<Vec<Stored>> {
    conn.query_map(&format!("{SELECT} WHERE status = 'pending' ORDER BY started_ms, order_ref"), params![], stored)
}

/// A pending order's new hint; `false` when it is not pending (or not there).
pub fn set_hint(conn: &mut Conn<'_>, order_ref: &str, hint: &str) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE bankid_simulated SET hint_code = ?2 WHERE order_ref = ?1 AND status = 'pending'",
        params![order_ref, hint],
    )? == 1)
}

/// A pending order fails with `hint`; `false` when it is not pending (or not there).
pub fn fail(conn: &mut Conn<'_>, order_ref: &str, hint: &str) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE bankid_simulated SET status = 'failed', hint_code = ?2 WHERE order_ref = ?1 AND status = 'pending'",
        params![order_ref, hint],
    )? == 1)
}

/// A pending order completes with the user (personal number, name, given name, surname);
/// `false` when it is not pending (or not there).
pub fn complete(conn: &mut Conn<'_>, order_ref: &str, user: [&str; 4], now_ms: i64) -> Result<bool> {
    let [pn, name, given, surname] = user;
    Ok(conn.execute(
        "UPDATE bankid_simulated SET status = 'complete', personal_number = ?2, name = ?3, given_name = ?4,
             surname = ?5, completed_ms = ?6
         WHERE order_ref = ?1 AND status = 'pending'",
        params![order_ref, pn, name, given, surname, now_ms],
    )? == 1)
}

/// Takes a completed order's one collect: `true` for the first caller only, and only while it
/// was completed at or after `completed_since_ms`.
pub fn take_collect(conn: &mut Conn<'_>, order_ref: &str, completed_since_ms: i64) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE bankid_simulated SET collected = 1
         WHERE order_ref = ?1 AND status = 'complete' AND collected = 0 AND completed_ms >= ?2",
        params![order_ref, completed_since_ms],
    )? == 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::tests::on_both;

    fn order(order_ref: &str, started_ms: i64) -> Stored {
        Stored {
            order_ref: order_ref.into(),
            auto_start_token: "a".into(),
            qr_start_token: "q".into(),
            qr_start_secret: "s".into(),
            started_ms,
            end_user_ip: "203.0.113.7".into(),
            return_url: None,
            status: "pending".into(),
            hint_code: "outstandingTransaction".into(),
            user: None,
            completed_ms: None,
            collected: false,
        }
    }

    /// An order's way from pending to collected once, failing, and expiring, alike on both.
    #[test]
    fn orders_change_once_and_alike_on_both_backends() {
        on_both("bankid_simulated", |conn| {
            let run = |conn: &mut Conn<'_>| -> Result<()> {
                let t = 10_000_000;
                let anna = ["191212121212", "Anna A", "Anna", "A"];
                start(conn, &order("o", t))?;
                start(conn, &Stored { return_url: Some("https://x.example/".into()), ..order("p", t + 1) })?;
                assert_eq!(find(conn, "o")?, Some(order("o", t)));
                assert!(set_hint(conn, "o", "userSign")?);
                assert_eq!(pending(conn)?.iter().map(|o| o.order_ref.as_str()).collect::<Vec<_>>(), ["o", "p"]);
                assert!(complete(conn, "o", anna, t + 5)?);
                assert!(!complete(conn, "o", anna, t + 6)?, "only once");
                assert!(!set_hint(conn, "o", "started")?, "no longer pending");
                let done = find(conn, "o")?.expect("order o");
                assert_eq!((done.status.as_str(), done.user.expect("o's user")[2].as_str()), ("complete", "Anna"));
                assert!(!take_collect(conn, "o", t + 6)?, "completed too long ago");
                assert!(take_collect(conn, "o", t)?);
                assert!(!take_collect(conn, "o", t)?, "collected once");
                assert_eq!(expire(conn, t + 1)?, 1, "p expires, o is complete");
                assert_eq!(find(conn, "p")?.expect("order p").hint_code, "expiredTransaction");
                assert!(!fail(conn, "p", "userCancel")?);
                start(conn, &order("q", t + 3_600_002))?;
                assert!(find(conn, "o")?.is_none(), "an hour old: gone");
                assert!(fail(conn, "q", "certificateErr")?);
                assert_eq!(find(conn, "q")?.expect("order q").status, "failed");
                Ok(())
            };
            run(conn).expect("every statement runs");
        });
    }
}

//! BankID orders in progress, keyed by the hash of the browser's login cookie: a reload or a new
//! tab after the BankID app continues the same order, on any server process.

use super::{Conn, Result, params};

/// An order as the login needs it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginOrder {
    pub id_hash: String,
    pub order_ref: String,
    pub same_device: bool,
    pub qr_start_token: String,
    /// Never sent to the browser.
    pub qr_start_secret: String,
    /// When BankID started the order (real milliseconds: the QR code's seconds count from it).
    pub started_ms: i64,
}

/// Keeps a new order; orders older than an hour (BankID's end long before) leave.
pub fn start(conn: &mut Conn<'_>, order: &LoginOrder, now: i64) -> Result<()> {
    conn.execute("DELETE FROM login_orders WHERE created_at < ?1", params![now - 3600])?;
    conn.execute(
        "INSERT INTO login_orders (id_hash, order_ref, same_device, created_at, qr_start_token, qr_start_secret, started_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            &order.id_hash,
            &order.order_ref,
            order.same_device,
            now,
            &order.qr_start_token,
            &order.qr_start_secret,
            order.started_ms
        ],
    )?;
    Ok(())
}

/// The order of a login cookie's hash.
pub fn find(conn: &mut Conn<'_>, id_hash: &str) -> Result<Option<LoginOrder>> {
    conn.query_opt(
        "SELECT order_ref, same_device, qr_start_token, qr_start_secret, started_ms FROM login_orders WHERE id_hash = ?1",
        params![id_hash],
    )?
    .map(|r| {
        Ok(LoginOrder {
            id_hash: id_hash.to_owned(),
            order_ref: r.get("order_ref")?,
            same_device: r.get("same_device")?,
            qr_start_token: r.get("qr_start_token")?,
            qr_start_secret: r.get("qr_start_secret")?,
            started_ms: r.get("started_ms")?,
        })
    })
    .transpose()
}

/// The order ended (failed, cancelled, or became a session).
pub fn forget(conn: &mut Conn<'_>, id_hash: &str) -> Result<()> {
    conn.execute("DELETE FROM login_orders WHERE id_hash = ?1", params![id_hash])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::tests::on_both;

    #[test]
    fn an_order_is_kept_found_and_forgotten_alike_on_both_backends() {
        on_both("login_orders", |conn| {
            let order = |id: &str| LoginOrder {
                id_hash: id.into(),
                order_ref: format!("ref-{id}"),
                same_device: id == "a",
                qr_start_token: "token".into(),
                qr_start_secret: "secret".into(),
                started_ms: 1_700_000_000_123,
            };
            start(conn, &order("a"), 1_000).unwrap();
            start(conn, &order("b"), 1_000).unwrap();
            assert_eq!(find(conn, "a").unwrap(), Some(order("a")));
            assert_eq!(find(conn, "b").unwrap(), Some(order("b")));
            forget(conn, "a").unwrap();
            assert_eq!(find(conn, "a").unwrap(), None);
            // an hour on, a new order clears the old ones
            start(conn, &order("c"), 1_000 + 3_601).unwrap();
            assert_eq!(find(conn, "b").unwrap(), None);
            assert_eq!(find(conn, "c").unwrap(), Some(order("c")));
        });
    }
}

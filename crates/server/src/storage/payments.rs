//! Payments of visits (Swish, card, invoice), their receipt numbers, and the Swish requests and
//! refunds followed at Swish (`crate::domain::visits` has the rules: settling, a late answer, a
//! refund due; `crate::swish` and `crate::cards` talk to the providers).

use super::{Conn, OptionalExtension, Result, Row, params};

/// A payment as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub id: String,
    pub visit_id: String,
    /// `swish`, `card`, `invoice`
    pub method: String,
    /// `CREATED`, `PAID`, `INVOICED`, `DECLINED`, `ERROR`, `CANCELLED`
    pub status: String,
    pub amount: i64,
    pub fee: i64,
    pub created_at: i64,
    pub paid_at: Option<i64>,
    pub swish_token: Option<String>,
    pub error_code: Option<String>,
    pub return_url: Option<String>,
    /// The request's id at the real Swish (`swish.rs`), when there is one.
    pub swish_instruction: Option<String>,
    /// A card payment's hosted page (`CardProvider::start`).
    pub redirect_url: Option<String>,
}

const PAYMENT: &str = "SELECT id, visit_id, method, status, amount, fee, created_at, paid_at, swish_token,
        error_code, return_url, swish_instruction, redirect_url FROM payments";

fn payment(r: &Row) -> Result<Stored> {
    Ok(Stored {
        id: r.get("id")?,
        visit_id: r.get("visit_id")?,
        method: r.get("method")?,
        status: r.get("status")?,
        amount: r.get("amount")?,
        fee: r.get("fee")?,
        created_at: r.get("created_at")?,
        paid_at: r.get("paid_at")?,
        swish_token: r.get("swish_token")?,
        error_code: r.get("error_code")?,
        return_url: r.get("return_url")?,
        swish_instruction: r.get("swish_instruction")?,
        redirect_url: r.get("redirect_url")?,
    })
}

/// The payment `id`.
pub fn find(conn: &mut Conn<'_>, id: &str) -> Result<Option<Stored>> {
    conn.query_row(&format!("{PAYMENT} WHERE id = ?1"), params![id], payment).optional()
}

/// The payment of the visit started with this idempotency key.
pub fn by_key(conn: &mut Conn<'_>, visit: &str, key: &str) -> Result<Option<Stored>> {
    conn.query_row(&format!("{PAYMENT} WHERE visit_id = ?1 AND idempotency_key = ?2"), params![visit, key], payment)
        .optional()
}

/// The payment that settled the visit (paid or invoiced), if one has.
pub fn settled_of(conn: &mut Conn<'_>, visit: &str) -> Result<Option<Stored>> {
    conn.query_row(
        &format!("{PAYMENT} WHERE visit_id = ?1 AND status IN ('PAID', 'INVOICED')"),
        params![visit],
        payment,
    )
    .optional()
}

/// Has a payment other than `except` settled the visit?
pub fn settled_by_other(conn: &mut Conn<'_>, visit: &str, except: &str) -> Result<bool> {
    conn.query_row(
        "SELECT COUNT(*) > 0 AS found FROM payments WHERE visit_id = ?1 AND id != ?2 AND status IN ('PAID', 'INVOICED')",
        params![visit, except],
        |r| r.get("found"),
    )
}

/// The real Swish requests of the visit still waiting.
pub fn waiting_instructions(conn: &mut Conn<'_>, visit: &str) -> Result<Vec<String>> {
    conn.query_map(
        "SELECT swish_instruction FROM payments
         WHERE visit_id = ?1 AND status = 'CREATED' AND swish_instruction IS NOT NULL",
        params![visit],
        |r| r.get("swish_instruction"),
    )
}

/// Every waiting payment of the visit is cancelled.
pub fn cancel_waiting(conn: &mut Conn<'_>, visit: &str) -> Result<()> {
    conn.execute(
        "UPDATE payments SET status = 'CANCELLED' WHERE visit_id = ?1 AND status = 'CREATED'",
        params![visit],
    )?;
    Ok(())
}

/// The payer cancels a waiting payment; whether it was waiting.
pub fn cancel(conn: &mut Conn<'_>, id: &str) -> Result<bool> {
    Ok(conn.execute("UPDATE payments SET status = 'CANCELLED' WHERE id = ?1 AND status = 'CREATED'", params![id])? == 1)
}

/// A payment to start.
#[derive(Debug, Clone, Copy)]
pub struct NewPayment<'a> {
    pub id: &'a str,
    pub visit_id: &'a str,
    pub payer: &'a str,
    pub method: &'a str,
    /// `CREATED` (waiting for the provider) or `INVOICED`
    pub status: &'a str,
    pub amount: i64,
    pub fee: i64,
    pub return_url: Option<&'a str>,
    /// the simulator's Swish token (a real request's comes from Swish)
    pub swish_token: Option<&'a str>,
    pub key: &'a str,
    pub swish_instruction: Option<&'a str>,
}

/// Keeps a new payment.
pub fn create(conn: &mut Conn<'_>, p: &NewPayment<'_>, now: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO payments (id, visit_id, payer, method, status, amount, fee, created_at, return_url,
                               swish_token, idempotency_key, swish_instruction, seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, (SELECT COALESCE(MAX(seq), 0) + 1 FROM payments))",
        params![
            p.id,
            p.visit_id,
            p.payer,
            p.method,
            p.status,
            p.amount,
            p.fee,
            now,
            p.return_url,
            p.swish_token,
            p.key,
            p.swish_instruction
        ],
    )?;
    Ok(())
}

/// The Swish token the app opens Swish with.
pub fn set_swish_token(conn: &mut Conn<'_>, id: &str, token: &str) -> Result<()> {
    conn.execute("UPDATE payments SET swish_token = ?2 WHERE id = ?1", params![id, token])?;
    Ok(())
}

/// The card provider's page the app goes to.
pub fn set_redirect_url(conn: &mut Conn<'_>, id: &str, url: &str) -> Result<()> {
    conn.execute("UPDATE payments SET redirect_url = ?2 WHERE id = ?1", params![id, url])?;
    Ok(())
}

/// A waiting payment ends as it starts (the provider refused); `final_at_swish`: Swish will
/// say no more of it.
pub fn fail_at_start(conn: &mut Conn<'_>, id: &str, code: &str, final_at_swish: bool) -> Result<()> {
    conn.execute(
        "UPDATE payments SET status = 'ERROR', error_code = ?2,
                swish_final = CASE WHEN ?3 = 1 THEN 1 ELSE swish_final END
         WHERE id = ?1 AND status = 'CREATED'",
        params![id, code, final_at_swish],
    )?;
    Ok(())
}

/// The provider's answer for a waiting payment; whether it was waiting (only `CREATED` moves).
pub fn settle(conn: &mut Conn<'_>, id: &str, status: &str, error: Option<&str>, now: i64) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE payments SET status = ?2, error_code = ?3, paid_at = CASE WHEN ?2 = 'PAID' THEN CAST(?4 AS BIGINT) END
         WHERE id = ?1 AND status = 'CREATED'",
        params![id, status, error, now],
    )? > 0)
}

/// Swish requests created before `before` still waiting end as Swish ends them (`ERROR`, `TM01`).
pub fn expire_swish(conn: &mut Conn<'_>, before: i64) -> Result<()> {
    conn.execute(
        "UPDATE payments SET status = 'ERROR', error_code = 'TM01'
         WHERE method = 'swish' AND status = 'CREATED' AND created_at < ?1",
        params![before],
    )?;
    Ok(())
}

/// The visit of a payment given up on here (cancelled or ended, no refund marked yet).
pub fn given_up_visit(conn: &mut Conn<'_>, id: &str) -> Result<Option<String>> {
    conn.query_row(
        "SELECT visit_id FROM payments WHERE id = ?1 AND refund IS NULL AND status IN ('CANCELLED', 'ERROR')",
        params![id],
        |r| r.get("visit_id"),
    )
    .optional()
}

/// The money a given-up payment took is to be paid back.
pub fn refund_due(conn: &mut Conn<'_>, id: &str, now: i64) -> Result<()> {
    conn.execute("UPDATE payments SET paid_at = ?2, refund = 'due' WHERE id = ?1", params![id, now])?;
    Ok(())
}

/// A given-up payment is the visit's payment after all.
pub fn paid_late(conn: &mut Conn<'_>, id: &str, now: i64) -> Result<()> {
    conn.execute(
        "UPDATE payments SET status = 'PAID', error_code = NULL, paid_at = ?2 WHERE id = ?1",
        params![id, now],
    )?;
    Ok(())
}

/// Gives a settled payment the next receipt number (once: a second call changes nothing);
/// `format` writes the number as printed.
pub fn number_receipt(conn: &mut Conn<'_>, id: &str, format: impl Fn(i64) -> String) -> Result<()> {
    conn.execute(
        "INSERT INTO receipt_numbers (payment_id)
         SELECT id FROM payments WHERE id = ?1 AND receipt_number IS NULL
         ON CONFLICT DO NOTHING",
        params![id],
    )?;
    let n: Option<i64> = conn
        .query_row("SELECT n FROM receipt_numbers WHERE payment_id = ?1", params![id], |r| r.get("n"))
        .optional()?;
    if let Some(n) = n {
        conn.execute(
            "UPDATE payments SET receipt_number = ?2 WHERE id = ?1 AND receipt_number IS NULL",
            params![id, format(n)],
        )?;
    }
    Ok(())
}

/// The payment's receipt number ("" when it has none).
pub fn receipt_number(conn: &mut Conn<'_>, id: &str) -> Result<String> {
    conn.query_row(
        "SELECT COALESCE(receipt_number, '') AS receipt_number FROM payments WHERE id = ?1",
        params![id],
        |r| r.get("receipt_number"),
    )
}

/// When the payer's first settled payment after `after` was made.
pub fn first_settled_after(conn: &mut Conn<'_>, payer: &str, after: i64) -> Result<Option<i64>> {
    conn.query_row(
        "SELECT MIN(created_at) AS first_paid_at FROM payments
         WHERE payer = ?1 AND status IN ('PAID', 'INVOICED') AND created_at > ?2",
        params![payer, after],
        |r| r.get("first_paid_at"),
    )
}

/// What the payer has settled from `since` on (visit fees, kronor).
pub fn settled_since(conn: &mut Conn<'_>, payer: &str, since: i64) -> Result<i64> {
    conn.query_row(
        "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS total FROM payments
         WHERE payer = ?1 AND status IN ('PAID', 'INVOICED') AND created_at >= ?2",
        params![payer, since],
        |r| r.get("total"),
    )
}

/// The payment with this real Swish request: (id, amount with fee).
pub fn by_instruction(conn: &mut Conn<'_>, instruction: &str) -> Result<Option<(String, i64)>> {
    conn.query_row(
        "SELECT id, amount + fee AS total FROM payments WHERE swish_instruction = ?1",
        params![instruction],
        |r| Ok((r.get("id")?, r.get("total")?)),
    )
    .optional()
}

/// Swish's word on the request is final (with its payment reference, when it gave one).
pub fn swish_final(conn: &mut Conn<'_>, id: &str, reference: Option<&str>) -> Result<()> {
    conn.execute(
        "UPDATE payments SET swish_final = 1, swish_reference = COALESCE(?2, swish_reference) WHERE id = ?1",
        params![id, reference],
    )?;
    Ok(())
}

/// Up to 50 real Swish requests made after `after` and before `before` whose outcome Swish has
/// not given for good, oldest first.
pub fn open_at_swish(conn: &mut Conn<'_>, after: i64, before: i64) -> Result<Vec<String>> {
    conn.query_map(
        "SELECT swish_instruction FROM payments
         WHERE swish_instruction IS NOT NULL AND swish_final = 0 AND created_at > ?1 AND created_at < ?2
         ORDER BY created_at, seq LIMIT 50",
        params![after, before],
        |r| r.get("swish_instruction"),
    )
}

/// A Swish payment to pay back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refund {
    pub payment: String,
    pub reference: Option<String>,
    pub instruction: Option<String>,
    /// `requested`, or none yet
    pub status: Option<String>,
    pub total: i64,
}

/// Up to 20 Swish payments to pay back, not yet asked for or asked for and not answered.
pub fn refunds_due(conn: &mut Conn<'_>) -> Result<Vec<Refund>> {
    conn.query_map(
        "SELECT id, swish_reference, refund_instruction, refund_status, amount + fee AS total FROM payments
         WHERE refund = 'due' AND method = 'swish' AND swish_reference IS NOT NULL
           AND (refund_status IS NULL OR refund_status = 'requested')
         ORDER BY paid_at LIMIT 20",
        params![],
        |r| {
            Ok(Refund {
                payment: r.get("id")?,
                reference: r.get("swish_reference")?,
                instruction: r.get("refund_instruction")?,
                status: r.get("refund_status")?,
                total: r.get("total")?,
            })
        },
    )
}

/// The refund's request id: `fresh` the first time, the kept one always (a retry asks for the
/// same refund).
pub fn refund_instruction(conn: &mut Conn<'_>, id: &str, fresh: &str) -> Result<String> {
    conn.execute(
        "UPDATE payments SET refund_instruction = COALESCE(refund_instruction, ?2) WHERE id = ?1",
        params![id, fresh],
    )?;
    conn.query_row("SELECT refund_instruction FROM payments WHERE id = ?1", params![id], |r| {
        r.get("refund_instruction")
    })
}

/// Where the refund stands: `requested`, `refunded` or `failed`.
pub fn set_refund_status(conn: &mut Conn<'_>, id: &str, status: &str) -> Result<()> {
    conn.execute("UPDATE payments SET refund_status = ?2 WHERE id = ?1", params![id, status])?;
    Ok(())
}

/// A refund due as the staff console lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundForStaff {
    pub id: String,
    pub payer: String,
    pub amount: i64,
    /// the visit's title
    pub title: String,
    pub refund_status: Option<String>,
}

/// Every payment with money to pay back, oldest first.
pub fn refunds_for_staff(conn: &mut Conn<'_>) -> Result<Vec<RefundForStaff>> {
    conn.query_map(
        "SELECT p.id AS id, p.payer AS payer, p.amount + p.fee AS amount, v.title AS title,
                p.refund_status AS refund_status
         FROM payments p JOIN visits v ON v.id = p.visit_id
         WHERE p.refund = 'due' ORDER BY p.paid_at",
        params![],
        |r| {
            Ok(RefundForStaff {
                id: r.get("id")?,
                payer: r.get("payer")?,
                amount: r.get("amount")?,
                title: r.get("title")?,
                refund_status: r.get("refund_status")?,
            })
        },
    )
}

/// The waiting Swish requests of the simulator (demo mode), oldest first: (id, token, amount).
pub fn waiting_simulated_swish(conn: &mut Conn<'_>) -> Result<Vec<(String, String, i64)>> {
    conn.query_map(
        "SELECT id, swish_token, amount FROM payments WHERE method = 'swish' AND status = 'CREATED'
           AND swish_token IS NOT NULL ORDER BY created_at",
        params![],
        |r| Ok((r.get("id")?, r.get("swish_token")?, r.get("amount")?)),
    )
}

/// A past visit's payment by card of the demo data (its receipt can be opened).
pub fn seed_demo_card_payment(conn: &mut Conn<'_>, id: &str, visit: &str, amount: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO payments (id, visit_id, payer, method, status, amount, fee, created_at, paid_at, idempotency_key)
         SELECT CAST(?1 AS TEXT), id, patient, 'card', 'PAID', CAST(?3 AS BIGINT), 0, starts_at - 500, starts_at - 500, 'demo'
         FROM visits WHERE id = ?2
         ON CONFLICT DO NOTHING",
        params![id, visit, amount],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::tests::on_both;

    fn visit(conn: &mut Conn<'_>, id: &str) {
        conn.execute(
            "INSERT INTO units (id, name, kind, address, city) VALUES ('u', 'U', 'dental', 'a', 'c') ON CONFLICT DO NOTHING",
            params![],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO visits (id, patient, unit_id, kind, title, starts_at, ends_at, tariff, status, fee)
             VALUES (?1, '198001139297', 'u', 'clinic', 'Besök', 1000, 2000, 300, 'checkedIn', 300)",
            params![id],
        )
        .unwrap();
    }

    fn new<'a>(id: &'a str, visit: &'a str, method: &'a str, key: &'a str) -> NewPayment<'a> {
        NewPayment {
            id,
            visit_id: visit,
            payer: "198001139297",
            method,
            status: "CREATED",
            amount: 300,
            fee: 0,
            return_url: None,
            swish_token: (method == "swish").then_some("TOKEN"),
            key,
            swish_instruction: (method == "swish").then_some(key),
        }
    }

    fn receipt(n: i64) -> String {
        format!("K{n:07}")
    }

    #[test]
    fn payments_their_settlement_receipts_and_refunds_on_both_backends() {
        on_both("payments", |conn| {
            visit(conn, "v1");
            create(conn, &new("p1", "v1", "swish", "k1"), 100).unwrap();
            assert_eq!(by_key(conn, "v1", "k1").unwrap().unwrap().id, "p1");
            assert_eq!(waiting_instructions(conn, "v1").unwrap(), ["k1"]);
            assert_eq!(waiting_simulated_swish(conn).unwrap(), [("p1".to_owned(), "TOKEN".to_owned(), 300)]);
            assert_eq!(by_instruction(conn, "k1").unwrap(), Some(("p1".to_owned(), 300)));
            assert_eq!(open_at_swish(conn, 0, 200).unwrap(), ["k1"]);
            cancel_waiting(conn, "v1").unwrap();
            assert_eq!(find(conn, "p1").unwrap().unwrap().status, "CANCELLED");
            assert!(!settle(conn, "p1", "PAID", None, 150).unwrap(), "only a waiting one moves");

            create(conn, &new("p2", "v1", "card", "k2"), 160).unwrap();
            set_redirect_url(conn, "p2", "https://pay.example/p2").unwrap();
            assert_eq!(find(conn, "p2").unwrap().unwrap().redirect_url.as_deref(), Some("https://pay.example/p2"));
            assert!(settle(conn, "p2", "PAID", None, 170).unwrap());
            number_receipt(conn, "p2", receipt).unwrap();
            number_receipt(conn, "p2", receipt).unwrap();
            let first = receipt_number(conn, "p2").unwrap();
            assert!(first.starts_with('K') && first.len() == 8, "{first}");
            assert_eq!(settled_of(conn, "v1").unwrap().unwrap().paid_at, Some(170));
            assert_eq!(first_settled_after(conn, "198001139297", 0).unwrap(), Some(160));
            assert_eq!(settled_since(conn, "198001139297", 0).unwrap(), 300);
            assert_eq!(settled_since(conn, "198001139297", 161).unwrap(), 0);

            // a late PAID for the cancelled Swish request: the visit is paid already
            assert_eq!(given_up_visit(conn, "p1").unwrap().as_deref(), Some("v1"));
            assert!(settled_by_other(conn, "v1", "p1").unwrap());
            refund_due(conn, "p1", 180).unwrap();
            swish_final(conn, "p1", Some("REF1")).unwrap();
            assert_eq!(given_up_visit(conn, "p1").unwrap(), None, "marked once");
            let due = refunds_due(conn).unwrap();
            assert_eq!((due[0].payment.as_str(), due[0].reference.as_deref(), due[0].total), ("p1", Some("REF1"), 300));
            assert_eq!(refund_instruction(conn, "p1", "R1").unwrap(), "R1");
            assert_eq!(refund_instruction(conn, "p1", "R2").unwrap(), "R1", "a retry asks for the same");
            set_refund_status(conn, "p1", "refunded").unwrap();
            assert!(refunds_due(conn).unwrap().is_empty());
            assert_eq!(refunds_for_staff(conn).unwrap()[0].refund_status.as_deref(), Some("refunded"));
            assert!(open_at_swish(conn, 0, 200).unwrap().is_empty(), "final at Swish");

            visit(conn, "v2");
            create(conn, &new("p3", "v2", "swish", "k3"), 300).unwrap();
            expire_swish(conn, 301).unwrap();
            let p3 = find(conn, "p3").unwrap().unwrap();
            assert_eq!((p3.status.as_str(), p3.error_code.as_deref()), ("ERROR", Some("TM01")));
            assert!(!settled_by_other(conn, "v2", "p3").unwrap());
            paid_late(conn, "p3", 310).unwrap();
            number_receipt(conn, "p3", receipt).unwrap();
            assert!(receipt_number(conn, "p3").unwrap() > first, "numbers in order");

            visit(conn, "v3");
            create(conn, &new("p4", "v3", "card", "k4"), 400).unwrap();
            fail_at_start(conn, "p4", "refused", false).unwrap();
            assert_eq!(find(conn, "p4").unwrap().unwrap().status, "ERROR");
            create(conn, &new("p5", "v3", "card", "k5"), 410).unwrap();
            assert!(cancel(conn, "p5").unwrap());
            assert!(!cancel(conn, "p5").unwrap(), "once");

            seed_demo_card_payment(conn, "d", "v3", 250).unwrap();
            seed_demo_card_payment(conn, "d", "v3", 250).unwrap();
            assert_eq!(find(conn, "d").unwrap().unwrap().amount, 250);
        });
    }
}

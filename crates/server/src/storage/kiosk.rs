//! Kiosk check-ins at a waiting room's tablet: a BankID order for one typed personnummer at one
//! unit, then a short-lived token (`crate::domain::kiosk` has its lifetime). Known by the hash
//! of the token only.

use super::{Conn, Result, params};

/// A check-in as the kiosk's requests need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckIn {
    pub id: String,
    pub token_hash: String,
    pub unit_id: String,
    pub personal_number: String,
    pub order_ref: String,
    pub qr_start_token: String,
    /// Never sent to the tablet.
    pub qr_start_secret: String,
    pub started_ms: i64,
    /// When BankID identified the person (the token acts from then on).
    pub identified_at: Option<i64>,
}

/// Keeps a new check-in; those older than an hour leave.
pub fn start(conn: &mut Conn<'_>, c: &CheckIn, now: i64) -> Result<()> {
    conn.execute("DELETE FROM kiosk_check_ins WHERE created_at < ?1", params![now - 3600])?;
    conn.execute(
        "INSERT INTO kiosk_check_ins (id, token_hash, unit_id, personal_number, order_ref, qr_start_token,
                                      qr_start_secret, started_ms, identified_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            &c.id,
            &c.token_hash,
            &c.unit_id,
            &c.personal_number,
            &c.order_ref,
            &c.qr_start_token,
            &c.qr_start_secret,
            c.started_ms,
            c.identified_at,
            now
        ],
    )?;
    Ok(())
}

/// The check-in `id`.
pub fn find(conn: &mut Conn<'_>, id: &str) -> Result<Option<CheckIn>> {
    conn.query_opt(
        "SELECT id, token_hash, unit_id, personal_number, order_ref, qr_start_token, qr_start_secret, started_ms,
                identified_at FROM kiosk_check_ins WHERE id = ?1",
        params![id],
    )?
    .map(|r| {
        Ok(CheckIn {
            id: r.get("id")?,
            token_hash: r.get("token_hash")?,
            unit_id: r.get("unit_id")?,
            personal_number: r.get("personal_number")?,
            order_ref: r.get("order_ref")?,
            qr_start_token: r.get("qr_start_token")?,
            qr_start_secret: r.get("qr_start_secret")?,
            started_ms: r.get("started_ms")?,
            identified_at: r.get("identified_at")?,
        })
    })
    .transpose()
}

/// BankID identified the person: their names are kept (a person id for URLs the first time) and
/// the token acts from `now`.
pub fn identified(
    conn: &mut Conn<'_>,
    id: &str,
    who: &super::sessions::Resident<'_>,
    person_id: &str,
    now: i64,
) -> Result<()> {
    conn.transaction(|tx| {
        super::sessions::name_person(tx, who, person_id)?;
        tx.execute("UPDATE kiosk_check_ins SET identified_at = ?2 WHERE id = ?1", params![id, now])?;
        Ok(())
    })
}

/// The person and unit of a token identified after `since` (its lifetime's start).
pub fn by_token(conn: &mut Conn<'_>, token_hash: &str, since: i64) -> Result<Option<(String, String)>> {
    conn.query_opt(
        "SELECT personal_number, unit_id FROM kiosk_check_ins
         WHERE token_hash = ?1 AND identified_at IS NOT NULL AND identified_at > ?2",
        params![token_hash, since],
    )?
    .map(|r| Ok((r.get("personal_number")?, r.get("unit_id")?)))
    .transpose()
}

/// The check-in ended (failed, the tablet reset).
pub fn forget(conn: &mut Conn<'_>, id: &str) -> Result<()> {
    conn.execute("DELETE FROM kiosk_check_ins WHERE id = ?1", params![id])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::{sessions::Resident, tests::on_both};

    #[test]
    fn a_check_in_is_identified_and_its_token_lives_ten_minutes_on_both_backends() {
        on_both("kiosk", |conn| {
            conn.execute(
                "INSERT INTO units (id, name, kind, address, city) VALUES ('u', 'U', 'dental', 'a', 'c')",
                params![],
            )
            .unwrap();
            let c = CheckIn {
                id: "k1".into(),
                token_hash: "th".into(),
                unit_id: "u".into(),
                personal_number: "191212121212".into(),
                order_ref: "o".into(),
                qr_start_token: "t".into(),
                qr_start_secret: "s".into(),
                started_ms: 9,
                identified_at: None,
            };
            start(conn, &c, 1_000).unwrap();
            assert_eq!(find(conn, "k1").unwrap(), Some(c.clone()));
            assert_eq!(by_token(conn, "th", 0).unwrap(), None, "not identified yet");
            let who = Resident { personal_number: "191212121212", name: "Anna A", given_name: "Anna", surname: "A" };
            identified(conn, "k1", &who, "person-1", 1_100).unwrap();
            assert_eq!(find(conn, "k1").unwrap().unwrap().identified_at, Some(1_100));
            assert_eq!(by_token(conn, "th", 1_099).unwrap(), Some(("191212121212".into(), "u".into())));
            assert_eq!(by_token(conn, "th", 1_100).unwrap(), None, "its lifetime is over");
            assert_eq!(by_token(conn, "other", 0).unwrap(), None);
            let names = conn
                .query("SELECT given_name FROM people WHERE personal_number = '191212121212'", crate::params![])
                .unwrap();
            assert_eq!(names[0].get::<String>("given_name").unwrap(), "Anna");
            forget(conn, "k1").unwrap();
            assert_eq!(find(conn, "k1").unwrap(), None);
        });
    }
}

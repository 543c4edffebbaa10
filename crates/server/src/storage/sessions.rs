//! Residents who have signed in and their sessions (`crate::extract::session` has the rules:
//! inactivity and absolute limits). A session is known by the SHA-256 of its cookie only.

use super::{Conn, Result, Row, params, params_from_iter, placeholders};

/// A session that has not been ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub personal_number: String,
    pub created_at: i64,
    pub last_seen: i64,
}

/// Who signed in, as BankID names them.
#[derive(Debug, Clone)]
pub struct Resident<'a> {
    pub personal_number: &'a str,
    pub name: &'a str,
    pub given_name: &'a str,
    pub surname: &'a str,
}

/// A completed login: the resident (their names as BankID gives them now), a person id for
/// URLs the first time, the new session, and the login order gone, at once.
pub fn start(
    conn: &mut Conn<'_>,
    who: &Resident<'_>,
    person_id: &str,
    id_hash: &str,
    login_hash: Option<&str>,
    now: i64,
) -> Result<()> {
    conn.transaction(|tx| {
        tx.execute(
            "INSERT INTO users (personal_number, name, given_name, surname, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (personal_number) DO UPDATE SET name = ?2, given_name = ?3, surname = ?4",
            params![who.personal_number, who.name, who.given_name, who.surname, now],
        )?;
        name_person(tx, who, person_id)?;
        tx.execute(
            "INSERT INTO sessions (id_hash, personal_number, created_at, last_seen) VALUES (?1, ?2, ?3, ?3)",
            params![id_hash, who.personal_number, now],
        )?;
        if let Some(login) = login_hash {
            super::login_orders::forget(tx, login)?;
        }
        Ok(())
    })
}

/// Keeps a person's names as BankID gave them now; `person_id` (their id in URLs) only the first
/// time.
pub fn name_person(conn: &mut Conn<'_>, who: &Resident<'_>, person_id: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO people (id, personal_number, name, given_name, surname) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (personal_number) DO UPDATE SET name = ?3, given_name = ?4, surname = ?5",
        params![person_id, who.personal_number, who.name, who.given_name, who.surname],
    )?;
    Ok(())
}

/// The session of `id_hash`, unless it has been ended.
pub fn active(conn: &mut Conn<'_>, id_hash: &str) -> Result<Option<Session>> {
    conn.query_opt(
        "SELECT personal_number, created_at, last_seen FROM sessions WHERE id_hash = ?1 AND revoked = 0",
        params![id_hash],
    )?
    .map(|r| session(&r))
    .transpose()
}

fn session(r: &Row) -> Result<Session> {
    Ok(Session {
        personal_number: r.get("personal_number")?,
        created_at: r.get("created_at")?,
        last_seen: r.get("last_seen")?,
    })
}

/// The sessions of these id hashes that have not been ended, by id hash: one query for many
/// (the event streams' checks, see `domain::sessions::Checks`). At most 500 a query.
pub fn active_many(conn: &mut Conn<'_>, id_hashes: &[String]) -> Result<std::collections::HashMap<String, Session>> {
    let mut found = std::collections::HashMap::new();
    for some in id_hashes.chunks(500) {
        let sql = format!(
            "SELECT id_hash, personal_number, created_at, last_seen FROM sessions WHERE revoked = 0 AND id_hash IN ({})",
            placeholders(some.len())
        );
        for r in conn.query(&sql, params_from_iter(some.iter()))? {
            found.insert(r.get("id_hash")?, session(&r)?);
        }
    }
    Ok(found)
}

/// Records activity in the session.
pub fn touch(conn: &mut Conn<'_>, id_hash: &str, now: i64) -> Result<()> {
    conn.execute("UPDATE sessions SET last_seen = ?2 WHERE id_hash = ?1", params![id_hash, now])?;
    Ok(())
}

/// Ends the session (a limit passed).
pub fn revoke(conn: &mut Conn<'_>, id_hash: &str) -> Result<()> {
    conn.execute("UPDATE sessions SET revoked = 1 WHERE id_hash = ?1", params![id_hash])?;
    Ok(())
}

/// Logs out: the session ends, and the pushes of a device that subscribed in it.
pub fn log_out(conn: &mut Conn<'_>, id_hash: &str) -> Result<()> {
    conn.transaction(|tx| {
        tx.execute("DELETE FROM push_subscriptions WHERE session_hash = ?1", params![id_hash])?;
        revoke(tx, id_hash)
    })
}

/// A resident's full and given name, as BankID last gave them.
pub fn names(conn: &mut Conn<'_>, personal_number: &str) -> Result<Option<(String, String)>> {
    conn.query_opt("SELECT name, given_name FROM users WHERE personal_number = ?1", params![personal_number])?
        .map(|r| Ok((r.get("name")?, r.get("given_name")?)))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::tests::on_both;

    #[test]
    fn a_session_starts_is_used_and_ends_alike_on_both_backends() {
        on_both("sessions", |conn| {
            let anna = Resident {
                personal_number: "191212121212",
                name: "Anna Andersson",
                given_name: "Anna",
                surname: "Andersson",
            };
            super::super::login_orders::start(
                conn,
                &super::super::login_orders::LoginOrder {
                    id_hash: "login".into(),
                    order_ref: "o".into(),
                    same_device: true,
                    qr_start_token: "t".into(),
                    qr_start_secret: "s".into(),
                    started_ms: 1,
                },
                100,
            )
            .unwrap();
            start(conn, &anna, "person-1", "s1", Some("login"), 100).unwrap();
            assert!(super::super::login_orders::find(conn, "login").unwrap().is_none(), "the order is gone");
            let s = active(conn, "s1").unwrap().unwrap();
            assert_eq!(s, Session { personal_number: anna.personal_number.into(), created_at: 100, last_seen: 100 });
            touch(conn, "s1", 160).unwrap();
            assert_eq!(active(conn, "s1").unwrap().unwrap().last_seen, 160);
            // a second login renames, keeps the person id, and is a session of its own
            let renamed = Resident { name: "Anna Berg", surname: "Berg", ..anna.clone() };
            start(conn, &renamed, "person-2", "s2", None, 200).unwrap();
            assert_eq!(names(conn, "191212121212").unwrap(), Some(("Anna Berg".into(), "Anna".into())));
            let ids =
                conn.query("SELECT id FROM people WHERE personal_number = '191212121212'", crate::params![]).unwrap();
            assert_eq!(ids.iter().map(|r| r.get::<String>("id").unwrap()).collect::<Vec<_>>(), ["person-1"]);
            conn.execute(
                "INSERT INTO push_subscriptions (endpoint, personal_number, p256dh, auth, session_hash, created_at)
                 VALUES ('https://push.example/1', '191212121212', 'k', 'a', 's1', 0)",
                params![],
            )
            .unwrap();
            let many: Vec<String> = ["s1", "s2", "nobody"].map(String::from).into();
            let both = active_many(conn, &many).expect("the statement runs");
            assert_eq!((both.len(), both["s1"].last_seen, both["s2"].created_at), (2, 160, 200));
            log_out(conn, "s1").unwrap();
            assert!(active(conn, "s1").unwrap().is_none());
            assert_eq!(
                active_many(conn, &many).expect("the statement runs").keys().collect::<Vec<_>>(),
                ["s2"],
                "an ended one is left out"
            );
            // more than one query's worth
            let lots: Vec<String> = (0..1200).map(|i| format!("x{i}")).chain(["s2".into()]).collect();
            assert_eq!(active_many(conn, &lots).expect("the statement runs").len(), 1);
            assert!(active(conn, "s2").unwrap().is_some(), "the other session goes on");
            assert!(conn.query("SELECT endpoint FROM push_subscriptions", crate::params![]).unwrap().is_empty());
            revoke(conn, "s2").unwrap();
            assert!(active(conn, "s2").unwrap().is_none());
            assert_eq!(names(conn, "190101010101").unwrap(), None);
        });
    }

    /// A failure inside a transaction leaves nothing behind, on both.
    #[test]
    fn a_failed_start_leaves_nothing_on_both_backends() {
        on_both("sessions_rollback", |conn| {
            let anna = Resident { personal_number: "191212121212", name: "A", given_name: "A", surname: "A" };
            start(conn, &anna, "person-1", "s1", None, 100).unwrap();
            // the same session hash again: the insert fails, the rename before it is undone
            let renamed = Resident { name: "B", ..anna.clone() };
            assert!(start(conn, &renamed, "person-1", "s1", None, 200).is_err());
            assert_eq!(names(conn, "191212121212").unwrap(), Some(("A".into(), "A".into())));
        });
    }
}

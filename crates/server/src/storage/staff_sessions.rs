//! The staff console's sessions, apart from residents': known by the SHA-256 of the cookie only
//! (`crate::staff` has the rules: who may sign in, the 12-hour limit).

use super::{Conn, OptionalExtension, Result, params};

/// A staff member signed in at `now`.
pub fn start(conn: &mut Conn<'_>, id_hash: &str, staff_id: &str, now: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO staff_sessions (id_hash, staff_id, created_at) VALUES (?1, ?2, ?3)",
        params![id_hash, staff_id, now],
    )?;
    Ok(())
}

/// Whose session `id_hash` is, if it started after `since`.
pub fn staff_of(conn: &mut Conn<'_>, id_hash: &str, since: i64) -> Result<Option<String>> {
    conn.query_row(
        "SELECT staff_id FROM staff_sessions WHERE id_hash = ?1 AND created_at > ?2",
        params![id_hash, since],
        |r| r.get("staff_id"),
    )
    .optional()
}

/// The session has ended.
pub fn end(conn: &mut Conn<'_>, id_hash: &str) -> Result<()> {
    conn.execute("DELETE FROM staff_sessions WHERE id_hash = ?1", params![id_hash])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::tests::on_both;

    #[test]
    fn a_staff_session_starts_lasts_and_ends_on_both_backends() {
        on_both("staff_sessions", |conn| {
            start(conn, "h1", "eva", 100).unwrap();
            assert_eq!(staff_of(conn, "h1", 99).unwrap().as_deref(), Some("eva"));
            assert_eq!(staff_of(conn, "h1", 100).unwrap(), None, "too old");
            assert_eq!(staff_of(conn, "h2", 0).unwrap(), None);
            end(conn, "h1").unwrap();
            assert_eq!(staff_of(conn, "h1", 0).unwrap(), None);
        });
    }
}

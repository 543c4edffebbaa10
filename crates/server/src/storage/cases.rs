//! Care requests ("Digitalen") and their queue. Only a start: the rest of the cases' SQL still
//! sits in `crate::domain::cases` and its callers (issue 21).

use super::{Conn, OptionalExtension, Result, params};

/// Who made the case (whose event stream hears of it).
pub fn owner(conn: &mut Conn<'_>, id: &str) -> Result<Option<String>> {
    conn.query_row("SELECT owner FROM cases WHERE id = ?1", params![id], |r| r.get("owner")).optional()
}

/// Puts a case closed after `closed_after` back in its queue; whether it was.
pub fn reopen(conn: &mut Conn<'_>, id: &str, closed_after: i64, now: i64) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE cases SET status = 'waiting', queued_at = ?2, picked_at = NULL, closed_at = NULL
         WHERE id = ?1 AND status = 'closed' AND closed_at > ?3",
        params![id, now, closed_after],
    )? == 1)
}

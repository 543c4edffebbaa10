//! A case's chat: writing a message (from the patient or from staff) with its pictures, and
//! reading messages with their pictures.

use crate::storage::params;
use ingang_api::chat::{Author, Message, MessageEvent};

/// What a new message holds besides its case.
pub struct Draft<'a> {
    pub author: Author,
    /// Staff: (first name, role).
    pub staff: Option<(&'a str, &'a str)>,
    pub body: &'a str,
    pub client_id: &'a str,
    /// Checked by `pictures::check_ids`.
    pub picture_ids: &'a [String],
    pub asks_for_picture: bool,
    /// The time it is written (the server's clock).
    pub now: i64,
}

/// Stores a message (once per `client_id`), records a `message` event for the case's owner and
/// returns the stored message and whether it is new. Used by the API and the staff console.
pub fn insert(
    conn: &mut crate::storage::Conn<'_>,
    case_id: &str,
    d: Draft<'_>,
) -> crate::storage::Result<(Message, bool)> {
    conn.transaction(|tx| {
        let inserted = tx.execute(
            "INSERT INTO messages (case_id, author, body, created_at, idempotency_key, author_name, author_role,
             asks_for_picture) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING",
            params![
                case_id,
                if d.author == Author::Staff { "staff" } else { "patient" },
                d.body,
                d.now,
                d.client_id,
                d.staff.map(|s| s.0),
                d.staff.map(|s| s.1),
                d.asks_for_picture
            ],
        )? == 1;
        let message = tx.query_row(
            &format!("{SELECT} WHERE case_id = ?1 AND idempotency_key = ?2"),
            params![case_id, d.client_id],
            row,
        )?;
        if inserted {
            crate::domain::pictures::attach(tx, message.id, d.picture_ids)?;
        }
        let message = full(tx, message)?;
        if inserted {
            let owner: String =
                tx.query_row("SELECT owner FROM cases WHERE id = ?1", params![case_id], |r| r.get("owner"))?;
            let data = serde_json::to_string(&MessageEvent { case_id: case_id.into(), message: message.clone() })
                .unwrap_or_default();
            crate::storage::events::append(tx, &owner, "message", &data, d.now)?;
        }
        Ok((message, inserted))
    })
}

pub(crate) fn row(r: &crate::storage::Row) -> crate::storage::Result<Message> {
    let author: String = r.get("author")?;
    Ok(Message {
        id: r.get("id")?,
        client_id: r.get("idempotency_key")?,
        case_id: r.get("case_id")?,
        author: if author == "staff" { Author::Staff } else { Author::Patient },
        author_name: r.get("author_name")?,
        author_role: r.get("author_role")?,
        body: r.get("body")?,
        pictures: Vec::new(),
        asks_for_picture: r.get("asks_for_picture")?,
        created_at: r.get("created_at")?,
    })
}

pub(crate) const SELECT: &str = "SELECT id, idempotency_key, case_id, author, author_name, author_role, body, created_at, \
     asks_for_picture FROM messages";

/// A message with its pictures.
pub(crate) fn full(conn: &mut crate::storage::Conn<'_>, mut m: Message) -> crate::storage::Result<Message> {
    m.pictures = crate::domain::pictures::of_message(conn, m.id)?;
    Ok(m)
}

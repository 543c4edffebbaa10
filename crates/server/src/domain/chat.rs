//! A case's chat: writing a message (from the patient or from staff) with its pictures, and
//! reading messages with their pictures.

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
    use crate::storage::chat;
    conn.transaction(|tx| {
        let new = chat::NewMessage {
            author: d.author,
            staff: d.staff,
            body: d.body,
            client_id: d.client_id,
            asks_for_picture: d.asks_for_picture,
            now: d.now,
        };
        let inserted = chat::insert(tx, case_id, &new)?;
        if let Some(id) = inserted {
            chat::attach(tx, id, d.picture_ids)?;
        }
        let message = chat::by_client_id(tx, case_id, d.client_id)?.ok_or(crate::storage::Error::NoRows)?;
        if inserted.is_some() {
            let owner = crate::storage::cases::owner(tx, case_id)?.ok_or(crate::storage::Error::NoRows)?;
            let data = serde_json::to_string(&MessageEvent { case_id: case_id.into(), message: message.clone() })
                .unwrap_or_default();
            crate::storage::events::append(tx, &owner, "message", &data, d.now)?;
        }
        Ok((message, inserted.is_some()))
    })
}

//! Which unit a thing belongs to: a staff member reaches only their units' cases, pictures,
//! errands, attachments and inbox messages (`crate::staff::Staff::reaches`).

use super::{Conn, OptionalExtension, Result, params};

/// A kind of thing a unit holds, known by its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Held {
    Case,
    /// A chat picture: its case's unit.
    Picture,
    Errand,
    /// An errand's attachment: its errand's unit.
    Attachment,
    InboxMessage,
}

/// The unit that holds `id`, if it exists.
pub fn unit_of(conn: &mut Conn<'_>, held: Held, id: &str) -> Result<Option<String>> {
    let sql = match held {
        Held::Case => "SELECT unit_id FROM cases WHERE id = ?1",
        Held::Picture => "SELECT c.unit_id FROM pictures p JOIN cases c ON c.id = p.case_id WHERE p.id = ?1",
        Held::Errand => "SELECT unit_id FROM errands WHERE id = ?1",
        Held::Attachment => {
            "SELECT e.unit_id FROM errand_attachments a JOIN errands e ON e.id = a.errand_id WHERE a.id = ?1"
        }
        Held::InboxMessage => "SELECT unit_id FROM inbox_messages WHERE id = ?1",
    };
    conn.query_row(sql, params![id], |r| r.get("unit_id")).optional()
}

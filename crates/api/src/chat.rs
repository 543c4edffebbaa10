//! Wire types of the chat in a case: the patient (or guardian) and care staff write while the
//! case is picked (`inProgress`). Messages are idempotent by a client-made id.

use serde::{Deserialize, Serialize};

/// The longest message, in characters.
pub const MESSAGE_MAX: usize = 4000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum Author {
    Patient,
    Staff,
}

/// One message in a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// Server id; increases with time within a case (for paging with `before`).
    pub id: i64,
    /// The id the sender's client made (its idempotency key), when it made one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    pub case_id: String,
    pub author: Author,
    /// Staff: first name ("Lena"); absent for the patient's own messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_name: Option<String>,
    /// Staff: role ("Sjuksköterska").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_role: Option<String>,
    /// The text; may be empty when the message carries pictures.
    pub body: String,
    /// Pictures sent with the message, in the order chosen.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pictures: Vec<crate::pictures::Picture>,
    /// Staff ask the patient for a picture (the app then offers its picture button at once).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub asks_for_picture: bool,
    /// Seconds since the Unix epoch.
    pub created_at: i64,
}

/// `POST /api/v1/cases/{id}/messages`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NewMessage {
    /// A random id the client makes once per message (a UUID): sending it again returns the
    /// same message instead of a second one.
    pub client_id: String,
    /// The text; may be empty when `pictureIds` is not.
    #[serde(default)]
    pub body: String,
    /// Pictures uploaded before (`PUT /cases/{id}/pictures/{pictureId}`), at most
    /// `maxPerMessage` of the limits.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub picture_ids: Vec<String>,
}

/// `GET /api/v1/cases/{id}/messages?before=&limit=`: oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MessagePage {
    pub messages: Vec<Message>,
    /// Older messages exist (ask with `before` = the first id here).
    pub has_more: bool,
}

/// The event stream's `message` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MessageEvent {
    pub case_id: String,
    pub message: Message,
}

/// A chat message as it will be stored, or why not (at most [`MESSAGE_MAX`] characters).
pub fn check_message(text: &str) -> Result<String, crate::cases::TextProblem> {
    crate::cases::check_text(text, MESSAGE_MAX)
}

/// [`check_message`] for a message that may carry pictures: then the text may be empty.
pub fn check_message_with(text: &str, pictures: usize) -> Result<String, crate::cases::TextProblem> {
    match check_message(text) {
        Err(crate::cases::TextProblem::Empty) if pictures > 0 => Ok(String::new()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_trimmed_and_bounded() {
        assert_eq!(check_message(" Hej!\n"), Ok("Hej!".into()));
        assert_eq!(check_message("\n \t"), Err(crate::cases::TextProblem::Empty));
        assert_eq!(check_message(&"ä".repeat(MESSAGE_MAX)).map(|m| m.chars().count()), Ok(MESSAGE_MAX));
        assert_eq!(check_message(&"ä".repeat(MESSAGE_MAX + 1)), Err(crate::cases::TextProblem::TooLong));
    }

    #[test]
    fn wire_names() {
        let m = Message {
            id: 3,
            client_id: Some("c".into()),
            case_id: "k".into(),
            author: Author::Staff,
            author_name: Some("Lena".into()),
            author_role: Some("Sjuksköterska".into()),
            body: "Hej".into(),
            pictures: vec![],
            asks_for_picture: true,
            created_at: 1,
        };
        let json = serde_json::to_value(&m).unwrap();
        assert_eq!(json["author"], "staff");
        assert_eq!(json["authorRole"], "Sjuksköterska");
        assert_eq!(json["clientId"], "c");
        assert_eq!(json["asksForPicture"], true);
        assert!(json.get("pictures").is_none());
        assert_eq!(check_message_with(" ", 1), Ok(String::new()));
        assert_eq!(check_message_with(" ", 0), Err(crate::cases::TextProblem::Empty));
    }
}

//! Wire types of a clinic's e-services (1177 basutbud: Förnya recept, Kontakta mig, Beställ tid …)
//! and of the inbox (Inkorg).
//!
//! An e-service ("ärendetyp") is a FHIR R4 Questionnaire the unit serves, so a clinic's own case
//! types need no app release. Sending one creates an [`Errand`] with the validated response; the
//! clinic's answer arrives as a message in the inbox. The inbox also carries the clinic's own
//! messages: information only, or questions answered once with a questionnaire.

use serde::{Deserialize, Serialize};

/// One e-service a unit offers (`Unit.eServices`), in the order to show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EService {
    /// Stable id within the unit, e.g. `fornya-recept`.
    pub id: String,
    /// Its questionnaire; fetch it for a person with
    /// `GET /units/{unitId}/e-services/{id}/questionnaire?personId=…` (answer options such as the
    /// person's current prescriptions are filled in by the server).
    pub questionnaire_id: String,
    /// Title in Swedish ("Förnya recept").
    pub title: String,
    /// What it is for, in plain words (the questionnaire's `description`).
    #[serde(default)]
    pub description: String,
    /// How many working days an answer usually takes at this unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_within_days: Option<u32>,
}

/// `POST /api/v1/errands` (with an `Idempotency-Key`: a retry returns the same errand).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NewErrand {
    /// Whom it is for: the user, or a child the user may use e-services for (up to 12 years).
    pub person_id: String,
    pub unit_id: String,
    /// One of the unit's `eServices`.
    pub e_service_id: String,
    /// The FHIR R4 QuestionnaireResponse (status `completed`).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub response: serde_json::Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum ErrandStatus {
    /// Sent; the clinic has not answered yet.
    Sent,
    /// The clinic has answered (the answer is also in the inbox).
    Answered,
    /// A status this client does not know yet.
    #[serde(other)]
    Other,
}

/// An e-service errand as the patient (or guardian) sees it in Mina ärenden.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Errand {
    pub id: String,
    pub person_id: String,
    pub person_name: String,
    pub unit_id: String,
    pub unit_name: String,
    pub e_service_id: String,
    /// The e-service's title.
    pub title: String,
    pub status: ErrandStatus,
    /// Seconds since the Unix epoch.
    pub created_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_at: Option<i64>,
    /// The clinic's answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    /// Who answered ("Lena, sjuksköterska").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_by: Option<String>,
    /// The expected answer time of the e-service when it was sent, in working days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_within_days: Option<u32>,
    /// What was sent: the validated QuestionnaireResponse.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub response: serde_json::Value,
    /// The messages after the form, oldest first (in `GET /errands/{id}` only; empty in lists).
    #[serde(default)]
    pub messages: Vec<ErrandMessage>,
    /// The clinic has closed the errand: nothing more can be added.
    #[serde(default)]
    pub closed: bool,
}

/// A message on an errand, from the patient's side or the clinic's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ErrandMessage {
    pub id: i64,
    pub from_clinic: bool,
    /// Who wrote it, for the clinic's messages ("Lena, sjuksköterska").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// The text; may be empty when the message carries attachments.
    pub body: String,
    /// Seconds since the Unix epoch.
    pub created_at: i64,
    /// Pictures and documents sent with the message, in order.
    #[serde(default)]
    pub attachments: Vec<Attachment>,
}

/// A picture or a document (PDF) on an errand's message. Pictures take the chat's way (see
/// [`crate::pictures`]: converted on the phone, checked and encoded anew by the server);
/// a document is stored as sent, checked by its bytes, and served only as a download.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    /// The id the client chose (a UUID).
    pub id: String,
    /// `image/jpeg`, `image/png` or `application/pdf`.
    pub content_type: String,
    pub size: u64,
    /// Pictures only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// The bytes: `GET` with the session (`/api/v1/attachments/{id}`).
    pub url: String,
    /// Pictures only: at most 320 px on the long side, JPEG.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail_url: Option<String>,
}

impl Attachment {
    pub fn is_picture(&self) -> bool {
        self.content_type.starts_with("image/")
    }
}

/// `POST /api/v1/errands/{id}/messages`: the patient's side adds a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NewErrandMessage {
    /// May be empty when `attachmentIds` is not.
    pub body: String,
    /// Made by the app once per message: sending it again adds nothing.
    pub client_id: String,
    /// Attachments uploaded before (`PUT /errands/{id}/attachments/{attachmentId}`), at most
    /// `maxPerMessage` of `GET /pictures/limits`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachment_ids: Vec<String>,
}

/// `GET /api/v1/errands`: the user's and their children's (up to 12) errands, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrandList {
    pub errands: Vec<Errand>,
}

/// What an inbox message asks of the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum InboxKind {
    /// Information only: cannot be answered.
    Info,
    /// Questions: answered once with the message's questionnaire.
    Questions,
    /// A kind this client does not know yet (treated as information).
    #[serde(other)]
    Other,
}

/// A message from a clinic in the inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InboxMessage {
    pub id: String,
    /// Whom it concerns (the user or their child).
    pub person_id: String,
    pub person_name: String,
    pub unit_id: String,
    pub unit_name: String,
    pub subject: String,
    /// Plain text; line breaks are meaningful.
    pub body: String,
    pub kind: InboxKind,
    /// For `questions`: the questionnaire to answer (`GET /questionnaires/{id}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub questionnaire_id: Option<String>,
    /// The errand this message answers, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errand_id: Option<String>,
    /// Seconds since the Unix epoch.
    pub created_at: i64,
    /// When it was first opened (by anyone who may read it); absent while unread.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_at: Option<i64>,
    /// When the questions were answered; an answered message is locked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_at: Option<i64>,
    /// The answer sent (a QuestionnaireResponse), once answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub response: Option<serde_json::Value>,
}

impl InboxMessage {
    /// Can it be answered now: a questions message with a questionnaire, not answered yet.
    pub fn answerable(&self) -> bool {
        self.kind == InboxKind::Questions && self.questionnaire_id.is_some() && self.answered_at.is_none()
    }
}

/// `GET /api/v1/inbox`: the messages of the user and their children (up to 12), newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Inbox {
    pub messages: Vec<InboxMessage>,
    /// How many of them are unread.
    pub unread: u32,
}

/// `GET /api/v1/inbox/unread`: the count for the tab's badge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnreadCount {
    pub unread: u32,
}

/// `POST /api/v1/inbox/{id}/answer` (with an `Idempotency-Key`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InboxAnswer {
    /// The FHIR R4 QuestionnaireResponse to the message's questionnaire (status `completed`).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub response: serde_json::Value,
}

/// The unread count as the tab shows it: nothing at 0, the number up to 99, then "99+".
pub fn badge_text(unread: u32) -> Option<String> {
    match unread {
        0 => None,
        1..=99 => Some(unread.to_string()),
        _ => Some("99+".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn badges_are_short() {
        assert_eq!(badge_text(0), None);
        assert_eq!(badge_text(7).as_deref(), Some("7"));
        assert_eq!(badge_text(100).as_deref(), Some("99+"));
    }

    #[test]
    fn only_unanswered_questions_can_be_answered() {
        let mut m = InboxMessage {
            id: "m".into(),
            person_id: "p".into(),
            person_name: "Anna".into(),
            unit_id: "u".into(),
            unit_name: "HC".into(),
            subject: "Frågor".into(),
            body: String::new(),
            kind: InboxKind::Questions,
            questionnaire_id: Some("q".into()),
            errand_id: None,
            created_at: 0,
            read_at: None,
            answered_at: None,
            response: None,
        };
        assert!(m.answerable());
        m.answered_at = Some(1);
        assert!(!m.answerable());
        m.answered_at = None;
        m.kind = InboxKind::Info;
        assert!(!m.answerable());
        let unknown: InboxKind = serde_json::from_str("\"survey\"").unwrap();
        assert_eq!(unknown, InboxKind::Other);
    }
}

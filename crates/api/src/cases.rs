//! Wire types of care requests (cases): creating one, its place in the unit's queue, the list.

use serde::{Deserialize, Serialize};

/// `POST /api/v1/cases` (with an `Idempotency-Key` header: a retry returns the same case).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NewCase {
    /// Whom the care is for: an id from `GET /me/people` that may seek care.
    pub person_id: String,
    pub unit_id: String,
    /// A symptom category of the unit (`Unit.categories`) that fits the person's age.
    pub questionnaire_id: String,
    /// The FHIR R4 QuestionnaireResponse (status `completed`).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub response: serde_json::Value,
    /// What the user seeks care for, in their own words (see [`check_description`]).
    #[serde(default)]
    pub description: String,
    /// The user accepted the conduct rules for this case; the server refuses a case without.
    #[serde(default)]
    pub rules_accepted: bool,
}

/// The longest description, in characters.
pub const DESCRIPTION_MAX: usize = 2000;

/// Why a text the user wrote (a description, a chat message) cannot be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextProblem {
    Empty,
    TooLong,
}

/// The text as it will be stored (trimmed at the ends), or why not: empty, or longer than
/// `max` characters. Shared by app and server.
pub fn check_text(text: &str, max: usize) -> Result<String, TextProblem> {
    let text = text.trim();
    if text.is_empty() {
        Err(TextProblem::Empty)
    } else if text.chars().count() > max {
        Err(TextProblem::TooLong)
    } else {
        Ok(text.to_owned())
    }
}

/// A description (or the message continuing a case): at most [`DESCRIPTION_MAX`] characters.
pub fn check_description(text: &str) -> Result<String, TextProblem> {
    check_text(text, DESCRIPTION_MAX)
}

/// `POST /api/v1/cases/{id}/continue` (with an `Idempotency-Key`): take up a closed case again,
/// while `Case.canContinueUntil` has not passed, instead of starting a new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ContinueCase {
    /// What has happened since (checked like a description).
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum CaseStatus {
    /// In the unit's queue.
    Waiting,
    /// Care staff have picked it: "din tur".
    InProgress,
    Closed,
    /// The user withdrew it while waiting.
    Withdrawn,
}

impl CaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::InProgress => "inProgress",
            Self::Closed => "closed",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Waiting, Self::InProgress, Self::Closed, Self::Withdrawn].into_iter().find(|c| c.as_str() == s)
    }
}

/// How soon the case needs care: 1 (most urgent) to 3, from the answers' urgency markers and scores.
pub type Priority = u8;

/// A case as the patient (or guardian) sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Case {
    pub id: String,
    pub person_id: String,
    pub person_name: String,
    pub unit_id: String,
    pub unit_name: String,
    /// The questionnaire's title: what the case is about.
    pub title: String,
    #[serde(default)]
    pub questionnaire_id: String,
    /// The user's own description.
    #[serde(default)]
    pub description: String,
    pub status: CaseStatus,
    pub priority: Priority,
    /// Seconds since the Unix epoch.
    pub created_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<i64>,
    /// Place in the unit's queue (1 = next), while waiting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<u32>,
    /// Estimated minutes until it is the user's turn, while waiting. It follows the unit's
    /// staffed hours: a queue does not move while the unit is closed, so at night it counts from
    /// opening. Absent when no honest estimate exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimated_wait_minutes: Option<u32>,
    /// While waiting and the unit is closed (no staff answer now): when it opens next, seconds
    /// since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_opens_at: Option<i64>,
    /// A closed case can be continued until this moment (seconds since the epoch); absent when
    /// it cannot (not closed, withdrawn, or closed too long ago: four days in Norrbotten).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_continue_until: Option<i64>,
}

/// `GET /api/v1/cases`: the user's and their children's cases, newest first
/// (`?personId=` narrows it to one of them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseList {
    pub cases: Vec<Case>,
}

/// The estimated wait: the cases ahead (and this one) times the recent handling time per case,
/// rounded up to 5 minutes; without history, 10 minutes per case.
pub fn estimated_wait_minutes(position: u32, recent_minutes_per_case: Option<f64>) -> u32 {
    let per_case = recent_minutes_per_case.filter(|m| m.is_finite() && *m > 0.0).unwrap_or(10.0);
    let minutes = (f64::from(position) * per_case).ceil() as u32;
    minutes.div_ceil(5).max(1) * 5
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_are_rounded_up_to_five_minutes() {
        assert_eq!(estimated_wait_minutes(1, None), 10);
        assert_eq!(estimated_wait_minutes(3, Some(4.0)), 15);
        assert_eq!(estimated_wait_minutes(1, Some(0.5)), 5);
        assert_eq!(estimated_wait_minutes(2, Some(f64::NAN)), 20);
    }

    #[test]
    fn descriptions_are_trimmed_and_bounded() {
        assert_eq!(check_description("  Ont i örat \n"), Ok("Ont i örat".into()));
        assert_eq!(check_description(" \n "), Err(TextProblem::Empty));
        assert_eq!(check_description(&"å".repeat(DESCRIPTION_MAX)).map(|s| s.chars().count()), Ok(DESCRIPTION_MAX));
        assert_eq!(check_description(&"å".repeat(DESCRIPTION_MAX + 1)), Err(TextProblem::TooLong));
    }

    #[test]
    fn statuses_round_trip() {
        for s in [CaseStatus::Waiting, CaseStatus::InProgress, CaseStatus::Closed, CaseStatus::Withdrawn] {
            assert_eq!(CaseStatus::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{}\"", s.as_str()));
        }
    }
}

//! Wire types of the Ingång JSON API (`/api/v1`).
//!
//! These types are the contract between the app and *any* compatible server: the reference
//! server derives its OpenAPI document from them (feature `openapi`), and the app decodes
//! responses with them. Keep them plain data: no behaviour that only our server provides.
//!
//! Conventions:
//! - JSON field names are `camelCase`.
//! - Every error response has the body [`ErrorBody`] with a stable machine `code` and a
//!   human `message` (Swedish by default; the app shows its own localised text per `code`).
//! - Unknown fields are ignored by readers, so servers may add fields without breaking clients.

pub mod auth;
pub mod cases;
pub mod people;
pub mod personnummer;

use serde::{Deserialize, Serialize};

/// The path prefix of version 1 of the API.
pub const API_V1: &str = "/api/v1";

/// Body of every error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// Stable machine-readable code, e.g. `not_found`, `bad_request`, `payload_too_large`.
    pub code: String,
    /// Human-readable explanation (not for display as-is: clients map `code` to their own text).
    pub message: String,
}

impl ErrorBody {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self { code: code.into(), message: message.into() }
    }
}

/// `GET /api/v1/health`: the service is up and can reach its database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Health {
    /// Always `ok` when the response status is 200.
    pub status: String,
    /// Version of the server software.
    pub version: String,
    /// The API version this server implements, e.g. `1`.
    pub api_version: u32,
}

/// What kind of care unit this is; decides icons and wording in the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum UnitKind {
    /// Hälsocentral / vårdcentral (primary care).
    HealthCentre,
    /// Folktandvården (public dental care).
    Dental,
    /// Ungdomsmottagning (youth clinic).
    Youth,
    /// Specialistmottagning.
    Specialist,
    /// A kind this client does not know yet (forward compatibility).
    #[serde(other)]
    Other,
}

/// A care unit (mottagning) the resident can contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Unit {
    /// Opaque identifier.
    pub id: String,
    /// Display name, e.g. "Hälsocentralen Gibraltar".
    pub name: String,
    pub kind: UnitKind,
    /// Street address for visitors.
    pub address: String,
    /// Town, e.g. "Luleå".
    pub city: String,
    /// Phone number in Swedish national format, e.g. "0920-28 40 00".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// `GET /api/v1/units`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitList {
    pub units: Vec<Unit>,
}

/// A questionnaire (FHIR R4 `Questionnaire`) the server offers, without its items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct QuestionnaireSummary {
    /// Id for `GET /api/v1/questionnaires/{id}`.
    pub id: String,
    /// Canonical URL of the questionnaire (`Questionnaire.url`).
    pub url: String,
    pub version: String,
    /// Title in Swedish.
    pub title: String,
}

/// `GET /api/v1/questionnaires`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionnaireList {
    pub questionnaires: Vec<QuestionnaireSummary>,
}

/// One problem found in a submitted `QuestionnaireResponse`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ResponseProblem {
    /// The item the problem concerns (empty for the response as a whole).
    pub link_id: String,
    /// Stable code: `required`, `min_length`, `max_length`, `min_value`, `max_value`, `regex`,
    /// `max_decimal_places`, `max_size`, `mime_type`, `min_occurs`, `max_occurs`, `invalid_date`,
    /// `invalid_time`, `invalid_url`, `not_an_option`, `wrong_type`, `unknown_item`,
    /// `too_many_answers`, `disabled_item`, `wrong_questionnaire`.
    pub code: String,
    /// Swedish explanation.
    pub message: String,
}

/// `POST /api/v1/questionnaires/{id}/validate`: the server's verdict on a response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResponseValidation {
    /// `true` when `problems` is empty.
    pub valid: bool,
    pub problems: Vec<ResponseProblem>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_kind_is_forward_compatible() {
        let unit: Unit = serde_json::from_str(
            r#"{"id":"u1","name":"X","kind":"telemedicine","address":"Storgatan 1","city":"Luleå","extra":1}"#,
        )
        .expect("unknown kinds and fields are accepted");
        assert_eq!(unit.kind, UnitKind::Other);
        assert_eq!(unit.phone, None);
    }

    #[test]
    fn field_names_are_camel_case() {
        let json = serde_json::to_value(Health { status: "ok".into(), version: "1.0".into(), api_version: 1 })
            .expect("serialises");
        assert_eq!(json["apiVersion"], 1);
        let json = serde_json::to_value(UnitKind::HealthCentre).expect("serialises");
        assert_eq!(json, "healthCentre");
    }
}

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
pub mod chat;
pub mod eservices;
pub mod hours;
pub mod people;
pub mod personnummer;
pub mod pictures;
pub mod push;
pub mod visits;

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
    /// IANA time zone of `hours`; `Europe/Stockholm` when absent.
    #[serde(default = "stockholm")]
    pub time_zone: String,
    /// Staffed hours: when care staff answer. A request can be started at any time.
    #[serde(default)]
    pub hours: Vec<hours::DayHours>,
    /// What the unit offers (Digitalen, e-services …), in the order to show them.
    #[serde(default)]
    pub services: Vec<Service>,
    /// The symptom categories a care request here can be about, each with its questionnaire.
    #[serde(default)]
    pub categories: Vec<Category>,
    /// The e-services (ärendetyper) of this unit, each a questionnaire; only these are offered.
    #[serde(default)]
    pub e_services: Vec<eservices::EService>,
}

fn stockholm() -> String {
    "Europe/Stockholm".into()
}

/// A service a unit offers. Each clinic chooses its own; the app shows only these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum Service {
    /// Sök vård (Digitalen): a care request with a symptom questionnaire, then chat.
    SeekCare,
    /// Förnya recept.
    RenewPrescription,
    /// Kontakta mig (the clinic calls back).
    ContactMe,
    /// Boka, av- och omboka besök.
    Booking,
    /// Mobile check-in and payment before a visit.
    CheckIn,
    /// A service this client does not know yet (forward compatibility).
    #[serde(other)]
    Other,
}

/// A symptom category of a unit ("Förkylning och hosta"): what a care request is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Category {
    /// The questionnaire to answer (`GET /questionnaires/{id}`); also identifies the category.
    pub questionnaire_id: String,
    /// Title in Swedish.
    pub title: String,
    /// Who it is for, in whole years (inclusive), from the questionnaire's FHIR `useContext`
    /// of type `age`. Absent: no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_age: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age: Option<u32>,
}

impl Category {
    /// May a person of this age (whole years; unknown = adult rules do not apply) use it?
    pub fn fits(&self, age: Option<u32>) -> bool {
        match age {
            Some(a) => self.min_age.is_none_or(|m| a >= m) && self.max_age.is_none_or(|m| a <= m),
            // no real birth date (some samordningsnummer): do not guess; only unrestricted ones
            None => self.min_age.is_none() && self.max_age.is_none(),
        }
    }
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
        assert_eq!(unit.time_zone, "Europe/Stockholm");
        assert!(unit.hours.is_empty() && unit.categories.is_empty() && unit.e_services.is_empty());
    }

    #[test]
    fn categories_fit_by_age() {
        let child = Category { questionnaire_id: "q".into(), title: "Barn".into(), min_age: None, max_age: Some(17) };
        assert!(child.fits(Some(0)) && child.fits(Some(17)) && !child.fits(Some(18)) && !child.fits(None));
        let adult = Category { min_age: Some(18), max_age: None, ..child.clone() };
        assert!(adult.fits(Some(18)) && adult.fits(Some(101)) && !adult.fits(Some(17)));
        let all = Category { min_age: None, max_age: None, ..child };
        assert!(all.fits(None) && all.fits(Some(4)));
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

//! E-service errands (renew a prescription, "Kontakta mig" ...): whom a user may send one for,
//! the units' e-services, the questionnaire's prescription list, and an errand's messages.

use crate::domain::people::visible_people;
use crate::extract::AuthUser;
use crate::{AppState, error::ApiError};
use ingang_api::{
    eservices::{EService, Errand},
    people::Person,
};
use serde_json::{Value, json};

/// The person's personnummer as stored: 12 digits, no separator.
pub fn digits(p: &Person) -> String {
    p.personal_number.replace(['-', '+'], "")
}

/// The people whose e-services the user may use: themself and children up to 12.
pub async fn e_service_people(state: &AppState, user: &AuthUser) -> Result<Vec<Person>, ApiError> {
    Ok(visible_people(state, user).await?.into_iter().filter(|p| p.can_use_e_services).collect())
}

/// The errand, if it is one of `people`'s (the user's and their children's up to 12); else 404.
pub async fn load_errand(state: &AppState, people: Vec<Person>, id: String) -> Result<Errand, ApiError> {
    state
        .db
        .store(move |conn| {
            let Some(mut errand) = crate::storage::errands::find(conn, &id)?.and_then(|s| named(s, &people)) else {
                return Ok(None);
            };
            errand.messages = crate::storage::errands::messages(conn, &id)?;
            Ok(Some(errand))
        })
        .await?
        .ok_or_else(ApiError::not_found)
}

/// The e-services of a unit, in order, titled and described in `lang` where the form has a
/// translation.
pub fn unit_e_services(
    conn: &mut crate::storage::Conn<'_>,
    unit_id: &str,
    lang: crate::lang::Lang,
) -> crate::storage::Result<Vec<EService>> {
    Ok(crate::storage::units::e_services(conn, unit_id)?
        .into_iter()
        .map(|e| EService {
            title: crate::lang::translated(e.title_translations.as_deref(), lang).unwrap_or(e.title),
            description: crate::lang::translated(e.description_translations.as_deref(), lang).unwrap_or(e.description),
            id: e.id,
            questionnaire_id: e.questionnaire_id,
            answer_within_days: e.answer_within_days,
        })
        .collect())
}

/// Fills the `answerOption` of every item whose SDC `answerExpression` is an `x-fhir-query` for
/// `MedicationRequest` with the patient's current prescriptions `(id, medicine, dosage)`, and
/// removes the expression (the result is a plain R4 questionnaire any form filler can show).
/// Other expressions are left alone. Pure.
pub fn populate(resource: &mut Value, prescriptions: &[(String, String, String)]) {
    fn walk(items: &mut Value, options: &[Value]) {
        let Some(items) = items.as_array_mut() else { return };
        for item in items {
            let asks_medication = item.get("extension").and_then(Value::as_array).is_some_and(|exts| {
                exts.iter().any(|e| {
                    e.get("url").and_then(Value::as_str) == Some(ANSWER_EXPRESSION)
                        && e.pointer("/valueExpression/expression")
                            .and_then(Value::as_str)
                            .is_some_and(|x| x.starts_with("MedicationRequest?"))
                })
            });
            if asks_medication {
                if let Some(exts) = item.get_mut("extension").and_then(Value::as_array_mut) {
                    exts.retain(|e| e.get("url").and_then(Value::as_str) != Some(ANSWER_EXPRESSION));
                }
                item["answerOption"] = Value::Array(options.to_vec());
            }
            if let Some(children) = item.get_mut("item") {
                walk(children, options);
            }
        }
    }
    let options: Vec<Value> = prescriptions
        .iter()
        .map(|(id, medicine, dosage)| {
            json!({ "valueCoding": { "system": PRESCRIPTION_SYSTEM, "code": id, "display": format!("{medicine}, {dosage}") } })
        })
        .collect();
    if let Some(items) = resource.get_mut("item") {
        walk(items, &options);
    }
}

/// The errand with its person named, if it is one of `people`'s.
pub(crate) fn named(stored: crate::storage::errands::Stored, people: &[Person]) -> Option<Errand> {
    let person = people.iter().find(|p| digits(p) == stored.patient)?;
    Some(Errand { person_id: person.id.clone(), person_name: person.name.clone(), ..stored.errand })
}

/// The code system of the options made from prescriptions.
pub const PRESCRIPTION_SYSTEM: &str = "https://ingang.se/fhir/CodeSystem/prescription";

/// SDC's answerExpression: the server fills such items' `answerOption` for the person.
pub(crate) const ANSWER_EXPRESSION: &str =
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-answerExpression";

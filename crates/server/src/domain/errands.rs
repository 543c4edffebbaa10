//! E-service errands (renew a prescription, "Kontakta mig" ...): whom a user may send one for,
//! the units' e-services, the questionnaire's prescription list, and an errand's messages.

use crate::domain::people::visible_people;
use crate::extract::AuthUser;
use crate::storage::OptionalExtension;
use crate::{AppState, error::ApiError};
use ingang_api::{
    eservices::{EService, Errand, ErrandMessage, ErrandStatus},
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

/// The messages of an errand after the form, oldest first.
pub fn errand_messages(
    conn: &mut crate::storage::Conn<'_>,
    errand: &str,
) -> crate::storage::Result<Vec<ErrandMessage>> {
    let mut messages = conn.query_map(
        "SELECT id, from_clinic, author, body, created_at FROM errand_messages WHERE errand_id = ?1 ORDER BY id",
        crate::params![errand],
        |r| {
            Ok(ErrandMessage {
                id: r.get("id")?,
                from_clinic: r.get("from_clinic")?,
                author: r.get("author")?,
                body: r.get("body")?,
                created_at: r.get("created_at")?,
                attachments: Vec::new(),
            })
        },
    )?;
    for m in &mut messages {
        m.attachments = crate::domain::attachments::of_message(conn, m.id)?;
    }
    Ok(messages)
}

/// The errand, if it is one of `people`'s (the user's and their children's up to 12); else 404.
pub async fn load_errand(state: &AppState, people: Vec<Person>, id: String) -> Result<Errand, ApiError> {
    state
        .db
        .store(move |conn| {
            let found = conn
                .query_row(&format!("{SELECT} WHERE e.id = ?1"), crate::params![&id], |r| to_errand(r, &people))
                .optional()?
                .flatten();
            match found {
                Some(mut errand) => {
                    errand.messages = errand_messages(conn, &id)?;
                    Ok(Some(errand))
                }
                None => Ok(None),
            }
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
    conn.query_map(
        "SELECT e.id, e.questionnaire_id, q.title, COALESCE(q.description, '') AS description, e.answer_within_days,
                q.title_translations, q.description_translations
         FROM unit_e_services e JOIN questionnaires q ON q.id = e.questionnaire_id
         WHERE e.unit_id = ?1 ORDER BY e.position",
        crate::params![unit_id],
        |r| {
            let title = crate::lang::translated(r.get::<Option<String>>("title_translations")?.as_deref(), lang);
            let description =
                crate::lang::translated(r.get::<Option<String>>("description_translations")?.as_deref(), lang);
            Ok(EService {
                id: r.get("id")?,
                questionnaire_id: r.get("questionnaire_id")?,
                title: title.map_or_else(|| r.get("title"), Ok)?,
                description: description.map_or_else(|| r.get("description"), Ok)?,
                answer_within_days: r.get::<Option<i64>>("answer_within_days")?.map(|d| d as u32),
            })
        },
    )
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

pub(crate) const SELECT: &str =
    "SELECT e.id, e.patient, e.unit_id, u.name AS unit_name, e.e_service_id, e.title, e.status, e.created_at,
        e.answered_at, e.answer, e.answered_by, e.answer_within_days, e.response, e.closed_at
     FROM errands e JOIN units u ON u.id = e.unit_id";

pub(crate) fn to_errand(r: &crate::storage::Row, people: &[Person]) -> crate::storage::Result<Option<Errand>> {
    let patient: String = r.get("patient")?;
    let Some(person) = people.iter().find(|p| digits(p) == patient) else { return Ok(None) };
    let status: String = r.get("status")?;
    let response: String = r.get("response")?;
    Ok(Some(Errand {
        id: r.get("id")?,
        person_id: person.id.clone(),
        person_name: person.name.clone(),
        unit_id: r.get("unit_id")?,
        unit_name: r.get("unit_name")?,
        e_service_id: r.get("e_service_id")?,
        title: r.get("title")?,
        status: if status == "answered" { ErrandStatus::Answered } else { ErrandStatus::Sent },
        created_at: r.get("created_at")?,
        answered_at: r.get("answered_at")?,
        answer: r.get("answer")?,
        answered_by: r.get("answered_by")?,
        answer_within_days: r.get::<Option<i64>>("answer_within_days")?.map(|d| d as u32),
        response: serde_json::from_str(&response).unwrap_or(Value::Null),
        messages: Vec::new(),
        closed: r.get::<Option<i64>>("closed_at")?.is_some(),
    }))
}

/// The code system of the options made from prescriptions.
pub const PRESCRIPTION_SYSTEM: &str = "https://ingang.se/fhir/CodeSystem/prescription";

/// SDC's answerExpression: the server fills such items' `answerOption` for the person.
pub(crate) const ANSWER_EXPRESSION: &str =
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-answerExpression";

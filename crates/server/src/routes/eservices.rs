//! A clinic's e-services (1177 basutbud): each unit's ärendetyper are questionnaires; sending one
//! creates an errand with the validated response, which the staff console answers (the answer
//! also arrives in the patient's inbox, see [`super::inbox`]).
//!
//! Authorisation: the user and their children up to 12 (`Person.canUseEServices`, 1177's rule);
//! anything else is "not found", and sending for an older child is `403 not_allowed`.

use crate::domain::errands::digits;
use crate::domain::errands::e_service_people;
use crate::domain::errands::load_errand;
use crate::domain::errands::named;
use crate::domain::errands::populate;
use axum::{
    Json,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use ingang_api::{
    eservices::{Errand, ErrandList, NewErrand, NewErrandMessage},
    people::Person,
};
use ingang_questionnaire::Questionnaire;
use serde_json::Value;

use crate::domain::people::visible_people;
use crate::domain::questionnaires::validated;
use crate::extract::AuthUser;
use crate::extract::idempotency_key;
use crate::{AppState, bankid::random_token, error::ApiError};

/// `person_id` among the people the user sees, when e-services may be used for them: 404 when
/// not visible at all, 403 for a child over 12 (the child uses their own login).
fn e_service_person(people: &[Person], person_id: &str) -> Result<Person, ApiError> {
    let person = people.iter().find(|p| p.id == person_id).cloned().ok_or_else(ApiError::not_found)?;
    if !person.can_use_e_services {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "not_allowed",
            "Från 13 år använder barnet själv e-tjänsterna med sin egen inloggning.",
        ));
    }
    Ok(person)
}

/// A served e-service: its questionnaire (populated), title, answer time and questionnaire id.
type Served = (Value, String, Option<i64>, String);

/// The unit's e-service questionnaire as this patient sees it, filled in by `user` (the patient's
/// prescriptions as options, the user's phone number as an initial answer).
fn questionnaire_for(
    conn: &mut crate::storage::Conn<'_>,
    unit_id: &str,
    e_service_id: &str,
    patient: &str,
    user: &str,
    now: i64,
) -> crate::storage::Result<Option<Served>> {
    let found = crate::storage::units::e_service_form(conn, unit_id, e_service_id)?
        .map(|f| (f.resource, f.title, f.answer_within_days, f.questionnaire_id));
    let Some((resource, title, days, qid)) = found else { return Ok(None) };
    let mut value: Value = serde_json::from_str(&resource).unwrap_or(Value::Null);
    let prescriptions = crate::storage::people::prescriptions(conn, patient, now)?;
    populate(&mut value, &prescriptions);
    let mobile = crate::storage::people::mobile(conn, user)?;
    let mobile = mobile.as_deref().map(ingang_api::people::display_mobile);
    crate::populate::populate(
        &mut value,
        &crate::populate::Known { user_mobile: mobile.as_deref(), patient: Some(patient), now },
    );
    Ok(Some((value, title, days, qid)))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct ForPerson {
    /// Whom the form is for (an id from `/me/people` that may use e-services).
    pub person_id: String,
}

/// The questionnaire of one of a unit's e-services, for a person: answer options that depend on
/// the person (their current prescriptions, for SDC `answerExpression` items asking for
/// `MedicationRequest`) are filled in as plain `answerOption`s.
#[utoipa::path(
    get,
    path = "/units/{unitId}/e-services/{eServiceId}/questionnaire",
    tag = "e-services",
    params(("unitId" = String, Path), ("eServiceId" = String, Path), ForPerson),
    responses(
        (status = 200, description = "A FHIR R4 Questionnaire", body = Object),
        (status = 401, description = "Not signed in", body = ingang_api::ErrorBody),
        (status = 403, description = "`not_allowed`: the person is a child over 12", body = ingang_api::ErrorBody),
        (status = 404, description = "No such person, unit or e-service", body = ingang_api::ErrorBody)
    )
)]
pub async fn e_service_questionnaire(
    State(state): State<AppState>,
    user: AuthUser,
    Path((unit_id, e_service_id)): Path<(String, String)>,
    Query(q): Query<ForPerson>,
) -> Result<Response, ApiError> {
    let person = e_service_person(&visible_people(&state, &user).await?, &q.person_id)?;
    let patient = digits(&person);
    let now = state.clock.now();
    let caller = user.personal_number.clone();
    let found =
        state.db.store(move |conn| questionnaire_for(conn, &unit_id, &e_service_id, &patient, &caller, now)).await?;
    let (resource, ..) = found.ok_or_else(not_offered)?;
    Ok(Json(resource).into_response())
}

fn not_offered() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_offered", "Mottagningen har inte den här e-tjänsten.")
}

/// The longest message on an errand (as in the chat).
pub const ERRAND_MESSAGE_MAX: usize = 4000;

/// Sends an e-service errand: the response is validated against the unit's questionnaire as
/// served for the person. The same `Idempotency-Key` returns the same errand.
#[utoipa::path(
    post,
    path = "/errands",
    tag = "e-services",
    request_body = NewErrand,
    params(("Idempotency-Key" = String, Header, min_length = 1, max_length = 100, pattern = "^[!-~]+$", description = "A random key per errand the app means to send once")),
    responses(
        (status = 201, description = "Sent", body = Errand),
        (status = 200, description = "Already sent with this key: the same errand", body = Errand),
        (status = 400, description = "`idempotency_key_required`, `invalid_response` or `bad_request`", body = ingang_api::ErrorBody),
        (status = 401, description = "Not signed in", body = ingang_api::ErrorBody),
        (status = 403, description = "`not_allowed`: a child over 12", body = ingang_api::ErrorBody),
        (status = 404, description = "No such person for this user, or `not_offered`", body = ingang_api::ErrorBody)
    )
)]
pub async fn create_errand(
    State(state): State<AppState>,
    user: AuthUser,
    headers: HeaderMap,
    Json(body): Json<NewErrand>,
) -> Result<Response, ApiError> {
    let key = idempotency_key(&headers)?;
    let owner = user.personal_number.clone();
    let (o, k) = (owner.clone(), key.clone());
    let existing: Option<String> = state.db.store(move |conn| crate::storage::errands::by_key(conn, &o, &k)).await?;
    let visible = visible_people(&state, &user).await?;
    let people: Vec<Person> = visible.iter().filter(|p| p.can_use_e_services).cloned().collect();
    if let Some(id) = existing {
        return Ok((StatusCode::OK, Json(load_errand(&state, people, id).await?)).into_response());
    }
    let person = e_service_person(&visible, &body.person_id)?;
    let patient = digits(&person);
    let now = state.clock.now();
    let (unit, service, p) = (body.unit_id.clone(), body.e_service_id.clone(), patient.clone());
    let caller = user.personal_number.clone();
    let found = state.db.store(move |conn| questionnaire_for(conn, &unit, &service, &p, &caller, now)).await?;
    let (resource, title, days, qid) = found.ok_or_else(not_offered)?;
    let questionnaire = Questionnaire::from_json(&resource.to_string()).map_err(ApiError::internal)?;
    let response_text = body.response.to_string();
    validated(questionnaire, &response_text, state.clock.now())?;
    let id = random_token();
    let (eid, unit, service) = (id.clone(), body.unit_id.clone(), body.e_service_id.clone());
    let now = state.clock.now();
    let stored = state
        .db
        .store(move |conn| {
            let new = crate::storage::errands::NewErrand {
                id: &eid,
                owner: &owner,
                patient: &patient,
                unit_id: &unit,
                e_service_id: &service,
                questionnaire_id: &qid,
                title: &title,
                response: &response_text,
                answer_within_days: days,
                key: &key,
            };
            crate::storage::errands::create(conn, &new, now)
        })
        .await?;
    state.wake_streams();
    let status = if stored == id { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(load_errand(&state, people, stored).await?)).into_response())
}

/// The user's errands and their children's (up to 12), newest first.
#[utoipa::path(
    get,
    path = "/errands",
    tag = "e-services",
    responses(
        (status = 200, description = "The errands", body = ErrandList),
        (status = 401, description = "Not signed in", body = ingang_api::ErrorBody)
    )
)]
pub async fn list_errands(State(state): State<AppState>, user: AuthUser) -> Result<Json<ErrandList>, ApiError> {
    let people = e_service_people(&state, &user).await?;
    let patients: Vec<String> = people.iter().map(digits).collect();
    let errands = state
        .db
        .store(move |conn| {
            let stored = crate::storage::errands::of_patients(conn, &patients, 200)?;
            Ok(stored.into_iter().filter_map(|s| named(s, &people)).collect::<Vec<_>>())
        })
        .await?;
    Ok(Json(ErrandList { errands }))
}

/// One errand, if the user may see it; otherwise 404.
#[utoipa::path(
    get,
    path = "/errands/{id}",
    tag = "e-services",
    params(("id" = String, Path)),
    responses(
        (status = 200, description = "The errand", body = Errand),
        (status = 401, description = "Not signed in", body = ingang_api::ErrorBody),
        (status = 404, description = "No such errand for this user", body = ingang_api::ErrorBody)
    )
)]
pub async fn get_errand(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<Errand>, ApiError> {
    let people = e_service_people(&state, &user).await?;
    Ok(Json(load_errand(&state, people, id).await?))
}

/// Adds a message from the patient's side to an errand (theirs or a child's up to 12) until the
/// clinic closes it, with the attachments uploaded for it. The errand then waits for the clinic
/// again (`status` `sent`). The same `clientId` adds nothing the second time (200 instead of 201).
#[utoipa::path(
    post,
    path = "/errands/{id}/messages",
    tag = "e-services",
    params(("id" = String, Path)),
    request_body = NewErrandMessage,
    responses(
        (status = 201, description = "Added; the errand with its messages", body = Errand),
        (status = 200, description = "Already added with this clientId", body = Errand),
        (status = 400, description = "`empty`, `too_long`, `too_many_attachments`, `unknown_attachment` or `bad_request`", body = ingang_api::ErrorBody),
        (status = 401, description = "Not signed in", body = ingang_api::ErrorBody),
        (status = 404, description = "No such errand for this user", body = ingang_api::ErrorBody),
        (status = 409, description = "`errand_closed`: the clinic has closed the errand", body = ingang_api::ErrorBody)
    )
)]
pub async fn add_errand_message(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Json(body): Json<NewErrandMessage>,
) -> Result<Response, ApiError> {
    use ingang_api::cases::{TextProblem, check_text};
    let people = e_service_people(&state, &user).await?;
    let errand = load_errand(&state, people.clone(), id.clone()).await?;
    let text = match check_text(&body.body, ERRAND_MESSAGE_MAX) {
        Err(TextProblem::Empty) if !body.attachment_ids.is_empty() => Ok(String::new()),
        checked => checked,
    }
    .map_err(|p| match p {
        TextProblem::Empty => ApiError::new(StatusCode::BAD_REQUEST, "empty", "Skriv ett meddelande."),
        TextProblem::TooLong => {
            ApiError::new(StatusCode::BAD_REQUEST, "too_long", "Meddelandet är för långt (högst 4 000 tecken).")
        }
    })?;
    let client_id = body.client_id.trim().to_owned();
    if client_id.is_empty() || client_id.len() > 100 {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "bad_request", "clientId saknas."));
    }
    let (eid, now) = (id.clone(), state.clock.now());
    let closed = errand.closed;
    let (me, attachments) = (user.personal_number.clone(), body.attachment_ids.clone());
    let added: Option<Result<bool, ApiError>> = state
        .db
        .store(move |conn| {
            let mut tx = conn.begin()?;
            let earlier = crate::storage::errands::has_message(&mut tx, &eid, &client_id)?;
            if earlier {
                return Ok(Some(Ok(false)));
            }
            if closed {
                return Ok(None);
            }
            if let Err(refused) = crate::domain::attachments::check_ids(&mut tx, &me, &eid, &attachments) {
                return Ok(Some(Err(refused)));
            }
            let message = crate::storage::errands::patient_writes(&mut tx, &eid, &text, &client_id, now)?;
            crate::storage::errands::attach(&mut tx, message, &attachments)?;
            tx.commit()?;
            Ok(Some(Ok(true)))
        })
        .await?;
    let Some(created) = added else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "errand_closed",
            "Mottagningen har avslutat ärendet. Skicka ett nytt ärende om du behöver mer hjälp.",
        ));
    };
    let created = created?;
    state.wake_streams();
    let errand = load_errand(&state, people, id).await?;
    Ok(((if created { StatusCode::CREATED } else { StatusCode::OK }), Json(errand)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::errands::ANSWER_EXPRESSION;
    use serde_json::json;

    #[test]
    fn prescriptions_become_plain_options() {
        let mut q = json!({
            "resourceType": "Questionnaire",
            "item": [{ "linkId": "g", "type": "group", "item": [{
                "linkId": "lakemedel", "type": "open-choice", "repeats": true,
                "extension": [
                    { "url": ANSWER_EXPRESSION, "valueExpression": { "language": "application/x-fhir-query",
                      "expression": "MedicationRequest?patient={{%patient.id}}&status=active" } },
                    { "url": "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl" }
                ]
            }, { "linkId": "annat", "type": "string",
                 "extension": [{ "url": ANSWER_EXPRESSION, "valueExpression": { "expression": "%x" } }] }] }]
        });
        populate(&mut q, &[("rx1".into(), "Levaxin 100 mikrogram".into(), "1 tablett dagligen".into())]);
        let item = &q["item"][0]["item"][0];
        assert_eq!(item["answerOption"][0]["valueCoding"]["code"], "rx1");
        assert_eq!(item["answerOption"][0]["valueCoding"]["display"], "Levaxin 100 mikrogram, 1 tablett dagligen");
        assert_eq!(item["extension"].as_array().map(Vec::len), Some(1), "the expression is gone, the rest kept");
        // an expression about something else is not ours to resolve
        assert!(q["item"][0]["item"][1].get("answerOption").is_none());
        populate(&mut q, &[]);
        assert!(q["item"][0]["item"][0]["answerOption"].as_array().is_some_and(|o| o.len() == 1), "populated once");
    }
}

//! Care requests (Digitalen): create one (validated by the questionnaire engine, prioritised,
//! queued; idempotent), list them, read one with its queue position, withdraw one.
//!
//! Authorisation: a case is visible to the user who created it and to the patient's guardians
//! who may see the patient (`me::visible_people`); anything else is "not found".

use crate::domain::cases::index;
use crate::domain::cases::load_case;
use crate::domain::cases::load_case_for;
use crate::domain::cases::people_index;
use crate::domain::cases::text_error;
use crate::domain::cases::to_case;
use crate::domain::cases::twelve_digits;
use crate::extract::idempotency_key;
use axum::{
    Json,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use ingang_api::cases::{Case, CaseList, CaseStatus, ContinueCase, NewCase, Priority, check_description};
use ingang_questionnaire::{Form, Questionnaire, QuestionnaireResponse, Urgency};

use crate::domain::people::visible_people;
use crate::domain::questionnaires::validated;
use crate::extract::AuthUser;
use crate::{AppState, bankid::random_token, error::ApiError};

/// The priority of a validated response: any urgency marker (urgent, or an emergency that got
/// past the app's stop) is 1; a total score of 15 or more (e.g. PHQ-9 "moderately severe") is 2;
/// everything else 3. Within a priority, earlier cases go first.
pub fn priority(questionnaire: Questionnaire, response: QuestionnaireResponse) -> Priority {
    let (form, _) = Form::with_response(questionnaire, response);
    match form.urgency() {
        Some((Urgency::Emergency | Urgency::Urgent, _)) => 1,
        None if form.score(None).is_some_and(|s| s >= 15.0) => 2,
        None => 3,
    }
}

/// A description or message as stored, or 400 `<what>_required` / `<what>_too_long`.
fn check_text(text: &str, what: &str) -> Result<String, ApiError> {
    check_description(text).map_err(|p| text_error(p, what, ingang_api::cases::DESCRIPTION_MAX))
}

/// Sends a care request: validates the answers with the questionnaire engine, sets the priority
/// and places the case in the unit's queue. The same `Idempotency-Key` returns the same case.
#[utoipa::path(
    post,
    path = "/cases",
    tag = "cases",
    request_body = NewCase,
    params(("Idempotency-Key" = String, Header, min_length = 1, max_length = 100, pattern = "^[!-~]+$", description = "A random key per request the app means to send once")),
    responses(
        (status = 201, description = "Created and queued", body = Case),
        (status = 200, description = "Already created with this key: the same case", body = Case),
        (status = 400, description = "`idempotency_key_required`, `invalid_response` (with the problems in the message) or `bad_request`", body = ingang_api::ErrorBody),
        (status = 401, description = "Not signed in", body = ingang_api::ErrorBody),
        (status = 403, description = "`not_allowed`: the person may not seek care here (age rules)", body = ingang_api::ErrorBody),
        (status = 404, description = "No such person, unit or questionnaire for this user", body = ingang_api::ErrorBody),
        (status = 409, description = "`too_many_open_cases`: the patient already has as many waiting or ongoing requests as the server allows (3 by default)", body = ingang_api::ErrorBody)
    )
)]
pub async fn create_case(
    State(state): State<AppState>,
    user: AuthUser,
    headers: HeaderMap,
    Json(body): Json<NewCase>,
) -> Result<Response, ApiError> {
    let key = idempotency_key(&headers)?;
    let owner = user.personal_number.clone();
    // a retry: the case made with this key
    let (o, k) = (owner.clone(), key.clone());
    let existing: Option<String> = state.db.store(move |conn| crate::storage::cases::by_key(conn, &o, &k)).await?;
    if let Some(id) = existing {
        return Ok((StatusCode::OK, Json(load_case(&state, &user, id).await?)).into_response());
    }

    if !body.rules_accepted {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "rules_not_accepted",
            "Du behöver godkänna reglerna för Digitalen.",
        ));
    }
    let description = check_text(&body.description, "description")?;
    let people = visible_people(&state, &user).await?;
    let person = people.iter().find(|p| p.id == body.person_id).cloned().ok_or_else(ApiError::not_found)?;
    if !person.can_seek_care {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "not_allowed",
            "Du kan inte söka vård för den här personen här.",
        ));
    }
    let patient = person.personal_number.replace(['-', '+'], "");
    let (unit, qid) = (body.unit_id.clone(), body.questionnaire_id.clone());
    // the unit must offer this category (its questionnaire), and the category fit the person's age
    let found: Option<(String, String)> =
        state.db.store(move |conn| crate::storage::units::category_form(conn, &unit, &qid)).await?;
    let (resource, title) = found.ok_or_else(|| {
        ApiError::new(StatusCode::NOT_FOUND, "not_offered", "Mottagningen tar inte emot ärenden om det här.")
    })?;
    if !crate::domain::units::category(body.questionnaire_id.clone(), title.clone(), &resource).fits(person.age) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "not_allowed",
            "Frågorna är inte till för den här personens ålder.",
        ));
    }
    // the answers are checked against the form as it was served for this person (pre-populated)
    let mobile = crate::domain::people::user_mobile(&state, &user.personal_number).await?;
    let mut form: serde_json::Value = serde_json::from_str(&resource).map_err(ApiError::internal)?;
    let known = crate::populate::Known {
        user_mobile: mobile.as_deref(),
        patient: Some(&person.personal_number),
        now: state.clock.now(),
    };
    crate::populate::populate(&mut form, &known);
    let questionnaire = Questionnaire::from_json(&form.to_string()).map_err(ApiError::internal)?;
    let response_text = body.response.to_string();
    let response = validated(questionnaire.clone(), &response_text, state.clock.now())?;
    let prio = priority(questionnaire, response);
    let id = random_token();
    let (cid, qid) = (id.clone(), body.questionnaire_id.clone());
    let unit = body.unit_id.clone();
    let max_open = state.max_open_cases;
    let now = state.clock.now();
    let inserted = state
        .db
        .store(move |conn| {
            // checked with the insert, on the one connection: parallel requests cannot pass it
            let open = crate::storage::cases::open_for(conn, &patient, &owner, &key)?;
            let retry = crate::storage::cases::by_key(conn, &owner, &key)?.is_some();
            if open >= max_open && !retry {
                return Ok(None);
            }
            let new = crate::storage::cases::NewCase {
                id: &cid,
                owner: &owner,
                patient: &patient,
                unit_id: &unit,
                questionnaire_id: &qid,
                title: &title,
                response: &response_text,
                priority: i64::from(prio),
                description: &description,
                key: &key,
                status: "waiting",
            };
            // two identical requests at once: the one that lost the race returns the winner's case
            let id = crate::storage::cases::create(conn, &new, now)?;
            crate::domain::events::queue_changed(conn, &unit, Some(&id), now)?;
            Ok(Some(id))
        })
        .await?;
    let Some(inserted) = inserted else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "too_many_open_cases",
            format!(
                "{} har redan {} pågående ärenden. Skriv i något av dem, eller vänta tills ett är avslutat.",
                person.given_name, state.max_open_cases
            ),
        ));
    };
    state.wake_streams();
    let status = if inserted == id { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(load_case_for(&state, index(people), inserted).await?)).into_response())
}

/// `GET /cases?personId=`: only this person's cases (an id from `/me/people`).
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct CaseFilter {
    /// Only this person's cases; one the user may not see gives an empty list.
    pub person_id: Option<String>,
}

/// The user's cases and their children's, newest first.
#[utoipa::path(
    get,
    path = "/cases",
    tag = "cases",
    params(CaseFilter),
    responses(
        (status = 200, description = "Cases", body = CaseList),
        (status = 401, description = "Not signed in", body = ingang_api::ErrorBody)
    )
)]
pub async fn list_cases(
    State(state): State<AppState>,
    user: AuthUser,
    Query(filter): Query<CaseFilter>,
) -> Result<Json<CaseList>, ApiError> {
    let mut people = people_index(&state, &user).await?;
    if let Some(person) = &filter.person_id {
        people.retain(|(_, id, _)| id == person);
    }
    let patients = twelve_digits(&people);
    let now = state.clock.now();
    let cases = state
        .db
        .store(move |conn| {
            let rows = crate::storage::cases::of_patients(conn, &patients)?;
            let mut out = Vec::new();
            for r in rows {
                if let Some(c) = to_case(conn, r, &people, now)? {
                    out.push(c);
                }
            }
            Ok(out)
        })
        .await?;
    Ok(Json(CaseList { cases }))
}

/// One case with its place in the queue; 404 unless it is the user's or their child's.
#[utoipa::path(
    get,
    path = "/cases/{id}",
    tag = "cases",
    params(("id" = String, Path, description = "Case id")),
    responses(
        (status = 200, description = "The case", body = Case),
        (status = 401, description = "Not signed in", body = ingang_api::ErrorBody),
        (status = 404, description = "No such case for this user", body = ingang_api::ErrorBody)
    )
)]
pub async fn get_case(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<Case>, ApiError> {
    Ok(Json(load_case(&state, &user, id).await?))
}

/// Withdraws a waiting case (the user no longer needs care). Harmless when already withdrawn.
#[utoipa::path(
    post,
    path = "/cases/{id}/withdraw",
    tag = "cases",
    params(("id" = String, Path, description = "Case id")),
    responses(
        (status = 200, description = "Withdrawn", body = Case),
        (status = 401, description = "Not signed in", body = ingang_api::ErrorBody),
        (status = 404, description = "No such case for this user", body = ingang_api::ErrorBody),
        (status = 409, description = "`not_waiting`: care staff have already picked or closed it", body = ingang_api::ErrorBody)
    )
)]
pub async fn withdraw_case(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<Case>, ApiError> {
    let case = load_case(&state, &user, id.clone()).await?;
    match case.status {
        CaseStatus::Withdrawn => return Ok(Json(case)),
        CaseStatus::Waiting => {}
        _ => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "not_waiting",
                "Ärendet har redan tagits om hand och kan inte dras tillbaka.",
            ));
        }
    }
    let unit = case.unit_id.clone();
    let now = state.clock.now();
    state
        .db
        .store(move |conn| {
            crate::storage::cases::withdraw(conn, &id, now)?;
            crate::domain::events::queue_changed(conn, &unit, Some(&id), now)
        })
        .await?;
    state.wake_streams();
    Ok(Json(load_case(&state, &user, case.id).await?))
}

/// Takes up a closed case again (within `canContinueUntil`): the message is added to the case
/// and the case queues again with its priority. The same `Idempotency-Key` does it once.
#[utoipa::path(
    post,
    path = "/cases/{id}/continue",
    tag = "cases",
    request_body = ContinueCase,
    params(
        ("id" = String, Path, description = "Case id"),
        ("Idempotency-Key" = String, Header, min_length = 1, max_length = 100, pattern = "^[!-~]+$", description = "A random key per request the app means to send once")
    ),
    responses(
        (status = 200, description = "Queued again (or already, with this key)", body = Case),
        (status = 400, description = "`idempotency_key_required`, `message_required` or `message_too_long`", body = ingang_api::ErrorBody),
        (status = 401, description = "Not signed in", body = ingang_api::ErrorBody),
        (status = 404, description = "No such case for this user", body = ingang_api::ErrorBody),
        (status = 409, description = "`cannot_continue`: not closed, or closed too long ago", body = ingang_api::ErrorBody)
    )
)]
pub async fn continue_case(
    State(state): State<AppState>,
    user: AuthUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(body): Json<ContinueCase>,
) -> Result<Json<Case>, ApiError> {
    let key = idempotency_key(&headers)?;
    let message = check_text(&body.message, "message")?;
    let people = people_index(&state, &user).await?;
    let case = load_case_for(&state, people.clone(), id.clone()).await?;
    let (cid, k) = (id.clone(), key.clone());
    let done: bool = state.db.store(move |conn| crate::storage::chat::has_client_id(conn, &cid, &k)).await?;
    if done {
        // as it stands now (the case read above may be from before that request committed)
        return Ok(Json(load_case_for(&state, people, id).await?));
    }
    if case.can_continue_until.is_none() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "cannot_continue",
            "Ärendet kan inte fortsättas. Sök vård på nytt.",
        ));
    }
    let unit = case.unit_id.clone();
    let cid = id.clone();
    let now = state.clock.now();
    let changed =
        state.db.store(move |conn| crate::domain::cases::continue_with(conn, &cid, &unit, &message, &key, now)).await?;
    let Some(changed) = changed else {
        return Err(ApiError::new(StatusCode::CONFLICT, "cannot_continue", "Ärendet har redan fortsatts."));
    };
    if !changed {
        return Ok(Json(load_case_for(&state, people, id).await?));
    }
    state.wake_streams();
    Ok(Json(load_case_for(&state, people, id).await?))
}

//! Care requests (Digitalen): create one (validated by the questionnaire engine, prioritised,
//! queued; idempotent), list them, read one with its queue position, withdraw one.
//!
//! Authorisation: a case is visible to the user who created it and to the patient's guardians
//! who may see the patient (`me::visible_people`); anything else is "not found".

use axum::{
    Json,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use ingang_api::cases::{
    Case, CaseList, CaseStatus, ContinueCase, NewCase, Priority, TextProblem, check_description, estimated_wait_minutes,
};
use ingang_questionnaire::{Form, Questionnaire, QuestionnaireResponse, Urgency};
use rusqlite::{OptionalExtension, params};

use super::{
    auth::{AuthUser, now_secs},
    me::visible_people,
    questionnaires::validated,
};
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

/// How long after closing a case can be continued instead of starting anew (Norrbotten: four
/// days). A region's rule: the app reads the result from `Case.canContinueUntil`.
pub const CONTINUE_WITHIN_SECS: i64 = 4 * 86_400;

/// A case row as read from the database.
struct Row {
    id: String,
    patient: String,
    unit_id: String,
    unit_name: String,
    title: String,
    status: String,
    priority: i64,
    created_at: i64,
    closed_at: Option<i64>,
    queued_at: i64,
    questionnaire_id: String,
    description: String,
}

const SELECT: &str =
    "SELECT c.id, c.patient, c.unit_id, u.name, c.title, c.status, c.priority, c.created_at, c.closed_at,
            COALESCE(c.queued_at, c.created_at), c.questionnaire_id, c.description
     FROM cases c JOIN units u ON u.id = c.unit_id";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        id: r.get(0)?,
        patient: r.get(1)?,
        unit_id: r.get(2)?,
        unit_name: r.get(3)?,
        title: r.get(4)?,
        status: r.get(5)?,
        priority: r.get(6)?,
        created_at: r.get(7)?,
        closed_at: r.get(8)?,
        queued_at: r.get(9)?,
        questionnaire_id: r.get(10)?,
        description: r.get(11)?,
    })
}

/// A waiting case's place in its unit's queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// 1 = next.
    pub position: u32,
    /// Wall-clock minutes until the user's turn, following the unit's staffed hours (`None`:
    /// the unit has hours but none ahead, so no honest estimate exists).
    pub wait: Option<u32>,
    /// While the unit is closed: when it opens next (Unix seconds).
    pub opens_at: Option<i64>,
}

/// The unit's staffed hours.
fn unit_hours(conn: &rusqlite::Connection, unit: &str) -> rusqlite::Result<Vec<ingang_api::hours::DayHours>> {
    let mut stmt = conn.prepare_cached("SELECT day, opens, closes FROM unit_hours WHERE unit_id = ?1")?;
    let rows = stmt.query_map([unit], |r| {
        Ok(ingang_api::hours::DayHours { day: r.get::<_, i64>(0)? as u8, opens: r.get(1)?, closes: r.get(2)? })
    })?;
    rows.collect()
}

/// Stockholm's weekday and minute at `now`, and the Unix second that starts that minute's day.
fn stockholm_now(now: i64) -> (ingang_api::hours::LocalTime, i64) {
    let local = now + ingang_api::visits::stockholm_offset(now);
    let days = local.div_euclid(86_400);
    // 1970-01-01 was a Thursday (ISO 4)
    let weekday = ((days + 3).rem_euclid(7) + 1) as u8;
    (ingang_api::hours::LocalTime { weekday, minute: (local.rem_euclid(86_400) / 60) as u16 }, days)
}

/// The place of the case at `position`: `work` minutes of staff time (the queue's estimate)
/// laid over the unit's staffed hours from `now` (units' hours are Stockholm time). A unit
/// without any hours on record is taken as always staffed.
fn place(hours: &[ingang_api::hours::DayHours], now: i64, position: u32, recent: Option<f64>) -> Place {
    use ingang_api::hours::{OpenState, staffed_wait, state};
    let work = estimated_wait_minutes(position, recent);
    if hours.is_empty() {
        return Place { position, wait: Some(work), opens_at: None };
    }
    let (local, days) = stockholm_now(now);
    let opens_at = match state(hours, local) {
        OpenState::Opens { .. } => staffed_wait(hours, local, 0).map(|m| {
            let at = i64::from(local.minute) + i64::from(m);
            ingang_api::visits::stockholm_to_unix(days + at.div_euclid(1440), at.rem_euclid(1440) as u32)
        }),
        _ => None,
    };
    let wait = staffed_wait(hours, local, work).map(|m| m.div_ceil(5).max(1) * 5);
    Place { position, wait, opens_at }
}

/// Recent handling: minutes from arrival to being picked, over the unit's last 20 picked cases.
fn recent_minutes(conn: &rusqlite::Connection, unit: &str) -> rusqlite::Result<Option<f64>> {
    conn.query_row(
        "SELECT AVG(picked_at - queued_at) / 60.0 FROM
           (SELECT picked_at, COALESCE(queued_at, created_at) AS queued_at FROM cases WHERE unit_id = ?1 AND picked_at IS NOT NULL ORDER BY picked_at DESC LIMIT 20)",
        [unit],
        |r| r.get(0),
    )
}

/// Place in the unit's queue and the estimated wait at `now`, for a waiting case.
fn queue_place(conn: &rusqlite::Connection, row: &Row, now: i64) -> rusqlite::Result<Place> {
    let ahead: u32 = conn.query_row(
        "SELECT COUNT(*) FROM cases WHERE unit_id = ?1 AND status = 'waiting'
           AND (priority < ?2 OR (priority = ?2 AND (queued_at < ?3 OR (queued_at = ?3 AND rowid < (SELECT rowid FROM cases WHERE id = ?4)))))",
        params![row.unit_id, row.priority, row.queued_at, row.id],
        |r| r.get(0),
    )?;
    let recent = recent_minutes(conn, &row.unit_id)?;
    Ok(place(&unit_hours(conn, &row.unit_id)?, now, ahead + 1, recent))
}

/// The places of every waiting case of a unit at `now`, in one read: case id → place.
pub fn unit_places(
    conn: &rusqlite::Connection,
    unit: &str,
    now: i64,
) -> rusqlite::Result<std::collections::HashMap<String, Place>> {
    let recent = recent_minutes(conn, unit)?;
    let hours = unit_hours(conn, unit)?;
    let mut stmt = conn.prepare_cached(
        "SELECT id, ROW_NUMBER() OVER (ORDER BY priority, COALESCE(queued_at, created_at), rowid)
         FROM cases WHERE unit_id = ?1 AND status = 'waiting'",
    )?;
    let rows = stmt.query_map([unit], |r| Ok((r.get::<_, String>(0)?, place(&hours, now, r.get(1)?, recent))))?;
    rows.collect()
}

/// Place of a waiting case (by id) at `now`; `None` when it is not waiting.
pub fn place_of(conn: &rusqlite::Connection, id: &str, now: i64) -> rusqlite::Result<Option<Place>> {
    let found = conn.query_row(&format!("{SELECT} WHERE c.id = ?1 AND c.status = 'waiting'"), [id], row).optional()?;
    found.map(|r| queue_place(conn, &r, now)).transpose()
}

/// The request's `Idempotency-Key` (1–100 characters).
pub fn idempotency_key(headers: &HeaderMap) -> Result<String, ApiError> {
    headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 100)
        .map(str::to_owned)
        .ok_or_else(|| ApiError::new(StatusCode::BAD_REQUEST, "idempotency_key_required", "Idempotency-Key saknas."))
}

/// A description or message as stored, or 400 `<what>_required` / `<what>_too_long`.
fn check_text(text: &str, what: &str) -> Result<String, ApiError> {
    check_description(text).map_err(|p| text_error(p, what, ingang_api::cases::DESCRIPTION_MAX))
}

/// 400 `<what>_required` (`what` is `description` or `message`) or `<what>_too_long`.
pub fn text_error(problem: TextProblem, what: &str, max: usize) -> ApiError {
    let (empty, long) = if what == "message" {
        ("message_required", "message_too_long")
    } else {
        ("description_required", "description_too_long")
    };
    match problem {
        TextProblem::Empty => ApiError::new(StatusCode::BAD_REQUEST, empty, "Texten saknas."),
        TextProblem::TooLong => {
            ApiError::new(StatusCode::BAD_REQUEST, long, format!("Texten får vara högst {max} tecken."))
        }
    }
}

/// Every case the user may see, by person: `(personnummer, person id, name)`.
async fn people_index(state: &AppState, user: &AuthUser) -> Result<Vec<(String, String, String)>, ApiError> {
    Ok(index(visible_people(state, user).await?))
}

fn index(people: Vec<ingang_api::people::Person>) -> Vec<(String, String, String)> {
    people.into_iter().map(|p| (p.personal_number.replace(['-', '+'], ""), p.id, p.name)).collect()
}

fn to_case(
    conn: &rusqlite::Connection,
    r: Row,
    people: &[(String, String, String)],
    now: i64,
) -> rusqlite::Result<Option<Case>> {
    let Some((_, person_id, person_name)) = people.iter().find(|(pnr, _, _)| *pnr == r.patient) else {
        return Ok(None);
    };
    let status = CaseStatus::parse(&r.status).unwrap_or(CaseStatus::Closed);
    let place = if status == CaseStatus::Waiting { Some(queue_place(conn, &r, now)?) } else { None };
    let can_continue_until = match (status, r.closed_at) {
        (CaseStatus::Closed, Some(closed)) if closed + CONTINUE_WITHIN_SECS > now => {
            Some(closed + CONTINUE_WITHIN_SECS)
        }
        _ => None,
    };
    Ok(Some(Case {
        id: r.id,
        person_id: person_id.clone(),
        person_name: person_name.clone(),
        unit_id: r.unit_id,
        unit_name: r.unit_name,
        title: r.title,
        questionnaire_id: r.questionnaire_id,
        description: r.description,
        can_continue_until,
        status,
        priority: r.priority as Priority,
        created_at: r.created_at,
        closed_at: r.closed_at,
        position: place.map(|p| p.position),
        estimated_wait_minutes: place.and_then(|p| p.wait),
        unit_opens_at: place.and_then(|p| p.opens_at),
    }))
}

/// The 12-digit personnummer of the people the user may see, for SQL filters.
fn twelve_digits(people: &[(String, String, String)]) -> Vec<String> {
    people.iter().map(|(pnr, _, _)| pnr.clone()).collect()
}

/// The case if the user may see it (their own or their child's); otherwise 404.
pub async fn authorised_case(state: &AppState, user: &AuthUser, id: String) -> Result<Case, ApiError> {
    load_case(state, user, id).await
}

async fn load_case(state: &AppState, user: &AuthUser, id: String) -> Result<Case, ApiError> {
    load_case_for(state, people_index(state, user).await?, id).await
}

/// [`load_case`] with the people already known.
async fn load_case_for(state: &AppState, people: Vec<(String, String, String)>, id: String) -> Result<Case, ApiError> {
    let now = state.clock.now();
    state
        .db
        .call(move |conn| {
            let found = conn.query_row(&format!("{SELECT} WHERE c.id = ?1"), [&id], row).optional()?;
            match found {
                Some(r) => to_case(conn, r, &people, now),
                None => Ok(None),
            }
        })
        .await?
        .ok_or_else(ApiError::not_found)
}

/// By default, at most this many waiting or ongoing care requests per patient (whoever sent
/// them): more would only lengthen everyone's queue (`AppState::max_open_cases`).
pub const MAX_OPEN_PER_PATIENT: u32 = 3;

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
    let existing: Option<String> = state
        .db
        .call(move |conn| {
            conn.query_row("SELECT id FROM cases WHERE owner = ?1 AND idempotency_key = ?2", [o, k], |r| r.get(0))
                .optional()
        })
        .await?;
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
    let found: Option<(String, String)> = state
        .db
        .call(move |conn| {
            conn.query_row(
                "SELECT q.resource, q.title FROM unit_categories c JOIN questionnaires q ON q.id = c.questionnaire_id
                 WHERE c.unit_id = ?1 AND c.questionnaire_id = ?2",
                [&unit, &qid],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
        })
        .await?;
    let (resource, title) = found.ok_or_else(|| {
        ApiError::new(StatusCode::NOT_FOUND, "not_offered", "Mottagningen tar inte emot ärenden om det här.")
    })?;
    if !super::units::category(body.questionnaire_id.clone(), title.clone(), &resource).fits(person.age) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "not_allowed",
            "Frågorna är inte till för den här personens ålder.",
        ));
    }
    // the answers are checked against the form as it was served for this person (pre-populated)
    let mobile = super::questionnaires::user_mobile(&state, &user.personal_number).await?;
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
    let inserted = state
        .db
        .call(move |conn| {
            let now = now_secs();
            // checked with the insert, on the one connection: parallel requests cannot pass it
            let open: i64 = conn.query_row(
                "SELECT COUNT(*) FROM cases WHERE patient = ?1 AND status IN ('waiting', 'inProgress')
                 AND NOT (owner = ?2 AND idempotency_key = ?3)",
                params![patient, owner, key],
                |r| r.get(0),
            )?;
            let retry: bool = conn.query_row(
                "SELECT COUNT(*) > 0 FROM cases WHERE owner = ?1 AND idempotency_key = ?2",
                params![owner, key],
                |r| r.get(0),
            )?;
            if open >= i64::from(max_open) && !retry {
                return Ok(None);
            }
            conn.execute(
                "INSERT OR IGNORE INTO cases (id, owner, patient, unit_id, questionnaire_id, title, response, priority,
                                              status, created_at, queued_at, idempotency_key, description, rules_accepted_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'waiting', ?9, ?9, ?10, ?11, ?9)",
                params![cid, owner, patient, &unit, qid, title, response_text, prio, now, key, description],
            )?;
            // two identical requests at once: the one that lost the race returns the winner's case
            let id = conn.query_row("SELECT id FROM cases WHERE owner = ?1 AND idempotency_key = ?2", [owner, key], |r| {
                r.get::<_, String>(0)
            })?;
            super::events::queue_changed(conn, &unit, Some(&id))?;
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
        .call(move |conn| {
            let marks = vec!["?"; patients.len()].join(", ");
            let mut stmt = conn
                .prepare(&format!("{SELECT} WHERE c.patient IN ({marks}) ORDER BY c.created_at DESC, c.rowid DESC"))?;
            let rows: Vec<Row> =
                stmt.query_map(rusqlite::params_from_iter(patients.iter()), row)?.collect::<Result<_, _>>()?;
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
    state
        .db
        .call(move |conn| {
            conn.execute(
                "UPDATE cases SET status = 'withdrawn', closed_at = ?2 WHERE id = ?1 AND status = 'waiting'",
                params![id, now_secs()],
            )?;
            super::events::queue_changed(conn, &unit, Some(&id))
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
    let done: bool = state
        .db
        .call(move |conn| {
            conn.query_row(
                "SELECT COUNT(*) > 0 FROM messages WHERE case_id = ?1 AND idempotency_key = ?2",
                [cid, k],
                |r| r.get(0),
            )
        })
        .await?;
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
    let changed = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let now = now_secs();
            let changed = tx.execute(
                "UPDATE cases SET status = 'waiting', queued_at = ?2, picked_at = NULL, closed_at = NULL
                 WHERE id = ?1 AND status = 'closed' AND closed_at > ?3",
                params![cid, now, now - CONTINUE_WITHIN_SECS],
            )?;
            if changed == 1 {
                tx.execute(
                    "INSERT INTO messages (case_id, author, body, created_at, idempotency_key) VALUES (?1, 'patient', ?2, ?3, ?4)",
                    params![cid, message, now, key],
                )?;
                super::events::queue_changed(&tx, &unit, Some(&cid))?;
                tx.commit()?;
                return Ok(Some(true));
            }
            // not continued by this request: by a concurrent one with the same key (a retry
            // that overtook the first: its answer), or by another (a conflict)
            let same: bool = tx.query_row(
                "SELECT COUNT(*) > 0 FROM messages WHERE case_id = ?1 AND idempotency_key = ?2",
                params![cid, key],
                |r| r.get(0),
            )?;
            Ok(same.then_some(false))
        })
        .await?;
    let Some(changed) = changed else {
        return Err(ApiError::new(StatusCode::CONFLICT, "cannot_continue", "Ärendet har redan fortsatts."));
    };
    if !changed {
        return Ok(Json(load_case_for(&state, people, id).await?));
    }
    state.wake_streams();
    Ok(Json(load_case_for(&state, people, id).await?))
}

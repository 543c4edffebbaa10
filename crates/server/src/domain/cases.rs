//! Cases ("seek care"): the queue place of a waiting case (position, estimated wait, the unit's
//! opening hours), who may read a case (the user and the children they act for), and the limits
//! on open cases and on continuing a closed one.

use crate::domain::people::visible_people;
use crate::extract::AuthUser;
use crate::storage::cases::{self, Stored};
use crate::{AppState, error::ApiError};
use axum::http::StatusCode;
use ingang_api::cases::{Case, CaseStatus, Priority, TextProblem, estimated_wait_minutes};

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

/// The place of the case at `position`: `work` minutes of staff time (the queue's estimate)
/// laid over the unit's staffed hours from `now` (units' hours are Stockholm time). A unit
/// without any hours on record is taken as always staffed.
pub(crate) fn place(hours: &[ingang_api::hours::DayHours], now: i64, position: u32, recent: Option<f64>) -> Place {
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

/// Stockholm's weekday and minute at `now`, and the Unix second that starts that minute's day.
pub(crate) fn stockholm_now(now: i64) -> (ingang_api::hours::LocalTime, i64) {
    let local = now + ingang_api::visits::stockholm_offset(now);
    let days = local.div_euclid(86_400);
    // 1970-01-01 was a Thursday (ISO 4)
    let weekday = ((days + 3).rem_euclid(7) + 1) as u8;
    (ingang_api::hours::LocalTime { weekday, minute: (local.rem_euclid(86_400) / 60) as u16 }, days)
}

/// Place in the unit's queue and the estimated wait at `now`, for a waiting case.
pub(crate) fn queue_place(conn: &mut crate::storage::Conn<'_>, c: &Stored, now: i64) -> crate::storage::Result<Place> {
    let ahead = cases::ahead_of(conn, &c.unit_id, c.priority, c.queued_at, c.seq)?;
    let recent = cases::recent_minutes(conn, &c.unit_id)?;
    Ok(place(&crate::storage::units::hours(conn, &c.unit_id)?, now, ahead + 1, recent))
}

/// The places of every waiting case of a unit at `now`, in one read: case id → place.
pub fn unit_places(
    conn: &mut crate::storage::Conn<'_>,
    unit: &str,
    now: i64,
) -> crate::storage::Result<std::collections::HashMap<String, Place>> {
    let recent = cases::recent_minutes(conn, unit)?;
    let hours = crate::storage::units::hours(conn, unit)?;
    Ok(cases::positions(conn, unit)?
        .into_iter()
        .map(|(id, position)| (id, place(&hours, now, position, recent)))
        .collect())
}

/// Place of a waiting case (by id) at `now`; `None` when it is not waiting.
pub fn place_of(conn: &mut crate::storage::Conn<'_>, id: &str, now: i64) -> crate::storage::Result<Option<Place>> {
    match cases::find(conn, id)? {
        Some(c) if c.status == CaseStatus::Waiting.as_str() => Ok(Some(queue_place(conn, &c, now)?)),
        _ => Ok(None),
    }
}

/// The case if the user may see it (their own or their child's); otherwise 404.
pub async fn authorised_case(state: &AppState, user: &AuthUser, id: String) -> Result<Case, ApiError> {
    load_case(state, user, id).await
}

pub(crate) async fn load_case(state: &AppState, user: &AuthUser, id: String) -> Result<Case, ApiError> {
    load_case_for(state, people_index(state, user).await?, id).await
}

/// [`load_case`] with the people already known.
pub(crate) async fn load_case_for(
    state: &AppState,
    people: Vec<(String, String, String)>,
    id: String,
) -> Result<Case, ApiError> {
    let now = state.clock.now();
    state
        .db
        .store(move |conn| match cases::find(conn, &id)? {
            Some(c) => to_case(conn, c, &people, now),
            None => Ok(None),
        })
        .await?
        .ok_or_else(ApiError::not_found)
}

/// Every case the user may see, by person: `(personnummer, person id, name)`.
pub(crate) async fn people_index(state: &AppState, user: &AuthUser) -> Result<Vec<(String, String, String)>, ApiError> {
    Ok(index(visible_people(state, user).await?))
}

pub(crate) fn index(people: Vec<ingang_api::people::Person>) -> Vec<(String, String, String)> {
    people.into_iter().map(|p| (p.personal_number.replace(['-', '+'], ""), p.id, p.name)).collect()
}

pub(crate) fn to_case(
    conn: &mut crate::storage::Conn<'_>,
    r: Stored,
    people: &[(String, String, String)],
    now: i64,
) -> crate::storage::Result<Option<Case>> {
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
pub(crate) fn twelve_digits(people: &[(String, String, String)]) -> Vec<String> {
    people.iter().map(|(pnr, _, _)| pnr.clone()).collect()
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

/// By default, at most this many waiting or ongoing care requests per patient (whoever sent
/// them): more would only lengthen everyone's queue (`AppState::max_open_cases`).
pub const MAX_OPEN_PER_PATIENT: u32 = 3;

/// How long after closing a case can be continued instead of starting anew (Norrbotten: four
/// days). A region's rule: the app reads the result from `Case.canContinueUntil`.
pub const CONTINUE_WITHIN_SECS: i64 = 4 * 86_400;

/// The patient continues a case closed within [`CONTINUE_WITHIN_SECS`]: it is back in its unit's
/// queue with their `message`. `Some(true)`: continued now; `Some(false)`: already continued by a
/// request with the same `key` (a retry that overtook the first); `None`: it cannot be (anymore).
pub fn continue_with(
    conn: &mut crate::storage::Conn<'_>,
    id: &str,
    unit: &str,
    message: &str,
    key: &str,
    now: i64,
) -> crate::storage::Result<Option<bool>> {
    use crate::storage::chat;
    conn.transaction(|tx| {
        if cases::reopen(tx, id, now - CONTINUE_WITHIN_SECS, now)? {
            let m = chat::NewMessage {
                author: ingang_api::chat::Author::Patient,
                staff: None,
                body: message,
                client_id: key,
                asks_for_picture: false,
                now,
            };
            chat::insert(tx, id, &m)?;
            crate::domain::events::queue_changed(tx, unit, Some(id), now)?;
            return Ok(Some(true));
        }
        Ok(chat::has_client_id(tx, id, key)?.then_some(false))
    })
}

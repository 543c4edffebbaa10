//! Self-booking (webbtidbokning): the visit types a unit opens to patients, their free times,
//! and booking one. The rules are those of rescheduling: a free slot of the type's kind at that
//! unit, from an hour ahead to two weeks ahead; for a person whose visits the user handles (the
//! user, or a child up to 12: the same people as `GET /visits`). One `Idempotency-Key` books
//! once, whatever the retries; a person has at most one coming self-booked visit of a type.
//! The visit is then in `GET /visits` with its check-in, like any other.

use axum::{
    Json,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use ingang_api::visits::{BookableType, BookableTypes, NewVisit, Slot, SlotList, VisitKind};

use crate::domain::visits::load_visit;
use crate::domain::visits::scope;
use crate::extract::Actor;
use crate::extract::AuthUser;
use crate::extract::idempotency_key;
use crate::{
    AppState,
    bankid::random_token,
    error::ApiError,
    lang::{Lang, Phrasebook},
};

/// Slots open for booking from this long ahead …
const FROM_SECS: i64 = 3600;
/// … to this far ahead.
const UNTIL_SECS: i64 = 14 * 86_400;

fn conflict(code: &str, message: &str) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, code, message)
}

/// The unit's bookable types, if it offers booking at all (else not found).
async fn types_of(state: &AppState, unit: String) -> Result<Vec<(BookableType, i64, String)>, ApiError> {
    state
        .db
        .store(move |conn| {
            if !crate::storage::units::offers(conn, &unit, "booking")? {
                return Ok(None);
            }
            let rows = crate::storage::units::bookable(conn, &unit)?.into_iter().map(|b| {
                (
                    BookableType {
                        id: b.id,
                        title: b.title,
                        description: b.description,
                        kind: VisitKind::parse(&b.kind).unwrap_or(VisitKind::Clinic),
                        minutes: b.minutes.max(1) as u32,
                    },
                    b.tariff,
                    b.bring,
                )
            });
            Ok(Some(rows.collect::<Vec<_>>()))
        })
        .await?
        .ok_or_else(ApiError::not_found)
}

/// What the unit lets patients book themselves.
#[utoipa::path(
    get,
    path = "/units/{unitId}/booking",
    tag = "booking",
    params(("unitId" = String, Path)),
    responses(
        (status = 200, description = "The bookable visit types (empty: none)", body = BookableTypes),
        (status = 404, description = "No such unit, or it has no booking", body = ingang_api::ErrorBody)
    )
)]
pub async fn list_types(
    State(state): State<AppState>,
    lang: Lang,
    Path(unit_id): Path<String>,
) -> Result<Json<BookableTypes>, ApiError> {
    let book = Phrasebook::load(&state, lang).await?;
    let types = types_of(&state, unit_id).await?.into_iter().map(|(t, _, _)| book.bookable(t)).collect();
    Ok(Json(BookableTypes { types }))
}

/// Free times for a bookable type: the unit's free slots of its kind, from an hour ahead to two
/// weeks ahead, in time order.
#[utoipa::path(
    get,
    path = "/units/{unitId}/booking/{typeId}/slots",
    tag = "booking",
    params(("unitId" = String, Path), ("typeId" = String, Path)),
    responses(
        (status = 200, description = "Free slots", body = SlotList),
        (status = 404, description = "No such unit or type", body = ingang_api::ErrorBody)
    )
)]
pub async fn list_free(
    State(state): State<AppState>,
    Path((unit_id, type_id)): Path<(String, String)>,
) -> Result<Json<SlotList>, ApiError> {
    let types = types_of(&state, unit_id.clone()).await?;
    let (bookable, _, _) = types.into_iter().find(|(t, _, _)| t.id == type_id).ok_or_else(ApiError::not_found)?;
    let now = state.clock.now();
    let kind = bookable.kind;
    let slots = state
        .db
        .store(move |conn| {
            let free = crate::storage::visits::free_slots(
                conn,
                &unit_id,
                kind.as_str(),
                now + FROM_SECS,
                now + UNTIL_SECS,
                200,
            )?;
            Ok(free
                .into_iter()
                .map(|s| Slot {
                    id: s.id,
                    starts_at: s.starts_at,
                    ends_at: s.starts_at + i64::from(bookable.minutes) * 60,
                    kind,
                })
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(Json(SlotList { slots }))
}

/// Books a free slot for a person. The same `Idempotency-Key` gives the same visit (200) however
/// often it is sent; a new booking answers 201.
#[utoipa::path(
    post,
    path = "/visits",
    tag = "booking",
    request_body = NewVisit,
    params(("Idempotency-Key" = String, Header, min_length = 1, max_length = 100, pattern = "^[!-~]+$", description = "One per booking: a retry with the same key books nothing new")),
    responses(
        (status = 201, description = "Booked", body = ingang_api::visits::Visit),
        (status = 200, description = "Already booked with this key", body = ingang_api::visits::Visit),
        (status = 404, description = "No such person (for this user), unit, type or slot", body = ingang_api::ErrorBody),
        (status = 409, description = "`slot_taken` (booked by someone else meanwhile, or too soon), or `already_booked` (the person has a coming visit of this type)", body = ingang_api::ErrorBody),
        (status = 400, description = "`idempotency_key_required` or `bad_request`", body = ingang_api::ErrorBody),
        (status = 401, description = "Not signed in", body = ingang_api::ErrorBody)
    )
)]
pub async fn book(
    State(state): State<AppState>,
    user: AuthUser,
    lang: Lang,
    headers: HeaderMap,
    Json(body): Json<NewVisit>,
) -> Result<Response, ApiError> {
    let key = idempotency_key(&headers)?;
    let actor = Actor::Resident(user.clone());
    let people = scope(&state, &actor).await?;
    let patient = people
        .people
        .iter()
        .find(|(_, id, _)| *id == body.person_id)
        .map(|(pnr, _, _)| pnr.clone())
        .ok_or_else(ApiError::not_found)?;
    let types = types_of(&state, body.unit_id.clone()).await?;
    let (bookable, tariff, bring) =
        types.into_iter().find(|(t, _, _)| t.id == body.type_id).ok_or_else(ApiError::not_found)?;
    let now = state.clock.now();
    let booker = user.personal_number.replace(['-', '+'], "");
    let outcome: Result<(String, bool), ApiError> = state
        .db
        .store(move |conn| {
            let mut tx = conn.begin()?;
            let earlier = crate::storage::visits::by_key(&mut tx, &booker, &key)?;
            if let Some(id) = earlier {
                return Ok(Ok((id, false)));
            }
            let coming = crate::storage::visits::has_booked(&mut tx, &patient, &body.unit_id, &body.type_id, now)?;
            if coming {
                return Ok(Err(conflict(
                    "already_booked",
                    "Det finns redan en bokad tid av det här slaget. Av- eller omboka den i stället.",
                )));
            }
            let slot = crate::storage::visits::slot_of(&mut tx, &body.slot_id, &body.unit_id, bookable.kind.as_str())?
                .map(|s| (s.starts_at, s.visit_id));
            let starts = match slot {
                None => return Ok(Err(ApiError::not_found())),
                Some((_, Some(_))) => {
                    return Ok(Err(conflict("slot_taken", "Tiden hann bokas av någon annan. Välj en annan tid.")));
                }
                Some((starts, None)) if starts < now + FROM_SECS || starts >= now + UNTIL_SECS => {
                    return Ok(Err(conflict("slot_taken", "Tiden går inte att boka. Välj en annan tid.")));
                }
                Some((starts, None)) => starts,
            };
            let id = random_token();
            let visit = crate::storage::visits::NewVisit {
                id: &id,
                patient: &patient,
                unit_id: &body.unit_id,
                kind: bookable.kind.as_str(),
                title: &bookable.title,
                clinician: None,
                starts_at: starts,
                ends_at: starts + i64::from(bookable.minutes) * 60,
                bring: &bring,
                tariff,
                status: "booked",
                type_id: Some(&body.type_id),
                booked_by: Some(&booker),
                key: Some(&key),
            };
            crate::storage::visits::insert(&mut tx, &visit)?;
            crate::storage::visits::take_slot(&mut tx, &body.slot_id, &id)?;
            tx.commit()?;
            Ok(Ok((id, true)))
        })
        .await?;
    let (id, created) = outcome?;
    state.wake_streams();
    let visit =
        Phrasebook::load(&state, lang).await?.visit(load_visit(&state, scope(&state, &actor).await?, id).await?);
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(visit)).into_response())
}

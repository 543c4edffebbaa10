//! Check-in on a waiting-room tablet (`/kiosk` in the app): the patient types their
//! personnummer, confirms with BankID on their own phone (the tablet shows the QR code), and
//! sees today's visits at this unit to check in and pay.
//!
//! No session and no cookie: the check-in's random token (only its hash is stored) is sent as
//! `Authorization: Bearer` by the tablet, which keeps it in memory only. Once identified it
//! reaches that person's visits at that unit for [`TOKEN_LIFETIME_SECS`], nothing else.

use crate::domain::kiosk::TOKEN_LIFETIME_SECS;
use crate::extract::bearer;
use crate::storage::{kiosk, sessions::Resident};
use axum::{
    Json,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
};
use ingang_api::{
    personnummer::Personnummer,
    visits::{KioskCheckIn, KioskState, NewKioskCheckIn, Visit},
};

use crate::domain::sessions::hash;
use crate::domain::visits::Scope;
use crate::domain::visits::visits_of;
use crate::{
    AppState,
    bankid::{BankIdError, Status, qr_content, random_token},
    error::ApiError,
    rate_limit::ClientIp,
};

/// Starts a kiosk check-in: validates the number and the unit, starts a BankID order.
#[utoipa::path(
    post,
    path = "/kiosk/check-ins",
    tag = "kiosk",
    request_body = NewKioskCheckIn,
    responses(
        (status = 201, description = "Started: show `qr`, poll with the token", body = KioskCheckIn),
        (status = 400, description = "`invalid_personal_number`", body = ingang_api::ErrorBody),
        (status = 404, description = "No such unit, or no digital check-in there", body = ingang_api::ErrorBody),
        (status = 429, description = "`rate_limited`: too many starts from this address or in all; see `Retry-After`", body = ingang_api::ErrorBody),
        (status = 503, description = "BankID is not available", body = ingang_api::ErrorBody)
    )
)]
pub async fn start(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Json(body): Json<NewKioskCheckIn>,
) -> Result<(StatusCode, Json<KioskCheckIn>), ApiError> {
    let pnr = Personnummer::parse(&body.personal_number, state.clock.today())
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid_personal_number", e.message_sv()))?;
    let unit = body.unit_id.clone();
    let offers: bool = state.db.store(move |conn| crate::storage::units::offers(conn, &unit, "checkIn")).await?;
    if !offers {
        return Err(ApiError::not_found());
    }
    let order = state.bankid.auth(&ip.to_string(), None).await.map_err(|e| match e {
        BankIdError::NotFound => ApiError::not_found(),
        BankIdError::Service(m) => ApiError::unavailable(format!("BankID kan inte nås just nu ({m}).")),
    })?;
    let (id, token) = (random_token(), random_token());
    let started = crate::system_millis();
    let qr = qr_content(&order.qr_start_token, &order.qr_start_secret, 0);
    let (rid, th, unit, number) = (id.clone(), hash(&token), body.unit_id.clone(), pnr.twelve_digits());
    let now = state.clock.now();
    let kept = kiosk::CheckIn {
        id: rid,
        token_hash: th,
        unit_id: unit,
        personal_number: number,
        order_ref: order.order_ref,
        qr_start_token: order.qr_start_token,
        qr_start_secret: order.qr_start_secret,
        started_ms: started,
        identified_at: None,
    };
    state.db.store(move |conn| kiosk::start(conn, &kept, now)).await?;
    Ok((
        StatusCode::CREATED,
        Json(KioskCheckIn {
            id,
            token,
            state: KioskState::Pending,
            qr: Some(qr),
            hint_code: None,
            given_name: None,
            visits: vec![],
        }),
    ))
}

async fn row(state: &AppState, id: String) -> Result<Option<kiosk::CheckIn>, ApiError> {
    state.db.store(move |conn| kiosk::find(conn, &id)).await
}

/// The check-in's progress. Identified: the person's given name and today's visits at the unit.
#[utoipa::path(
    get,
    path = "/kiosk/check-ins/{id}",
    tag = "kiosk",
    params(("id" = String, Path, description = "Kiosk check-in id"), ("Authorization" = String, Header, pattern = "^Bearer [!-~]+$", description = "Bearer <token>")),
    responses(
        (status = 200, description = "Pending (with the QR content), failed (hint code) or identified (visits)", body = KioskCheckIn),
        (status = 401, description = "Unknown, expired, or another token", body = ingang_api::ErrorBody),
        (status = 503, description = "BankID is not available", body = ingang_api::ErrorBody)
    )
)]
pub async fn status(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<KioskCheckIn>, ApiError> {
    let gone = || ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "Incheckningen har gått ut. Börja om.");
    let token = bearer(&headers).ok_or_else(gone)?;
    let r = row(&state, id.clone()).await?.filter(|r| r.token_hash == hash(&token)).ok_or_else(gone)?;
    let answer = |st: KioskState, qr: Option<String>, hint: Option<String>| KioskCheckIn {
        id: id.clone(),
        token: String::new(),
        state: st,
        qr,
        hint_code: hint,
        given_name: None,
        visits: vec![],
    };
    if let Some(at) = r.identified_at {
        if at <= state.clock.now() - TOKEN_LIFETIME_SECS {
            return Err(gone());
        }
        return Ok(Json(identified_answer(&state, &id, &r).await?));
    }
    let collect = match state.bankid.collect(&r.order_ref).await {
        Ok(c) => c,
        Err(BankIdError::NotFound) => return Err(gone()),
        Err(BankIdError::Service(m)) => {
            return Err(ApiError::unavailable(format!("BankID kan inte nås just nu ({m}).")));
        }
    };
    match collect.status {
        Status::Pending => {
            let seconds = ((crate::system_millis() - r.started_ms).max(0) / 1000) as u64;
            let qr = qr_content(&r.qr_start_token, &r.qr_start_secret, seconds);
            Ok(Json(answer(KioskState::Pending, Some(qr), collect.hint_code)))
        }
        Status::Failed => {
            forget(&state, &id).await?;
            Ok(Json(answer(KioskState::Failed, None, collect.hint_code)))
        }
        Status::Complete => {
            let user = collect.user.ok_or_else(|| ApiError::internal("complete order without user"))?;
            if user.personal_number != r.personal_number {
                // somebody else's BankID: the typed number decides whose visits these are
                forget(&state, &id).await?;
                return Ok(Json(answer(KioskState::Failed, None, Some("wrongPerson".into()))));
            }
            let (rid, pnr, name, given, surname) =
                (id.clone(), r.personal_number.clone(), user.name, user.given_name, user.surname);
            let now = state.clock.now();
            state
                .db
                .store(move |conn| {
                    let who = Resident { personal_number: &pnr, name: &name, given_name: &given, surname: &surname };
                    kiosk::identified(conn, &rid, &who, &random_token(), now)
                })
                .await?;
            Ok(Json(identified_answer(&state, &id, &r).await?))
        }
    }
}

async fn identified_answer(state: &AppState, id: &str, r: &kiosk::CheckIn) -> Result<KioskCheckIn, ApiError> {
    let now = state.clock.now();
    let (pnr, unit) = (r.personal_number.clone(), r.unit_id.clone());
    let (given, visits): (Option<String>, Vec<Visit>) = state
        .db
        .store(move |conn| {
            let person = crate::storage::people::find(conn, &pnr)?.map(|p| (p.id, p.name, p.given_name));
            let Some((pid, name, given)) = person else { return Ok((None, vec![])) };
            let scope = Scope { people: vec![(pnr.clone(), pid, name)], unit: Some(unit) };
            let today = (now + ingang_api::visits::stockholm_offset(now)).div_euclid(86_400);
            let visits = visits_of(conn, &scope, now)?
                .into_iter()
                .filter(|v| {
                    v.status != ingang_api::visits::VisitStatus::Cancelled
                        && (v.starts_at + ingang_api::visits::stockholm_offset(v.starts_at)).div_euclid(86_400) == today
                })
                .collect();
            Ok((Some(given), visits))
        })
        .await?;
    Ok(KioskCheckIn {
        id: id.to_owned(),
        token: String::new(),
        state: KioskState::Identified,
        qr: None,
        hint_code: None,
        given_name: given,
        visits,
    })
}

async fn forget(state: &AppState, id: &str) -> Result<(), ApiError> {
    let id = id.to_owned();
    state.db.store(move |conn| kiosk::forget(conn, &id)).await?;
    Ok(())
}

/// Ends a kiosk check-in (the tablet resets): the order is cancelled and the token dies.
#[utoipa::path(
    delete,
    path = "/kiosk/check-ins/{id}",
    tag = "kiosk",
    params(("id" = String, Path, description = "Kiosk check-in id"), ("Authorization" = String, Header, pattern = "^Bearer [!-~]+$", description = "Bearer <token>")),
    responses(
        (status = 204, description = "Ended (also when it had already ended, or the token is not this check-in's)"),
        (status = 401, description = "No `Authorization: Bearer` token", body = ingang_api::ErrorBody)
    )
)]
pub async fn end(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let token = bearer(&headers).ok_or_else(|| {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "Incheckningen har gått ut. Börja om.")
    })?;
    if let Some(r) = row(&state, id.clone()).await?.filter(|r| r.token_hash == hash(&token)) {
        if r.identified_at.is_none() {
            let _ = state.bankid.cancel(&r.order_ref).await;
        }
        forget(&state, &id).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

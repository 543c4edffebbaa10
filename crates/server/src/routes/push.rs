//! Web Push subscriptions: the server's VAPID key, and a device's subscription for the
//! signed-in resident (sending is `crate::push`). A subscription is an address the server will
//! post to, so only a push service's https address with real keys is taken.

use axum::{Json, extract::State, http::StatusCode};
use ingang_api::push::{PushEndpoint, PushKey, PushSubscription};

use crate::{AppState, error::ApiError, extract::AuthUser, lang::Lang};

/// A resident's devices at most; a new one beyond this replaces the oldest.
pub const MAX_DEVICES: i64 = 10;

fn unavailable() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "push_unavailable", "Servern skickar inga pushnotiser.")
}

/// The key the browser subscribes with (`applicationServerKey`).
#[utoipa::path(
    get,
    path = "/push/key",
    tag = "push",
    responses(
        (status = 200, description = "The VAPID public key", body = PushKey),
        (status = 404, description = "`push_unavailable`: this server sends no pushes", body = ingang_api::ErrorBody)
    )
)]
pub async fn push_key(State(state): State<AppState>) -> Result<Json<PushKey>, ApiError> {
    let push = state.push.as_ref().ok_or_else(unavailable)?;
    Ok(Json(PushKey { public_key: push.public_key().to_owned() }))
}

/// This device wants pushes for the signed-in resident: kept (the same endpoint again replaces
/// its keys and owner), and push is turned on in their contact details. Logging out of the
/// session that subscribed ends it.
#[utoipa::path(
    put,
    path = "/push/subscription",
    tag = "push",
    request_body = PushSubscription,
    responses(
        (status = 204, description = "Kept"),
        (status = 400, description = "`invalid_subscription`: not a push service's https address, or not real keys", body = ingang_api::ErrorBody),
        (status = 401, description = "Not signed in", body = ingang_api::ErrorBody),
        (status = 404, description = "`push_unavailable`", body = ingang_api::ErrorBody)
    )
)]
pub async fn subscribe(
    State(state): State<AppState>,
    user: AuthUser,
    lang: Lang,
    Json(body): Json<PushSubscription>,
) -> Result<StatusCode, ApiError> {
    let push = state.push.as_ref().ok_or_else(unavailable)?;
    push.check(&body.endpoint, &body.keys.p256dh, &body.keys.auth).map_err(|why| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_subscription",
            format!("Prenumerationen går inte att använda: {why}."),
        )
    })?;
    let now = state.clock.now();
    state
        .db
        .store(move |conn| {
            let device = crate::storage::push::Subscription {
                endpoint: &body.endpoint,
                personal_number: &user.personal_number,
                p256dh: body.keys.p256dh.trim_end_matches('='),
                auth: body.keys.auth.trim_end_matches('='),
                session_hash: &user.session_hash,
            };
            crate::storage::push::subscribe(conn, &device, MAX_DEVICES, lang.0, now)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This device wants no more pushes (the resident's other devices keep theirs).
#[utoipa::path(
    delete,
    path = "/push/subscription",
    tag = "push",
    request_body = PushEndpoint,
    responses(
        (status = 204, description = "Gone (also when there was none)"),
        (status = 401, description = "Not signed in", body = ingang_api::ErrorBody)
    )
)]
pub async fn unsubscribe(
    State(state): State<AppState>,
    user: AuthUser,
    Json(body): Json<PushEndpoint>,
) -> Result<StatusCode, ApiError> {
    state.db.store(move |conn| crate::storage::push::unsubscribe(conn, &body.endpoint, &user.personal_number)).await?;
    Ok(StatusCode::NO_CONTENT)
}

//! The waiting-room kiosk: who a kiosk token identifies, at which unit, for how long.

use crate::domain::sessions::hash;
use crate::{AppState, error::ApiError};
use axum::http::StatusCode;

/// The person and unit of an identified, still valid kiosk token; otherwise 401.
pub async fn identified(state: &AppState, token: &str) -> Result<(String, String), ApiError> {
    let token_hash = hash(token);
    let now = state.clock.now();
    state
        .db
        .store(move |conn| crate::storage::kiosk::by_token(conn, &token_hash, now - TOKEN_LIFETIME_SECS))
        .await?
        .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "Incheckningen har gått ut. Börja om."))
}

/// How long an identified kiosk check-in may act (check in, pay).
pub const TOKEN_LIFETIME_SECS: i64 = 10 * 60;

//! The waiting-room kiosk: who a kiosk token identifies, at which unit, for how long.

use crate::domain::sessions::hash;
use crate::{AppState, error::ApiError};
use axum::http::StatusCode;
use rusqlite::{OptionalExtension, params};

/// The person and unit of an identified, still valid kiosk token; otherwise 401.
pub async fn identified(state: &AppState, token: &str) -> Result<(String, String), ApiError> {
    let token_hash = hash(token);
    let now = state.clock.now();
    state
        .db
        .call(move |conn| {
            conn.query_row(
                "SELECT personal_number, unit_id FROM kiosk_check_ins
                 WHERE token_hash = ?1 AND identified_at IS NOT NULL AND identified_at > ?2",
                params![token_hash, now - TOKEN_LIFETIME_SECS],
                |r| Ok((r.get("personal_number")?, r.get("unit_id")?)),
            )
            .optional()
        })
        .await?
        .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "Incheckningen har gått ut. Börja om."))
}

/// How long an identified kiosk check-in may act (check in, pay).
pub const TOKEN_LIFETIME_SECS: i64 = 10 * 60;

use axum::{Json, extract::State};
use ingang_api::Health;

use crate::{AppState, error::ApiError};

/// The service is up and its database answers.
#[utoipa::path(
    get,
    path = "/health",
    tag = "system",
    responses(
        (status = 200, description = "Service is up", body = Health),
        (status = 503, description = "Database unavailable", body = ingang_api::ErrorBody),
    )
)]
pub async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    state
        .db
        .store(|conn| conn.query_row("SELECT 1 AS ok", crate::params![], |row| row.get::<i64>("ok")))
        .await
        .map_err(|_| ApiError::unavailable("Databasen svarar inte."))?;
    Ok(Json(Health { status: "ok".into(), version: env!("CARGO_PKG_VERSION").into(), api_version: 1 }))
}

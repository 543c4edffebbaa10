//! API errors: every failure becomes `{ "code": ..., "message": ... }` with a fitting status.

use axum::{
    Json,
    extract::{Request, rejection::JsonRejection},
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use ingang_api::ErrorBody;

/// An error a handler returns; rendered as JSON.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self { status, body: ErrorBody::new(code, message) }
    }
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "Resursen finns inte.")
    }
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }
    /// An unexpected failure: logged in full, reported without details.
    pub fn internal(error: impl std::fmt::Display) -> Self {
        tracing::error!("internal error: {error}");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "Ett internt fel inträffade.")
    }
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        Self::internal(e)
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        let status = rejection.status();
        let code = match status {
            StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
            _ => "bad_request",
        };
        Self::new(status, code, rejection.body_text())
    }
}

/// The code and a Swedish message for a bare status (used where no handler chose one).
pub fn for_status(status: StatusCode) -> ApiError {
    let (code, message) = match status {
        StatusCode::NOT_FOUND => ("not_found", "Resursen finns inte."),
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "Metoden stöds inte för den här resursen."),
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "Förfrågan är för stor."),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported_media_type", "Innehållstypen stöds inte."),
        StatusCode::UNAUTHORIZED => ("unauthorized", "Du behöver logga in."),
        StatusCode::FORBIDDEN => ("forbidden", "Du har inte behörighet."),
        StatusCode::TOO_MANY_REQUESTS => ("too_many_requests", "För många förfrågningar. Försök igen om en stund."),
        s if s.is_client_error() => ("bad_request", "Felaktig förfrågan."),
        _ => ("internal", "Ett internt fel inträffade."),
    };
    ApiError::new(status, code, message)
}

/// Middleware for the API: any error response that is not JSON yet (a 405 from the router, a
/// 413 from the body limit, ...) is replaced by the JSON error shape. API responses are never
/// cached by browsers or proxies (`no-store`): they may carry health data.
pub async fn json_errors(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if (status.is_client_error() || status.is_server_error()) && !is_json {
        res = for_status(status).into_response();
    }
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

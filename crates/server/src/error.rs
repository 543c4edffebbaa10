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

impl From<crate::storage::Error> for ApiError {
    fn from(e: crate::storage::Error) -> Self {
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
    let (method, path) = (req.method().clone(), req.uri().path().to_owned());
    let mut res = next.run(req).await;
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if (status.is_client_error() || status.is_server_error()) && !is_json {
        // a server error that no handler described (`ApiError::internal` logs its own)
        if status.is_server_error() {
            tracing::error!(%method, path, status = status.as_u16(), "server error without details");
        }
        res = for_status(status).into_response();
    }
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// Whatever panics while answering becomes a logged `500` in the JSON shape, never a dropped
/// connection without a trace.
pub fn catch_panics(router: axum::Router) -> axum::Router {
    router.layer(tower_http::catch_panic::CatchPanicLayer::custom(|panic: Box<dyn std::any::Any + Send>| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        ApiError::internal(format!("panic: {what}")).into_response()
    }))
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use axum::{body::Body, routing::get};
    use tower::ServiceExt;

    use super::*;

    #[derive(Clone, Default)]
    struct Log(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Log {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().map_err(|_| std::io::Error::other("poisoned"))?.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    async fn broken() -> StatusCode {
        panic!("the handler broke")
    }

    /// Every 500 leaves a line in the log: a panic, and a bare status no handler described.
    #[tokio::test]
    async fn server_errors_are_logged_and_answered_in_json() {
        let log = Log::default();
        let writer = log.clone();
        let subscriber = tracing_subscriber::fmt().with_writer(move || writer.clone()).with_ansi(false).finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        let router = axum::Router::new()
            .route("/panics", get(broken))
            .route("/bare", get(|| async { StatusCode::BAD_GATEWAY }))
            .layer(axum::middleware::from_fn(json_errors));
        let app = catch_panics(router);
        for (path, status) in [("/panics", 500), ("/bare", 502)] {
            let res =
                app.clone().oneshot(Request::get(path).body(Body::empty()).expect("request")).await.expect("answer");
            assert_eq!(res.status().as_u16(), status);
            assert!(res.headers()[header::CONTENT_TYPE].to_str().unwrap_or_default().starts_with("application/json"));
        }
        let text = String::from_utf8(log.0.lock().expect("log").clone()).expect("utf-8");
        assert!(text.contains("panic: the handler broke"), "{text}");
        assert!(text.contains("server error without details") && text.contains("/bare"), "{text}");
    }
}

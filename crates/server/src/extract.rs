//! What every HTTP route shares: the extractors that say who asks ([`AuthUser`] from the session
//! cookie, [`Actor`] for a resident or a kiosk), cookies, the idempotency key,
//! and responses for stored bytes. Route modules use these and `crate::domain`; they never use
//! each other (`cargo xtask test` checks it).

use crate::domain::sessions::hash;
use crate::{AppState, error::ApiError};
use axum::{
    extract::FromRequestParts,
    http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
};
use ingang_api::pictures::PDF;

/// The signed-in user of a request; rejects with 401 when there is no valid session.
/// Extracting it counts as activity (it moves the inactivity deadline).
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub personal_number: String,
    pub session_hash: String,
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let (user, _, _) = session(state, &parts.headers, true).await?;
        Ok(user)
    }
}

/// `Option<AuthUser>`: the signed-in user when there is a valid session, else `None` (for
/// routes that serve everyone but tailor the answer to a user).
impl axum::extract::OptionalFromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Option<Self>, Self::Rejection> {
        Ok(session(state, &parts.headers, true).await.ok().map(|(user, _, _)| user))
    }
}

pub(crate) fn unauthorized() -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "Du behöver logga in.")
}

/// The value of cookie `name` in the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|c| {
        let (k, v) = c.trim().split_once('=')?;
        (k == name).then(|| v.to_owned())
    })
}

/// Looks up the session of a request; `touch` records activity.
/// Returns the user and the session's creation and last-activity times (seconds).
pub(crate) async fn session(
    state: &AppState,
    headers: &HeaderMap,
    touch: bool,
) -> Result<(AuthUser, i64, i64), ApiError> {
    let token = cookie(headers, SESSION_COOKIE).ok_or_else(unauthorized)?;
    let id_hash = hash(&token);
    let policy = state.sessions;
    let now = state.clock.now();
    let found = state
        .db
        .store(move |conn| {
            use crate::storage::sessions;
            let Some(s) = sessions::active(conn, &id_hash)? else { return Ok(None) };
            let idle_over = now - s.last_seen > policy.idle.as_secs() as i64;
            let absolute_over = now - s.created_at > policy.absolute.as_secs() as i64;
            if idle_over || absolute_over {
                sessions::revoke(conn, &id_hash)?;
                return Ok(None);
            }
            let mut last = s.last_seen;
            if touch {
                sessions::touch(conn, &id_hash, now)?;
                last = now;
            }
            Ok(Some((AuthUser { personal_number: s.personal_number, session_hash: id_hash }, s.created_at, last)))
        })
        .await?;
    found.ok_or_else(unauthorized)
}

pub(crate) fn set_cookie(name: &str, value: &str, max_age: Option<u64>) -> HeaderValue {
    let age = max_age.map(|a| format!("; Max-Age={a}")).unwrap_or_default();
    HeaderValue::from_str(&format!("{name}={value}; Path=/; HttpOnly; Secure; SameSite=Lax{age}"))
        .expect("cookie values are ASCII")
}

pub(crate) fn clear_cookie(name: &str) -> HeaderValue {
    set_cookie(name, "", Some(0))
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

/// Who asks: a signed-in resident, or a kiosk check-in (one person at one unit).
pub enum Actor {
    Resident(AuthUser),
    Kiosk { personal_number: String, unit_id: String },
}

impl FromRequestParts<AppState> for Actor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let bearer = crate::extract::bearer(&parts.headers);
        match bearer {
            Some(token) => {
                let (pnr, unit) = crate::domain::kiosk::identified(state, &token).await?;
                Ok(Self::Kiosk { personal_number: pnr, unit_id: unit })
            }
            None => Ok(Self::Resident(AuthUser::from_request_parts(parts, state).await?)),
        }
    }
}

/// The `Authorization: Bearer` token of a request, if any.
pub fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
}

/// The bytes as a response that no browser sniffs, renders elsewhere, or keeps.
pub fn picture_response(id: &str, content_type: &str, bytes: Vec<u8>, thumbnail: bool) -> Response {
    let ext = if content_type == "image/png" && !thumbnail { "png" } else { "jpg" };
    let short: String = id.chars().take(8).collect();
    let name = if thumbnail { format!("bild-{short}-liten.{ext}") } else { format!("bild-{short}.{ext}") };
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    let ct = if thumbnail { "image/jpeg" } else { content_type };
    h.insert(header::CONTENT_TYPE, HeaderValue::from_str(ct).unwrap_or(HeaderValue::from_static("image/jpeg")));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    // health data: never in a shared or on-disk cache
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox"));
    res
}

/// The bytes as a response no browser sniffs, runs, or keeps: a picture inline (as in the
/// chat), a document only as a download.
pub fn attachment_response(id: &str, content_type: &str, bytes: Vec<u8>, thumbnail: bool) -> Response {
    if content_type != PDF {
        return picture_response(id, content_type, bytes, thumbnail);
    }
    let short: String = id.chars().take(8).collect();
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(PDF));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"dokument-{short}.pdf\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox"));
    res
}

pub const SESSION_COOKIE: &str = "__Host-ingang-session";

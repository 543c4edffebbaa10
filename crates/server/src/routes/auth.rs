//! Sign-in with BankID and sessions.
//!
//! - A login's BankID order lives server-side, keyed by the SHA-256 of an opaque id in the
//!   `__Host-ingang-login` cookie, so a reload or a new tab after returning from the BankID app
//!   continues the same order. The QR secret is stored there too and never leaves the server.
//! - A session is an opaque id in the `__Host-ingang-session` cookie (HttpOnly, Secure,
//!   SameSite=Lax); the database holds only its hash, with an inactivity timeout and an absolute
//!   lifetime. Logout revokes it on the server.
//! - State-changing requests are checked against CSRF in [`csrf`] (custom header + Origin).

use crate::domain::sessions::hash;
use crate::extract::AuthUser;
use crate::extract::SESSION_COOKIE;
use crate::extract::clear_cookie;
use crate::extract::cookie;
use crate::extract::session;
use crate::extract::set_cookie;

use crate::storage::{
    login_orders::{self, LoginOrder},
    sessions,
};
use axum::{
    Json,
    extract::{Request, State},
    http::{HeaderMap, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use ingang_api::{
    auth::{LoginStarted, LoginState, LoginStatus, SessionInfo, SessionUser, StartLogin},
    personnummer::Personnummer,
};

use crate::{
    AppState,
    bankid::{BankIdError, Status, qr_content, random_token},
    error::ApiError,
    lang::Lang,
    rate_limit::ClientIp,
};

pub const LOGIN_COOKIE: &str = "__Host-ingang-login";
/// State-changing API requests must carry this header (a cross-site form cannot set it).
pub const CSRF_HEADER: &str = "x-ingang-csrf";

/// CSRF protection for every state-changing API request: the custom header must be present, and
/// an `Origin` header, when sent, must name this host.
pub async fn csrf(req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe {
        let headers = req.headers();
        let has_header = headers.contains_key(CSRF_HEADER);
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
        let origin_ok = match headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
            None => true,
            Some(origin) => origin.split_once("://").map(|(_, h)| h) == Some(host),
        };
        if !has_header || !origin_ok {
            return ApiError::new(StatusCode::FORBIDDEN, "csrf", "Förfrågan saknar skydd mot förfalskning.")
                .into_response();
        }
    }
    next.run(req).await
}

/// A `returnUrl` for BankID: a page of the app itself (its configured public origin), so a
/// login never sends the user on to another site. At most 512 characters (RP API v6.0).
fn checked_return_url(url: &str, app_origin: &str) -> Option<String> {
    let origin = app_origin.trim_end_matches('/');
    let on_app = url.strip_prefix(origin).is_some_and(|rest| rest.starts_with('/'));
    (on_app && url.len() <= 512 && !url.chars().any(|c| c.is_control() || c.is_whitespace())).then(|| url.to_owned())
}

/// Starts a BankID login (same device: autostart; other device: QR code).
#[utoipa::path(
    post,
    path = "/auth/bankid",
    tag = "auth",
    request_body = StartLogin,
    responses(
        (status = 200, description = "Order started; the login cookie is set", body = LoginStarted),
        (status = 429, description = "`rate_limited`: too many starts from this address or in all; see `Retry-After`", body = ingang_api::ErrorBody),
        (status = 503, description = "BankID is not available", body = ingang_api::ErrorBody),
        (status = 400, description = "`bad_request`: the body is not what this operation takes", body = ingang_api::ErrorBody)
    )
)]
pub async fn start_login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Json(body): Json<StartLogin>,
) -> Result<Response, ApiError> {
    // A login already in progress in this browser is cancelled first: one order at a time.
    if let Some(old) = cookie(&headers, LOGIN_COOKIE) {
        cancel_by_cookie(&state, &old).await?;
    }
    // only to a page of the app itself; anything else is not passed on (no return at all)
    let return_url = body
        .return_url
        .as_deref()
        .filter(|_| body.same_device)
        .and_then(|url| checked_return_url(url, &state.base_url()));
    let order = state.bankid.auth(&ip.to_string(), return_url.as_deref()).await.map_err(bankid_error)?;
    let login_id = random_token();
    let (id_hash, same_device) = (hash(&login_id), body.same_device);
    let (order_ref, qr_token, qr_secret) = (order.order_ref.clone(), order.qr_start_token, order.qr_start_secret);
    let started = crate::system_millis();
    let now = state.clock.now();
    let kept = LoginOrder {
        id_hash,
        order_ref,
        same_device,
        qr_start_token: qr_token,
        qr_start_secret: qr_secret,
        started_ms: started,
    };
    state.db.store(move |conn| login_orders::start(conn, &kept, now)).await?;
    let body = LoginStarted {
        auto_start_token: same_device.then_some(order.auto_start_token),
        return_url_accepted: return_url.is_some(),
    };
    let mut res = Json(body).into_response();
    res.headers_mut().append(header::SET_COOKIE, set_cookie(LOGIN_COOKIE, &login_id, Some(600)));
    Ok(res)
}

fn bankid_error(e: BankIdError) -> ApiError {
    match e {
        BankIdError::NotFound => ApiError::new(StatusCode::NOT_FOUND, "no_login", "Ingen inloggning pågår."),
        BankIdError::Service(m) => ApiError::unavailable(format!("BankID kan inte nås just nu ({m}).")),
    }
}

async fn login_row(state: &AppState, login_id: &str) -> Result<Option<LoginOrder>, ApiError> {
    let id_hash = hash(login_id);
    state.db.store(move |conn| login_orders::find(conn, &id_hash)).await
}

async fn cancel_by_cookie(state: &AppState, login_id: &str) -> Result<(), ApiError> {
    if let Some(row) = login_row(state, login_id).await? {
        let _ = state.bankid.cancel(&row.order_ref).await;
        let id_hash = hash(login_id);
        state.db.store(move |conn| login_orders::forget(conn, &id_hash)).await?;
    }
    Ok(())
}

/// The login's progress; on completion the session cookie is set.
#[utoipa::path(
    get,
    path = "/auth/bankid",
    tag = "auth",
    responses(
        (status = 200, description = "Pending (with the QR content), failed (with the hint code) or complete", body = LoginStatus),
        (status = 204, description = "No login in progress in this browser")
    )
)]
pub async fn login_status(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    // No login in progress is a normal answer (204), e.g. for a page that checks on load.
    let Some(login_id) = cookie(&headers, LOGIN_COOKIE) else { return Ok(StatusCode::NO_CONTENT.into_response()) };
    let Some(row) = login_row(&state, &login_id).await? else { return Ok(StatusCode::NO_CONTENT.into_response()) };
    let collect = match state.bankid.collect(&row.order_ref).await {
        Ok(c) => c,
        Err(BankIdError::NotFound) => return Ok(StatusCode::NO_CONTENT.into_response()),
        Err(e) => return Err(bankid_error(e)),
    };
    match collect.status {
        Status::Pending => {
            let seconds = ((crate::system_millis() - row.started_ms).max(0) / 1000) as u64;
            let qr = (!row.same_device).then(|| qr_content(&row.qr_start_token, &row.qr_start_secret, seconds));
            Ok(Json(LoginStatus { status: LoginState::Pending, hint_code: collect.hint_code, qr, user: None })
                .into_response())
        }
        Status::Failed => {
            let id_hash = hash(&login_id);
            state.db.store(move |conn| login_orders::forget(conn, &id_hash)).await?;
            let mut res =
                Json(LoginStatus { status: LoginState::Failed, hint_code: collect.hint_code, qr: None, user: None })
                    .into_response();
            res.headers_mut().append(header::SET_COOKIE, clear_cookie(LOGIN_COOKIE));
            Ok(res)
        }
        Status::Complete => {
            let user = collect.user.ok_or_else(|| ApiError::internal("complete order without user"))?;
            // BankID vouches for the number; parse it anyway so nothing malformed gets stored.
            let pnr = Personnummer::parse(&user.personal_number, state.clock.today())
                .map_err(|e| ApiError::internal(format!("BankID returned an invalid number: {e:?}")))?;
            let session_id = random_token();
            let (id_hash, login_hash, now) = (hash(&session_id), hash(&login_id), state.clock.now());
            let (pn, name, given, surname) =
                (pnr.twelve_digits(), user.name.clone(), user.given_name.clone(), user.surname.clone());
            state
                .db
                .store(move |conn| {
                    let who =
                        sessions::Resident { personal_number: &pn, name: &name, given_name: &given, surname: &surname };
                    sessions::start(conn, &who, &random_token(), &id_hash, Some(&login_hash), now)
                })
                .await?;
            let session_user =
                SessionUser { personal_number: pnr.display_form(), name: user.name, given_name: user.given_name };
            let mut res =
                Json(LoginStatus { status: LoginState::Complete, hint_code: None, qr: None, user: Some(session_user) })
                    .into_response();
            let h = res.headers_mut();
            h.append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, &session_id, None));
            h.append(header::SET_COOKIE, clear_cookie(LOGIN_COOKIE));
            Ok(res)
        }
    }
}

/// Cancels the login in progress in this browser.
#[utoipa::path(
    delete,
    path = "/auth/bankid",
    tag = "auth",
    responses((status = 204, description = "Cancelled (also when nothing was in progress)"))
)]
pub async fn cancel_login(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    if let Some(login_id) = cookie(&headers, LOGIN_COOKIE) {
        cancel_by_cookie(&state, &login_id).await?;
    }
    Ok(([(header::SET_COOKIE, clear_cookie(LOGIN_COOKIE))], StatusCode::NO_CONTENT).into_response())
}

/// The current session: who is signed in and how long the session lasts. Does not count as
/// activity. Not being signed in is a normal answer here (204), not an error.
#[utoipa::path(
    get,
    path = "/session",
    tag = "auth",
    responses(
        (status = 200, description = "Signed in", body = SessionInfo),
        (status = 204, description = "Not signed in, or the session has ended")
    )
)]
pub async fn get_session(State(state): State<AppState>, lang: Lang, headers: HeaderMap) -> Result<Response, ApiError> {
    let (user, created, last_seen) = match session(&state, &headers, false).await {
        Ok(found) => found,
        Err(e) if e.status == StatusCode::UNAUTHORIZED => return Ok(StatusCode::NO_CONTENT.into_response()),
        Err(e) => return Err(e),
    };
    // the app's language, for the notices sent to this resident (SMS, e-mail)
    crate::lang::remember(&state, &user.personal_number, lang).await;
    let pn = user.personal_number.clone();
    let now = state.clock.now();
    let (name, given) = state
        .db
        .store(move |conn| sessions::names(conn, &pn))
        .await?
        .ok_or_else(|| ApiError::internal("a session without its resident"))?;
    let left = (created + state.sessions.absolute.as_secs() as i64 - now).max(0) as u32;
    Ok(Json(SessionInfo {
        user: SessionUser {
            personal_number: Personnummer::parse(&user.personal_number, state.clock.today())
                .map(|p| p.display_form())
                .unwrap_or(user.personal_number),
            name,
            given_name: given,
        },
        idle_timeout_seconds: state.sessions.idle.as_secs() as u32,
        idle_seconds_left: (last_seen + state.sessions.idle.as_secs() as i64 - now).max(0) as u32,
        absolute_seconds_left: left,
    })
    .into_response())
}

/// "Fortsätt vara inloggad": records activity, moving the inactivity deadline.
#[utoipa::path(
    post,
    path = "/session/keepalive",
    tag = "auth",
    responses(
        (status = 204, description = "The session goes on"),
        (status = 401, description = "The session has already ended", body = ingang_api::ErrorBody)
    )
)]
pub async fn keepalive(State(state): State<AppState>, user: AuthUser, lang: Lang) -> StatusCode {
    crate::lang::remember(&state, &user.personal_number, lang).await;
    StatusCode::NO_CONTENT
}

/// Ends the session on the server and clears the cookie. Harmless without a session.
#[utoipa::path(
    post,
    path = "/auth/logout",
    tag = "auth",
    responses((status = 204, description = "Logged out"))
)]
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        let id_hash = hash(&token);
        let ended = id_hash.clone();
        let now = state.clock.now();
        state.db.store(move |conn| crate::domain::sessions::log_out(conn, &ended, now)).await?;
        state.hub.session_ended(&id_hash);
    }
    Ok(([(header::SET_COOKIE, clear_cookie(SESSION_COOKIE))], StatusCode::NO_CONTENT).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn bankid_returns_only_to_the_app_itself() {
        let app = "https://ingang.example";
        assert!(checked_return_url("https://ingang.example/logga-in?next=%2F", app).is_some());
        assert!(checked_return_url("https://ingang.example/", "https://ingang.example/").is_some());
        for bad in [
            "https://evil.example/logga-in",
            "https://ingang.example.evil.example/",
            "https://ingang.example@evil.example/",
            "https://ingang.example",
            "http://ingang.example/",
            "javascript:alert(1)",
            "https://ingang.example/\n",
        ] {
            assert!(checked_return_url(bad, app).is_none(), "{bad}");
        }
        let long = format!("https://ingang.example/{}", "a".repeat(500));
        assert!(checked_return_url(&long, app).is_none());
    }

    #[test]
    fn today_is_a_real_date() {
        let t = crate::Clock::default().today();
        assert!(t.year >= 2024 && (1..=12).contains(&t.month) && (1..=31).contains(&t.day));
    }

    #[test]
    fn cookies_are_host_prefixed_http_only_secure_lax() {
        let v = set_cookie(SESSION_COOKIE, "abc", None);
        let s = v.to_str().expect("ASCII");
        assert!(s.starts_with("__Host-ingang-session=abc; Path=/;"));
        assert!(s.contains("HttpOnly") && s.contains("Secure") && s.contains("SameSite=Lax"));
        assert!(!s.contains("Domain"));
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("a=1; __Host-ingang-session=xyz; b=2"));
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("xyz"));
        assert_eq!(cookie(&h, LOGIN_COOKIE), None);
    }
}

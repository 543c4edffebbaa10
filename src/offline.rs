//! What a reload without network needs to show the signed-in app: the API's last answers to
//! `/session`, `/me/people`, `/me/contact` and `/units`, kept on the device as the text the API sent. The
//! API client keeps them as they come and, without network, answers with them
//! ([`crate::api`]); so offline the app shows the signed-in user, the form being filled in and
//! its draft (sealed; its key is kept too, see [`crate::auth::Auth::seal_key_ready`]), and only
//! sending waits.
//!
//! They are who the user is and whom they act for (names, personal numbers, contact details),
//! never health data, and kept only while the session lasts: the server's deadline is kept
//! beside them ([`keep_session_until`]) and after it nothing is shown (a phone left alone does
//! not show the previous user). A signed-out answer forgets them; logout wipes everything.
//! Plain text on purpose: sealing them would put WebCrypto and IndexedDB code into the first
//! load of every route, for data that the device's own lock already guards.

use crate::storage;

/// The answers kept, by API path (the units too: public, and what every form names).
const PATHS: [&str; 4] = ["/session", "/me/people", "/me/contact", "/units"];
/// Storage key prefix: `ingang.kept/session`, …
const PREFIX: &str = "kept";
/// When the server's session ends unless there is activity (ms since the epoch).
const SESSION_UNTIL: &str = "session-until";

/// Whether the answer to a GET of `path` is kept.
pub fn keeps(path: &str) -> bool {
    PATHS.contains(&path)
}

/// The API answered a GET of `path` (one of [`PATHS`]). Only a signed-in user's are kept (never
/// on a waiting-room kiosk, which has no session).
pub fn answered(path: &str, status: u16, text: &str) {
    match status {
        200 if path == "/session" || storage::get(&format!("{PREFIX}/session")).is_some() => {
            storage::set(&format!("{PREFIX}{path}"), text)
        }
        // signed out: what was kept of the session goes (drafts stay sealed)
        204 => forget(),
        _ => {}
    }
}

/// The kept answer to `path`, while the session it belongs to lasts.
pub fn kept(path: &str) -> Option<String> {
    if js_sys::Date::now() >= session_until()? {
        return None;
    }
    storage::get(&format!("{PREFIX}{path}"))
}

/// Forgets every kept answer (signed out).
pub fn forget() {
    for path in PATHS {
        storage::remove(&format!("{PREFIX}{path}"));
    }
    storage::remove(SESSION_UNTIL);
}

/// The server's session deadline as last known (ms since the epoch).
pub fn session_until() -> Option<f64> {
    // (the browser's own number parsing and formatting: Rust's would add to the first load)
    let ms = js_sys::parse_float(&storage::get(SESSION_UNTIL)?);
    (!ms.is_nan()).then_some(ms)
}

/// Keeps the server's session deadline.
pub fn keep_session_until(ms: f64) {
    if let Some(text) = js_sys::Number::from(ms.floor()).to_string_with_radix(10).ok().and_then(|t| t.as_string()) {
        storage::set(SESSION_UNTIL, &text);
    }
}

//! The one place that calls the browser's `fetch`. Everything above works with plain
//! `(status, body)` pairs, which keeps the decoding logic pure and testable on the host.

use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Request, RequestCredentials, RequestInit, Response};

/// A request that gets no answer within this time counts as unreachable.
const TIMEOUT_MS: i32 = 20_000;

/// The request never got an HTTP answer (offline, DNS, refused, CORS, timeout).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkError(pub String);

fn js_err(e: JsValue) -> NetworkError {
    NetworkError(e.as_string().unwrap_or_else(|| format!("{e:?}")))
}

/// Sends a request and returns the status and the body text.
/// `extra_headers`: e.g. `Idempotency-Key`.
pub async fn fetch_text(
    method: &str,
    url: &str,
    json_body: Option<&str>,
    extra_headers: &[(&str, &str)],
) -> Result<(u16, String), NetworkError> {
    let window = web_sys::window().ok_or_else(|| NetworkError("no window".into()))?;
    let init = RequestInit::new();
    init.set_method(method);
    // Cookies go along to a cross-origin API too (it must allow credentials in CORS).
    init.set_credentials(if url.starts_with("http") {
        RequestCredentials::Include
    } else {
        RequestCredentials::SameOrigin
    });
    let controller = AbortController::new().map_err(js_err)?;
    init.set_signal(Some(&controller.signal()));
    if let Some(body) = json_body {
        init.set_body(&JsValue::from_str(body));
    }
    let request = Request::new_with_str_and_init(url, &init).map_err(js_err)?;
    let headers = request.headers();
    headers.set("Accept", "application/json").map_err(js_err)?;
    if json_body.is_some() {
        headers.set("Content-Type", "application/json").map_err(js_err)?;
    }
    for (name, value) in extra_headers {
        headers.set(name, value).map_err(js_err)?;
    }
    // The API refuses state-changing requests without it (CSRF protection, see the server).
    if method != "GET" && method != "HEAD" {
        headers.set("X-Ingang-Csrf", "1").map_err(js_err)?;
    }

    let abort = Closure::once(move || controller.abort());
    let timer = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(abort.as_ref().unchecked_ref(), TIMEOUT_MS)
        .map_err(js_err)?;
    let result = JsFuture::from(window.fetch_with_request(&request)).await;
    window.clear_timeout_with_handle(timer);
    drop(abort);

    let response: Response = result.map_err(js_err)?.dyn_into().map_err(js_err)?;
    let status = response.status();
    let text = JsFuture::from(response.text().map_err(js_err)?).await.map_err(js_err)?;
    Ok((status, text.as_string().unwrap_or_default()))
}

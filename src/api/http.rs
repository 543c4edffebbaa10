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
    // the server's own texts (errors, e-services) follow the user's language where it has them
    headers.set("Accept-Language", crate::i18n::current_code()).map_err(js_err)?;
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

/// `PUT`s bytes with `XMLHttpRequest` (unlike `fetch`, it reports upload progress): calls
/// `progress` with the share sent (0.0–1.0) and returns the status and the body text.
pub async fn upload(
    url: &str,
    content_type: &str,
    bytes: &[u8],
    progress: impl Fn(f64) + 'static,
) -> Result<(u16, String), NetworkError> {
    let xhr = web_sys::XmlHttpRequest::new().map_err(js_err)?;
    xhr.open_with_async("PUT", url, true).map_err(js_err)?;
    xhr.set_with_credentials(url.starts_with("http"));
    xhr.set_timeout(120_000);
    for (name, value) in [("Content-Type", content_type), ("Accept", "application/json"), ("X-Ingang-Csrf", "1")] {
        xhr.set_request_header(name, value).map_err(js_err)?;
    }
    let on_progress = Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |ev: web_sys::ProgressEvent| {
        if ev.length_computable() && ev.total() > 0.0 {
            progress(ev.loaded() / ev.total());
        }
    });
    if let Ok(target) = xhr.upload() {
        target.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    }
    let req = xhr.clone();
    let finished = js_sys::Promise::new(&mut |resolve: js_sys::Function, reject: js_sys::Function| {
        let ok = Closure::once_into_js(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let fail = Closure::once_into_js(move || {
            let _ = reject.call0(&JsValue::NULL);
        });
        req.set_onload(Some(ok.unchecked_ref()));
        req.set_onerror(Some(fail.unchecked_ref()));
        req.set_ontimeout(Some(fail.unchecked_ref()));
        req.set_onabort(Some(fail.unchecked_ref()));
    });
    xhr.send_with_opt_u8_array(Some(bytes)).map_err(js_err)?;
    let result = JsFuture::from(finished).await;
    drop(on_progress);
    result.map_err(|_| NetworkError("upload failed".into()))?;
    Ok((xhr.status().map_err(js_err)?, xhr.response_text().ok().flatten().unwrap_or_default()))
}

/// `GET`s binary content (a picture) with the session and returns the status and the bytes
/// as a `Blob`.
pub async fn fetch_blob(url: &str) -> Result<(u16, web_sys::Blob), NetworkError> {
    let window = web_sys::window().ok_or_else(|| NetworkError("no window".into()))?;
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_credentials(if url.starts_with("http") {
        RequestCredentials::Include
    } else {
        RequestCredentials::SameOrigin
    });
    let request = Request::new_with_str_and_init(url, &init).map_err(js_err)?;
    let response: Response =
        JsFuture::from(window.fetch_with_request(&request)).await.map_err(js_err)?.dyn_into().map_err(js_err)?;
    let status = response.status();
    let blob = JsFuture::from(response.blob().map_err(js_err)?).await.map_err(js_err)?.dyn_into().map_err(js_err)?;
    Ok((status, blob))
}

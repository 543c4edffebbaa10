//! Small wrappers over browser APIs the views need (focus, files, clipboard, downloads, RegExp).
//! Every function tolerates failure: a missing API never panics the app.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Moves focus to the element with this id (and scrolls it into view), after the next paint so
/// freshly rendered elements exist.
pub fn focus_id_later(id: String) {
    leptos::prelude::request_animation_frame(move || {
        focus_id(&id);
    });
}

pub fn focus_id(id: &str) -> bool {
    let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id)) else {
        return false;
    };
    if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
        let _ = el.focus();
        return true;
    }
    false
}

/// Focuses the first form control inside the element with this id (for error-summary links).
pub fn focus_first_control_in(id: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let selector = format!("#{id} input:not([type=hidden]), #{id} select, #{id} textarea, #{id} button");
    if let Ok(Some(el)) = doc.query_selector(&selector)
        && let Ok(el) = el.dyn_into::<web_sys::HtmlElement>()
    {
        let _ = el.focus();
        let opts = web_sys::ScrollIntoViewOptions::new();
        opts.set_block(web_sys::ScrollLogicalPosition::Center);
        el.scroll_into_view_with_scroll_into_view_options(&opts);
    } else {
        focus_id(id);
    }
}

/// The device's offset from UTC in minutes (+60 in Swedish winter time).
pub fn tz_offset_minutes() -> i32 {
    -(js_sys::Date::new_0().get_timezone_offset() as i32)
}

/// Whole-value FHIR regex match with the browser's RegExp; `None` for an invalid pattern.
pub fn regex_match(pattern: &str, text: &str) -> Option<bool> {
    let ctor = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("RegExp")).ok()?;
    let ctor: js_sys::Function = ctor.dyn_into().ok()?;
    let args = js_sys::Array::of2(&JsValue::from_str(&format!("^(?:{pattern})$")), &JsValue::from_str("u"));
    let re: js_sys::RegExp = js_sys::Reflect::construct(&ctor, &args).ok()?.dyn_into().ok()?;
    Some(re.test(text))
}

/// Reads a picked file's bytes.
pub async fn read_file(file: &web_sys::File) -> Result<Vec<u8>, String> {
    let buf = JsFuture::from(file.array_buffer()).await.map_err(|e| format!("{e:?}"))?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}

/// Reads a picked file as UTF-8 text.
pub async fn read_file_text(file: &web_sys::File) -> Result<String, String> {
    let text = JsFuture::from(file.text()).await.map_err(|e| format!("{e:?}"))?;
    text.as_string().ok_or_else(|| "not text".into())
}

/// Copies text to the clipboard; `false` when the browser refuses.
pub async fn copy_text(text: &str) -> bool {
    let Some(window) = web_sys::window() else { return false };
    let promise = window.navigator().clipboard().write_text(text);
    JsFuture::from(promise).await.is_ok()
}

/// Offers `text` as a file download named `name`.
pub fn download(name: &str, mime: &str, text: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    if let Some(doc) = web_sys::window().and_then(|w| w.document())
        && let Ok(a) = doc.create_element("a")
        && let Ok(a) = a.dyn_into::<web_sys::HtmlAnchorElement>()
    {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

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

/// Clicks the element with this id (e.g. a hidden file input from its visible button).
pub fn click_id(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(e) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        e.click();
    }
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

/// Focuses the element with this id without scrolling (the view stays where the user reads).
pub fn focus_id_in_place(id: &str) -> bool {
    let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id)) else {
        return false;
    };
    let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() else { return false };
    let options = web_sys::FocusOptions::new();
    options.set_prevent_scroll(true);
    el.focus_with_options(&options).is_ok()
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

/// The weekday and time now in `time_zone` (IANA, e.g. `Europe/Stockholm`), from the browser's
/// `Intl` (which knows the zone's daylight-saving rules, so none ship in the wasm). `None` for a
/// zone the browser does not know.
pub fn local_time_in(time_zone: &str) -> Option<ingang_api::hours::LocalTime> {
    let intl = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("Intl")).ok()?;
    let ctor: js_sys::Function =
        js_sys::Reflect::get(&intl, &JsValue::from_str("DateTimeFormat")).ok()?.dyn_into().ok()?;
    let options = js_sys::Object::new();
    for (k, v) in [
        ("timeZone", time_zone),
        ("weekday", "short"),
        ("hour", "2-digit"),
        ("minute", "2-digit"),
        ("hourCycle", "h23"),
    ] {
        js_sys::Reflect::set(&options, &JsValue::from_str(k), &JsValue::from_str(v)).ok()?;
    }
    let args = js_sys::Array::of2(&JsValue::from_str("en-US"), &options);
    // an unknown zone throws a RangeError: construct through Reflect to get it as a Result
    let format = js_sys::Reflect::construct(&ctor, &args).ok()?;
    let parts: js_sys::Function =
        js_sys::Reflect::get(&format, &JsValue::from_str("formatToParts")).ok()?.dyn_into().ok()?;
    let parts: js_sys::Array = parts.call1(&format, &js_sys::Date::new_0()).ok()?.dyn_into().ok()?;
    let (mut weekday, mut hour, mut minute) = (None, None, None);
    for part in parts.iter() {
        let get = |k: &str| js_sys::Reflect::get(&part, &JsValue::from_str(k)).ok().and_then(|v| v.as_string());
        let value = get("value").unwrap_or_default();
        match get("type").as_deref() {
            Some("weekday") => {
                weekday = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
                    .iter()
                    .position(|d| *d == value)
                    .map(|i| i as u8 + 1)
            }
            Some("hour") => hour = value.parse::<u16>().ok().map(|h| h % 24),
            Some("minute") => minute = value.parse::<u16>().ok(),
            _ => {}
        }
    }
    Some(ingang_api::hours::LocalTime { weekday: weekday?, minute: hour? * 60 + minute? })
}

/// A random UUID from the browser's crypto (client ids of messages, idempotency keys).
pub fn random_uuid() -> String {
    web_sys::window().and_then(|w| w.crypto().ok()).map(|c| c.random_uuid()).unwrap_or_default()
}

/// A moment shown in the unit's time zone (empty: the device's) and the user's language through
/// `Intl` (no date crate in the wasm): `full` gives weekday and date with the time, otherwise the
/// time only.
pub fn moment_text(seconds: i64, time_zone: &str, locale: &str, full: bool) -> String {
    let date_style = if full { "full" } else { "" };
    let options = [("timeZone", time_zone), ("dateStyle", date_style), ("timeStyle", "short")];
    intl(seconds, "toLocaleString", locale, &options)
}

/// The calendar day of a moment in the device's time zone (`2026-12-04`), to tell today from
/// tomorrow.
pub fn day_of(seconds: i64) -> String {
    intl(seconds, "toLocaleDateString", "en-CA", &[])
}

/// The calendar day of a moment in `time_zone` (`2026-12-04`), to group times by day.
pub fn day_in(seconds: i64, time_zone: &str) -> String {
    intl(seconds, "toLocaleDateString", "en-CA", &[("timeZone", time_zone)])
}

/// A day as people say it ("måndag 7 december"), in `time_zone` and the user's language.
pub fn day_text(seconds: i64, time_zone: &str, locale: &str) -> String {
    let options = [("timeZone", time_zone), ("weekday", "long"), ("day", "numeric"), ("month", "long")];
    intl(seconds, "toLocaleDateString", locale, &options)
}

/// A date as nobody can misread it, in the user's language: "6 dec. 2026", "6 Dec 2026" (never
/// "12/6/2026").
pub fn date_text(seconds: i64, locale: &str) -> String {
    let options = [("day", "numeric"), ("month", "short"), ("year", "numeric")];
    intl(seconds, "toLocaleDateString", locale, &options)
}

/// "14:05" today, "6 Dec 2026, 14:05" another day, in the user's language.
pub fn message_time_text(seconds: i64, locale: &str) -> String {
    let today = day_of(seconds) == day_of(now_secs());
    let options = [("dateStyle", if today { "" } else { "medium" }), ("timeStyle", "short")];
    intl(seconds, "toLocaleString", locale, &options)
}

/// The Intl locale for a UI language: English as written in Britain and Ireland (day before
/// month, 24-hour clock: "6 Dec 2026, 14:05", as Swedes expect), not the US default
/// ("12/6/2026, 2:05 PM"); Swedish as in Sweden. Other codes as they are.
pub fn intl_locale(code: &str) -> &str {
    match code {
        "en" => "en-GB",
        "sv" => "sv-SE",
        "fi" => "fi-FI",
        // Arabic month names with the digits used in Sweden (and in personnummer) and the 24-hour
        // clock: "6 ديسمبر 2026، 14:05"
        "ar" => "ar-u-nu-latn-hc-h23",
        other => other,
    }
}

/// `Date.<method>(locale, options)` (`toLocaleString` or `toLocaleDateString`; empty options are
/// left out) with the UI language's [`intl_locale`]. An unknown zone makes Intl throw: then the
/// same without options.
fn intl(seconds: i64, method: &str, locale: &str, options: &[(&str, &str)]) -> String {
    let locale = intl_locale(locale);
    let date = js_sys::Date::new(&JsValue::from_f64(seconds as f64 * 1000.0));
    let opts = js_sys::Object::new();
    for (k, v) in options {
        if !v.is_empty() {
            let _ = js_sys::Reflect::set(&opts, &JsValue::from_str(k), &JsValue::from_str(v));
        }
    }
    let call = |opts: &JsValue| {
        js_sys::Reflect::get(&date, &JsValue::from_str(method))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
            .and_then(|f| f.call2(&date, &JsValue::from_str(locale), opts).ok())
            .and_then(|v| v.as_string())
    };
    call(&opts).or_else(|| call(&JsValue::UNDEFINED)).unwrap_or_default()
}

/// Unix seconds now, from the device's clock.
pub fn now_secs() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// Whether the app runs from the home screen (its own window, not a browser tab): a link cannot
/// bring the user back to it, so BankID is not given one.
pub fn standalone() -> bool {
    let media = web_sys::window()
        .and_then(|w| w.match_media("(display-mode: standalone)").ok().flatten())
        .is_some_and(|m| m.matches());
    // iOS Safari's own flag for a home-screen app
    let ios = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w.navigator(), &JsValue::from_str("standalone")).ok())
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    media || ios
}

/// The page's own address without its fragment.
pub fn page_url() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .map(|h| h.split('#').next().unwrap_or_default().to_owned())
        .unwrap_or_default()
}

/// Whether the device's main pointer is a finger (a phone or tablet): Swish opens on this device.
pub fn touch_device() -> bool {
    web_sys::window().and_then(|w| w.match_media("(pointer: coarse)").ok().flatten()).is_some_and(|m| m.matches())
}

/// The page's origin, e.g. `https://ingang.example`.
pub fn origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

/// Leaves the app for `url` (a payment provider's page).
pub fn go_to(url: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().assign(url);
    }
}

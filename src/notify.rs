//! System notifications ("Nu är det din tur") through the service worker's registration, so
//! they show even when the app is in the background. Only with the user's consent twice over:
//! their setting (push on in Kontaktuppgifter) and the browser's permission, asked for by a
//! button (never on page load). A notification says no more than an SMS would: no health data.
//!
//! When the app is closed entirely, Web Push reaches the devices the resident turned it on for
//! (Inställningar, `pages/settings/push.rs`; the service worker shows it); the SMS from the
//! outbox is the fallback for everyone else (as 1177 does it).

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{NotificationOptions, NotificationPermission};

/// Whether this browser can show notifications at all.
pub fn supported() -> bool {
    js_sys::Reflect::has(&js_sys::global(), &"Notification".into()).unwrap_or(false)
        && web_sys::window()
            .is_some_and(|w| js_sys::Reflect::has(&w.navigator(), &"serviceWorker".into()).unwrap_or(false))
}

/// The browser's permission now.
pub fn permission() -> NotificationPermission {
    if supported() { web_sys::Notification::permission() } else { NotificationPermission::Denied }
}

/// Asks the browser for permission (call from a click); the answer.
pub async fn request() -> NotificationPermission {
    if !supported() {
        return NotificationPermission::Denied;
    }
    let Ok(promise) = web_sys::Notification::request_permission() else { return permission() };
    let _ = JsFuture::from(promise).await;
    permission()
}

/// Shows `title`/`body` as a system notification that opens `url` when clicked. `tag` replaces
/// an earlier notification with the same tag instead of stacking them.
pub async fn show(title: &str, body: &str, url: &str, tag: &str) -> bool {
    if permission() != NotificationPermission::Granted {
        return false;
    }
    let Some(window) = web_sys::window() else { return false };
    let Ok(ready) = window.navigator().service_worker().ready() else { return false };
    let Ok(registration) = JsFuture::from(ready).await else { return false };
    let Ok(registration) = registration.dyn_into::<web_sys::ServiceWorkerRegistration>() else { return false };
    let options = NotificationOptions::new();
    options.set_body(body);
    options.set_tag(tag);
    options.set_icon("/icons/icon-192.png");
    let data = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&data, &"url".into(), &url.into());
    options.set_data(&data);
    match registration.show_notification_with_options(title, &options) {
        Ok(p) => JsFuture::from(p).await.is_ok(),
        Err(_) => false,
    }
}

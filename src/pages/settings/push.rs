//! Pushnotiser on this device (Web Push): "din tur", a new chat message and a new inbox message
//! reach the phone even when the app is closed. Only after a tap (the browser asks for
//! permission then, never on page load; iOS allows it only from a home-screen app and a user
//! gesture, and the section says so there). The subscription goes to the server
//! (`PUT /push/subscription`); turning it off ends it in the browser and on the server. The
//! service worker shows what arrives (`public/sw.js`, `push`).

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{NotificationPermission, PushSubscription, ServiceWorkerRegistration};

use crate::{
    api::{ApiError, use_api},
    i18n::use_i18n,
    t,
};

/// Where this device stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PushState {
    /// The browser has no Web Push.
    Unsupported,
    /// iPhone or iPad in the browser: push only from the home-screen app.
    HomeScreenFirst,
    /// The server sends no pushes.
    Unavailable,
    /// The user blocked notifications for the app.
    Denied,
    On,
    Off,
}

/// Whether the browser has Web Push (and a service worker to show what arrives).
fn supported() -> bool {
    crate::notify::supported() && js_sys::Reflect::has(&js_sys::global(), &"PushManager".into()).unwrap_or(false)
}

/// An iPhone or iPad (iPadOS says it is a Mac with a touch screen).
fn ios() -> bool {
    let Some(navigator) = web_sys::window().map(|w| w.navigator()) else { return false };
    let agent = navigator.user_agent().unwrap_or_default();
    agent.contains("iPhone")
        || agent.contains("iPad")
        || agent.contains("iPod")
        || (agent.contains("Macintosh") && navigator.max_touch_points() > 1)
}

/// The service worker's registration, if the app has one (not waiting for one that may never
/// come: a browser that blocks service workers).
async fn registration() -> Option<ServiceWorkerRegistration> {
    let found = web_sys::window()?.navigator().service_worker().get_registration();
    JsFuture::from(found).await.ok()?.dyn_into().ok()
}

/// This device's subscription, if it has one.
async fn subscription() -> Option<PushSubscription> {
    let manager = registration().await?.push_manager().ok()?;
    let found = JsFuture::from(manager.get_subscription().ok()?).await.ok()?;
    // (the browser promises a PushSubscription or null; no instanceof check, so a polyfill works)
    (!found.is_null() && !found.is_undefined()).then(|| found.unchecked_into())
}

async fn probe(api: crate::api::Api) -> PushState {
    if !supported() {
        return if ios() && !crate::browser::standalone() {
            PushState::HomeScreenFirst
        } else {
            PushState::Unsupported
        };
    }
    if let Err(ApiError::Status { status: 404, .. }) = api.push_key().await {
        return PushState::Unavailable;
    }
    if crate::notify::permission() == NotificationPermission::Denied {
        return PushState::Denied;
    }
    if subscription().await.is_some() { PushState::On } else { PushState::Off }
}

/// The server's key as the bytes `applicationServerKey` takes.
fn key_bytes(base64url: &str) -> Option<js_sys::Uint8Array> {
    let standard: String = base64url
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    let padded = format!("{standard}{}", "=".repeat((4 - standard.len() % 4) % 4));
    let binary = web_sys::window()?.atob(&padded).ok()?;
    let bytes: Vec<u8> = binary.chars().map(|c| c as u32 as u8).collect();
    Some(js_sys::Uint8Array::from(bytes.as_slice()))
}

/// Asks for permission, subscribes at the browser's push service and tells the server.
async fn turn_on(api: crate::api::Api) -> Result<PushState, ()> {
    if crate::notify::request().await != NotificationPermission::Granted {
        return Ok(PushState::Denied);
    }
    let key = api.push_key().await.map_err(|_| ())?;
    let manager = registration().await.and_then(|r| r.push_manager().ok()).ok_or(())?;
    let options = web_sys::PushSubscriptionOptionsInit::new();
    options.set_user_visible_only(true);
    options.set_application_server_key(&key_bytes(&key.public_key).ok_or(())?.into());
    let promise = manager.subscribe_with_options(&options).map_err(|_| ())?;
    let subscribed: PushSubscription = JsFuture::from(promise).await.map_err(|_| ())?.unchecked_into();
    let json = js_sys::JSON::stringify(&JsValue::from(&subscribed)).ok().and_then(|s| s.as_string()).ok_or(())?;
    if api.push_subscribe(&json).await.is_err() {
        // the server does not know it: the browser must not keep it either
        if let Ok(p) = subscribed.unsubscribe() {
            let _ = JsFuture::from(p).await;
        }
        return Err(());
    }
    Ok(PushState::On)
}

/// Ends this device's subscription in the browser and on the server.
async fn turn_off(api: crate::api::Api) -> Result<PushState, ()> {
    if let Some(sub) = subscription().await {
        let endpoint = sub.endpoint();
        if let Ok(p) = sub.unsubscribe() {
            let _ = JsFuture::from(p).await;
        }
        api.push_unsubscribe(&endpoint).await.map_err(|_| ())?;
    }
    Ok(PushState::Off)
}

#[component]
pub fn PushSetting() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let probed = LocalResource::new(move || probe(api));
    let toggle = Action::new_local(move |on: &bool| {
        let on = *on;
        async move { if on { turn_on(api).await } else { turn_off(api).await } }
    });
    // the last toggle's outcome, else what the probe found
    let state = move || match toggle.value().get() {
        Some(Ok(state)) => Some(state),
        _ => probed.get(),
    };
    let failed = move || matches!(toggle.value().get(), Some(Err(())));
    let button = move |on: bool| {
        view! {
            <p>
                <button type="button" class="button button--secondary" disabled=move || toggle.pending().get()
                    on:click=move |_| { toggle.dispatch(on); }>
                    {move || if on { i18n.t().settings_push_turn_on } else { i18n.t().settings_push_turn_off }}
                </button>
            </p>
        }
    };
    view! {
        <section aria-labelledby="push-heading" data-testid="push-setting">
            <h2 id="push-heading">{t!(i18n.settings_push_heading)}</h2>
            <p>{t!(i18n.settings_push_body)}</p>
            // its own boundary: the page never waits for the browser's answer
            <Transition fallback=|| ()>
            {move || state().map(|s| match s {
                PushState::Unsupported => view! { <p>{t!(i18n.settings_push_unsupported)}</p> }.into_any(),
                PushState::HomeScreenFirst => view! { <p>{t!(i18n.settings_push_home_screen)}</p> }.into_any(),
                PushState::Unavailable => view! { <p>{t!(i18n.settings_push_unavailable)}</p> }.into_any(),
                PushState::Denied => view! { <p>{t!(i18n.settings_push_denied)}</p> }.into_any(),
                PushState::On => view! { <p>{t!(i18n.settings_push_is_on)}</p> {button(false)} }.into_any(),
                PushState::Off => view! { <p>{t!(i18n.settings_push_is_off)}</p> {button(true)} }.into_any(),
            })}
            </Transition>
            <p role="status" data-testid="push-status">
                {move || if failed() {
                    i18n.t().settings_push_failed
                } else {
                    match toggle.value().get() {
                        Some(Ok(PushState::On)) => i18n.t().settings_push_turned_on,
                        Some(Ok(PushState::Off)) => i18n.t().settings_push_turned_off,
                        _ => "",
                    }
                }}
            </p>
        </section>
    }
}

//! Service-worker registration and the "new version" flow.
//!
//! `sw.js` is generated at release build (`cargo xtask post-build`) with the list of files to
//! precache. A new build installs in the background and *waits*; [`UpdateState::available`]
//! turns true and the app offers "Uppdatera". Pressing it tells the waiting worker to take
//! over and reloads the page once it controls it. Nothing is reloaded without the user's say,
//! so no typed text is lost to an update.

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorkerContainer, ServiceWorkerRegistration, ServiceWorkerState};

/// Whether a new version is installed and waiting (context).
#[derive(Clone, Copy)]
pub struct UpdateState {
    pub available: RwSignal<bool>,
}

fn sw_container() -> Option<ServiceWorkerContainer> {
    let navigator = web_sys::window()?.navigator();
    // `serviceWorker` is missing on insecure origins and in some embedded browsers.
    let has = js_sys::Reflect::has(&navigator, &JsValue::from_str("serviceWorker")).unwrap_or(false);
    has.then(|| navigator.service_worker())
}

/// Registers `/sw.js` and watches for waiting updates.
pub fn register(state: UpdateState) {
    let Some(container) = sw_container() else { return };
    leptos::task::spawn_local(async move {
        let Ok(reg) = JsFuture::from(container.register("/sw.js")).await else { return };
        let Ok(reg) = reg.dyn_into::<ServiceWorkerRegistration>() else { return };
        let has_controller = move || sw_container().and_then(|c| c.controller()).is_some();
        if reg.waiting().is_some() && has_controller() {
            state.available.set(true);
        }
        let reg2 = reg.clone();
        let on_update_found = Closure::<dyn FnMut()>::new(move || {
            let Some(installing) = reg2.installing() else { return };
            let worker = installing.clone();
            let on_state = Closure::<dyn FnMut()>::new(move || {
                // Installed while another version controls the page: an update is waiting.
                if worker.state() == ServiceWorkerState::Installed && has_controller() {
                    state.available.set(true);
                }
            });
            installing.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
            on_state.forget();
        });
        reg.set_onupdatefound(Some(on_update_found.as_ref().unchecked_ref()));
        on_update_found.forget();
    });
}

/// Activates the waiting version and reloads when it has taken over.
pub fn apply_update() {
    let Some(container) = sw_container() else { return };
    let reload = Closure::<dyn FnMut()>::new(|| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    });
    container.set_oncontrollerchange(Some(reload.as_ref().unchecked_ref()));
    reload.forget();
    leptos::task::spawn_local(async move {
        let Ok(reg) = JsFuture::from(container.get_registration()).await else { return };
        let Ok(reg) = reg.dyn_into::<ServiceWorkerRegistration>() else { return };
        if let Some(waiting) = reg.waiting() {
            let _ = waiting.post_message(&JsValue::from_str("SKIP_WAITING"));
        }
    });
}

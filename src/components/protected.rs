//! Routes that need a signed-in user. Signed out: to `/logga-in?next=<here>` (and back after
//! the login). Signed in without contact details (the first login): to `/kontaktuppgifter`
//! first. While the session is unknown (starting, or offline with nothing known) it says so.

use leptos::prelude::*;
use leptos_router::{
    NavigateOptions,
    hooks::{use_location, use_navigate},
};

use crate::{
    auth::{AuthState, use_auth},
    i18n::use_i18n,
};

/// `path?next=<here>`, with `here` encoded.
pub fn with_next(path: &str, here: &str) -> String {
    format!("{path}?next={}", String::from(js_sys::encode_uri_component(here)))
}

#[component]
pub fn Protected(
    /// Skip the first-login check (the contact page itself).
    #[prop(optional)]
    allow_unregistered: bool,
    children: ChildrenFn,
) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let api = crate::api::use_api();
    let navigate = use_navigate();
    let location = use_location();
    let here = move || format!("{}{}", location.pathname.get_untracked(), location.search.get_untracked());
    let unregistered = move || auth.contact().is_some_and(|c| !c.registered);
    // Navigation is a side effect of the auth state, so an effect (nothing is copied into a signal).
    // The redirect waits a tick: the router commits the URL of the navigation that brought us
    // here after rendering, and replacing before that would replace the previous page instead.
    Effect::new(move |_| {
        let target = match auth.state() {
            AuthState::SignedOut => Some(with_next("/logga-in", &here())),
            AuthState::SignedIn(_) if !allow_unregistered && unregistered() => {
                Some(with_next("/kontaktuppgifter", &here()))
            }
            _ => None,
        };
        if let Some(target) = target {
            let navigate = navigate.clone();
            set_timeout(
                move || navigate(&target, NavigateOptions { replace: true, ..Default::default() }),
                std::time::Duration::ZERO,
            );
        }
    });
    // Signed in and, unless this is the contact page, known to have contact details.
    let ready = move || {
        matches!(auth.state(), AuthState::SignedIn(_))
            && (allow_unregistered || auth.contact().is_some_and(|c| c.registered))
    };
    view! {
        <Show when=ready fallback=move || view! {
            // offline with nothing known (or the session known to have ended): say so, not "Laddar"
            <p role="status">{move || if api.reachable() { i18n.t().loading } else { i18n.t().loading_offline }}</p>
        }>
            {children()}
        </Show>
    }
}

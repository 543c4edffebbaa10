//! The root component: language, runtime configuration, then the routed shell.
//!
//! Start-up order: read `/config.json` -> on success provide the [`Api`] client and the
//! configuration as context, register the service worker, check the API's health, and render
//! the router with the [`Frame`] (`Entry`): the start page from the first module while signed
//! out on `/`, then the app chunk's parts ([`AppParts`]). A missing or malformed configuration shows
//! [`ConfigErrorScreen`] instead: never a blank page.

use leptos::prelude::*;
use leptos_router::{
    components::{Route, Router, Routes},
    hooks::use_location,
    location::{BrowserUrl, LocationProvider},
    path,
};

use crate::{
    api::Api,
    chunks::{ChunkFailed, Lazy, Screen, lazy},
    components::{
        acting_bar::ActingBar,
        layout::{Frame, HeaderAccount},
        session_timer::SessionTimer,
    },
    config::{self, AppConfig, ConfigError},
    i18n::{provide_i18n, use_i18n},
    pages::{not_found::NotFoundPage, start::StartPage},
    pwa, t,
};

#[component]
pub fn App() -> impl IntoView {
    let i18n = provide_i18n();
    // the configuration and the remembered language (if not Swedish) load side by side; a
    // language the region adds in the configuration can be restored only after it
    let config = LocalResource::new(move || async move {
        let (config, ()) = futures::future::join(config::load(), i18n.restore()).await;
        if let Ok(config) = &config {
            crate::i18n::register(&config.languages);
            i18n.restore().await;
        }
        config
    });
    // Not a `Suspense`: the frame reads resources that load again while the app is in use (the
    // session, the unread count on every route change, the API's health); under a `Suspense`
    // each of those loads would swap the whole app for the splash and back, taking the focus and
    // any tap or key press with it. The configuration is the one thing to wait for here.
    move || match config.get() {
        None => view! { <p class="splash" role="status">{t!(i18n.loading)}</p> }.into_any(),
        Some(config) => {
            // The start page prerendered into index.html (xtask/src/prerender.rs) goes now: the
            // view below is mounted in this same task, so no paint (and no test) sees both, or
            // neither.
            if let Some(prerendered) = document().get_element_by_id("prerender") {
                prerendered.remove();
            }
            match config {
                Ok(config) => view! { <Routed config /> }.into_any(),
                Err(error) => view! { <ConfigErrorScreen error /> }.into_any(),
            }
        }
    }
}

#[component]
fn Routed(config: AppConfig) -> impl IntoView {
    let api = Api::new(config.api_base_url.clone());
    provide_context(api);
    let update = pwa::UpdateState { available: RwSignal::new(false) };
    provide_context(update);
    if config.features.service_worker {
        pwa::register(update);
    }
    provide_context(config);

    // Ask the API once at start (and again on every retry) so an outage shows at once,
    // not only when a screen needs data. The result only feeds `Api::reachable`; the resource
    // re-runs by itself whenever the epoch changes.
    let _health = LocalResource::new(move || {
        api.epoch();
        async move { api.ping().await }
    });

    // the waiting-room tablet: no frame, no menu, no session (see `pages::kiosk`)
    let kiosk = window().location().pathname().is_ok_and(|p| p == "/kiosk" || p.starts_with("/kiosk/"));
    if kiosk {
        return view! { <Lazy screen=Screen::Kiosk /> }.into_any();
    }

    view! {
        <Router>
            <Entry />
        </Router>
    }
    .into_any()
}

/// What the app chunk adds to the first module's [`Frame`]: the session (provided as context
/// when [`app_parts`] runs), the header's signed-in part, the person chooser and session timer,
/// and the route tree.
#[derive(Clone)]
pub struct AppParts {
    signed_in: Signal<bool>,
    unread: Signal<Option<u32>>,
    account: ViewFn,
    notices: ViewFn,
    routes: ViewFn,
}

/// Which screen the frame holds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Holds {
    /// The first module's start page: on `/` until the app chunk is here (signed out, or a
    /// session found and the chunk on its way).
    Start,
    /// The app chunk is on its way.
    Loading,
    /// The app chunk could not be fetched.
    Failed,
    /// The route tree from the app chunk.
    Routes,
}

/// The [`Frame`], built once, around the start page while the visitor is signed out and has not
/// left `/`: all the first module needs. Any other route, a session, or the first link followed
/// from the start page loads the app chunk ([`AppParts`]); its parts then fill the frame, and it
/// stays.
#[component]
fn Entry() -> impl IntoView {
    let api = crate::api::use_api();
    let location = use_location();
    // Neither question below is a resource: the frame holds what it knows and changes when an
    // answer comes, and nothing here ever waits in a `Suspense` (see `App`).
    // offline, the API client answers with the session kept on the device (`crate::offline`)
    // Asked only on `/`: any other route loads the app chunk anyway, and its session asks.
    let session_found = RwSignal::new(false);
    if location.pathname.get_untracked() == "/" {
        // a device that had a session last time fetches the app chunk while the server is
        // asked (only fetched: the app's parts are made once a session is found, and the
        // session's answer is not asked for twice)
        if crate::auth::had_session() {
            leptos::task::spawn_local(async {
                let _ = crate::chunks::app().await;
            });
        }
        leptos::task::spawn_local(async move {
            match api.signed_in().await {
                Some(true) => session_found.set(true),
                // the server says no one: the next visit does not fetch the app chunk ahead
                Some(false) => crate::auth::remember_session(false),
                None => {}
            }
        });
    }
    let wanted = Memo::new(move |before: Option<&bool>| {
        before.copied().unwrap_or(false) || location.pathname.get() != "/" || session_found.get()
    });
    // the app chunk's parts are made in this component's owner, so the session it provides is
    // there for every route and for the frame's slots
    let owner = Owner::current();
    let load = Action::new_local(move |(): &()| {
        let owner = owner.clone();
        // the screen of the address comes beside the app chunk, not after it
        crate::chunks::prefetch(&location.pathname.get_untracked());
        async move { crate::chunks::app().await.map(|make| owner.map_or_else(make, |owner| owner.with(make))) }
    });
    // fetched once needed, and again on "Försök igen" (`attempt`)
    let attempt = RwSignal::new(0_u32);
    Effect::new(move |_| {
        attempt.track();
        if wanted.get() {
            load.dispatch(());
        }
    });
    let parts = load.value();
    let loaded = move || parts.get().and_then(Result::ok);
    // On `/` the start page stays while the chunk comes (a session was found): it is the same
    // page the chunk's route tree shows, so a signed-in user sees no "Laddar …" in between. If
    // the chunk cannot be had, its links say so when followed.
    let holds = Memo::new(move |_| match parts.get() {
        Some(Ok(_)) => Holds::Routes,
        _ if !wanted.get() || location.pathname.get() == "/" => Holds::Start,
        Some(Err(_)) if !load.pending().get() => Holds::Failed,
        _ => Holds::Loading,
    });
    let header_signed_in = Signal::derive(move || loaded().is_some_and(|p| p.signed_in.get()));
    let unread = Signal::derive(move || loaded().and_then(|p| p.unread.get()));
    let account = ViewFn::from(move || loaded().map(|p| p.account.run()));
    let notices = ViewFn::from(move || loaded().map(|p| p.notices.run()));
    let i18n = use_i18n();
    view! {
        <Frame signed_in=header_signed_in unread account notices>
            {move || match holds.get() {
                Holds::Start => view! { <StartPage /> }.into_any(),
                Holds::Loading => view! { <p role="status">{t!(i18n.loading)}</p> }.into_any(),
                Holds::Failed => view! { <ChunkFailed attempt /> }.into_any(),
                Holds::Routes => loaded().map(|p| p.routes.run()).into_any(),
            }}
        </Frame>
    }
}

/// The app chunk's parts (see [`AppParts`]), made in the frame's owner.
pub fn app_parts() -> AppParts {
    let api = crate::api::use_api();
    let auth = crate::auth::provide_auth(api);
    let badge = crate::components::inbox_badge::provide_inbox_badge(api);
    let signed_in = Memo::new(move |_| auth.session().is_some());
    crate::components::inbox_badge::use_inbox_stream(signed_in);
    // A link on the start page was followed before the route tree existed; the router writes
    // the new URL into the address bar (and history) only once its routes say they are ready.
    if let Some(location) = use_context::<BrowserUrl>() {
        location.ready_to_complete();
    }
    AppParts {
        signed_in: signed_in.into(),
        unread: Signal::derive(move || badge.unread()),
        account: ViewFn::from(move || view! { <HeaderAccount signed_in /> }),
        notices: ViewFn::from(|| {
            view! {
                <ActingBar />
                <SessionTimer />
            }
        }),
        routes: ViewFn::from(AppRoutes),
    }
}

/// Every route of the app (each screen family a chunk of its own).
#[component]
fn AppRoutes() -> impl IntoView {
    view! {
        <Routes fallback=NotFoundPage>
            <Route path=path!("/") view=StartPage />
            <Route path=path!("/sok-vard") view=lazy(Screen::SeekCare) />
            <Route path=path!("/sok-vard/ny") view=lazy(Screen::Rules) />
            <Route path=path!("/sok-vard/ny/vem") view=lazy(Screen::Whom) />
            <Route path=path!("/sok-vard/ny/mottagning") view=lazy(Screen::Unit) />
            <Route path=path!("/sok-vard/ny/beskriv") view=lazy(Screen::Describe) />
            <Route path=path!("/sok-vard/ny/besvar/:form") view=lazy(Screen::SymptomForm) />
            <Route path=path!("/sok-vard/ny/granska") view=lazy(Screen::Review) />
            <Route path=path!("/kontaktuppgifter") view=lazy(Screen::Contact) />
            <Route path=path!("/arenden") view=lazy(Screen::Cases) />
            <Route path=path!("/arenden/:id") view=lazy(Screen::Case) />
            <Route path=path!("/bokade-tider") view=lazy(Screen::Visits) />
            <Route path=path!("/boka-tid") view=lazy(Screen::Book) />
            <Route path=path!("/bokade-tider/:id") view=lazy(Screen::Visit) />
            <Route path=path!("/kvitto/:id") view=lazy(Screen::Receipt) />
            <Route path=path!("/inkorg") view=lazy(Screen::Inbox) />
            <Route path=path!("/inkorg/:id") view=lazy(Screen::Message) />
            <Route path=path!("/e-tjanster") view=lazy(Screen::EServices) />
            <Route path=path!("/e-tjanster/:unit") view=lazy(Screen::UnitEServices) />
            <Route path=path!("/e-tjanster/:unit/:service") view=lazy(Screen::EServiceForm) />
            <Route path=path!("/e-arende/:id") view=lazy(Screen::Errand) />
            <Route path=path!("/installningar") view=lazy(Screen::Settings) />
            <Route path=path!("/tillganglighet") view=lazy(Screen::Accessibility) />
            <Route path=path!("/forhandsgranska") view=lazy(Screen::Preview) />
            <Route path=path!("/logga-in") view=lazy(Screen::Login) />
        </Routes>
    }
}

/// Shown when `/config.json` is missing, unreachable or malformed.
#[component]
fn ConfigErrorScreen(error: ConfigError) -> impl IntoView {
    let i18n = use_i18n();
    leptos::logging::warn!("configuration error: {error:?}");
    let reason = move || match &error {
        ConfigError::Unreachable => i18n.t().config_error_unreachable,
        ConfigError::Missing(_) => i18n.t().config_error_missing,
        ConfigError::Malformed(_) => i18n.t().config_error_malformed,
    };
    Effect::new(move |_| document().set_title(i18n.t().config_error_title));
    view! {
        <main id="main" class="error-screen">
            <h1>{t!(i18n.config_error_title)}</h1>
            <p>{reason}</p>
            <p>
                <button type="button" class="button" on:click=|_| {
                    let _ = window().location().reload();
                }>{t!(i18n.action_retry)}</button>
            </p>
            <aside class="notice notice--warning" aria-labelledby="config-error-emergency">
                <h2 id="config-error-emergency">{t!(i18n.emergency_heading)}</h2>
                <p>{t!(i18n.emergency_body)}</p>
            </aside>
        </main>
    }
}

//! `/logga-in`: BankID on this device (autostart from a button) or on another device (an
//! animated QR code drawn here from the server's content, refreshed every second). The order
//! lives on the server, so a reload or a return from the BankID app continues it.

pub mod messages;

use ingang_api::auth::{LoginState, LoginStatus, rfa_code};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::{
    api::use_api,
    auth::use_auth,
    components::{page::Page, qr_code::QrCode},
    i18n::use_i18n,
    t,
};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Stage {
    Choose,
    /// `returns`: BankID was given the page to return to (RP API v6.0 `returnUrl`).
    Pending {
        same_device: bool,
        auto_start_token: Option<String>,
        returns: bool,
    },
    Failed {
        code: &'static str,
    },
}

/// BankID's launch link on this device. With a `returnUrl` on the order BankID returns the user
/// by it (the link needs no `redirect`); without one, `redirect=null`: BankID returns nowhere,
/// and the user switches back to the app.
fn launch_link(auto_start_token: &str, returns: bool) -> String {
    let token = String::from(js_sys::encode_uri_component(auto_start_token));
    if returns {
        format!("https://app.bankid.com/?autostarttoken={token}")
    } else {
        format!("https://app.bankid.com/?autostarttoken={token}&redirect=null")
    }
}

/// A login that could not start because too many did (the server's 429).
const BUSY: &str = "busy";

/// A safe in-app return path from `?next=` (never another origin). A browser drops tabs and
/// newlines from an address and reads `\` as `/`, so `/\t/evil.example` would be
/// `//evil.example`: any control character or whitespace is refused too.
pub fn safe_next(next: Option<String>) -> String {
    next.filter(|n| {
        n.starts_with('/')
            && !n.starts_with("//")
            && !n.contains('\\')
            && !n.chars().any(|c| c.is_control() || c.is_whitespace())
    })
    .unwrap_or_else(|| "/".into())
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let auth = use_auth();
    let navigate = use_navigate();
    let query = use_query_map();
    let next = move || safe_next(query.with(|q| q.get("next")));
    let stage = RwSignal::new(Stage::Choose);
    let status = RwSignal::new(None::<LoginStatus>);
    let busy = StoredValue::new(false);
    // Which order the screen is about: changed when the user starts one or cancels. A poll
    // answered after that speaks of an order the user has left ("Avbryt" would otherwise be
    // undone by "Åtgärden avbruten" from a poll that was on its way), so it is not news.
    let order = StoredValue::new(0_u32);

    // One poll: the order's status, the QR content, and what to do when it ends.
    let poll = move || {
        if busy.get_value() {
            return;
        }
        busy.set_value(true);
        let asked_for = order.get_value();
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let result = api.login_status().await;
            let _ = busy.try_set_value(false);
            if order.try_get_value() != Some(asked_for) {
                return;
            }
            match result {
                Ok(Some(s)) => match s.status {
                    LoginState::Pending => status.set(Some(s)),
                    LoginState::Failed => {
                        let code = rfa_code(s.status, s.hint_code.as_deref(), true);
                        status.set(None);
                        stage.set(Stage::Failed { code });
                    }
                    LoginState::Complete => {
                        status.set(None);
                        stage.set(Stage::Choose);
                        auth.refresh();
                        navigate(&next(), Default::default());
                    }
                },
                // the order is gone (cancelled elsewhere, or collected): start over
                Ok(None) => {
                    if matches!(stage.try_get_untracked(), Some(Stage::Pending { .. })) {
                        stage.set(Stage::Failed { code: "RFA22" });
                    }
                }
                Err(_) => {} // offline for a moment: the banner says so, the next poll retries
            }
        });
    };
    let poll = StoredValue::new(poll);

    // Poll every second while an order is pending. The interval also ends with the page: a
    // completed login navigates away before the effect could run again, and a tick after that
    // must not reach the page's disposed values.
    let interval = StoredValue::new(None::<IntervalHandle>);
    Effect::new(move |_| {
        if let Some(h) = interval.try_update_value(Option::take).flatten() {
            h.clear();
        }
        if matches!(stage.get(), Stage::Pending { .. }) {
            poll.with_value(|p| p());
            let p = poll;
            let handle =
                set_interval_with_handle(move || _ = p.try_with_value(|f| f()), std::time::Duration::from_secs(1)).ok();
            interval.set_value(handle);
        }
    });
    on_cleanup(move || {
        if let Some(h) = interval.try_update_value(Option::take).flatten() {
            h.clear();
        }
    });

    // A reload (or the return from the BankID app) continues an order in progress (unless the
    // user has started or cancelled one meanwhile).
    let asked_for = order.get_value();
    leptos::task::spawn_local(async move {
        if let Ok(Some(s)) = api.login_status().await
            && s.status == LoginState::Pending
            && order.try_get_value() == Some(asked_for)
        {
            let same_device = s.qr.is_none();
            status.set(Some(s));
            stage.set(Stage::Pending { same_device, auto_start_token: None, returns: false });
        }
    });

    // In a browser tab BankID brings the user back to this page when done; a home-screen app
    // cannot be opened by a link (iOS would open Safari instead), so there the user switches back.
    let start = move |same_device: bool| {
        order.update_value(|n| *n = n.wrapping_add(1));
        leptos::task::spawn_local(async move {
            let return_url = (same_device && !crate::browser::standalone()).then(crate::browser::page_url);
            match api.start_login(same_device, return_url).await {
                Ok(started) => {
                    status.set(None);
                    // an API that did not pass the page on to BankID (or knows no returnUrl): none
                    let returns = started.return_url_accepted;
                    stage.set(Stage::Pending { same_device, auto_start_token: started.auto_start_token, returns });
                }
                // too many starts (429): a message of our own, not BankID's
                Err(crate::api::ApiError::Status { status: 429, .. }) => stage.set(Stage::Failed { code: BUSY }),
                Err(_) => stage.set(Stage::Failed { code: "RFA5" }),
            }
        });
    };
    let cancel = move |_| {
        order.update_value(|n| *n = n.wrapping_add(1));
        leptos::task::spawn_local(async move {
            let _ = api.cancel_login().await;
            status.set(None);
            stage.set(Stage::Choose);
        });
    };
    let message = move || {
        let locale = i18n.locale();
        match stage.get() {
            Stage::Pending { same_device, .. } => {
                let s = status.get();
                let hint =
                    s.as_ref().and_then(|s| s.hint_code.clone()).unwrap_or_else(|| "outstandingTransaction".into());
                messages::message(rfa_code(LoginState::Pending, Some(&hint), !same_device), locale)
            }
            Stage::Failed { code: BUSY } => i18n.t().login_busy,
            Stage::Failed { code } => messages::message(code, locale),
            Stage::Choose => "",
        }
    };
    let qr = Signal::derive(move || status.get().and_then(|s| s.qr));

    view! {
        <Page title=|t| t.login_title>
            {move || auth.session().map(|s| {
                let name = s.user.name.clone();
                view! {
                    <p class="notice notice--success">{move || i18n.t().login_signed_in.replace("{name}", &name)}</p>
                    <p><a class="button" href=next()>{t!(i18n.login_continue)}</a></p>
                }
            })}
            {move || (query.with(|q| q.get("orsak")).as_deref() == Some("inaktivitet") && auth.session().is_none()).then(|| view! {
                <div class="notice notice--warning" role="alert" data-testid="idle-logged-out">
                    <p>{t!(i18n.session_logged_out_idle)}</p>
                </div>
            })}
            <p class="lead">{t!(i18n.login_lead)}</p>
            {move || match stage.get() {
                Stage::Choose => view! {
                    <p>{t!(i18n.login_question)}</p>
                    <div class="login-choices">
                        <button type="button" class="button" on:click=move |_| start(true)>{t!(i18n.login_same_device)}</button>
                        <button type="button" class="button button--secondary" on:click=move |_| start(false)>{t!(i18n.login_other_device)}</button>
                    </div>
                }.into_any(),
                Stage::Pending { same_device, auto_start_token, returns } => {
                    let link = auto_start_token.map(|t| launch_link(&t, returns));
                    view! {
                        <div class="login-pending">
                            {(!same_device).then(|| view! {
                                <p>{t!(i18n.login_qr_help)}</p>
                                <QrCode content=qr label=Signal::derive(move || i18n.t().login_qr_label) />
                            })}
                            {link.map(|href| view! {
                                <p><a class="button" href=href>{t!(i18n.login_start_app)}</a></p>
                            })}
                            <p role="status" aria-live="polite" class="login-status" data-testid="login-status">{message}</p>
                            <p><button type="button" class="button button--secondary" on:click=cancel>{t!(i18n.login_cancel)}</button></p>
                        </div>
                    }.into_any()
                }
                Stage::Failed { .. } => view! {
                    <div class="notice notice--warning" role="alert" data-testid="login-status">
                        <p>{message}</p>
                    </div>
                    <p><button type="button" class="button" on:click=move |_| stage.set(Stage::Choose)>{t!(i18n.login_retry)}</button></p>
                }.into_any(),
            }}
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_in_the_app() {
        assert_eq!(safe_next(Some("/arenden".into())), "/arenden");
        assert_eq!(safe_next(Some("//evil.example".into())), "/");
        assert_eq!(safe_next(Some("https://evil.example".into())), "/");
        assert_eq!(safe_next(Some("/\\evil".into())), "/");
        for evil in ["/\t/evil.example", "/\n/evil.example", "/\r/evil.example", " //evil.example", "/\u{0}/evil"] {
            assert_eq!(safe_next(Some(evil.into())), "/", "{evil:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}

//! Signs the user out after inactivity, warning first (WCAG 2.2.1: the user can extend).
//!
//! - User activity (keys, pointer, input) sends a keepalive now and then, which moves the
//!   server's deadline; reading data does not count.
//! - [`warn_lead`] seconds before the deadline the app asks the server how long is left (another
//!   tab may have kept the session alive) and, if it really is ending, opens a modal alert dialog
//!   with "Fortsätt vara inloggad" (focused) and "Logga ut".
//! - At the deadline: to the login page with `?orsak=inaktivitet&next=<here>`. Drafts stay on the
//!   device, encrypted (see `drafts`), and come back after the next login.

use leptos::{html, prelude::*};
use leptos_router::hooks::{use_location, use_navigate};

use crate::{
    api::{ApiError, use_api},
    auth::{AuthState, use_auth},
    components::protected::with_next,
    i18n::use_i18n,
    t,
};

/// Seconds before the end that the warning opens: 60, or a third of a very short timeout.
pub fn warn_lead(idle_seconds: u32) -> u32 {
    60.min(idle_seconds / 3)
}

/// At most one keepalive per this many seconds of activity.
pub fn keepalive_every(idle_seconds: u32) -> u32 {
    60.min(idle_seconds / 4).max(1)
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

#[component]
pub fn SessionTimer() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let api = use_api();
    let navigate = use_navigate();
    let location = use_location();
    let dialog = NodeRef::<html::Dialog>::new();
    let open = RwSignal::new(false);
    let seconds_left = RwSignal::new(0u32);
    // When the session ends by the app's count (ms since the epoch), and the idle timeout.
    let deadline = StoredValue::new(None::<(f64, u32)>);
    let last_keepalive = StoredValue::new(0f64);
    let checking = StoredValue::new(false);

    // The server's deadline, `left` seconds from now; also kept on the device (see
    // `offline`: an offline reload after it shows nothing of the user).
    // Offline (the session answered from what was kept) the kept deadline stands: it is not
    // moved, as no keepalive can reach the server.
    let ends_in = move |left: u32, idle: u32| {
        let mut end = now_ms() + f64::from(left) * 1000.0;
        if api.reachable_untracked() {
            crate::offline::keep_session_until(end);
        } else if let Some(until) = crate::offline::session_until() {
            end = end.min(until);
        }
        deadline.set_value(Some((end, idle)));
    };
    // A (re)loaded session restarts the count from what the server says is left.
    Effect::new(move |_| match auth.state() {
        AuthState::SignedIn(info) => ends_in(info.idle_seconds_left, info.idle_timeout_seconds),
        AuthState::SignedOut => {
            deadline.set_value(None);
            open.set(false);
        }
        AuthState::Unknown => {}
    });
    Effect::new(move |_| {
        if let Some(d) = dialog.get() {
            if open.get() {
                if !d.open() {
                    let _ = d.show_modal();
                }
            } else if d.open() {
                d.close();
            }
        }
    });

    let expire = move || {
        open.set(false);
        deadline.set_value(None);
        let here = format!("{}{}", location.pathname.get_untracked(), location.search.get_untracked());
        let target = with_next("/logga-in", &here) + "&orsak=inaktivitet";
        if location.pathname.get_untracked() != "/logga-in" {
            navigate(&target, Default::default());
        }
        auth.refresh();
    };
    let expire = StoredValue::new(expire);

    let extend = move || {
        let Some((_, idle)) = deadline.get_value() else { return };
        last_keepalive.set_value(now_ms());
        leptos::task::spawn_local(async move {
            match api.keepalive().await {
                Ok(()) => {
                    ends_in(idle, idle);
                    open.set(false);
                }
                // Already ended (or logged out meanwhile): ask again; protected routes go to the login.
                Err(ApiError::Status { status: 401, .. }) => auth.refresh(),
                Err(_) => {} // offline: the banner says so; the next activity tries again
            }
        });
    };

    // Activity (outside the dialog) keeps the session going, throttled.
    let on_activity = move || {
        if open.get_untracked() {
            return;
        }
        if let Some((_, idle)) = deadline.get_value()
            && now_ms() - last_keepalive.get_value() >= f64::from(keepalive_every(idle)) * 1000.0
        {
            last_keepalive.set_value(now_ms());
            // A moment later, so that a click on "Logga ut" is not answered by a keepalive too.
            set_timeout(
                move || {
                    if !auth.ending() && untrack(|| auth.session().is_some()) {
                        extend();
                    }
                },
                std::time::Duration::from_millis(500),
            );
        }
    };
    let listeners = [
        window_event_listener(leptos::ev::keydown, move |_| on_activity()),
        window_event_listener(leptos::ev::pointerdown, move |_| on_activity()),
        window_event_listener(leptos::ev::input, move |_| on_activity()),
    ];

    // Once a second: open the warning, count down, end the session.
    let tick = move || {
        let Some((end, idle)) = deadline.get_value() else { return };
        let left = ((end - now_ms()) / 1000.0).ceil().max(0.0) as u32;
        if open.get_untracked() {
            seconds_left.set(left);
        }
        let due = if open.get_untracked() { left == 0 } else { left <= warn_lead(idle) };
        if !due || checking.get_value() {
            return;
        }
        // Ask the server: another tab may have kept the session alive.
        checking.set_value(true);
        leptos::task::spawn_local(async move {
            let answer = api.session().await;
            checking.set_value(false);
            match answer {
                Ok(Some(info)) if info.idle_seconds_left > warn_lead(info.idle_timeout_seconds) => {
                    ends_in(info.idle_seconds_left, info.idle_timeout_seconds);
                    open.set(false);
                }
                Ok(Some(info)) if info.idle_seconds_left > 0 => {
                    ends_in(info.idle_seconds_left, info.idle_timeout_seconds);
                    seconds_left.set(info.idle_seconds_left);
                    open.set(true);
                }
                Ok(_) => {
                    expire.try_with_value(|e| e());
                }
                Err(_) => {}
            }
        });
    };
    let interval = set_interval_with_handle(tick, std::time::Duration::from_secs(1)).ok();
    on_cleanup(move || {
        for l in listeners {
            l.remove();
        }
        if let Some(i) = interval {
            i.clear();
        }
    });

    let logout = move |_| {
        open.set(false);
        leptos::task::spawn_local(auth.logout(api, None));
    };
    view! {
        <dialog
            node_ref=dialog
            class="dialog"
            role="alertdialog"
            aria-modal="true"
            aria-labelledby="idle-title"
            aria-describedby="idle-body"
            data-testid="idle-dialog"
            on:cancel=move |ev: leptos::ev::Event| {
                // Escape means "stay": the user is clearly there.
                ev.prevent_default();
                extend();
            }
        >
            <h2 id="idle-title">{t!(i18n.session_warning_title)}</h2>
            <p id="idle-body">{t!(i18n.session_warning_body)}</p>
            <p class="dialog__count">
                {move || { let (t, n) = (i18n.t(), seconds_left.get()); crate::i18n::plural(t, t.session_seconds_left, u64::from(n)).replace("{n}", &n.to_string()) }}
            </p>
            <div class="dialog__actions">
                <button type="button" class="button" autofocus on:click=move |_| extend()>
                    {t!(i18n.session_stay)}
                </button>
                <button type="button" class="button button--secondary" on:click=logout>
                    {t!(i18n.login_logout)}
                </button>
            </div>
        </dialog>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warns_a_minute_ahead_or_at_a_third() {
        assert_eq!(warn_lead(900), 60);
        assert_eq!(warn_lead(120), 40);
        assert_eq!(warn_lead(9), 3);
        assert_eq!(keepalive_every(900), 60);
        assert_eq!(keepalive_every(12), 3);
        assert_eq!(keepalive_every(2), 1);
    }
}

//! `/kiosk`: check-in on a waiting-room tablet. Large type and buttons; the patient types their
//! personnummer (checked as typed), confirms with BankID on their own phone (the tablet shows
//! the QR code), checks in and pays (Swish by QR on their phone, or invoice).
//!
//! The tablet keeps nothing about the patient: the screens are states of one component (no
//! navigation, so no history entries), nothing is written to any storage, and the check-in's
//! token lives in memory only and is ended on reset. It resets after it is done and after 60
//! seconds without a touch or a key (`?vila=` sets another time for the tablet). It renders outside the app's frame (no menu, no session):
//! `?mottagning=<unit id>` chooses the unit (default: the first with digital check-in).

use ingang_api::{
    Service,
    personnummer::{Date, Personnummer, PnrError},
    visits::{CheckInState, KioskCheckIn, KioskState, Payment, PaymentMethod, Visit},
};
use leptos::prelude::*;

use crate::{
    api::{ApiError, use_api},
    browser::{self, moment_text},
    components::qr_code::QrCode,
    i18n::use_i18n,
    pages::visits::payment::PaymentArgs,
    t,
};

/// Idle time before the kiosk starts over (`?vila=<seconds>` sets another, 3–600).
const IDLE_MS: f64 = 60_000.0;

fn idle_ms() -> f64 {
    // whole seconds: an integer parse keeps the float parser (14 KB brotli) out of the kiosk
    query("vila")
        .and_then(|v| v.parse::<u16>().ok())
        .filter(|s| (3..=600).contains(s))
        .map(|s| f64::from(s) * 1000.0)
        .unwrap_or(IDLE_MS)
}
/// How long the "done" screen stays.
const DONE_MS: f64 = 15_000.0;

#[derive(Debug, Clone, PartialEq)]
enum Stage {
    Start,
    Identifying { id: String, qr: Option<String> },
    Failed(Why),
    Visits { id: String, name: String, visits: Vec<Visit> },
    Done,
}

/// Why the kiosk had to start over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Why {
    BankId,
    /// Too many check-ins started from here (429).
    Busy,
    WrongPerson,
    Expired,
}

impl Why {
    fn text(self, t: &crate::i18n::Strings) -> &'static str {
        match self {
            Self::BankId => t.kiosk_bankid_failed,
            Self::Busy => t.kiosk_busy,
            Self::WrongPerson => t.kiosk_bankid_wrong_person,
            Self::Expired => t.kiosk_expired,
        }
    }
}

fn today() -> Date {
    let d = js_sys::Date::new_0();
    Date::new(d.get_full_year() as i32, d.get_month() + 1, d.get_date())
}

/// The problem with a typed number, once there is enough of it to judge (10 digits or more),
/// or always when `submitted`.
pub fn pnr_problem(input: &str, today: Date, submitted: bool) -> Option<PnrError> {
    let digits = input.chars().filter(char::is_ascii_digit).count();
    if !submitted && digits < 10 {
        return None;
    }
    Personnummer::parse(input, today).err()
}

fn query(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()?.get(name).filter(|u| !u.is_empty())
}

#[component]
pub fn KioskApp() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let stage = RwSignal::new(Stage::Start);
    let token = StoredValue::new(None::<String>);
    let pnr = RwSignal::new(String::new());
    let submitted = RwSignal::new(false);
    let deadline = StoredValue::new(f64::MAX);
    let wanted = query("mottagning");
    let idle = idle_ms();
    let unit = LocalResource::new(move || {
        let wanted = wanted.clone();
        async move {
            let units = api.units().await.ok()?.units;
            units.into_iter().find(|u| match &wanted {
                Some(w) => &u.id == w,
                None => u.services.contains(&Service::CheckIn),
            })
        }
    });

    Effect::new(move |_| document().set_title(&format!("{} – {}", i18n.t().kiosk_title, i18n.t().app_name)));

    // Starts over. Deferred to its own task: it replaces the screen whose button or timer
    // called it, which must not be dropped while it runs.
    let reset = move || {
        deadline.set_value(f64::MAX);
        leptos::task::spawn_local(async move {
            if let (Some(t), Stage::Identifying { id, .. } | Stage::Visits { id, .. }) =
                (token.get_value(), stage.get_untracked())
            {
                leptos::task::spawn_local(async move {
                    let _ = api.kiosk_end(&id, &t).await;
                });
            }
            token.set_value(None);
            pnr.set(String::new());
            submitted.set(false);
            // the next person starts in Swedish, whatever the last one chose
            if i18n.locale_untracked() != crate::i18n::Locale::SV {
                i18n.set(crate::i18n::Locale::SV);
            }
            stage.set(Stage::Start);
            browser::focus_id_later("kiosk-pnr".into());
        });
    };
    let touch = move || {
        if stage.get_untracked() != Stage::Start && stage.get_untracked() != Stage::Done {
            deadline.set_value(js_sys::Date::now() + idle);
        }
    };
    let on_pointer = window_event_listener(leptos::ev::pointerdown, move |_| touch());
    let on_key = window_event_listener(leptos::ev::keydown, move |_| touch());

    // one tick a second: the idle reset, and the BankID order's progress
    let tick = move || {
        if js_sys::Date::now() > deadline.get_value() {
            reset();
            return;
        }
        let Stage::Identifying { id, .. } = stage.get_untracked() else { return };
        let Some(t) = token.get_value() else { return };
        leptos::task::spawn_local(async move {
            let answer = api.kiosk_status(&id, &t).await;
            // a reset in the meantime wins (and a screen gone meanwhile ends it: `try_`)
            if !matches!(stage.try_get_untracked(), Some(Stage::Identifying { id: ref now, .. }) if *now == id) {
                return;
            }
            match answer {
                Ok(KioskCheckIn { state: KioskState::Pending, qr, .. }) => stage.set(Stage::Identifying { id, qr }),
                Ok(KioskCheckIn { state: KioskState::Failed, hint_code, .. }) => {
                    token.set_value(None);
                    stage.set(Stage::Failed(if hint_code.as_deref() == Some("wrongPerson") {
                        Why::WrongPerson
                    } else {
                        Why::BankId
                    }));
                }
                Ok(KioskCheckIn { state: KioskState::Identified, given_name, visits, .. }) => {
                    stage.set(Stage::Visits { id, name: given_name.unwrap_or_default(), visits });
                    browser::focus_id_later("kiosk-heading".into());
                }
                Err(ApiError::Status { status: 401, .. }) => stage.set(Stage::Failed(Why::Expired)),
                Err(_) => {}
            }
        });
    };
    let interval = set_interval_with_handle(tick, std::time::Duration::from_secs(1)).ok();
    on_cleanup(move || {
        if let Some(i) = interval {
            i.clear();
        }
        on_pointer.remove();
        on_key.remove();
    });

    let start = Action::new_local(move |(unit, number): &(String, String)| {
        let (unit, number) = (unit.clone(), number.clone());
        async move { api.kiosk_start(&unit, &number).await }
    });
    Effect::new(move |_| {
        if let Some(result) = start.value().get() {
            match result {
                Ok(k) => {
                    token.set_value(Some(k.token.clone()));
                    deadline.set_value(js_sys::Date::now() + idle);
                    stage.set(Stage::Identifying { id: k.id, qr: k.qr });
                    browser::focus_id_later("kiosk-heading".into());
                }
                Err(crate::api::ApiError::Status { status: 429, .. }) => stage.set(Stage::Failed(Why::Busy)),
                Err(_) => stage.set(Stage::Failed(Why::BankId)),
            }
        }
    });
    let problem = move || pnr_problem(&pnr.get(), today(), submitted.get());
    let problem_text = move || {
        problem().map(|p| {
            let t = i18n.t();
            match p {
                PnrError::Format => t.kiosk_pnr_format,
                PnrError::Checksum => t.kiosk_pnr_checksum,
                PnrError::Date => t.kiosk_pnr_date,
                PnrError::Future => t.kiosk_pnr_future,
            }
        })
    };
    let done = Callback::new(move |_: ()| {
        deadline.set_value(js_sys::Date::now() + DONE_MS);
        stage.set(Stage::Done);
        browser::focus_id_later("kiosk-heading".into());
    });

    view! {
        <main id="main" class="kiosk">
            {move || match stage.get() {
                Stage::Start => view! {
                    <Transition fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
                        {move || Suspend::new(async move {
                            match unit.await {
                                None => view! {
                                    <h1 id="kiosk-heading" tabindex="-1">{t!(i18n.kiosk_title)}</h1>
                                    <p role="alert">{t!(i18n.kiosk_unit_missing)}</p>
                                }.into_any(),
                                Some(u) => {
                                    let (uid, uname) = (u.id.clone(), u.name.clone());
                                    view! {
                                        <h1 id="kiosk-heading" tabindex="-1">{move || i18n.t().kiosk_welcome.replace("{unit}", &uname)}</h1>
                                        <p class="lead">{t!(i18n.kiosk_lead)}</p>
                                        <form novalidate on:submit=move |ev| {
                                            ev.prevent_default();
                                            submitted.set(true);
                                            if problem().is_none() && !start.pending().get_untracked() {
                                                start.dispatch((uid.clone(), pnr.get_untracked()));
                                            } else {
                                                browser::focus_id_later("kiosk-pnr".into());
                                            }
                                        }>
                                            <div class="field">
                                                <label for="kiosk-pnr">{t!(i18n.kiosk_pnr_label)}</label>
                                                <p class="hint" id="kiosk-pnr-hint">{t!(i18n.kiosk_pnr_hint)}</p>
                                                <input id="kiosk-pnr" type="text" inputmode="numeric" autocomplete="off"
                                                    spellcheck="false" maxlength="13"
                                                    aria-describedby="kiosk-pnr-hint kiosk-pnr-error"
                                                    aria-invalid=move || problem().is_some().to_string()
                                                    prop:value=move || pnr.get()
                                                    on:input=move |ev| pnr.set(event_target_value(&ev)) />
                                                <p class="error-text" id="kiosk-pnr-error" aria-live="polite">{problem_text}</p>
                                            </div>
                                            <p><button type="submit" class="button">{t!(i18n.kiosk_next)}</button></p>
                                        </form>
                                        <p class="hint">{t!(i18n.kiosk_reset_notice)}</p>
                                        <KioskLanguages on_choose=Callback::new(move |()| deadline.set_value(js_sys::Date::now() + idle)) />
                                    }.into_any()
                                }
                            }
                        })}
                    </Transition>
                }.into_any(),
                Stage::Identifying { qr, .. } => {
                    let qr = Signal::derive(move || qr.clone());
                    view! {
                        <h1 id="kiosk-heading" tabindex="-1">{t!(i18n.kiosk_bankid_heading)}</h1>
                        <p>{t!(i18n.kiosk_bankid_help)}</p>
                        <QrCode content=qr label=Signal::derive(move || i18n.t().kiosk_bankid_qr_label) />
                        <p><button type="button" class="button button--secondary" on:click=move |_| reset()>{t!(i18n.kiosk_start_over)}</button></p>
                    }.into_any()
                }
                Stage::Failed(text) => view! {
                    <h1 id="kiosk-heading" tabindex="-1">{t!(i18n.kiosk_title)}</h1>
                    <p role="alert">{move || text.text(i18n.t())}</p>
                    <p><button type="button" class="button" on:click=move |_| reset()>{t!(i18n.kiosk_start_over)}</button></p>
                }.into_any(),
                Stage::Visits { name, visits, .. } => {
                    let items = if visits.is_empty() {
                        view! { <p>{t!(i18n.kiosk_no_visits)}</p> }.into_any()
                    } else {
                        visits.into_iter().map(|v| view! { <KioskVisit visit=v token=token.get_value().unwrap_or_default() done /> }).collect_view().into_any()
                    };
                    view! {
                        <h1 id="kiosk-heading" tabindex="-1">{move || i18n.t().kiosk_hello.replace("{name}", &name)}</h1>
                        {items}
                        <p><button type="button" class="button button--secondary" on:click=move |_| reset()>{t!(i18n.kiosk_start_over)}</button></p>
                    }.into_any()
                }
                Stage::Done => view! {
                    <h1 id="kiosk-heading" tabindex="-1">{t!(i18n.kiosk_title)}</h1>
                    <p class="notice notice--success" role="status" data-testid="kiosk-done">{t!(i18n.kiosk_done)}</p>
                    <p><button type="button" class="button" on:click=move |_| reset()>{t!(i18n.kiosk_finish)}</button></p>
                }.into_any(),
            }}
        </main>
    }
}

/// One of today's visits: check in, then pay if there is a fee.
/// Every language by its own name, as buttons: each person at the tablet reads it in theirs.
/// A choice counts as activity, so the kiosk returns to Swedish once the person has gone. The
/// buttons are markup made from the list (as the header's language menu), with one click
/// handler: a view per button cost the kiosk's first load 3 KB.
#[component]
fn KioskLanguages(on_choose: Callback<()>) -> impl IntoView {
    use crate::components::layout::{chosen_language, language_buttons};
    let i18n = use_i18n();
    let buttons = move || language_buttons("button button--secondary", Some(i18n.locale()));
    let choose = move |e: leptos::ev::MouseEvent| {
        if let Some(locale) = chosen_language(&e) {
            i18n.set(locale);
            on_choose.run(());
        }
    };
    view! {
        // a group of buttons, not navigation: the kiosk has no menu to go anywhere
        <div class="kiosk-languages" role="group" aria-labelledby="kiosk-languages" on:click=choose>
            <h2 id="kiosk-languages" class="visually-hidden">{t!(i18n.settings_language)}</h2>
            <ul inner_html=buttons></ul>
        </div>
    }
}

#[component]
fn KioskVisit(visit: Visit, token: String, done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let current = RwSignal::new(visit);
    let token = StoredValue::new(token);
    let act = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move { api.check_in(&id, Some(token.get_value().as_str())).await }
    });
    Effect::new(move |_| match act.value().get() {
        Some(Ok(v)) => {
            let free = v.amount_due.is_none();
            current.try_set(v);
            if free {
                done.run(());
            }
        }
        Some(Err(_)) => {}
        None => {}
    });
    let fee = LocalResource::new(move || {
        let id = current.with_untracked(|v| v.id.clone());
        async move { api.visit_fee(&id, Some(token.get_value().as_str())).await }
    });
    view! {
        <section class="kiosk-visit" aria-label=move || current.with(|v| v.title.clone())>
            <h2>{move || current.with(|v| format!("{} {}", moment_text(v.starts_at, &v.time_zone, i18n.locale().code(), false), v.title))}</h2>
            {move || current.with(|v| v.clinician.clone())}
            {move || {
                let v = current.get();
                match v.check_in.map(|c| c.state) {
                    Some(CheckInState::Open) => view! {
                        <p><button type="button" class="button" on:click=move |_| {
                            if !act.pending().get_untracked() {
                                act.dispatch(current.with_untracked(|v| v.id.clone()));
                            }
                        }>{t!(i18n.visits_check_in_button)}</button></p>
                        <p role="alert">{move || matches!(act.value().get(), Some(Err(_))).then(|| i18n.t().visits_check_in_failed)}</p>
                    }.into_any(),
                    Some(CheckInState::NotYet) => {
                        let (opens, tz) = (v.check_in.map(|c| c.opens_at).unwrap_or(0), v.time_zone.clone());
                        view! { <p>{move || i18n.t().visits_check_in_not_yet.replace("{time}", &moment_text(opens, &tz, i18n.locale().code(), false))}</p> }.into_any()
                    }
                    Some(CheckInState::Closed) => view! { <p>{t!(i18n.visits_check_in_closed)}</p> }.into_any(),
                    Some(CheckInState::Done) => match v.amount_due {
                        Some(amount) => view! {
                            <Transition fallback=|| ()>
                                {move || Suspend::new(async move {
                                    fee.await.ok().map(|fee| {
                                        let args = PaymentArgs {
                                            visit_id: current.with_untracked(|v| v.id.clone()),
                                            amount,
                                            fee,
                                            bearer: Some(token.get_value()),
                                            methods: vec![PaymentMethod::Swish, PaymentMethod::Invoice],
                                            return_path: "/kiosk".to_owned(),
                                            resume: None,
                                            on_settled: Callback::new(move |_: Payment| done.run(())),
                                            qr_always: true,
                                        };
                                        view! {
                                            <crate::chunks::Payment args />
                                            <p class="hint">{t!(i18n.kiosk_card_at_reception)}</p>
                                        }
                                    })
                                })}
                            </Transition>
                        }.into_any(),
                        None => view! { <p>{t!(i18n.visits_check_in_done)}</p> }.into_any(),
                    },
                    None => view! { <p>{t!(i18n.visits_check_in_none)}</p> }.into_any(),
                }
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_judged_once_long_enough() {
        let today = Date::new(2026, 11, 22);
        assert_eq!(pnr_problem("19800113", today, false), None);
        assert_eq!(pnr_problem("19800113", today, true), Some(PnrError::Format));
        assert_eq!(pnr_problem("19800113-9297", today, false), None);
        assert_eq!(pnr_problem("198001139298", today, false), Some(PnrError::Checksum));
        assert_eq!(pnr_problem("8001139297", today, false), None);
        assert_eq!(pnr_problem("", today, true), Some(PnrError::Format));
    }
}

//! Mina ärenden: the user's and their children's cases (`/arenden`), and one case with its place
//! in the queue (`/arenden/:id`). The case screen listens to the event stream and asks again on
//! news (and every 30 s as a safety net); the position is a polite live region that changes in
//! place, "din tur" an alert.

use ingang_api::cases::{Case, CaseStatus};
use leptos::prelude::*;
use leptos_router::{
    NavigateOptions,
    components::A,
    hooks::{use_navigate, use_params_map, use_query_map},
};
use web_sys::NotificationPermission;

pub mod chat;

use crate::{
    api::{ApiError, use_api},
    auth::use_auth,
    components::{page::Page, protected::Protected},
    drafts::Drafts,
    i18n::{Strings, use_i18n},
    t,
};

/// The event stream brings changes at once; this slow poll is only a safety net (e.g. a proxy
/// that buffers event streams).
const POLL_SECONDS: u64 = 30;

pub fn status_text(status: CaseStatus, t: &Strings) -> &'static str {
    match status {
        CaseStatus::Waiting => t.case_status_waiting,
        CaseStatus::InProgress => t.case_status_in_progress,
        CaseStatus::Closed => t.case_status_closed,
        CaseStatus::Withdrawn => t.case_status_withdrawn,
    }
}

/// A date through the browser's Intl (no date crate in the wasm): "6 dec. 2026", "6 Dec 2026".
pub use crate::browser::date_text;

#[component]
pub fn CasesPage() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let auth = use_auth();
    let query = use_query_map();
    let navigate = use_navigate();
    // whose cases: `?person=<id>` (a link can be shared within the family's own device)
    let person = move || query.with(|q| q.get("person")).filter(|p| !p.is_empty());
    let choose = Callback::new(move |value: String| {
        let path = if value.is_empty() { "/arenden".to_owned() } else { format!("/arenden?person={value}") };
        navigate(&path, NavigateOptions { replace: true, scroll: false, ..Default::default() });
    });
    view! {
        <Page title=|t| t.cases_title>
            <Protected>
                {move || {
                    let cases = LocalResource::new(move || {
                        api.epoch();
                        let person = person();
                        async move { api.cases(person.as_deref()).await }
                    });
                    view! {
                        <p class="lead">{t!(i18n.cases_lead)}</p>
                        <p><A href="/sok-vard/ny" attr:class="button">{t!(i18n.seek_care_start)}</A></p>
                        {move || auth.people().filter(|p| p.len() > 1).map(|people| {
                            let current = person().unwrap_or_default();
                            let options = people.into_iter().map(|p| {
                                let selected = p.id == current;
                                view! { <option value=p.id selected=selected>{p.name}</option> }
                            }).collect_view();
                            view! {
                                <div class="field field--inline">
                                    <label for="cases-person">{t!(i18n.cases_filter_label)}</label>
                                    <select id="cases-person" class="q-input" on:change=move |ev| choose.run(event_target_value(&ev))>
                                        <option value="" selected=current.is_empty()>{t!(i18n.cases_filter_all)}</option>
                                        {options}
                                    </select>
                                </div>
                            }
                        })}
                        <Transition fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
                            <ErrorBoundary fallback=move |_| view! { <p class="error-text" role="alert">{t!(i18n.cases_error)}</p> }>
                                {move || Suspend::new(async move {
                                    cases.await.map(|list| {
                                        if list.cases.is_empty() {
                                            return view! { <p data-testid="no-cases">{t!(i18n.cases_empty)}</p> }.into_any();
                                        }
                                        let items = list.cases.into_iter().map(|c| view! { <CaseItem case=c /> }).collect_view();
                                        view! { <ul class="cases">{items}</ul> }.into_any()
                                    })
                                })}
                            </ErrorBoundary>
                        </Transition>
                        <crate::pages::eservices::errand::ErrandList />
                    }
                }}
            </Protected>
        </Page>
    }
}

#[component]
fn CaseItem(case: Case) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/arenden/{}", case.id);
    let status = case.status;
    let created = case.created_at;
    view! {
        <li class="case-item">
            <A href=href attr:class="case-item__title">{case.title}</A>
            <span class="case-item__meta">
                {move || status_text(status, i18n.t())}
                " · " {case.person_name} " · " {case.unit_name} " · "
                {move || date_text(created, i18n.locale().code())}
            </span>
            {case.can_continue_until.map(|until| {
                let href = format!("/arenden/{}#fortsatt", case.id);
                view! {
                    <span class="case-item__continue">
                        <A href=href>{t!(i18n.case_continue_heading)}</A>
                        " · " {move || i18n.t().cases_continue_until.replace("{date}", &date_text(until, i18n.locale().code()))}
                    </span>
                }
            })}
        </li>
    }
}

/// What the case screen shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Screen {
    Case,
    NotFound,
    /// No connection: what the device keeps of the chat, and the case when back online.
    Offline,
    Error,
}

#[component]
pub fn CasePage() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let params = use_params_map();
    view! {
        <Page title=|t| t.case_title>
            <Protected>
                {move || {
                    let id = params.with(|p| p.get("id")).unwrap_or_default();
                    let tick = crate::tick::use_tick(POLL_SECONDS);
                    // news from the event stream: ask for the case again at once
                    let watched = id.clone();
                    let chat_case = id.clone();
                    let live = RwSignal::new(Vec::<ingang_api::chat::Message>::new());
                    crate::events::use_case_events(
                        api,
                        move |event| {
                            if event.case_id == watched {
                                tick.update(|n| *n = n.wrapping_add(1));
                            }
                        },
                        move |event| {
                            if event.case_id == chat_case {
                                live.update(|l| l.push(event.message));
                            }
                        },
                    );
                    let id_for = id.clone();
                    let case = LocalResource::new(move || {
                        tick.track();
                        api.epoch();
                        let id = id_for.clone();
                        async move { api.case(&id).await }
                    });
                    // Which screen: decided by the answers, but changed only when the kind of answer
                    // does. Later answers update the case screen in place (a Suspend awaiting the
                    // resource would build a new screen on every answer, and the old one's pending
                    // updates then read signals already gone: a panic).
                    let screen = Memo::new(move |prev: Option<&Option<Screen>>| match case.get() {
                        None => prev.copied().flatten(),
                        Some(Ok(_)) => Some(Screen::Case),
                        Some(Err(ApiError::Status { status: 404, .. })) => Some(Screen::NotFound),
                        Some(Err(e)) => prev.copied().flatten().filter(|s| *s == Screen::Case).or(Some(
                            if matches!(e, ApiError::Network) { Screen::Offline } else { Screen::Error },
                        )),
                    });
                    // back online: ask again at once (not at the next poll)
                    let online = window_event_listener(leptos::ev::online, move |_| {
                        tick.update(|n| *n = n.wrapping_add(1));
                    });
                    on_cleanup(move || online.remove());
                    let offline_case = id.clone();
                    view! {
                        {move || match screen.get() {
                            None => view! { <p role="status">{t!(i18n.loading)}</p> }.into_any(),
                            Some(Screen::Case) => view! { <CaseView case live /> }.into_any(),
                            Some(Screen::NotFound) => {
                                view! { <p class="notice" role="alert">{t!(i18n.case_not_found)}</p> }.into_any()
                            }
                            Some(Screen::Offline) => {
                                view! { <chat::Unsent case_id=offline_case.clone() /> }.into_any()
                            }
                            Some(Screen::Error) => {
                                view! { <p class="error-text" role="alert">{t!(i18n.cases_error)}</p> }.into_any()
                            }
                        }}
                    }
                }}
            </Protected>
        </Page>
    }
}

/// "i dag 07:30", "i morgon 07:30" or the weekday and date with the time, in the device's zone.
fn when_text(at: i64, t: &crate::i18n::Strings, locale: &str) -> String {
    use crate::browser::{day_of, moment_text, now_secs};
    let now = now_secs();
    let time = moment_text(at, "", locale, false);
    if day_of(at) == day_of(now) {
        t.case_when_today.replace("{time}", &time)
    } else if day_of(at) == day_of(now + 86_400) {
        t.case_when_tomorrow.replace("{time}", &time)
    } else {
        moment_text(at, "", locale, true)
    }
}

/// The place in the queue and what it means in time: minutes while the unit is staffed and the
/// wait is short; otherwise when the unit opens and the expected turn as a moment (a wait of
/// "10 minutes" at 02:15 would not be true).
fn queue_text(c: &Case, t: &crate::i18n::Strings, locale: &str) -> String {
    let mut parts = vec![t.case_position.replace("{n}", &c.position.unwrap_or(1).to_string())];
    if let Some(opens) = c.unit_opens_at {
        parts.push(t.case_closed_now.replace("{when}", &when_text(opens, t, locale)));
    }
    match c.estimated_wait_minutes {
        Some(m) if m < 60 && c.unit_opens_at.is_none() => {
            parts.push(crate::i18n::plural(t, t.case_wait, u64::from(m)).replace("{m}", &m.to_string()))
        }
        Some(m) => {
            let at = crate::browser::now_secs() + i64::from(m) * 60;
            parts.push(t.case_wait_at.replace("{when}", &when_text(at, t, locale)));
        }
        None => {}
    }
    parts.join(" ")
}

#[component]
fn CaseView(
    case: LocalResource<Result<Case, ApiError>>,
    live: RwSignal<Vec<ingang_api::chat::Message>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    // The latest good answer: a failed poll (offline for a moment) leaves the screen as it was.
    let current = Memo::new(move |prev: Option<&Option<Case>>| match case.get() {
        Some(Ok(c)) => Some(c),
        _ => prev.cloned().flatten(),
    });
    let status = move || current.get().map(|c| c.status);
    let just_sent = use_query_map().with_untracked(|q| q.get("skickat").is_some());
    let confirming = RwSignal::new(false);
    let withdraw = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move { api.withdraw_case(&id).await }
    });
    let withdrawn_now = move || matches!(withdraw.value().get(), Some(Ok(_)));
    let effective_status = move || if withdrawn_now() { Some(CaseStatus::Withdrawn) } else { status() };
    let position_text = move || {
        let c = current.get()?;
        if effective_status() != Some(CaseStatus::Waiting) {
            return None;
        }
        Some(queue_text(&c, i18n.t(), i18n.locale().code()))
    };
    let status_signal = Signal::derive(effective_status);
    let case_id = Memo::new(move |_| current.get().map(|c| c.id).unwrap_or_default());
    let unit_name = Memo::new(move |_| current.get().map(|c| c.unit_name).unwrap_or_default());
    let continuable =
        Memo::new(move |_| current.get().filter(|c| c.status == CaseStatus::Closed && c.can_continue_until.is_some()));
    let too_late = Memo::new(move |_| {
        current.with(|c| c.as_ref().is_some_and(|c| c.status == CaseStatus::Closed && c.can_continue_until.is_none()))
    });
    let chat_for = Memo::new(move |_| {
        let id = case_id.get();
        let show = matches!(effective_status(), Some(CaseStatus::InProgress | CaseStatus::Closed));
        (show && !id.is_empty()).then_some(id)
    });
    // A memo, not a derived signal: the chat's own parts hear of it only when it changes. A
    // derived signal woke them on every new answer about the case, also the one that ends the
    // chat (closed -> waiting when the case is continued); they then ran after the chat was
    // gone and read its disposed signals (issue 22's panic).
    let chat_open = Signal::from(Memo::new(move |_| effective_status() == Some(CaseStatus::InProgress)));
    view! {
        <Show when=move || just_sent && effective_status() == Some(CaseStatus::Waiting)>
            <div class="notice notice--success" role="status" data-testid="case-sent">
                <h2>{t!(i18n.case_sent_heading)}</h2>
                <p>{move || i18n.t().case_sent_body.replace("{unit}", &unit_name.get())}</p>
            </div>
        </Show>
        // the place in the queue first: on a phone it is in view at once, above the tab bar
        <p role="status" class="queue-position" data-testid="queue-position">{position_text}</p>
        {move || current.get().map(|c| {
            let created = c.created_at;
            let description = (!c.description.is_empty()).then(|| c.description.clone());
            view! {
                <p class="lead">{c.title.clone()}</p>
                <dl class="case-facts">
                    <dt>{t!(i18n.case_for)}</dt><dd>{c.person_name.clone()}</dd>
                    <dt>{t!(i18n.case_unit)}</dt><dd>{c.unit_name.clone()}</dd>
                    <dt>{t!(i18n.case_sent)}</dt><dd>{move || date_text(created, i18n.locale().code())}</dd>
                    <dt>{t!(i18n.case_status)}</dt>
                    <dd data-testid="case-status">{move || effective_status().map(|s| status_text(s, i18n.t()))}</dd>
                    {description.map(|d| view! { <dt>{t!(i18n.case_description)}</dt><dd class="case-facts__text">{d}</dd> })}
                </dl>
            }
        })}
        {move || (!case_id.get().is_empty()).then(|| view! { <TurnNotifications status=status_signal case_id=case_id.get() /> })}
        {move || continuable.get().map(|c| view! {
            <ContinueSection case=c on_done=Callback::new(move |_| case.refetch()) />
        })}
        // closed for good: say why, and the way on
        <Show when=move || too_late.get()>
            <div class="notice" data-testid="cannot-continue">
                <p>{t!(i18n.case_continue_closed)}</p>
                <p><A href="/sok-vard">{t!(i18n.case_continue_new)}</A></p>
            </div>
        </Show>
        <Show when=move || effective_status() == Some(CaseStatus::InProgress)>
            <div class="notice notice--success" role="alert" data-testid="your-turn">
                <h2>{t!(i18n.case_your_turn_heading)}</h2>
                <p>{t!(i18n.case_your_turn_body)}</p>
            </div>
        </Show>
        // the chat: open while the case is picked, readable once it has ended
        // (built once per case: ending the chat only turns `open` off, nothing is rebuilt)
        {move || chat_for.get().map(|id| view! { <chat::Chat case_id=id open=chat_open live /> })}
        <Show when=move || effective_status() == Some(CaseStatus::Waiting)>
            <aside class="notice notice--warning" aria-labelledby="waiting-advice">
                <h2 id="waiting-advice">{t!(i18n.case_advice_heading)}</h2>
                <p>{t!(i18n.case_advice_body)}</p>
                <p><a href="tel:1177">{t!(i18n.emergency_1177_call)}</a>" · "<a href="tel:112">{t!(i18n.emergency_112_call)}</a></p>
            </aside>
            <Show
                when=move || confirming.get()
                fallback=move || view! {
                    <p><button type="button" class="button button--secondary" on:click=move |_| {
                        confirming.set(true);
                        crate::browser::focus_id_later("withdraw-confirm".into());
                    }>{t!(i18n.case_withdraw)}</button></p>
                }
            >
                <div class="notice" id="withdraw-confirm" tabindex="-1">
                    <p>{t!(i18n.case_withdraw_confirm)}</p>
                    <p class="dialog__actions">
                        <button type="button" class="button button--danger" on:click=move |_| {
                            if let Some(c) = current.get_untracked() {
                                withdraw.dispatch(c.id);
                            }
                        }>{t!(i18n.case_withdraw_yes)}</button>
                        <button type="button" class="button button--secondary" on:click=move |_| confirming.set(false)>
                            {t!(i18n.case_withdraw_no)}
                        </button>
                    </p>
                </div>
            </Show>
        </Show>
        {move || matches!(withdraw.value().get(), Some(Err(_))).then(|| view! {
            <p class="notice notice--danger" role="alert">{t!(i18n.case_withdraw_failed)}</p>
        })}
        <p><A href="/arenden">{t!(i18n.case_back)}</A></p>
    }
}

/// "Slå på aviseringar" while waiting, and the system notification when the case turns from
/// waiting to picked while this screen is open (also in the background).
#[component]
fn TurnNotifications(status: Signal<Option<CaseStatus>>, case_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let wants = move || auth.contact().is_some_and(|c| c.notifications.push);
    let asked = Action::new_local(|_: &()| crate::notify::request());
    let permission = move || asked.value().get().unwrap_or_else(crate::notify::permission);
    let url = format!("/arenden/{case_id}");
    Effect::new(move |before: Option<Option<CaseStatus>>| {
        let now = status.get();
        if before == Some(Some(CaseStatus::Waiting)) && now == Some(CaseStatus::InProgress) && untrack(wants) {
            let t = i18n.locale_untracked().strings();
            let (url, tag) = (url.clone(), format!("din-tur-{case_id}"));
            leptos::task::spawn_local(async move {
                crate::notify::show(t.case_notify_title, t.case_notify_body, &url, &tag).await;
            });
        }
        now
    });
    view! {
        <Show when=move || wants() && crate::notify::supported() && status.get() == Some(CaseStatus::Waiting)>
            <div class="notify-offer" data-testid="notify">
                {move || match permission() {
                    NotificationPermission::Granted => view! { <p class="small">{t!(i18n.case_notify_on)}</p> }.into_any(),
                    NotificationPermission::Denied => view! { <p class="small">{t!(i18n.case_notify_denied)}</p> }.into_any(),
                    _ => view! {
                        <p>{t!(i18n.case_notify_offer)}</p>
                        <p><button type="button" class="button button--secondary" on:click=move |_| { asked.dispatch(()); }>
                            {t!(i18n.case_notify_button)}
                        </button></p>
                    }.into_any(),
                }}
            </div>
        </Show>
    }
}

/// "Fortsätt ärendet": a closed case taken up again within the region's limit. The text is a
/// sealed draft until sent; the idempotency key makes a retry harmless.
#[component]
fn ContinueSection(case: Case, on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let id = case.id.clone();
    let loaded = LocalResource::new(move || {
        let id = id.clone();
        async move {
            let key = auth.seal_key_ready().await;
            let drafts = key.map(|k| Drafts::Sealed(k, format!("continue/{id}")));
            let text: Option<String> = match &drafts {
                Some(d) => d.load_json().await,
                None => None,
            };
            (drafts, text.unwrap_or_default())
        }
    });
    let (closed, until) = (case.closed_at.unwrap_or(case.created_at), case.can_continue_until.unwrap_or_default());
    let case_id = case.id.clone();
    view! {
        <section class="continue" id="fortsatt" aria-labelledby="continue-heading">
            <h2 id="continue-heading">{t!(i18n.case_continue_heading)}</h2>
            <p>{move || {
                let lang = i18n.locale().code();
                i18n.t().case_continue_lead.replace("{date}", &date_text(closed, lang)).replace("{until}", &date_text(until, lang))
            }}</p>
            <Transition fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
                {move || {
                    let case_id = case_id.clone();
                    Suspend::new(async move {
                        let (drafts, text) = loaded.await;
                        view! { <ContinueForm case_id drafts initial=text on_done /> }
                    })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn ContinueForm(case_id: String, drafts: Option<Drafts>, initial: String, on_done: Callback<()>) -> impl IntoView {
    use ingang_api::cases::{TextProblem, check_description};
    let i18n = use_i18n();
    let api = use_api();
    let text = RwSignal::new(initial);
    let problem = RwSignal::new(None::<TextProblem>);
    let drafts = StoredValue::new_local(drafts);
    let key_name = format!("continue.{case_id}");
    let send = Action::new_local(move |message: &String| {
        let (message, id, key_name) = (message.clone(), case_id.clone(), key_name.clone());
        // taken now, while the form is there: the case's live updates can end this form before
        // the answer comes, and the draft must be cleared all the same
        let draft = drafts.get_value();
        async move {
            let key = crate::storage::idempotency_key(&key_name);
            let result = api.continue_case(&id, &message, &key).await;
            if result.is_ok() {
                crate::storage::remove(&key_name);
                if let Some(d) = draft {
                    d.clear();
                }
            }
            result
        }
    });
    // Only once the action has settled: `on_done` re-reads the case, which ends this form (and
    // the action's own signals); called from inside the action it left the action writing to
    // disposed signals, a panic.
    Effect::new(move |_| {
        if matches!(send.value().get(), Some(Ok(_))) {
            on_done.run(());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match check_description(&text.get_untracked()) {
            Ok(message) => {
                send.dispatch(message);
            }
            Err(p) => {
                problem.set(Some(p));
                crate::browser::focus_id_later("continue-text".into());
            }
        }
    };
    let message = move || {
        problem.get().map(|p| match p {
            TextProblem::Empty => i18n.t().describe_empty.to_owned(),
            TextProblem::TooLong => {
                i18n.t().describe_too_long.replace("{max}", &ingang_api::cases::DESCRIPTION_MAX.to_string())
            }
        })
    };
    view! {
        <form class="form" on:submit=submit novalidate>
            <div class="field">
                <label for="continue-text" class="q-label">{t!(i18n.case_continue_label)}</label>
                <textarea id="continue-text" rows="4"
                    aria-invalid=move || problem.get().is_some().then_some("true")
                    aria-describedby="continue-error"
                    prop:value=move || text.get()
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        if let Some(d) = drafts.get_value() {
                            d.save_json(&value);
                        }
                        text.set(value);
                        problem.set(None);
                    }
                ></textarea>
                <p class="error-text" id="continue-error" role="alert">{message}</p>
            </div>
            {move || match send.value().get() {
                Some(Err(e)) => {
                    let offline = matches!(e, ApiError::Network);
                    Some(view! {
                        <p class="notice notice--danger" role="alert">
                            {move || if offline { i18n.t().case_continue_offline } else { i18n.t().case_continue_failed }}
                        </p>
                    })
                }
                _ => None,
            }}
            <button type="submit" class="button" disabled=move || send.pending().get()>
                {move || if send.pending().get() { i18n.t().case_continue_sending } else { i18n.t().case_continue_send }}
            </button>
        </form>
    }
}

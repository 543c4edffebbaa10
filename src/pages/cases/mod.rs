//! Mina ärenden: the user's and their children's cases (`/arenden`), and one case with its place
//! in the queue (`/arenden/:id`). The case screen listens to the event stream and asks again on
//! news (and every 30 s as a safety net); the position is a polite live region that changes in
//! place, "din tur" an alert.

use ingang_api::cases::{Case, CaseStatus};
use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_params_map};

use crate::{
    api::{ApiError, use_api},
    components::{page::Page, protected::Protected},
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

/// A date in Swedish or English through the browser's Intl (no date crate in the wasm).
fn date_text(seconds: i64, locale: &str) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(seconds as f64 * 1000.0));
    date.to_locale_date_string(locale, &wasm_bindgen::JsValue::UNDEFINED).into()
}

#[component]
pub fn CasesPage() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    view! {
        <Page title=|t| t.cases_title>
            <Protected>
                {move || {
                    let cases = LocalResource::new(move || {
                        api.epoch();
                        async move { api.cases().await }
                    });
                    view! {
                        <p class="lead">{t!(i18n.cases_lead)}</p>
                        <p><A href="/sok-vard/ny" attr:class="button">{t!(i18n.seek_care_start)}</A></p>
                        <Suspense fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
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
                        </Suspense>
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
        </li>
    }
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
                    let tick = RwSignal::new(0u32);
                    let interval = set_interval_with_handle(
                        move || tick.update(|n| *n = n.wrapping_add(1)),
                        std::time::Duration::from_secs(POLL_SECONDS),
                    )
                    .ok();
                    on_cleanup(move || {
                        if let Some(i) = interval {
                            i.clear();
                        }
                    });
                    // news from the event stream: ask for the case again at once
                    let watched = id.clone();
                    crate::events::use_case_events(api, move |event| {
                        if event.case_id == watched {
                            tick.update(|n| *n = n.wrapping_add(1));
                        }
                    });
                    let id_for = id.clone();
                    let case = LocalResource::new(move || {
                        tick.track();
                        api.epoch();
                        let id = id_for.clone();
                        async move { api.case(&id).await }
                    });
                    view! {
                        <Suspense fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
                            {move || Suspend::new(async move {
                                // the first answer decides the screen; later answers update it in place
                                match case.await {
                                    Ok(_) => view! { <CaseView case /> }.into_any(),
                                    Err(ApiError::Status { status: 404, .. }) => {
                                        view! { <p class="notice" role="alert">{t!(i18n.case_not_found)}</p> }.into_any()
                                    }
                                    Err(_) => view! { <p class="error-text" role="alert">{t!(i18n.cases_error)}</p> }.into_any(),
                                }
                            })}
                        </Suspense>
                    }
                }}
            </Protected>
        </Page>
    }
}

#[component]
fn CaseView(case: LocalResource<Result<Case, ApiError>>) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    // The latest good answer: a failed poll (offline for a moment) leaves the screen as it was.
    let current = Memo::new(move |prev: Option<&Option<Case>>| match case.get() {
        Some(Ok(c)) => Some(c),
        _ => prev.cloned().flatten(),
    });
    let status = move || current.get().map(|c| c.status);
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
        let t = i18n.t();
        Some(format!(
            "{} {}",
            t.case_position.replace("{n}", &c.position.unwrap_or(1).to_string()),
            t.case_wait.replace("{m}", &c.estimated_wait_minutes.unwrap_or(10).to_string())
        ))
    };
    view! {
        {move || current.get().map(|c| {
            let created = c.created_at;
            view! {
                <p class="lead">{c.title.clone()}</p>
                <dl class="case-facts">
                    <dt>{t!(i18n.case_for)}</dt><dd>{c.person_name.clone()}</dd>
                    <dt>{t!(i18n.case_unit)}</dt><dd>{c.unit_name.clone()}</dd>
                    <dt>{t!(i18n.case_sent)}</dt><dd>{move || date_text(created, i18n.locale().code())}</dd>
                    <dt>{t!(i18n.case_status)}</dt>
                    <dd data-testid="case-status">{move || effective_status().map(|s| status_text(s, i18n.t()))}</dd>
                </dl>
            }
        })}
        <p role="status" class="queue-position" data-testid="queue-position">{position_text}</p>
        <Show when=move || effective_status() == Some(CaseStatus::InProgress)>
            <div class="notice notice--success" role="alert" data-testid="your-turn">
                <h2>{t!(i18n.case_your_turn_heading)}</h2>
                <p>{t!(i18n.case_your_turn_body)}</p>
            </div>
        </Show>
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

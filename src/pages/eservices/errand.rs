//! One e-service errand (`/e-arende/:id`): what it is, its state, the clinic's answer once it has
//! come, the messages after it (the user writes back until the clinic closes the errand; the
//! text is kept sealed until sent, one client id per message so a retry never adds it twice),
//! and what was sent. `?skickat=1` (after sending) says where it went and when to expect an
//! answer.

use ingang_api::eservices::{Errand, ErrandList, ErrandMessage, ErrandStatus};
use ingang_questionnaire::QuestionnaireResponse;
use leptos::prelude::*;
use leptos_router::{
    components::A,
    hooks::{use_params_map, use_query_map},
};

use super::answer_time;
use crate::{
    api::{ApiError, use_api},
    auth::use_auth,
    components::{answers::AnswerList, page::Page, protected::Protected},
    drafts::Drafts,
    i18n::{Strings, use_i18n},
    pages::cases::date_text,
    t,
};

pub fn status_text(status: ErrandStatus, t: &Strings) -> &'static str {
    match status {
        ErrandStatus::Answered => t.eservices_errand_status_answered,
        _ => t.eservices_errand_status_sent,
    }
}

#[component]
pub fn ErrandPage() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let params = use_params_map();
    let query = use_query_map();
    let just_sent = move || query.with_untracked(|q| q.get("skickat")).is_some();
    view! {
        <Page title=|t| t.eservices_errand_title>
            <Protected>
                {move || {
                    let id = params.with(|p| p.get("id")).unwrap_or_default();
                    let errand = LocalResource::new(move || {
                        api.epoch();
                        let id = id.clone();
                        async move { api.errand(&id).await }
                    });
                    view! {
                        <Suspense fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
                            <ErrorBoundary fallback=move |_| view! { <p class="error-text" role="alert">{t!(i18n.eservices_errand_not_found)}</p> }>
                                {move || Suspend::new(async move {
                                    errand.await.map(|errand| view! { <ErrandView errand just_sent=just_sent() /> })
                                })}
                            </ErrorBoundary>
                        </Suspense>
                    }
                }}
                <p><A href="/arenden">{t!(i18n.eservices_errand_back)}</A></p>
            </Protected>
        </Page>
    }
}

#[component]
fn ErrandView(errand: Errand, just_sent: bool) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let e = StoredValue::new(errand.clone());
    // (the status changes when the user writes back: the errand waits for the clinic again)
    let status = RwSignal::new(errand.status);
    let (created, days) = (errand.created_at, errand.answer_within_days);
    let sent_note = just_sent.then(|| {
        let unit = errand.unit_name.clone();
        view! {
            <div class="notice notice--success" role="status" data-testid="errand-sent">
                <p>{move || i18n.t().eservices_errand_sent.replace("{unit}", &unit)}</p>
                <p>{move || answer_time(days, i18n.t())}</p>
            </div>
        }
    });
    let answer = match (&errand.answer, errand.answered_at) {
        (Some(text), Some(at)) => {
            let (text, by) = (text.clone(), errand.answered_by.clone().unwrap_or_default());
            view! {
                <h2>{t!(i18n.eservices_errand_answer_heading)}</h2>
                <p class="message-body" data-testid="errand-answer">{text}</p>
                <p class="visit-item__meta">
                    {move || i18n.t().eservices_errand_answered_by.replace("{name}", &by).replace("{date}", &date_text(at, i18n.locale().code()))}
                </p>
            }
            .into_any()
        }
        _ => view! { <p>{t!(i18n.eservices_errand_waiting)}</p> }.into_any(),
    };
    let sent = LocalResource::new(move || {
        let (unit, service, person, response) =
            e.with_value(|e| (e.unit_id.clone(), e.e_service_id.clone(), e.person_id.clone(), e.response.clone()));
        async move {
            let (q, _) = api.e_service_questionnaire(&unit, &service, &person).await.ok()?;
            let r = serde_json::from_value::<QuestionnaireResponse>(response).ok()?;
            Some((q, r))
        }
    });
    view! {
        {sent_note}
        <h2>{e.with_value(|e| e.title.clone())}</h2>
        <dl class="case-facts">
            <dt>{t!(i18n.eservices_status)}</dt><dd data-testid="errand-status">{move || status_text(status.get(), i18n.t())}</dd>
            <dt>{t!(i18n.eservices_person)}</dt><dd>{e.with_value(|e| e.person_name.clone())}</dd>
            <dt>{t!(i18n.eservices_unit)}</dt><dd>{e.with_value(|e| e.unit_name.clone())}</dd>
            <dt>{t!(i18n.eservices_sent_at)}</dt><dd>{move || date_text(created, i18n.locale().code())}</dd>
        </dl>
        {answer}
        <Conversation id=errand.id.clone() person=errand.person_id.clone() messages=errand.messages.clone() closed=errand.closed status />
        <h2>{t!(i18n.eservices_errand_sent_heading)}</h2>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                sent.await.map(|(questionnaire, response)| view! { <AnswerList questionnaire response /> })
            })}
        </Suspense>
    }
}

/// Why a message was not sent.
#[derive(Clone, Copy, PartialEq)]
enum SendProblem {
    Empty,
    TooLong,
    Offline,
    Closed,
    Failed,
}

/// The messages after the clinic's answer, and the user's reply until the errand is closed.
#[component]
fn Conversation(
    id: String,
    person: String,
    messages: Vec<ErrandMessage>,
    closed: bool,
    status: RwSignal<ErrandStatus>,
) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let auth = use_auth();
    let messages = RwSignal::new(messages);
    let closed = RwSignal::new(closed);
    let text = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<SendProblem>);
    let sent_note = RwSignal::new(false);
    let id = StoredValue::new(id);
    // the reply is kept sealed on the device until it is sent (reload, offline, session end)
    let draft = LocalResource::new(move || {
        let name = format!("{person}/e-arende/{}", id.get_value());
        async move { auth.seal_key_ready().await.map(|k| Drafts::Sealed(k, name)) }
    });
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        let Some(Some(d)) = draft.get() else { return false };
        leptos::task::spawn_local(async move {
            if let Some(saved) = d.load_text().await
                && text.get_untracked().is_empty()
            {
                text.set(saved);
            }
        });
        true
    });
    let client_key = move || format!("errand-message.{}", id.get_value());
    let send = Action::new_local(move |body: &String| {
        let body = body.clone();
        async move {
            // one client id per message, kept until it is sent: a retry adds nothing
            let client_id = crate::storage::idempotency_key(&client_key());
            let result = api.errand_message(&id.get_value(), &body, &client_id).await;
            if result.is_ok() {
                crate::storage::remove(&client_key());
            }
            result
        }
    });
    Effect::new(move |_| match send.value().get() {
        Some(Ok(errand)) => {
            status.set(errand.status);
            messages.set(errand.messages);
            closed.set(errand.closed);
            text.set(String::new());
            if let Some(Some(d)) = draft.get_untracked() {
                d.clear();
            }
            problem.set(None);
            sent_note.set(true);
        }
        Some(Err(e)) => {
            let p = match &e {
                ApiError::Network => SendProblem::Offline,
                ApiError::Status { body: Some(b), .. } if b.code == "errand_closed" => SendProblem::Closed,
                _ => SendProblem::Failed,
            };
            if p == SendProblem::Closed {
                closed.set(true);
            }
            problem.set(Some(p));
            crate::browser::focus_id_later("errand-reply-problem".into());
        }
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        sent_note.set(false);
        match ingang_api::cases::check_text(&text.get_untracked(), 4000) {
            Ok(body) if !send.pending().get_untracked() => {
                send.dispatch(body);
            }
            Ok(_) => {}
            Err(p) => {
                problem.set(Some(match p {
                    ingang_api::cases::TextProblem::Empty => SendProblem::Empty,
                    ingang_api::cases::TextProblem::TooLong => SendProblem::TooLong,
                }));
                crate::browser::focus_id_later("errand-reply".into());
            }
        }
    };
    let problem_text = move || {
        let t = i18n.t();
        problem.get().map(|p| match p {
            SendProblem::Empty => t.eservices_errand_reply_empty,
            SendProblem::TooLong => t.eservices_errand_reply_too_long,
            SendProblem::Offline => t.eservices_errand_reply_offline,
            SendProblem::Closed => t.eservices_errand_closed,
            SendProblem::Failed => t.eservices_errand_reply_failed,
        })
    };
    let items = move || {
        messages
            .get()
            .into_iter()
            .map(|m| {
                let at = m.created_at;
                let who = m.author.clone();
                view! {
                    <li class=if m.from_clinic { "message message--staff" } else { "message message--mine" }>
                        <p class="message-body">{m.body.clone()}</p>
                        <p class="visit-item__meta">
                            {move || format!("{} · {}", who.clone().unwrap_or_else(|| i18n.t().eservices_errand_from_you.to_owned()), date_text(at, i18n.locale().code()))}
                        </p>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <Show when=move || !messages.with(Vec::is_empty)>
            <h2>{t!(i18n.eservices_errand_messages_heading)}</h2>
            <ul class="messages" data-testid="errand-messages">{items}</ul>
        </Show>
        <p role="status">{move || sent_note.get().then(|| i18n.t().eservices_errand_reply_sent)}</p>
        <Show
            when=move || !closed.get()
            fallback=move || view! { <p class="notice" data-testid="errand-closed">{t!(i18n.eservices_errand_closed)}</p> }
        >
            <form class="form" on:submit=submit novalidate>
                <div class="field">
                    <label for="errand-reply" class="q-label">{t!(i18n.eservices_errand_reply_label)}</label>
                    <p class="q-help" id="errand-reply-help">{t!(i18n.eservices_errand_reply_help)}</p>
                    <textarea id="errand-reply" rows="4" aria-describedby="errand-reply-help errand-reply-problem"
                        aria-invalid=move || matches!(problem.get(), Some(SendProblem::Empty | SendProblem::TooLong)).then_some("true")
                        prop:value=move || text.get()
                        on:input=move |ev| {
                            let value = event_target_value(&ev);
                            if let Some(Some(d)) = draft.get_untracked() {
                                d.save_text(value.clone());
                            }
                            text.set(value);
                        }
                    ></textarea>
                </div>
                <p class="error-text" id="errand-reply-problem" tabindex="-1" role="alert">{problem_text}</p>
                <button type="submit" class="button" disabled=move || send.pending().get()>
                    {move || if send.pending().get() { i18n.t().eservices_errand_reply_sending } else { i18n.t().eservices_errand_reply_send }}
                </button>
            </form>
        </Show>
    }
}

/// Mina ärenden's part for e-services: the errands, newest first.
#[component]
pub fn ErrandList() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let list = LocalResource::new(move || {
        api.epoch();
        async move { api.errands().await }
    });
    view! {
        <h2 id="errands-heading">{t!(i18n.eservices_errands_heading)}</h2>
        <Suspense fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
            <ErrorBoundary fallback=move |_| view! { <p class="error-text" role="alert">{t!(i18n.eservices_errands_error)}</p> }>
                {move || Suspend::new(async move {
                    list.await.map(|ErrandList { errands }| {
                        if errands.is_empty() {
                            return view! { <p>{t!(i18n.eservices_errands_empty)}</p> }.into_any();
                        }
                        let items = errands.into_iter().map(|e| {
                            let href = format!("/e-arende/{}", e.id);
                            let (status, created) = (e.status, e.created_at);
                            view! {
                                <li class="case-item" data-errand=e.id.clone()>
                                    <A href=href attr:class="case-item__title">{e.title.clone()}</A>
                                    <span class="case-item__meta">
                                        {move || status_text(status, i18n.t())}
                                        " · " {e.person_name.clone()} " · " {e.unit_name.clone()} " · "
                                        {move || date_text(created, i18n.locale().code())}
                                    </span>
                                </li>
                            }
                        }).collect_view();
                        view! { <ul class="cases" data-testid="errands">{items}</ul> }.into_any()
                    })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

//! One inbox message (`/inkorg/:id`). Opening it marks it read on the server. Information
//! cannot be answered; questions are answered once with the clinic's questionnaire (drafts kept
//! on the device until sent, one idempotency key per message) and are locked afterwards.

use ingang_api::eservices::{InboxKind, InboxMessage};
use ingang_questionnaire::QuestionnaireResponse;
use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_params_map};

use crate::{
    api::{ApiError, use_api},
    auth::use_auth,
    components::{
        answer_form::AnswerForm, answers::AnswerList, inbox_badge::use_inbox_badge, page::Page, protected::Protected,
    },
    drafts::Drafts,
    i18n::{Strings, use_i18n},
    pages::cases::date_text,
    t,
};

#[component]
pub fn MessagePage() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let params = use_params_map();
    view! {
        <Page title=|t| t.inbox_message_title>
            <Protected>
                {move || {
                    let id = params.with(|p| p.get("id")).unwrap_or_default();
                    // read once: answering replaces the message locally, a refetch must not rebuild the form
                    let message = LocalResource::new(move || {
                        let id = id.clone();
                        async move { api.inbox_message(&id).await }
                    });
                    view! {
                        <Transition fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
                            <ErrorBoundary fallback=move |_| view! { <p class="error-text" role="alert">{t!(i18n.inbox_not_found)}</p> }>
                                {move || Suspend::new(async move {
                                    message.await.map(|message| view! { <MessageView message /> })
                                })}
                            </ErrorBoundary>
                        </Transition>
                    }
                }}
                <p><A href="/inkorg">{t!(i18n.inbox_back)}</A></p>
            </Protected>
        </Page>
    }
}

fn answer_error(e: &ApiError, t: &Strings) -> &'static str {
    match e {
        ApiError::Network => t.inbox_answer_offline,
        ApiError::Status { body: Some(b), .. } if b.code == "already_answered" => t.inbox_already_answered,
        _ => t.inbox_answer_failed,
    }
}

#[component]
fn MessageView(message: InboxMessage) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let auth = use_auth();
    let badge = use_inbox_badge();
    if message.read_at.is_none() {
        let id = message.id.clone();
        leptos::task::spawn_local(async move {
            if api.mark_read(&id).await.is_ok()
                && let Some(b) = badge
            {
                b.changed();
            }
        });
    }
    let (created, unit, person) = (message.created_at, message.unit_name.clone(), message.person_name.clone());
    let answered = RwSignal::new(message.answered_at.map(|at| (at, message.response.clone())));
    let errand = message.errand_id.clone().map(|id| format!("/e-arende/{id}"));
    let questions = (message.kind == InboxKind::Questions).then(|| message.questionnaire_id.clone()).flatten();
    let body = message.body.clone();
    let subject = message.subject.clone();
    let id = StoredValue::new(message.id.clone());
    // where this message's answers wait on the device until they are sent
    let draft_name = StoredValue::new(format!("{}/inkorg/{}", message.person_id, message.id));
    let drafts = move || {
        let name = draft_name.get_value();
        async move { auth.seal_key_ready().await.map(|k| Drafts::Sealed(k, name)) }
    };

    let part = questions.map(|qid| {
        let q = qid.clone();
        let loaded = LocalResource::new(move || {
            let (q, drafts) = (q.clone(), drafts());
            async move {
                let questionnaire = api.questionnaire(&q).await.ok()?;
                let drafts = drafts.await;
                let draft = match &drafts {
                    Some(d) => d.load().await,
                    None => None,
                };
                Some((questionnaire, drafts, draft))
            }
        });
        let send = Action::new_local(move |response: &QuestionnaireResponse| {
            let response = serde_json::to_value(response).unwrap_or_default();
            let (msg, drafts) = (id.get_value(), drafts());
            async move {
                // kept until the server has the answers: a retry after a lost reply is the same answer
                let key_name = format!("answer.{msg}");
                let key = crate::storage::idempotency_key(&key_name);
                let result = api.answer_message(&msg, response, &key).await;
                match &result {
                    Ok(m) => {
                        crate::storage::remove(&key_name);
                        if let Some(d) = drafts.await {
                            d.clear();
                        }
                        answered.try_set(m.answered_at.map(|at| (at, m.response.clone())));
                        if let Some(b) = badge {
                            b.changed();
                        }
                        crate::browser::focus_id_later("answered".into());
                    }
                    Err(ApiError::Status { body: Some(b), .. }) if b.code == "already_answered" => {
                        crate::storage::remove(&key_name);
                    }
                    Err(_) => {}
                }
                result.map(|_| ())
            }
        });
        view! {
            <Show
                when=move || answered.get().is_none()
                fallback=move || {
                    let (at, response) = answered.get().unwrap_or_default();
                    let q = qid.clone();
                    let sent = response.and_then(|r| serde_json::from_value::<QuestionnaireResponse>(r).ok());
                    view! {
                        <p class="notice" id="answered" tabindex="-1" data-testid="answered">
                            {move || i18n.t().inbox_answered.replace("{date}", &date_text(at, i18n.locale().code()))}
                        </p>
                        {sent.map(|response| view! {
                            <h3>{t!(i18n.inbox_your_answers)}</h3>
                            <SentAnswers questionnaire_id=q.clone() response />
                        })}
                    }
                }
            >
                <h3>{t!(i18n.inbox_questions_heading)}</h3>
                <p>{t!(i18n.inbox_questions_lead)}</p>
                <Transition fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
                    {move || Suspend::new(async move {
                        match loaded.await {
                            Some((questionnaire, drafts, draft)) => view! {
                                <AnswerForm
                                    questionnaire
                                    drafts
                                    draft
                                    finish_label=|t| t.inbox_send_answers
                                    sending_label=|t| t.inbox_sending
                                    send
                                    error_text=answer_error
                                />
                            }.into_any(),
                            None => view! { <p class="error-text" role="alert">{t!(i18n.inbox_questions_error)}</p> }.into_any(),
                        }
                    })}
                </Transition>
            </Show>
        }
    });
    let info =
        part.is_none().then(|| view! { <p class="notice" data-testid="info-only">{t!(i18n.inbox_info_only)}</p> });

    view! {
        <article class="message" aria-labelledby="message-subject">
            <h2 id="message-subject">{subject}</h2>
            <dl class="case-facts">
                <dt>{t!(i18n.inbox_from)}</dt><dd>{unit}</dd>
                <dt>{t!(i18n.inbox_sent)}</dt><dd>{move || date_text(created, i18n.locale().code())}</dd>
                <dt>{t!(i18n.inbox_concerns)}</dt><dd>{person}</dd>
            </dl>
            <p class="message-body" data-testid="message-body">{body}</p>
            {errand.map(|href| view! { <p><A href=href>{t!(i18n.inbox_errand_link)}</A></p> })}
            {info}
            {part}
        </article>
    }
}

/// The answers as sent, in the questionnaire's words.
#[component]
pub fn SentAnswers(questionnaire_id: String, response: QuestionnaireResponse) -> impl IntoView {
    let api = use_api();
    let response = StoredValue::new(response);
    let q = LocalResource::new(move || {
        let id = questionnaire_id.clone();
        async move { api.questionnaire(&id).await.ok() }
    });
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                q.await.map(|questionnaire| view! { <AnswerList questionnaire response=response.get_value() /> })
            })}
        </Transition>
    }
}

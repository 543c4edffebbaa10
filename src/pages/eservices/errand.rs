//! One e-service errand (`/e-arende/:id`): what it is, its state, the clinic's answer once it has
//! come, and what was sent. `?skickat=1` (after sending) says where it went and when to expect
//! an answer.

use ingang_api::eservices::{Errand, ErrandList, ErrandStatus};
use ingang_questionnaire::QuestionnaireResponse;
use leptos::prelude::*;
use leptos_router::{
    components::A,
    hooks::{use_params_map, use_query_map},
};

use super::answer_time;
use crate::{
    api::use_api,
    components::{answers::AnswerList, page::Page, protected::Protected},
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
    let (status, created, days) = (errand.status, errand.created_at, errand.answer_within_days);
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
            <dt>{t!(i18n.eservices_status)}</dt><dd data-testid="errand-status">{move || status_text(status, i18n.t())}</dd>
            <dt>{t!(i18n.eservices_person)}</dt><dd>{e.with_value(|e| e.person_name.clone())}</dd>
            <dt>{t!(i18n.eservices_unit)}</dt><dd>{e.with_value(|e| e.unit_name.clone())}</dd>
            <dt>{t!(i18n.eservices_sent_at)}</dt><dd>{move || date_text(created, i18n.locale().code())}</dd>
        </dl>
        {answer}
        <h2>{t!(i18n.eservices_errand_sent_heading)}</h2>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                sent.await.map(|(questionnaire, response)| view! { <AnswerList questionnaire response /> })
            })}
        </Suspense>
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

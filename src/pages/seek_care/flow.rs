//! The signed-in part of Sök vård: whom for (`/sok-vard/ny`), what it is about
//! (`/sok-vard/ny/besvar`), then the questionnaire (`/sok-vard/ny/besvar/:form`) whose answers
//! are kept as an encrypted draft per person and form.

use ingang_api::people::Person;
use leptos::prelude::*;
use leptos_router::{
    NavigateOptions,
    components::A,
    hooks::{use_navigate, use_params_map},
};

use crate::{
    api::use_api,
    auth::use_auth,
    components::{
        page::Page,
        person_chooser::{PersonChooser, Purpose, allowed},
        protected::Protected,
        questionnaire::{self, QuestionnaireRunner},
    },
    drafts::Drafts,
    i18n::use_i18n,
    t,
};

/// Step 1: "Vem söker du vård för?"
#[component]
pub fn WhomPage() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let navigate = use_navigate();
    let on_choose = Callback::new(move |p: Person| {
        auth.act_for(&p);
        navigate("/sok-vard/ny/besvar", Default::default());
    });
    view! {
        <Page title=|t| t.whom_title>
            <Protected>
                <p class="lead">{t!(i18n.whom_lead)}</p>
                <Suspense fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
                    {move || Suspend::new(async move {
                        match auth.people_ready().await {
                            Some(people) => {
                                let current = auth.acting_for().map(|p| p.id);
                                view! { <PersonChooser people purpose=Purpose::SeekCare current on_choose /> }.into_any()
                            }
                            None => view! { <p class="error-text" role="alert">{t!(i18n.whom_error)}</p> }.into_any(),
                        }
                    })}
                </Suspense>
            </Protected>
        </Page>
    }
}

/// The person the flow is for, when the rules allow it; otherwise back to step 1.
fn use_patient() -> Signal<Option<Person>> {
    let auth = use_auth();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if auth.people().is_some() && !auth.acting_for().is_some_and(|p| allowed(&p, Purpose::SeekCare)) {
            navigate("/sok-vard/ny", NavigateOptions { replace: true, ..Default::default() });
        }
    });
    Signal::derive(move || auth.acting_for().filter(|p| allowed(p, Purpose::SeekCare)))
}

/// Step 2: what it is about (one questionnaire per kind of problem).
#[component]
pub fn ProblemPage() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    view! {
        <Page title=|t| t.problem_title>
            <Protected>
                {move || {
                    let patient = use_patient();
                    let forms = LocalResource::new(move || {
                        api.epoch();
                        async move { api.questionnaires().await }
                    });
                    view! {
                        <p class="lead">{move || patient.get().map(|p| i18n.t().problem_lead.replace("{name}", &p.given_name))}</p>
                        <Suspense fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
                            <ErrorBoundary fallback=move |_| view! { <p class="error-text" role="alert">{t!(i18n.problem_error)}</p> }>
                                {move || Suspend::new(async move {
                                    forms.await.map(|list| {
                                        let items = list.questionnaires.into_iter().map(|q| {
                                            let href = format!("/sok-vard/ny/besvar/{}", q.id);
                                            view! { <li><A href=href attr:class="button button--secondary">{q.title}</A></li> }
                                        }).collect_view();
                                        view! { <ul class="forms-list">{items}</ul> }
                                    })
                                })}
                            </ErrorBoundary>
                        </Suspense>
                        <p><A href="/sok-vard/ny">{t!(i18n.problem_change_person)}</A></p>
                    }
                }}
            </Protected>
        </Page>
    }
}

/// Step 3: the questionnaire, with encrypted drafts for this person and form.
#[component]
pub fn SymptomFormPage() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let auth = use_auth();
    let params = use_params_map();
    view! {
        <Page title=|t| t.symptoms_title>
            <Protected>
                {move || {
                    let patient = use_patient();
                    let form_id = params.with(|p| p.get("form")).unwrap_or_default();
                    let loaded = LocalResource::new(move || {
                        let id = form_id.clone();
                        let who = patient.get().map(|p| p.id);
                        api.epoch();
                        async move {
                            let who = who?;
                            let q = api.questionnaire(&id).await.ok()?;
                            let key = auth.seal_key_ready().await;
                            let drafts = key.map(|k| Drafts::Sealed(k, format!("{who}/{id}")));
                            let draft = match &drafts {
                                Some(d) => d.load().await,
                                None => None,
                            };
                            Some((q, drafts, draft))
                        }
                    });
                    view! {
                        <Suspense fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
                            {move || Suspend::new(async move {
                                match loaded.await {
                                    None => view! { <p class="error-text" role="alert">{t!(i18n.symptoms_error)}</p> }.into_any(),
                                    Some((questionnaire, drafts, draft)) => {
                                        view! { <SymptomForm questionnaire drafts draft /> }.into_any()
                                    }
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
fn SymptomForm(
    questionnaire: ingang_questionnaire::Questionnaire,
    drafts: Option<Drafts>,
    draft: Option<ingang_questionnaire::QuestionnaireResponse>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (first, was_restored, _warnings) = questionnaire::start(&questionnaire, None, draft);
    let handle = RwSignal::new(first);
    let restored = RwSignal::new(was_restored);
    let done = RwSignal::new(false);
    let on_complete = Callback::new(move |_response| done.set(true));
    let title = questionnaire.title.clone().unwrap_or_default();
    view! {
        <h2>{title}</h2>
        <QuestionnaireRunner
            questionnaire
            handle
            restored
            drafts
            one_group_per_step=false
            finish_label=|t| t.symptoms_finish
            on_complete
        />
        <Show when=move || done.get()>
            <p class="notice notice--success" role="status">{t!(i18n.symptoms_done)}</p>
        </Show>
    }
}

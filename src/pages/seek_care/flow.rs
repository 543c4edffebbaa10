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
                        let person = patient.get();
                        api.epoch();
                        async move {
                            let person = person?;
                            let who = person.id.clone();
                            let q = api.questionnaire(&id).await.ok()?;
                            let key = auth.seal_key_ready().await;
                            let drafts = key.map(|k| Drafts::Sealed(k, format!("{who}/{id}")));
                            let draft = match &drafts {
                                Some(d) => d.load().await,
                                None => None,
                            };
                            Some((q, drafts, draft, person, id))
                        }
                    });
                    view! {
                        <Suspense fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
                            {move || Suspend::new(async move {
                                match loaded.await {
                                    None => view! { <p class="error-text" role="alert">{t!(i18n.symptoms_error)}</p> }.into_any(),
                                    Some((questionnaire, drafts, draft, patient, questionnaire_id)) => {
                                        view! { <SymptomForm questionnaire questionnaire_id patient drafts draft /> }.into_any()
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

/// The idempotency key of sending this person's answers to this form: made once and kept on
/// the device until the case exists, so a retry after a lost answer or a reload sends the same key.
fn submit_key(form: &str) -> String {
    let name = format!("submit.{form}");
    crate::storage::get(&name).unwrap_or_else(|| {
        let key = web_sys::window().and_then(|w| w.crypto().ok()).map(|c| c.random_uuid()).unwrap_or_default();
        crate::storage::set(&name, &key);
        key
    })
}

#[component]
fn SymptomForm(
    questionnaire: ingang_questionnaire::Questionnaire,
    questionnaire_id: String,
    patient: Person,
    drafts: Option<Drafts>,
    draft: Option<ingang_questionnaire::QuestionnaireResponse>,
) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let navigate = use_navigate();
    let (first, was_restored, _warnings) = questionnaire::start(&questionnaire, None, draft);
    let handle = RwSignal::new(first);
    let restored = RwSignal::new(was_restored);
    let completed = RwSignal::new(None::<ingang_questionnaire::QuestionnaireResponse>);
    let on_complete = Callback::new(move |response| {
        completed.set(Some(response));
        crate::browser::focus_id_later("send-heading".into());
    });
    let title = questionnaire.title.clone().unwrap_or_default();
    let units = LocalResource::new(move || async move { api.units().await });
    let unit = RwSignal::new(None::<String>);
    // Until the user picks one: the first health centre (where most requests belong).
    let selected = move || {
        unit.get().or_else(|| {
            let list = units.get()?.ok()?;
            let first = list.units.iter().find(|u| u.kind == ingang_api::UnitKind::HealthCentre).or(list.units.first());
            first.map(|u| u.id.clone())
        })
    };
    let drafts_for_send = StoredValue::new_local(drafts.clone());
    let send = Action::new_local(move |new_case: &ingang_api::cases::NewCase| {
        let new_case = new_case.clone();
        let key_name = format!("{}/{}", new_case.person_id, new_case.questionnaire_id);
        async move {
            let key = submit_key(&key_name);
            let result = api.create_case(&new_case, &key).await;
            if result.is_ok() {
                crate::storage::remove(&format!("submit.{key_name}"));
                if let Some(d) = drafts_for_send.get_value() {
                    d.clear();
                }
            }
            result
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(case)) = send.value().get() {
            navigate(&format!("/arenden/{}", case.id), Default::default());
        }
    });
    let patient_id = patient.id.clone();
    let qid = questionnaire_id.clone();
    let do_send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(response), Some(unit_id)) = (completed.get_untracked(), untrack(selected)) else { return };
        send.dispatch(ingang_api::cases::NewCase {
            person_id: patient_id.clone(),
            unit_id,
            questionnaire_id: qid.clone(),
            response: serde_json::to_value(&response).unwrap_or_default(),
        });
    };
    // A life-threatening answer stops the flow at once: call 112. "Ändra svaret" shows the form
    // again (a wrong tap must not trap anyone); nothing can be sent while the answer stands.
    let emergency = move || {
        let h = handle.get();
        h.revision.track();
        h.with(|f| matches!(f.urgency(), Some((ingang_questionnaire::Urgency::Emergency, _))))
    };
    let reviewing = RwSignal::new(false);
    let stopped = move || emergency() && !reviewing.get();
    Effect::new(move |was: Option<bool>| {
        let now = stopped();
        if now && was != Some(true) {
            crate::browser::focus_id_later("call-112".into());
        }
        now
    });
    let questionnaire = StoredValue::new(questionnaire);
    let drafts = StoredValue::new_local(drafts);
    view! {
        <h2>{title}</h2>
        <Show
            when=stopped
            fallback=move || view! {
                <QuestionnaireRunner
                    questionnaire=questionnaire.get_value()
                    handle
                    restored
                    drafts=drafts.get_value()
                    one_group_per_step=false
                    finish_label=|t| t.symptoms_finish
                    on_complete
                    keep_draft_on_complete=true
                />
            }
        >
            <div class="notice notice--danger stop-112" role="alert" id="call-112" tabindex="-1" data-testid="call-112">
                <h2>{t!(i18n.stop_heading)}</h2>
                <p>{t!(i18n.stop_body)}</p>
                <p><a class="button button--danger" href="tel:112">{t!(i18n.questionnaire_call_112)}</a></p>
                <p>
                    <button type="button" class="button button--secondary" on:click=move |_| reviewing.set(true)>
                        {t!(i18n.stop_change_answer)}
                    </button>
                </p>
            </div>
        </Show>
        <Show when=move || completed.get().is_some() && !emergency()>
            <form class="form send-case" on:submit=do_send.clone()>
                <h2 id="send-heading" tabindex="-1">{t!(i18n.send_heading)}</h2>
                <p>{t!(i18n.send_lead)}</p>
                <Suspense fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
                    {move || Suspend::new(async move {
                        units.await.ok().map(|list| {
                            let rows = list.units.into_iter().map(|u| {
                                let id = format!("unit-{}", u.id);
                                let value = u.id.clone();
                                let v2 = u.id.clone();
                                view! {
                                    <div class="q-option">
                                        <input type="radio" name="unit" id=id.clone() value=value
                                            prop:checked=move || selected().as_deref() == Some(v2.as_str())
                                            on:change=move |_| unit.set(Some(u.id.clone())) />
                                        <label for=id>{u.name}", "{u.city}</label>
                                    </div>
                                }
                            }).collect_view();
                            view! {
                                <fieldset class="people">
                                    <legend class="q-legend">{t!(i18n.send_unit_legend)}</legend>
                                    {rows}
                                </fieldset>
                            }
                        })
                    })}
                </Suspense>
                {move || match send.value().get() {
                    Some(Err(e)) => {
                        let offline = matches!(e, crate::api::ApiError::Network);
                        Some(view! {
                            <p class="notice notice--danger" role="alert">
                                {move || if offline { i18n.t().send_offline } else { i18n.t().send_failed }}
                            </p>
                        })
                    }
                    _ => None,
                }}
                <button type="submit" class="button" disabled=move || send.pending().get()>
                    {move || if send.pending().get() { i18n.t().send_sending } else { i18n.t().send_button }}
                </button>
            </form>
        </Show>
    }
}

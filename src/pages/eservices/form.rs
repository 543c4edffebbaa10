//! Fill in and send one e-service (`/e-tjanster/:unit/:service`) for whom the user acts for:
//! the questionnaire as the API serves it for that person (their prescriptions as options),
//! drafts sealed on the device until sent, one idempotency key per errand, then the errand.

use ingang_api::{
    Unit,
    eservices::{EService, NewErrand},
};
use ingang_questionnaire::{Questionnaire, QuestionnaireResponse};
use leptos::prelude::*;
use leptos_router::{
    components::A,
    hooks::{use_navigate, use_params_map},
};

use super::answer_time;
use crate::{
    api::{ApiError, use_api},
    auth::use_auth,
    components::{answer_form::AnswerForm, page::Page, protected::Protected},
    drafts::Drafts,
    i18n::{Strings, use_i18n},
    t,
};

// built once per visit of the page; boxing the big variant would buy nothing
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
enum Loaded {
    Ready {
        unit: Unit,
        service: EService,
        person: (String, String),
        questionnaire: Questionnaire,
        drafts: Option<Drafts>,
        draft: Option<QuestionnaireResponse>,
        /// Where the form is kept for an offline reload.
        copy: Option<Drafts>,
    },
    /// The user acts for a child over 12.
    NotAllowed(String),
    NotOffered,
    Failed,
}

fn send_error(e: &ApiError, t: &Strings) -> &'static str {
    match e {
        ApiError::Network => t.eservices_send_offline,
        _ => t.eservices_send_failed,
    }
}

#[component]
pub fn EServiceFormPage() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let auth = use_auth();
    let params = use_params_map();
    view! {
        <Page title=|t| t.eservices_form_title>
            <Protected>
                {move || {
                    let (unit_id, service_id) = params.with(|p| (p.get("unit").unwrap_or_default(), p.get("service").unwrap_or_default()));
                    let back = format!("/e-tjanster/{unit_id}");
                    let loaded = LocalResource::new(move || {
                        let (unit_id, service_id) = (unit_id.clone(), service_id.clone());
                        async move {
                            if auth.people_ready().await.is_none() {
                                return Loaded::Failed;
                            }
                            let Some(person) = auth.acting_for() else { return Loaded::Failed };
                            if !person.can_use_e_services {
                                return Loaded::NotAllowed(person.name);
                            }
                            let key = auth.seal_key_ready().await;
                            let name = format!("{}/e-tjanst/{unit_id}/{service_id}", person.id);
                            // the form as served is kept (sealed) with the draft, so an offline
                            // reload shows both; sending then waits for the network
                            let copy = key.clone().map(|k| Drafts::Sealed(k, format!("{name}.form")));
                            // offline, the units as last known stand (`offline`)
                            let Ok(units) = api.units().await else { return Loaded::Failed };
                            let Some(unit) = units.units.into_iter().find(|u| u.id == unit_id) else { return Loaded::NotOffered };
                            let Some(service) = unit.e_services.iter().find(|e| e.id == service_id).cloned() else {
                                return Loaded::NotOffered;
                            };
                            let questionnaire = match (api.e_service_questionnaire(&unit.id, &service.id, &person.id).await, &copy) {
                                (Ok((q, text)), copy) => {
                                    if let Some(c) = copy {
                                        c.save_text(text);
                                    }
                                    Some(q)
                                }
                                (Err(_), Some(c)) => c.load_text().await.and_then(|t| Questionnaire::from_json(&t).ok()),
                                (Err(_), None) => None,
                            };
                            let Some(questionnaire) = questionnaire else { return Loaded::Failed };
                            let drafts = key.map(|k| Drafts::Sealed(k, name));
                            let draft = match &drafts {
                                Some(d) => d.load().await,
                                None => None,
                            };
                            Loaded::Ready { unit, service, person: (person.id, person.name), questionnaire, drafts, draft, copy }
                        }
                    });
                    view! {
                        <Transition fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
                            {move || Suspend::new(async move {
                                match loaded.await {
                                    Loaded::Ready { unit, service, person, questionnaire, drafts, draft, copy } => {
                                        view! { <Sender unit service person questionnaire drafts draft copy /> }.into_any()
                                    }
                                    Loaded::NotAllowed(name) => view! {
                                        <p class="notice notice--warning" role="alert">
                                            {move || i18n.t().eservices_not_allowed.replace("{name}", &name)}
                                        </p>
                                        <p><A href="/e-tjanster">{t!(i18n.eservices_choose_person)}</A></p>
                                    }.into_any(),
                                    Loaded::NotOffered => view! { <p class="error-text" role="alert">{t!(i18n.eservices_not_offered)}</p> }.into_any(),
                                    Loaded::Failed => view! { <p class="error-text" role="alert">{t!(i18n.eservices_form_error)}</p> }.into_any(),
                                }
                            })}
                        </Transition>
                        <p><A href=back>{t!(i18n.eservices_back_unit)}</A></p>
                    }
                }}
            </Protected>
        </Page>
    }
}

#[component]
fn Sender(
    unit: Unit,
    service: EService,
    person: (String, String),
    questionnaire: Questionnaire,
    drafts: Option<Drafts>,
    draft: Option<QuestionnaireResponse>,
    copy: Option<Drafts>,
) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let navigate = use_navigate();
    let (person_id, person_name) = person;
    let (unit_id, unit_name, service_id) = (unit.id.clone(), unit.name.clone(), service.id.clone());
    let kept = StoredValue::new_local([drafts.clone(), copy]);
    let navigate = StoredValue::new_local(navigate);
    let send = Action::new_local(move |response: &QuestionnaireResponse| {
        let errand = NewErrand {
            person_id: person_id.clone(),
            unit_id: unit_id.clone(),
            e_service_id: service_id.clone(),
            response: serde_json::to_value(response).unwrap_or_default(),
        };
        // taken now: the user may leave while the errand is on its way, and its drafts must go
        // all the same
        let kept = kept.get_value();
        async move {
            // kept until the errand exists: a retry after a lost reply sends the same key
            let key_name = format!("errand.{}/{}/{}", errand.person_id, errand.unit_id, errand.e_service_id);
            let key = crate::storage::idempotency_key(&key_name);
            let sent = api.send_errand(&errand, &key).await?;
            crate::storage::remove(&key_name);
            for d in kept.into_iter().flatten() {
                d.clear();
            }
            // leaving replaces this view: last, after everything of it is done
            if let Some(go) = navigate.try_get_value() {
                go(&format!("/e-arende/{}?skickat=1", sent.id), Default::default());
            }
            Ok(())
        }
    });
    let days = service.answer_within_days;
    let title = service.title.clone();
    view! {
        <h2>{title}</h2>
        <p>{move || i18n.t().eservices_form_for.replace("{name}", &person_name).replace("{unit}", &unit_name)}</p>
        <p>{move || answer_time(days, i18n.t())}</p>
        <AnswerForm
            questionnaire
            drafts
            draft
            finish_label=|t| t.eservices_send
            sending_label=|t| t.eservices_sending
            send
            error_text=send_error
        />
    }
}

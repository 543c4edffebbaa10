//! The signed-in part of Sök vård, one route per step ([`Step`]): the conduct rules
//! (`/sok-vard/ny`), whom for (`/vem`), unit and category (`/mottagning`), the description
//! (`/beskriv`), the questionnaire (`/besvar/:form`), review and send (`/granska`).
//!
//! Every step after the rules opens through [`FlowStep`]: it loads whom the request is for, the
//! units and the encrypted [`Choices`], sends a user who skipped a step back to it, and provides
//! [`Flow`] to the step. Choices and answers are saved on every change, encrypted per user and
//! person, and wiped when the case is sent or the user logs out.

use ingang_api::{Unit, people::Person};
use leptos::prelude::*;
use leptos_router::{
    NavigateOptions,
    components::A,
    hooks::{use_navigate, use_params_map},
};

use super::steps::{Choices, Progress, Step, care_units, categories_for, category_ok};
use crate::{
    api::use_api,
    auth::use_auth,
    components::{
        open_status::{OpenStatus, StaffedHours},
        page::Page,
        person_chooser::{PersonChooser, Purpose, allowed},
        protected::Protected,
        questionnaire::{self, QuestionnaireRunner},
    },
    drafts::Drafts,
    i18n::use_i18n,
    t,
};

/// The rules were accepted for the request being made: holds the id of the user's draft key
/// (so it is this user's acceptance, not the previous person's at a shared device; plain, as it
/// says nothing about health).
const RULES_KEY: &str = "seek.rules";

fn rules_accepted_by(key: Option<&crate::crypto::SealKey>) -> bool {
    crate::storage::get(RULES_KEY).is_some_and(|v| v == key.map(|k| k.id.as_str()).unwrap_or_default())
}

fn replace_with(path: String) {
    let navigate = use_navigate();
    set_timeout(
        move || navigate(&path, NavigateOptions { replace: true, ..Default::default() }),
        std::time::Duration::ZERO,
    );
}

/// What a step after the rules works with.
#[derive(Clone, Copy)]
pub struct Flow {
    patient: StoredValue<Option<Person>>,
    units: StoredValue<Vec<Unit>>,
    pub choices: RwSignal<Choices>,
    store: StoredValue<Option<Drafts>, LocalStorage>,
    key: StoredValue<Option<crate::crypto::SealKey>, LocalStorage>,
}

impl Flow {
    // (`try_`: an answer may arrive, or a timer fire, after the step is gone, e.g. at logout)
    pub fn patient(&self) -> Option<Person> {
        self.patient.try_get_value().flatten()
    }

    pub fn units(&self) -> Vec<Unit> {
        self.units.try_get_value().unwrap_or_default()
    }

    /// Changes the choices and saves them (encrypted) at once.
    pub fn update(&self, f: impl FnOnce(&mut Choices)) {
        self.choices.try_update(f);
        if let (Some(Some(store)), Some(choices)) = (self.store.try_get_value(), self.choices.try_get_untracked()) {
            store.save_json(&choices);
        }
    }

    /// The questionnaire's draft for this person and form.
    fn answers(&self, questionnaire_id: &str) -> Option<Drafts> {
        let (key, person) = (self.key.try_get_value().flatten()?, self.patient()?);
        Some(Drafts::Sealed(key, format!("{}/{questionnaire_id}", person.id)))
    }

    /// Where the form itself is kept for this person (sealed: which form says something of
    /// their health), so an offline reload can still show it.
    fn kept_form(&self, questionnaire_id: &str) -> Option<Drafts> {
        let (key, person) = (self.key.try_get_value().flatten()?, self.patient()?);
        Some(Drafts::Sealed(key, format!("{}/{questionnaire_id}.form", person.id)))
    }

    /// The form as served for the patient (their age filled in): from the server (and kept),
    /// or offline the kept copy.
    async fn questionnaire(&self, api: crate::api::Api, id: &str) -> Option<ingang_questionnaire::Questionnaire> {
        let kept = self.kept_form(id);
        let patient = self.patient()?;
        match api.questionnaire_for(id, &patient.id).await {
            Ok((q, text)) => {
                if let Some(k) = &kept {
                    k.save_text(text);
                }
                Some(q)
            }
            Err(_) => ingang_questionnaire::Questionnaire::from_json(&kept?.load_text().await?).ok(),
        }
    }

    /// What to clear once the request is sent, so that nothing of it stays on the device. Taken
    /// before it is sent: the user may leave the flow (and its values go) while the answer is on
    /// its way.
    fn forgetting(&self) -> impl FnOnce() + use<> {
        let mut drafts = Vec::new();
        if let Some(q) = self.choices.try_get_untracked().and_then(|c| c.questionnaire_id) {
            drafts.extend([self.answers(&q), self.kept_form(&q)].into_iter().flatten());
        }
        drafts.extend(self.store.try_get_value().flatten());
        move || {
            for d in drafts {
                d.clear();
            }
            crate::storage::remove(RULES_KEY);
        }
    }
}

pub fn use_flow() -> Flow {
    expect_context::<Flow>()
}

/// Loads what `step` needs, sends the user back to the first missing step, then renders
/// `children` with [`Flow`] provided, under "Steg n av 6".
#[component]
fn FlowStep(step: Step, children: ChildrenFn) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let auth = use_auth();
    let children = StoredValue::new(children);
    let loaded = LocalResource::new(move || {
        api.epoch();
        let patient = auth.acting_for().filter(|p| allowed(p, Purpose::SeekCare));
        async move {
            auth.people_ready().await?;
            // offline, the last list stands (`offline`); without one, the choices made stand
            // until the unit step
            let units = api.units().await.ok().map(|l| l.units);
            let key = auth.seal_key_ready().await;
            let store = match (&key, &patient) {
                (Some(k), Some(p)) => Some(Drafts::Sealed(k.clone(), format!("{}/seek-care", p.id))),
                _ => None,
            };
            let choices: Choices = match &store {
                Some(s) => s.load_json().await.unwrap_or_default(),
                None => Choices::default(),
            };
            Some((patient, units, key, store, choices))
        }
    });
    let number = step.number();
    view! {
        <p class="step-count">
            {move || i18n.t().flow_step.replace("{n}", &number.to_string()).replace("{total}", &Step::ALL.len().to_string())}
        </p>
        <Transition fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
            {move || Suspend::new(async move {
                let Some((patient, units, key, store, choices)) = loaded.await else {
                    return view! { <p class="error-text" role="alert">{t!(i18n.whom_error)}</p> }.into_any();
                };
                let age = patient.as_ref().and_then(|p| p.age);
                let unit_ok = match &units {
                    Some(list) => category_ok(list, &choices, age),
                    None => choices.unit_id.is_some() && choices.questionnaire_id.is_some(),
                };
                let rules = rules_accepted_by(key.as_ref());
                let progress = Progress::of(rules, patient.is_some(), unit_ok, &choices);
                if let Some(back) = progress.missing_before(step) {
                    replace_with(back.path(&choices));
                    return view! { <p role="status">{t!(i18n.loading)}</p> }.into_any();
                }
                let flow = Flow {
                    patient: StoredValue::new(patient),
                    units: StoredValue::new(units.unwrap_or_default()),
                    choices: RwSignal::new(choices),
                    store: StoredValue::new_local(store),
                    key: StoredValue::new_local(key),
                };
                provide_context(flow);
                // (`try_`: the answer may come after the step is gone, e.g. at logout)
                children.try_with_value(|c| c().into_any()).unwrap_or_else(|| ().into_any())
            })}
        </Transition>
    }
}

/// Step 1: the conduct rules and "not for emergencies", accepted once per request.
#[component]
pub fn RulesPage() -> impl IntoView {
    view! {
        <Page title=|t| t.rules_title>
            <Protected>
                <Rules />
            </Protected>
        </Page>
    }
}

#[component]
fn Rules() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let navigate = use_navigate();
    let accepted = RwSignal::new(false);
    let error = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if accepted.get_untracked() {
            let navigate = navigate.clone();
            leptos::task::spawn_local(async move {
                let key = auth.seal_key_ready().await;
                crate::storage::set(RULES_KEY, key.map(|k| k.id).as_deref().unwrap_or_default());
                navigate(&Step::Whom.path(&Choices::default()), Default::default());
            });
        } else {
            error.set(true);
            crate::browser::focus_id_later("rules-accept".into());
        }
    };
    view! {
                <p class="step-count">
                    {move || i18n.t().flow_step.replace("{n}", "1").replace("{total}", &Step::ALL.len().to_string())}
                </p>
                <aside class="notice notice--warning" aria-labelledby="rules-emergency">
                    <h2 id="rules-emergency">{t!(i18n.seek_care_not_emergency_heading)}</h2>
                    <p>{t!(i18n.rules_emergency)}</p>
                </aside>
                <h2>{t!(i18n.rules_conduct_heading)}</h2>
                <ul class="rules">
                    <li>{t!(i18n.rules_tone)}</li>
                    <li>{t!(i18n.rules_only_this)}</li>
                </ul>
                <p>{t!(i18n.rules_consequence)}</p>
                <p class="small">{t!(i18n.rules_discrimination)}</p>
                <h2>{t!(i18n.rules_promise_heading)}</h2>
                <ul class="rules">
                    <li>{t!(i18n.rules_promise_worse)}</li>
                    <li>{t!(i18n.rules_promise_eid)}</li>
                    <li>{t!(i18n.rules_promise_report)}</li>
                </ul>
                <form class="form" on:submit=submit novalidate>
                    <div class="q-option">
                        <input type="checkbox" id="rules-accept" prop:checked=move || accepted.get()
                            aria-invalid=move || error.get().then_some("true")
                            aria-describedby=move || error.get().then_some("rules-error")
                            on:change=move |ev| { accepted.set(event_target_checked(&ev)); error.set(false); } />
                        <label for="rules-accept">{t!(i18n.rules_accept)}</label>
                    </div>
                    <Show when=move || error.get()>
                        <p class="error-text" id="rules-error" role="alert">{t!(i18n.rules_accept_error)}</p>
                    </Show>
                    <button type="submit" class="button">{t!(i18n.flow_next)}</button>
                </form>
    }
}

/// Step 2: "Vem söker du vård för?"
#[component]
pub fn WhomPage() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let navigate = use_navigate();
    let on_choose = Callback::new(move |p: Person| {
        auth.act_for(&p);
        navigate(&Step::Unit.path(&Choices::default()), Default::default());
    });
    view! {
        <Page title=|t| t.whom_title>
            <Protected>
                <FlowStep step=Step::Whom>
                    <p class="lead">{t!(i18n.whom_lead)}</p>
                    <Transition fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
                        {move || Suspend::new(async move {
                            match auth.people_ready().await {
                                Some(people) => {
                                    let current = auth.acting_for().map(|p| p.id);
                                    view! { <PersonChooser people purpose=Purpose::SeekCare current on_choose /> }.into_any()
                                }
                                None => view! { <p class="error-text" role="alert">{t!(i18n.whom_error)}</p> }.into_any(),
                            }
                        })}
                    </Transition>
                </FlowStep>
            </Protected>
        </Page>
    }
}

/// Step 3: which unit, and what it is about (only the unit's categories for the person's age).
#[component]
pub fn UnitPage() -> impl IntoView {
    view! {
        <Page title=|t| t.unit_step_title>
            <Protected>
                <FlowStep step=Step::Unit>
                    <UnitForm />
                </FlowStep>
            </Protected>
        </Page>
    }
}

#[component]
fn UnitForm() -> impl IntoView {
    let i18n = use_i18n();
    let flow = use_flow();
    let navigate = use_navigate();
    let units: Vec<Unit> = care_units(&flow.units()).into_iter().cloned().collect();
    let patient = flow.patient();
    let age = patient.as_ref().and_then(|p| p.age);
    let name = patient.as_ref().map(|p| p.given_name.clone()).unwrap_or_default();
    // until the user picks one: only the person's own (listed) unit, when the API names it;
    // otherwise nothing (a preselected clinic in another town is one tap from the wrong place)
    let listed = patient.as_ref().and_then(|p| p.listed_unit_id.clone()).filter(|id| units.iter().any(|u| &u.id == id));
    // the person's own health centre first
    let mut units = units;
    units.sort_by_key(|u| Some(&u.id) != listed.as_ref());
    let units = StoredValue::new(units);
    let listed_id = StoredValue::new(listed);
    let unit = Memo::new(move |_| {
        let chosen = flow.choices.with(|c| c.unit_id.clone());
        units.with_value(|list| chosen.filter(|id| list.iter().any(|u| &u.id == id))).or_else(|| listed_id.get_value())
    });
    let categories = Memo::new(move |_| {
        let id = unit.get();
        units.with_value(|list| {
            list.iter()
                .find(|u| Some(&u.id) == id.as_ref())
                .map(|u| categories_for(u, age).into_iter().cloned().collect::<Vec<_>>())
                .unwrap_or_default()
        })
    });
    let category = move || {
        let chosen = flow.choices.with(|c| c.questionnaire_id.clone());
        chosen.filter(|q| categories.with(|list| list.iter().any(|c| &c.questionnaire_id == q)))
    };
    let error = RwSignal::new(false);
    let unit_error = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match (unit.get_untracked(), untrack(category)) {
            (Some(u), Some(q)) => {
                flow.update(|c| c.choose(u, q));
                navigate(&Step::Describe.path(&flow.choices.get_untracked()), Default::default());
            }
            (None, _) => {
                unit_error.set(true);
                crate::browser::focus_id_later("unit-error".into());
            }
            _ => {
                error.set(true);
                crate::browser::focus_id_later("category-error".into());
            }
        }
    };
    let unit_rows = move || {
        let listed_id = listed_id.get_value();
        units.with_value(|list| {
            list.iter()
                .map(|u| {
                    let id = format!("unit-{}", u.id);
                    let desc = format!("unit-{}-desc", u.id);
                    let (v1, v2) = (u.id.clone(), u.id.clone());
                    let (tz, hours) = (u.time_zone.clone(), u.hours.clone());
                    let own = listed_id.as_deref() == Some(u.id.as_str());
                    view! {
                        <div class="q-option q-option--rich">
                            <input type="radio" name="unit" id=id.clone() value=v1.clone()
                                aria-describedby=desc.clone()
                                prop:checked=move || unit.get().as_deref() == Some(v1.as_str())
                                on:change=move |_| { flow.update(|c| c.set_unit(v2.clone())); unit_error.set(false); } />
                            <label for=id>{u.name.clone()}", "{u.city.clone()}</label>
                            <span class="q-option__desc" id=desc>
                                {own.then(|| view! { <strong class="listed">{t!(i18n.unit_step_listed)}</strong>". " })}
                                <OpenStatus time_zone=tz hours />
                            </span>
                        </div>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <form class="form" on:submit=submit novalidate>
            <fieldset class="people">
                <legend class="q-legend">{t!(i18n.unit_step_unit_legend)}</legend>
                {unit_rows}
            </fieldset>
            <p class="error-text" id="unit-error" tabindex="-1" role="alert">
                {move || unit_error.get().then(|| i18n.t().unit_step_unit_error)}
            </p>
            <p class="small">{t!(i18n.hours_any_time)}</p>
            {move || {
                let selected = unit.get();
                units.with_value(|list| list.iter().find(|u| Some(&u.id) == selected.as_ref()).map(|u| {
                    view! { <StaffedHours hours=u.hours.clone() /> }
                }))
            }}
            <fieldset class="people">
                <legend class="q-legend">
                    {move || i18n.t().unit_step_category_legend.replace("{name}", &name)}
                </legend>
                {move || {
                    let list = categories.get();
                    if unit.get().is_none() {
                        return view! { <p>{t!(i18n.unit_step_choose_unit_first)}</p> }.into_any();
                    }
                    if list.is_empty() {
                        return view! { <p>{t!(i18n.unit_step_no_categories)}</p> }.into_any();
                    }
                    list.into_iter().map(|c| {
                        let id = format!("category-{}", c.questionnaire_id);
                        let (v1, v2) = (c.questionnaire_id.clone(), c.questionnaire_id.clone());
                        view! {
                            <div class="q-option">
                                <input type="radio" name="category" id=id.clone() value=v1.clone()
                                    prop:checked=move || category().as_deref() == Some(v1.as_str())
                                    on:change=move |_| { flow.update(|ch| ch.set_category(v2.clone())); error.set(false); } />
                                <label for=id>{c.title}</label>
                            </div>
                        }
                    }).collect_view().into_any()
                }}
            </fieldset>
            <p class="error-text" id="category-error" tabindex="-1" role="alert">
                {move || error.get().then(|| i18n.t().unit_step_error)}
            </p>
            <button type="submit" class="button">{t!(i18n.flow_next)}</button>
        </form>
    }
}

/// Step 4: what the user seeks care for, in their own words.
#[component]
pub fn DescribePage() -> impl IntoView {
    view! {
        <Page title=|t| t.describe_title>
            <Protected>
                <FlowStep step=Step::Describe>
                    <DescribeForm />
                </FlowStep>
            </Protected>
        </Page>
    }
}

#[component]
fn DescribeForm() -> impl IntoView {
    use ingang_api::cases::{DESCRIPTION_MAX, TextProblem, check_description};
    let i18n = use_i18n();
    let flow = use_flow();
    let navigate = use_navigate();
    let problem = RwSignal::new(None::<TextProblem>);
    let count = move || flow.choices.with(|c| c.description.chars().count());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match check_description(&flow.choices.get_untracked().description) {
            Ok(_) => navigate(&Step::Questions.path(&flow.choices.get_untracked()), Default::default()),
            Err(p) => {
                problem.set(Some(p));
                crate::browser::focus_id_later("description".into());
            }
        }
    };
    let message = move || {
        problem.get().map(|p| match p {
            TextProblem::Empty => i18n.t().describe_empty.to_owned(),
            TextProblem::TooLong => i18n.t().describe_too_long.replace("{max}", &DESCRIPTION_MAX.to_string()),
        })
    };
    view! {
        <form class="form" on:submit=submit novalidate>
            <div class="field">
                <label for="description" class="q-label">{t!(i18n.describe_label)}</label>
                <p class="q-help" id="description-help">{t!(i18n.describe_help)}</p>
                <textarea id="description" rows="6"
                    aria-describedby=move || if problem.get().is_some() { "description-error description-help description-count" } else { "description-help description-count" }
                    aria-invalid=move || problem.get().is_some().then_some("true")
                    prop:value=move || flow.choices.with(|c| c.description.clone())
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        flow.update(|c| c.description = text);
                        if problem.get_untracked().is_some() {
                            problem.set(None);
                        }
                    }
                ></textarea>
                <p id="description-count" class=move || { if count() > DESCRIPTION_MAX { "small error-text" } else { "small" } }>
                    {move || i18n.t().describe_count.replace("{n}", &count().to_string()).replace("{max}", &DESCRIPTION_MAX.to_string())}
                </p>
                <p class="error-text" id="description-error" role="alert">{message}</p>
            </div>
            <button type="submit" class="button">{t!(i18n.flow_next)}</button>
        </form>
    }
}

/// Step 5: the category's questionnaire, with encrypted drafts for this person and form.
#[component]
pub fn SymptomFormPage() -> impl IntoView {
    view! {
        <Page title=|t| t.symptoms_title>
            <Protected>
                <FlowStep step=Step::Questions>
                    <Questions />
                </FlowStep>
            </Protected>
        </Page>
    }
}

#[component]
fn Questions() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let flow = use_flow();
    let params = use_params_map();
    let chosen = flow.choices.with_untracked(|c| c.questionnaire_id.clone()).unwrap_or_default();
    // the URL names another form than the one chosen (an old link): go to the chosen one
    if params.with_untracked(|p| p.get("form")).as_deref() != Some(chosen.as_str()) {
        replace_with(Step::Questions.path(&flow.choices.get_untracked()));
    }
    // back at the questions: the answers must be finished again before the review
    if flow.choices.with_untracked(|c| c.completed.is_some()) {
        flow.update(|c| c.completed = None);
    }
    let id = chosen.clone();
    let loaded = LocalResource::new(move || {
        let id = id.clone();
        async move {
            let q = flow.questionnaire(api, &id).await?;
            let drafts = flow.answers(&id);
            let draft = match &drafts {
                Some(d) => d.load().await,
                None => None,
            };
            Some((q, drafts, draft))
        }
    });
    view! {
        <Transition fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    None => view! { <p class="error-text" role="alert">{t!(i18n.symptoms_error)}</p> }.into_any(),
                    Some((questionnaire, drafts, draft)) => view! { <SymptomForm questionnaire drafts draft /> }.into_any(),
                }
            })}
        </Transition>
        <p><A href=Step::Describe.path(&Choices::default())>{t!(i18n.flow_back)}</A></p>
    }
}

#[component]
fn SymptomForm(
    questionnaire: ingang_questionnaire::Questionnaire,
    drafts: Option<Drafts>,
    draft: Option<ingang_questionnaire::QuestionnaireResponse>,
) -> impl IntoView {
    let i18n = use_i18n();
    let flow = use_flow();
    let navigate = use_navigate();
    let (first, was_restored, _warnings) = questionnaire::start(&questionnaire, None, draft);
    let handle = RwSignal::new(first);
    let restored = RwSignal::new(was_restored);
    let on_complete = Callback::new(move |response| {
        flow.update(|c| c.completed = Some(response));
        navigate(&Step::Review.path(&flow.choices.get_untracked()), Default::default());
    });
    let title = questionnaire.title.clone().unwrap_or_default();
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
    }
}

/// Step 6: everything at a glance, with a way back to each part, then send.
#[component]
pub fn ReviewPage() -> impl IntoView {
    view! {
        <Page title=|t| t.review_title>
            <Protected>
                <FlowStep step=Step::Review>
                    <Review />
                </FlowStep>
            </Protected>
        </Page>
    }
}

#[component]
fn Review() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let flow = use_flow();
    let navigate = use_navigate();
    let choices = flow.choices.get_untracked();
    let patient = flow.patient();
    let units = flow.units();
    let unit = units.iter().find(|u| Some(&u.id) == choices.unit_id.as_ref()).cloned();
    let category = unit.as_ref().and_then(|u| {
        u.categories.iter().find(|c| Some(&c.questionnaire_id) == choices.questionnaire_id.as_ref()).cloned()
    });
    let qid = choices.questionnaire_id.clone().unwrap_or_default();
    let questionnaire = LocalResource::new({
        let qid = qid.clone();
        move || {
            let qid = qid.clone();
            async move { flow.questionnaire(api, &qid).await }
        }
    });
    let completed = StoredValue::new(choices.completed.clone());
    let answers = move || {
        let lang = i18n.locale().code();
        let (yes, no) = (i18n.t().questionnaire_yes, i18n.t().questionnaire_no);
        questionnaire.get().flatten().zip(completed.get_value()).map(|(q, r)| {
            let (form, _) = ingang_questionnaire::Form::with_response(q, r);
            form.review(lang, (yes, no))
        })
    };
    let send = Action::new_local(move |new_case: &ingang_api::cases::NewCase| {
        let new_case = new_case.clone();
        let key_name = format!("{}/{}", new_case.person_id, new_case.questionnaire_id);
        let forget = flow.forgetting();
        async move {
            // kept on the device until the case exists: a retry after a lost answer sends the same key
            let key = crate::storage::idempotency_key(&format!("submit.{key_name}"));
            let result = api.create_case(&new_case, &key).await;
            if result.is_ok() {
                crate::storage::remove(&format!("submit.{key_name}"));
                forget();
            }
            result
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(case)) = send.value().get() {
            navigate(&format!("/arenden/{}?skickat=1", case.id), Default::default());
        }
    });
    let name = patient.as_ref().map(|p| p.given_name.clone()).unwrap_or_default();
    let new_case = StoredValue::new(patient.as_ref().zip(choices.unit_id.clone()).zip(choices.completed.clone()).map(
        |((p, unit_id), response)| ingang_api::cases::NewCase {
            person_id: p.id.clone(),
            unit_id,
            questionnaire_id: qid.clone(),
            response: serde_json::to_value(&response).unwrap_or_default(),
            description: choices.description.clone(),
            rules_accepted: true,
        },
    ));
    let do_send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(c) = new_case.get_value() {
            send.dispatch(c);
        }
    };
    let c = Choices::default();
    let (whom_path, unit_path, describe_path) =
        (Step::Whom.path(&c), Step::Unit.path(&c), Step::Describe.path(&choices));
    let questions_path = Step::Questions.path(&choices);
    view! {
        <p class="lead">{t!(i18n.review_lead)}</p>
        <dl class="review">
            <div class="review__row">
                <dt>{t!(i18n.review_person)}</dt>
                <dd>{patient.map(|p| p.name)}" "<A href=whom_path attr:class="review__change" attr:aria-label=move || format!("{}: {}", i18n.t().review_change, i18n.t().review_person)>{t!(i18n.review_change)}</A></dd>
            </div>
            <div class="review__row">
                <dt>{t!(i18n.review_unit)}</dt>
                <dd>{unit.map(|u| format!("{}, {}", u.name, u.city))}" "<A href=unit_path.clone() attr:class="review__change" attr:aria-label=move || format!("{}: {}", i18n.t().review_change, i18n.t().review_unit)>{t!(i18n.review_change)}</A></dd>
            </div>
            <div class="review__row">
                <dt>{t!(i18n.review_category)}</dt>
                <dd>{category.map(|c| c.title)}" "<A href=unit_path attr:class="review__change" attr:aria-label=move || format!("{}: {}", i18n.t().review_change, i18n.t().review_category)>{t!(i18n.review_change)}</A></dd>
            </div>
            <div class="review__row">
                <dt>{t!(i18n.review_description)}</dt>
                <dd><span class="review__text" data-testid="review-description">{choices.description.clone()}</span>" "<A href=describe_path attr:class="review__change" attr:aria-label=move || format!("{}: {}", i18n.t().review_change, i18n.t().review_description)>{t!(i18n.review_change)}</A></dd>
            </div>
        </dl>
        <h2>{t!(i18n.review_answers)}" "<A href=questions_path attr:class="review__change" attr:aria-label=move || format!("{}: {}", i18n.t().review_change, i18n.t().review_answers)>{t!(i18n.review_change)}</A></h2>
        <Transition fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
            {move || Suspend::new(async move {
                let _ = questionnaire.await;
                answers().map(|lines| {
                    let rows = lines.into_iter().map(|l| {
                        let class = format!("depth-{}", l.depth.min(3));
                        view! {
                            <li class=class><span class="review__q">{l.text}</span>" "<strong>{l.answers.join(", ")}</strong></li>
                        }
                    }).collect_view();
                    view! { <ul class="review__answers" data-testid="review-answers">{rows}</ul> }
                })
            })}
        </Transition>
        <form class="form send-case" on:submit=do_send>
            {move || match send.value().get() {
                Some(Err(e)) => {
                    let offline = matches!(e, crate::api::ApiError::Network);
                    let too_many = matches!(&e, crate::api::ApiError::Status { body: Some(b), .. } if b.code == "too_many_open_cases");
                    let name = name.clone();
                    Some(view! {
                        <p class="notice notice--danger" role="alert">
                            {move || if too_many {
                                i18n.t().send_too_many.replace("{name}", &name)
                            } else if offline {
                                i18n.t().send_offline.to_owned()
                            } else {
                                i18n.t().send_failed.to_owned()
                            }}
                        </p>
                    })
                }
                _ => None,
            }}
            <button type="submit" class="button" disabled=move || send.pending().get()>
                {move || if send.pending().get() { i18n.t().send_sending } else { i18n.t().send_button }}
            </button>
        </form>
    }
}

//! "Vem söker du vård för?": the user or one of their children (as the API returns them), with
//! the age rules shown, not hidden: a child the rules exclude is listed, disabled, with the reason.

use ingang_api::people::{Person, Relation};
use leptos::prelude::*;

use crate::{
    i18n::{Strings, use_i18n},
    t,
};

/// What the user is about to do for the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Digitalen: children from 6 months up to 18 years.
    SeekCare,
    /// 1177 e-services: children up to and including 12 years.
    EServices,
}

pub fn allowed(person: &Person, purpose: Purpose) -> bool {
    match purpose {
        Purpose::SeekCare => person.can_seek_care,
        Purpose::EServices => person.can_use_e_services,
    }
}

/// Why a child cannot be chosen (`None` when they can).
pub fn why_not(person: &Person, purpose: Purpose, t: &Strings) -> Option<&'static str> {
    if allowed(person, purpose) {
        return None;
    }
    Some(match (purpose, person.age) {
        (Purpose::SeekCare, Some(0)) => t.whom_too_young,
        (Purpose::SeekCare, _) => t.whom_not_allowed,
        (Purpose::EServices, _) => t.whom_eservices_too_old,
    })
}

/// "14 år", "under 1 år".
pub fn age_text(age: Option<u32>, t: &Strings) -> Option<String> {
    age.map(|a| if a == 0 { t.whom_age_under_one.to_owned() } else { t.whom_age.replace("{n}", &a.to_string()) })
}

#[component]
pub fn PersonChooser(
    people: Vec<Person>,
    purpose: Purpose,
    /// Preselected person id (whom the user acts for now), when allowed.
    current: Option<String>,
    on_choose: Callback<Person>,
    /// The choice takes effect as it is made, with no "Fortsätt" (a page that goes on below
    /// the chooser, where a choice not yet confirmed would leave the screen acting for someone
    /// else than the one checked).
    #[prop(optional)]
    immediate: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let first_allowed = people.iter().find(|p| allowed(p, purpose)).map(|p| p.id.clone());
    let chosen =
        RwSignal::new(current.filter(|id| people.iter().any(|p| &p.id == id && allowed(p, purpose))).or(first_allowed));
    let people = StoredValue::new(people);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let id = chosen.get_untracked();
        if let Some(p) = people.with_value(|ps| ps.iter().find(|p| Some(&p.id) == id.as_ref()).cloned()) {
            on_choose.run(p);
        }
    };
    let rows = people.get_value().into_iter().map(|p| {
        let ok = allowed(&p, purpose);
        let input_id = format!("person-{}", p.id);
        let why_id = format!("person-{}-why", p.id);
        let id = p.id.clone();
        let is_me = p.relation == Relation::Myself;
        let age = p.age;
        let pnr = p.personal_number.clone();
        let person = p.clone();
        view! {
            <div class="person" class:person--disabled=!ok>
                <input type="radio" name="person" id=input_id.clone() value=id.clone() disabled=!ok
                    aria-describedby=(!ok).then(|| why_id.clone())
                    prop:checked={let id = id.clone(); move || chosen.get().as_deref() == Some(id.as_str())}
                    on:change={
                        let (id, person) = (id.clone(), p.clone());
                        move |_| {
                            chosen.set(Some(id.clone()));
                            if immediate {
                                on_choose.run(person.clone());
                            }
                        }
                    } />
                <label for=input_id>
                    <span class="person__name">
                        {move || if is_me { i18n.t().whom_myself.replace("{name}", &person.name) } else { person.name.clone() }}
                    </span>
                    <span class="person__meta">
                        {pnr}
                        {move || age_text(age, i18n.t()).map(|a| format!(", {a}"))}
                    </span>
                    {(!ok).then(|| view! {
                        <span class="person__why" id=why_id>{move || why_not(&p, purpose, i18n.t())}</span>
                    })}
                </label>
            </div>
        }
    }).collect_view();
    view! {
        <form class="form" on:submit=submit>
            <fieldset class="people">
                <legend class="q-legend">{move || match purpose {
                    Purpose::SeekCare => i18n.t().whom_legend_care,
                    Purpose::EServices => i18n.t().whom_legend_eservices,
                }}</legend>
                {rows}
            </fieldset>
            {(!immediate).then(|| view! {
                <p>
                    <button type="submit" class="button" disabled=move || chosen.get().is_none()>{t!(i18n.whom_continue)}</button>
                </p>
            })}
        </form>
    }
}

//! Sök vård: how the digital entrance works (after the seeds) and the region's units.
//! The signed-in flow (whom for, what about, the questionnaire) is in [`flow`].

pub mod flow;
pub mod steps;

use ingang_api::{Unit, UnitKind};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::{
    api::use_api,
    components::{
        open_status::{OpenStatus, StaffedHours},
        page::Page,
    },
    i18n::{Strings, use_i18n},
    t,
};

/// The label of a unit kind.
pub fn kind_label(kind: UnitKind, t: &Strings) -> &'static str {
    match kind {
        UnitKind::HealthCentre => t.unit_kind_health_centre,
        UnitKind::Dental => t.unit_kind_dental,
        UnitKind::Youth => t.unit_kind_youth,
        UnitKind::Specialist => t.unit_kind_specialist,
        UnitKind::Other => t.unit_kind_other,
    }
}

#[component]
fn UnitItem(unit: Unit) -> impl IntoView {
    let i18n = use_i18n();
    let kind = unit.kind;
    let has_hours = !unit.hours.is_empty();
    let (tz, hours) = (unit.time_zone.clone(), unit.hours.clone());
    view! {
        <li class="unit">
            <h3 class="unit__name">{unit.name}</h3>
            <p class="unit__meta">
                <span>{move || kind_label(kind, i18n.t())}</span>
                ", "
                <span>{unit.address}", "{unit.city}</span>
            </p>
            {has_hours.then(|| view! {
                <p><OpenStatus time_zone=tz hours=hours.clone() /></p>
                <StaffedHours hours />
            })}
            {unit.phone.map(|phone| {
                let href = format!("tel:{}", phone.replace([' ', '-'], ""));
                view! { <p><a href=href class="ltr">{phone}</a></p> }
            })}
        </li>
    }
}

#[component]
fn Units() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let units = LocalResource::new(move || {
        api.epoch();
        async move { api.units().await }
    });
    view! {
        <Transition fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
            <ErrorBoundary fallback=move |_| view! { <p class="error-text">{t!(i18n.units_error)}</p> }>
                {move || Suspend::new(async move {
                    units.await.map(|list| {
                        if list.units.is_empty() {
                            view! { <p>{t!(i18n.units_empty)}</p> }.into_any()
                        } else {
                            let items = list.units.into_iter().map(|unit| view! { <UnitItem unit /> }).collect_view();
                            view! { <ul class="units">{items}</ul> }.into_any()
                        }
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
pub fn SeekCarePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Page title=|t| t.seek_care_title>
            <p class="lead">{t!(i18n.seek_care_lead)}</p>
            <p><A href="/sok-vard/ny" attr:class="button">{t!(i18n.seek_care_start)}</A></p>
            <aside class="notice notice--warning" aria-labelledby="seek-care-emergency">
                <h2 id="seek-care-emergency">{t!(i18n.seek_care_not_emergency_heading)}</h2>
                <p>{t!(i18n.emergency_body)}</p>
            </aside>
            <h2>{t!(i18n.seek_care_how_heading)}</h2>
            <ol class="steps">
                <li>{t!(i18n.seek_care_step_login)}</li>
                <li>{t!(i18n.seek_care_step_whom)}</li>
                <li>{t!(i18n.seek_care_step_describe)}</li>
                <li>{t!(i18n.seek_care_step_questions)}</li>
                <li>{t!(i18n.seek_care_step_wait)}</li>
                <li>{t!(i18n.seek_care_step_chat)}</li>
            </ol>
            <p>{t!(i18n.seek_care_any_time)}</p>
            <h2>{t!(i18n.units_heading)}</h2>
            <Units />
        </Page>
    }
}

//! Bokade tider: the user's and their children's visits (`/bokade-tider`), one visit with
//! check-in, payment, cancel and reschedule (`/bokade-tider/:id`, [`visit`]), booking a time
//! oneself (`/boka-tid`, [`book`]), and receipts (`/kvitto/:id`, [`receipt`]). Everything the region decides (the check-in window, fees,
//! cancellation) comes from the API; the screens say what it says.

pub mod book;
pub mod payment;
pub mod receipt;
pub mod slot_picker;
pub mod visit;

use ingang_api::visits::{Visit, VisitKind, VisitStatus};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::{
    api::use_api,
    browser::moment_text,
    components::{page::Page, protected::Protected},
    i18n::{Strings, use_i18n},
    t,
};

pub fn kind_text(kind: VisitKind, t: &Strings) -> &'static str {
    match kind {
        VisitKind::Clinic => t.visits_kind_clinic,
        VisitKind::Video => t.visits_kind_video,
        VisitKind::Phone => t.visits_kind_phone,
    }
}

/// The visit's state in words; a past booked visit is "genomförd".
pub fn status_text(v: &Visit, past: bool, t: &Strings) -> &'static str {
    match v.status {
        VisitStatus::Cancelled => t.visits_status_cancelled,
        _ if past => t.visits_status_done,
        VisitStatus::CheckedIn => t.visits_status_checked_in,
        VisitStatus::Booked => t.visits_status_booked,
    }
}

#[component]
pub fn VisitsPage() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    view! {
        <Page title=|t| t.visits_title>
            <Protected>
                {move || {
                    let list = LocalResource::new(move || {
                        api.epoch();
                        // the region's texts follow the language (Accept-Language): a new one refetches
                        i18n.locale();
                        async move { api.visits().await }
                    });
                    view! {
                        <p class="lead">{t!(i18n.visits_lead)}</p>
                        <p><A href="/boka-tid" attr:class="button button--secondary">{t!(i18n.book_link)}</A></p>
                        <Transition fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
                            <ErrorBoundary fallback=move |_| view! { <p class="error-text" role="alert">{t!(i18n.visits_action_failed)}</p> }>
                                {move || Suspend::new(async move {
                                    list.await.map(|list| view! {
                                        <section aria-labelledby="upcoming-heading">
                                            <h2 id="upcoming-heading">{t!(i18n.visits_upcoming)}</h2>
                                            {if list.upcoming.is_empty() {
                                                view! { <p>{t!(i18n.visits_none_upcoming)}</p> }.into_any()
                                            } else {
                                                let items = list.upcoming.into_iter().map(|v| view! { <VisitItem visit=v past=false /> }).collect_view();
                                                view! { <ul class="visits" data-testid="upcoming">{items}</ul> }.into_any()
                                            }}
                                        </section>
                                        <section aria-labelledby="past-heading">
                                            <h2 id="past-heading">{t!(i18n.visits_past)}</h2>
                                            {if list.past.is_empty() {
                                                view! { <p>{t!(i18n.visits_none_past)}</p> }.into_any()
                                            } else {
                                                let items = list.past.into_iter().map(|v| view! { <VisitItem visit=v past=true /> }).collect_view();
                                                view! { <ul class="visits" data-testid="past">{items}</ul> }.into_any()
                                            }}
                                        </section>
                                    })
                                })}
                            </ErrorBoundary>
                        </Transition>
                    }
                }}
            </Protected>
        </Page>
    }
}

#[component]
fn VisitItem(visit: Visit, past: bool) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/bokade-tider/{}", visit.id);
    let (starts, tz) = (visit.starts_at, visit.time_zone.clone());
    let v = StoredValue::new(visit);
    view! {
        <li class="visit-item" data-visit=v.with_value(|v| v.id.clone())>
            <A href=href attr:class="visit-item__title">
                {move || moment_text(starts, &tz, i18n.locale().code(), true)}
            </A>
            <span class="visit-item__meta">
                {move || v.with_value(|v| format!(
                    "{} · {} · {} · {}",
                    v.title,
                    kind_text(v.kind, i18n.t()),
                    v.unit_name,
                    i18n.t().visits_for.replace("{name}", &v.person_name),
                ))}
            </span>
            <span class="visit-item__status">{move || v.with_value(|v| status_text(v, past, i18n.t()))}</span>
        </li>
    }
}

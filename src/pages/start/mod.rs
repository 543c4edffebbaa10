//! Start: the few clear entry points (patients complain most about not finding the right
//! service) and the emergency advice.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::{
    components::{
        icon::{Icon, IconName},
        page::Page,
    },
    i18n::{Strings, use_i18n},
    t,
};

struct Entry {
    href: &'static str,
    icon: IconName,
    title: fn(&Strings) -> &'static str,
    body: fn(&Strings) -> &'static str,
}

const ENTRIES: [Entry; 5] = [
    Entry { href: "/sok-vard", icon: IconName::SeekCare, title: |t| t.nav_seek_care, body: |t| t.start_seek_care_body },
    Entry { href: "/bokade-tider", icon: IconName::Calendar, title: |t| t.nav_visits, body: |t| t.start_visits_body },
    Entry { href: "/arenden", icon: IconName::Cases, title: |t| t.nav_cases, body: |t| t.start_cases_body },
    Entry { href: "/inkorg", icon: IconName::Inbox, title: |t| t.nav_inbox, body: |t| t.start_inbox_body },
    Entry { href: "/e-tjanster", icon: IconName::Cases, title: |t| t.nav_eservices, body: |t| t.start_eservices_body },
];

#[component]
pub fn StartPage() -> impl IntoView {
    let i18n = use_i18n();
    let cards = ENTRIES
        .iter()
        .map(|entry| {
            let (title, body) = (entry.title, entry.body);
            view! {
                <li>
                    <A href=entry.href attr:class="card card--link">
                        <Icon name=entry.icon />
                        <span class="card__text">
                            <span class="card__title">{move || title(i18n.t())}</span>
                            <span class="card__body">{move || body(i18n.t())}</span>
                        </span>
                    </A>
                </li>
            }
        })
        .collect_view();
    view! {
        <Page title=|t| t.start_title>
            <p class="lead">{t!(i18n.start_lead)}</p>
            <ul class="cards">{cards}</ul>
            <aside class="notice notice--warning" aria-labelledby="start-emergency">
                <h2 id="start-emergency">{t!(i18n.emergency_heading)}</h2>
                <p>{t!(i18n.emergency_body)}</p>
            </aside>
        </Page>
    }
}

//! Main navigation: a bottom tab bar on phones, a side bar from tablet width (CSS decides).
//! On phones "Inställningar" lives in the header instead, to keep five roomy tabs.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::{
    components::icon::{Icon, IconName},
    i18n::{Strings, use_i18n},
    t,
};

pub struct NavItem {
    pub href: &'static str,
    pub label: fn(&Strings) -> &'static str,
    pub icon: IconName,
}

/// The app's top-level destinations, in tab order.
pub const NAV_ITEMS: [NavItem; 6] = [
    NavItem { href: "/", label: |t| t.nav_start, icon: IconName::Home },
    NavItem { href: "/sok-vard", label: |t| t.nav_seek_care, icon: IconName::SeekCare },
    NavItem { href: "/arenden", label: |t| t.nav_cases, icon: IconName::Cases },
    NavItem { href: "/bokade-tider", label: |t| t.nav_visits, icon: IconName::Calendar },
    NavItem { href: "/inkorg", label: |t| t.nav_inbox, icon: IconName::Inbox },
    NavItem { href: "/installningar", label: |t| t.nav_settings, icon: IconName::Settings },
];

/// `unread`: the inbox's unread count, once the app chunk (which asks for it) is here.
#[component]
pub fn MainNav(unread: Signal<Option<u32>>) -> impl IntoView {
    let i18n = use_i18n();
    let items = NAV_ITEMS
        .iter()
        .map(|item| {
            let label = item.label;
            let inbox = item.href == "/inkorg";
            let badge = move || {
                let unread = if inbox { unread.get() } else { None };
                unread.and_then(ingang_api::eservices::badge_text).map(|text| {
                    let n = unread.unwrap_or_default();
                    view! {
                        <span class="nav-badge" aria-hidden="true">{text}</span>
                        <span class="visually-hidden">{move || crate::i18n::plural(i18n.t(), i18n.t().nav_unread, u64::from(n)).replace("{n}", &n.to_string())}</span>
                    }
                })
            };
            view! {
                <li class="main-nav__item" class:main-nav__item--wide-only=item.href == "/installningar">
                    <A href=item.href exact=true attr:class="main-nav__link">
                        <Icon name=item.icon />
                        <span class="main-nav__label">{move || label(i18n.t())}</span>
                        {badge}
                    </A>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="main-nav" aria-label=t!(i18n.nav_label)>
            <ul class="main-nav__list">{items}</ul>
        </nav>
    }
}

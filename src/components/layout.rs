//! The app shell around every route: skip link, header (region, emergency notice, language),
//! status banners, the main landmark and the navigation.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::{
    components::{
        acting_bar::ActingBar,
        api_banner::ApiBanner,
        emergency::EmergencyNotice,
        icon::{Icon, IconName},
        nav::MainNav,
        session_timer::SessionTimer,
        update_banner::UpdateBanner,
    },
    config::AppConfig,
    i18n::{Locale, use_i18n},
    t,
};

/// Toggles between Swedish and English; the button names the *other* language in that
/// language (with its `lang`), as users look for their own language's name.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let other = move || match i18n.locale() {
        Locale::Sv => Locale::En,
        Locale::En => Locale::Sv,
    };
    view! {
        <button
            type="button"
            class="header__button"
            lang=move || other().code()
            on:click=move |_| i18n.set(other())
        >
            <Icon name=IconName::Globe />
            <span>{move || other().native_name()}</span>
        </button>
    }
}

/// The settings (a gear) in the header; on wide screens the side navigation has them.
#[component]
fn SettingsLink() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <A href="/installningar" attr:class="header__button header__settings">
            <Icon name=IconName::Settings />
            <span class="visually-hidden">{t!(i18n.nav_settings)}</span>
        </A>
    }
}

/// Who is signed in, and "Logga ut", in the header on every screen: on a shared phone or a
/// waiting-room tablet the user sees at once whose data is open and how to close it. Always in
/// the page, hidden while signed out (a static part with reactive text is less code in the
/// first module than a part built anew).
#[component]
fn HeaderAccount(signed_in: Memo<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let auth = crate::auth::use_auth();
    let api = crate::api::use_api();
    // out first (nothing may ask the server in this session's name after it), then the start
    // page loaded afresh: nothing of the user stays in the page's memory on a shared device
    let logout = move |_| leptos::task::spawn_local(auth.logout(api, Some("/")));
    let name = move |text: &str| auth.session().map(|s| text.replace("{name}", &s.user.name)).unwrap_or_default();
    view! {
        <div class="header__account" data-testid="header-account" hidden=move || !signed_in.get()>
            <span class="header__user">{move || name(i18n.t().login_header_user)}</span>
            <SettingsLink />
            <button type="button" class="header__button header__logout" on:click=logout>
                {t!(i18n.login_header_logout)}
            </button>
        </div>
    }
}

#[component]
pub fn Shell(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let config = expect_context::<AppConfig>();
    crate::components::inbox_badge::provide_inbox_badge(crate::api::use_api());
    let auth = crate::auth::use_auth();
    let signed_in = Memo::new(move |_| auth.session().is_some());
    crate::components::inbox_badge::use_inbox_stream(signed_in);
    view! {
        <a class="skip-link" href="#main">{t!(i18n.skip_to_content)}</a>
        <header class="header" class:header--signed-in=move || signed_in.get()>
            <div class="header__brand">
                <A href="/" exact=true attr:class="header__title">{t!(i18n.app_name)}</A>
                {config.region_name.map(|name| view! { <span class="header__region">{name}</span> })}
            </div>
            <div class="header__actions">
                <EmergencyNotice />
                <LanguageSwitch />
                // signed in, the settings sit with the account (below; CSS hides this one)
                <SettingsLink />
            </div>
            <HeaderAccount signed_in />
        </header>
        <ActingBar />
        <SessionTimer />
        <div class="layout">
            <MainNav />
            <div class="layout__content">
                <ApiBanner />
                <UpdateBanner />
                {move || i18n.failed().map(|locale| view! {
                    <div class="banner banner--error" role="alert">
                        <p>{i18n.t().language_failed.replace("{language}", locale.native_name())}</p>
                    </div>
                })}
                <main id="main" tabindex="-1">{children()}</main>
            </div>
        </div>
    }
}

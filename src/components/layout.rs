//! The frame around every route: skip link, header (region, emergency notice, language, and
//! once the app chunk is here who is signed in), status banners, the main landmark and the
//! navigation.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::{
    components::{
        api_banner::ApiBanner,
        emergency::EmergencyNotice,
        icon::{Icon, IconName},
        nav::MainNav,
        update_banner::UpdateBanner,
    },
    config::AppConfig,
    i18n::{Locale, use_i18n},
    t,
};

/// The language menu: a `<details>` disclosure in the header whose summary names the current
/// language in that language ("Svenska", "Suomi", "العربية"), as users look for their own
/// language's name, and lists every language by its own name (each with its `lang` and `dir`).
/// The browser does the opening, closing and keyboard; Escape closes it too, and a choice closes
/// it and returns focus to the summary. The list (the built-in languages, then those the
/// region's `config.json` adds) never changes once the app runs, so it is one piece of static
/// markup with one click handler: little code in the first module.
/// Every language as a list item with a button, by its own name with its `lang` and `dir` (a
/// name from a region's config.json is text, never markup). With `current`, the button of the
/// current language says it is pressed. Static markup: a view per button costs more code.
pub fn language_buttons(class: &str, current: Option<Locale>) -> String {
    Locale::all()
        .iter()
        .map(|l| {
            let pressed = current.map(|c| format!(r#" aria-pressed="{}""#, c == *l)).unwrap_or_default();
            format!(
                r#"<li><button type="button" class="{class}" lang="{}" dir="{}"{pressed}>{}</button></li>"#,
                l.code(),
                l.dir(),
                l.native_name().replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
            )
        })
        .collect()
}

/// The language whose button (from [`language_buttons`]) a click chose.
pub fn chosen_language(e: &leptos::ev::MouseEvent) -> Option<Locale> {
    use wasm_bindgen::JsCast;
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("button[lang]").ok().flatten())
        .and_then(|button| button.get_attribute("lang"))
        .and_then(|code| Locale::from_code(&code))
}

#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let choices = language_buttons("language__choice", None);
    let close = || {
        if let Some(menu) = document().get_element_by_id("language") {
            let _ = menu.remove_attribute("open");
        }
        crate::browser::focus_id("language-toggle");
    };
    let choose = move |e: leptos::ev::MouseEvent| {
        if let Some(locale) = chosen_language(&e) {
            i18n.set(locale);
            close();
        }
    };
    view! {
        <details id="language" class="language" on:click=choose on:keydown=move |e| if e.key() == "Escape" { close() }>
            <summary id="language-toggle" class="header__button">
                <Icon name=IconName::Globe />
                <span>{move || i18n.locale().native_name()}</span>
            </summary>
            <ul id="language-menu" class="language__menu" inner_html=choices></ul>
        </details>
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
pub fn HeaderAccount(signed_in: Memo<bool>) -> impl IntoView {
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

/// The frame of every screen but the kiosk: skip link, header, navigation, banners and the
/// main landmark. In the first module, and built once: the app chunk ([`crate::app::AppParts`])
/// fills `account` (who is signed in, "Logga ut") and `notices` (the person chooser, the
/// session timer) when it is here, so nothing the user has opened or focused in the header is
/// rebuilt under them.
#[component]
pub fn Frame(
    #[prop(into)] signed_in: Signal<bool>,
    /// The inbox's unread count for the navigation's badge.
    unread: Signal<Option<u32>>,
    /// The header's signed-in part.
    account: ViewFn,
    /// Between the header and the layout.
    notices: ViewFn,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let config = expect_context::<AppConfig>();
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
            {move || account.run()}
        </header>
        {move || notices.run()}
        <div class="layout">
            <MainNav unread />
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

//! Inställningar: language (remembered on this device), the account with its contact details
//! and push notifications on this device ([`push`]), saved answers, and facts about the app.

pub mod push;

use leptos::prelude::*;
use leptos_router::components::A;

use crate::{
    components::{contact_form::ContactForm, page::Page},
    i18n::{Locale, use_i18n},
    t,
};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let options = Locale::all()
        .into_iter()
        .map(|locale| {
            let id = format!("lang-{}", locale.code());
            view! {
                <div class="radio">
                    <input
                        type="radio"
                        name="language"
                        id=id.clone()
                        value=locale.code()
                        prop:checked=move || i18n.locale() == locale
                        on:change=move |_| i18n.set(locale)
                    />
                    <label for=id lang=locale.code()>{locale.native_name()}</label>
                </div>
            }
        })
        .collect_view();
    let cleared = RwSignal::new(false);
    let auth = crate::auth::use_auth();
    let api = crate::api::use_api();
    // started once from the first known details: a refetch must not rebuild the form
    let contact_once = Memo::new(move |prev: Option<&Option<(String, ingang_api::people::ContactDetails)>>| {
        let user = auth.session()?.user.personal_number;
        match prev.cloned().flatten() {
            Some((who, details)) if who == user => Some((who, details)),
            _ => auth.contact().map(|c| (user, c)),
        }
    });
    let account = move || match auth.session() {
        Some(s) => {
            let name = s.user.name.clone();
            view! {
                <p>{move || i18n.t().login_signed_in.replace("{name}", &name)}</p>
                <p>
                    <button type="button" class="button button--secondary" on:click=move |_| {
                        leptos::task::spawn_local(auth.logout(api, None));
                    }>{t!(i18n.login_logout)}</button>
                </p>
            }
            .into_any()
        }
        None => view! {
            <p>{t!(i18n.login_signed_out)}</p>
            <p><A href="/logga-in?next=/installningar" attr:class="button">{t!(i18n.login_login_link)}</A></p>
        }
        .into_any(),
    };
    view! {
        <Page title=|t| t.settings_title>
            <form class="form" on:submit=|ev| ev.prevent_default()>
                <fieldset>
                    <legend>{t!(i18n.settings_language)}</legend>
                    {options}
                </fieldset>
            </form>
            <h2>{t!(i18n.login_account_heading)}</h2>
            {account}
            <Show when=move || auth.session().is_some() && contact_once.get().is_some()>
                <h2>{t!(i18n.contact_heading)}</h2>
                {move || contact_once.get_untracked().map(|(_, initial)| view! {
                    <ContactForm initial submit_label=|t| t.contact_save on_saved=Callback::new(|_| ()) />
                })}
            </Show>
            <Show when=move || auth.session().is_some()>
                <push::PushSetting />
            </Show>
            <h2>{t!(i18n.settings_drafts_heading)}</h2>
            <p>{t!(i18n.settings_drafts_body)}</p>
            <p>
                <button type="button" class="button button--secondary" on:click=move |_| {
                    crate::drafts::clear_all();
                    crate::blobs::wipe();
                    cleared.set(true);
                }>{t!(i18n.settings_drafts_clear)}</button>
            </p>
            <p role="status">{move || cleared.get().then(|| i18n.t().settings_drafts_cleared)}</p>
            <h2>{t!(i18n.settings_about_heading)}</h2>
            <p>{t!(i18n.settings_about_body)}</p>
            <p>{t!(i18n.settings_version)} " " {env!("CARGO_PKG_VERSION")}</p>
            <p><A href="/tillganglighet">{t!(i18n.settings_a11y_link)}</A></p>
        </Page>
    }
}

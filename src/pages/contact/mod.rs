//! `/kontaktuppgifter`: the first login asks for a mobile number, an e-mail address and how to
//! be notified (Digitalen: "Du registrerar därefter dina kontaktuppgifter ... bara första gången").
//! Afterwards the user goes on to `?next=`. Inställningar edits the same details.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::{
    auth::use_auth,
    components::{contact_form::ContactForm, page::Page, protected::Protected},
    i18n::use_i18n,
    pages::login::safe_next,
    t,
};

#[component]
pub fn ContactPage() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let navigate = use_navigate();
    let query = use_query_map();
    let next = move || safe_next(query.with_untracked(|q| q.get("next")));
    let on_saved = Callback::new(move |_| navigate(&next(), Default::default()));
    let greeting = move || {
        auth.session().map(|s| i18n.t().contact_welcome.replace("{name}", &s.user.given_name)).unwrap_or_default()
    };
    view! {
        <Page title=|t| t.contact_title>
            <Protected allow_unregistered=true>
                <p class="lead">{greeting}</p>
                <p>{t!(i18n.contact_lead)}</p>
                <Show when=move || auth.contact().is_some() fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
                    {move || auth.contact_untracked().map(|initial| view! {
                        <ContactForm initial submit_label=|t| t.contact_save_continue on_saved />
                    })}
                </Show>
            </Protected>
        </Page>
    }
}

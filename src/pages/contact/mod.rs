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
    let initial = Memo::new(move |prev: Option<&Option<(String, ingang_api::people::ContactDetails)>>| {
        let user = auth.session()?.user.personal_number;
        match prev.cloned().flatten() {
            Some((who, details)) if who == user => Some((who, details)),
            _ => auth.contact().map(|c| (user, c)),
        }
    });
    view! {
        <Page title=|t| t.contact_title>
            <Protected allow_unregistered=true>
                <p class="lead">{greeting}</p>
                <p>{t!(i18n.contact_lead)}</p>
                // The form starts once from the first known details and is never rebuilt under
                // the user's fingers (a refetch must not wipe what they typed).
                <Show when=move || initial.get().is_some() fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
                    {move || initial.get_untracked().map(|(_, initial)| view! {
                        <ContactForm initial submit_label=|t| t.contact_save_continue on_saved />
                    })}
                </Show>
            </Protected>
        </Page>
    }
}

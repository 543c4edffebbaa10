//! While the user acts for a child, the header says so on every screen, with a way back.

use ingang_api::people::Relation;
use leptos::prelude::*;

use crate::{auth::use_auth, components::person_chooser::age_text, i18n::use_i18n, t};

#[component]
pub fn ActingBar() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let child = move || auth.session().and(auth.acting_for()).filter(|p| p.relation == Relation::Child);
    let back_to_me = move |_| {
        if let Some(me) = auth.people().and_then(|ps| ps.into_iter().find(|p| p.relation == Relation::Myself)) {
            auth.act_for(&me);
        }
    };
    view! {
        {move || child().map(|p| {
            let text = {
                let t = i18n.t();
                let age = age_text(p.age, t).map(|a| format!(" ({a})")).unwrap_or_default();
                t.acting_for.replace("{name}", &p.name).replace("{age}", &age)
            };
            view! {
                <div class="acting-bar" data-testid="acting-bar">
                    <p>{text}</p>
                    <button type="button" class="button button--secondary button--small" on:click=back_to_me>
                        {t!(i18n.acting_back_to_me)}
                    </button>
                </div>
            }
        })}
    }
}

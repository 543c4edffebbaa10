//! While the user acts for a child, the header says so, with a way back: on the screens where
//! whom one acts for decides what is sent (seeking care, e-services), and nowhere else (the
//! user's own visits, receipts and inbox are not the child's).

use ingang_api::people::Relation;
use leptos::prelude::*;

use crate::{auth::use_auth, components::person_chooser::age_text, i18n::use_i18n, t};

/// Whether whom the user acts for matters on the screen at `path`.
pub fn acting_applies(path: &str) -> bool {
    ["/sok-vard", "/e-tjanster"]
        .iter()
        .any(|p| path.strip_prefix(p).is_some_and(|rest| rest.is_empty() || rest.starts_with('/')))
}

#[component]
pub fn ActingBar() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let location = leptos_router::hooks::use_location();
    let applies = move || location.pathname.with(|p| acting_applies(p));
    let child = move || auth.session().and(auth.acting_for()).filter(|p| p.relation == Relation::Child && applies());
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

#[cfg(test)]
mod tests {
    use super::acting_applies;

    #[test]
    fn the_bar_belongs_to_seeking_care_and_e_services_only() {
        for path in ["/sok-vard", "/sok-vard/ny/mottagning", "/e-tjanster", "/e-tjanster/hc-gibraltar/fornya-recept"] {
            assert!(acting_applies(path), "{path}");
        }
        for path in ["/", "/bokade-tider", "/inkorg", "/arenden", "/kvitton", "/installningar", "/sok-vardcentral"] {
            assert!(!acting_applies(path), "{path}");
        }
    }
}

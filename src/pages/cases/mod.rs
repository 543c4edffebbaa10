//! The cases area. Signed-in only (see `Protected`): the list itself arrives with its issue.

use leptos::prelude::*;

use crate::{
    components::{page::Page, protected::Protected},
    i18n::use_i18n,
    t,
};

#[component]
pub fn CasesPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Page title=|t| t.cases_title>
            <Protected>
            <p class="lead">{t!(i18n.cases_lead)}</p>
            </Protected>
        </Page>
    }
}

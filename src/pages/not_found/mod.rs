//! Any path the app does not know.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::{components::page::Page, i18n::use_i18n, t};

#[component]
pub fn NotFoundPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Page title=|t| t.not_found_title>
            <p>{t!(i18n.not_found_body)}</p>
            <p><A href="/" attr:class="button">{t!(i18n.not_found_home)}</A></p>
        </Page>
    }
}

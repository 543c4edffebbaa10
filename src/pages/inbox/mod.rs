//! The inbox area. Its data needs a signed-in user; until the sign-in issue lands the page
//! explains what it will hold and that it needs BankID.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::{components::page::Page, i18n::use_i18n, t};

#[component]
pub fn InboxPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Page title=|t| t.inbox_title>
            <p class="lead">{t!(i18n.inbox_lead)}</p>
            <div class="notice">
                <p>{t!(i18n.login_required)}</p>
                <p><A href="/logga-in?next=/inkorg" attr:class="button">{t!(i18n.login_login_link)}</A></p>
            </div>
        </Page>
    }
}

//! Tillgänglighetsredogörelse: the accessibility statement the DOS law (SFS 2018:1937) requires
//! of public care services: compliance status, known problems, how it was assessed, and where
//! to report problems (including DIGG, the supervisory authority).

use leptos::prelude::*;

use crate::{components::page::Page, i18n::use_i18n, t};

#[component]
pub fn AccessibilityPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Page title=|t| t.a11y_title>
            <p class="lead">{t!(i18n.a11y_lead)}</p>
            <h2>{t!(i18n.a11y_status_heading)}</h2>
            <p>{t!(i18n.a11y_status_body)}</p>
            <h2>{t!(i18n.a11y_known_heading)}</h2>
            <p>{t!(i18n.a11y_known_body)}</p>
            <h2>{t!(i18n.a11y_report_heading)}</h2>
            <p>{t!(i18n.a11y_report_body)}</p>
            <p>
                <a href="https://www.digg.se/" rel="noopener noreferrer">{t!(i18n.a11y_digg_link)}</a>
            </p>
            <h2>{t!(i18n.a11y_method_heading)}</h2>
            <p>{t!(i18n.a11y_method_body)}</p>
        </Page>
    }
}

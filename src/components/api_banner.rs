//! "Tjänsten kan inte nås just nu": shown while the API does not answer, with a retry.

use leptos::prelude::*;

use crate::{api::use_api, i18n::use_i18n, t};

#[component]
pub fn ApiBanner() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    view! {
        <Show when=move || !api.reachable()>
            <div class="banner banner--error" role="alert">
                <p>
                    <strong>{t!(i18n.api_down_title)}</strong>
                    " "
                    {t!(i18n.api_down_body)}
                </p>
                <button type="button" class="button button--secondary" on:click=move |_| api.retry()>
                    {t!(i18n.action_retry)}
                </button>
            </div>
        </Show>
    }
}

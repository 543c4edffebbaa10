//! "Ny version finns – Uppdatera": offered when a new build is waiting (see `pwa`).

use leptos::prelude::*;

use crate::{i18n::use_i18n, pwa, t};

#[component]
pub fn UpdateBanner() -> impl IntoView {
    let i18n = use_i18n();
    let update = expect_context::<pwa::UpdateState>();
    // The live region stays in the DOM so the appearing text is announced.
    view! {
        <div class="update-region" role="status">
            <Show when=move || update.available.get()>
                <div class="banner banner--info">
                    <p>{t!(i18n.update_available)}</p>
                    <button type="button" class="button" on:click=|_| pwa::apply_update()>
                        {t!(i18n.update_action)}
                    </button>
                </div>
            </Show>
        </div>
    }
}

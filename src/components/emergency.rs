//! The emergency notice, reachable from every screen: a disclosure in the header with call
//! links to 112 and 1177. Not a modal, so nothing traps focus.

use leptos::prelude::*;

use crate::{
    components::icon::{Icon, IconName},
    i18n::use_i18n,
    t,
};

#[component]
pub fn EmergencyNotice() -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    view! {
        <div class="emergency">
            <button
                type="button"
                class="emergency__toggle"
                aria-expanded=move || open.get().to_string()
                aria-controls="emergency-panel"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <Icon name=IconName::Alert />
                <span>{t!(i18n.emergency_toggle)}</span>
            </button>
            <div id="emergency-panel" class="emergency__panel" hidden=move || !open.get()>
                <p>
                    <strong>{t!(i18n.emergency_112_lead)}</strong>
                    " "
                    <a class="call-link call-link--112" href="tel:112">
                        <Icon name=IconName::Phone />
                        {t!(i18n.emergency_112_call)}
                    </a>
                </p>
                <p>
                    {t!(i18n.emergency_1177_lead)}
                    " "
                    <a class="call-link" href="tel:1177">
                        <Icon name=IconName::Phone />
                        {t!(i18n.emergency_1177_call)}
                    </a>
                </p>
            </div>
        </div>
    }
}

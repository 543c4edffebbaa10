//! The inbox and e-services area. Signed-in only. A guardian chooses whose e-services to use:
//! 1177's rule is children up to and including 12; from 13 the child logs in themself, so an
//! older child is listed with that reason and cannot be chosen. The messages arrive with their issue.

use ingang_api::people::Person;
use leptos::prelude::*;

use crate::{
    auth::use_auth,
    components::{
        page::Page,
        person_chooser::{PersonChooser, Purpose, allowed},
        protected::Protected,
    },
    i18n::use_i18n,
    t,
};

#[component]
pub fn InboxPage() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let on_choose = Callback::new(move |p: Person| auth.act_for(&p));
    let for_whom = move || auth.acting_for().filter(|p| allowed(p, Purpose::EServices));
    view! {
        <Page title=|t| t.inbox_title>
            <Protected>
                <p class="lead">{t!(i18n.inbox_lead)}</p>
                <p role="status" data-testid="eservices-for">
                    {move || for_whom().map(|p| i18n.t().inbox_for.replace("{name}", &p.name))}
                </p>
                <Suspense fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
                    {move || Suspend::new(async move {
                        auth.people_ready().await.map(|people| {
                            let current = auth.acting_for().map(|p| p.id);
                            view! { <PersonChooser people purpose=Purpose::EServices current on_choose /> }
                        })
                    })}
                </Suspense>
            </Protected>
        </Page>
    }
}

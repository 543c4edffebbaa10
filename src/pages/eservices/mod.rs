//! E-tjänster (1177 basutbud): choose whom for (the user, or a child up to 12), then a clinic
//! (`/e-tjanster`), then one of the e-services that clinic offers (`/e-tjanster/:unit`, [`unit`]),
//! fill it in and send it (`/e-tjanster/:unit/:service`, [`form`]); the errand is followed at
//! `/e-arende/:id` ([`errand`]) and in Mina ärenden. Every e-service is a questionnaire the API
//! serves, so a clinic's own case types need no app release.

pub mod errand;
pub mod form;
pub mod unit;

use ingang_api::people::Person;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::{
    api::use_api,
    auth::use_auth,
    components::{
        page::Page,
        person_chooser::{PersonChooser, Purpose, allowed},
        protected::Protected,
    },
    i18n::{Strings, use_i18n},
    t,
};

/// "8 e-tjänster".
pub fn count_text(n: usize, t: &Strings) -> String {
    crate::i18n::plural(t, t.eservices_count, n as u64).replace("{n}", &n.to_string())
}

/// "Svar brukar komma inom 3 arbetsdagar."
pub fn answer_time(days: Option<u32>, t: &Strings) -> Option<String> {
    days.map(|d| crate::i18n::plural(t, t.eservices_answer_days, u64::from(d)).replace("{n}", &d.to_string()))
}

#[component]
pub fn EServicesPage() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let api = use_api();
    let on_choose = Callback::new(move |p: Person| auth.act_for(&p));
    let for_whom = move || auth.acting_for().filter(|p| allowed(p, Purpose::EServices));
    let units = LocalResource::new(move || {
        api.epoch();
        async move { api.units().await }
    });
    view! {
        <Page title=|t| t.eservices_title>
            <Protected>
                <p class="lead">{t!(i18n.eservices_lead)}</p>
                <p role="status" data-testid="eservices-for">
                    {move || for_whom().map(|p| i18n.t().eservices_for.replace("{name}", &p.name))}
                </p>
                <Transition fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
                    {move || Suspend::new(async move {
                        auth.people_ready().await.map(|people| {
                            let current = auth.acting_for().map(|p| p.id);
                            view! { <PersonChooser people purpose=Purpose::EServices current on_choose immediate=true /> }
                        })
                    })}
                </Transition>
                <h2>{t!(i18n.eservices_units_heading)}</h2>
                <Transition fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
                    <ErrorBoundary fallback=move |_| view! { <p class="error-text" role="alert">{t!(i18n.eservices_units_error)}</p> }>
                        {move || Suspend::new(async move {
                            units.await.map(|list| {
                                let items = list.units.into_iter().filter(|u| !u.e_services.is_empty()).map(|u| {
                                    let href = format!("/e-tjanster/{}", u.id);
                                    let n = u.e_services.len();
                                    view! {
                                        <li class="eservice">
                                            <A href=href attr:class="eservice__title">{u.name.clone()}</A>
                                            <span class="eservice__meta">{u.city.clone()} " · " {move || count_text(n, i18n.t())}</span>
                                        </li>
                                    }
                                }).collect_view();
                                view! { <ul class="eservice-list" data-testid="eservice-units">{items}</ul> }
                            })
                        })}
                    </ErrorBoundary>
                </Transition>
                <p><A href="/arenden">{t!(i18n.eservices_cases_link)}</A></p>
            </Protected>
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    #[test]
    fn counts_and_answer_times_read_naturally() {
        let t = Locale::SV.strings();
        assert_eq!(count_text(1, t), "1 e-tjänst");
        assert_eq!(count_text(8, t), "8 e-tjänster");
        assert_eq!(answer_time(Some(1), t).as_deref(), Some("Svar brukar komma inom 1 arbetsdag."));
        assert_eq!(answer_time(Some(10), t).as_deref(), Some("Svar brukar komma inom 10 arbetsdagar."));
        assert_eq!(answer_time(None, t), None);
    }
}

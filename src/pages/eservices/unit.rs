//! One clinic's e-services (`/e-tjanster/:unit`): exactly what this clinic offers, in plain
//! words with the usual answer time, and a sentence saying that nothing else is offered here (so
//! a missing service does not look like a fault).

use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_params_map};

use super::answer_time;
use crate::{
    api::use_api,
    components::{page::Page, protected::Protected},
    i18n::use_i18n,
    t,
};

#[component]
pub fn UnitEServicesPage() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let params = use_params_map();
    let units = LocalResource::new(move || {
        api.epoch();
        async move { api.units().await }
    });
    view! {
        <Page title=|t| t.eservices_unit_title>
            <Protected>
                <Transition fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
                    <ErrorBoundary fallback=move |_| view! { <p class="error-text" role="alert">{t!(i18n.eservices_units_error)}</p> }>
                        {move || Suspend::new(async move {
                            let id = params.with(|p| p.get("unit")).unwrap_or_default();
                            units.await.map(|list| {
                                let Some(unit) = list.units.into_iter().find(|u| u.id == id) else {
                                    return view! { <p class="error-text" role="alert">{t!(i18n.eservices_unit_not_found)}</p> }.into_any();
                                };
                                let name = StoredValue::new(unit.name.clone());
                                let phone = StoredValue::new(unit.phone.clone());
                                if unit.e_services.is_empty() {
                                    return view! { <p>{move || i18n.t().eservices_unit_none.replace("{unit}", &name.get_value())}</p> }.into_any();
                                }
                                let items = unit.e_services.into_iter().map(|e| {
                                    let href = format!("/e-tjanster/{}/{}", unit.id, e.id);
                                    let days = e.answer_within_days;
                                    view! {
                                        <li class="eservice" data-eservice=e.id.clone()>
                                            <A href=href attr:class="eservice__title">{e.title.clone()}</A>
                                            <span>{e.description.clone()}</span>
                                            <span class="eservice__meta">{move || answer_time(days, i18n.t())}</span>
                                        </li>
                                    }
                                }).collect_view();
                                view! {
                                    <p class="lead">{move || i18n.t().eservices_unit_lead.replace("{unit}", &name.get_value())}</p>
                                    <ul class="eservice-list" data-testid="eservices">{items}</ul>
                                    <p data-testid="eservices-only">
                                        {move || match phone.get_value() {
                                            Some(p) => i18n.t().eservices_unit_missing.replace("{phone}", &p),
                                            None => i18n.t().eservices_unit_missing_no_phone.to_owned(),
                                        }}
                                    </p>
                                }.into_any()
                            })
                        })}
                    </ErrorBoundary>
                </Transition>
                <p><A href="/e-tjanster">{t!(i18n.eservices_back_units)}</A></p>
            </Protected>
        </Page>
    }
}

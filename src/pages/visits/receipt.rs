//! `/kvitto/:id`: the receipt of a paid or invoiced visit, printable (the print stylesheet
//! leaves out the app's frame).

use ingang_api::visits::{PaymentMethod, PaymentStatus, ReceiptLineKind};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::{
    api::{ApiError, use_api},
    browser::moment_text,
    components::{page::Page, protected::Protected},
    i18n::use_i18n,
    t,
};

#[component]
pub fn ReceiptPage() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let params = use_params_map();
    view! {
        <Page title=|t| t.receipt_title>
            <Protected>
                {move || {
                    let id = params.with(|p| p.get("id")).unwrap_or_default();
                    let receipt = LocalResource::new(move || {
                        api.epoch();
                        // the region's texts follow the language (Accept-Language): a new one refetches
                        i18n.locale();
                        let id = id.clone();
                        async move { api.receipt(&id).await }
                    });
                    view! {
                        <Transition fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
                            {move || Suspend::new(async move {
                                match receipt.await {
                                    Ok(r) => {
                                        let (issued, visit, tz) = (r.issued_at, r.visit_starts_at, r.time_zone.clone());
                                        let tz2 = tz.clone();
                                        let method = r.method;
                                        let status = r.status;
                                        let lines = r.lines.iter().map(|l| {
                                            let (kind, amount) = (l.kind, l.amount);
                                            view! {
                                                <tr>
                                                    <th scope="row">{move || match kind {
                                                        ReceiptLineKind::VisitFee => i18n.t().receipt_line_visit,
                                                        ReceiptLineKind::InvoiceFee => i18n.t().receipt_line_invoice,
                                                    }}</th>
                                                    <td class="amount">{format!("{amount} kr")}</td>
                                                </tr>
                                            }
                                        }).collect_view();
                                        let paid = r.paid_in_period;
                                        view! {
                                            <article class="receipt" data-testid="receipt">
                                                <dl class="case-facts">
                                                    <dt>{t!(i18n.receipt_number)}</dt><dd>{r.number.clone()}</dd>
                                                    <dt>{t!(i18n.receipt_date)}</dt><dd>{move || moment_text(issued, &tz, i18n.locale().code(), true)}</dd>
                                                    <dt>{t!(i18n.receipt_provider)}</dt><dd>{r.provider.clone()} ", " {r.unit_name.clone()} ", " {r.unit_address.clone()}</dd>
                                                    <dt>{t!(i18n.receipt_org)}</dt><dd>{r.organisation_number.clone()}</dd>
                                                    <dt>{t!(i18n.receipt_patient)}</dt><dd>{r.patient_name.clone()} " (" <span class="ltr">{r.personal_number.clone()}</span> ")"</dd>
                                                    <dt>{t!(i18n.receipt_visit)}</dt><dd>{r.visit_title.clone()} ", " {move || moment_text(visit, &tz2, i18n.locale().code(), true)}</dd>
                                                    <dt>{t!(i18n.receipt_method)}</dt>
                                                    <dd>{move || match method {
                                                        PaymentMethod::Card => i18n.t().pay_card,
                                                        PaymentMethod::Swish => i18n.t().pay_swish,
                                                        PaymentMethod::Invoice => i18n.t().pay_invoice,
                                                    }} " – " {move || if status == PaymentStatus::Invoiced { i18n.t().receipt_status_invoiced } else { i18n.t().receipt_status_paid }}</dd>
                                                    {r.due_date.clone().map(|d| view! { <dt>{t!(i18n.receipt_due)}</dt><dd>{d}</dd> })}
                                                </dl>
                                                <table class="fee">
                                                    <caption class="visually-hidden">{t!(i18n.receipt_title)}</caption>
                                                    <tbody>{lines}</tbody>
                                                    <tfoot><tr><th scope="row">{t!(i18n.receipt_total)}</th><td class="amount" data-testid="receipt-total">{format!("{} kr", r.total)}</td></tr></tfoot>
                                                </table>
                                                <p>{t!(i18n.receipt_vat)}</p>
                                                <p>{move || i18n.t().receipt_period.replace("{paid}", &paid.to_string())}</p>
                                            </article>
                                            <p class="no-print"><button type="button" class="button button--secondary" on:click=|_| {
                                                let _ = window().print();
                                            }>{t!(i18n.receipt_print)}</button></p>
                                        }.into_any()
                                    }
                                    Err(ApiError::Status { status: 404, .. }) => view! { <p class="notice" role="alert">{t!(i18n.receipt_not_found)}</p> }.into_any(),
                                    Err(_) => view! { <p class="error-text" role="alert">{t!(i18n.visits_action_failed)}</p> }.into_any(),
                                }
                            })}
                        </Transition>
                    }
                }}
            </Protected>
        </Page>
    }
}

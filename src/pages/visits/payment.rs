//! Paying a visit's fee: the breakdown, the choice of method, and the payment's progress.
//! Shared by the visit screen and the waiting-room kiosk.
//!
//! - Card: the API's hosted payment page (`redirectUrl`), then back to `return_path` with
//!   `?betalning=<id>`, where `resume` picks the payment up again.
//! - Swish: the Swish app on this phone (`appUrl`), or a QR code for another device; the status
//!   is polled every two seconds and when the user comes back to the app.
//! - Invoice: the invoice fee and the address are shown before confirming.
//!
//! One idempotency key per attempt: a double tap or a retry of the same request can never
//! start two payments; a new key is made only after an attempt has ended without paying.

use ingang_api::visits::{Fee, FeeLineKind, NewPayment, Payment, PaymentMethod, PaymentStatus};
use leptos::prelude::*;

use crate::{
    api::{ApiError, use_api},
    browser,
    components::qr_code::QrCode,
    i18n::{Strings, use_i18n},
    t,
};

/// How an attempt stands, for the words on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Waiting,
    Paid,
    Invoiced,
    Declined,
    Failed,
    TimedOut,
    Cancelled,
}

/// The outcome of a payment as the API reports it (Swish's `TM01` is a timeout).
pub fn outcome(p: &Payment) -> Outcome {
    match p.status {
        PaymentStatus::Created => Outcome::Waiting,
        PaymentStatus::Paid => Outcome::Paid,
        PaymentStatus::Invoiced => Outcome::Invoiced,
        PaymentStatus::Declined => Outcome::Declined,
        PaymentStatus::Cancelled => Outcome::Cancelled,
        PaymentStatus::Error if p.error_code.as_deref() == Some("TM01") => Outcome::TimedOut,
        PaymentStatus::Error => Outcome::Failed,
    }
}

/// The sentence for an ended attempt.
pub fn outcome_text(p: &Payment, t: &Strings) -> String {
    // Swish's own codes have their own words, whatever the attempt's outcome is called
    let swish = if p.method == PaymentMethod::Swish { swish_text(p, t) } else { None };
    match (outcome(p), swish) {
        (Outcome::Failed | Outcome::Cancelled, Some(text)) => text.into(),
        (Outcome::Waiting, _) => t.pay_swish_waiting.into(),
        (Outcome::Paid, _) => t.pay_paid.into(),
        (Outcome::Invoiced, _) => t
            .pay_invoiced
            .replace("{amount}", &p.total.to_string())
            .replace("{date}", p.due_date.as_deref().unwrap_or("")),
        (Outcome::Declined, _) if p.method == PaymentMethod::Swish => t.pay_declined_swish.into(),
        (Outcome::Declined, _) => t.pay_declined_card.into(),
        (Outcome::Failed, _) => t.pay_error.into(),
        (Outcome::TimedOut, _) => t.pay_timeout.into(),
        (Outcome::Cancelled, _) => t.pay_cancelled.into(),
    }
}

/// Swish's own codes that need their own words (Swish's guidelines): another request open,
/// the bank not answering (the outcome unknown: never "nothing was charged"), BankID cancelled,
/// and Swish not reached.
fn swish_text(p: &Payment, t: &Strings) -> Option<&'static str> {
    match p.error_code.as_deref()? {
        "RP06" => Some(t.pay_swish_rp06),
        "DS24" => Some(t.pay_swish_ds24),
        "BANKIDCL" => Some(t.pay_swish_bankid_cancelled),
        "unavailable" => Some(t.pay_swish_unavailable),
        _ => None,
    }
}

/// Why a payment could not be started, in the user's words.
pub fn start_error_text(e: &ApiError, t: &Strings) -> &'static str {
    match e {
        ApiError::Status { body: Some(b), .. } if b.code == "already_paid" => t.pay_already_paid,
        ApiError::Status { body: Some(b), .. } if b.code == "payments_unavailable" => t.pay_unavailable,
        _ => t.pay_failed,
    }
}

/// The label of a fee line; an age line names the limit when the API gives it.
pub fn fee_line_text(kind: FeeLineKind, age: Option<u32>, t: &Strings) -> String {
    match (kind, age) {
        (FeeLineKind::Tariff, _) => t.visits_fee_tariff.into(),
        (FeeLineKind::YoungAge, Some(a)) => t.visits_fee_young.replace("{age}", &a.to_string()),
        (FeeLineKind::SeniorAge, Some(a)) => t.visits_fee_senior.replace("{age}", &a.to_string()),
        (FeeLineKind::YoungAge | FeeLineKind::SeniorAge, None) => t.visits_fee_age.into(),
        (FeeLineKind::Frikort, _) => t.visits_fee_frikort.into(),
        (FeeLineKind::Ceiling, _) => t.visits_fee_ceiling.into(),
    }
}

/// How long the app waits for a Swish answer before giving up itself (Swish's own limit is
/// three minutes; the API then reports `TM01`).
const SWISH_PATIENCE_MS: f64 = 200_000.0;

/// The fee with every line that explains it.
#[component]
pub fn FeeBreakdown(fee: Fee) -> impl IntoView {
    let i18n = use_i18n();
    let rows = fee
        .lines
        .iter()
        .map(|l| {
            let (kind, amount, age) = (l.kind, l.amount, l.age);
            view! {
                <tr>
                    <th scope="row">{move || fee_line_text(kind, age, i18n.t())}</th>
                    <td class="amount">{format!("{amount} kr")}</td>
                </tr>
            }
        })
        .collect_view();
    let total = fee.total;
    let frikort = fee.frikort_until.clone();
    let (paid, ceiling) = (fee.paid_in_period, fee.ceiling);
    view! {
        <table class="fee" data-testid="fee">
            <caption class="visually-hidden">{t!(i18n.visits_fee_heading)}</caption>
            <tbody>{rows}</tbody>
            <tfoot><tr><th scope="row">{t!(i18n.visits_fee_total)}</th><td class="amount" data-testid="fee-total">{format!("{total} kr")}</td></tr></tfoot>
        </table>
        {frikort.map(|d| view! { <p>{move || i18n.t().visits_fee_frikort_until.replace("{date}", &d)}</p> })}
        <p class="hint">{move || i18n.t().visits_fee_period.replace("{paid}", &paid.to_string()).replace("{ceiling}", &ceiling.to_string())}</p>
        {(total == 0).then(|| view! { <p class="notice notice--success">{t!(i18n.visits_fee_free)}</p> })}
    }
}

/// What a payment panel is made from. Plain data, so that the panel can be built by a chunk of
/// its own (`chunks::Payment`: the payment code is fetched only when a fee is to be paid).
#[derive(Clone)]
pub struct PaymentArgs {
    pub visit_id: String,
    pub amount: u32,
    pub fee: Fee,
    /// A kiosk check-in's token.
    pub bearer: Option<String>,
    pub methods: Vec<PaymentMethod>,
    pub return_path: String,
    /// A payment id the hosted card page sent the user back with.
    pub resume: Option<String>,
    pub on_settled: Callback<Payment>,
    /// Show the Swish QR code even on a touch screen (the kiosk: the payer's phone is another device).
    pub qr_always: bool,
}

/// Choosing a method and paying `amount` for `visit_id`.
#[component]
pub fn PaymentPanel(args: PaymentArgs) -> impl IntoView {
    let PaymentArgs { visit_id, amount, fee, bearer, methods, return_path, resume, on_settled, qr_always } = args;
    let i18n = use_i18n();
    let api = use_api();
    let method = RwSignal::new(methods.first().copied().unwrap_or(PaymentMethod::Card));
    let key = StoredValue::new(browser::random_uuid());
    let current = RwSignal::new(None::<Payment>);
    let error = RwSignal::new(None::<&'static str>);
    let started_at = StoredValue::new(0.0f64);
    let (visit_id, bearer) = (StoredValue::new(visit_id), StoredValue::new(bearer));
    let invoice_fee = fee.invoice_fee;
    let address = fee.invoice_address.clone();
    let touch = browser::touch_device();

    // The answer about an attempt. `on_settled` runs last: it may replace this panel (and
    // dispose its signals), so nothing here touches them after it.
    let settle = move |p: Payment| {
        let settled = p.status.settled().then(|| p.clone());
        if p.status.is_final() && !p.status.settled() {
            // ended without paying: the next attempt is a new payment
            key.try_set_value(browser::random_uuid());
        }
        current.try_set(Some(p));
        if let Some(p) = settled {
            on_settled.run(p);
        }
    };

    let start = Action::new_local(move |m: &PaymentMethod| {
        let m = *m;
        let return_url = format!("{}{}", browser::origin(), return_path);
        async move {
            let body = NewPayment { method: m, return_url: Some(return_url) };
            let (Some(bearer), Some(visit), Some(key)) =
                (bearer.try_get_value(), visit_id.try_get_value(), key.try_get_value())
            else {
                return Err(ApiError::Network);
            };
            api.pay(&visit, &body, &key, bearer.as_deref()).await
        }
    });
    Effect::new(move |_| {
        if let Some(result) = start.value().get() {
            match result {
                Ok(p) => {
                    started_at.set_value(js_sys::Date::now());
                    if p.status == PaymentStatus::Created
                        && p.method == PaymentMethod::Card
                        && let Some(url) = &p.redirect_url
                    {
                        browser::go_to(&api.link(url));
                    }
                    settle(p);
                }
                Err(e) => error.set(Some(start_error_text(&e, i18n.t()))),
            }
        }
    });

    // back from the card page: what became of it
    if let Some(id) = resume.filter(|r| !r.is_empty()) {
        leptos::task::spawn_local(async move {
            let Some(b) = bearer.try_get_value() else { return };
            if let Ok(p) = api.payment(&id, b.as_deref()).await {
                settle(p);
            }
        });
    }

    // a waiting Swish request: ask every two seconds, and when the user comes back to the app
    let poll = move || {
        let Some(p) = current.get_untracked().filter(|p| p.status == PaymentStatus::Created) else { return };
        leptos::task::spawn_local(async move {
            let (Some(b), Some(started)) = (bearer.try_get_value(), started_at.try_get_value()) else { return };
            let next = if js_sys::Date::now() - started > SWISH_PATIENCE_MS && started > 0.0 {
                api.cancel_payment(&p.id, b.as_deref()).await.map(|mut p| {
                    if p.status == PaymentStatus::Cancelled {
                        p.status = PaymentStatus::Error;
                        p.error_code = Some("TM01".into());
                    }
                    p
                })
            } else {
                api.payment(&p.id, b.as_deref()).await
            };
            if let Ok(next) = next
                && current
                    .try_get_untracked()
                    .flatten()
                    .is_some_and(|c| c.id == next.id && c.status == PaymentStatus::Created)
            {
                settle(next);
            }
        });
    };
    let interval = set_interval_with_handle(poll, std::time::Duration::from_secs(2)).ok();
    let visible = window_event_listener(leptos::ev::visibilitychange, move |_| poll());
    on_cleanup(move || {
        if let Some(i) = interval {
            i.clear();
        }
        visible.remove();
    });

    let waiting = move || current.get().filter(|p| p.status == PaymentStatus::Created);
    let ended = move || current.get().filter(|p| p.status.is_final());
    // A refusal (Swish declined, a card refused, an error) is the outcome that matters now: it
    // gets the focus, which also scrolls it into view (above the tab bar), once per refusal.
    let refused = Memo::new(move |_| {
        error.get().is_some()
            || current.with(|c| c.as_ref().is_some_and(|p| p.status.is_final() && !p.status.settled()))
    });
    Effect::new(move |was: Option<bool>| {
        let now = refused.get();
        if now && was != Some(true) {
            crate::browser::focus_id_later("payment-problem".into());
        }
        now
    });
    let total_for = move |m: PaymentMethod| if m == PaymentMethod::Invoice { amount + invoice_fee } else { amount };
    // a function, not a view: `Show` renders its children again each time it opens
    let choices = move || {
        methods
            .iter()
            .map(|&m| {
                let id = format!("pay-{}", m.as_str());
                let hint_id = format!("{id}-hint");
                let address = address.clone();
                view! {
                    <div class="choice">
                        <input type="radio" name="pay-method" id=id.clone() aria-describedby=hint_id.clone()
                            prop:checked=move || method.get() == m
                            on:change=move |_| { method.set(m); error.set(None); } />
                        <label for=id>{move || match m {
                            PaymentMethod::Card => i18n.t().pay_card,
                            PaymentMethod::Swish => i18n.t().pay_swish,
                            PaymentMethod::Invoice => i18n.t().pay_invoice,
                        }}</label>
                        <p class="hint" id=hint_id>{move || {
                            let t = i18n.t();
                            match (m, &address) {
                                (PaymentMethod::Card, _) => t.pay_card_hint.to_owned(),
                                (PaymentMethod::Swish, _) => t.pay_swish_hint.to_owned(),
                                (PaymentMethod::Invoice, Some(a)) => t.pay_invoice_hint.replace("{fee}", &invoice_fee.to_string()).replace("{address}", a),
                                (PaymentMethod::Invoice, None) => t.pay_invoice_hint_no_address.replace("{fee}", &invoice_fee.to_string()),
                            }
                        }}</p>
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <section class="payment" aria-labelledby="pay-heading">
            <h2 id="pay-heading">{t!(i18n.pay_heading)}</h2>
            <FeeBreakdown fee />
            <Show when=move || waiting().is_none() && !current.get().is_some_and(|p| p.status.settled())>
                <fieldset class="choices">
                    <legend>{t!(i18n.pay_method_legend)}</legend>
                    {choices()}
                </fieldset>
                <p>
                    <button type="button" class="button" data-testid="pay-button"
                        aria-disabled=move || start.pending().get().to_string()
                        on:click=move |_| {
                            if start.pending().get_untracked() {
                                return;
                            }
                            error.set(None);
                            current.set(None);
                            start.dispatch(method.get_untracked());
                        }>
                        {move || {
                            let m = method.get();
                            let total = total_for(m).to_string();
                            if m == PaymentMethod::Invoice {
                                i18n.t().pay_button_invoice.replace("{amount}", &total)
                            } else {
                                i18n.t().pay_button.replace("{amount}", &total)
                            }
                        }}
                    </button>
                </p>
            </Show>
            <div role="status" data-testid="payment-status">
                {move || start.pending().get().then(|| i18n.t().pay_working)}
                {move || waiting().map(|p| match p.method {
                    PaymentMethod::Card => i18n.t().pay_redirecting,
                    _ => i18n.t().pay_swish_waiting,
                })}
                {move || ended().filter(|p| p.status.settled()).map(|p| outcome_text(&p, i18n.t()))}
            </div>
            <div role="alert" data-testid="payment-problem" id="payment-problem" tabindex="-1">
                {move || error.get()}
                {move || ended().filter(|p| !p.status.settled()).map(|p| outcome_text(&p, i18n.t()))}
            </div>
            {move || waiting().filter(|p| p.method == PaymentMethod::Swish).and_then(|p| p.swish).map(|s| {
                let qr = Signal::derive({
                    let c = s.qr_content.clone();
                    move || Some(c.clone())
                });
                let id = current.get_untracked().map(|p| p.id).unwrap_or_default();
                view! {
                    <div class="swish">
                        {if touch && !qr_always {
                            // this phone: open the Swish app; another phone can still scan the code
                            view! {
                                <p><a class="button" href=s.app_url.clone() data-testid="swish-open">{t!(i18n.pay_swish_open)}</a></p>
                                <details>
                                    <summary>{t!(i18n.pay_swish_other_device)}</summary>
                                    <p>{t!(i18n.pay_swish_qr_help)}</p>
                                    <QrCode content=qr label=Signal::derive(move || i18n.t().pay_swish_qr_label) />
                                </details>
                            }.into_any()
                        } else {
                            view! {
                                <p>{t!(i18n.pay_swish_qr_help)}</p>
                                <QrCode content=qr label=Signal::derive(move || i18n.t().pay_swish_qr_label) />
                            }.into_any()
                        }}
                        <p><button type="button" class="button button--secondary" on:click=move |_| {
                            let id = id.clone();
                            leptos::task::spawn_local(async move {
                                let Some(b) = bearer.try_get_value() else { return };
                                if let Ok(p) = api.cancel_payment(&id, b.as_deref()).await {
                                    settle(p);
                                }
                            });
                        }>{t!(i18n.pay_swish_cancel)}</button></p>
                    </div>
                }
            })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payment(status: PaymentStatus, method: PaymentMethod, code: Option<&str>) -> Payment {
        Payment {
            id: "p".into(),
            visit_id: "v".into(),
            method,
            status,
            amount: 300,
            fee: 50,
            total: 350,
            created_at: 0,
            paid_at: None,
            redirect_url: None,
            swish: None,
            error_code: code.map(Into::into),
            due_date: Some("2026-12-22".into()),
        }
    }

    #[test]
    fn outcomes_name_what_happened() {
        use PaymentMethod::*;
        use PaymentStatus::*;
        assert_eq!(outcome(&payment(Error, Swish, Some("TM01"))), Outcome::TimedOut);
        assert_eq!(outcome(&payment(Error, Swish, Some("BANKIDCL"))), Outcome::Failed);
        assert_eq!(outcome(&payment(Declined, Card, None)), Outcome::Declined);
        let sv = crate::i18n::Locale::SV.strings();
        assert_eq!(outcome_text(&payment(Declined, Swish, None), sv), sv.pay_declined_swish);
        assert_eq!(outcome_text(&payment(Declined, Card, None), sv), sv.pay_declined_card);
        assert_eq!(outcome_text(&payment(Error, Swish, Some("RP06")), sv), sv.pay_swish_rp06);
        assert_eq!(outcome_text(&payment(Error, Swish, Some("DS24")), sv), sv.pay_swish_ds24);
        assert!(!sv.pay_swish_ds24.contains("Ingenting har dragits"), "the outcome is unknown");
        assert_eq!(outcome_text(&payment(Error, Swish, Some("BANKIDCL")), sv), sv.pay_swish_bankid_cancelled);
        assert_eq!(outcome_text(&payment(Error, Swish, Some("FF10")), sv), sv.pay_error);
        assert_eq!(outcome_text(&payment(Error, Card, Some("RP06")), sv), sv.pay_error);
        assert!(outcome_text(&payment(Invoiced, Invoice, None), sv).contains("350 kr"));
        assert!(outcome_text(&payment(Invoiced, Invoice, None), sv).contains("2026-12-22"));
        assert_eq!(fee_line_text(FeeLineKind::YoungAge, Some(20), sv), "Avgiftsfritt under 20 år");
        assert_eq!(fee_line_text(FeeLineKind::SeniorAge, None, sv), sv.visits_fee_age);
    }
}

//! `/test-bankid`: plays the user's BankID app in demo and test mode (never otherwise). It lists
//! pending orders and lets you identify as a demo identity, cancel, or report a hint code, so
//! logins can be completed by hand in the demo and by the end-to-end tests.

use axum::{
    Form, Router,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use maud::html;
use serde::Deserialize;

use crate::{AppState, demo};

/// The routes, present only when the BankID simulator is.
pub fn router(state: AppState) -> Router {
    if state.bankid_sim.is_none() {
        return Router::new();
    }
    Router::new().route("/test-bankid", get(page).post(act)).with_state(state)
}

/// Hint codes the page can report while an order is pending, and failures it can cause.
const HINTS: &[(&str, &str)] = &[
    ("outstandingTransaction", "Väntar på att appen startas (outstandingTransaction)"),
    ("noClient", "Appen hittas inte (noClient)"),
    ("started", "Appen har startat (started)"),
    ("userSign", "Användaren skriver säkerhetskoden (userSign)"),
    ("userMrtd", "Användaren läser av ID-handling (userMrtd)"),
];
const FAILURES: &[(&str, &str)] = &[
    ("userCancel", "Användaren avbryter (userCancel)"),
    ("certificateErr", "Spärrat eller gammalt BankID (certificateErr)"),
    ("expiredTransaction", "Ordern löper ut (expiredTransaction)"),
    ("startFailed", "Appen startade aldrig (startFailed)"),
];

async fn page(State(state): State<AppState>) -> Response {
    let Some(sim) = state.bankid_sim.clone() else { return StatusCode::NOT_FOUND.into_response() };
    let now = crate::system_millis();
    let Ok(orders) = sim.pending().await else {
        return (StatusCode::SERVICE_UNAVAILABLE, "BankID-simulatorn kan inte läsa sin databas").into_response();
    };
    let main = html! {
        p { "Den här sidan finns bara när servern körs i demo- eller testläge. Den spelar användarens BankID-app." }
        @if orders.is_empty() {
            p id="no-orders" { "Inga pågående inloggningar. Starta en inloggning i appen och ladda om sidan." }
        }
        @for (n, o) in orders.iter().enumerate() {
            section class="order" aria-labelledby={ "o" (n) } data-order-ref=(o.order_ref) {
                h2 id={ "o" (n) } {
                    "Order " (o.order_ref.get(..8).unwrap_or(&o.order_ref))
                    " (startad för " ((now - o.started_ms).max(0) / 1000) " s sedan)"
                }
                // where BankID on this device would send the user back when done (`returnUrl`)
                @match &o.return_url {
                    Some(url) => p class="return" { "Återgår till " code { (url) } },
                    None => p class="return" { "Ingen återgång (redirect=null)" },
                }
                form method="post" action="/test-bankid" {
                    input type="hidden" name="order_ref" value=(o.order_ref);
                    p {
                        label for={ "id" (n) } { "Identitet" } " "
                        select id={ "id" (n) } name="identity" {
                            @for (pnr, given, surname) in demo::IDENTITIES {
                                option value=(pnr) {
                                    (given) " " (surname) " (" (pnr[..8]) "-" (pnr[8..]) ")"
                                }
                            }
                        }
                        " " button name="action" value="identify" { "Identifiera" }
                    }
                    p {
                        label for={ "h" (n) } { "Status i appen" } " "
                        select id={ "h" (n) } name="hint" {
                            @for (code, label) in HINTS { option value=(code) { (label) } }
                        }
                        " " button name="action" value="hint" { "Visa status" }
                    }
                    p {
                        label for={ "f" (n) } { "Misslyckas" } " "
                        select id={ "f" (n) } name="failure" {
                            @for (code, label) in FAILURES { option value=(code) { (label) } }
                        }
                        " " button name="action" value="fail" { "Misslyckas" }
                    }
                }
            }
        }
        p { a href="/test-bankid" { "Ladda om" } }
    };
    crate::html::page("Test-BankID", "Ingång", html! {}, main)
}

#[derive(Debug, Deserialize)]
struct Action {
    order_ref: String,
    action: String,
    #[serde(default)]
    identity: String,
    #[serde(default)]
    hint: String,
    #[serde(default)]
    failure: String,
}

async fn act(State(state): State<AppState>, Form(a): Form<Action>) -> Response {
    let Some(sim) = state.bankid_sim.clone() else { return StatusCode::NOT_FOUND.into_response() };
    let result = match a.action.as_str() {
        "identify" => match demo::identity(&a.identity) {
            Some(user) => sim.complete(&a.order_ref, user, crate::system_millis()).await,
            None => return (StatusCode::BAD_REQUEST, "okänd identitet").into_response(),
        },
        "hint" if HINTS.iter().any(|(c, _)| *c == a.hint) => sim.set_hint(&a.order_ref, &a.hint).await,
        "fail" if FAILURES.iter().any(|(c, _)| *c == a.failure) => sim.fail(&a.order_ref, &a.failure).await,
        _ => return (StatusCode::BAD_REQUEST, "okänd åtgärd").into_response(),
    };
    match result {
        Ok(()) => Redirect::to("/test-bankid").into_response(),
        Err(_) => (StatusCode::NOT_FOUND, "ordern finns inte längre").into_response(),
    }
}

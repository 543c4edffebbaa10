//! Demo and test mode only (never otherwise): the simulated payment providers and the test hooks
//! of visits.
//!
//! - `/test-pay/card/{id}`: a hosted card payment page like a payment provider's. Test cards:
//!   `4111 1111 1111 1111` is approved, `4000 0000 0000 0002` declined, `4000 0000 0000 3220`
//!   asks for an extra verification step (3-D Secure; code `1234` approves). Afterwards the payer
//!   is sent back to the app's `returnUrl` with `?betalning=<id>`.
//! - `/test-swish`: plays the payer's Swish app: pay, decline, fail, or let the request time out.
//! - `PUT /test/clock` `{"at": unix | null}`: fixes the time that business rules read (and sends
//!   due reminders at once); `POST /test/visits`: books a visit relative to that time;
//!   `PUT /test/high-cost`: what a person has paid towards the ceiling (or a frikort).

use axum::{
    Form, Json, Router,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post, put},
};
use ingang_api::visits::PaymentStatus;
use maud::{Markup, html};
use serde::Deserialize;

use crate::{AppState, bankid::random_token};

pub fn router(state: AppState) -> Router {
    if !state.demo {
        return Router::new();
    }
    Router::new()
        .route("/test-pay/card/{id}", get(card_page).post(card_submit))
        .route("/test-pay/card/{id}/verify", post(card_verify))
        .route("/test-swish", get(swish_page).post(swish_act))
        .route("/test/clock", put(set_clock))
        .route("/test/visits", post(book))
        .route("/test/high-cost", put(set_high_cost))
        .with_state(state)
}

fn page(title: &str, body: Markup) -> Response {
    let main = html! {
        p { "Simulerad betalning: finns bara när servern körs i demo- eller testläge." }
        (body)
    };
    crate::html::page(title, "testbetalning", html! {}, main)
}

struct Waiting {
    amount: i64,
    status: String,
    return_url: Option<String>,
    method: String,
}

async fn waiting(state: &AppState, id: &str) -> Option<Waiting> {
    let id = id.to_owned();
    state
        .db
        .store(move |conn| {
            Ok(crate::storage::payments::find(conn, &id)?.map(|p| Waiting {
                amount: p.amount + p.fee,
                status: p.status,
                return_url: p.return_url,
                method: p.method,
            }))
        })
        .await
        .ok()
        .flatten()
}

/// Back to the app with the payment id (whatever the outcome: the app asks the API).
/// The stored address is read again (an older row may hold anything): a valid absolute
/// http(s) address gets `betalning=<id>` added; anything else returns to the visits.
fn back(w: &Waiting, id: &str) -> Response {
    let stored = w.return_url.as_deref().and_then(|u| url::Url::parse(u).ok());
    let mut url = match stored.filter(|u| matches!(u.scheme(), "http" | "https")) {
        Some(u) => u,
        None => {
            return Redirect::to(&format!("/bokade-tider?betalning={}", crate::domain::visits::url_encode(id)))
                .into_response();
        }
    };
    url.query_pairs_mut().append_pair("betalning", id);
    Redirect::to(url.as_str()).into_response()
}

async fn card_page(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let Some(w) = waiting(&state, &id).await.filter(|w| w.method == "card") else {
        return (StatusCode::NOT_FOUND, "Betalningen finns inte.").into_response();
    };
    if w.status != "CREATED" {
        return back(&w, &id);
    }
    let body = html! {
        p { "Att betala: " strong { (w.amount) " kr" } }
        form method="post" action={ "/test-pay/card/" (id) } {
            p {
                label for="number" { "Kortnummer" } br;
                input id="number" name="number" inputmode="numeric" autocomplete="cc-number" required;
            }
            p {
                label for="expiry" { "Giltigt till (MM/ÅÅ)" } br;
                input id="expiry" name="expiry" autocomplete="cc-exp" value="12/30" required;
            }
            p {
                label for="cvc" { "CVC" } br;
                input id="cvc" name="cvc" inputmode="numeric" autocomplete="cc-csc" value="123" required;
            }
            p {
                button name="action" value="pay" { "Betala " (w.amount) " kr" } " "
                button name="action" value="cancel" formnovalidate { "Avbryt" }
            }
        }
        p {
            "Testkort: 4111 1111 1111 1111 godkänns, 4000 0000 0000 0002 nekas, "
            "4000 0000 0000 3220 kräver extra verifiering (kod 1234)."
        }
    };
    page("Betala med kort", body)
}

#[derive(Deserialize)]
struct CardForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    code: String,
}

async fn finish(state: &AppState, id: &str, status: PaymentStatus, error: Option<&'static str>) {
    let (id, now) = (id.to_owned(), state.clock.now());
    let _ = state.db.store(move |conn| crate::domain::visits::settle(conn, &id, status, error, now)).await;
    state.wake_streams();
}

async fn card_submit(State(state): State<AppState>, Path(id): Path<String>, Form(f): Form<CardForm>) -> Response {
    let Some(w) = waiting(&state, &id).await.filter(|w| w.method == "card") else {
        return (StatusCode::NOT_FOUND, "Betalningen finns inte.").into_response();
    };
    if w.status != "CREATED" {
        return back(&w, &id);
    }
    if f.action == "cancel" {
        finish(&state, &id, PaymentStatus::Cancelled, None).await;
        return back(&w, &id);
    }
    let number: String = f.number.chars().filter(char::is_ascii_digit).collect();
    match number.as_str() {
        "4111111111111111" => finish(&state, &id, PaymentStatus::Paid, None).await,
        "4000000000003220" => {
            let body = html! {
                p { "Din bank vill att du bekräftar köpet på " (w.amount) " kr." }
                form method="post" action={ "/test-pay/card/" (id) "/verify" } {
                    p {
                        label for="code" { "Engångskod från banken" } br;
                        input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required;
                    }
                    p { button name="action" value="verify" { "Bekräfta" } }
                }
                p { "Testkod: 1234." }
            };
            return page("Verifiera köpet", body);
        }
        _ => finish(&state, &id, PaymentStatus::Declined, Some("declined")).await,
    }
    back(&w, &id)
}

async fn card_verify(State(state): State<AppState>, Path(id): Path<String>, Form(f): Form<CardForm>) -> Response {
    let Some(w) = waiting(&state, &id).await.filter(|w| w.method == "card") else {
        return (StatusCode::NOT_FOUND, "Betalningen finns inte.").into_response();
    };
    if w.status == "CREATED" {
        if f.code.trim() == "1234" {
            finish(&state, &id, PaymentStatus::Paid, None).await;
        } else {
            finish(&state, &id, PaymentStatus::Declined, Some("verification_failed")).await;
        }
    }
    back(&w, &id)
}

async fn swish_page(State(state): State<AppState>) -> Response {
    let now = state.clock.now();
    let rows: Vec<(String, String, i64)> = state
        .db
        .store(move |conn| {
            crate::domain::visits::expire_swish(conn, now)?;
            crate::storage::payments::waiting_simulated_swish(conn)
        })
        .await
        .unwrap_or_default();
    let body = html! {
        @if rows.is_empty() { p id="no-requests" { "Inga väntande betalningsförfrågningar." } }
        @for (n, (id, token, amount)) in rows.iter().enumerate() {
            section aria-labelledby={ "r" (n) } data-payment=(id) data-token=(token) {
                h2 id={ "r" (n) } { "Betalningsförfrågan " (amount) " kr" }
                form method="post" action="/test-swish" {
                    input type="hidden" name="id" value=(id);
                    button name="action" value="pay" { "Betala" } " "
                    button name="action" value="decline" { "Avböj" } " "
                    button name="action" value="error" { "Fel i banken" } " "
                    button name="action" value="cancel" { "Avbryt" } " "
                    button name="action" value="timeout" { "Låt tiden gå ut" }
                }
            }
        }
        p { a href="/test-swish" { "Ladda om" } }
    };
    page("Test-Swish", body)
}

#[derive(Deserialize)]
struct SwishForm {
    id: String,
    action: String,
}

async fn swish_act(State(state): State<AppState>, Form(f): Form<SwishForm>) -> Response {
    let (status, code) = match f.action.as_str() {
        "pay" => (PaymentStatus::Paid, None),
        "decline" => (PaymentStatus::Declined, Some("RF07")),
        // a bank system error (Swish FF10)
        "error" => (PaymentStatus::Error, Some("FF10")),
        "cancel" => (PaymentStatus::Cancelled, None),
        "timeout" => (PaymentStatus::Error, Some("TM01")),
        _ => return (StatusCode::BAD_REQUEST, "okänd åtgärd").into_response(),
    };
    finish(&state, &f.id, status, code).await;
    Redirect::to("/test-swish").into_response()
}

#[derive(Deserialize)]
struct ClockBody {
    at: Option<i64>,
}

async fn set_clock(State(state): State<AppState>, Json(b): Json<ClockBody>) -> Response {
    state.clock.set(b.at);
    let (now, base) = (state.clock.now(), state.base_url());
    match state.db.store(move |conn| crate::domain::visits::send_reminders(conn, now, &base)).await {
        Ok(sent) => Json(serde_json::json!({ "now": now, "remindersSent": sent })).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Book {
    personal_number: String,
    unit_id: String,
    #[serde(default = "clinic")]
    kind: String,
    starts_in_minutes: i64,
    #[serde(default = "thirty")]
    minutes: i64,
    #[serde(default = "title")]
    title: String,
    #[serde(default = "tariff")]
    tariff: i64,
}
fn clinic() -> String {
    "clinic".into()
}
fn thirty() -> i64 {
    30
}
fn title() -> String {
    "Läkarbesök".into()
}
fn tariff() -> i64 {
    300
}

async fn book(State(state): State<AppState>, Json(b): Json<Book>) -> Response {
    let id = random_token();
    let starts = state.clock.now() + b.starts_in_minutes * 60;
    let vid = id.clone();
    let result = state
        .db
        .store(move |conn| {
            let visit = crate::storage::visits::NewVisit {
                id: &vid,
                patient: &b.personal_number,
                unit_id: &b.unit_id,
                kind: &b.kind,
                title: &b.title,
                clinician: None,
                starts_at: starts,
                ends_at: starts + b.minutes * 60,
                bring: "[\"Legitimation\"]",
                tariff: b.tariff,
                status: "booked",
                type_id: None,
                booked_by: None,
                key: None,
            };
            crate::storage::visits::insert(conn, &visit)
        })
        .await;
    match result {
        Ok(_) => (StatusCode::CREATED, Json(serde_json::json!({ "id": id, "startsAt": starts }))).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HighCost {
    personal_number: String,
    paid_before: i64,
    frikort_until: Option<i64>,
}

async fn set_high_cost(State(state): State<AppState>, Json(h): Json<HighCost>) -> Response {
    let now = state.clock.now();
    let result = state
        .db
        .store(move |conn| {
            let registered = crate::storage::visits::HighCost {
                period_start: now,
                paid_before: h.paid_before,
                frikort_until: h.frikort_until,
            };
            crate::storage::visits::register_high_cost(conn, &h.personal_number, &registered)
        })
        .await;
    match result {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}

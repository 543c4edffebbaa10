//! Booked visits: the list (the user's and their children's), cancel, reschedule to a free
//! slot, check-in inside the unit's window, the fee with its breakdown, payments (card through a
//! hosted page, Swish, invoice; idempotent, never twice), receipts, and the two-hour reminder SMS.
//!
//! Authorisation: a visit is visible to its patient and to the guardians of a child up to 12
//! (`me::visible_people` with `canUseEServices`: the 1177 rule, from 13 the child's own); a waiting-room kiosk's short-lived token (see `kiosk`) reaches only
//! that person's visits at that unit. Anything else is "not found".
//!
//! Time: every rule here reads [`crate::Clock`], which test mode may fix (`PUT /test/clock`).

use crate::domain::people::age_at;
use crate::domain::visits::PaymentRow;
use crate::domain::visits::Row;
use crate::domain::visits::expire_swish;
use crate::domain::visits::high_cost;
use crate::domain::visits::kind;
use crate::domain::visits::load_visit;
use crate::domain::visits::number_receipt;
use crate::domain::visits::scope;
use crate::domain::visits::to_payment;
use crate::domain::visits::visits_of;
use crate::extract::Actor;
use axum::{
    Json,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use ingang_api::{
    personnummer::Personnummer,
    visits::{
        self, CheckInState, Fee, NewPayment, Payment, PaymentMethod, Receipt, ReceiptLine, ReceiptLineKind, Reschedule,
        Slot, SlotList, Visit, VisitList, VisitStatus,
    },
};

use crate::extract::idempotency_key;
use crate::{
    AppState,
    bankid::random_token,
    error::ApiError,
    lang::{Lang, Phrasebook},
};

/// The care provider on receipts.
pub const PROVIDER: (&str, &str) = ("Region Norrbotten", "232100-0230");

/// The user's and their children's visits: upcoming (not ended, not cancelled) soonest first,
/// then past and cancelled ones, latest first.
#[utoipa::path(
    get,
    path = "/visits",
    tag = "visits",
    responses(
        (status = 200, description = "Upcoming and past visits", body = VisitList),
        (status = 401, description = "Not signed in", body = ingang_api::ErrorBody)
    )
)]
pub async fn list_visits(State(state): State<AppState>, actor: Actor, lang: Lang) -> Result<Json<VisitList>, ApiError> {
    let scope = scope(&state, &actor).await?;
    let now = state.clock.now();
    let all = state.db.store(move |conn| visits_of(conn, &scope, now)).await?;
    let book = Phrasebook::load(&state, lang).await?;
    let all: Vec<Visit> = all.into_iter().map(|v| book.visit(v)).collect();
    let (mut upcoming, mut past): (Vec<Visit>, Vec<Visit>) =
        all.into_iter().partition(|v| v.status != VisitStatus::Cancelled && v.ends_at > now);
    upcoming.sort_by_key(|v| v.starts_at);
    past.sort_by_key(|v| std::cmp::Reverse(v.starts_at));
    Ok(Json(VisitList { upcoming, past }))
}

#[utoipa::path(
    get,
    path = "/visits/{id}",
    tag = "visits",
    params(("id" = String, Path, description = "Visit id")),
    responses(
        (status = 200, description = "The visit", body = Visit),
        (status = 404, description = "No such visit for this user", body = ingang_api::ErrorBody),
        (status = 401, description = "Not signed in (nor a kiosk check-in's token)", body = ingang_api::ErrorBody)
    )
)]
pub async fn get_visit(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
) -> Result<Json<Visit>, ApiError> {
    let scope = scope(&state, &actor).await?;
    let visit = load_visit(&state, scope, id).await?;
    Ok(Json(Phrasebook::load(&state, lang).await?.visit(visit)))
}

fn conflict(code: &str, message: &str) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, code, message)
}

/// Cancels a booked visit that has not started. After `cancelPolicy.freeUntil` the region's
/// missed-visit fee is recorded. Cancelling a cancelled visit is harmless (the same answer).
#[utoipa::path(
    post,
    path = "/visits/{id}/cancel",
    tag = "visits",
    params(("id" = String, Path, description = "Visit id")),
    responses(
        (status = 200, description = "Cancelled", body = Visit),
        (status = 404, description = "No such visit for this user", body = ingang_api::ErrorBody),
        (status = 409, description = "`too_late` (started) or `checked_in`", body = ingang_api::ErrorBody),
        (status = 401, description = "Not signed in (nor a kiosk check-in's token)", body = ingang_api::ErrorBody)
    )
)]
pub async fn cancel_visit(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
) -> Result<Json<Visit>, ApiError> {
    let book = Phrasebook::load(&state, lang).await?;
    if matches!(actor, Actor::Kiosk { .. }) {
        return Err(ApiError::not_found());
    }
    let scope = scope(&state, &actor).await?;
    let visit = load_visit(&state, scope, id.clone()).await?;
    let now = state.clock.now();
    match visit.status {
        VisitStatus::Cancelled => return Ok(Json(book.visit(visit))),
        VisitStatus::CheckedIn => {
            return Err(conflict("checked_in", "Du har redan checkat in. Kontakta mottagningen."));
        }
        VisitStatus::Booked if !visit.can_cancel => {
            return Err(conflict("too_late", "Besöket har redan börjat. Kontakta mottagningen."));
        }
        VisitStatus::Booked => {}
    }
    let late = visit.cancel_policy.filter(|p| now >= p.free_until && p.late_fee > 0).map(|p| p.late_fee);
    let vid = id.clone();
    state.db.store(move |conn| crate::storage::visits::cancel(conn, &vid, late.map(i64::from), now)).await?;
    state.wake_streams();
    let scope = self::scope(&state, &actor).await?;
    Ok(Json(book.visit(load_visit(&state, scope, id).await?)))
}

/// Free times the visit can be moved to: same unit and kind, from an hour from now, two weeks ahead.
#[utoipa::path(
    get,
    path = "/visits/{id}/slots",
    tag = "visits",
    params(("id" = String, Path, description = "Visit id")),
    responses(
        (status = 200, description = "Free slots (empty when the visit cannot be moved)", body = SlotList),
        (status = 404, description = "No such visit for this user", body = ingang_api::ErrorBody),
        (status = 401, description = "Not signed in (nor a kiosk check-in's token)", body = ingang_api::ErrorBody)
    )
)]
pub async fn list_slots(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<SlotList>, ApiError> {
    let scope = scope(&state, &actor).await?;
    let visit = load_visit(&state, scope, id).await?;
    if !visit.can_reschedule {
        return Ok(Json(SlotList { slots: vec![] }));
    }
    let now = state.clock.now();
    let (unit, kind) = (visit.unit_id.clone(), visit.kind.as_str());
    let slots = state
        .db
        .store(move |conn| {
            let free = crate::storage::visits::free_slots(conn, &unit, kind, now + 3600, now + 14 * 86_400, 40)?;
            Ok(free
                .into_iter()
                .map(|s| Slot { kind: self::kind(&s.kind), id: s.id, starts_at: s.starts_at, ends_at: s.ends_at })
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(Json(SlotList { slots }))
}

/// Moves the visit to a free slot. Repeating the same move is harmless.
#[utoipa::path(
    post,
    path = "/visits/{id}/reschedule",
    tag = "visits",
    params(("id" = String, Path, description = "Visit id")),
    request_body = Reschedule,
    responses(
        (status = 200, description = "Moved", body = Visit),
        (status = 404, description = "No such visit or slot", body = ingang_api::ErrorBody),
        (status = 409, description = "`slot_taken`, or `not_reschedulable`", body = ingang_api::ErrorBody),
        (status = 400, description = "`bad_request`: the body is not what this operation takes", body = ingang_api::ErrorBody),
        (status = 401, description = "Not signed in (nor a kiosk check-in's token)", body = ingang_api::ErrorBody)
    )
)]
pub async fn reschedule_visit(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
    Json(body): Json<Reschedule>,
) -> Result<Json<Visit>, ApiError> {
    if matches!(actor, Actor::Kiosk { .. }) {
        return Err(ApiError::not_found());
    }
    let scope = scope(&state, &actor).await?;
    let visit = load_visit(&state, scope, id.clone()).await?;
    let now = state.clock.now();
    let (vid, unit, kind) = (id.clone(), visit.unit_id.clone(), visit.kind.as_str());
    let can = visit.can_reschedule;
    let outcome: Result<(), ApiError> = state
        .db
        .store(move |conn| {
            let mut tx = conn.begin()?;
            let slot = crate::storage::visits::slot_of(&mut tx, &body.slot_id, &unit, kind)?
                .map(|s| (s.starts_at, s.ends_at, s.visit_id));
            let result = match slot {
                None => Err(ApiError::not_found()),
                Some((_, _, Some(owner))) if owner == vid => Ok(()),
                Some(_) if !can => {
                    Err(conflict("not_reschedulable", "Besöket kan inte flyttas här. Kontakta mottagningen."))
                }
                Some((_, _, Some(_))) => {
                    Err(conflict("slot_taken", "Tiden hann bokas av någon annan. Välj en annan tid."))
                }
                Some((starts, _, None)) if starts < now + 3600 => {
                    Err(conflict("slot_taken", "Tiden går inte längre att boka. Välj en annan tid."))
                }
                Some((starts, ends, None)) => {
                    crate::storage::visits::move_to(&mut tx, &vid, &body.slot_id, starts, ends)?;
                    Ok(())
                }
            };
            tx.commit()?;
            Ok(result)
        })
        .await?;
    outcome?;
    state.wake_streams();
    let scope = self::scope(&state, &actor).await?;
    Ok(Json(Phrasebook::load(&state, lang).await?.visit(load_visit(&state, scope, id).await?)))
}

/// The fee of a visit at `now` with its breakdown.
pub fn fee_of(conn: &mut crate::storage::Conn<'_>, r: &Row, now: i64) -> crate::storage::Result<Fee> {
    let rules = visits::NORRBOTTEN;
    let (paid, frikort) = high_cost(conn, &r.patient, now)?;
    let lines = visits::fee(&rules, r.tariff.max(0) as u32, age_at(&r.patient, r.starts_at), frikort.is_some(), paid);
    let address = crate::storage::people::find(conn, &r.patient)?.and_then(|p| p.address);
    Ok(Fee {
        total: visits::total(&lines),
        lines,
        ceiling: rules.ceiling,
        paid_in_period: paid,
        frikort_until: frikort.map(|f| visits::iso_date((f - 1) / 86_400)),
        invoice_fee: rules.invoice_fee,
        invoice_address: address,
    })
}

/// The visit's fee: before check-in what it would be now, after check-in the fee fixed then.
#[utoipa::path(
    get,
    path = "/visits/{id}/fee",
    tag = "visits",
    params(("id" = String, Path, description = "Visit id")),
    responses(
        (status = 200, description = "The fee with its breakdown", body = Fee),
        (status = 404, description = "No such visit for this user", body = ingang_api::ErrorBody),
        (status = 401, description = "Not signed in (nor a kiosk check-in's token)", body = ingang_api::ErrorBody)
    )
)]
pub async fn visit_fee(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<Fee>, ApiError> {
    let scope = scope(&state, &actor).await?;
    load_visit(&state, scope, id.clone()).await?;
    let now = state.clock.now();
    // a waiting room's screen is public: no home address on it
    let public_screen = matches!(actor, Actor::Kiosk { .. });
    let fee = state
        .db
        .store(move |conn| {
            let r = crate::storage::visits::find(conn, &id)?.ok_or(crate::storage::Error::NoRows)?;
            let mut fee = fee_of(conn, &r, now)?;
            if let Some(fixed) = r.fee {
                // fixed at check-in; the period's total now includes it when it was paid
                fee.total = fixed.max(0) as u32;
            }
            if public_screen {
                fee.invoice_address = None;
            }
            Ok(fee)
        })
        .await?;
    Ok(Json(fee))
}

/// Checks in (ankomstregistrering) inside the window; the fee is fixed now. Checking in again
/// is harmless. The staff console sees the patient as arrived.
#[utoipa::path(
    post,
    path = "/visits/{id}/check-in",
    tag = "visits",
    params(("id" = String, Path, description = "Visit id")),
    responses(
        (status = 200, description = "Checked in (`amountDue` says what to pay)", body = Visit),
        (status = 404, description = "No such visit for this user", body = ingang_api::ErrorBody),
        (status = 409, description = "`check_in_not_open`, `check_in_closed`, `cancelled` or `no_check_in`", body = ingang_api::ErrorBody),
        (status = 401, description = "Not signed in (nor a kiosk check-in's token)", body = ingang_api::ErrorBody)
    )
)]
pub async fn check_in(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
) -> Result<Json<Visit>, ApiError> {
    let book = Phrasebook::load(&state, lang).await?;
    let scope = scope(&state, &actor).await?;
    let visit = load_visit(&state, scope, id.clone()).await?;
    if visit.status == VisitStatus::Cancelled {
        return Err(conflict("cancelled", "Besöket är avbokat."));
    }
    let Some(window) = visit.check_in else {
        return Err(conflict("no_check_in", "Mottagningen har ingen digital incheckning. Anmäl dig i receptionen."));
    };
    match window.state {
        CheckInState::Done => return Ok(Json(book.visit(visit))),
        CheckInState::NotYet => {
            return Err(conflict("check_in_not_open", "Incheckningen har inte öppnat än."));
        }
        CheckInState::Closed => {
            return Err(conflict("check_in_closed", "Incheckningen har stängt. Gå till receptionen."));
        }
        CheckInState::Open => {}
    }
    let now = state.clock.now();
    let vid = id.clone();
    state
        .db
        .store(move |conn| {
            let mut tx = conn.begin()?;
            let r = crate::storage::visits::find(&mut tx, &vid)?.ok_or(crate::storage::Error::NoRows)?;
            let fee = fee_of(&mut tx, &r, now)?;
            crate::storage::visits::check_in(&mut tx, &vid, i64::from(fee.total), now)?;
            tx.commit()
        })
        .await?;
    state.wake_streams();
    let scope = self::scope(&state, &actor).await?;
    Ok(Json(book.visit(load_visit(&state, scope, id).await?)))
}

/// The app address a payment returns to, parsed as a browser would (WHATWG URL: tabs and
/// newlines dropped, backslashes as slashes, relative to the app's origin) and serialised again;
/// `None` unless it is on the app's own origin (the request's `Origin`, else the public URL)
/// and carries no credentials. What is stored is that absolute serialisation, so a
/// `Location` built from it can never be read as another origin.
pub(crate) fn return_target(input: &str, headers: &HeaderMap, public_url: &str) -> Option<String> {
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()).filter(|o| !o.is_empty() && *o != "null");
    let base = url::Url::parse(origin.unwrap_or(public_url)).ok()?;
    let mut url = url::Url::options().base_url(Some(&base)).parse(input).ok()?;
    let same = matches!(url.scheme(), "http" | "https")
        && url.origin() == base.origin()
        && url.username().is_empty()
        && url.password().is_none();
    url.set_fragment(None);
    same.then(|| url.to_string())
}

/// Starts paying a checked-in visit's fee. Idempotent by `Idempotency-Key`: the same key gives
/// the same payment. A new payment ends any earlier one still waiting; a settled visit answers
/// 409 `already_paid`, so a visit is never charged twice.
#[utoipa::path(
    post,
    path = "/visits/{id}/payments",
    tag = "visits",
    params(
        ("id" = String, Path, description = "Visit id"),
        ("Idempotency-Key" = String, Header, min_length = 1, max_length = 100, pattern = "^[!-~]+$", description = "Client-chosen key; a retry with the same key returns the same payment")
    ),
    request_body = NewPayment,
    responses(
        (status = 201, description = "Created (card: go to `redirectUrl`; Swish: `swish`; invoice: `INVOICED`)", body = Payment),
        (status = 200, description = "The same key again: the payment as it stands", body = Payment),
        (status = 400, description = "`idempotency_key_required`, or `bad_request` (a `returnUrl` not in the app)", body = ingang_api::ErrorBody),
        (status = 401, description = "Not signed in (nor a kiosk check-in's token)", body = ingang_api::ErrorBody),
        (status = 404, description = "No such visit for this user", body = ingang_api::ErrorBody),
        (status = 409, description = "`already_paid`, `nothing_to_pay` or `not_checked_in`", body = ingang_api::ErrorBody),
        (status = 503, description = "`payments_unavailable`: no payment provider configured", body = ingang_api::ErrorBody)
    )
)]
pub async fn create_payment(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    headers: HeaderMap,
    Json(body): Json<NewPayment>,
) -> Result<Response, ApiError> {
    let key = idempotency_key(&headers)?;
    let scope = scope(&state, &actor).await?;
    let visit = load_visit(&state, scope, id.clone()).await?;
    let return_url = match &body.return_url {
        Some(url) => Some(
            return_target(url, &headers, &state.base_url())
                .ok_or_else(|| ApiError::bad_request("returnUrl måste vara en adress i appen."))?,
        ),
        None => None,
    };
    // Swish is real when configured (`swish.rs`), simulated in demo mode; cards only in demo mode
    let real_swish = if body.method == PaymentMethod::Swish { state.swish.clone() } else { None };
    let cards = if body.method == PaymentMethod::Card { state.cards.clone() } else { None };
    let swish_simulated = body.method == PaymentMethod::Swish && state.demo;
    if body.method != PaymentMethod::Invoice && real_swish.is_none() && cards.is_none() && !swish_simulated {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "payments_unavailable",
            "Betalning med kort och Swish är inte konfigurerad.",
        ));
    }
    let now = state.clock.now();
    let (pnr, vid) = (visit_patient(&state, &id).await?, id.clone());
    let status = visit.status;
    let (real, instruction) = (real_swish.is_some(), crate::swish::instruction_id());
    let created: Result<(bool, PaymentRow, Vec<String>), ApiError> = state
        .db
        .store(move |conn| {
            let mut tx = conn.begin()?;
            if let Some(p) = crate::storage::payments::by_key(&mut tx, &vid, &key)? {
                return Ok(Ok((false, p, Vec::new())));
            }
            let fee = crate::storage::visits::find(&mut tx, &vid)?.and_then(|v| v.fee);
            let settled = crate::storage::payments::settled_of(&mut tx, &vid)?.is_some();
            if settled {
                return Ok(Err(conflict("already_paid", "Besöket är redan betalt.")));
            }
            if status != VisitStatus::CheckedIn {
                return Ok(Err(conflict("not_checked_in", "Checka in innan du betalar.")));
            }
            let Some(amount) = fee.filter(|f| *f > 0) else {
                return Ok(Err(conflict("nothing_to_pay", "Besöket är avgiftsfritt.")));
            };
            // one waiting payment at a time: an abandoned Swish request or card page ends here
            // (and a real Swish request at Swish too, below)
            let superseded = crate::storage::payments::waiting_instructions(&mut tx, &vid)?;
            crate::storage::payments::cancel_waiting(&mut tx, &vid)?;
            let pid = random_token();
            let invoice = body.method == PaymentMethod::Invoice;
            let (status, fee) =
                if invoice { ("INVOICED", visits::NORRBOTTEN.invoice_fee as i64) } else { ("CREATED", 0) };
            // the simulator's token now; a real request's token comes from Swish
            let token =
                (body.method == PaymentMethod::Swish && !real).then(|| random_token().replace('-', "").to_uppercase());
            let instruction = real.then_some(instruction);
            let new = crate::storage::payments::NewPayment {
                id: &pid,
                visit_id: &vid,
                payer: &pnr,
                method: body.method.as_str(),
                status,
                amount,
                fee,
                return_url: return_url.as_deref(),
                swish_token: token.as_deref(),
                key: &key,
                swish_instruction: instruction.as_deref(),
            };
            crate::storage::payments::create(&mut tx, &new, now)?;
            if invoice {
                number_receipt(&mut tx, &pid)?;
            }
            let p = crate::storage::payments::find(&mut tx, &pid)?.ok_or(crate::storage::Error::NoRows)?;
            tx.commit()?;
            Ok(Ok((true, p, superseded)))
        })
        .await?;
    let (new, mut p, superseded) = created?;
    if let (true, Some(swish)) = (new, real_swish) {
        p = request_at_swish(&state, swish.as_ref(), p, &superseded).await?;
    }
    if let (true, Some(cards)) = (new, cards) {
        p = hosted_page(&state, cards.as_ref(), p).await?;
    }
    state.wake_streams();
    let status = if new { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(to_payment(p))).into_response())
}

/// The real Swish: cancels the requests this payment supersedes at Swish (a failure there is
/// logged; a PAID that still comes is reconciled), then asks Swish for the new request. Swish's
/// token makes the app's QR and link; a refusal (`RP06`: the payer has another request open …)
/// ends the payment with Swish's code. Without an answer the payment ends here with
/// `unavailable`, but the server keeps asking Swish about it: if the request was made after
/// all and is paid, the payment is reconciled like any late PAID.
async fn request_at_swish(
    state: &AppState,
    swish: &dyn crate::swish::SwishApi,
    p: PaymentRow,
    superseded: &[String],
) -> Result<PaymentRow, ApiError> {
    for old in superseded {
        if let Err(e) = swish.cancel(old).await {
            tracing::warn!("swish: cancelling {old}: {e:?}");
        }
    }
    let Some(instruction) = p.swish_instruction.clone() else { return Ok(p) };
    let reference: String = p.id.replace('-', "").chars().take(35).collect();
    let asked = swish.create(&instruction, &reference, (p.amount + p.fee) as u32).await;
    let started = match asked {
        Ok(token) => Started::Keep(Kept::SwishToken, token),
        // Swish's refusal is final there; without an answer the request may exist after all
        Err(crate::swish::SwishError::Refused(code)) => Started::Ended(code, true),
        Err(crate::swish::SwishError::Unavailable(_)) => Started::Ended("unavailable".into(), false),
    };
    record_start(state, p.id, started).await
}

/// A card payment's hosted page at the provider (`cards.rs`); a refusal or no answer ends the
/// payment (`ERROR`) with the provider's reason as its code.
async fn hosted_page(
    state: &AppState,
    cards: &dyn crate::cards::CardProvider,
    p: PaymentRow,
) -> Result<PaymentRow, ApiError> {
    let back = p.return_url.clone().unwrap_or_else(|| format!("{}/bokade-tider", state.base_url()));
    let page = cards.start(&p.id, (p.amount + p.fee) as u32, &back).await;
    let started = match page {
        Ok(url) => Started::Keep(Kept::RedirectUrl, url),
        Err(crate::cards::CardError::Refused(_)) => Started::Ended("refused".into(), false),
        Err(crate::cards::CardError::Unavailable(_)) => Started::Ended("unavailable".into(), false),
    };
    record_start(state, p.id, started).await
}

/// What a payment provider said as a payment started: a value to keep for the app (Swish's
/// token, the card page's address), or the code the payment ends with (`true`: Swish will say
/// no more of it, so the server stops asking).
enum Started {
    Keep(Kept, String),
    Ended(String, bool),
}

/// What a provider gave to keep.
enum Kept {
    SwishToken,
    RedirectUrl,
}

async fn record_start(state: &AppState, id: String, started: Started) -> Result<PaymentRow, ApiError> {
    state
        .db
        .store(move |conn| {
            match started {
                Started::Keep(Kept::SwishToken, value) => crate::storage::payments::set_swish_token(conn, &id, &value)?,
                Started::Keep(Kept::RedirectUrl, value) => {
                    crate::storage::payments::set_redirect_url(conn, &id, &value)?
                }
                Started::Ended(code, final_at_swish) => {
                    crate::storage::payments::fail_at_start(conn, &id, &code, final_at_swish)?
                }
            };
            crate::storage::payments::find(conn, &id)?.ok_or(crate::storage::Error::NoRows)
        })
        .await
}

async fn visit_patient(state: &AppState, id: &str) -> Result<String, ApiError> {
    let id = id.to_owned();
    state
        .db
        .store(move |conn| {
            crate::storage::visits::find(conn, &id)?.map(|v| v.patient).ok_or(crate::storage::Error::NoRows)
        })
        .await
}

/// The payment, when the actor may see its visit.
async fn load_payment(state: &AppState, actor: &Actor, id: String) -> Result<(PaymentRow, Visit), ApiError> {
    let now = state.clock.now();
    let p = state
        .db
        .store(move |conn| {
            expire_swish(conn, now)?;
            crate::storage::payments::find(conn, &id)
        })
        .await?
        .ok_or_else(ApiError::not_found)?;
    let scope = scope(state, actor).await?;
    let visit = load_visit(state, scope, p.visit_id.clone()).await?;
    // a waiting card payment: what the provider says now (the return from its page)
    if let (Some(cards), "CREATED", "card") = (state.cards.as_ref(), p.status.as_str(), p.method.as_str())
        && let Ok((status, code)) = cards.status(&p.id).await
        && status != ingang_api::visits::PaymentStatus::Created
    {
        let pid = p.id.clone();
        let settled = state
            .db
            .store(move |conn| {
                crate::domain::visits::settle(conn, &pid, status, code.as_deref(), now)?;
                crate::storage::payments::find(conn, &pid)?.ok_or(crate::storage::Error::NoRows)
            })
            .await?;
        return Ok((settled, visit));
    }
    Ok((p, visit))
}

/// A payment's state; poll while `CREATED` (and when the user returns to the app).
#[utoipa::path(
    get,
    path = "/payments/{id}",
    tag = "visits",
    params(("id" = String, Path, description = "Payment id")),
    responses(
        (status = 200, description = "The payment", body = Payment),
        (status = 404, description = "No such payment for this user", body = ingang_api::ErrorBody),
        (status = 401, description = "Not signed in (nor a kiosk check-in's token)", body = ingang_api::ErrorBody)
    )
)]
pub async fn get_payment(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<Payment>, ApiError> {
    Ok(Json(to_payment(load_payment(&state, &actor, id).await?.0)))
}

/// Cancels a payment still waiting (the user gave up on Swish or the card page). Harmless when it
/// has already ended; a paid one stays paid.
#[utoipa::path(
    post,
    path = "/payments/{id}/cancel",
    tag = "visits",
    params(("id" = String, Path, description = "Payment id")),
    responses(
        (status = 200, description = "The payment as it stands", body = Payment),
        (status = 404, description = "No such payment for this user", body = ingang_api::ErrorBody),
        (status = 401, description = "Not signed in (nor a kiosk check-in's token)", body = ingang_api::ErrorBody)
    )
)]
pub async fn cancel_payment(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<Payment>, ApiError> {
    let (p, _) = load_payment(&state, &actor, id.clone()).await?;
    let pid = id.clone();
    let cancelled = state.db.store(move |conn| Ok(usize::from(crate::storage::payments::cancel(conn, &pid)?))).await?;
    // and at Swish, so the payer cannot pay it after all (if they did meanwhile, it is reconciled)
    if let (1, Some(swish), Some(instruction)) = (cancelled, state.swish.as_ref(), p.swish_instruction.as_deref())
        && let Err(e) = swish.cancel(instruction).await
    {
        tracing::warn!("swish: cancelling {instruction}: {e:?}");
    }
    if let (1, Some(cards), "card") = (cancelled, state.cards.as_ref(), p.method.as_str())
        && let Err(e) = cards.cancel(&p.id).await
    {
        tracing::warn!("cards: cancelling {}: {e:?}", p.id);
    }
    Ok(Json(to_payment(load_payment(&state, &actor, id).await?.0)))
}

/// The receipt (kvitto) of a paid or invoiced payment.
#[utoipa::path(
    get,
    path = "/payments/{id}/receipt",
    tag = "visits",
    params(("id" = String, Path, description = "Payment id")),
    responses(
        (status = 200, description = "The receipt", body = Receipt),
        (status = 404, description = "No such payment for this user, or not paid", body = ingang_api::ErrorBody),
        (status = 401, description = "Not signed in (nor a kiosk check-in's token)", body = ingang_api::ErrorBody)
    )
)]
pub async fn receipt(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
) -> Result<Json<Receipt>, ApiError> {
    let (p, visit) = load_payment(&state, &actor, id.clone()).await?;
    let payment = to_payment(p);
    if !payment.status.settled() {
        return Err(ApiError::not_found());
    }
    let (pid, vid) = (id, visit.id.clone());
    let (number, pnr, paid) = state
        .db
        .store(move |conn| {
            let number = crate::storage::payments::receipt_number(conn, &pid)?;
            let pnr =
                crate::storage::visits::find(conn, &vid)?.map(|v| v.patient).ok_or(crate::storage::Error::NoRows)?;
            let at = crate::storage::payments::find(conn, &pid)?
                .map(|p| p.created_at)
                .ok_or(crate::storage::Error::NoRows)?;
            let (paid, _) = high_cost(conn, &pnr, at + 1)?;
            Ok((number, pnr, paid))
        })
        .await?;
    let mut lines = vec![ReceiptLine { kind: ReceiptLineKind::VisitFee, amount: payment.amount }];
    if payment.fee > 0 {
        lines.push(ReceiptLine { kind: ReceiptLineKind::InvoiceFee, amount: payment.fee });
    }
    let display = Personnummer::parse(&pnr, state.clock.today()).map(|p| p.display_form()).unwrap_or(pnr);
    Ok(Json(Receipt {
        number,
        payment_id: payment.id,
        issued_at: payment.paid_at.unwrap_or(payment.created_at),
        patient_name: visit.person_name,
        personal_number: display,
        provider: PROVIDER.0.into(),
        organisation_number: PROVIDER.1.into(),
        unit_name: visit.unit_name,
        unit_address: visit.address,
        time_zone: visit.time_zone,
        visit_title: Phrasebook::load(&state, lang).await?.text(&visit.title),
        visit_starts_at: visit.starts_at,
        method: payment.method,
        status: payment.status,
        lines,
        total: payment.total,
        vat: 0,
        paid_in_period: paid,
        due_date: payment.due_date,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::visits::stockholm_hhmm;
    use crate::storage::params;

    /// Receipt numbers come from a counter: distinct and in order however payments settle,
    /// once per payment, and after the demo's own K0000001.
    #[test]
    fn receipt_numbers_are_handed_out_once_each_and_never_twice() {
        crate::storage::tests::on_both("receipt_numbers", |conn| {
            crate::demo::seed(conn).expect("seed");
            let visit: String =
                conn.query_row("SELECT id FROM visits LIMIT 1", params![], |r| r.get("id")).expect("a visit");
            for n in 0..5 {
                conn.execute(
                    "INSERT INTO payments (id, visit_id, payer, method, status, amount, fee, created_at, idempotency_key)
                     VALUES (?1, ?2, '198001139297', 'card', 'CREATED', 300, 0, 0, ?1)",
                    params![format!("p{n}"), visit],
                )
                .expect("payment");
            }
            // settled out of order, one of them numbered twice (a retried callback)
            for id in ["p3", "p0", "p3", "p4", "p1", "p2"] {
                number_receipt(conn, id).expect("numbered");
            }
            let numbers: Vec<(String, String)> = conn
                .query_map(
                    "SELECT id, receipt_number FROM payments WHERE id LIKE 'p_' ORDER BY receipt_number",
                    params![],
                    |r| Ok((r.get("id")?, r.get("receipt_number")?)),
                )
                .expect("numbers");
            let expected =
                [("p3", "K0000002"), ("p0", "K0000003"), ("p4", "K0000004"), ("p1", "K0000005"), ("p2", "K0000006")];
            assert_eq!(numbers, expected.map(|(a, b)| (a.to_owned(), b.to_owned())));
            // no writer can give a number twice, whatever it does
            let twice = conn.execute("UPDATE payments SET receipt_number = 'K0000002' WHERE id = 'p0'", params![]);
            assert!(twice.is_err(), "a receipt number was given twice");
        });
    }

    /// The classic open-redirect bypasses, each as a browser would resolve it.
    #[test]
    fn return_addresses_stay_in_the_app() {
        let mut h = HeaderMap::new();
        h.insert(header::ORIGIN, "https://app.example".parse().expect("header"));
        let public = "https://public.example";
        let ok = |input: &str| return_target(input, &h, public);
        assert_eq!(ok("/bokade-tider/1").as_deref(), Some("https://app.example/bokade-tider/1"));
        assert_eq!(
            ok("https://app.example/bokade-tider/1?a=1#x").as_deref(),
            Some("https://app.example/bokade-tider/1?a=1")
        );
        assert_eq!(ok("HTTPS://APP.EXAMPLE:443/x").as_deref(), Some("https://app.example/x"));
        // a path that looks like a host stays a path on this origin, absolute when stored
        assert_eq!(ok("/%2F%2Fevil.example").as_deref(), Some("https://app.example/%2F%2Fevil.example"));
        assert_eq!(ok("https://app.example//evil.example/").as_deref(), Some("https://app.example//evil.example/"));
        // a scheme-relative form of the same scheme is a path here, as in a browser
        assert_eq!(ok("https:evil.example").as_deref(), Some("https://app.example/evil.example"));
        assert_eq!(ok("https:/evil.example").as_deref(), Some("https://app.example/evil.example"));
        for evil in [
            "/\t/evil.example/",
            "\t//evil.example",
            "/\t\t/evil.example",
            "/\n/evil.example/",
            "/\r\n/evil.example",
            " //evil.example",
            "//evil.example/x",
            "///evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "\\/evil.example",
            "http:/evil.example",
            "http:evil.example",
            "http://app.example/",
            "https://app.example:8443/",
            "https://app.example.evil/x",
            "https://app.example@evil.example/",
            "https://evil.example\\@app.example/",
            "https://user:pw@app.example/",
            "javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "//%65vil.example",
            "https://evil.example/",
        ] {
            assert_eq!(ok(evil), None, "{evil:?}");
        }
        // no Origin: the public URL is the app's origin
        let none = HeaderMap::new();
        assert_eq!(return_target("/x", &none, public).as_deref(), Some("https://public.example/x"));
        assert_eq!(return_target("https://evil.example/", &none, public), None);
        let mut null = HeaderMap::new();
        null.insert(header::ORIGIN, "null".parse().expect("header"));
        assert_eq!(return_target("/x", &null, public).as_deref(), Some("https://public.example/x"));
    }

    #[test]
    fn stockholm_clock_text() {
        let t = visits::stockholm_to_unix(visits::days_from_civil(2026, 11, 23), 14 * 60 + 30);
        assert_eq!(stockholm_hhmm(t), "14:30");
        let t = visits::stockholm_to_unix(visits::days_from_civil(2026, 6, 23), 8 * 60 + 5);
        assert_eq!(stockholm_hhmm(t), "08:05");
    }
}

//! The real Swish: the Swish Commerce API (m-commerce payment requests, v2) over mutual TLS, with
//! the merchant's certificate and Swish's CA pinned (both from configured files).
//!
//! - **Request:** `PUT {base}/api/v2/paymentrequests/{instructionUUID}` with our own id (32
//!   uppercase hex, so a retry is the same request), the amount as a string with two decimals,
//!   `SEK`, the merchant's alias and our callback URL; Swish answers 201 with a
//!   `PaymentRequestToken` that opens the Swish app (the app's QR and `swish://` link).
//! - **Result:** Swish posts the request to our callback (`POST /swish/callback`). The callback
//!   is not trusted as it stands: the server asks Swish for the request (`GET
//!   /api/v1/paymentrequests/{id}`) and settles by what Swish says, when amount, currency and
//!   merchant match ours. The same question is asked by a worker for every request not yet
//!   final at Swish (the fallback when a callback is lost), also after our own 180 s timeout:
//!   a late `PAID` is reconciled onto the visit however late it comes (`settle`).
//! - **Cancel:** a new payment, or the user giving up, cancels the waiting request at Swish
//!   (`PATCH /api/v1/paymentrequests/{id}`, JSON Patch `status: cancelled`), not only here.
//! - **Refund:** money taken twice for one visit is paid back (`PUT /api/v2/refunds/{id}`,
//!   naming the original `paymentReference`), one at a time, and followed until Swish says
//!   `PAID` or `ERROR` (`GET /api/v1/refunds/{id}`).

use std::time::Duration;

use ingang_api::visits::PaymentStatus;
use serde::Deserialize;

use crate::{AppState, bankid::BoxFuture, db::Db, error::ApiError};

/// Where Swish is and who we are there.
#[derive(Debug, Clone, Default)]
pub struct SwishConfig {
    /// The API's base: `https://cpc.getswish.net/swish-cpcapi` (production) or
    /// `https://mss.cpc.getswish.net/swish-cpcapi` (Swish's test system, MSS).
    pub url: String,
    /// PEM with the merchant's Swish certificate and its private key.
    pub identity_pem: std::path::PathBuf,
    /// PEM with the CA of Swish's server certificate: the only CA trusted.
    pub ca_pem: std::path::PathBuf,
    /// The merchant's Swish number (`payeeAlias`, 123…).
    pub payee_alias: String,
    /// Our callback as Swish reaches it: `https://…/swish/callback` (https, port 443).
    pub callback_url: String,
}

/// What Swish says of a payment request (or a refund).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SwishRequest {
    pub id: String,
    /// `CREATED`, `PAID`, `DECLINED`, `ERROR`, `CANCELLED` (refunds: `VALIDATED`, `DEBITED`,
    /// `PAID`, `ERROR`).
    pub status: String,
    #[serde(default)]
    pub payment_reference: Option<String>,
    #[serde(default)]
    pub payee_alias: Option<String>,
    #[serde(default)]
    pub payer_alias: Option<String>,
    #[serde(default, deserialize_with = "amount")]
    pub amount: Option<String>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub error_code: Option<String>,
}

/// Swish writes amounts as numbers in answers and strings in requests: kept as "100.00".
fn amount<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(match v {
        Some(serde_json::Value::Number(n)) => n.as_f64().map(|f| format!("{f:.2}")),
        Some(serde_json::Value::String(s)) => s.parse::<f64>().ok().map(|f| format!("{f:.2}")),
        _ => None,
    })
}

/// Why Swish did not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SwishError {
    /// Swish refused it, with its error code (`RP06`: the payer already has a request, …).
    Refused(String),
    /// No answer, or not one we understand: ask again later.
    Unavailable(String),
}

/// The Swish Commerce API, as the server uses it (a trait, so tests and the demo can stand in).
pub trait SwishApi: Send + Sync {
    /// Creates the payment request `instruction` of `amount_kr`; its token for the Swish app.
    fn create<'a>(
        &'a self,
        instruction: &'a str,
        reference: &'a str,
        amount_kr: u32,
    ) -> BoxFuture<'a, Result<String, SwishError>>;
    fn status<'a>(&'a self, instruction: &'a str) -> BoxFuture<'a, Result<SwishRequest, SwishError>>;
    fn cancel<'a>(&'a self, instruction: &'a str) -> BoxFuture<'a, Result<(), SwishError>>;
    /// Pays `amount_kr` of the paid request `payment_reference` back.
    fn refund<'a>(
        &'a self,
        instruction: &'a str,
        payment_reference: &'a str,
        amount_kr: u32,
    ) -> BoxFuture<'a, Result<(), SwishError>>;
    fn refund_status<'a>(&'a self, instruction: &'a str) -> BoxFuture<'a, Result<SwishRequest, SwishError>>;
    /// The merchant's alias (a callback's `payeeAlias` must be it).
    fn payee_alias(&self) -> &str;
}

pub struct SwishClient {
    config: SwishConfig,
    client: reqwest::Client,
}

impl SwishClient {
    pub fn new(config: SwishConfig) -> anyhow::Result<Self> {
        anyhow::ensure!(config.url.starts_with("https://"), "Swish's URL must be https://");
        anyhow::ensure!(config.callback_url.starts_with("https://"), "Swish calls back only to https://");
        anyhow::ensure!(
            config.payee_alias.len() == 10 && config.payee_alias.bytes().all(|b| b.is_ascii_digit()),
            "the Swish number (payee alias) is ten digits"
        );
        let client = crate::outside::mutual_tls(&config.identity_pem, &config.ca_pem)?;
        Ok(Self { config: SwishConfig { url: config.url.trim_end_matches('/').to_owned(), ..config }, client })
    }

    fn url(&self, path: &str) -> String {
        format!("{}/{path}", self.config.url)
    }

    async fn answer(res: Result<reqwest::Response, reqwest::Error>) -> Result<(u16, String), SwishError> {
        let res = res.map_err(|e| SwishError::Unavailable(format!("no answer: {e}")))?;
        let status = res.status().as_u16();
        let body = res.text().await.map_err(|e| SwishError::Unavailable(format!("no answer: {e}")))?;
        if (200..300).contains(&status) {
            return Ok((status, body));
        }
        // 4xx: Swish's codes (`[{"errorCode": "RP06", …}]`); 5xx and the rest: ask again later
        let code = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.get(0).and_then(|e| e.get("errorCode")).and_then(|c| c.as_str()).map(str::to_owned));
        match (status, code) {
            (400..=499, Some(code)) if status != 429 => Err(SwishError::Refused(code)),
            (401 | 403, None) => Err(SwishError::Refused(format!("HTTP {status}"))),
            _ => Err(SwishError::Unavailable(format!("HTTP {status}"))),
        }
    }

    async fn get(&self, path: &str) -> Result<SwishRequest, SwishError> {
        let (_, body) = Self::answer(self.client.get(self.url(path)).send().await).await?;
        serde_json::from_str(&body).map_err(|e| SwishError::Unavailable(format!("unexpected answer: {e}")))
    }
}

/// "100.00" for 100 kr.
fn kronor(amount_kr: u32) -> String {
    format!("{amount_kr}.00")
}

impl SwishApi for SwishClient {
    fn create<'a>(
        &'a self,
        instruction: &'a str,
        reference: &'a str,
        amount_kr: u32,
    ) -> BoxFuture<'a, Result<String, SwishError>> {
        Box::pin(async move {
            let body = serde_json::json!({
                "payeePaymentReference": reference,
                "callbackUrl": self.config.callback_url,
                "payeeAlias": self.config.payee_alias,
                "amount": kronor(amount_kr),
                "currency": "SEK",
                "message": "Patientavgift",
            });
            let res =
                self.client.put(self.url(&format!("api/v2/paymentrequests/{instruction}"))).json(&body).send().await;
            let res = res.map_err(|e| SwishError::Unavailable(format!("no answer: {e}")))?;
            let token = res.headers().get("paymentrequesttoken").and_then(|v| v.to_str().ok()).map(str::to_owned);
            let (status, _) = Self::answer(Ok(res)).await?;
            match (status, token) {
                (201, Some(token)) if !token.is_empty() => Ok(token),
                (s, _) => Err(SwishError::Unavailable(format!("HTTP {s} without a PaymentRequestToken"))),
            }
        })
    }

    fn status<'a>(&'a self, instruction: &'a str) -> BoxFuture<'a, Result<SwishRequest, SwishError>> {
        Box::pin(async move { self.get(&format!("api/v1/paymentrequests/{instruction}")).await })
    }

    fn cancel<'a>(&'a self, instruction: &'a str) -> BoxFuture<'a, Result<(), SwishError>> {
        Box::pin(async move {
            let patch = serde_json::json!([{ "op": "replace", "path": "/status", "value": "cancelled" }]);
            let res = self
                .client
                .patch(self.url(&format!("api/v1/paymentrequests/{instruction}")))
                .header("content-type", "application/json-patch+json")
                .body(patch.to_string())
                .send()
                .await;
            Self::answer(res).await.map(|_| ())
        })
    }

    fn refund<'a>(
        &'a self,
        instruction: &'a str,
        payment_reference: &'a str,
        amount_kr: u32,
    ) -> BoxFuture<'a, Result<(), SwishError>> {
        Box::pin(async move {
            let body = serde_json::json!({
                "originalPaymentReference": payment_reference,
                "callbackUrl": self.config.callback_url,
                "payerAlias": self.config.payee_alias,
                "amount": kronor(amount_kr),
                "currency": "SEK",
                "message": "Aterbetalning patientavgift",
            });
            let res = self.client.put(self.url(&format!("api/v2/refunds/{instruction}"))).json(&body).send().await;
            Self::answer(res).await.map(|_| ())
        })
    }

    fn refund_status<'a>(&'a self, instruction: &'a str) -> BoxFuture<'a, Result<SwishRequest, SwishError>> {
        Box::pin(async move { self.get(&format!("api/v1/refunds/{instruction}")).await })
    }

    fn payee_alias(&self) -> &str {
        &self.config.payee_alias
    }
}

/// A new instruction id: 32 uppercase hex digits (what Swish asks for).
pub fn instruction_id() -> String {
    crate::bankid::random_token().replace('-', "").to_uppercase()
}

/// What Swish's status means for our payment: `None` while Swish still waits.
fn outcome(r: &SwishRequest) -> Option<(PaymentStatus, Option<&str>)> {
    match r.status.as_str() {
        "PAID" => Some((PaymentStatus::Paid, None)),
        "DECLINED" => Some((PaymentStatus::Declined, r.error_code.as_deref().or(Some("RF07")))),
        "CANCELLED" => Some((PaymentStatus::Cancelled, r.error_code.as_deref())),
        "ERROR" => Some((PaymentStatus::Error, r.error_code.as_deref())),
        _ => None,
    }
}

/// Settles the payment behind `instruction` by what Swish says of it (never by what a callback
/// claims): when the amount, currency and merchant are ours. Idempotent; a late `PAID` settles
/// the visit or is marked for refund (`domain::visits::settle`). Returns whether Swish's word
/// was final.
pub async fn reconcile(db: &Db, swish: &dyn SwishApi, instruction: &str, now: i64) -> Result<bool, ApiError> {
    let i = instruction.to_owned();
    let ours: Option<(String, i64)> = db.store(move |conn| crate::storage::payments::by_instruction(conn, &i)).await?;
    let Some((payment, total)) = ours else { return Ok(false) };
    let said = match swish.status(instruction).await {
        Ok(said) => said,
        Err(e) => {
            tracing::warn!("swish: {instruction}: {e:?}");
            return Ok(false);
        }
    };
    let matches = said.amount.as_deref() == Some(kronor(total as u32).as_str())
        && said.currency.as_deref().is_none_or(|c| c == "SEK")
        && said.payee_alias.as_deref().is_none_or(|a| a == swish.payee_alias());
    if !matches {
        tracing::error!("swish: {instruction} does not match payment {payment}: {said:?}");
        return Ok(false);
    }
    let Some((status, error)) = outcome(&said) else { return Ok(false) };
    let (error, reference) = (error.map(str::to_owned), said.payment_reference.clone());
    db.store(move |conn| {
        let mut tx = conn.begin()?;
        crate::domain::visits::settle(&mut tx, &payment, status, error.as_deref(), now)?;
        crate::storage::payments::swish_final(&mut tx, &payment, reference.as_deref())?;
        tx.commit()
    })
    .await?;
    Ok(true)
}

/// Asks Swish about every request not yet final there (the callback's fallback, and what a
/// local timeout or a cancel here left open), then pays back what is due. Returns how many
/// requests became final.
pub async fn poll(db: &Db, swish: &dyn SwishApi, now: i64) -> Result<usize, ApiError> {
    let open: Vec<String> = db
        // a day at most (Swish ends a request long before); not in the first seconds (the callback)
        .store(move |conn| crate::storage::payments::open_at_swish(conn, now - 86_400, now - 5))
        .await?;
    let mut settled = 0;
    for instruction in open {
        if reconcile(db, swish, &instruction, now).await? {
            settled += 1;
        }
    }
    refund_due(db, swish).await?;
    Ok(settled)
}

/// Pays back, one at a time, the Swish payments marked `refund = 'due'`, and follows those asked
/// for until Swish says `PAID` (`refunded`) or `ERROR` (`failed`: staff see it at /staff/besok).
async fn refund_due(db: &Db, swish: &dyn SwishApi) -> Result<(), ApiError> {
    let due = db.store(crate::storage::payments::refunds_due).await?;

    for crate::storage::payments::Refund { payment, reference, instruction, status, total } in due {
        let Some(reference) = reference else { continue };
        match (instruction, status.as_deref()) {
            (Some(instruction), Some("requested")) => {
                let Ok(said) = swish.refund_status(&instruction).await else { continue };
                let done = match said.status.as_str() {
                    "PAID" => "refunded",
                    "ERROR" => "failed",
                    _ => continue,
                };
                db.store(move |conn| crate::storage::payments::set_refund_status(conn, &payment, done)).await?;
            }
            _ => {
                // the id is kept before asking, so a retry asks for the same refund
                let (p, fresh) = (payment.clone(), instruction_id());
                let instruction: String =
                    db.store(move |conn| crate::storage::payments::refund_instruction(conn, &p, &fresh)).await?;
                let result = swish.refund(&instruction, &reference, total as u32).await;
                let status = match result {
                    Ok(()) => "requested",
                    Err(SwishError::Refused(_)) => "failed",
                    Err(SwishError::Unavailable(_)) => continue,
                };
                db.store(move |conn| crate::storage::payments::set_refund_status(conn, &payment, status)).await?;
                // one refund request a second at most (Swish's rule)
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
    Ok(())
}

/// `POST /swish/callback`: Swish says a request (or a refund) has an outcome. Only the id is
/// taken from it; what it means comes from Swish itself ([`reconcile`]). 200 once handled (also
/// for an id that is not ours, so Swish stops), 500 when it could not be (Swish tries again).
pub fn router(state: AppState) -> axum::Router {
    use axum::{extract::State, http::StatusCode, routing::post};
    if state.swish.is_none() {
        return axum::Router::new();
    }
    async fn callback(State(state): State<AppState>, body: axum::body::Bytes) -> StatusCode {
        let Some(swish) = state.swish.clone() else { return StatusCode::NOT_FOUND };
        let id = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.get("id").and_then(|i| i.as_str()).map(str::to_owned));
        let Some(id) = id.filter(|i| i.len() == 32 && i.bytes().all(|b| b.is_ascii_alphanumeric())) else {
            return StatusCode::BAD_REQUEST;
        };
        match reconcile(&state.db, swish.as_ref(), &id, state.clock.now()).await {
            Ok(true) => {
                state.wake_streams();
                StatusCode::OK
            }
            Ok(false) => StatusCode::OK,
            Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
    axum::Router::new()
        .route("/swish/callback", post(callback))
        .layer(axum::extract::DefaultBodyLimit::max(16 * 1024))
        .with_state(state)
}

/// Every five seconds, [`poll`] (until the server stops).
pub fn spawn(state: AppState, swish: std::sync::Arc<dyn SwishApi>) {
    crate::outside::every(state, Duration::from_secs(5), "swish settled", move |state| {
        let swish = swish.clone();
        async move {
            let settled = poll(&state.db, swish.as_ref(), state.clock.now()).await?;
            if settled > 0 {
                state.wake_streams();
            }
            Ok(settled)
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_instruction_id_is_32_uppercase_hex() {
        let id = instruction_id();
        assert_eq!(id.len(), 32);
        assert!(id.bytes().all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b)), "{id}");
    }

    #[test]
    fn swish_amounts_read_as_numbers_or_strings() {
        let a: SwishRequest = serde_json::from_str(r#"{"id":"A","status":"PAID","amount":100}"#).expect("a request");
        let b: SwishRequest =
            serde_json::from_str(r#"{"id":"A","status":"PAID","amount":"100.00"}"#).expect("a request");
        assert_eq!((a.amount.as_deref(), b.amount.as_deref()), (Some("100.00"), Some("100.00")));
        assert_eq!(kronor(100), "100.00");
    }

    #[test]
    fn what_swish_says_is_what_the_payment_becomes() {
        let r = |status: &str, code: Option<&str>| SwishRequest {
            id: "A".into(),
            status: status.into(),
            payment_reference: None,
            payee_alias: None,
            payer_alias: None,
            amount: None,
            currency: None,
            error_code: code.map(str::to_owned),
        };
        assert_eq!(outcome(&r("CREATED", None)), None);
        assert_eq!(outcome(&r("PAID", None)), Some((PaymentStatus::Paid, None)));
        assert_eq!(outcome(&r("DECLINED", None)), Some((PaymentStatus::Declined, Some("RF07"))));
        assert_eq!(outcome(&r("ERROR", Some("TM01"))), Some((PaymentStatus::Error, Some("TM01"))));
        assert_eq!(outcome(&r("CANCELLED", Some("BANKIDCL"))), Some((PaymentStatus::Cancelled, Some("BANKIDCL"))));
    }
}

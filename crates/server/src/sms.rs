//! Text messages out: the two outboxes (`sms_outbox`: "din tur" and the visit reminders;
//! `notification_outbox` rows of channel `sms`: a new inbox message) are sent through an SMS
//! gateway over HTTPS when one is configured (`--sms-url` …, see the README); without one they
//! stay in the outbox, as in demo mode. No health data is in any of these texts (they say that
//! something is waiting in the app, and link to it).
//!
//! Delivery, never twice: a worker claims one due message at a time (`sending`, attempts + 1)
//! before it calls the gateway, and records the answer: `sent` with the gateway's id, back to
//! `queued` with a growing wait on a temporary failure (a network error, 429, 5xx: 30 s, 2 min,
//! 8 min, 32 min; failed after five attempts), `failed` on a refusal (another 4xx). A message
//! left `sending` by a server that stopped mid-call may or may not have gone out: it is marked
//! `failed` ("unknown"), never sent again. A message not sent within an hour is `expired`.

use std::time::Duration;

use crate::{AppState, bankid::BoxFuture, db::Db, error::ApiError};

/// Why a message was not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmsError {
    /// Worth another try later (network, 429, 5xx).
    Retry(String),
    /// The gateway refused the message (a 4xx): trying again gives the same answer.
    Refused(String),
}

/// A gateway that sends one text to one number (E.164) and gives its id for the message.
pub trait SmsGateway: Send + Sync {
    fn send<'a>(&'a self, to: &'a str, text: &'a str) -> BoxFuture<'a, Result<String, SmsError>>;
}

/// The gateway's settings (its `Debug` leaves the password out).
#[derive(Clone, Default)]
pub struct SmsConfig {
    /// The endpoint that takes a message (46elks: `https://api.46elks.com/a1/sms`).
    pub url: String,
    pub username: String,
    pub password: String,
    /// The sender shown on the phone (up to 11 letters, or a number).
    pub from: String,
    /// A PEM file of the CA that signs the gateway's certificate, when it is not a public one
    /// (the tests' throwaway CA); otherwise the public web PKI roots.
    pub ca_pem: Option<std::path::PathBuf>,
}

impl std::fmt::Debug for SmsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsConfig")
            .field("url", &self.url)
            .field("username", &self.username)
            .field("password", &"…")
            .field("from", &self.from)
            .field("ca_pem", &self.ca_pem)
            .finish()
    }
}

/// A 46elks-style HTTP gateway: `POST url` with `from`, `to` and `message` as a form, basic
/// auth, and a JSON answer with the message's `id`. HTTPS only.
pub struct HttpGateway {
    config: SmsConfig,
    client: reqwest::Client,
}

impl HttpGateway {
    pub fn new(config: SmsConfig) -> anyhow::Result<Self> {
        anyhow::ensure!(config.url.starts_with("https://"), "the SMS gateway's URL must be https://");
        // with a CA, only that one: the gateway is pinned to it
        Ok(Self { client: crate::outside::https(config.ca_pem.as_deref())?, config })
    }
}

impl SmsGateway for HttpGateway {
    fn send<'a>(&'a self, to: &'a str, text: &'a str) -> BoxFuture<'a, Result<String, SmsError>> {
        Box::pin(async move {
            let res = self
                .client
                .post(&self.config.url)
                .basic_auth(&self.config.username, Some(&self.config.password))
                .form(&[("from", self.config.from.as_str()), ("to", to), ("message", text)])
                .send()
                .await
                .map_err(|e| SmsError::Retry(format!("no answer: {e}")))?;
            let status = res.status();
            let body = res.text().await.unwrap_or_default();
            if status.is_success() {
                let id = serde_json::from_str::<serde_json::Value>(&body)
                    .ok()
                    .and_then(|v| v.get("id")?.as_str().map(str::to_owned))
                    .unwrap_or_default();
                Ok(id)
            } else if status.as_u16() == 429 || status.is_server_error() {
                Err(SmsError::Retry(format!("{status}")))
            } else {
                Err(SmsError::Refused(format!("{status}: {}", body.chars().take(200).collect::<String>())))
            }
        })
    }
}

/// The wait before attempt `attempts + 1` after a temporary failure, or `None` when the
/// message has had its five attempts.
pub fn backoff(attempts: i64) -> Option<i64> {
    (attempts < 5).then(|| 30 * 4_i64.pow(attempts.clamp(1, 5) as u32 - 1))
}

/// A message not sent within this time is `expired`: "din tur" an hour late misleads.
pub const STALE_SECONDS: i64 = 3600;

/// Sends every message due at `now`, one at a time; returns how many went out.
pub async fn deliver_due(db: &Db, gateway: &dyn SmsGateway, now: i64) -> Result<usize, ApiError> {
    db.store(move |conn| crate::storage::sms::expire(conn, now - STALE_SECONDS)).await?;
    let mut sent = 0;
    while let Some(m) = db.store(move |conn| crate::storage::sms::claim(conn, now)).await? {
        // stored numbers are normalised already (`check_contact`); this only guards the form
        let result = match ingang_api::people::normalize_mobile(&m.to) {
            Some(to) => gateway.send(&to, &m.text).await,
            None => Err(SmsError::Refused(format!("not a mobile number: {}", m.to))),
        };
        if result.is_ok() {
            sent += 1;
        }
        db.store(move |conn| {
            use crate::storage::sms::Outcome;
            let outcome = match &result {
                Ok(provider_id) => Outcome::Sent(provider_id),
                Err(SmsError::Retry(e)) => match backoff(m.attempts) {
                    Some(wait) => Outcome::Retry { at: now + wait, error: e },
                    None => Outcome::Failed(e),
                },
                Err(SmsError::Refused(e)) => Outcome::Failed(e),
            };
            crate::storage::sms::settle(conn, &m, outcome, now)
        })
        .await?;
    }
    Ok(sent)
}

/// At start: a message a stopped server left `sending` may have gone out; it is never sent
/// again.
pub async fn settle_interrupted(db: &Db) -> Result<usize, ApiError> {
    db.store(crate::storage::sms::settle_interrupted).await
}

/// Every five seconds, the due messages (until the server stops).
pub fn spawn(state: AppState, gateway: std::sync::Arc<dyn SmsGateway>) {
    tokio::spawn(async move {
        if let Err(e) = settle_interrupted(&state.db).await {
            tracing::warn!("sms: {e:?}");
        }
        crate::outside::every(state, Duration::from_secs(5), "sms sent", move |state| {
            let gateway = gateway.clone();
            async move { deliver_due(&state.db, gateway.as_ref(), state.clock.now()).await }
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_temporary_failure_waits_longer_each_time_and_ends_after_five() {
        assert_eq!((1..=6).map(backoff).collect::<Vec<_>>(), [Some(30), Some(120), Some(480), Some(1920), None, None]);
    }
}

//! The real BankID: the RP API v6.0 (`/auth`, `/collect`, `/cancel`) over mutual TLS, with the
//! relying party's certificate and BankID's CA pinned (test: `appapi2.test.bankid.com`,
//! production: `appapi2.bankid.com`, each with its own CA; both come from configured files).
//!
//! What BankID answers maps onto [`BankIdProvider`]: `pending` / `failed` with their
//! `hintCode` (shown to the user with BankID's recommended messages, as for the simulator), and
//! `complete` with `completionData.user`. An `errorCode` (`alreadyInProgress`,
//! `invalidParameters`, `unauthorized`, `notFound`, `requestTimeout`, `maintenance`,
//! `internalError` …) is [`BankIdError::Service`] with the code, except `notFound`
//! ([`BankIdError::NotFound`]). The server wraps this provider in [`crate::bankid::Throttled`],
//! so `collect` reaches BankID at most every two seconds per order.

use std::time::Instant;

use serde::Deserialize;

use crate::bankid::{BankIdError, BankIdProvider, BoxFuture, Collect, Order, Status, User};

/// Where BankID is and the files that make the mutual TLS.
#[derive(Debug, Clone, Default)]
pub struct RpConfig {
    /// The API's base, up to the version: `https://appapi2.bankid.com/rp/v6.0`.
    pub url: String,
    /// PEM with the RP certificate and its private key (from the bank's RP certificate).
    pub identity_pem: std::path::PathBuf,
    /// PEM with BankID's CA for that environment: the only CA the client trusts.
    pub ca_pem: std::path::PathBuf,
}

pub struct RpBankId {
    url: String,
    client: reqwest::Client,
}

impl RpBankId {
    pub fn new(config: &RpConfig) -> anyhow::Result<Self> {
        anyhow::ensure!(config.url.starts_with("https://"), "BankID's URL must be https://");
        let client = crate::outside::mutual_tls(&config.identity_pem, &config.ca_pem)?;
        Ok(Self { url: config.url.trim_end_matches('/').to_owned(), client })
    }

    async fn call<T: for<'de> Deserialize<'de>>(&self, path: &str, body: serde_json::Value) -> Result<T, BankIdError> {
        let res = self
            .client
            .post(format!("{}/{path}", self.url))
            .json(&body)
            .send()
            .await
            .map_err(|e| BankIdError::Service(format!("no answer: {e}")))?;
        let status = res.status();
        let text = res.text().await.map_err(|e| BankIdError::Service(format!("no answer: {e}")))?;
        if status.is_success() {
            return serde_json::from_str(&text).map_err(|e| BankIdError::Service(format!("unexpected answer: {e}")));
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Failure {
            error_code: String,
        }
        match serde_json::from_str::<Failure>(&text) {
            Ok(f) if f.error_code == "notFound" => Err(BankIdError::NotFound),
            Ok(f) => Err(BankIdError::Service(f.error_code)),
            Err(_) => Err(BankIdError::Service(format!("HTTP {}", status.as_u16()))),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AuthAnswer {
    order_ref: String,
    auto_start_token: String,
    qr_start_token: String,
    qr_start_secret: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CollectAnswer {
    status: String,
    hint_code: Option<String>,
    completion_data: Option<CompletionData>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CompletionData {
    user: CompletionUser,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CompletionUser {
    personal_number: String,
    name: String,
    given_name: String,
    surname: String,
}

impl BankIdProvider for RpBankId {
    fn auth<'a>(
        &'a self,
        end_user_ip: &'a str,
        return_url: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Order, BankIdError>> {
        Box::pin(async move {
            let started = Instant::now();
            let mut body = serde_json::json!({ "endUserIp": end_user_ip });
            if let Some(url) = return_url {
                body["returnUrl"] = url.into();
            }
            let a: AuthAnswer = self.call("auth", body).await?;
            Ok(Order {
                order_ref: a.order_ref,
                auto_start_token: a.auto_start_token,
                qr_start_token: a.qr_start_token,
                qr_start_secret: a.qr_start_secret,
                started,
            })
        })
    }

    fn collect<'a>(&'a self, order_ref: &'a str) -> BoxFuture<'a, Result<Collect, BankIdError>> {
        Box::pin(async move {
            let c: CollectAnswer = self.call("collect", serde_json::json!({ "orderRef": order_ref })).await?;
            match c.status.as_str() {
                "pending" => Ok(Collect { status: Status::Pending, hint_code: c.hint_code, user: None }),
                "failed" => Ok(Collect { status: Status::Failed, hint_code: c.hint_code, user: None }),
                "complete" => {
                    let u = c
                        .completion_data
                        .ok_or_else(|| BankIdError::Service("complete without completionData".into()))?
                        .user;
                    Ok(Collect {
                        status: Status::Complete,
                        hint_code: None,
                        user: Some(User {
                            personal_number: u.personal_number,
                            name: u.name,
                            given_name: u.given_name,
                            surname: u.surname,
                        }),
                    })
                }
                other => Err(BankIdError::Service(format!("unknown status {other}"))),
            }
        })
    }

    fn cancel<'a>(&'a self, order_ref: &'a str) -> BoxFuture<'a, Result<(), BankIdError>> {
        Box::pin(async move {
            let _: serde_json::Value = self.call("cancel", serde_json::json!({ "orderRef": order_ref })).await?;
            Ok(())
        })
    }
}

//! Card payments through a payment provider's hosted page (the card number never reaches us:
//! PCI DSS SAQ-A). [`CardProvider`] is what a real provider's adapter implements (Nexi, Adyen,
//! Worldline, Swedbank Pay … whichever acquirer the region has); demo mode has
//! [`SimulatedCards`], whose hosted page is `/test-pay/card/{id}` (`test_payments.rs`).
//!
//! An adapter has to give:
//! - [`CardProvider::start`]: a hosted payment page for our payment id and amount (SEK, VAT
//!   free), returning to the app's `returnUrl` (already checked to be in the app); the URL the
//!   user is sent to.
//! - [`CardProvider::status`]: what the provider says of the payment now. The server asks it
//!   when the app asks about a waiting card payment (after the return, or while polling), and
//!   settles by it; a provider's webhook must be verified the same way (its signature, or by
//!   asking `status`) before `domain::visits::settle` is called. `settle` is idempotent and
//!   reconciles a late PAID (the visit, or a refund due).
//! - [`CardProvider::cancel`]: ends a waiting payment at the provider (a new attempt, "Avbryt").
//! - [`CardProvider::refund`]: pays a paid payment back (money taken twice for one visit).

use ingang_api::visits::PaymentStatus;

use crate::{bankid::BoxFuture, db::Db};

/// Why the provider did not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardError {
    /// Refused, with the provider's reason.
    Refused(String),
    /// No answer: try again later.
    Unavailable(String),
}

pub trait CardProvider: Send + Sync {
    /// A hosted payment page for `payment_id` of `amount_kr`, back to `return_url`; where to
    /// send the user.
    fn start<'a>(
        &'a self,
        payment_id: &'a str,
        amount_kr: u32,
        return_url: &'a str,
    ) -> BoxFuture<'a, Result<String, CardError>>;
    /// The payment at the provider: `Created` while the user is on the page, then final, with
    /// the provider's error code when it failed.
    fn status<'a>(&'a self, payment_id: &'a str) -> BoxFuture<'a, Result<(PaymentStatus, Option<String>), CardError>>;
    fn cancel<'a>(&'a self, payment_id: &'a str) -> BoxFuture<'a, Result<(), CardError>>;
    fn refund<'a>(&'a self, payment_id: &'a str, amount_kr: u32) -> BoxFuture<'a, Result<(), CardError>>;
}

/// Demo mode's card provider: its hosted page is ours (`/test-pay/card/{id}`) and settles the
/// payment itself, so its books are the payments table.
pub struct SimulatedCards {
    pub db: Db,
}

impl CardProvider for SimulatedCards {
    fn start<'a>(&'a self, payment_id: &'a str, _: u32, _: &'a str) -> BoxFuture<'a, Result<String, CardError>> {
        Box::pin(async move { Ok(format!("/test-pay/card/{payment_id}")) })
    }

    fn status<'a>(&'a self, payment_id: &'a str) -> BoxFuture<'a, Result<(PaymentStatus, Option<String>), CardError>> {
        Box::pin(async move {
            let id = payment_id.to_owned();
            let (status, code): (String, Option<String>) = self
                .db
                .store(move |conn| {
                    let p = crate::storage::payments::find(conn, &id)?.ok_or(crate::storage::Error::NoRows)?;
                    Ok((p.status, p.error_code))
                })
                .await
                .map_err(|e| CardError::Unavailable(format!("{e:?}")))?;
            Ok((PaymentStatus::parse(&status).unwrap_or(PaymentStatus::Error), code))
        })
    }

    fn cancel<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<(), CardError>> {
        // the page refuses a payment that is no longer waiting (`test_payments.rs`)
        Box::pin(async { Ok(()) })
    }

    fn refund<'a>(&'a self, _: &'a str, _: u32) -> BoxFuture<'a, Result<(), CardError>> {
        Box::pin(async { Err(CardError::Refused("the simulator takes no money to give back".into())) })
    }
}

//! BankID (RP API v6) as the reference server uses it: a provider trait, the animated QR code,
//! and a simulated provider for demo and test mode.
//!
//! The browser never talks to BankID. The server starts an order, keeps `qrStartSecret` to
//! itself, computes the QR content every second, and collects the status for the app.

use std::{
    future::Future,
    pin::Pin,
    time::{Duration, Instant},
};

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// A random token in UUID layout (122 bits of randomness), for order refs and start tokens.
pub fn random_token() -> String {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).expect("the OS random source works");
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
}

/// A started order. `qr_start_secret` stays on the server.
#[derive(Debug, Clone)]
pub struct Order {
    pub order_ref: String,
    pub auto_start_token: String,
    pub qr_start_token: String,
    pub qr_start_secret: String,
    pub started: Instant,
}

impl Order {
    /// The QR content for `now` (whole seconds since the order started).
    pub fn qr_at(&self, now: Instant) -> String {
        qr_content(&self.qr_start_token, &self.qr_start_secret, now.saturating_duration_since(self.started).as_secs())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pending,
    Failed,
    Complete,
}

/// The identified user (`completionData.user`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// 12 digits.
    pub personal_number: String,
    pub name: String,
    pub given_name: String,
    pub surname: String,
}

/// The answer of `collect`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collect {
    pub status: Status,
    /// Present for pending and failed orders (`outstandingTransaction`, `userSign`, `expiredTransaction` ...).
    pub hint_code: Option<String>,
    pub user: Option<User>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BankIdError {
    /// Unknown order, or a completed order already collected.
    NotFound,
    /// `alreadyInProgress`, `requestTimeout`, `maintenance`, `internalError` ...
    Service(String),
}

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What the server needs from BankID. The real RP API (mutual TLS to appapi2.bankid.com) and the
/// simulator both implement it.
pub trait BankIdProvider: Send + Sync {
    /// Starts an order for the user at `end_user_ip`. `return_url`: where BankID on this device
    /// sends the user when the order is done (RP API v6.0 `returnUrl`); `None` for an order on
    /// another device, or an app that cannot be returned to (a home-screen app).
    fn auth<'a>(
        &'a self,
        end_user_ip: &'a str,
        return_url: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Order, BankIdError>>;
    fn collect<'a>(&'a self, order_ref: &'a str) -> BoxFuture<'a, Result<Collect, BankIdError>>;
    fn cancel<'a>(&'a self, order_ref: &'a str) -> BoxFuture<'a, Result<(), BankIdError>>;
}

/// A BankID for demo and test mode: the test-identity page plays the user's BankID app
/// through [`SimulatedBankId::set_hint`], [`SimulatedBankId::complete`] and
/// [`SimulatedBankId::fail`]. Its orders live in the database (`storage::bankid_simulated`),
/// not in a process, so with several server processes on one database any of them can start,
/// sign and collect an order. Times are the wall clock's, in Unix milliseconds.
pub struct SimulatedBankId {
    db: crate::db::Db,
    /// A pending order fails with `expiredTransaction` after this long.
    pub expiry: Duration,
}

/// A completed order can be collected for this long, once.
const COMPLETE_COLLECTABLE: Duration = Duration::from_secs(180);

/// How often the server asks BankID about one order at most ([`Throttled`]).
pub const COLLECT_INTERVAL: Duration = Duration::from_secs(2);

/// A pending order as the test-identity page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub order_ref: String,
    /// (Tests check that it never leaves the server.)
    pub qr_start_secret: String,
    pub started_ms: i64,
    /// The `endUserIp` it was started with (it must be the user's address).
    pub end_user_ip: String,
    /// The `returnUrl` it was started with.
    pub return_url: Option<String>,
}

/// The simulator could not reach its database: BankID's own `internalError`.
fn unavailable<E>(_: E) -> BankIdError {
    BankIdError::Service("internalError".into())
}

impl SimulatedBankId {
    pub fn new(db: crate::db::Db) -> Self {
        Self { db, expiry: Duration::from_secs(180) }
    }

    /// Runs `f` on the simulator's table, after failing the orders that have expired by `now_ms`.
    async fn with<R: Send + 'static>(
        &self,
        now_ms: i64,
        f: impl FnOnce(&mut crate::storage::Conn<'_>) -> crate::storage::Result<R> + Send + 'static,
    ) -> Result<R, BankIdError> {
        let expired_before = now_ms - self.expiry.as_millis() as i64;
        self.db
            .store(move |conn| {
                crate::storage::bankid_simulated::expire(conn, expired_before)?;
                f(conn)
            })
            .await
            .map_err(unavailable)
    }

    /// Starts an order at `now_ms`.
    pub async fn start_at(
        &self,
        now_ms: i64,
        end_user_ip: &str,
        return_url: Option<&str>,
    ) -> Result<Order, BankIdError> {
        let order = Order {
            order_ref: random_token(),
            auto_start_token: random_token(),
            qr_start_token: random_token(),
            qr_start_secret: random_token(),
            started: Instant::now(),
        };
        let stored = crate::storage::bankid_simulated::Stored {
            order_ref: order.order_ref.clone(),
            auto_start_token: order.auto_start_token.clone(),
            qr_start_token: order.qr_start_token.clone(),
            qr_start_secret: order.qr_start_secret.clone(),
            started_ms: now_ms,
            end_user_ip: end_user_ip.to_owned(),
            return_url: return_url.map(str::to_owned),
            status: "pending".into(),
            hint_code: "outstandingTransaction".into(),
            user: None,
            completed_ms: None,
            collected: false,
        };
        self.with(now_ms, move |conn| crate::storage::bankid_simulated::start(conn, &stored)).await?;
        Ok(order)
    }

    /// BankID's `collect` at `now_ms`: a completed order answers once, within
    /// [`COMPLETE_COLLECTABLE`] of completing; then it is unknown, as at BankID.
    pub async fn collect_at(&self, order_ref: &str, now_ms: i64) -> Result<Collect, BankIdError> {
        let (order, since) = (order_ref.to_owned(), now_ms - COMPLETE_COLLECTABLE.as_millis() as i64);
        self.with(now_ms, move |conn| {
            use crate::storage::bankid_simulated::{find, take_collect};
            let Some(sim) = find(conn, &order)? else { return Ok(Err(BankIdError::NotFound)) };
            Ok(match sim.status.as_str() {
                "complete" => match (take_collect(conn, &order, since)?, sim.user) {
                    (true, Some([personal_number, name, given_name, surname])) => Ok(Collect {
                        status: Status::Complete,
                        hint_code: None,
                        user: Some(User { personal_number, name, given_name, surname }),
                    }),
                    _ => Err(BankIdError::NotFound),
                },
                status => Ok(Collect {
                    status: if status == "pending" { Status::Pending } else { Status::Failed },
                    hint_code: Some(sim.hint_code),
                    user: None,
                }),
            })
        })
        .await?
    }

    /// The order is cancelled (a pending one fails with `cancelled`).
    pub async fn cancel_order(&self, order_ref: &str) -> Result<(), BankIdError> {
        self.change(order_ref, "cancelled", crate::storage::bankid_simulated::fail).await
    }

    /// Orders still pending (for the test-identity page), oldest first.
    pub async fn pending(&self) -> Result<Vec<Pending>, BankIdError> {
        let orders = self.with(crate::system_millis(), crate::storage::bankid_simulated::pending).await?;
        Ok(orders
            .into_iter()
            .map(|o| Pending {
                order_ref: o.order_ref,
                qr_start_secret: o.qr_start_secret,
                started_ms: o.started_ms,
                end_user_ip: o.end_user_ip,
                return_url: o.return_url,
            })
            .collect())
    }

    /// The user's app reports progress: `outstandingTransaction`, `noClient`, `started`, `userSign`, `userMrtd`.
    pub async fn set_hint(&self, order_ref: &str, hint: &str) -> Result<(), BankIdError> {
        self.change(order_ref, hint, crate::storage::bankid_simulated::set_hint).await
    }

    /// The order fails: `userCancel`, `certificateErr`, `expiredTransaction`, `startFailed` ...
    pub async fn fail(&self, order_ref: &str, hint: &str) -> Result<(), BankIdError> {
        self.change(order_ref, hint, crate::storage::bankid_simulated::fail).await
    }

    /// A change to a pending order; one that is no longer pending stays as it is, an unknown
    /// one is [`BankIdError::NotFound`].
    async fn change(
        &self,
        order_ref: &str,
        hint: &str,
        f: fn(&mut crate::storage::Conn<'_>, &str, &str) -> crate::storage::Result<bool>,
    ) -> Result<(), BankIdError> {
        let (order, hint) = (order_ref.to_owned(), hint.to_owned());
        let known = self
            .with(crate::system_millis(), move |conn| {
                Ok(f(conn, &order, &hint)? || crate::storage::bankid_simulated::find(conn, &order)?.is_some())
            })
            .await?;
        if known { Ok(()) } else { Err(BankIdError::NotFound) }
    }

    /// The user identifies with `user` at `now_ms`; an order that is no longer pending (or
    /// unknown) is [`BankIdError::NotFound`].
    pub async fn complete(&self, order_ref: &str, user: User, now_ms: i64) -> Result<(), BankIdError> {
        let order = order_ref.to_owned();
        let done = self
            .with(now_ms, move |conn| {
                let who = [&*user.personal_number, &*user.name, &*user.given_name, &*user.surname];
                crate::storage::bankid_simulated::complete(conn, &order, who, now_ms)
            })
            .await?;
        if done { Ok(()) } else { Err(BankIdError::NotFound) }
    }
}

impl BankIdProvider for SimulatedBankId {
    fn auth<'a>(
        &'a self,
        end_user_ip: &'a str,
        return_url: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Order, BankIdError>> {
        Box::pin(self.start_at(crate::system_millis(), end_user_ip, return_url))
    }

    fn collect<'a>(&'a self, order_ref: &'a str) -> BoxFuture<'a, Result<Collect, BankIdError>> {
        Box::pin(self.collect_at(order_ref, crate::system_millis()))
    }

    fn cancel<'a>(&'a self, order_ref: &'a str) -> BoxFuture<'a, Result<(), BankIdError>> {
        Box::pin(self.cancel_order(order_ref))
    }
}

/// BankID's RP guidelines: call `collect` every two seconds. The app asks every second (its QR
/// code changes every second), so the server asks BankID at most once per `interval` for each
/// order and answers from the last pending result in between. A final answer (complete or
/// failed) is never held back: it is passed on as BankID gives it.
///
/// The last answer lives in the database (`bankid_collects`), not in a process: with several
/// server processes behind a load balancer, whichever one the app reaches, BankID is still asked
/// at most every `interval` per order. A process claims the turn to ask in one statement (the
/// row's time at least `interval` old); the others answer from the row. Without the database
/// (an error) it asks BankID rather than fail the login.
pub struct Throttled<P: ?Sized> {
    inner: std::sync::Arc<P>,
    interval: Duration,
    db: crate::db::Db,
}

impl<P: BankIdProvider + ?Sized> Throttled<P> {
    pub fn new(inner: std::sync::Arc<P>, interval: Duration, db: crate::db::Db) -> Self {
        Self { inner, interval, db }
    }
}

impl<P: BankIdProvider + ?Sized> BankIdProvider for Throttled<P> {
    fn auth<'a>(
        &'a self,
        end_user_ip: &'a str,
        return_url: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Order, BankIdError>> {
        self.inner.auth(end_user_ip, return_url)
    }

    fn collect<'a>(&'a self, order_ref: &'a str) -> BoxFuture<'a, Result<Collect, BankIdError>> {
        Box::pin(async move {
            let (now, interval) = (crate::system_millis(), self.interval.as_millis() as i64);
            let order = order_ref.to_owned();
            // `None`: this process asks BankID; `Some(hint)`: another asked within the interval
            let kept =
                self.db.store(move |conn| crate::storage::bankid_collects::claim(conn, &order, now, interval)).await;
            if let Ok(Some(hint)) = kept {
                // (the first answer may still be on its way: BankID's first hint until then)
                let hint_code = hint.or_else(|| Some("outstandingTransaction".into()));
                return Ok(Collect { status: Status::Pending, hint_code, user: None });
            }
            let result = self.inner.collect(order_ref).await;
            let (order, pending_hint) = (
                order_ref.to_owned(),
                match &result {
                    Ok(c) if c.status == Status::Pending => Some(c.hint_code.clone()),
                    _ => None,
                },
            );
            let _ = self
                .db
                .store(move |conn| {
                    use crate::storage::bankid_collects::{finished, pending};
                    match pending_hint {
                        Some(hint) => pending(conn, &order, now, hint.as_deref()),
                        None => finished(conn, &order, now),
                    }
                })
                .await;
            result
        })
    }

    fn cancel<'a>(&'a self, order_ref: &'a str) -> BoxFuture<'a, Result<(), BankIdError>> {
        Box::pin(async move {
            let order = order_ref.to_owned();
            let _ = self.db.store(move |conn| crate::storage::bankid_collects::forget(conn, &order)).await;
            self.inner.cancel(order_ref).await
        })
    }
}

/// The animated QR content for second `seconds` of an order:
/// `bankid.<qrStartToken>.<seconds>.<hex HMAC-SHA256(qrStartSecret, seconds)>`.
pub fn qr_content(qr_start_token: &str, qr_start_secret: &str, seconds: u64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(qr_start_secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(seconds.to_string().as_bytes());
    let code = mac.finalize().into_bytes();
    let hex: String = code.iter().map(|b| format!("{b:02x}")).collect();
    format!("bankid.{qr_start_token}.{seconds}.{hex}")
}

/// The provider when no BankID is configured (not demo mode): every call is refused.
pub struct Unconfigured;

impl BankIdProvider for Unconfigured {
    fn auth<'a>(&'a self, _: &'a str, _: Option<&'a str>) -> BoxFuture<'a, Result<Order, BankIdError>> {
        Box::pin(async { Err(BankIdError::Service("BankID är inte konfigurerat".into())) })
    }
    fn collect<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<Collect, BankIdError>> {
        Box::pin(async { Err(BankIdError::NotFound) })
    }
    fn cancel<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<(), BankIdError>> {
        Box::pin(async { Ok(()) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A BankID that counts how often it is asked, and says `hint` (or completes).
    #[derive(Default)]
    struct Counting {
        asked: std::sync::atomic::AtomicUsize,
        complete: std::sync::atomic::AtomicBool,
    }

    impl BankIdProvider for Counting {
        fn auth<'a>(&'a self, _: &'a str, _: Option<&'a str>) -> BoxFuture<'a, Result<Order, BankIdError>> {
            Box::pin(async { Err(BankIdError::Service("not in this test".into())) })
        }
        fn collect<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<Collect, BankIdError>> {
            use std::sync::atomic::Ordering::SeqCst;
            self.asked.fetch_add(1, SeqCst);
            let done = self.complete.load(SeqCst);
            Box::pin(async move {
                Ok(if done {
                    Collect { status: Status::Complete, hint_code: None, user: None }
                } else {
                    Collect { status: Status::Pending, hint_code: Some("started".into()), user: None }
                })
            })
        }
        fn cancel<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<(), BankIdError>> {
            Box::pin(async { Ok(()) })
        }
    }

    #[tokio::test]
    async fn two_server_processes_ask_bankid_at_most_every_interval_per_order() {
        use std::sync::atomic::Ordering::SeqCst;
        let dir = tempfile::tempdir().expect("a folder");
        let path = dir.path().join("shared.sqlite");
        // two processes: each its own connection to the one database
        let (db_a, db_b) = (
            crate::db::Db::open_at_for_test(&path).expect("a database"),
            crate::db::Db::open_at_for_test(&path).expect("a database"),
        );
        let bankid = std::sync::Arc::new(Counting::default());
        let interval = Duration::from_millis(400);
        let a = Throttled::new(bankid.clone(), interval, db_a);
        let b = Throttled::new(bankid.clone(), interval, db_b);
        let pending = |c: Collect| (c.status, c.hint_code);
        assert_eq!(pending(a.collect("o1").await.expect("an answer")), (Status::Pending, Some("started".into())));
        // the other process, within the interval: BankID's last answer, BankID not asked
        assert_eq!(pending(b.collect("o1").await.expect("an answer")), (Status::Pending, Some("started".into())));
        assert_eq!(pending(a.collect("o1").await.expect("an answer")), (Status::Pending, Some("started".into())));
        assert_eq!(bankid.asked.load(SeqCst), 1);
        // another order has its own turn
        b.collect("o2").await.expect("an answer");
        assert_eq!(bankid.asked.load(SeqCst), 2);
        // after the interval, whichever process comes first asks
        tokio::time::sleep(interval).await;
        b.collect("o1").await.expect("an answer");
        a.collect("o1").await.expect("an answer");
        assert_eq!(bankid.asked.load(SeqCst), 3);
        // a final answer is never held back, and leaves the table
        tokio::time::sleep(interval).await;
        bankid.complete.store(true, SeqCst);
        assert_eq!(a.collect("o1").await.expect("an answer").status, Status::Complete);
        assert_eq!(
            b.collect("o1").await.expect("an answer").status,
            Status::Complete,
            "asked again: nothing pending kept"
        );
        assert_eq!(bankid.asked.load(SeqCst), 5);
    }

    fn anna() -> User {
        User {
            personal_number: "198001139297".into(),
            name: "Anna Andersson".into(),
            given_name: "Anna".into(),
            surname: "Andersson".into(),
        }
    }

    fn simulator() -> SimulatedBankId {
        SimulatedBankId::new(crate::db::Db::open_for_test("bankid_simulated").expect("a database"))
    }

    #[tokio::test]
    async fn an_order_goes_pending_to_complete_and_is_collected_once() {
        let bankid = simulator();
        let t0 = crate::system_millis();
        let order = bankid.start_at(t0, "203.0.113.7", None).await.expect("an order");
        assert_ne!(order.order_ref, order.qr_start_token);
        let c = bankid.collect_at(&order.order_ref, t0).await.expect("test order");
        assert_eq!((c.status, c.hint_code.as_deref()), (Status::Pending, Some("outstandingTransaction")));
        bankid.set_hint(&order.order_ref, "userSign").await.expect("test order");
        let c = bankid.collect_at(&order.order_ref, t0).await.expect("test order");
        assert_eq!(c.hint_code.as_deref(), Some("userSign"));
        let pending = bankid.pending().await.expect("pending");
        assert_eq!((pending.len(), pending[0].end_user_ip.as_str()), (1, "203.0.113.7"));
        bankid.complete(&order.order_ref, anna(), t0).await.expect("test order");
        let c = bankid.collect_at(&order.order_ref, t0).await.expect("test order");
        assert_eq!(c.status, Status::Complete);
        assert_eq!(c.user, Some(anna()));
        assert_eq!(bankid.collect_at(&order.order_ref, t0).await, Err(BankIdError::NotFound), "collected only once");
        assert!(bankid.pending().await.expect("pending").is_empty());
        // a completed order not collected within three minutes is gone, as at BankID
        let late = bankid.start_at(t0, "203.0.113.7", None).await.expect("an order");
        bankid.complete(&late.order_ref, anna(), t0).await.expect("test order");
        assert_eq!(bankid.collect_at(&late.order_ref, t0 + 180_001).await, Err(BankIdError::NotFound));
    }

    #[tokio::test]
    async fn orders_expire_fail_and_cancel() {
        let bankid = SimulatedBankId { expiry: Duration::from_secs(30), ..simulator() };
        let t0 = crate::system_millis();
        let a = bankid.start_at(t0, "203.0.113.7", None).await.expect("an order");
        let c = bankid.collect_at(&a.order_ref, t0 + 31_000).await.expect("test order");
        assert_eq!((c.status, c.hint_code.as_deref()), (Status::Failed, Some("expiredTransaction")));
        assert_eq!(bankid.complete(&a.order_ref, anna(), t0 + 31_000).await, Err(BankIdError::NotFound));
        let b = bankid.start_at(t0, "203.0.113.7", None).await.expect("an order");
        bankid.fail(&b.order_ref, "certificateErr").await.expect("test order");
        let c = bankid.collect_at(&b.order_ref, t0).await.expect("test order");
        assert_eq!(c.hint_code.as_deref(), Some("certificateErr"));
        let c = bankid.start_at(t0, "203.0.113.7", None).await.expect("an order");
        bankid.cancel_order(&c.order_ref).await.expect("test order");
        let cancelled = bankid.collect_at(&c.order_ref, t0).await.expect("test order");
        assert_eq!(cancelled.hint_code.as_deref(), Some("cancelled"));
        assert_eq!(bankid.collect_at("nope", t0).await, Err(BankIdError::NotFound));
        assert_eq!(bankid.set_hint("nope", "started").await, Err(BankIdError::NotFound));
    }

    /// Two server processes on one database share the simulator's orders: started through one,
    /// signed on the other's test-identity page, collected through the first, once.
    #[tokio::test]
    async fn the_simulator_is_one_bankid_for_every_process_on_the_database() {
        let dir = tempfile::tempdir().expect("a folder");
        let path = dir.path().join("shared.sqlite");
        let a = SimulatedBankId::new(crate::db::Db::open_at_for_test(&path).expect("a database"));
        let b = SimulatedBankId::new(crate::db::Db::open_at_for_test(&path).expect("a database"));
        let order = a.auth("203.0.113.7", Some("https://ingang.example/logga-in")).await.expect("an order");
        let seen = b.pending().await.expect("pending");
        assert_eq!(seen.iter().map(|p| p.order_ref.as_str()).collect::<Vec<_>>(), [order.order_ref.as_str()]);
        assert_eq!(seen[0].return_url.as_deref(), Some("https://ingang.example/logga-in"));
        b.set_hint(&order.order_ref, "userSign").await.expect("known on b");
        let c = a.collect(&order.order_ref).await.expect("known on a");
        assert_eq!(c.hint_code.as_deref(), Some("userSign"));
        b.complete(&order.order_ref, anna(), crate::system_millis()).await.expect("known on b");
        assert_eq!(a.collect(&order.order_ref).await.expect("complete").user, Some(anna()));
        assert_eq!(b.collect(&order.order_ref).await, Err(BankIdError::NotFound), "once, across processes");
    }

    #[test]
    fn the_qr_code_changes_every_second_and_never_shows_the_secret() {
        let t0 = Instant::now();
        let order = Order {
            order_ref: random_token(),
            auto_start_token: random_token(),
            qr_start_token: random_token(),
            qr_start_secret: random_token(),
            started: t0,
        };
        let q0 = order.qr_at(t0);
        let q1 = order.qr_at(t0 + Duration::from_millis(1500));
        assert!(q0.starts_with(&format!("bankid.{}.0.", order.qr_start_token)));
        assert!(q1.starts_with(&format!("bankid.{}.1.", order.qr_start_token)));
        assert!(!q0.contains(&order.qr_start_secret) && !q1.contains(&order.qr_start_secret));
        assert_eq!(q0, qr_content(&order.qr_start_token, &order.qr_start_secret, 0));
    }

    #[test]
    fn tokens_are_random_uuids() {
        let a = random_token();
        assert_eq!(a.len(), 36);
        assert_eq!(a.as_bytes()[14], b'4');
        assert_ne!(a, random_token());
    }

    /// The test vector in shared/reference/bankid.md (BankID's own documentation example).
    #[test]
    fn qr_content_matches_the_reference_vector() {
        let token = "67df3917-fa0d-44e5-b327-edcc928297f8";
        let secret = "d28db9a7-4cde-429e-a983-359be676944c";
        assert_eq!(
            qr_content(token, secret, 0),
            "bankid.67df3917-fa0d-44e5-b327-edcc928297f8.0.dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8"
        );
        assert_eq!(
            qr_content(token, secret, 1),
            "bankid.67df3917-fa0d-44e5-b327-edcc928297f8.1.949d559bf23403952a94d103e67743126381eda00f0b3cbddbf7c96b1adcbce2"
        );
    }
}

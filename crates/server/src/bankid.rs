//! BankID (RP API v6) as the reference server uses it: a provider trait, the animated QR code,
//! and a simulated provider for demo and test mode.
//!
//! The browser never talks to BankID. The server starts an order, keeps `qrStartSecret` to
//! itself, computes the QR content every second, and collects the status for the app.

use std::{
    collections::HashMap,
    future::Future,
    pin::Pin,
    sync::Mutex,
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

#[derive(Debug, Clone)]
struct SimOrder {
    order: Order,
    /// The `endUserIp` the order was started with.
    end_user_ip: String,
    /// The `returnUrl` it was started with.
    return_url: Option<String>,
    status: Status,
    hint_code: String,
    user: Option<User>,
    completed_at: Option<Instant>,
    collected: bool,
}

/// A BankID that lives in the server's memory (demo and test mode): the test-identity page
/// plays the user's BankID app through [`SimulatedBankId::set_hint`], [`SimulatedBankId::complete`]
/// and [`SimulatedBankId::fail`].
pub struct SimulatedBankId {
    orders: Mutex<HashMap<String, SimOrder>>,
    /// A pending order fails with `expiredTransaction` after this long.
    pub expiry: Duration,
}

/// A completed order can be collected for this long, once.
const COMPLETE_COLLECTABLE: Duration = Duration::from_secs(180);

/// How often the server asks BankID about one order at most ([`Throttled`]).
pub const COLLECT_INTERVAL: Duration = Duration::from_secs(2);

impl Default for SimulatedBankId {
    fn default() -> Self {
        Self { orders: Mutex::new(HashMap::new()), expiry: Duration::from_secs(180) }
    }
}

impl SimulatedBankId {
    /// The `endUserIp` an order was started with (for tests: it must be the user's address).
    pub fn end_user_ip(&self, order_ref: &str) -> Option<String> {
        self.lock().get(order_ref).map(|o| o.end_user_ip.clone())
    }

    /// The `returnUrl` an order was started with (for tests).
    pub fn return_url(&self, order_ref: &str) -> Option<String> {
        self.lock().get(order_ref).and_then(|o| o.return_url.clone())
    }

    pub fn start(&self, now: Instant) -> Order {
        self.start_for(now, "127.0.0.1", None)
    }

    fn start_for(&self, now: Instant, end_user_ip: &str, return_url: Option<&str>) -> Order {
        let order = Order {
            order_ref: random_token(),
            auto_start_token: random_token(),
            qr_start_token: random_token(),
            qr_start_secret: random_token(),
            started: now,
        };
        let sim = SimOrder {
            order: order.clone(),
            end_user_ip: end_user_ip.to_owned(),
            return_url: return_url.map(str::to_owned),
            status: Status::Pending,
            hint_code: "outstandingTransaction".into(),
            user: None,
            completed_at: None,
            collected: false,
        };
        self.lock().insert(order.order_ref.clone(), sim);
        order
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, SimOrder>> {
        self.orders.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn expire(&self, sim: &mut SimOrder, now: Instant) {
        if sim.status == Status::Pending && now.saturating_duration_since(sim.order.started) >= self.expiry {
            sim.status = Status::Failed;
            sim.hint_code = "expiredTransaction".into();
        }
    }

    pub fn collect_at(&self, order_ref: &str, now: Instant) -> Result<Collect, BankIdError> {
        let mut orders = self.lock();
        let sim = orders.get_mut(order_ref).ok_or(BankIdError::NotFound)?;
        self.expire(sim, now);
        match sim.status {
            Status::Complete => {
                let fresh = sim.completed_at.is_some_and(|t| now.saturating_duration_since(t) < COMPLETE_COLLECTABLE);
                if sim.collected || !fresh {
                    return Err(BankIdError::NotFound);
                }
                sim.collected = true;
                Ok(Collect { status: Status::Complete, hint_code: None, user: sim.user.clone() })
            }
            status => Ok(Collect { status, hint_code: Some(sim.hint_code.clone()), user: None }),
        }
    }

    pub fn cancel_order(&self, order_ref: &str) -> Result<(), BankIdError> {
        let mut orders = self.lock();
        let sim = orders.get_mut(order_ref).ok_or(BankIdError::NotFound)?;
        if sim.status == Status::Pending {
            sim.status = Status::Failed;
            sim.hint_code = "cancelled".into();
        }
        Ok(())
    }

    /// Orders still pending (for the test-identity page), oldest first.
    pub fn pending(&self, now: Instant) -> Vec<Order> {
        let mut orders = self.lock();
        let mut out: Vec<Order> = orders
            .values_mut()
            .filter_map(|sim| {
                self.expire(sim, now);
                (sim.status == Status::Pending).then(|| sim.order.clone())
            })
            .collect();
        out.sort_by_key(|o| o.started);
        out
    }

    /// The order, for computing its QR code.
    pub fn order(&self, order_ref: &str) -> Option<Order> {
        self.lock().get(order_ref).map(|s| s.order.clone())
    }

    /// The user's app reports progress: `outstandingTransaction`, `noClient`, `started`, `userSign`, `userMrtd`.
    pub fn set_hint(&self, order_ref: &str, hint: &str) -> Result<(), BankIdError> {
        let mut orders = self.lock();
        let sim = orders.get_mut(order_ref).ok_or(BankIdError::NotFound)?;
        if sim.status == Status::Pending {
            sim.hint_code = hint.to_owned();
        }
        Ok(())
    }

    /// The order fails: `userCancel`, `certificateErr`, `expiredTransaction`, `startFailed` ...
    pub fn fail(&self, order_ref: &str, hint: &str) -> Result<(), BankIdError> {
        let mut orders = self.lock();
        let sim = orders.get_mut(order_ref).ok_or(BankIdError::NotFound)?;
        if sim.status == Status::Pending {
            sim.status = Status::Failed;
            sim.hint_code = hint.to_owned();
        }
        Ok(())
    }

    /// The user identifies with `user`.
    pub fn complete(&self, order_ref: &str, user: User, now: Instant) -> Result<(), BankIdError> {
        let mut orders = self.lock();
        let sim = orders.get_mut(order_ref).ok_or(BankIdError::NotFound)?;
        self.expire(sim, now);
        if sim.status != Status::Pending {
            return Err(BankIdError::NotFound);
        }
        sim.status = Status::Complete;
        sim.user = Some(user);
        sim.completed_at = Some(now);
        Ok(())
    }
}

impl BankIdProvider for SimulatedBankId {
    fn auth<'a>(
        &'a self,
        end_user_ip: &'a str,
        return_url: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Order, BankIdError>> {
        Box::pin(async move { Ok(self.start_for(Instant::now(), end_user_ip, return_url)) })
    }

    fn collect<'a>(&'a self, order_ref: &'a str) -> BoxFuture<'a, Result<Collect, BankIdError>> {
        Box::pin(async move { self.collect_at(order_ref, Instant::now()) })
    }

    fn cancel<'a>(&'a self, order_ref: &'a str) -> BoxFuture<'a, Result<(), BankIdError>> {
        Box::pin(async move { self.cancel_order(order_ref) })
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

    #[test]
    fn an_order_goes_pending_to_complete_and_is_collected_once() {
        let bankid = SimulatedBankId::default();
        let t0 = Instant::now();
        let order = bankid.start(t0);
        assert_ne!(order.order_ref, order.qr_start_token);
        let c = bankid.collect_at(&order.order_ref, t0).expect("test order");
        assert_eq!((c.status, c.hint_code.as_deref()), (Status::Pending, Some("outstandingTransaction")));
        bankid.set_hint(&order.order_ref, "userSign").expect("test order");
        assert_eq!(bankid.collect_at(&order.order_ref, t0).expect("test order").hint_code.as_deref(), Some("userSign"));
        assert_eq!(bankid.pending(t0).len(), 1);
        bankid.complete(&order.order_ref, anna(), t0).expect("test order");
        let c = bankid.collect_at(&order.order_ref, t0).expect("test order");
        assert_eq!(c.status, Status::Complete);
        assert_eq!(c.user, Some(anna()));
        assert_eq!(bankid.collect_at(&order.order_ref, t0), Err(BankIdError::NotFound), "collected only once");
        assert!(bankid.pending(t0).is_empty());
    }

    #[test]
    fn orders_expire_fail_and_cancel() {
        let bankid = SimulatedBankId { expiry: Duration::from_secs(30), ..Default::default() };
        let t0 = Instant::now();
        let a = bankid.start(t0);
        let c = bankid.collect_at(&a.order_ref, t0 + Duration::from_secs(31)).expect("test order");
        assert_eq!((c.status, c.hint_code.as_deref()), (Status::Failed, Some("expiredTransaction")));
        assert_eq!(bankid.complete(&a.order_ref, anna(), t0 + Duration::from_secs(31)), Err(BankIdError::NotFound));
        let b = bankid.start(t0);
        bankid.fail(&b.order_ref, "certificateErr").expect("test order");
        assert_eq!(
            bankid.collect_at(&b.order_ref, t0).expect("test order").hint_code.as_deref(),
            Some("certificateErr")
        );
        let c = bankid.start(t0);
        bankid.cancel_order(&c.order_ref).expect("test order");
        assert_eq!(bankid.collect_at(&c.order_ref, t0).expect("test order").hint_code.as_deref(), Some("cancelled"));
        assert_eq!(bankid.collect_at("nope", t0), Err(BankIdError::NotFound));
    }

    #[test]
    fn the_qr_code_changes_every_second_and_never_shows_the_secret() {
        let bankid = SimulatedBankId::default();
        let t0 = Instant::now();
        let order = bankid.start(t0);
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

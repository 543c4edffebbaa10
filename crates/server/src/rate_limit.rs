//! Limits on what anyone may start without signing in: a BankID login and a kiosk check-in.
//! Each start writes a row and asks BankID for an order, so a flood from one address, or from
//! many, must not reach the database. Per client address (an IPv6 address by its /64, which
//! one household or phone holds whole) and for the whole server; past either, `429` with
//! `Retry-After` and a Swedish message.
//!
//! Two counts, both GCRA:
//! - in memory (`governor`), per process: the per-address and the server-wide limit, checked
//!   first, so a flood is turned away before it reaches the database. With several processes
//!   the server-wide rate is each process's own share;
//! - in the database (`rate_limits`), the per-address limit once more, shared by every process
//!   on it: behind a load balancer that spreads one client over several processes, the client
//!   still gets the configured rate, not that rate times the processes. The row's key is a hash
//!   of the limit and the address. If the database cannot be asked, the in-memory count alone
//!   decides (a login is not refused for that).

use std::{
    net::{IpAddr, Ipv6Addr, SocketAddr},
    num::NonZeroU32,
    sync::Arc,
    time::Duration,
};

use axum::{
    extract::{ConnectInfo, FromRequestParts, Request, State},
    http::{Extensions, HeaderMap, HeaderValue, Method, StatusCode, header, request::Parts},
    middleware::Next,
    response::{IntoResponse, Response},
};
use governor::{
    DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota,
    clock::{Clock, DefaultClock},
};

use crate::{AppState, error::ApiError};

/// How many starts are allowed: per client address per minute (with as many at once), and
/// per second for the whole server (with five seconds' worth at once).
#[derive(Debug, Clone, Copy)]
pub struct Rates {
    pub per_client_per_minute: u32,
    pub server_per_second: u32,
}

impl Default for Rates {
    fn default() -> Self {
        // a family logging in on a few phones, a waiting room's tablets behind one address
        Self { per_client_per_minute: 20, server_per_second: 20 }
    }
}

struct Limit {
    /// Names the limit in the shared count's keys.
    name: &'static str,
    per_client_per_minute: u32,
    client: DefaultKeyedRateLimiter<IpAddr>,
    server: DefaultDirectRateLimiter,
}

impl Limit {
    fn new(name: &'static str, rates: Rates) -> Self {
        let n = |v: u32| NonZeroU32::new(v.max(1)).unwrap_or(NonZeroU32::MIN);
        Self {
            name,
            per_client_per_minute: rates.per_client_per_minute.max(1),
            client: DefaultKeyedRateLimiter::dashmap(Quota::per_minute(n(rates.per_client_per_minute))),
            server: DefaultDirectRateLimiter::direct(
                Quota::per_second(n(rates.server_per_second)).allow_burst(n(rates.server_per_second * 5)),
            ),
        }
    }

    /// `Err(wait)` when over either limit.
    fn check(&self, client: IpAddr) -> Result<(), Duration> {
        let now = DefaultClock::default().now();
        if self.client.len() > 50_000 {
            self.client.retain_recent();
        }
        self.client.check_key(&client).map_err(|n| n.wait_time_from(now))?;
        self.server.check().map_err(|n| n.wait_time_from(now))
    }

    /// The per-address count shared by the processes (see the module's doc): `Err(wait)` when
    /// over it. GCRA on one row: each start moves the row's time one interval (a minute divided
    /// by the rate) past the later of itself and now; a start is refused while that time is more
    /// than the burst (the rate less one interval) ahead of now. Claimed in one statement, so
    /// two processes never both take the last start.
    async fn check_shared(&self, db: &crate::db::Db, client: IpAddr) -> Result<(), Duration> {
        let key = crate::domain::sessions::hash(&format!("{}:{client}", self.name));
        let interval = 60_000 / i64::from(self.per_client_per_minute);
        let burst = interval * (i64::from(self.per_client_per_minute) - 1);
        let now = crate::system_millis();
        let over = db.store(move |conn| crate::storage::rate_limits::take(conn, &key, now, interval, burst)).await;
        match over {
            Ok(Some(tat)) => Err(Duration::from_millis((tat - now - burst).max(1) as u64)),
            Ok(None) => Ok(()),
            Err(e) => {
                tracing::warn!("the shared start limit could not be read: {e:?}");
                Ok(())
            }
        }
    }
}

/// Whom the server believes about the client's address in `X-Forwarded-For`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Forwarding {
    /// Nobody: the client is the peer (no proxy in front).
    #[default]
    Ignore,
    /// The one proxy in front (every peer is it): the client is the last entry.
    LastHop,
    /// Only these proxies (addresses or networks): when the peer is one of them, the client is
    /// the last entry, right to left, that is not one of them.
    Proxies(Vec<Network>),
}

/// An address with a prefix length: `10.0.0.0/8`, `2001:db8::/32`, or one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    addr: IpAddr,
    prefix: u8,
}

impl std::str::FromStr for Network {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (addr, prefix) = s.split_once('/').unwrap_or((s, ""));
        let addr: IpAddr = addr.trim().parse().map_err(|_| format!("not an address: {s}"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = if prefix.is_empty() { max } else { prefix.parse().map_err(|_| format!("not a prefix: {s}"))? };
        if prefix > max {
            return Err(format!("prefix longer than the address: {s}"));
        }
        Ok(Network { addr, prefix })
    }
}

impl Network {
    pub fn contains(&self, ip: IpAddr) -> bool {
        let prefix = u32::from(self.prefix);
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(a)) => {
                let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
                u32::from(net) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(a)) => {
                let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
                u128::from(net) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

/// The limits of one server.
pub struct Limits {
    login: Limit,
    kiosk: Limit,
    /// Behind reverse proxies: whom to believe about the client's address.
    pub forwarding: Forwarding,
}

impl Limits {
    pub fn new(rates: Rates, forwarding: Forwarding) -> Arc<Self> {
        Arc::new(Self { login: Limit::new("login", rates), kiosk: Limit::new("kiosk", rates), forwarding })
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            login: Limit::new("login", Rates::default()),
            kiosk: Limit::new("kiosk", Rates::default()),
            forwarding: Forwarding::Ignore,
        }
    }
}

/// The client's address as a key: IPv6 by its /64.
pub fn client_key(req: &Request, forwarding: &Forwarding) -> IpAddr {
    match client_ip(req.headers(), req.extensions(), forwarding).unwrap_or(IpAddr::V6(Ipv6Addr::UNSPECIFIED)) {
        IpAddr::V6(v6) => {
            let s = v6.segments();
            IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
        v4 => v4,
    }
}

/// An IPv4 address mapped into IPv6 as IPv4.
fn unmapped(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

/// The client's own address: the peer, or behind trusted proxies what `X-Forwarded-For` says
/// (see [`Forwarding`]). `None` when the server was not given the peer (in-process tests).
pub fn client_ip(headers: &HeaderMap, extensions: &Extensions, forwarding: &Forwarding) -> Option<IpAddr> {
    let peer = extensions.get::<ConnectInfo<SocketAddr>>().map(|c| unmapped(c.0.ip()));
    // the entries, right (nearest) to left; one that is not an address ends the list
    let hops = || -> Vec<IpAddr> {
        let Some(header) = headers.get("x-forwarded-for").and_then(|v| v.to_str().ok()) else { return Vec::new() };
        header.rsplit(',').map_while(|e| e.trim().parse::<IpAddr>().ok().map(unmapped)).collect()
    };
    match forwarding {
        Forwarding::Ignore => peer,
        Forwarding::LastHop => hops().first().copied().or(peer),
        Forwarding::Proxies(trusted) => {
            let peer = peer?;
            let is_trusted = |ip: IpAddr| trusted.iter().any(|n| n.contains(ip));
            if !is_trusted(peer) {
                return Some(peer);
            }
            let hops = hops();
            // the first address a trusted proxy did not add; all trusted: the furthest one
            Some(hops.iter().copied().find(|ip| !is_trusted(*ip)).or(hops.last().copied()).unwrap_or(peer))
        }
    }
}

/// The client's address for BankID's `endUserIp` (RP API v6: the address of the user's
/// device as the RP sees it), from [`client_ip`]. Without a known peer (in-process tests
/// only) it is the loopback address.
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            client_ip(&parts.headers, &parts.extensions, &state.limits.forwarding)
                .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST)),
        ))
    }
}

/// Middleware on the API: counts the starts of logins and kiosk check-ins.
pub async fn limit_starts(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() == Method::POST {
        let path = req.uri().path();
        let limit = if path == format!("{}/auth/bankid", ingang_api::API_V1) {
            Some(&state.limits.login)
        } else if path == format!("{}/kiosk/check-ins", ingang_api::API_V1) {
            Some(&state.limits.kiosk)
        } else {
            None
        };
        if let Some(limit) = limit {
            let client = client_key(&req, &state.limits.forwarding);
            if let Err(wait) = limit.check(client) {
                return too_many(wait);
            }
            if let Err(wait) = limit.check_shared(&state.db, client).await {
                return too_many(wait);
            }
        }
    }
    next.run(req).await
}

fn too_many(wait: Duration) -> Response {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let mut res = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        format!("För många försök just nu. Vänta {seconds} sekunder och försök igen."),
    )
    .into_response();
    if let Ok(v) = HeaderValue::from_str(&seconds.max(1).to_string()) {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("a test address")
    }

    fn req(peer: &str, forwarded: Option<&str>) -> Request {
        let mut r = Request::new(axum::body::Body::empty());
        r.extensions_mut().insert(ConnectInfo(peer.parse::<SocketAddr>().expect("address")));
        if let Some(f) = forwarded {
            r.headers_mut().insert("x-forwarded-for", f.parse().expect("header"));
        }
        r
    }

    #[test]
    fn clients_are_keyed_by_address_and_ipv6_by_its_64() {
        assert_eq!(client_key(&req("10.0.0.7:5000", None), &Forwarding::Ignore), ip("10.0.0.7"));
        let a = client_key(&req("[2001:db8:1:2:aaaa::1]:5000", None), &Forwarding::Ignore);
        let b = client_key(&req("[2001:db8:1:2:bbbb::9]:6000", None), &Forwarding::Ignore);
        assert_eq!(a, b);
        assert_eq!(a, ip("2001:db8:1:2::"));
        assert_eq!(client_key(&req("[::ffff:10.0.0.7]:1", None), &Forwarding::Ignore), ip("10.0.0.7"));
        // X-Forwarded-For only when the proxy is trusted, and its last entry (what it saw)
        let proxied = req("127.0.0.1:1", Some("6.6.6.6, 198.51.100.4"));
        assert_eq!(client_key(&proxied, &Forwarding::Ignore), ip("127.0.0.1"));
        assert_eq!(client_key(&proxied, &Forwarding::LastHop), ip("198.51.100.4"));
        // the whole address for BankID
        let r = req("[2001:db8:1:2:aaaa::1]:5000", None);
        assert_eq!(client_ip(r.headers(), r.extensions(), &Forwarding::Ignore), Some(ip("2001:db8:1:2:aaaa::1")));
        let r = req("[::ffff:10.0.0.7]:1", None);
        assert_eq!(client_ip(r.headers(), r.extensions(), &Forwarding::Ignore), Some(ip("10.0.0.7")));
        let r = Request::new(axum::body::Body::empty());
        assert_eq!(client_ip(r.headers(), r.extensions(), &Forwarding::LastHop), None);
    }

    #[test]
    fn only_the_configured_proxies_are_believed_about_the_client() {
        let trusted = Forwarding::Proxies(vec![
            "10.0.0.0/8".parse().expect("a network"),
            "2001:db8:ff::1".parse().expect("an address"),
        ]);
        let at = |peer: &str, xff: Option<&str>| {
            let r = req(peer, xff);
            client_ip(r.headers(), r.extensions(), &trusted).expect("a peer")
        };
        // the load balancer (10.1.2.3) in front of the proxy (10.0.0.5): the user is the first
        // address, right to left, that neither added; what the user wrote before it is ignored
        assert_eq!(at("10.1.2.3:1", Some("6.6.6.6, 198.51.100.4, 10.0.0.5")), ip("198.51.100.4"));
        assert_eq!(at("[2001:db8:ff::1]:1", Some("198.51.100.4")), ip("198.51.100.4"));
        // a peer that is not a trusted proxy is the client, whatever it claims
        assert_eq!(at("203.0.113.9:1", Some("198.51.100.4")), ip("203.0.113.9"));
        // only proxies in the list: the furthest; no header: the proxy itself
        assert_eq!(at("10.1.2.3:1", Some("10.0.0.5")), ip("10.0.0.5"));
        assert_eq!(at("10.1.2.3:1", None), ip("10.1.2.3"));
        // garbage ends the list: the address before it is not taken
        assert_eq!(at("10.1.2.3:1", Some("198.51.100.4, nonsense")), ip("10.1.2.3"));
        // networks
        let n: Network = "192.168.0.0/16".parse().expect("a network");
        assert!(n.contains(ip("192.168.44.1")) && !n.contains(ip("192.169.0.1")) && !n.contains(ip("::1")));
        assert!("0.0.0.0/0".parse::<Network>().expect("a network").contains(ip("8.8.8.8")));
        assert!("10.0.0.0/33".parse::<Network>().is_err() && "x/8".parse::<Network>().is_err());
    }

    #[test]
    fn a_client_over_its_rate_waits_and_others_do_not() {
        let limit = Limit::new("login", Rates { per_client_per_minute: 3, server_per_second: 100 });
        let (a, b) = (ip("10.0.0.1"), ip("10.0.0.2"));
        for _ in 0..3 {
            assert!(limit.check(a).is_ok());
        }
        let wait = limit.check(a).unwrap_err();
        assert!(wait > Duration::from_secs(15) && wait <= Duration::from_secs(20), "{wait:?}");
        assert!(limit.check(b).is_ok());
    }

    /// Two processes on one database: each has its own memory, the per-address count is shared.
    #[tokio::test]
    async fn the_per_address_count_is_shared_by_the_processes_on_one_database() {
        let db = crate::db::Db::open_for_test("rate_limit").expect("db");
        let rates = Rates { per_client_per_minute: 3, server_per_second: 100 };
        let (one, two) = (Limit::new("login", rates), Limit::new("login", rates));
        let (a, b) = (ip("10.0.0.1"), ip("2001:db8::"));
        assert!(one.check_shared(&db, a).await.is_ok());
        assert!(two.check_shared(&db, a).await.is_ok());
        assert!(one.check_shared(&db, a).await.is_ok());
        // the fourth, on either process: refused, with the wait of one interval (20 s)
        let wait = two.check_shared(&db, a).await.unwrap_err();
        assert!(wait > Duration::from_secs(19) && wait <= Duration::from_secs(20), "{wait:?}");
        assert!(one.check_shared(&db, a).await.is_err());
        // another address, and another limit for the same address, count on their own
        assert!(two.check_shared(&db, b).await.is_ok());
        assert!(Limit::new("kiosk", rates).check_shared(&db, a).await.is_ok());
        // the address is not stored, only a hash of the limit and it
        let keys: Vec<String> = db
            .store(|c| {
                c.prepare("SELECT key FROM rate_limits")?.query_map(crate::params![], |r| r.get("key"))?.collect()
            })
            .await
            .expect("keys");
        assert_eq!(keys.len(), 3);
        assert!(keys.iter().all(|k| k.len() == 64 && !k.contains("10.0.0.1")), "{keys:?}");
        // a passed time is forgotten; a coming one is kept
        db.store(|c| {
            c.execute(
                "UPDATE rate_limits SET tat_ms = 0 WHERE key = (SELECT MIN(key) FROM rate_limits)",
                crate::params![],
            )
        })
        .await
        .expect("update");
        assert_eq!(
            db.store(|c| crate::storage::rate_limits::forget_passed(c, crate::system_millis())).await.expect("forget"),
            1
        );
        assert_eq!(
            db.store(|c| c
                .query_row("SELECT COUNT(*) AS count FROM rate_limits", crate::params![], |r| r.get::<i64>("count")))
                .await
                .expect("count"),
            2
        );
    }

    #[test]
    fn the_server_as_a_whole_has_a_limit_too() {
        let limit = Limit::new("login", Rates { per_client_per_minute: 1000, server_per_second: 2 });
        let allowed = (0..100).filter(|i| limit.check(IpAddr::from([10, 0, 0, *i as u8])).is_ok()).count();
        assert_eq!(allowed, 10, "five seconds' worth at once, from any number of addresses");
    }
}

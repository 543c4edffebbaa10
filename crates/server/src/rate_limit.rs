//! Limits on what anyone may start without signing in: a BankID login and a kiosk check-in.
//! Each start writes a row and asks BankID for an order, so a flood from one address, or from
//! many, must not reach the database. Per client address (an IPv6 address by its /64, which
//! one household or phone holds whole) and for the whole server; past either, `429` with
//! `Retry-After` and a Swedish message. GCRA buckets from `governor`, in memory: a restart
//! forgets them, which is harmless.

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
    client: DefaultKeyedRateLimiter<IpAddr>,
    server: DefaultDirectRateLimiter,
}

impl Limit {
    fn new(rates: Rates) -> Self {
        let n = |v: u32| NonZeroU32::new(v.max(1)).unwrap_or(NonZeroU32::MIN);
        Self {
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
}

/// The limits of one server.
pub struct Limits {
    login: Limit,
    kiosk: Limit,
    /// Behind a reverse proxy: the client is the last address in `X-Forwarded-For`.
    pub trust_forwarded_for: bool,
}

impl Limits {
    pub fn new(rates: Rates, trust_forwarded_for: bool) -> Arc<Self> {
        Arc::new(Self { login: Limit::new(rates), kiosk: Limit::new(rates), trust_forwarded_for })
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self { login: Limit::new(Rates::default()), kiosk: Limit::new(Rates::default()), trust_forwarded_for: false }
    }
}

/// The client's address as a key: IPv6 by its /64.
pub fn client_key(req: &Request, trust_forwarded_for: bool) -> IpAddr {
    match client_ip(req.headers(), req.extensions(), trust_forwarded_for).unwrap_or(IpAddr::V6(Ipv6Addr::UNSPECIFIED)) {
        IpAddr::V6(v6) => {
            let s = v6.segments();
            IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
        v4 => v4,
    }
}

/// The client's own address: the peer, or behind a trusted proxy the last `X-Forwarded-For`
/// entry (what the proxy saw); an IPv4 address mapped into IPv6 as IPv4. `None` when the
/// server was not given the peer (in-process tests).
pub fn client_ip(headers: &HeaderMap, extensions: &Extensions, trust_forwarded_for: bool) -> Option<IpAddr> {
    let forwarded = trust_forwarded_for
        .then(|| headers.get("x-forwarded-for")?.to_str().ok()?.rsplit(',').next()?.trim().parse::<IpAddr>().ok())
        .flatten();
    let peer = extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    Some(match forwarded.or(peer)? {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    })
}

/// The client's address for BankID's `endUserIp` (RP API v6: the address of the user's
/// device as the RP sees it), from [`client_ip`]. Without a known peer (in-process tests
/// only) it is the loopback address.
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            client_ip(&parts.headers, &parts.extensions, state.limits.trust_forwarded_for)
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
        if let Some(limit) = limit
            && let Err(wait) = limit.check(client_key(&req, state.limits.trust_forwarded_for))
        {
            return too_many(wait);
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
        assert_eq!(client_key(&req("10.0.0.7:5000", None), false), ip("10.0.0.7"));
        let a = client_key(&req("[2001:db8:1:2:aaaa::1]:5000", None), false);
        let b = client_key(&req("[2001:db8:1:2:bbbb::9]:6000", None), false);
        assert_eq!(a, b);
        assert_eq!(a, ip("2001:db8:1:2::"));
        assert_eq!(client_key(&req("[::ffff:10.0.0.7]:1", None), false), ip("10.0.0.7"));
        // X-Forwarded-For only when the proxy is trusted, and its last entry (what it saw)
        let proxied = req("127.0.0.1:1", Some("6.6.6.6, 198.51.100.4"));
        assert_eq!(client_key(&proxied, false), ip("127.0.0.1"));
        assert_eq!(client_key(&proxied, true), ip("198.51.100.4"));
        // the whole address for BankID
        let r = req("[2001:db8:1:2:aaaa::1]:5000", None);
        assert_eq!(client_ip(r.headers(), r.extensions(), false), Some(ip("2001:db8:1:2:aaaa::1")));
        let r = req("[::ffff:10.0.0.7]:1", None);
        assert_eq!(client_ip(r.headers(), r.extensions(), false), Some(ip("10.0.0.7")));
        let r = Request::new(axum::body::Body::empty());
        assert_eq!(client_ip(r.headers(), r.extensions(), true), None);
    }

    #[test]
    fn a_client_over_its_rate_waits_and_others_do_not() {
        let limit = Limit::new(Rates { per_client_per_minute: 3, server_per_second: 100 });
        let (a, b) = (ip("10.0.0.1"), ip("10.0.0.2"));
        for _ in 0..3 {
            assert!(limit.check(a).is_ok());
        }
        let wait = limit.check(a).unwrap_err();
        assert!(wait > Duration::from_secs(15) && wait <= Duration::from_secs(20), "{wait:?}");
        assert!(limit.check(b).is_ok());
    }

    #[test]
    fn the_server_as_a_whole_has_a_limit_too() {
        let limit = Limit::new(Rates { per_client_per_minute: 1000, server_per_second: 2 });
        let allowed = (0..100).filter(|i| limit.check(IpAddr::from([10, 0, 0, *i as u8])).is_ok()).count();
        assert_eq!(allowed, 10, "five seconds' worth at once, from any number of addresses");
    }
}

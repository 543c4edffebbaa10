//! Sign-in with the simulated BankID, sessions, cookies, CSRF and logout.

mod common;

use axum::{
    Router,
    body::Body,
    http::{Request, Response},
};
use common::*;
use ingang_server::{AppState, Config, app, bankid::User, db::Db, demo};

fn anna() -> User {
    demo::identity("198001139297").expect("Anna is a demo identity")
}

/// `name=value` of a Set-Cookie header for `name`, with the whole header line.
fn set_cookie(res: &Response<Body>, name: &str) -> Option<(String, String)> {
    res.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).find_map(|line| {
        let (pair, _) = line.split_once(';').unwrap_or((line, ""));
        let (k, v) = pair.split_once('=')?;
        (k == name).then(|| (v.to_owned(), line.to_owned()))
    })
}

async fn call(app: &Router, method: &str, uri: &str, cookie: Option<&str>, body: Option<&str>) -> Response<Body> {
    let mut req = Request::builder().method(method).uri(uri).header("x-ingang-csrf", "1");
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    if body.is_some() {
        req = req.header("content-type", "application/json");
    }
    send(app, req.body(Body::from(body.unwrap_or("").to_owned())).unwrap()).await
}

async fn start(app: &Router, same_device: bool) -> (String, serde_json::Value) {
    let res = call(app, "POST", "/api/v1/auth/bankid", None, Some(&format!(r#"{{"sameDevice":{same_device}}}"#))).await;
    assert_eq!(res.status(), 200);
    let (login, line) = set_cookie(&res, "__Host-ingang-login").expect("login cookie");
    assert!(
        line.contains("HttpOnly")
            && line.contains("Secure")
            && line.contains("SameSite=Lax")
            && line.contains("Path=/")
    );
    (format!("__Host-ingang-login={login}"), body_json(res).await)
}

#[tokio::test]
async fn qr_login_creates_a_session_and_logout_revokes_it() {
    let (app, state) = demo_app().await;
    let sim = state.bankid_sim.clone().unwrap();
    let (login, started) = start(&app, false).await;
    assert!(started.get("autoStartToken").is_none(), "no autostart for another device");

    let res = call(&app, "GET", "/api/v1/auth/bankid", Some(&login), None).await;
    let status = body_json(res).await;
    assert_eq!(status["status"], "pending");
    assert_eq!(status["hintCode"], "outstandingTransaction");
    let qr = status["qr"].as_str().unwrap();
    assert!(qr.starts_with("bankid.") && qr.split('.').count() == 4);
    let order = sim.pending().await.expect("the simulator reads its orders").pop().expect("a pending order");
    assert!(!qr.contains(&order.qr_start_secret), "the QR secret never leaves the server");

    // a reload (same cookie) continues the same order; BankID is asked at most every two
    // seconds (its RP guidelines), the app every second: in between, the last answer again
    sim.set_hint(&order.order_ref, "userSign").await.expect("the simulator knows the order");
    let soon = body_json(call(&app, "GET", "/api/v1/auth/bankid", Some(&login), None).await).await;
    assert_eq!(soon["hintCode"], "outstandingTransaction", "not asked again within two seconds");
    tokio::time::sleep(ingang_server::bankid::COLLECT_INTERVAL).await;
    let again = body_json(call(&app, "GET", "/api/v1/auth/bankid", Some(&login), None).await).await;
    assert_eq!(again["hintCode"], "userSign");

    sim.complete(&order.order_ref, anna(), ingang_server::system_millis())
        .await
        .expect("the simulator knows the order");
    tokio::time::sleep(ingang_server::bankid::COLLECT_INTERVAL).await;
    let res = call(&app, "GET", "/api/v1/auth/bankid", Some(&login), None).await;
    let (session, line) = set_cookie(&res, "__Host-ingang-session").expect("session cookie");
    assert!(line.contains("HttpOnly") && line.contains("Secure") && line.contains("SameSite=Lax"));
    assert!(set_cookie(&res, "__Host-ingang-login").is_some_and(|(v, l)| v.is_empty() && l.contains("Max-Age=0")));
    let done = body_json(res).await;
    assert_eq!(done["status"], "complete");
    assert_eq!(done["user"]["personalNumber"], "19800113-9297");
    let session = format!("__Host-ingang-session={session}");

    let info = body_json(call(&app, "GET", "/api/v1/session", Some(&session), None).await).await;
    assert_eq!(info["user"]["givenName"], "Anna");
    assert_eq!(info["idleTimeoutSeconds"], 900);
    assert_eq!(call(&app, "POST", "/api/v1/session/keepalive", Some(&session), None).await.status(), 204);

    let res = call(&app, "POST", "/api/v1/auth/logout", Some(&session), None).await;
    assert_eq!(res.status(), 204);
    assert!(set_cookie(&res, "__Host-ingang-session").is_some_and(|(v, _)| v.is_empty()));
    // the old cookie is worthless now
    assert_eq!(call(&app, "GET", "/api/v1/session", Some(&session), None).await.status(), 204);
    assert_eq!(call(&app, "POST", "/api/v1/session/keepalive", Some(&session), None).await.status(), 401);
}

#[tokio::test]
async fn same_device_login_gets_an_autostart_token_and_no_qr() {
    let (app, _) = demo_app().await;
    let (login, started) = start(&app, true).await;
    assert!(started["autoStartToken"].as_str().is_some_and(|t| t.len() == 36));
    let status = body_json(call(&app, "GET", "/api/v1/auth/bankid", Some(&login), None).await).await;
    assert!(status.get("qr").is_none());
}

#[tokio::test]
async fn failures_cancel_and_missing_logins() {
    let (app, state) = demo_app().await;
    let sim = state.bankid_sim.clone().unwrap();
    let (login, _) = start(&app, false).await;
    let order = sim.pending().await.expect("the simulator reads its orders").pop().expect("a pending order");
    sim.fail(&order.order_ref, "certificateErr").await.expect("the simulator knows the order");
    let res = call(&app, "GET", "/api/v1/auth/bankid", Some(&login), None).await;
    let failed = body_json(res).await;
    assert_eq!((failed["status"].as_str(), failed["hintCode"].as_str()), (Some("failed"), Some("certificateErr")));
    assert_eq!(call(&app, "GET", "/api/v1/auth/bankid", Some(&login), None).await.status(), 204);

    let (login, _) = start(&app, false).await;
    assert_eq!(call(&app, "DELETE", "/api/v1/auth/bankid", Some(&login), None).await.status(), 204);
    assert!(sim.pending().await.expect("the simulator reads its orders").is_empty(), "cancelled at BankID too");
    assert_eq!(call(&app, "GET", "/api/v1/auth/bankid", None, None).await.status(), 204);
    assert_eq!(call(&app, "GET", "/api/v1/session", None, None).await.status(), 204);
}

#[tokio::test]
async fn state_changing_requests_need_the_csrf_header_and_our_origin() {
    let (app, _) = demo_app().await;
    let post = |headers: &[(&str, &str)]| {
        let mut req = Request::post("/api/v1/auth/bankid")
            .header("content-type", "application/json")
            .header("host", "ingang.test");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.body(Body::from(r#"{"sameDevice":false}"#)).unwrap()
    };
    let res = send(&app, post(&[])).await;
    assert_eq!(res.status(), 403);
    assert_eq!(body_json(res).await["code"], "csrf");
    let res = send(&app, post(&[("x-ingang-csrf", "1"), ("origin", "https://evil.example")])).await;
    assert_eq!(res.status(), 403);
    let res = send(&app, post(&[("x-ingang-csrf", "1"), ("origin", "https://ingang.test")])).await;
    assert_eq!(res.status(), 200);
    // reads need no header
    assert_eq!(get(&app, "/api/v1/health").await.status(), 200);
}

#[tokio::test]
async fn sessions_end_after_inactivity_and_absolute_lifetime() {
    let (app, state) = demo_app().await;
    let sim = state.bankid_sim.clone().unwrap();
    let (login, _) = start(&app, false).await;
    sign_newest(&sim, anna()).await;
    let res = call(&app, "GET", "/api/v1/auth/bankid", Some(&login), None).await;
    let session = format!("__Host-ingang-session={}", set_cookie(&res, "__Host-ingang-session").unwrap().0);
    assert_eq!(call(&app, "GET", "/api/v1/session", Some(&session), None).await.status(), 200);
    // 10 minutes idle: 5 left; reading the session is not activity, a keepalive is
    state
        .db
        .store(|c| c.execute("UPDATE sessions SET last_seen = last_seen - 600", ingang_server::params![]))
        .await
        .unwrap();
    let left = |info: serde_json::Value| info["idleSecondsLeft"].as_u64().unwrap();
    let info = body_json(call(&app, "GET", "/api/v1/session", Some(&session), None).await).await;
    assert!((299..=300).contains(&left(info)));
    let info = body_json(call(&app, "GET", "/api/v1/session", Some(&session), None).await).await;
    assert!((299..=300).contains(&left(info)), "reading is not activity");
    assert_eq!(call(&app, "POST", "/api/v1/session/keepalive", Some(&session), None).await.status(), 204);
    let info = body_json(call(&app, "GET", "/api/v1/session", Some(&session), None).await).await;
    assert!((899..=900).contains(&left(info)), "a keepalive starts the 15 minutes again");
    // 16 minutes without activity
    state
        .db
        .store(|c| c.execute("UPDATE sessions SET last_seen = last_seen - 960", ingang_server::params![]))
        .await
        .unwrap();
    assert_eq!(call(&app, "GET", "/api/v1/session", Some(&session), None).await.status(), 204);
    assert_eq!(
        call(&app, "POST", "/api/v1/session/keepalive", Some(&session), None).await.status(),
        401,
        "revoked for good"
    );
}

/// One clock: a session's limits are read on the server's clock, the clock of every other
/// rule (check-in windows, queue estimates). Fixed 14 minutes on, the session lives (and the
/// keepalive starts its 15 minutes from then); 30 minutes on it has ended.
#[tokio::test]
async fn a_sessions_limits_are_read_on_the_servers_clock() {
    let (app, state) = demo_app().await;
    let session = login(&app, &state, "198001139297").await;
    let now = state.clock.now();
    state.clock.set(Some(now + 14 * 60));
    let info = body_json(call(&app, "GET", "/api/v1/session", Some(&session), None).await).await;
    assert_eq!(info["idleSecondsLeft"], 60);
    assert_eq!(call(&app, "POST", "/api/v1/session/keepalive", Some(&session), None).await.status(), 204);
    state.clock.set(Some(now + 28 * 60));
    let info = body_json(call(&app, "GET", "/api/v1/session", Some(&session), None).await).await;
    assert_eq!(info["idleSecondsLeft"], 60);
    state.clock.set(Some(now + 30 * 60));
    assert_eq!(call(&app, "POST", "/api/v1/session/keepalive", Some(&session), None).await.status(), 401);
}

#[tokio::test]
async fn without_demo_mode_there_is_no_bankid() {
    let db = Db::open_for_test(module_path!()).expect("db");
    let app = app(AppState::new(db, false), &Config::default());
    let res = call(&app, "POST", "/api/v1/auth/bankid", None, Some(r#"{"sameDevice":true}"#)).await;
    assert_eq!(res.status(), 503);
}

#[tokio::test]
async fn the_test_bankid_page_plays_the_users_app() {
    let (app, _) = demo_app().await;
    let (login, _) = start(&app, false).await;
    let res = get(&app, "/test-bankid").await;
    assert_eq!(res.status(), 200);
    assert!(header(&res, "content-security-policy").contains("default-src 'self'"));
    let html = String::from_utf8(body_bytes(res).await).unwrap();
    let order_ref = html.split("data-order-ref=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let form = |body: String| {
        Request::post("/test-bankid")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap()
    };
    let res = send(&app, form(format!("order_ref={order_ref}&action=hint&hint=userSign"))).await;
    assert_eq!(res.status(), 303);
    let status = body_json(call(&app, "GET", "/api/v1/auth/bankid", Some(&login), None).await).await;
    assert_eq!(status["hintCode"], "userSign");
    let res = send(&app, form(format!("order_ref={order_ref}&action=identify&identity=192406017893"))).await;
    assert_eq!(res.status(), 303);
    tokio::time::sleep(ingang_server::bankid::COLLECT_INTERVAL).await;
    let done = body_json(call(&app, "GET", "/api/v1/auth/bankid", Some(&login), None).await).await;
    assert_eq!(done["status"], "complete");
    assert_eq!(done["user"]["name"], "Margit Nilsson");
    assert!(!String::from_utf8(body_bytes(get(&app, "/test-bankid").await).await).unwrap().contains(&order_ref));
    let res = send(&app, form(format!("order_ref={order_ref}&action=identify&identity=000000000000"))).await;
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn the_test_bankid_page_does_not_exist_outside_demo_mode() {
    let db = Db::open_for_test(module_path!()).expect("db");
    let app = app(AppState::new(db, false), &Config::default());
    assert_eq!(get(&app, "/test-bankid").await.status(), 404);
}

#[tokio::test]
async fn starting_logins_and_kiosk_check_ins_is_limited_with_retry_after() {
    use ingang_server::rate_limit::{Forwarding, Limits, Rates};
    let db = Db::open_for_test(module_path!()).unwrap();
    db.store(demo::seed).await.unwrap();
    let mut state = AppState::new(db, true);
    state.limits = Limits::new(Rates { per_client_per_minute: 3, server_per_second: 100 }, Forwarding::Ignore);
    let app = app(state, &Config { demo: true, ..Config::default() });
    for _ in 0..3 {
        start(&app, false).await; // 200 each
    }
    let res = call(&app, "POST", "/api/v1/auth/bankid", None, Some(r#"{"sameDevice":false}"#)).await;
    assert_eq!(res.status(), 429);
    let wait: u64 = header(&res, "retry-after").parse().unwrap();
    assert!((15..=20).contains(&wait), "{wait}");
    let body = body_json(res).await;
    assert_eq!(body["code"], "rate_limited");
    assert!(body["message"].as_str().unwrap().starts_with("För många försök just nu."));
    // the kiosk has its own count; what is not a start is not counted
    let kiosk = r#"{"unitId":"hc-gibraltar","personalNumber":"197905041237"}"#;
    assert_eq!(call(&app, "POST", "/api/v1/kiosk/check-ins", None, Some(kiosk)).await.status(), 201);
    assert_eq!(call(&app, "GET", "/api/v1/auth/bankid", None, None).await.status(), 204);
}

/// Two server processes on one database (each with its own memory): a client whose starts
/// the load balancer spreads over both still gets the configured rate, not twice it.
#[tokio::test]
async fn the_start_limit_holds_across_processes_on_one_database() {
    use ingang_server::rate_limit::{Forwarding, Limits, Rates};
    let db = Db::open_for_test(module_path!()).unwrap();
    db.store(demo::seed).await.unwrap();
    let process = || {
        let mut state = AppState::new(db.clone(), true);
        state.limits = Limits::new(Rates { per_client_per_minute: 3, server_per_second: 100 }, Forwarding::Ignore);
        app(state, &Config { demo: true, ..Config::default() })
    };
    let (one, two) = (process(), process());
    start(&one, false).await;
    start(&two, false).await;
    start(&one, false).await;
    // each process has seen at most two starts of this client, the database three
    let res = call(&two, "POST", "/api/v1/auth/bankid", None, Some(r#"{"sameDevice":false}"#)).await;
    assert_eq!(res.status(), 429);
    let wait: u64 = header(&res, "retry-after").parse().unwrap();
    assert!((15..=20).contains(&wait), "{wait}");
    assert_eq!(call(&one, "POST", "/api/v1/auth/bankid", None, Some(r#"{"sameDevice":false}"#)).await.status(), 429);
}

/// BankID's `endUserIp` is the user's address as the server sees it (RP API v6), for a
/// login and for a kiosk check-in alike: never a placeholder.
#[tokio::test]
async fn a_bankid_order_carries_the_users_address() {
    let (app, state) = demo_app().await;
    let sim = state.bankid_sim.clone().unwrap();
    let start_from = |peer: &str| {
        let mut req = Request::post("/api/v1/auth/bankid")
            .header("x-ingang-csrf", "1")
            .header("content-type", "application/json")
            .body(Body::from(r#"{"sameDevice":true}"#))
            .unwrap();
        req.extensions_mut().insert(axum::extract::ConnectInfo(peer.parse::<std::net::SocketAddr>().unwrap()));
        send(&app, req)
    };
    assert_eq!(start_from("203.0.113.7:50123").await.status(), 200);
    let order = sim.pending().await.expect("the simulator reads its orders").pop().expect("a pending order");
    assert_eq!(order.end_user_ip, "203.0.113.7");
    // an IPv6 client
    assert_eq!(start_from("[2001:db8::42]:443").await.status(), 200);
    let ips: Vec<String> =
        sim.pending().await.expect("the simulator reads its orders").into_iter().map(|o| o.end_user_ip).collect();
    assert!(ips.contains(&"2001:db8::42".to_owned()), "{ips:?}");
}

/// On the same device BankID returns the user to the app by the order's `returnUrl` (RP API
/// v6.0): only to a page of the app itself, never elsewhere, and never for another device.
#[tokio::test]
async fn bankid_returns_the_user_to_the_app_and_nowhere_else() {
    let (app, state) = demo_app().await;
    let sim = state.bankid_sim.clone().unwrap();
    let origin = state.base_url();
    let start = |body: String| {
        let app = app.clone();
        async move { call(&app, "POST", "/api/v1/auth/bankid", None, Some(&body)).await }
    };
    let back = format!("{origin}/logga-in?next=%2Farenden");
    let res = start(format!(r#"{{"sameDevice":true,"returnUrl":"{back}"}}"#)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(body_json(res).await["returnUrlAccepted"], true);
    // the order each start added (orders started in one millisecond have no order of their own)
    let seen = std::sync::Mutex::new(std::collections::HashSet::new());
    let newest = || async {
        let fresh: Vec<_> = sim
            .pending()
            .await
            .expect("the simulator reads its orders")
            .into_iter()
            .filter(|o| !seen.lock().expect("the test's set").contains(&o.order_ref))
            .collect();
        assert_eq!(fresh.len(), 1, "one new order");
        seen.lock().expect("the test's set").insert(fresh[0].order_ref.clone());
        fresh[0].return_url.clone()
    };
    assert_eq!(newest().await.as_deref(), Some(back.as_str()));
    // a home-screen app leaves it out: BankID is told nothing (the user switches back)
    assert_eq!(start(r#"{"sameDevice":true}"#.into()).await.status(), 200);
    assert_eq!(newest().await, None);
    // another device: no return at all, whatever the app sends
    assert_eq!(start(format!(r#"{{"sameDevice":false,"returnUrl":"{back}"}}"#)).await.status(), 200);
    assert_eq!(newest().await, None);
    // another site is never passed on to BankID: the order has no return, and the app is told
    for bad in ["https://evil.example/logga-in", "javascript:alert(1)", &format!("{origin}.evil.example/")] {
        let res = start(format!(r#"{{"sameDevice":true,"returnUrl":"{bad}"}}"#)).await;
        assert_eq!(res.status(), 200, "{bad}");
        assert_eq!(body_json(res).await.get("returnUrlAccepted"), None, "{bad}");
        assert_eq!(newest().await, None, "{bad}");
    }
}

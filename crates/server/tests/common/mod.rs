//! Helpers shared by the server's integration tests.
#![allow(dead_code)]

use axum::{
    Router,
    body::Body,
    http::{Request, Response},
};
use http_body_util::BodyExt;
use ingang_server::{AppState, Config, app, db::Db, demo};
use tower::ServiceExt;

/// The whole app on an in-memory database with demo data; `static_dir` optional.
pub async fn test_app(static_dir: Option<std::path::PathBuf>) -> Router {
    let db = Db::open_for_test(module_path!()).expect("db");
    db.store(demo::seed).await.expect("seed");
    let config = Config { static_dir, demo: true, ..Config::default() };
    app(AppState::new(db, true), &config)
}

/// The demo app and its state (for the BankID simulator's hooks).
pub async fn demo_app() -> (Router, AppState) {
    let db = Db::open_for_test(module_path!()).expect("db");
    db.store(demo::seed).await.expect("seed");
    let state = AppState::new(db, true);
    (app(state.clone(), &Config { demo: true, ..Config::default() }), state)
}

pub async fn send(app: &Router, req: Request<Body>) -> Response<Body> {
    app.clone().oneshot(req).await.expect("infallible")
}

pub async fn get(app: &Router, uri: &str) -> Response<Body> {
    send(app, Request::get(uri).body(Body::empty()).expect("request")).await
}

pub async fn body_bytes(res: Response<Body>) -> Vec<u8> {
    res.into_body().collect().await.expect("body").to_bytes().to_vec()
}

pub async fn body_json(res: Response<Body>) -> serde_json::Value {
    serde_json::from_slice(&body_bytes(res).await).expect("json body")
}

pub fn header<'a>(res: &'a Response<Body>, name: &str) -> &'a str {
    res.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

/// Signs the simulated BankID's newest pending order as `user`, now.
pub async fn sign_newest(sim: &ingang_server::bankid::SimulatedBankId, user: ingang_server::bankid::User) {
    let order = sim.pending().await.expect("the simulator reads its orders").pop().expect("a pending order");
    sim.complete(&order.order_ref, user, ingang_server::system_millis()).await.expect("the simulator knows the order");
}

/// Logs in through the simulated BankID as the demo identity `pnr`; returns the session cookie.
pub async fn login(app: &Router, state: &AppState, pnr: &str) -> String {
    let sim = state.bankid_sim.clone().unwrap();
    let before: Vec<String> =
        sim.pending().await.expect("the simulator reads its orders").into_iter().map(|o| o.order_ref).collect();
    let req = Request::post("/api/v1/auth/bankid")
        .header("x-ingang-csrf", "1")
        .header("content-type", "application/json")
        .body(Body::from(r#"{"sameDevice":false}"#))
        .unwrap();
    let res = send(app, req).await;
    let login = res.headers().get("set-cookie").unwrap().to_str().unwrap().split(';').next().unwrap().to_owned();
    // the order this login started (another may be pending in the test)
    let order = sim
        .pending()
        .await
        .expect("the simulator reads its orders")
        .into_iter()
        .find(|o| !before.contains(&o.order_ref))
        .expect("the order this login started");
    let user = demo::identity(pnr).expect("a demo identity");
    sim.complete(&order.order_ref, user, ingang_server::system_millis()).await.expect("the simulator knows the order");
    let res =
        send(app, Request::get("/api/v1/auth/bankid").header("cookie", &login).body(Body::empty()).unwrap()).await;
    res.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .find(|c| c.starts_with("__Host-ingang-session="))
        .unwrap()
}

/// A JSON API call as the app makes it (CSRF header, same-origin `Origin`). `auth` is a session
/// cookie, `Bearer <token>` (a kiosk check-in), or empty; `key` an `Idempotency-Key`.
pub async fn call(
    app: &Router,
    method: &str,
    uri: &str,
    auth: &str,
    key: Option<&str>,
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header("x-ingang-csrf", "1")
        .header("host", "app.test")
        .header("origin", "http://app.test");
    if let Some(token) = auth.strip_prefix("Bearer ") {
        req = req.header("authorization", format!("Bearer {token}"));
    } else if !auth.is_empty() {
        req = req.header("cookie", auth);
    }
    if body.is_some() {
        req = req.header("content-type", "application/json");
    }
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    let res = send(app, req.body(Body::from(body.map(|b| b.to_string()).unwrap_or_default())).unwrap()).await;
    let status = res.status().as_u16();
    let bytes = body_bytes(res).await;
    (status, serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null))
}

/// Tomorrow at `hhmm` Stockholm time, Unix seconds: for tests whose outcome depends on the
/// time of day (staffed hours, check-in windows), so they pass at any hour.
pub fn stockholm_tomorrow_at(hhmm: &str) -> i64 {
    use ingang_api::visits::{stockholm_offset, stockholm_to_unix};
    let now = ingang_server::system_millis() / 1000;
    let today = (now + stockholm_offset(now)).div_euclid(86_400);
    stockholm_to_unix(today + 1, u32::from(ingang_api::hours::minutes(hhmm).expect("HH:MM")))
}

/// `PUT`s raw bytes (an upload) with the session and the CSRF header; the status and the JSON
/// answer.
pub async fn put_bytes(
    app: &Router,
    uri: &str,
    cookie: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> (u16, serde_json::Value) {
    let req = Request::put(uri)
        .header("x-ingang-csrf", "1")
        .header("cookie", cookie)
        .header("content-type", content_type)
        .body(Body::from(bytes))
        .unwrap();
    let res = send(app, req).await;
    let status = res.status().as_u16();
    (status, serde_json::from_slice(&body_bytes(res).await).unwrap_or(serde_json::Value::Null))
}

/// The id of the signed-in user's person (themself or a child) by given name.
pub async fn person_id(app: &Router, cookie: &str, given: &str) -> String {
    let (_, people) = call(app, "GET", "/api/v1/me/people", cookie, None, None).await;
    people["people"].as_array().unwrap().iter().find(|p| p["givenName"] == given).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A staff session in the console (demo nurse Lena, who works at every unit).
pub async fn staff_cookie(app: &Router) -> String {
    staff_cookie_as(app, "lena").await
}

/// A staff session for a demo staff member: `sara` works only at Ungdomsmottagningen Luleå.
pub async fn staff_cookie_as(app: &Router, who: &str) -> String {
    let req = Request::post("/staff/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(format!("staff={who}")))
        .unwrap();
    let res = send(app, req).await;
    res.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned()
}

/// A console form post from the console itself (same origin), as the staff member `cookie`;
/// the status.
pub async fn staff_post(app: &Router, cookie: &str, uri: &str, form: &str) -> u16 {
    let req = Request::post(uri)
        .header("cookie", cookie)
        .header("sec-fetch-site", "same-origin")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(form.to_owned()))
        .unwrap();
    send(app, req).await.status().as_u16()
}

/// A console page's HTML.
pub async fn html(app: &Router, cookie: &str, uri: &str) -> String {
    let req = Request::get(uri).header("cookie", cookie).body(Body::empty()).unwrap();
    String::from_utf8(body_bytes(send(app, req).await).await).unwrap()
}

/// Saves a mobile number with SMS notices on, as a resident does under Inställningar.
pub async fn allow_sms(app: &Router, cookie: &str) {
    let body = serde_json::json!({ "mobile": "070-123 45 67", "notifications": { "sms": true, "email": false, "push": false } });
    let (status, _) = call(app, "PUT", "/api/v1/me/contact", cookie, None, Some(body)).await;
    assert_eq!(status, 200);
}

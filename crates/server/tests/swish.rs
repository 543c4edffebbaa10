//! The real Swish client against a stand-in Swish started here: HTTPS with mutual TLS, a CA for
//! Swish's server and one for merchants, both made at test time. A payment request is made at
//! Swish with our own id and settled by what Swish says (never by what a callback claims); a new
//! attempt cancels the old request at Swish; a late PAID is reconciled, a second payment paid
//! back; a refusal ends the payment with Swish's code; only our certificate gets through, and
//! only Swish's pinned CA is trusted.

mod common;
mod tls;

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use axum::{
    Json, Router,
    body::Body,
    extract::{Path, State},
    http::{HeaderMap, Request, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, put},
};
use common::*;
use ingang_server::{
    AppState, Config, app,
    db::Db,
    demo,
    swish::{SwishApi, SwishClient, SwishConfig, SwishError, poll},
};
use serde_json::{Value, json};

const ERIK: &str = "197905041237";
const NUMBER: &str = "1234679304";

/// The stand-in's books: each request and refund as Swish would answer for it, and every call.
#[derive(Default)]
struct Books {
    requests: HashMap<String, Value>,
    refunds: HashMap<String, Value>,
    calls: Vec<(String, String, Value)>,
    /// An error code to refuse the next payment request with.
    refuse_next: Option<String>,
}

type Shared = Arc<Mutex<Books>>;

struct Swish {
    url: String,
    books: Shared,
    server_ca: tls::Ca,
    merchant_ca: tls::Ca,
}

impl Swish {
    /// The payer does something in the Swish app: the request's status at Swish.
    fn set(&self, instruction: &str, status: &str) {
        let mut books = self.books.lock().unwrap();
        let r = books.requests.get_mut(instruction).expect("a request at Swish");
        r["status"] = status.into();
        if status == "PAID" {
            r["paymentReference"] = format!("REF{}", &instruction[..8]).into();
            r["datePaid"] = "2026-12-06T10:00:00.000Z".into();
        }
    }

    fn calls(&self, method: &str) -> Vec<(String, Value)> {
        let books = self.books.lock().unwrap();
        books.calls.iter().filter(|(m, _, _)| m == method).map(|(_, p, b)| (p.clone(), b.clone())).collect()
    }

    /// A client with a merchant certificate from `merchant_ca`, trusting `server_ca`.
    fn client(&self, merchant_ca: &tls::Ca, server_ca: &tls::Ca) -> (SwishClient, [tempfile::NamedTempFile; 2]) {
        let identity = merchant_ca.identity(NUMBER);
        let ca = server_ca.pem_file();
        let config = SwishConfig {
            url: self.url.clone(),
            identity_pem: identity.path().to_owned(),
            ca_pem: ca.path().to_owned(),
            payee_alias: NUMBER.into(),
            callback_url: "https://ingang.example/swish/callback".into(),
        };
        (SwishClient::new(config).expect("a client"), [identity, ca])
    }
}

async fn swish() -> Swish {
    let (server_ca, merchant_ca) = (tls::Ca::new("Swish test server CA"), tls::Ca::new("Swish test merchant CA"));
    let books: Shared = Arc::default();
    async fn create(State(b): State<Shared>, Path(id): Path<String>, Json(body): Json<Value>) -> Response {
        let mut books = b.lock().unwrap();
        books.calls.push(("PUT".into(), format!("paymentrequests/{id}"), body.clone()));
        if let Some(code) = books.refuse_next.take() {
            return (StatusCode::UNPROCESSABLE_ENTITY, Json(json!([{ "errorCode": code, "errorMessage": "x" }])))
                .into_response();
        }
        let amount: f64 = body["amount"].as_str().unwrap().parse().unwrap();
        let request = json!({
            "id": id, "payeePaymentReference": body["payeePaymentReference"], "paymentReference": null,
            "callbackUrl": body["callbackUrl"], "payerAlias": null, "payeeAlias": body["payeeAlias"],
            "amount": amount, "currency": body["currency"], "message": body["message"], "status": "CREATED",
            "dateCreated": "2026-12-06T09:59:00.000Z", "datePaid": null, "errorCode": null, "errorMessage": null
        });
        books.requests.entry(id.clone()).or_insert(request);
        let mut headers = HeaderMap::new();
        headers.insert("location", format!("/api/v1/paymentrequests/{id}").parse().unwrap());
        headers.insert("paymentrequesttoken", format!("tok{}", &id[..12]).parse().unwrap());
        (StatusCode::CREATED, headers).into_response()
    }
    async fn status(State(b): State<Shared>, Path(id): Path<String>) -> Response {
        match b.lock().unwrap().requests.get(&id) {
            Some(r) => Json(r.clone()).into_response(),
            None => {
                (StatusCode::NOT_FOUND, Json(json!([{ "errorCode": "RP04", "errorMessage": "x" }]))).into_response()
            }
        }
    }
    async fn cancel(State(b): State<Shared>, Path(id): Path<String>, body: String) -> Response {
        let mut books = b.lock().unwrap();
        books.calls.push(("PATCH".into(), format!("paymentrequests/{id}"), serde_json::from_str(&body).unwrap()));
        let Some(r) = books.requests.get_mut(&id) else { return StatusCode::NOT_FOUND.into_response() };
        if r["status"] != "CREATED" {
            // too late: the payer has paid (or it ended)
            return (StatusCode::UNPROCESSABLE_ENTITY, Json(json!([{ "errorCode": "RP07", "errorMessage": "x" }])))
                .into_response();
        }
        r["status"] = "CANCELLED".into();
        Json(r.clone()).into_response()
    }
    async fn refund(State(b): State<Shared>, Path(id): Path<String>, Json(body): Json<Value>) -> Response {
        let mut books = b.lock().unwrap();
        books.calls.push(("PUT".into(), format!("refunds/{id}"), body.clone()));
        books.refunds.insert(id.clone(), json!({ "id": id, "status": "DEBITED", "amount": body["amount"] }));
        StatusCode::CREATED.into_response()
    }
    async fn refund_status(State(b): State<Shared>, Path(id): Path<String>) -> Response {
        match b.lock().unwrap().refunds.get(&id) {
            Some(r) => Json(r.clone()).into_response(),
            None => StatusCode::NOT_FOUND.into_response(),
        }
    }
    let app = Router::new()
        .route("/swish-cpcapi/api/v2/paymentrequests/{id}", put(create))
        .route("/swish-cpcapi/api/v1/paymentrequests/{id}", get(status).patch(cancel))
        .route("/swish-cpcapi/api/v2/refunds/{id}", put(refund))
        .route("/swish-cpcapi/api/v1/refunds/{id}", get(refund_status))
        .with_state(books.clone());
    let port = tls::serve(app, &server_ca, Some(&merchant_ca)).await;
    Swish { url: format!("https://localhost:{port}/swish-cpcapi"), books, server_ca, merchant_ca }
}

/// The demo app with the real Swish client (to the stand-in), and Erik checked in for a visit.
async fn erik_checked_in(s: &Swish) -> (Router, AppState, String, String, [tempfile::NamedTempFile; 2]) {
    let db = Db::open_for_test(module_path!()).expect("db");
    db.store(demo::seed).await.expect("seed");
    let mut state = AppState::new(db, true);
    let (client, files) = s.client(&s.merchant_ca, &s.server_ca);
    state.swish = Some(Arc::new(client));
    let app = app(state.clone(), &Config { demo: true, ..Config::default() });
    let erik = login(&app, &state, ERIK).await;
    state.clock.set(Some(state.clock.now()));
    let (status, visit) = call(
        &app,
        "POST",
        "/test/visits",
        "",
        None,
        Some(json!({ "personalNumber": ERIK, "unitId": "hc-gibraltar", "startsInMinutes": 10 })),
    )
    .await;
    assert_eq!(status, 201, "{visit}");
    let id = visit["id"].as_str().unwrap().to_owned();
    assert_eq!(call(&app, "POST", &format!("/api/v1/visits/{id}/check-in"), &erik, None, None).await.0, 200);
    (app, state, erik, id, files)
}

async fn instruction(state: &AppState, payment: &str) -> String {
    let p = payment.to_owned();
    state
        .db
        .store(move |conn| {
            conn.query_row("SELECT swish_instruction FROM payments WHERE id = ?1", [p], |r| r.get("swish_instruction"))
        })
        .await
        .unwrap()
}

async fn callback(app: &Router, body: Value) -> u16 {
    let req = Request::post("/swish/callback")
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    send(app, req).await.status().as_u16()
}

#[tokio::test]
async fn a_swish_payment_is_requested_at_swish_and_settled_only_by_what_swish_says() {
    let s = swish().await;
    let (app, state, erik, visit, _files) = erik_checked_in(&s).await;
    let pay = format!("/api/v1/visits/{visit}/payments");
    let (status, p) = call(&app, "POST", &pay, &erik, Some("sw-1"), Some(json!({ "method": "swish" }))).await;
    assert_eq!(status, 201, "{p}");
    let pid = p["id"].as_str().unwrap().to_owned();
    let id = instruction(&state, &pid).await;
    assert_eq!(id.len(), 32);
    // the request Swish got: ours, in kronor with öre, to our callback
    let (path, body) = s.calls("PUT").pop().unwrap();
    assert_eq!(path, format!("paymentrequests/{id}"));
    assert_eq!(body["payeeAlias"], NUMBER);
    assert_eq!(body["currency"], "SEK");
    assert_eq!(body["amount"], format!("{}.00", p["total"]));
    assert_eq!(body["callbackUrl"], "https://ingang.example/swish/callback");
    // the app opens Swish with Swish's own token
    let token = format!("tok{}", &id[..12]);
    assert_eq!(p["swish"]["token"], token);
    assert_eq!(p["swish"]["qrContent"], format!("D{token}"));
    assert!(p["swish"]["appUrl"].as_str().unwrap().starts_with(&format!("swish://paymentrequest?token={token}")));

    // a callback that claims PAID changes nothing while Swish says CREATED
    assert_eq!(callback(&app, json!({ "id": id, "status": "PAID", "amount": p["total"] })).await, 200);
    let (_, now) = call(&app, "GET", &format!("/api/v1/payments/{pid}"), &erik, None, None).await;
    assert_eq!(now["status"], "CREATED", "a callback is not believed: {now}");
    // the payer pays; Swish's callback; the payment is paid once
    s.set(&id, "PAID");
    assert_eq!(callback(&app, json!({ "id": id, "status": "PAID" })).await, 200);
    assert_eq!(callback(&app, json!({ "id": id, "status": "PAID" })).await, 200, "repeated");
    let (_, paid) = call(&app, "GET", &format!("/api/v1/payments/{pid}"), &erik, None, None).await;
    assert_eq!(paid["status"], "PAID", "{paid}");
    let (_, receipt) = call(&app, "GET", &format!("/api/v1/payments/{pid}/receipt"), &erik, None, None).await;
    assert_eq!((receipt["number"].as_str().is_some(), receipt["status"].as_str()), (true, Some("PAID")), "{receipt}");
    // a callback for a request that is not ours, or is not one
    assert_eq!(callback(&app, json!({ "id": "0123456789ABCDEF0123456789ABCDEF", "status": "PAID" })).await, 200);
    assert_eq!(callback(&app, json!({ "status": "PAID" })).await, 400);
}

#[tokio::test]
async fn a_new_attempt_cancels_the_old_request_at_swish_and_a_late_paid_is_reconciled_and_the_second_paid_back() {
    let s = swish().await;
    let (app, state, erik, visit, _files) = erik_checked_in(&s).await;
    let pay = format!("/api/v1/visits/{visit}/payments");
    let (_, a) = call(&app, "POST", &pay, &erik, Some("a"), Some(json!({ "method": "swish" }))).await;
    let (_, b) = call(&app, "POST", &pay, &erik, Some("b"), Some(json!({ "method": "swish" }))).await;
    let ia = instruction(&state, a["id"].as_str().unwrap()).await;
    assert_eq!(b["status"], "CREATED");
    // the second attempt cancelled the first at Swish, not only here
    let patches = s.calls("PATCH");
    assert_eq!(patches.len(), 1);
    assert_eq!(patches[0].0, format!("paymentrequests/{ia}"));
    assert_eq!(patches[0].1, json!([{ "op": "replace", "path": "/status", "value": "cancelled" }]));
    assert_eq!(s.books.lock().unwrap().requests[&ia]["status"], "CANCELLED");

    // another pair: the payer pays the first request before the cancel reaches Swish (it is
    // refused there), then pays the second too; no callback arrives for either
    let (_, c) = call(&app, "POST", &pay, &erik, Some("c"), Some(json!({ "method": "swish" }))).await;
    let ic = instruction(&state, c["id"].as_str().unwrap()).await;
    s.set(&ic, "PAID");
    let (_, d) = call(&app, "POST", &pay, &erik, Some("d"), Some(json!({ "method": "swish" }))).await;
    let id = instruction(&state, d["id"].as_str().unwrap()).await;
    s.set(&id, "PAID");
    // the server asks Swish itself: the first paid the visit, the second is paid back
    let later = state.clock.now() + 60;
    poll(&state.db, state.swish.as_ref().unwrap().as_ref(), later).await.unwrap();
    let (_, v) = call(&app, "GET", &format!("/api/v1/visits/{visit}"), &erik, None, None).await;
    assert_eq!(v["payment"]["id"], c["id"], "the late PAID settled the visit: {v}");
    assert_eq!(v["payment"]["status"], "PAID");
    let refunds = s.calls("PUT").into_iter().filter(|(p, _)| p.starts_with("refunds/")).collect::<Vec<_>>();
    assert_eq!(refunds.len(), 1, "one refund");
    assert_eq!(refunds[0].1["originalPaymentReference"], format!("REF{}", &id[..8]));
    assert_eq!(refunds[0].1["amount"], format!("{}.00", d["total"]));
    assert_eq!(refunds[0].1["payerAlias"], NUMBER);
    // Swish pays it back; the server follows it to the end, and asks for it only once
    let refund_id = refunds[0].0.trim_start_matches("refunds/").to_owned();
    s.books.lock().unwrap().refunds.get_mut(&refund_id).unwrap()["status"] = "PAID".into();
    poll(&state.db, state.swish.as_ref().unwrap().as_ref(), later + 10).await.unwrap();
    poll(&state.db, state.swish.as_ref().unwrap().as_ref(), later + 20).await.unwrap();
    let did = d["id"].as_str().unwrap().to_owned();
    let (refund, status): (Option<String>, Option<String>) = state
        .db
        .store(move |conn| {
            conn.query_row("SELECT refund, refund_status FROM payments WHERE id = ?1", [did], |r| {
                Ok((r.get("refund")?, r.get("refund_status")?))
            })
        })
        .await
        .unwrap();
    assert_eq!((refund.as_deref(), status.as_deref()), (Some("due"), Some("refunded")));
    assert_eq!(s.calls("PUT").iter().filter(|(p, _)| p.starts_with("refunds/")).count(), 1);
}

#[tokio::test]
async fn callbacks_out_of_order_settle_by_swishs_word_not_by_their_order() {
    let s = swish().await;
    let (app, state, erik, visit, _files) = erik_checked_in(&s).await;
    let pay = format!("/api/v1/visits/{visit}/payments");
    let (_, a) = call(&app, "POST", &pay, &erik, Some("o1"), Some(json!({ "method": "swish" }))).await;
    let (_, b) = call(&app, "POST", &pay, &erik, Some("o2"), Some(json!({ "method": "swish" }))).await;
    let (ia, ib) =
        (instruction(&state, a["id"].as_str().unwrap()).await, instruction(&state, b["id"].as_str().unwrap()).await);
    s.set(&ib, "PAID");
    // the newer request's PAID arrives first, then the older one's CANCELLED, then PAID again
    assert_eq!(callback(&app, json!({ "id": ib, "status": "PAID" })).await, 200);
    assert_eq!(callback(&app, json!({ "id": ia, "status": "CANCELLED" })).await, 200);
    assert_eq!(callback(&app, json!({ "id": ib, "status": "PAID" })).await, 200);
    // a callback for the older one that claims PAID changes nothing: Swish says CANCELLED
    assert_eq!(callback(&app, json!({ "id": ia, "status": "PAID" })).await, 200);
    let (_, v) = call(&app, "GET", &format!("/api/v1/visits/{visit}"), &erik, None, None).await;
    assert_eq!((v["payment"]["id"].as_str(), v["payment"]["status"].as_str()), (b["id"].as_str(), Some("PAID")), "{v}");
    let (_, old) =
        call(&app, "GET", &format!("/api/v1/payments/{}", a["id"].as_str().unwrap()), &erik, None, None).await;
    assert_eq!(old["status"], "CANCELLED");
    assert!(s.calls("PUT").iter().all(|(p, _)| !p.starts_with("refunds/")), "nothing to pay back");
}

#[tokio::test]
async fn a_refusal_ends_the_payment_with_swishs_code() {
    let s = swish().await;
    let (app, _, erik, visit, _files) = erik_checked_in(&s).await;
    s.books.lock().unwrap().refuse_next = Some("RP06".into());
    let pay = format!("/api/v1/visits/{visit}/payments");
    let (status, p) = call(&app, "POST", &pay, &erik, Some("r-1"), Some(json!({ "method": "swish" }))).await;
    assert_eq!(status, 201);
    assert_eq!((p["status"].as_str(), p["errorCode"].as_str()), (Some("ERROR"), Some("RP06")), "{p}");
    assert!(p["swish"].is_null(), "nothing to open in the Swish app: {p}");
}

#[tokio::test]
async fn only_our_certificate_gets_through_and_only_swishs_pinned_ca_is_trusted() {
    let s = swish().await;
    let (good, _f1) = s.client(&s.merchant_ca, &s.server_ca);
    assert_eq!(good.create("0123456789ABCDEF0123456789ABCDEF", "ref", 100).await, Ok("tok0123456789AB".into()));
    assert_eq!(good.status("0123456789ABCDEF0123456789ABCDEF").await.map(|r| r.status), Ok("CREATED".into()));
    // a certificate from another CA: the handshake fails
    let stranger = tls::Ca::new("Someone else");
    let (wrong_cert, _f2) = s.client(&stranger, &s.server_ca);
    assert!(matches!(wrong_cert.status("0123456789ABCDEF0123456789ABCDEF").await, Err(SwishError::Unavailable(_))));
    // a server whose CA is not the pinned one is not trusted
    let (unpinned, _f3) = s.client(&s.merchant_ca, &stranger);
    assert!(matches!(unpinned.status("0123456789ABCDEF0123456789ABCDEF").await, Err(SwishError::Unavailable(_))));
    // no certificate at all
    let ca = reqwest::Certificate::from_pem(s.server_ca.cert.pem().as_bytes()).unwrap();
    let bare = reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(ca)
        .build()
        .unwrap();
    assert!(
        bare.get(format!("{}/api/v1/paymentrequests/0123456789ABCDEF0123456789ABCDEF", s.url)).send().await.is_err()
    );
    // the stand-in saw only the good client's calls
    assert_eq!(s.calls("PUT").len(), 1);
}

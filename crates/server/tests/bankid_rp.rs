//! The BankID RP API v6.0 client against a stand-in for BankID started here, over mutual TLS
//! with throwaway CAs: the RP certificate is accepted; no certificate, one from another CA,
//! or a BankID server from an unpinned CA are refused. Every hintCode and failure is passed
//! on as BankID gives it.

use std::sync::{Arc, Mutex};

use axum::{Json, Router, extract::State, http::StatusCode, routing::post};
use ingang_server::{
    bankid::{BankIdError, BankIdProvider, Status},
    bankid_rp::{RpBankId, RpConfig},
};
use serde_json::{Value, json};

mod tls;

/// What the stand-in saw (path and body), and what it answers next (status and body).
#[derive(Clone, Default)]
struct Stand {
    seen: Arc<Mutex<Vec<(String, Value)>>>,
    answers: Arc<Mutex<Vec<(u16, Value)>>>,
}

async fn answer(stand: &Stand, path: &str, body: Value) -> (StatusCode, Json<Value>) {
    stand.seen.lock().unwrap().push((path.to_owned(), body));
    let (code, body) = stand.answers.lock().unwrap().pop().unwrap_or((200, json!({})));
    (StatusCode::from_u16(code).unwrap(), Json(body))
}

struct BankId {
    port: u16,
    stand: Stand,
    bankid_ca: tls::Ca,
    rp_ca: tls::Ca,
}

async fn bankid() -> BankId {
    let (bankid_ca, rp_ca) = (tls::Ca::new("Test BankID SSL Root CA"), tls::Ca::new("Test BankID RP CA"));
    let stand = Stand::default();
    let app = Router::new()
        .route(
            "/rp/v6.0/auth",
            post(|State(s): State<Stand>, Json(b): Json<Value>| async move { answer(&s, "auth", b).await }),
        )
        .route(
            "/rp/v6.0/collect",
            post(|State(s): State<Stand>, Json(b): Json<Value>| async move { answer(&s, "collect", b).await }),
        )
        .route(
            "/rp/v6.0/cancel",
            post(|State(s): State<Stand>, Json(b): Json<Value>| async move { answer(&s, "cancel", b).await }),
        )
        .with_state(stand.clone());
    let port = tls::serve(app, &bankid_ca, Some(&rp_ca)).await;
    BankId { port, stand, bankid_ca, rp_ca }
}

/// A client with an RP certificate from `rp_ca`, trusting `bankid_ca`.
fn client(b: &BankId, rp_ca: &tls::Ca, bankid_ca: &tls::Ca) -> (RpBankId, [tempfile::NamedTempFile; 2]) {
    let identity = rp_ca.identity("Ingång RP");
    let ca = bankid_ca.pem_file();
    let config = RpConfig {
        url: format!("https://localhost:{}/rp/v6.0", b.port),
        identity_pem: identity.path().to_owned(),
        ca_pem: ca.path().to_owned(),
    };
    (RpBankId::new(&config).expect("a client"), [identity, ca])
}

fn next(b: &BankId, code: u16, body: Value) {
    b.stand.answers.lock().unwrap().push((code, body));
}

#[tokio::test]
async fn an_order_is_started_collected_and_cancelled_over_mutual_tls() {
    let b = bankid().await;
    let (rp, _files) = client(&b, &b.rp_ca, &b.bankid_ca);
    next(&b, 200, json!({ "orderRef": "o-1", "autoStartToken": "a-1", "qrStartToken": "q-1", "qrStartSecret": "s-1" }));
    let order = rp.auth("203.0.113.7", None).await.expect("an order");
    assert_eq!((order.order_ref.as_str(), order.qr_start_secret.as_str()), ("o-1", "s-1"));
    assert_eq!(b.stand.seen.lock().unwrap()[0], ("auth".into(), json!({ "endUserIp": "203.0.113.7" })));
    // on the same device, BankID returns the user to the app by the order's returnUrl
    next(&b, 200, json!({ "orderRef": "o-2", "autoStartToken": "a-2", "qrStartToken": "q-2", "qrStartSecret": "s-2" }));
    rp.auth("203.0.113.7", Some("https://ingang.example/logga-in?bankid=retur")).await.expect("an order");
    assert_eq!(
        b.stand.seen.lock().unwrap()[1],
        (
            "auth".into(),
            json!({ "endUserIp": "203.0.113.7", "returnUrl": "https://ingang.example/logga-in?bankid=retur" })
        )
    );
    // every hintCode of a pending or failed order is passed on as BankID gives it
    for hint in ["outstandingTransaction", "noClient", "started", "userMrtd", "userCallConfirm", "userSign"] {
        next(&b, 200, json!({ "orderRef": "o-1", "status": "pending", "hintCode": hint }));
        let c = rp.collect("o-1").await.expect("pending");
        assert_eq!((c.status, c.hint_code.as_deref()), (Status::Pending, Some(hint)));
    }
    for hint in ["expiredTransaction", "certificateErr", "userCancel", "cancelled", "startFailed", "userDeclinedCall"] {
        next(&b, 200, json!({ "orderRef": "o-1", "status": "failed", "hintCode": hint }));
        let c = rp.collect("o-1").await.expect("failed");
        assert_eq!((c.status, c.hint_code.as_deref()), (Status::Failed, Some(hint)));
    }
    next(
        &b,
        200,
        json!({ "orderRef": "o-1", "status": "complete", "completionData": {
            "user": { "personalNumber": "198001139297", "name": "Anna Andersson", "givenName": "Anna", "surname": "Andersson" },
            "device": { "ipAddress": "203.0.113.7", "uhi": "x" }, "bankIdIssueDate": "2020-01-01",
            "signature": "…", "ocspResponse": "…" } }),
    );
    let done = rp.collect("o-1").await.expect("complete");
    assert_eq!(done.status, Status::Complete);
    assert_eq!(done.user.expect("the user").personal_number, "198001139297");
    assert_eq!(b.stand.seen.lock().unwrap().last().unwrap(), &("collect".into(), json!({ "orderRef": "o-1" })));
    rp.cancel("o-1").await.expect("cancelled");
    assert_eq!(b.stand.seen.lock().unwrap().last().unwrap(), &("cancel".into(), json!({ "orderRef": "o-1" })));
}

#[tokio::test]
async fn bankids_error_codes_are_errors_with_the_code() {
    let b = bankid().await;
    let (rp, _files) = client(&b, &b.rp_ca, &b.bankid_ca);
    for (code, error) in [
        (400, "alreadyInProgress"),
        (400, "invalidParameters"),
        (401, "unauthorized"),
        (408, "requestTimeout"),
        (503, "maintenance"),
        (500, "internalError"),
    ] {
        next(&b, code, json!({ "errorCode": error, "details": "…" }));
        assert_eq!(rp.auth("203.0.113.7", None).await.unwrap_err(), BankIdError::Service(error.into()));
    }
    next(&b, 404, json!({ "errorCode": "notFound", "details": "No such order" }));
    assert_eq!(rp.collect("o-9").await.unwrap_err(), BankIdError::NotFound);
    next(&b, 502, json!("not BankID"));
    assert_eq!(rp.collect("o-9").await.unwrap_err(), BankIdError::Service("HTTP 502".into()));
}

#[tokio::test]
async fn no_rp_certificate_another_ones_or_an_unpinned_bankid_are_refused() {
    let b = bankid().await;
    // an RP certificate from another CA: BankID ends the handshake
    let stranger = tls::Ca::new("Not the RP CA");
    let (rp, _f1) = client(&b, &stranger, &b.bankid_ca);
    assert!(matches!(rp.auth("203.0.113.7", None).await, Err(BankIdError::Service(_))));
    // a server whose certificate is not from the pinned CA: the client ends it
    let other_bankid = tls::Ca::new("Not BankID");
    let (rp, _f2) = client(&b, &b.rp_ca, &other_bankid);
    assert!(matches!(rp.auth("203.0.113.7", None).await, Err(BankIdError::Service(_))));
    // no client certificate at all
    let ca = reqwest::Certificate::from_pem(b.bankid_ca.cert.pem().as_bytes()).unwrap();
    let bare = reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(ca)
        .build()
        .unwrap();
    assert!(bare.post(format!("https://localhost:{}/rp/v6.0/auth", b.port)).json(&json!({})).send().await.is_err());
    assert!(b.stand.seen.lock().unwrap().is_empty(), "nothing reached BankID");
    // and the right ones still work
    let (rp, _f3) = client(&b, &b.rp_ca, &b.bankid_ca);
    next(&b, 200, json!({ "orderRef": "o-2", "autoStartToken": "a", "qrStartToken": "q", "qrStartSecret": "s" }));
    assert!(rp.auth("203.0.113.7", None).await.is_ok());
}

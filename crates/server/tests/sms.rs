//! The SMS gateway client against a local HTTPS gateway started here, with a CA and a server
//! certificate made at test time: the pinned CA is trusted, another CA or the public roots
//! are not; temporary failures are tried again later, refusals are not; a message goes out
//! once; one interrupted mid-call is never sent again; an old one expires.

use std::sync::{Arc, Mutex};

use axum::{Router, extract::State, http::HeaderMap, routing::post};
use ingang_server::{
    db::Db,
    sms::{HttpGateway, SmsConfig, SmsGateway, deliver_due, settle_interrupted},
};

mod tls;

/// What the gateway saw: the Authorization header and the form.
type Seen = Arc<Mutex<Vec<(String, Vec<(String, String)>)>>>;

struct Gateway {
    url: String,
    ca: tempfile::NamedTempFile,
    seen: Seen,
    /// Answers to give, in turn from the end (then 200 with a new id).
    script: Arc<Mutex<Vec<u16>>>,
}

async fn gateway() -> Gateway {
    let ca = tls::Ca::new("Ingång test CA");
    let seen: Seen = Arc::default();
    let script: Arc<Mutex<Vec<u16>>> = Arc::default();
    let app = Router::new().route(
        "/a1/sms",
        post(
            |State((seen, script)): State<(Seen, Arc<Mutex<Vec<u16>>>)>,
             headers: HeaderMap,
             axum::Form(form): axum::Form<Vec<(String, String)>>| async move {
                let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
                let n = {
                    let mut seen = seen.lock().unwrap();
                    seen.push((auth, form));
                    seen.len()
                };
                let code = { script.lock().unwrap().pop() }.unwrap_or(200);
                let status = axum::http::StatusCode::from_u16(code).unwrap();
                (status, format!(r#"{{"id":"s{n}","status":"created"}}"#))
            },
        ),
    );
    let port = tls::serve(app.with_state((seen.clone(), script.clone())), &ca, None).await;
    Gateway { url: format!("https://localhost:{port}/a1/sms"), ca: ca.pem_file(), seen, script }
}

fn config(g: &Gateway) -> SmsConfig {
    SmsConfig {
        url: g.url.clone(),
        username: "u123".into(),
        password: "hemligt".into(),
        from: "Ingang".into(),
        ca_pem: Some(g.ca.path().to_owned()),
    }
}

fn db() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().expect("a folder");
    let db = Db::open_at_for_test(&dir.path().join("sms.sqlite")).expect("a database");
    (dir, db)
}

async fn queue(db: &Db, to: &str, created_at: i64) -> i64 {
    let to = to.to_owned();
    db.store(move |conn| {
        conn.query_row(
            "INSERT INTO sms_outbox (to_number, body, created_at) VALUES (?1, 'Ingång: Nu är det din tur. Öppna appen.', ?2)
             RETURNING id",
            ingang_server::params![to, created_at],
            |r| r.get("id"),
        )
    })
    .await
    .expect("queued")
}

async fn row(db: &Db, id: i64) -> (String, i64, i64, Option<String>) {
    db.store(move |conn| {
        conn.query_row(
            "SELECT status, attempts, next_attempt_at, provider_id FROM sms_outbox WHERE id = ?1",
            [id],
            |r| Ok((r.get("status")?, r.get("attempts")?, r.get("next_attempt_at")?, r.get("provider_id")?)),
        )
    })
    .await
    .expect("a row")
}

const NOW: i64 = 1_796_464_800;

#[tokio::test]
async fn a_message_goes_out_once_through_the_pinned_gateway_after_a_temporary_failure() {
    let g = gateway().await;
    let gw = HttpGateway::new(config(&g)).expect("a client");
    let (_dir, db) = db();
    let id = queue(&db, "070-123 45 67", NOW).await;
    g.script.lock().unwrap().push(503);
    assert_eq!(deliver_due(&db, &gw, NOW).await.unwrap(), 0);
    assert_eq!(row(&db, id).await, ("queued".into(), 1, NOW + 30, None), "tried again in 30 s");
    assert_eq!(deliver_due(&db, &gw, NOW + 10).await.unwrap(), 0, "not before its time");
    assert_eq!(g.seen.lock().unwrap().len(), 1);
    assert_eq!(deliver_due(&db, &gw, NOW + 30).await.unwrap(), 1);
    assert_eq!(row(&db, id).await, ("sent".into(), 2, NOW + 30, Some("s2".into())));
    // never twice
    assert_eq!(deliver_due(&db, &gw, NOW + 60).await.unwrap(), 0);
    let seen = g.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    let (auth, form) = &seen[1];
    // basic auth u123:hemligt
    assert_eq!(auth, "Basic dTEyMzpoZW1saWd0");
    let field = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(field("to"), Some("+46701234567"), "E.164");
    assert_eq!(field("from"), Some("Ingang"));
    assert_eq!(field("message"), Some("Ingång: Nu är det din tur. Öppna appen."));
}

#[tokio::test]
async fn a_refusal_is_not_tried_again_and_five_failures_end_it() {
    let g = gateway().await;
    let gw = HttpGateway::new(config(&g)).expect("a client");
    let (_dir, db) = db();
    let refused = queue(&db, "070-000 00 00", NOW).await;
    g.script.lock().unwrap().push(400);
    deliver_due(&db, &gw, NOW).await.unwrap();
    assert_eq!(row(&db, refused).await.0, "failed");
    deliver_due(&db, &gw, NOW + 3600).await.unwrap();
    assert_eq!(g.seen.lock().unwrap().len(), 1, "a refusal is final");
    // a gateway down: 30 s, 2, 8 and 32 minutes later, then failed
    let down = queue(&db, "070-123 45 67", NOW).await;
    g.script.lock().unwrap().extend([500, 500, 500, 500, 429]);
    let mut at = NOW;
    for _ in 0..5 {
        deliver_due(&db, &gw, at).await.unwrap();
        at = row(&db, down).await.2.max(at);
    }
    let (status, attempts, _, _) = row(&db, down).await;
    assert_eq!((status.as_str(), attempts), ("failed", 5));
    // not a number: refused without asking the gateway
    let before = g.seen.lock().unwrap().len();
    let bad = queue(&db, "ring mig", NOW).await;
    deliver_due(&db, &gw, NOW).await.unwrap();
    assert_eq!(row(&db, bad).await.0, "failed");
    assert_eq!(g.seen.lock().unwrap().len(), before);
}

#[tokio::test]
async fn only_the_pinned_ca_is_trusted() {
    let g = gateway().await;
    let (_dir, db) = db();
    let id = queue(&db, "070-123 45 67", NOW).await;
    // the public roots do not know the test CA
    let public = HttpGateway::new(SmsConfig { ca_pem: None, ..config(&g) }).expect("a client");
    deliver_due(&db, &public, NOW).await.unwrap();
    // another CA
    let file = tls::Ca::new("another CA").pem_file();
    let wrong = HttpGateway::new(SmsConfig { ca_pem: Some(file.path().to_owned()), ..config(&g) }).expect("a client");
    deliver_due(&db, &wrong, NOW + 30).await.unwrap();
    assert!(g.seen.lock().unwrap().is_empty(), "nothing reached an unpinned server");
    assert_eq!(row(&db, id).await.0, "queued", "a TLS failure is temporary");
    // plain http is refused outright
    assert!(HttpGateway::new(SmsConfig { url: "http://localhost:1/a1/sms".into(), ..config(&g) }).is_err());
    // and a direct call says why
    let err = public.send("+46701234567", "x").await.unwrap_err();
    assert!(matches!(err, ingang_server::sms::SmsError::Retry(_)), "{err:?}");
}

#[tokio::test]
async fn an_interrupted_message_is_never_sent_again_and_an_old_one_expires() {
    let g = gateway().await;
    let gw = HttpGateway::new(config(&g)).expect("a client");
    let (_dir, db) = db();
    let interrupted = queue(&db, "070-123 45 67", NOW).await;
    db.store(move |conn| conn.execute("UPDATE sms_outbox SET status = 'sending' WHERE id = ?1", [interrupted]))
        .await
        .unwrap();
    assert_eq!(settle_interrupted(&db).await.unwrap(), 1);
    let old = queue(&db, "070-123 45 67", NOW - 2 * 3600).await;
    assert_eq!(deliver_due(&db, &gw, NOW).await.unwrap(), 0);
    assert_eq!(row(&db, interrupted).await.0, "failed");
    assert_eq!(row(&db, old).await.0, "expired");
    assert!(g.seen.lock().unwrap().is_empty());
}

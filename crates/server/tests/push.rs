//! Web Push against a stand-in push service started here (HTTPS with a CA made at test time),
//! speaking the protocol: the device's keys are made here too, so the test decrypts what the
//! server sent (RFC 8291) and checks the VAPID signature with the server's public key (RFC 8292).
//! "Din tur" and a new inbox message reach every subscribed device, once, with no health data; a
//! gone subscription is dropped; a busy service is asked again later; an unpinned service is
//! never told anything; only a push service's address is taken, and only its owner or their
//! logout ends a subscription.

mod common;
mod tls;

use std::sync::{Arc, Mutex};

use axum::{Router, body::Bytes, extract::State, http::HeaderMap, routing::post};
use base64ct::{Base64UrlUnpadded, Encoding};
use common::*;
use ingang_server::{
    AppState, Config, app,
    db::Db,
    demo,
    push::{Push, PushConfig, deliver_due},
};
use serde_json::{Value, json};
use web_push_native::{
    Auth,
    jwt_simple::prelude::{ECDSAP256PublicKeyLike, ES256KeyPair, ES256PublicKey, NoCustomClaims, VerificationOptions},
    p256::{SecretKey, elliptic_curve::sec1::ToEncodedPoint},
};

const ANNA: &str = "198001139297";
const ERIK: &str = "197905041237";

/// What the push service saw: each request's path, headers and body.
type Seen = Arc<Mutex<Vec<(String, HeaderMap, Vec<u8>)>>>;

struct Service {
    origin: String,
    ca: tempfile::NamedTempFile,
    seen: Seen,
    /// Answers to give, in turn from the end (then 201).
    script: Arc<Mutex<Vec<u16>>>,
}

async fn service() -> Service {
    let ca = tls::Ca::new("Ingång test push CA");
    let seen: Seen = Arc::default();
    let script: Arc<Mutex<Vec<u16>>> = Arc::default();
    let app = Router::new().route(
        "/push/{id}",
        post(
            |State((seen, script)): State<(Seen, Arc<Mutex<Vec<u16>>>)>,
             uri: axum::http::Uri,
             headers: HeaderMap,
             body: Bytes| async move {
                seen.lock().unwrap().push((uri.path().to_owned(), headers, body.to_vec()));
                let code = { script.lock().unwrap().pop() }.unwrap_or(201);
                axum::http::StatusCode::from_u16(code).unwrap()
            },
        ),
    );
    let port = tls::serve(app.with_state((seen.clone(), script.clone())), &ca, None).await;
    Service { origin: format!("https://localhost:{port}"), ca: ca.pem_file(), seen, script }
}

/// A browser's subscription: its own key pair and secret, at the service.
struct Device {
    endpoint: String,
    secret: SecretKey,
    auth: [u8; 16],
}

fn device(service: &Service, name: &str) -> Device {
    let secret = SecretKey::random(&mut web_push_native::p256::elliptic_curve::rand_core::OsRng);
    let mut auth = [0u8; 16];
    getrandom::fill(&mut auth).unwrap();
    Device { endpoint: format!("{}/push/{name}", service.origin), secret, auth }
}

impl Device {
    fn subscription(&self) -> Value {
        let public = self.secret.public_key().as_affine().to_encoded_point(false);
        json!({
            "endpoint": self.endpoint,
            "expirationTime": null,
            "keys": {
                "p256dh": Base64UrlUnpadded::encode_string(public.as_bytes()),
                "auth": Base64UrlUnpadded::encode_string(&self.auth),
            }
        })
    }

    /// The message the service got, decrypted with the device's own key.
    fn read(&self, body: &[u8]) -> Value {
        let plain = web_push_native::decrypt(body.to_vec(), &self.secret, &Auth::clone_from_slice(&self.auth))
            .expect("encrypted to this device");
        serde_json::from_slice(&plain).expect("a JSON message")
    }
}

/// The demo app with push, trusting only the service's CA; `pin` another CA to refuse it.
async fn app_with_push(service: &Service, pin: Option<&std::path::Path>) -> (Router, AppState, Arc<Push>) {
    let db = Db::open_for_test(module_path!()).expect("db");
    db.store(demo::seed).await.expect("seed");
    let mut state = AppState::new(db, true);
    let config = PushConfig {
        vapid_key: None,
        subject: "mailto:drift@region.example".into(),
        extra_hosts: vec!["localhost".into()],
        ca_pem: Some(pin.unwrap_or(service.ca.path()).to_owned()),
    };
    let push = Arc::new(Push::new(ES256KeyPair::generate(), &config).expect("push"));
    state.push = Some(push.clone());
    (app(state.clone(), &Config { demo: true, ..Config::default() }), state, push)
}

async fn subscriptions(state: &AppState) -> Vec<String> {
    state
        .db
        .store(|conn| {
            let mut stmt = conn.prepare("SELECT endpoint FROM push_subscriptions ORDER BY endpoint")?;
            let rows = stmt.query_map(ingang_server::params![], |r| r.get("endpoint"))?;
            rows.collect()
        })
        .await
        .unwrap()
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> &'a str {
    h.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

#[tokio::test]
async fn din_tur_reaches_the_device_encrypted_and_signed_once_with_no_health_data() {
    let s = service().await;
    let (app, state, push) = app_with_push(&s, None).await;
    let anna = login(&app, &state, ANNA).await;
    let phone = device(&s, "anna-phone");
    let (status, key) = call(&app, "GET", "/api/v1/push/key", "", None, None).await;
    assert_eq!(status, 200);
    let public_key = key["publicKey"].as_str().unwrap().to_owned();
    assert_eq!(call(&app, "PUT", "/api/v1/push/subscription", &anna, None, Some(phone.subscription())).await.0, 204);
    let (_, contact) = call(&app, "GET", "/api/v1/me/contact", &anna, None, None).await;
    assert_eq!(contact["notifications"]["push"], true, "subscribing turns push on: {contact}");

    // a care request, picked by staff: "din tur"
    let me = person_id(&app, &anna, "Anna").await;
    let coding = |code: &str| json!({ "valueCoding": { "system": "https://ingang.se/fhir/CodeSystem/forkylning", "code": code } });
    let response = json!({
        "resourceType": "QuestionnaireResponse",
        "questionnaire": "https://ingang.se/fhir/Questionnaire/forkylning|1.0",
        "status": "completed",
        "item": [
            { "linkId": "andning", "answer": [coding("nej")] },
            { "linkId": "symtom", "answer": [coding("snuva")] },
            { "linkId": "varaktighet", "answer": [coding("lt3d")] }
        ]
    });
    let case = json!({
        "personId": me, "unitId": "hc-gibraltar", "questionnaireId": "forkylning", "response": response,
        "description": "Snuva och feber sedan i tisdags", "rulesAccepted": true
    });
    let (status, case) = call(&app, "POST", "/api/v1/cases", &anna, Some("push-1"), Some(case)).await;
    assert_eq!(status, 201, "{case}");
    let id = case["id"].as_str().unwrap().to_owned();
    let staff = staff_cookie(&app).await;
    assert_eq!(staff_post(&app, &staff, &format!("/staff/cases/{id}/pick"), "").await, 303);

    let now = state.clock.now();
    assert_eq!(deliver_due(&state.db, &push, now).await.unwrap(), 1);
    assert_eq!(deliver_due(&state.db, &push, now + 60).await.unwrap(), 0, "never twice");
    let seen = s.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    let (path, headers, body) = &seen[0];
    assert_eq!(path, "/push/anna-phone");
    assert_eq!(header(headers, "content-encoding"), "aes128gcm");
    assert_eq!(header(headers, "ttl"), "3600", "din tur: stale after an hour");
    assert_eq!(header(headers, "urgency"), "high");

    // VAPID (RFC 8292): "vapid t=<JWT>, k=<the key the app subscribed with>", signed by it,
    // for the push service's origin, for at most 24 hours
    let auth = header(headers, "authorization");
    let rest = auth.strip_prefix("vapid ").expect("the vapid scheme");
    let part = |name: &str| {
        rest.split(',').map(str::trim).find_map(|p| p.strip_prefix(&format!("{name}="))).unwrap_or_default().to_owned()
    };
    assert_eq!(part("k"), public_key);
    let verifier = ES256PublicKey::from_bytes(&Base64UrlUnpadded::decode_vec(&public_key).unwrap()).unwrap();
    let options = VerificationOptions {
        allowed_audiences: Some(std::collections::HashSet::from([s.origin.clone()])),
        ..Default::default()
    };
    let claims = verifier.verify_token::<NoCustomClaims>(&part("t"), Some(options)).expect("signed by the server");
    assert_eq!(claims.subject.as_deref(), Some("mailto:drift@region.example"));
    let lifetime = claims.expires_at.unwrap().as_secs() as i64 - (ingang_server::system_millis() / 1000);
    assert!((0..=24 * 3600).contains(&lifetime), "{lifetime}");
    let forged = ES256KeyPair::generate().public_key();
    assert!(forged.verify_token::<NoCustomClaims>(&part("t"), None).is_err(), "another key does not verify it");

    // the message, decrypted on the device: where to go, nothing of the case
    let message = phone.read(body);
    assert_eq!(message["title"], "Nu är det din tur");
    assert_eq!(message["url"], format!("/arenden/{id}"));
    let text = message.to_string();
    for secret in ["feber", "Snuva", "Gibraltar", "Anna", ANNA] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }

    // staff write in the chat: a message push, not what they wrote
    assert_eq!(staff_post(&app, &staff, &format!("/staff/cases/{id}/messages"), "body=Ta+en+alvedon").await, 303);
    assert_eq!(deliver_due(&state.db, &push, now + 120).await.unwrap(), 1);
    let seen = s.seen.lock().unwrap().clone();
    let (_, headers, body) = &seen[1];
    assert_eq!((header(headers, "ttl"), header(headers, "urgency")), ("43200", "normal"));
    let message = phone.read(body);
    assert_eq!(
        (message["title"].as_str(), message["url"].as_str()),
        (Some("Nytt meddelande"), Some(&*format!("/arenden/{id}")))
    );
    assert!(!message.to_string().contains("alvedon"), "{message}");
}

#[tokio::test]
async fn a_gone_subscription_is_dropped_and_a_busy_service_is_asked_again_later() {
    let s = service().await;
    let (app, state, push) = app_with_push(&s, None).await;
    let anna = login(&app, &state, ANNA).await;
    let (old, phone) = (device(&s, "old-tablet"), device(&s, "phone"));
    for d in [&old, &phone] {
        assert_eq!(call(&app, "PUT", "/api/v1/push/subscription", &anna, None, Some(d.subscription())).await.0, 204);
    }
    // a new inbox message from the clinic: one push per device
    let staff = staff_cookie(&app).await;
    let form =
        format!("pnr={ANNA}&unit=hc-gibraltar&subject=Provsvar&body=Dina+blodprover+visar&kind=info&questionnaire=");
    assert_eq!(staff_post(&app, &staff, "/staff/inkorg", &form).await, 303);
    // the old tablet's subscription has ended (410); the phone's service is busy (503)
    s.script.lock().unwrap().extend([503, 410]);
    let now = state.clock.now();
    assert_eq!(deliver_due(&state.db, &push, now).await.unwrap(), 0);
    assert_eq!(subscriptions(&state).await, vec![phone.endpoint.clone()], "the gone one is dropped");
    assert_eq!(deliver_due(&state.db, &push, now + 10).await.unwrap(), 0, "not before its time");
    assert_eq!(deliver_due(&state.db, &push, now + 30).await.unwrap(), 1, "asked again after 30 s");
    assert_eq!(deliver_due(&state.db, &push, now + 3600).await.unwrap(), 0, "once");
    let seen = s.seen.lock().unwrap().clone();
    let paths: Vec<&str> = seen.iter().map(|(p, _, _)| p.as_str()).collect();
    assert_eq!(paths, ["/push/old-tablet", "/push/phone", "/push/phone"]);
    let (_, headers, body) = &seen[2];
    assert_eq!((header(headers, "ttl"), header(headers, "urgency")), ("604800", "normal"));
    let message = phone.read(body);
    assert!(message["url"].as_str().unwrap().starts_with("/inkorg/"), "{message}");
    assert_eq!(message["title"], "Nytt meddelande");
    let text = message.to_string();
    assert!(!text.contains("Provsvar") && !text.contains("blodprover"), "nothing of the message: {text}");
}

#[tokio::test]
async fn a_push_service_without_the_pinned_ca_is_never_told_anything() {
    let s = service().await;
    let other = tls::Ca::new("Another CA").pem_file();
    let (app, state, push) = app_with_push(&s, Some(other.path())).await;
    let anna = login(&app, &state, ANNA).await;
    let phone = device(&s, "phone");
    assert_eq!(call(&app, "PUT", "/api/v1/push/subscription", &anna, None, Some(phone.subscription())).await.0, 204);
    let staff = staff_cookie(&app).await;
    let form = format!("pnr={ANNA}&unit=hc-gibraltar&subject=Hej&body=Hej&kind=info&questionnaire=");
    assert_eq!(staff_post(&app, &staff, "/staff/inkorg", &form).await, 303);
    assert_eq!(deliver_due(&state.db, &push, state.clock.now()).await.unwrap(), 0);
    assert!(s.seen.lock().unwrap().is_empty(), "the TLS handshake failed before any request");
    let (status, error): (String, Option<String>) = state
        .db
        .store(|conn| {
            conn.query_row("SELECT status, last_error FROM push_outbox", ingang_server::params![], |r| {
                Ok((r.get("status")?, r.get("last_error")?))
            })
        })
        .await
        .unwrap();
    assert_eq!(status, "queued", "a network failure: tried again later");
    assert!(error.unwrap_or_default().starts_with("no answer"));
}

#[tokio::test]
async fn only_a_push_service_is_taken_and_only_its_owner_or_their_logout_ends_it() {
    let s = service().await;
    let (app, state, _) = app_with_push(&s, None).await;
    let anna = login(&app, &state, ANNA).await;
    let phone = device(&s, "phone");
    let mut bad = phone.subscription();
    for endpoint in [
        "https://evil.example/push/x".to_owned(),
        format!("http://{}/push/x", s.origin.trim_start_matches("https://")),
        "https://169.254.169.254/latest/meta-data".to_owned(),
    ] {
        bad["endpoint"] = endpoint.clone().into();
        let (status, error) = call(&app, "PUT", "/api/v1/push/subscription", &anna, None, Some(bad.clone())).await;
        assert_eq!((status, error["code"].as_str()), (400, Some("invalid_subscription")), "{endpoint}");
    }
    let mut short = phone.subscription();
    short["keys"]["auth"] = "AAAA".into();
    assert_eq!(call(&app, "PUT", "/api/v1/push/subscription", &anna, None, Some(short)).await.0, 400);
    assert_eq!(call(&app, "PUT", "/api/v1/push/subscription", "", None, Some(phone.subscription())).await.0, 401);

    assert_eq!(call(&app, "PUT", "/api/v1/push/subscription", &anna, None, Some(phone.subscription())).await.0, 204);
    // someone else cannot end it
    let erik = login(&app, &state, ERIK).await;
    let endpoint = json!({ "endpoint": phone.endpoint });
    assert_eq!(call(&app, "DELETE", "/api/v1/push/subscription", &erik, None, Some(endpoint.clone())).await.0, 204);
    assert_eq!(subscriptions(&state).await.len(), 1);
    // its owner can
    assert_eq!(call(&app, "DELETE", "/api/v1/push/subscription", &anna, None, Some(endpoint)).await.0, 204);
    assert!(subscriptions(&state).await.is_empty());
    // and logging out of the session that subscribed ends it
    assert_eq!(call(&app, "PUT", "/api/v1/push/subscription", &anna, None, Some(phone.subscription())).await.0, 204);
    assert_eq!(call(&app, "POST", "/api/v1/auth/logout", &anna, None, None).await.0, 204);
    assert!(subscriptions(&state).await.is_empty(), "logout wipes this device's pushes");
}

#[tokio::test]
async fn a_server_without_a_vapid_key_offers_no_push() {
    let app = test_app(None).await;
    let (status, error) = call(&app, "GET", "/api/v1/push/key", "", None, None).await;
    assert_eq!((status, error["code"].as_str()), (404, Some("push_unavailable")));
}

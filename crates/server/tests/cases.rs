//! Care requests: validation, idempotency, priority order in the queue, and authorisation (a
//! user sees only their own and their children's cases).

mod common;

use axum::{Router, body::Body, http::Request};
use common::*;
use ingang_server::{AppState, Config, app, bankid::User, db::Db, demo};
use serde_json::{Value, json};

async fn setup() -> (Router, AppState) {
    let db = Db::open_in_memory().expect("db");
    db.call(demo::seed).await.expect("seed");
    let state = AppState::new(db, true);
    (app(state.clone(), &Config { demo: true, ..Config::default() }), state)
}

async fn call(app: &Router, method: &str, uri: &str, cookie: &str, key: Option<&str>, body: Option<Value>) -> (u16, Value) {
    let mut req = Request::builder().method(method).uri(uri).header("x-ingang-csrf", "1").header("cookie", cookie);
    if body.is_some() {
        req = req.header("content-type", "application/json");
    }
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    let res = send(app, req.body(Body::from(body.map(|b| b.to_string()).unwrap_or_default())).unwrap()).await;
    let status = res.status().as_u16();
    let bytes = body_bytes(res).await;
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

async fn login(app: &Router, state: &AppState, pnr: &str) -> String {
    let sim = state.bankid_sim.clone().unwrap();
    let req = Request::post("/api/v1/auth/bankid")
        .header("x-ingang-csrf", "1")
        .header("content-type", "application/json")
        .body(Body::from(r#"{"sameDevice":false}"#))
        .unwrap();
    let res = send(app, req).await;
    let login = res.headers().get("set-cookie").unwrap().to_str().unwrap().split(';').next().unwrap().to_owned();
    let order = sim.pending(std::time::Instant::now()).pop().unwrap();
    let (_, given, surname) = demo::IDENTITIES.iter().find(|(p, _, _)| *p == pnr).unwrap();
    let user = User {
        personal_number: pnr.into(),
        name: format!("{given} {surname}"),
        given_name: (*given).into(),
        surname: (*surname).into(),
    };
    sim.complete(&order.order_ref, user, std::time::Instant::now()).unwrap();
    let res =
        send(app, Request::get("/api/v1/auth/bankid").header("cookie", &login).body(Body::empty()).unwrap()).await;
    res.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .find(|c| c.starts_with("__Host-ingang-session="))
        .unwrap()
}

fn coding(code: &str) -> Value {
    json!({ "valueCoding": { "system": "https://ingang.se/fhir/CodeSystem/forkylning", "code": code } })
}

/// A complete answer to the cold form; `breathing` "vila" carries the urgency marker.
fn cold(breathing: &str) -> Value {
    json!({
        "resourceType": "QuestionnaireResponse",
        "questionnaire": "https://ingang.se/fhir/Questionnaire/forkylning|1.0",
        "status": "completed",
        "item": [
            { "linkId": "andning", "answer": [coding(breathing)] },
            { "linkId": "symtom", "answer": [coding("snuva")] },
            { "linkId": "varaktighet", "answer": [coding("lt3d")] },
            { "linkId": "beskrivning", "answer": [{ "valueString": "Snuva sedan i går." }] }
        ]
    })
}

async fn person_id(app: &Router, cookie: &str, given: &str) -> String {
    let (_, people) = call(app, "GET", "/api/v1/me/people", cookie, None, None).await;
    people["people"].as_array().unwrap().iter().find(|p| p["givenName"] == given).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn new_case(person: &str, response: Value) -> Value {
    json!({ "personId": person, "unitId": "hc-gibraltar", "questionnaireId": "forkylning", "response": response })
}

#[tokio::test]
async fn a_case_is_validated_created_once_per_key_and_queued_by_priority() {
    let (app, state) = setup().await;
    let anna = login(&app, &state, "198001139297").await;
    let noah = person_id(&app, &anna, "Noah").await;

    let (status, body) = call(&app, "POST", "/api/v1/cases", &anna, None, Some(new_case(&noah, cold("nej")))).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("idempotency_key_required")));
    let mut incomplete = cold("nej");
    incomplete["item"].as_array_mut().unwrap().pop();
    let (status, body) = call(&app, "POST", "/api/v1/cases", &anna, Some("k0"), Some(new_case(&noah, incomplete))).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("invalid_response")), "{body}");

    let (status, first) = call(&app, "POST", "/api/v1/cases", &anna, Some("k1"), Some(new_case(&noah, cold("nej")))).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["status"], "waiting");
    assert_eq!(first["personName"], "Noah Andersson");
    assert_eq!(first["priority"], 3);
    assert_eq!(first["position"], 1);
    assert_eq!(first["estimatedWaitMinutes"], 10);
    // the same key again (a retry after a lost answer): the same case, not a second one
    let (status, again) = call(&app, "POST", "/api/v1/cases", &anna, Some("k1"), Some(new_case(&noah, cold("nej")))).await;
    assert_eq!((status, &again["id"]), (200, &first["id"]));
    let (_, list) = call(&app, "GET", "/api/v1/cases", &anna, None, None).await;
    assert_eq!(list["cases"].as_array().unwrap().len(), 1);

    // Sara arrives later but is short of breath at rest: priority 1, ahead of Noah
    let sara = login(&app, &state, "198509223452").await;
    let me = person_id(&app, &sara, "Sara").await;
    let (status, urgent) = call(&app, "POST", "/api/v1/cases", &sara, Some("k1"), Some(new_case(&me, cold("vila")))).await;
    assert_eq!(status, 201, "the key is per user");
    assert_eq!((urgent["priority"].as_u64(), urgent["position"].as_u64()), (Some(1), Some(1)));
    let (_, noahs) = call(&app, "GET", &format!("/api/v1/cases/{}", first["id"].as_str().unwrap()), &anna, None, None).await;
    assert_eq!(noahs["position"], 2);
    assert_eq!(noahs["estimatedWaitMinutes"], 20);
    // a third, routine case goes behind Noah (same priority, later arrival)
    let erik = login(&app, &state, "197905041237").await;
    let erik_id = person_id(&app, &erik, "Erik").await;
    let (_, third) = call(&app, "POST", "/api/v1/cases", &erik, Some("e1"), Some(new_case(&erik_id, cold("nej")))).await;
    assert_eq!(third["position"], 3);

    // withdrawing moves the others up
    let (status, withdrawn) =
        call(&app, "POST", &format!("/api/v1/cases/{}/withdraw", urgent["id"].as_str().unwrap()), &sara, None, None).await;
    assert_eq!((status, withdrawn["status"].as_str()), (200, Some("withdrawn")));
    assert!(withdrawn.get("position").is_none());
    let (_, noahs) = call(&app, "GET", &format!("/api/v1/cases/{}", first["id"].as_str().unwrap()), &anna, None, None).await;
    assert_eq!(noahs["position"], 1);
}

#[tokio::test]
async fn nobody_reaches_another_familys_cases_or_acts_outside_the_age_rules() {
    let (app, state) = setup().await;
    let anna = login(&app, &state, "198001139297").await;
    let elsa = person_id(&app, &anna, "Elsa").await;
    let alva = person_id(&app, &anna, "Alva").await;
    let (status, case) = call(&app, "POST", "/api/v1/cases", &anna, Some("a"), Some(new_case(&elsa, cold("nej")))).await;
    assert_eq!(status, 201);
    let id = case["id"].as_str().unwrap().to_owned();
    // Alva is 3 months: Digitalen starts at 6 months
    let (status, body) = call(&app, "POST", "/api/v1/cases", &anna, Some("b"), Some(new_case(&alva, cold("nej")))).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("not_allowed")));

    let erik = login(&app, &state, "197905041237").await;
    for (method, uri) in [("GET", format!("/api/v1/cases/{id}")), ("POST", format!("/api/v1/cases/{id}/withdraw"))] {
        let (status, body) = call(&app, method, &uri, &erik, None, None).await;
        assert_eq!(status, 404, "{method} {uri}");
        assert!(!body.to_string().contains("Elsa"));
    }
    let (_, list) = call(&app, "GET", "/api/v1/cases", &erik, None, None).await;
    assert_eq!(list["cases"], json!([]));
    // Erik cannot send a case for Anna's child
    let (status, _) = call(&app, "POST", "/api/v1/cases", &erik, Some("x"), Some(new_case(&elsa, cold("nej")))).await;
    assert_eq!(status, 404);
    // signed out: nothing
    let (status, _) = call(&app, "GET", "/api/v1/cases", "", None, None).await;
    assert_eq!(status, 401);
    // Anna still has hers, and the case is still waiting
    let (_, list) = call(&app, "GET", "/api/v1/cases", &anna, None, None).await;
    assert_eq!(list["cases"][0]["status"], "waiting");
}

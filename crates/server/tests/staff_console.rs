//! The server-rendered pages (staff console, simulated BankID and payment pages, demo and test
//! mode only) under attack: markup in every path segment and every form field must come back as
//! text, never as markup.

mod common;

use axum::{
    body::Body,
    http::{Request, header},
};
use common::*;

/// What an attacker puts where a value goes: it closes an attribute and opens an element.
const MARKUP: &str = "x\"><b id=injected>'";

fn encoded(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

/// Every field name the pages' forms read, each set to `value`.
fn form_of(value: &str) -> String {
    let fields = [
        "action",
        "answer",
        "ask",
        "at",
        "body",
        "code",
        "failure",
        "follow_up",
        "frikort_until",
        "hint",
        "id",
        "identity",
        "kind",
        "minutes",
        "number",
        "order_ref",
        "paid_before",
        "personal_number",
        "pnr",
        "priority",
        "questionnaire",
        "staff",
        "starts_in_minutes",
        "subject",
        "tariff",
        "title",
        "unit",
        "unit_id",
    ];
    fields.iter().map(|f| format!("{f}={}", encoded(value))).collect::<Vec<_>>().join("&")
}

/// Fails when an HTML answer carries the attacker's element (or any unescaped quote-breaking
/// attribute from it).
async fn assert_inert(app: &axum::Router, req: Request<Body>, what: &str) {
    let res = send(app, req).await;
    let html =
        res.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").starts_with("text/html");
    let body = String::from_utf8_lossy(&body_bytes(res).await).into_owned();
    if html {
        assert!(!body.contains("<b id=injected>"), "{what}: markup came back as markup:\n{body}");
        assert!(!body.contains("x\"&gt;"), "{what}: a quote came back unescaped (an attribute can be closed):\n{body}");
    }
}

#[tokio::test]
async fn markup_in_a_path_or_a_form_field_comes_back_as_text_on_every_server_rendered_page() {
    let app = test_app(None).await;
    let staff = staff_cookie(&app).await;
    let id = encoded(MARKUP);
    let gets = [
        format!("/staff/cases/{id}"),
        format!("/staff/e-arenden/{id}"),
        format!("/staff/inkorg/{id}"),
        format!("/staff/bilagor/{id}"),
        format!("/staff/pictures/{id}"),
        format!("/test-pay/card/{id}"),
        format!("/test-swish?payment={id}&id={id}"),
        format!("/test-bankid?order={id}"),
        format!("/staff?unit={id}"),
    ];
    for uri in &gets {
        let req = Request::get(uri).header("cookie", &staff).body(Body::empty()).unwrap();
        assert_inert(&app, req, uri).await;
    }
    let posts = [
        format!("/staff/cases/{id}/pick"),
        format!("/staff/cases/{id}/close"),
        format!("/staff/cases/{id}/priority"),
        format!("/staff/cases/{id}/messages"),
        format!("/staff/e-arenden/{id}"),
        format!("/staff/e-arenden/{id}/close"),
        "/staff/inkorg".to_owned(),
        "/staff/login".to_owned(),
        format!("/test-pay/card/{id}"),
        format!("/test-pay/card/{id}/verify"),
        "/test-swish".to_owned(),
        "/test-bankid".to_owned(),
    ];
    // Every field hostile (it may be echoed), then every field empty (the refusal page may echo
    // the path).
    for form in [form_of(MARKUP), form_of("")] {
        for uri in &posts {
            let req = Request::post(uri)
                .header("cookie", &staff)
                .header("sec-fetch-site", "same-origin")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(form.clone()))
                .unwrap();
            assert_inert(&app, req, uri).await;
        }
    }
}

#[tokio::test]
async fn what_patients_and_staff_write_is_shown_as_text_in_the_console() {
    use serde_json::json;
    let (app, state) = demo_app().await;
    let anna = login(&app, &state, "198001139297").await;
    let me = person_id(&app, &anna, "Anna").await;
    let staff = staff_cookie(&app).await;
    let get = |uri: String| Request::get(uri).header("cookie", &staff).body(Body::empty()).unwrap();

    // a care request with markup in its description, then a chat message with markup
    let cold = json!({
        "resourceType": "QuestionnaireResponse",
        "questionnaire": "https://ingang.se/fhir/Questionnaire/forkylning|1.0",
        "status": "completed",
        "item": [
            { "linkId": "andning", "answer": [{ "valueCoding": { "system": "https://ingang.se/fhir/CodeSystem/forkylning", "code": "nej" } }] },
            { "linkId": "symtom", "answer": [{ "valueCoding": { "system": "https://ingang.se/fhir/CodeSystem/forkylning", "code": "snuva" } }] },
            { "linkId": "varaktighet", "answer": [{ "valueCoding": { "system": "https://ingang.se/fhir/CodeSystem/forkylning", "code": "lt3d" } }] }
        ]
    });
    let case = json!({
        "personId": me, "unitId": "hc-gibraltar", "questionnaireId": "forkylning", "response": cold,
        "description": MARKUP, "rulesAccepted": true
    });
    let (status, case) = call(&app, "POST", "/api/v1/cases", &anna, Some("xss-case"), Some(case)).await;
    assert_eq!(status, 201, "{case}");
    let id = case["id"].as_str().unwrap().to_owned();
    assert_eq!(staff_post(&app, &staff, &format!("/staff/cases/{id}/pick"), "").await, 303);
    let message = json!({ "clientId": "x1", "body": MARKUP });
    assert_eq!(call(&app, "POST", &format!("/api/v1/cases/{id}/messages"), &anna, None, Some(message)).await.0, 201);
    let reply = format!("body={}", encoded(MARKUP));
    assert_eq!(staff_post(&app, &staff, &format!("/staff/cases/{id}/messages"), &reply).await, 303);
    for uri in ["/staff".to_owned(), format!("/staff/cases/{id}"), "/staff/sms".to_owned()] {
        assert_inert(&app, get(uri.clone()), &uri).await;
    }
    let shown = html(&app, &staff, &format!("/staff/cases/{id}")).await;
    assert!(shown.matches("&lt;b id=injected&gt;").count() >= 3, "description, message and reply shown as text");

    // an errand ("Kontakta mig") described with markup, a message with markup, answered with markup
    let coding = |item: &str, code: &str| json!({ "valueCoding": { "system": format!("https://ingang.se/fhir/CodeSystem/kontakta-mig-{item}"), "code": code } });
    let response = json!({
        "resourceType": "QuestionnaireResponse",
        "questionnaire": "https://ingang.se/fhir/Questionnaire/kontakta-mig|1.0",
        "status": "completed",
        "item": [
            { "linkId": "orsak", "answer": [coding("orsak", "provsvar")] },
            { "linkId": "beskrivning", "answer": [{ "valueString": MARKUP }] },
            { "linkId": "hur", "answer": [coding("hur", "meddelande")] }
        ]
    });
    let errand =
        json!({ "personId": me, "unitId": "hc-gibraltar", "eServiceId": "kontakta-mig", "response": response });
    let (status, errand) = call(&app, "POST", "/api/v1/errands", &anna, Some("xss-errand"), Some(errand)).await;
    assert_eq!(status, 201, "{errand}");
    let eid = errand["id"].as_str().unwrap().to_owned();
    let answer = format!("answer={}", encoded(MARKUP));
    assert_eq!(staff_post(&app, &staff, &format!("/staff/e-arenden/{eid}"), &answer).await, 303);
    let message = json!({ "body": MARKUP, "clientId": "x2" });
    assert_eq!(call(&app, "POST", &format!("/api/v1/errands/{eid}/messages"), &anna, None, Some(message)).await.0, 201);
    for uri in ["/staff/e-arenden".to_owned(), format!("/staff/e-arenden/{eid}"), "/staff/inkorg".to_owned()] {
        assert_inert(&app, get(uri.clone()), &uri).await;
    }
    let shown = html(&app, &staff, &format!("/staff/e-arenden/{eid}")).await;
    assert!(shown.matches("&lt;b id=injected&gt;").count() >= 3, "answer, reply and message shown as text");

    // a message to the patient with markup in its subject and text
    let send = format!("pnr=198001139297&unit=hc-gibraltar&kind=info&subject={0}&body={0}", encoded(MARKUP));
    assert_eq!(staff_post(&app, &staff, "/staff/inkorg", &send).await, 303);
    let list = html(&app, &staff, "/staff/inkorg").await;
    let mid = list.split("data-message=\"").nth(1).and_then(|s| s.split('"').next()).expect("the message is listed");
    for uri in ["/staff/inkorg".to_owned(), format!("/staff/inkorg/{mid}")] {
        assert_inert(&app, get(uri.clone()), &uri).await;
    }
    assert!(html(&app, &staff, &format!("/staff/inkorg/{mid}")).await.contains("&lt;b id=injected&gt;"));
}

//! Care requests: validation, idempotency, priority order in the queue, and authorisation (a
//! user sees only their own and their children's cases).

mod common;

use axum::{Router, body::Body, http::Request};
use common::*;
use serde_json::{Value, json};

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
            { "linkId": "varaktighet", "answer": [coding("lt3d")] }
        ]
    })
}

/// A complete answer to the children's sore-throat form (for ages 6 months to 17 years).
fn throat() -> Value {
    let c = |code: &str| json!({ "valueCoding": { "system": "https://ingang.se/fhir/CodeSystem/halsont-barn", "code": code } });
    json!({
        "resourceType": "QuestionnaireResponse",
        "questionnaire": "https://ingang.se/fhir/Questionnaire/ont-i-halsen-barn|1.0",
        "status": "completed",
        "item": [
            { "linkId": "alder", "answer": [{ "valueInteger": 4 }] },
            { "linkId": "svalja", "answer": [c("svart")] },
            { "linkId": "andning", "answer": [{ "valueBoolean": false }] },
            { "linkId": "feber", "answer": [{ "valueBoolean": false }] },
            { "linkId": "varaktighet", "answer": [c("lt3d")] }
        ]
    })
}

/// A care request at Hälsocentralen Gibraltar: the cold form (adults) unless the response is
/// the children's sore-throat form.
fn new_case(person: &str, response: Value) -> Value {
    let form = if response["questionnaire"].as_str().is_some_and(|q| q.contains("ont-i-halsen-barn")) {
        "ont-i-halsen-barn"
    } else {
        "forkylning"
    };
    json!({
        "personId": person, "unitId": "hc-gibraltar", "questionnaireId": form, "response": response,
        "description": "Jag har varit sjuk i två dagar.", "rulesAccepted": true
    })
}

#[tokio::test]
async fn at_night_the_wait_counts_from_opening_and_says_when_the_unit_opens() {
    let (app, state) = demo_app().await;
    let night = stockholm_tomorrow_at("02:15");
    state.clock.set(Some(night));
    let anna = login(&app, &state, "198001139297").await;
    let noah = person_id(&app, &anna, "Noah").await;
    let (status, case) = call(&app, "POST", "/api/v1/cases", &anna, Some("n1"), Some(new_case(&noah, throat()))).await;
    assert_eq!(status, 201, "{case}");
    assert_eq!(case["position"], 1);
    // Gibraltar opens 08:00 on weekdays, 09:00 at weekends
    let opens = case["unitOpensAt"].as_i64().expect("closed at 02:15: unitOpensAt");
    assert!([stockholm_tomorrow_at("08:00"), stockholm_tomorrow_at("09:00")].contains(&opens), "{case}");
    // not "10 minutes": the hours until opening, then ten minutes of staff time
    assert_eq!(case["estimatedWaitMinutes"].as_i64(), Some((opens - night) / 60 + 10), "{case}");
    let (_, list) = call(&app, "GET", "/api/v1/cases", &anna, None, None).await;
    assert_eq!(list["cases"][0]["unitOpensAt"], opens);

    // at 17:55 on a weekday the wait goes past closing and on into the next morning
    state.clock.set(Some(stockholm_tomorrow_at("17:55")));
    // (hours later on the server's one clock: the night's session has ended, a new one)
    let anna = login(&app, &state, "198001139297").await;
    let id = case["id"].as_str().unwrap();
    let (_, late) = call(&app, "GET", &format!("/api/v1/cases/{id}"), &anna, None, None).await;
    if opens == stockholm_tomorrow_at("08:00") {
        assert!(late.get("unitOpensAt").is_none(), "open at 17:55 on a weekday: {late}");
        // 5 minutes today, 5 from 08:00 (or 09:00 on a Saturday) the next day
        let next = late["estimatedWaitMinutes"].as_i64().unwrap();
        assert!([5 + 14 * 60 + 5, 5 + 15 * 60 + 5].contains(&next), "{late}");
    }
}

#[tokio::test]
async fn a_case_is_validated_created_once_per_key_and_queued_by_priority() {
    let (app, state) = demo_app().await;
    // while the unit is staffed (Gibraltar: 08–18 weekdays, 09–15 weekends)
    state.clock.set(Some(stockholm_tomorrow_at("11:00")));
    let anna = login(&app, &state, "198001139297").await;
    let noah = person_id(&app, &anna, "Noah").await;

    let (status, body) = call(&app, "POST", "/api/v1/cases", &anna, None, Some(new_case(&noah, throat()))).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("idempotency_key_required")));
    let mut incomplete = throat();
    incomplete["item"].as_array_mut().unwrap().pop();
    let (status, body) =
        call(&app, "POST", "/api/v1/cases", &anna, Some("k0"), Some(new_case(&noah, incomplete))).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("invalid_response")), "{body}");

    // the cold form is for adults: not for Noah (4)
    let (status, body) =
        call(&app, "POST", "/api/v1/cases", &anna, Some("k0b"), Some(new_case(&noah, cold("nej")))).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("not_allowed")), "{body}");
    let (status, first) = call(&app, "POST", "/api/v1/cases", &anna, Some("k1"), Some(new_case(&noah, throat()))).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["status"], "waiting");
    assert_eq!(first["personName"], "Noah Andersson");
    assert_eq!(first["priority"], 3);
    assert_eq!(first["position"], 1);
    assert_eq!(first["estimatedWaitMinutes"], 10);
    assert!(first.get("unitOpensAt").is_none(), "open now: {first}");
    // the same key again (a retry after a lost answer): the same case, not a second one
    let (status, again) = call(&app, "POST", "/api/v1/cases", &anna, Some("k1"), Some(new_case(&noah, throat()))).await;
    assert_eq!((status, &again["id"]), (200, &first["id"]));
    let (_, list) = call(&app, "GET", "/api/v1/cases", &anna, None, None).await;
    assert_eq!(list["cases"].as_array().unwrap().len(), 1);

    // Sara arrives later but is short of breath at rest: priority 1, ahead of Noah
    let sara = login(&app, &state, "198509223452").await;
    let me = person_id(&app, &sara, "Sara").await;
    let (status, urgent) =
        call(&app, "POST", "/api/v1/cases", &sara, Some("k1"), Some(new_case(&me, cold("vila")))).await;
    assert_eq!(status, 201, "the key is per user");
    assert_eq!((urgent["priority"].as_u64(), urgent["position"].as_u64()), (Some(1), Some(1)));
    let (_, noahs) =
        call(&app, "GET", &format!("/api/v1/cases/{}", first["id"].as_str().unwrap()), &anna, None, None).await;
    assert_eq!(noahs["position"], 2);
    assert_eq!(noahs["estimatedWaitMinutes"], 20);
    // a third, routine case goes behind Noah (same priority, later arrival)
    let erik = login(&app, &state, "197905041237").await;
    let erik_id = person_id(&app, &erik, "Erik").await;
    let (_, third) =
        call(&app, "POST", "/api/v1/cases", &erik, Some("e1"), Some(new_case(&erik_id, cold("nej")))).await;
    assert_eq!(third["position"], 3);

    // withdrawing moves the others up
    let (status, withdrawn) =
        call(&app, "POST", &format!("/api/v1/cases/{}/withdraw", urgent["id"].as_str().unwrap()), &sara, None, None)
            .await;
    assert_eq!((status, withdrawn["status"].as_str()), (200, Some("withdrawn")));
    assert!(withdrawn.get("position").is_none());
    let (_, noahs) =
        call(&app, "GET", &format!("/api/v1/cases/{}", first["id"].as_str().unwrap()), &anna, None, None).await;
    assert_eq!(noahs["position"], 1);
}

#[tokio::test]
async fn nobody_reaches_another_familys_cases_or_acts_outside_the_age_rules() {
    let (app, state) = demo_app().await;
    let anna = login(&app, &state, "198001139297").await;
    let elsa = person_id(&app, &anna, "Elsa").await;
    let alva = person_id(&app, &anna, "Alva").await;
    let (status, case) = call(&app, "POST", "/api/v1/cases", &anna, Some("a"), Some(new_case(&elsa, throat()))).await;
    assert_eq!(status, 201);
    let id = case["id"].as_str().unwrap().to_owned();
    // Alva is 3 months: Digitalen starts at 6 months
    let (status, body) = call(&app, "POST", "/api/v1/cases", &anna, Some("b"), Some(new_case(&alva, throat()))).await;
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
    let (status, _) = call(&app, "POST", "/api/v1/cases", &erik, Some("x"), Some(new_case(&elsa, throat()))).await;
    assert_eq!(status, 404);
    // signed out: nothing
    let (status, _) = call(&app, "GET", "/api/v1/cases", "", None, None).await;
    assert_eq!(status, 401);
    // Anna still has hers, and the case is still waiting
    let (_, list) = call(&app, "GET", "/api/v1/cases", &anna, None, None).await;
    assert_eq!(list["cases"][0]["status"], "waiting");
}

#[tokio::test]
async fn staff_sign_in_apart_from_patients_pick_cases_and_the_sms_goes_to_the_outbox() {
    let (app, state) = demo_app().await;
    let anna = login(&app, &state, "198001139297").await;
    allow_sms(&app, &anna).await;
    let noah = person_id(&app, &anna, "Noah").await;
    let (_, case) = call(&app, "POST", "/api/v1/cases", &anna, Some("s1"), Some(new_case(&noah, throat()))).await;
    let id = case["id"].as_str().unwrap().to_owned();

    let page = |cookie: &str, uri: &str| {
        let req = Request::get(uri).header("cookie", cookie).body(Body::empty()).unwrap();
        let app = app.clone();
        async move {
            let res = send(&app, req).await;
            let status = res.status().as_u16();
            (status, String::from_utf8(body_bytes(res).await.to_vec()).unwrap())
        }
    };
    // a patient's session is no staff session
    let (_, html) = page(&anna, "/staff").await;
    assert!(html.contains("Logga in som vårdpersonal") && !html.contains("Noah"));
    let post = |cookie: &str, uri: &str, body: &str| {
        let req = Request::post(uri)
            .header("cookie", cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body.to_owned()))
            .unwrap();
        let app = app.clone();
        async move { send(&app, req).await }
    };
    assert_eq!(post(&anna, &format!("/staff/cases/{id}/pick"), "").await.status(), 401);

    let res = post("", "/staff/login", "staff=lena").await;
    let staff = res.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    assert!(res.headers()["set-cookie"].to_str().unwrap().contains("SameSite=Strict"));
    let (_, html) = page(&staff, "/staff").await;
    assert!(html.contains("Noah Andersson") && html.contains("Lena Ek"));
    // the console has its stylesheet (a file: the CSP allows no inline style), and a table sits
    // in its own box that scrolls sideways on a phone instead of widening the page
    assert!(html.contains("<link rel=\"stylesheet\" href=\"/staff/staff.css\">"));
    assert!(html.contains("<div class=\"table-box\" role=\"region\" tabindex=\"0\" aria-label=\"Kö: Hälsocentralen"));
    assert_eq!(html.matches("<table>").count(), html.matches("class=\"table-box\"").count());
    let css = send(&app, Request::get("/staff/staff.css").body(Body::empty()).unwrap()).await;
    assert_eq!(css.status(), 200);
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    assert!(String::from_utf8(body_bytes(css).await.to_vec()).unwrap().contains(".table-box"));
    // a staff cookie is no patient session
    let (status, _) = call(&app, "GET", "/api/v1/cases", &staff, None, None).await;
    assert_eq!(status, 401);
    // another site's form cannot act
    let forged = Request::post(format!("/staff/cases/{id}/pick"))
        .header("cookie", &staff)
        .header("origin", "https://evil.example")
        .header("host", "127.0.0.1")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app, forged).await.status(), 403);
    let cross_site = Request::post(format!("/staff/cases/{id}/pick"))
        .header("cookie", &staff)
        .header("origin", "null")
        .header("sec-fetch-site", "cross-site")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app, cross_site).await.status(), 403);

    assert_eq!(post(&staff, &format!("/staff/cases/{id}/pick"), "").await.status(), 303);
    let (_, mine) = call(&app, "GET", &format!("/api/v1/cases/{id}"), &anna, None, None).await;
    assert_eq!(mine["status"], "inProgress");
    // staff read Swedish, not the wire's words: a status and yes/no answers
    let (_, html) = page(&staff, &format!("/staff/cases/{id}")).await;
    assert!(html.contains("status pågår") && !html.contains("inProgress"), "{html}");
    assert!(html.contains(": Nej") && !html.contains("false"), "{html}");
    assert!(mine.get("position").is_none());
    let (_, html) = page(&staff, "/staff/sms").await;
    assert!(html.contains("+46701234567") && html.contains("Nu är det din tur"));
    assert!(!html.contains("Snuva"), "no health data in an SMS");
    // picked twice: a conflict, not a second SMS
    assert_eq!(post(&staff, &format!("/staff/cases/{id}/pick"), "").await.status(), 409);
    assert_eq!(post(&staff, &format!("/staff/cases/{id}/close"), "").await.status(), 303);
    let (_, mine) = call(&app, "GET", &format!("/api/v1/cases/{id}"), &anna, None, None).await;
    assert_eq!(mine["status"], "closed");
    // the answers are there for the staff, by text
    let (_, html) = page(&staff, &format!("/staff/cases/{id}")).await;
    // … as the patient saw them: question texts and answer displays, not linkIds and codes
    assert!(html.contains("Kan barnet svälja och dricka?</strong>: Ja, men det gör ont"), "{html}");
    assert!(html.contains("Hur länge har barnet haft besvären?</strong>: Mindre än 3 dagar"), "{html}");
    assert!(!html.contains("lt3d") && html.contains("Jag har varit sjuk i två dagar."), "{html}");
}

/// Reads the event stream until `needle` appears (or 5 s pass).
async fn stream_until(app: &Router, cookie: &str, last_event_id: Option<&str>, needle: &str) -> String {
    let mut req = Request::get("/api/v1/events").header("cookie", cookie);
    if let Some(id) = last_event_id {
        req = req.header("last-event-id", id);
    }
    let res = send(app, req.body(Body::empty()).unwrap()).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
    read_until(&mut res.into_body().into_data_stream(), needle).await
}

/// What a stream sends until `needle` appears (or 5 s pass).
async fn read_until(body: &mut axum::body::BodyDataStream, needle: &str) -> String {
    use futures_util::StreamExt;
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    while !seen.contains(needle) {
        match tokio::time::timeout_at(deadline, body.next()).await {
            Ok(Some(Ok(chunk))) => seen.push_str(&String::from_utf8_lossy(&chunk)),
            _ => break,
        }
    }
    seen
}

#[tokio::test]
async fn the_event_stream_resumes_after_last_event_id_and_shows_only_the_users_own_cases() {
    let (app, state) = demo_app().await;
    let anna = login(&app, &state, "198001139297").await;
    let noah = person_id(&app, &anna, "Noah").await;
    let (_, case) = call(&app, "POST", "/api/v1/cases", &anna, Some("ev1"), Some(new_case(&noah, throat()))).await;
    let id = case["id"].as_str().unwrap().to_owned();

    // a reconnect (even to a restarted server: events are rows) gets everything after its last id
    let seen = stream_until(&app, &anna, Some("0"), &id).await;
    assert!(seen.contains("event: case"), "{seen}");
    assert!(seen.contains("\"position\":1"), "{seen}");
    let first_id: i64 = seen.lines().find_map(|l| l.strip_prefix("id: ")).unwrap().trim().parse().unwrap();

    // Sara's urgent case moves Noah down: Anna hears it, Sara hears only her own
    let sara = login(&app, &state, "198509223452").await;
    let me = person_id(&app, &sara, "Sara").await;
    let (_, urgent) = call(&app, "POST", "/api/v1/cases", &sara, Some("ev2"), Some(new_case(&me, cold("vila")))).await;
    let seen = stream_until(&app, &anna, Some(&first_id.to_string()), "\"position\":2").await;
    assert!(seen.contains(&id) && seen.contains("\"position\":2"), "{seen}");
    assert!(!seen.contains(urgent["id"].as_str().unwrap()), "no other user's case in Anna's stream");
    let seen = stream_until(&app, &sara, Some("0"), urgent["id"].as_str().unwrap()).await;
    assert!(!seen.contains(&id), "no other user's case in Sara's stream");

    // signed out: no stream
    let res = send(&app, Request::get("/api/v1/events").body(Body::empty()).unwrap()).await;
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn a_case_needs_the_rules_a_description_and_a_category_the_unit_offers() {
    let (app, state) = demo_app().await;
    let erik = login(&app, &state, "197905041237").await;
    let me = person_id(&app, &erik, "Erik").await;
    let post = |key: &'static str, body: Value| {
        let (app, erik) = (app.clone(), erik.clone());
        async move { call(&app, "POST", "/api/v1/cases", &erik, Some(key), Some(body)).await }
    };
    let mut body = new_case(&me, cold("nej"));
    body["rulesAccepted"] = json!(false);
    let (status, err) = post("r1", body).await;
    assert_eq!((status, err["code"].as_str()), (400, Some("rules_not_accepted")));
    let mut body = new_case(&me, cold("nej"));
    body["description"] = json!("   ");
    let (status, err) = post("r2", body.clone()).await;
    assert_eq!((status, err["code"].as_str()), (400, Some("description_required")));
    body["description"] = json!("x".repeat(2001));
    let (status, err) = post("r3", body).await;
    assert_eq!((status, err["code"].as_str()), (400, Some("description_too_long")));
    // Folktandvården takes toothache, not colds
    let mut body = new_case(&me, cold("nej"));
    body["unitId"] = json!("ftv-lulea");
    let (status, err) = post("r4", body).await;
    assert_eq!((status, err["code"].as_str()), (404, Some("not_offered")));
    let (status, case) = post("r5", new_case(&me, cold("nej"))).await;
    assert_eq!(status, 201);
    assert_eq!(case["description"], "Jag har varit sjuk i två dagar.");
    assert_eq!(case["questionnaireId"], "forkylning");

    // the units say what they offer, when they are staffed and for whom each category is
    let (status, units) = call(&app, "GET", "/api/v1/units", "", None, None).await;
    assert_eq!(status, 200);
    let unit = |id: &str| units["units"].as_array().unwrap().iter().find(|u| u["id"] == id).unwrap().clone();
    let ftv = unit("ftv-lulea");
    assert_eq!(ftv["timeZone"], "Europe/Stockholm");
    assert_eq!(ftv["hours"][4], json!({ "day": 5, "opens": "07:30", "closes": "14:00" }));
    assert_eq!(ftv["categories"], json!([{ "questionnaireId": "tandvark", "title": "Tandvärk" }]));
    let hc = unit("hc-gibraltar");
    assert_eq!(hc["hours"].as_array().unwrap().len(), 7);
    assert_eq!(hc["services"][0], "seekCare");
    let categories = hc["categories"].as_array().unwrap();
    let throat = categories.iter().find(|c| c["questionnaireId"] == "ont-i-halsen-barn").unwrap();
    assert_eq!((throat.get("minAge"), &throat["maxAge"]), (None, &json!(17)));
    let cold = categories.iter().find(|c| c["questionnaireId"] == "forkylning").unwrap();
    assert_eq!((&cold["minAge"], cold.get("maxAge")), (&json!(18), None));
}

/// `/units` is public and read by everyone: it reads the ages stored with each form and
/// parses no questionnaire (a form no parser could read still lists with its ages), and a
/// form stored by other means has its ages read once, at the next start.
#[tokio::test]
async fn the_units_list_parses_no_form_and_ages_are_read_once_when_stored() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ingang.db");
    let db = ingang_server::db::Db::open_at_for_test(&path).unwrap();
    db.store(ingang_server::demo::seed).await.unwrap();
    let ages = |units: &Value, form: &str| {
        let hc = units["units"].as_array().unwrap().iter().find(|u| u["id"] == "hc-gibraltar").unwrap().clone();
        let c = hc["categories"].as_array().unwrap().iter().find(|c| c["questionnaireId"] == form).cloned().unwrap();
        (c["minAge"].clone(), c["maxAge"].clone())
    };
    let list = |db: ingang_server::db::Db| async move {
        let app = ingang_server::app(ingang_server::AppState::new(db, true), &Default::default());
        call(&app, "GET", "/api/v1/units", "", None, None).await.1
    };
    db.store(|c| {
        c.execute("UPDATE questionnaires SET resource = '{}' WHERE id = 'forkylning'", ingang_server::params![])
    })
    .await
    .unwrap();
    // written without its ages (as by hand): none listed until the next start reads them
    db.store(|c| {
        c.execute(
            "UPDATE questionnaires SET max_age = NULL, ages_read = 0 WHERE id = 'ont-i-halsen-barn'",
            ingang_server::params![],
        )
    })
    .await
    .unwrap();
    let units = list(db.clone()).await;
    assert_eq!(ages(&units, "forkylning"), (json!(18), Value::Null), "the stored ages, not the resource");
    assert_eq!(ages(&units, "ont-i-halsen-barn"), (Value::Null, Value::Null));
    drop(db);
    let units = list(ingang_server::db::Db::open_at_for_test(&path).unwrap()).await;
    assert_eq!(ages(&units, "ont-i-halsen-barn"), (Value::Null, json!(17)));
}

#[tokio::test]
async fn a_case_closed_three_days_ago_can_be_continued_but_not_one_closed_five_days_ago() {
    let (app, state) = demo_app().await;
    let sara = login(&app, &state, "198509223452").await;
    let (_, list) = call(&app, "GET", "/api/v1/cases", &sara, None, None).await;
    let case = |id: &str| list["cases"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap().clone();
    let (recent, old) = (case("demo-sara-3-dagar"), case("demo-sara-5-dagar"));
    assert_eq!((recent["status"].as_str(), old["status"].as_str()), (Some("closed"), Some("closed")));
    let until = recent["canContinueUntil"].as_i64().expect("within four days");
    assert_eq!(until, recent["closedAt"].as_i64().unwrap() + 4 * 86_400);
    assert!(old.get("canContinueUntil").is_none());

    let message = Some(json!({ "message": "Utslagen har kommit tillbaka." }));
    let (status, err) =
        call(&app, "POST", "/api/v1/cases/demo-sara-5-dagar/continue", &sara, Some("c0"), message.clone()).await;
    assert_eq!((status, err["code"].as_str()), (409, Some("cannot_continue")));
    let (status, err) =
        call(&app, "POST", "/api/v1/cases/demo-sara-3-dagar/continue", &sara, None, message.clone()).await;
    assert_eq!((status, err["code"].as_str()), (400, Some("idempotency_key_required")));
    let (status, err) = call(
        &app,
        "POST",
        "/api/v1/cases/demo-sara-3-dagar/continue",
        &sara,
        Some("c1"),
        Some(json!({ "message": " " })),
    )
    .await;
    assert_eq!((status, err["code"].as_str()), (400, Some("message_required")));
    // somebody else's case is not found
    let erik = login(&app, &state, "197905041237").await;
    let (status, _) =
        call(&app, "POST", "/api/v1/cases/demo-sara-3-dagar/continue", &erik, Some("c1"), message.clone()).await;
    assert_eq!(status, 404);

    let (status, continued) =
        call(&app, "POST", "/api/v1/cases/demo-sara-3-dagar/continue", &sara, Some("c1"), message.clone()).await;
    assert_eq!(status, 200, "{continued}");
    assert_eq!((continued["status"].as_str(), continued["position"].as_u64()), (Some("waiting"), Some(1)));
    assert_eq!(continued["createdAt"], recent["createdAt"], "still the same case");
    // a retry with the same key: the same answer, no second message
    let (status, again) =
        call(&app, "POST", "/api/v1/cases/demo-sara-3-dagar/continue", &sara, Some("c1"), message.clone()).await;
    assert_eq!((status, again["status"].as_str()), (200, Some("waiting")));
    let count: i64 = state
        .db
        .store(|c| {
            c.query_row(
                "SELECT COUNT(*) AS count FROM messages WHERE case_id = 'demo-sara-3-dagar'",
                ingang_server::params![],
                |r| r.get("count"),
            )
        })
        .await
        .unwrap();
    assert_eq!(count, 1);
    // a waiting case cannot be "continued" with another key
    let (status, _) = call(&app, "POST", "/api/v1/cases/demo-sara-3-dagar/continue", &sara, Some("c2"), message).await;
    assert_eq!(status, 409);
}

#[tokio::test]
async fn cases_list_per_person() {
    let (app, state) = demo_app().await;
    let anna = login(&app, &state, "198001139297").await;
    let (noah, elsa, me) = (
        person_id(&app, &anna, "Noah").await,
        person_id(&app, &anna, "Elsa").await,
        person_id(&app, &anna, "Anna").await,
    );
    call(&app, "POST", "/api/v1/cases", &anna, Some("n"), Some(new_case(&noah, throat()))).await;
    call(&app, "POST", "/api/v1/cases", &anna, Some("e"), Some(new_case(&elsa, throat()))).await;
    call(&app, "POST", "/api/v1/cases", &anna, Some("a"), Some(new_case(&me, cold("nej")))).await;
    let names = |list: &Value| -> Vec<String> {
        list["cases"].as_array().unwrap().iter().map(|c| c["personName"].as_str().unwrap().to_owned()).collect()
    };
    let (_, all) = call(&app, "GET", "/api/v1/cases", &anna, None, None).await;
    assert_eq!(names(&all), ["Anna Andersson", "Elsa Andersson", "Noah Andersson"]);
    let (_, only) = call(&app, "GET", &format!("/api/v1/cases?personId={noah}"), &anna, None, None).await;
    assert_eq!(names(&only), ["Noah Andersson"]);
    let erik = login(&app, &state, "197905041237").await;
    let (_, none) = call(&app, "GET", &format!("/api/v1/cases?personId={noah}"), &erik, None, None).await;
    assert_eq!(names(&none), Vec::<String>::new());
}

#[tokio::test]
async fn chat_opens_when_picked_is_idempotent_paged_streamed_and_private() {
    let (app, state, anna, id) = noahs_case("chat").await;
    let uri = format!("/api/v1/cases/{id}/messages");
    let hello = |client: &str, body: &str| Some(json!({ "clientId": client, "body": body }));

    // waiting: the chat is not open yet
    let (status, err) = call(&app, "POST", &uri, &anna, None, hello("m0", "Hej?")).await;
    assert_eq!((status, err["code"].as_str()), (409, Some("chat_closed")));
    pick(&state, &id).await;

    let (status, err) = call(&app, "POST", &uri, &anna, None, hello("m1", "  ")).await;
    assert_eq!((status, err["code"].as_str()), (400, Some("message_required")));
    let (status, first) = call(&app, "POST", &uri, &anna, None, hello("m1", "Han har fått feber nu.")).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!((first["author"].as_str(), first["clientId"].as_str()), (Some("patient"), Some("m1")));
    // the same client id again (a retry): the same message, no second one
    let (status, again) = call(&app, "POST", &uri, &anna, None, hello("m1", "Han har fått feber nu.")).await;
    assert_eq!((status, &again["id"]), (200, &first["id"]));

    // staff answer (as the console does); the owner's stream carries it
    let (cid, now) = (id.clone(), state.clock.now());
    state
        .db
        .store(move |c| {
            let draft = ingang_server::domain::chat::Draft {
                author: ingang_api::chat::Author::Staff,
                staff: Some(("Lena", "Sjuksköterska")),
                body: "Hur hög är febern?",
                client_id: "s1",
                picture_ids: &[],
                asks_for_picture: true,
                now,
            };
            ingang_server::domain::chat::insert(c, &cid, draft)
        })
        .await
        .unwrap();
    let streamed = stream_until(&app, &anna, Some("0"), "Hur hög är febern?").await;
    assert!(streamed.contains("event: message"), "{streamed}");
    assert!(streamed.contains("\"authorRole\":\"Sjuksköterska\""));
    assert!(streamed.contains("\"asksForPicture\":true"));

    let (_, page) = call(&app, "GET", &uri, &anna, None, None).await;
    let bodies: Vec<&str> = page["messages"].as_array().unwrap().iter().map(|m| m["body"].as_str().unwrap()).collect();
    assert_eq!(bodies, ["Han har fått feber nu.", "Hur hög är febern?"]);
    assert_eq!(page["hasMore"], false);
    let (_, newest) = call(&app, "GET", &format!("{uri}?limit=1"), &anna, None, None).await;
    assert_eq!((newest["messages"][0]["authorName"].as_str(), &newest["hasMore"]), (Some("Lena"), &json!(true)));
    let before = newest["messages"][0]["id"].as_i64().unwrap();
    let (_, older) = call(&app, "GET", &format!("{uri}?limit=1&before={before}"), &anna, None, None).await;
    assert_eq!(
        (older["messages"][0]["body"].as_str(), &older["hasMore"]),
        (Some("Han har fått feber nu."), &json!(false))
    );
    // a page is 1 to 100 messages, as the contract says: not silently something else
    for limit in ["0", "101", "4294967295"] {
        let (status, err) = call(&app, "GET", &format!("{uri}?limit={limit}"), &anna, None, None).await;
        assert_eq!((status, err["code"].as_str()), (400, Some("bad_request")), "limit={limit}");
    }
    assert_eq!(call(&app, "GET", &format!("{uri}?limit=100"), &anna, None, None).await.0, 200);

    // another user sees nothing and cannot write
    let erik = login(&app, &state, "197905041237").await;
    let (status, body) = call(&app, "GET", &uri, &erik, None, None).await;
    assert_eq!(status, 404);
    assert!(!body.to_string().contains("feber"));
    let (status, _) = call(&app, "POST", &uri, &erik, None, hello("e1", "Hej")).await;
    assert_eq!(status, 404);
}

/// A waiting case of Anna's son Noah (sent with idempotency key `key`); returns (app, state,
/// anna's cookie, case id).
async fn noahs_case(key: &str) -> (Router, ingang_server::AppState, String, String) {
    let (app, state) = demo_app().await;
    let anna = login(&app, &state, "198001139297").await;
    let noah = person_id(&app, &anna, "Noah").await;
    let (_, case) = call(&app, "POST", "/api/v1/cases", &anna, Some(key), Some(new_case(&noah, throat()))).await;
    let id = case["id"].as_str().unwrap().to_owned();
    (app, state, anna, id)
}

/// Staff pick the case (as the console does): its chat opens.
async fn pick(state: &ingang_server::AppState, id: &str) {
    let cid = id.to_owned();
    state
        .db
        .store(move |c| c.execute("UPDATE cases SET status = 'inProgress', picked_at = 1 WHERE id = ?1", [cid]))
        .await
        .unwrap();
}

/// [`noahs_case`], picked.
async fn picked_case() -> (Router, ingang_server::AppState, String, String) {
    let (app, state, anna, id) = noahs_case("pic").await;
    pick(&state, &id).await;
    (app, state, anna, id)
}

fn photo(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(
        w,
        h,
        |x, _| if x < w / 2 { image::Rgb([200, 0, 0]) } else { image::Rgb([0, 0, 200]) },
    );
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85).encode_image(&img).unwrap();
    out
}

#[tokio::test]
async fn pictures_are_checked_retry_safe_sent_with_a_message_and_private() {
    let (app, state, anna, id) = picked_case().await;
    let (status, limits) = call(&app, "GET", "/api/v1/pictures/limits", &anna, None, None).await;
    assert_eq!((status, limits["maxEdge"].as_u64()), (200, Some(2048)));
    let max = limits["maxUploadBytes"].as_u64().unwrap() as usize;
    let put = |pid: &str| format!("/api/v1/cases/{id}/pictures/{pid}");

    // a program renamed to .jpg, a broken JPEG, too large, a bad id: refused with their codes
    let exe = b"MZ\x90\x00\x03\x00\x00\x00This program cannot be run in DOS mode".to_vec();
    assert_eq!(put_bytes(&app, &put("aaaaaaaa-1"), &anna, "image/jpeg", exe).await.1["code"], "unsupported_type");
    let broken = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 1, 2, 3, 4, 5, 6];
    assert_eq!(put_bytes(&app, &put("aaaaaaaa-2"), &anna, "image/jpeg", broken).await.1["code"], "undecodable");
    let (status, err) = put_bytes(&app, &put("aaaaaaaa-3"), &anna, "image/jpeg", vec![0xFF; max + 1]).await;
    assert_eq!((status, err["code"].as_str()), (413, Some("too_large")));
    assert_eq!(put_bytes(&app, &put("x/../y"), &anna, "image/jpeg", photo(8, 8)).await.0, 404);
    assert_eq!(put_bytes(&app, &put("kort"), &anna, "image/jpeg", photo(8, 8)).await.1["code"], "bad_picture_id");

    // stored once, whatever the retries
    let pid = "0b6f1c9e-4a43-4d7c-9d55-3f0e8d7c1a20";
    let (status, first) = put_bytes(&app, &put(pid), &anna, "image/jpeg", photo(300, 200)).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!((first["width"].as_u64(), first["height"].as_u64()), (Some(300), Some(200)));
    let (status, again) = put_bytes(&app, &put(pid), &anna, "image/jpeg", photo(300, 200)).await;
    assert_eq!((status, &again["id"]), (200, &first["id"]));

    // another user can neither take over the id nor see the picture
    let erik = login(&app, &state, "197905041237").await;
    assert_eq!(put_bytes(&app, &put(pid), &erik, "image/jpeg", photo(8, 8)).await.0, 404, "not his case");
    let (status, _) = call(&app, "GET", &format!("/api/v1/pictures/{pid}"), &erik, None, None).await;
    assert_eq!(status, 404);

    // a message with an unknown picture is refused; with the uploaded one it carries it
    let uri = format!("/api/v1/cases/{id}/messages");
    let (status, err) =
        call(&app, "POST", &uri, &anna, None, Some(json!({ "clientId": "p0", "pictureIds": ["nope-nope-1"] }))).await;
    assert_eq!((status, err["code"].as_str()), (400, Some("unknown_picture")));
    let (status, sent) =
        call(&app, "POST", &uri, &anna, None, Some(json!({ "clientId": "p1", "body": "", "pictureIds": [pid] }))).await;
    assert_eq!(status, 201, "{sent}");
    assert_eq!(sent["pictures"][0]["id"], pid);
    let (_, page) = call(&app, "GET", &uri, &anna, None, None).await;
    assert_eq!(page["messages"][0]["pictures"][0]["thumbnailUrl"], format!("/api/v1/pictures/{pid}/thumbnail"));
    let streamed = stream_until(&app, &anna, Some("0"), pid).await;
    assert!(streamed.contains(pid), "the message event carries the picture");

    // the owner gets the bytes, never sniffed, never cached; others get 404
    for path in [format!("/api/v1/pictures/{pid}"), format!("/api/v1/pictures/{pid}/thumbnail")] {
        let res = send(&app, Request::get(&path).header("cookie", &anna).body(Body::empty()).unwrap()).await;
        assert_eq!(res.status(), 200);
        assert_eq!(header(&res, "content-type"), "image/jpeg");
        assert_eq!(header(&res, "x-content-type-options"), "nosniff");
        assert!(header(&res, "content-disposition").starts_with("inline; filename=\"bild-"));
        assert!(header(&res, "cache-control").contains("no-store"));
        // the picture's own policy, not the app's: opened directly, it can run nothing
        assert_eq!(header(&res, "content-security-policy"), "default-src 'none'; sandbox");
        let bytes = body_bytes(res).await;
        assert_eq!(&bytes[..3], &[0xFF, 0xD8, 0xFF]);
        let res = send(&app, Request::get(&path).header("cookie", &erik).body(Body::empty()).unwrap()).await;
        assert_eq!(res.status(), 404);
        let res = send(&app, Request::get(&path).body(Body::empty()).unwrap()).await;
        assert_eq!(res.status(), 401);
    }
    // a picture cannot be sent twice
    let (status, err) =
        call(&app, "POST", &uri, &anna, None, Some(json!({ "clientId": "p2", "pictureIds": [pid] }))).await;
    assert_eq!((status, err["code"].as_str()), (400, Some("unknown_picture")));
}

/// Opens the event stream and reads its opening; returns the rest of the body.
async fn open_stream(app: &Router, cookie: &str) -> axum::body::BodyDataStream {
    use futures_util::StreamExt;
    let res = send(app, Request::get("/api/v1/events").header("cookie", cookie).body(Body::empty()).unwrap()).await;
    assert_eq!(res.status(), 200);
    let mut body = res.into_body().into_data_stream();
    let first = tokio::time::timeout(std::time::Duration::from_secs(2), body.next()).await.unwrap().unwrap().unwrap();
    assert!(String::from_utf8_lossy(&first).contains("ready"));
    body
}

/// What the stream sends within `secs` seconds, and whether it ended in that time.
async fn rest_of(body: &mut axum::body::BodyDataStream, secs: f64) -> (String, bool) {
    use futures_util::StreamExt;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs_f64(secs);
    let mut seen = String::new();
    loop {
        match tokio::time::timeout_at(deadline, body.next()).await {
            Ok(Some(Ok(chunk))) => seen.push_str(&String::from_utf8_lossy(&chunk)),
            Ok(_) => return (seen, true),
            Err(_) => return (seen, false),
        }
    }
}

#[tokio::test]
async fn an_event_stream_ends_at_once_at_logout_and_sends_nothing_after() {
    let (app, state) = demo_app().await;
    let anna = login(&app, &state, "198001139297").await;
    let other_device = login(&app, &state, "198001139297").await;
    let mut body = open_stream(&app, &anna).await;
    assert_eq!(call(&app, "POST", "/api/v1/auth/logout", &anna, None, None).await.0, 204);
    // a case from Anna's other device right after: the ended stream must not carry it
    let noah = person_id(&app, &other_device, "Noah").await;
    let (status, _) =
        call(&app, "POST", "/api/v1/cases", &other_device, Some("lo1"), Some(new_case(&noah, throat()))).await;
    assert_eq!(status, 201);
    let (seen, ended) = rest_of(&mut body, 1.0).await;
    assert!(ended, "the stream ended within a second of the logout");
    assert!(!seen.contains("event: case"), "nothing after the logout: {seen}");
    // the other session's stream goes on
    let mut body = open_stream(&app, &other_device).await;
    let (_, ended) = rest_of(&mut body, 0.3).await;
    assert!(!ended);
}

#[tokio::test]
async fn an_event_stream_ends_when_its_session_expires_or_is_revoked_elsewhere() {
    let db = ingang_server::db::Db::open_for_test(module_path!()).unwrap();
    db.store(ingang_server::demo::seed).await.unwrap();
    let mut state = ingang_server::AppState::new(db, true);
    state.sessions.idle = std::time::Duration::from_secs(2);
    let app = ingang_server::app(state.clone(), &ingang_server::Config { demo: true, ..Default::default() });

    // inactivity: the stream itself is not activity, and it ends when the limit passes
    let anna = login(&app, &state, "198001139297").await;
    let mut body = open_stream(&app, &anna).await;
    let (_, ended) = rest_of(&mut body, 5.0).await;
    assert!(ended, "the stream ended within 2 s of inactivity (and a second's rounding)");
    assert_eq!(call(&app, "GET", "/api/v1/me/people", &anna, None, None).await.0, 401);

    // revoked by another process (a row in the database, no signal here): the next event is
    // not sent, the stream ends instead
    state.sessions.idle = std::time::Duration::from_secs(900);
    let app = ingang_server::app(state.clone(), &ingang_server::Config { demo: true, ..Default::default() });
    let anna = login(&app, &state, "198001139297").await;
    let other_device = login(&app, &state, "198001139297").await;
    let mut body = open_stream(&app, &anna).await;
    let hash = anna.split_once('=').map(|(_, t)| ingang_server::domain::sessions::hash(t)).unwrap();
    state.db.store(move |c| c.execute("UPDATE sessions SET revoked = 1 WHERE id_hash = ?1", [hash])).await.unwrap();
    let noah = person_id(&app, &other_device, "Noah").await;
    let (status, _) =
        call(&app, "POST", "/api/v1/cases", &other_device, Some("rv1"), Some(new_case(&noah, throat()))).await;
    assert_eq!(status, 201);
    let (seen, ended) = rest_of(&mut body, 2.0).await;
    assert!(ended && !seen.contains("event: case"), "{seen}");
}

#[tokio::test]
async fn a_patient_has_at_most_three_open_requests_whoever_sends_them() {
    let (app, state) = demo_app().await;
    let anna = login(&app, &state, "198001139297").await;
    let noah = person_id(&app, &anna, "Noah").await;
    let mut ids = Vec::new();
    for key in ["o1", "o2", "o3"] {
        let (status, case) =
            call(&app, "POST", "/api/v1/cases", &anna, Some(key), Some(new_case(&noah, throat()))).await;
        assert_eq!(status, 201, "{case}");
        ids.push(case["id"].as_str().unwrap().to_owned());
    }
    pick(&state, &ids[0]).await; // ongoing counts as open too
    let (status, err) = call(&app, "POST", "/api/v1/cases", &anna, Some("o4"), Some(new_case(&noah, throat()))).await;
    assert_eq!((status, err["code"].as_str()), (409, Some("too_many_open_cases")));
    assert!(err["message"].as_str().unwrap().contains("Noah"), "{err}");
    // a retry of one that was sent is still that one
    let (status, again) = call(&app, "POST", "/api/v1/cases", &anna, Some("o3"), Some(new_case(&noah, throat()))).await;
    assert_eq!((status, again["id"].as_str()), (200, Some(ids[2].as_str())));
    // Anna herself is another patient
    let me = person_id(&app, &anna, "Anna").await;
    assert_eq!(call(&app, "POST", "/api/v1/cases", &anna, Some("a1"), Some(new_case(&me, cold("nej")))).await.0, 201);
    // one closed: room for a new one
    let closed = ids[1].clone();
    state.db.store(move |c| c.execute("UPDATE cases SET status = 'closed' WHERE id = ?1", [closed])).await.unwrap();
    assert_eq!(call(&app, "POST", "/api/v1/cases", &anna, Some("o5"), Some(new_case(&noah, throat()))).await.0, 201);
}

/// Twenty copies of one `continue` at once (a double tap and retries): every one gets the
/// continued case, and one message is written.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_continues_with_one_key_all_get_the_continued_case() {
    let (app, state) = demo_app().await;
    let sara = login(&app, &state, "198509223452").await;
    let message = Some(json!({ "message": "Febern är tillbaka." }));
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (app, sara, message) = (app.clone(), sara.clone(), message.clone());
            tokio::spawn(async move {
                call(&app, "POST", "/api/v1/cases/demo-sara-3-dagar/continue", &sara, Some("same"), message).await
            })
        })
        .collect();
    for task in tasks {
        let (status, case) = task.await.unwrap();
        assert_eq!((status, case["status"].as_str()), (200, Some("waiting")), "{case}");
    }
    let n: i64 = state
        .db
        .store(|c| {
            c.query_row(
                "SELECT COUNT(*) AS count FROM messages WHERE case_id = 'demo-sara-3-dagar' AND idempotency_key = 'same'",
                ingang_server::params![],
                |r| r.get("count"),
            )
        })
        .await
        .unwrap();
    assert_eq!(n, 1);
}

/// A queue change writes the same two rows whether 3 or 300 wait (the changed case's owner,
/// and the unit), and an open stream still learns its new place from the unit's row.
#[tokio::test]
async fn a_queue_change_costs_the_same_however_long_the_queue() {
    let (app, state, anna, noahs) = noahs_case("q1").await;
    // 300 others wait at the same unit, ahead of Noah (most urgent)
    let from = noahs.clone();
    state
        .db
        .store(move |c| {
            c.execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
                 INSERT INTO cases (id, owner, patient, unit_id, questionnaire_id, title, response, priority, status,
                                    created_at, queued_at, idempotency_key, description, rules_accepted_at, seq)
                 SELECT 'many-' || i, '197905041237', '197905041237', unit_id, questionnaire_id, title, response, 1,
                        'waiting', created_at, queued_at - 1000 + i, 'many-' || i, description, rules_accepted_at,
                        seq + i
                 FROM cases, n WHERE cases.id = ?1",
                [from],
            )
        })
        .await
        .unwrap();
    let mut body = open_stream(&app, &anna).await;
    let count = |state: ingang_server::AppState| async move {
        state
            .db
            .store(|c| {
                c.query_row("SELECT COUNT(*) AS count FROM events", ingang_server::params![], |r| r.get::<i64>("count"))
            })
            .await
            .unwrap()
    };
    let before = count(state.clone()).await;
    let sara = login(&app, &state, "198509223452").await;
    let me = person_id(&app, &sara, "Sara").await;
    let (status, _) = call(&app, "POST", "/api/v1/cases", &sara, Some("q2"), Some(new_case(&me, cold("vila")))).await;
    assert_eq!(status, 201);
    assert_eq!(count(state.clone()).await - before, 2, "Sara's own row and the unit's");
    // Noah is now behind 300 and Sara's urgent case
    let seen = read_until(&mut body, "\"position\":302").await;
    assert!(seen.contains(&noahs) && seen.contains("\"position\":302"), "{seen}");
    assert!(!seen.contains("many-"), "nobody else's cases: {seen}");
}

/// The description is asked once (the flow's own step), never again as the form's last item.
#[tokio::test]
async fn a_form_answer_repeating_the_description_is_refused_as_unknown() {
    let (app, state) = demo_app().await;
    let cookie = login(&app, &state, "197905041237").await;
    let erik = person_id(&app, &cookie, "Erik").await;
    let mut response = cold("nej");
    response["item"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "linkId": "beskrivning", "answer": [{ "valueString": "Snuva." }] }));
    let (status, body) =
        call(&app, "POST", "/api/v1/cases", &cookie, Some("dup-1"), Some(new_case(&erik, response))).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("invalid_response")), "{body}");
}

/// SDC pre-population: a child's form is served with the child's age filled in (the form's
/// `launchContext` patient and `initialExpression`), only to a guardian, and validated as served.
#[tokio::test]
async fn a_childs_form_comes_with_the_childs_age_and_only_to_a_guardian() {
    let (app, state) = demo_app().await;
    let anna = login(&app, &state, "198001139297").await;
    let (_, people) = call(&app, "GET", "/api/v1/me/people", &anna, None, None).await;
    let noah = people["people"].as_array().unwrap().iter().find(|p| p["givenName"] == "Noah").unwrap().clone();
    let (noah_id, noah_age) = (noah["id"].as_str().unwrap().to_owned(), noah["age"].as_u64().unwrap());
    let uri = format!("/api/v1/questionnaires/ont-i-halsen-barn?patientId={noah_id}");
    let (status, form) = call(&app, "GET", &uri, &anna, None, None).await;
    assert_eq!(status, 200);
    let alder = form["item"].as_array().unwrap().iter().find(|i| i["linkId"] == "alder").unwrap();
    assert_eq!(alder["initial"], json!([{ "valueInteger": noah_age }]));
    let text = form.to_string();
    assert!(!text.contains("initialExpression") && !text.contains("launchContext"), "a plain R4 form: {text}");
    // as authored without a patient: the expression is there for any SDC filler
    let (status, authored) = call(&app, "GET", "/api/v1/questionnaires/ont-i-halsen-barn", "", None, None).await;
    assert_eq!(status, 200);
    assert!(authored.to_string().contains("%patient.birthDate"));
    // no session: 401; someone else's child: not found
    assert_eq!(call(&app, "GET", &uri, "", None, None).await.0, 401);
    let erik = login(&app, &state, "197905041237").await;
    assert_eq!(call(&app, "GET", &uri, &erik, None, None).await.0, 404);
    // the answers are checked against the form as served: the age item validates as a question
    let mut wrong = throat();
    wrong["item"][0]["answer"] = json!([{ "valueInteger": 40 }]);
    let (status, body) =
        call(&app, "POST", "/api/v1/cases", &anna, Some("age-1"), Some(new_case(&noah_id, wrong))).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("invalid_response")), "over the maxValue: {body}");
}

/// A staff member works at their own units only: another unit's queue, cases, chat and visits
/// are not shown, cannot be opened, picked, closed, re-prioritised or written in, and the
/// outbox (every patient's number) is for the region's own roles.
#[tokio::test]
async fn staff_see_and_change_only_their_own_units_cases_and_visits() {
    let (app, state) = demo_app().await;
    let anna = login(&app, &state, "198001139297").await;
    let noah = person_id(&app, &anna, "Noah").await;
    let (_, case) = call(&app, "POST", "/api/v1/cases", &anna, Some("units-1"), Some(new_case(&noah, throat()))).await;
    let id = case["id"].as_str().unwrap().to_owned();
    let lena = staff_cookie(&app).await;
    let sara = staff_cookie_as(&app, "sara").await;
    let post = |cookie: &str, uri: String, body: &'static str| {
        let req = Request::post(uri)
            .header("cookie", cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        send(&app, req)
    };
    let status = |cookie: &str, uri: String| {
        let req = Request::get(uri).header("cookie", cookie).body(Body::empty()).unwrap();
        let app = app.clone();
        async move { send(&app, req).await.status().as_u16() }
    };

    // the queue: Hälsocentralen Gibraltar's case is in the region nurse's, not the midwife's
    assert!(html(&app, &lena, "/staff").await.contains(&id));
    let queue = html(&app, &sara, "/staff").await;
    assert!(queue.contains("Sara Lind") && !queue.contains(&id) && !queue.contains("Noah"), "{queue}");
    // nor by its address, nor any change to it
    assert_eq!(status(&sara, format!("/staff/cases/{id}")).await, 404);
    for (uri, body) in [
        (format!("/staff/cases/{id}/pick"), ""),
        (format!("/staff/cases/{id}/priority"), "priority=1"),
        (format!("/staff/cases/{id}/close"), ""),
        (format!("/staff/cases/{id}/messages"), "body=Hej"),
    ] {
        assert_eq!(post(&sara, uri.clone(), body).await.status(), 404, "{uri}");
    }
    let (_, seen) = call(&app, "GET", &format!("/api/v1/cases/{id}"), &anna, None, None).await;
    assert_eq!(seen["status"], "waiting", "the case did not move: {seen}");
    assert_eq!(seen["priority"], case["priority"], "nor its priority: {seen}");

    // the region nurse picks it and writes; the midwife still cannot write in it
    assert_eq!(post(&lena, format!("/staff/cases/{id}/pick"), "").await.status(), 303);
    assert_eq!(post(&sara, format!("/staff/cases/{id}/messages"), "body=Hej").await.status(), 404);
    let (_, chat) = call(&app, "GET", &format!("/api/v1/cases/{id}/messages"), &anna, None, None).await;
    assert!(!chat.to_string().contains("Sara"), "{chat}");

    // today's visits: only their units'; the outbox: region-wide roles only
    let visits = html(&app, &lena, "/staff/besok").await;
    let theirs = html(&app, &sara, "/staff/besok").await;
    assert!(!theirs.contains("Hälsocentralen Gibraltar"), "{theirs}");
    assert!(visits.contains("<h2>") || visits.contains("Inga besök i dag"), "{visits}");
    assert_eq!(status(&sara, "/staff/sms".into()).await, 403);
    assert_eq!(status(&lena, "/staff/sms".into()).await, 200);
}

/// Two server processes on one database file, each with its own memory (event hub, BankID
/// simulator, limits): a session made on one is good on the other, what is written through one
/// reaches the event stream open on the other (and a resume there), and a retry through the
/// other with the same idempotency key gives the same case, not a second one.
#[tokio::test]
async fn two_processes_on_one_database_serve_the_same_users() {
    use futures_util::StreamExt;
    use ingang_server::{AppState, Config, app, db::Db, demo};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ingang.sqlite");
    let first = Db::open_at_for_test(&path).unwrap();
    first.store(demo::seed).await.unwrap();
    let (one, two) = (AppState::new(first, true), AppState::new(Db::open_at_for_test(&path).unwrap(), true));
    let config = Config { demo: true, ..Config::default() };
    let (a, b) = (app(one.clone(), &config), app(two.clone(), &config));
    one.clock.set(Some(stockholm_tomorrow_at("11:00")));
    two.clock.set(Some(stockholm_tomorrow_at("11:00")));

    let anna = login(&a, &one, "198001139297").await;
    let noah = person_id(&b, &anna, "Noah").await;
    let res = send(&b, Request::get("/api/v1/events").header("cookie", &anna).body(Body::empty()).unwrap()).await;
    assert_eq!(res.status(), 200);
    let mut stream = res.into_body().into_data_stream();
    let opening = tokio::time::timeout(std::time::Duration::from_secs(2), stream.next()).await.unwrap();
    assert!(opening.is_some());
    // the stream has caught up and waits for news: nothing yet
    let idle = tokio::time::timeout(std::time::Duration::from_millis(500), stream.next()).await;
    assert!(idle.is_err(), "{idle:?}");

    let (status, case) = call(&a, "POST", "/api/v1/cases", &anna, Some("p1"), Some(new_case(&noah, throat()))).await;
    assert_eq!(status, 201, "{case}");
    let id = case["id"].as_str().unwrap().to_owned();
    let seen = read_until(&mut stream, &id).await;
    assert!(seen.contains("event: case") && seen.contains(&id), "the other process's stream: {seen}");
    // a resume on the other process from before the case
    let resumed = stream_until(&b, &anna, Some("0"), &id).await;
    assert!(resumed.contains(&id), "{resumed}");
    // the retry reaches the other process: the same case
    let (status, again) = call(&b, "POST", "/api/v1/cases", &anna, Some("p1"), Some(new_case(&noah, throat()))).await;
    assert_eq!((status, &again["id"]), (200, &case["id"]));
    let (_, list) = call(&a, "GET", "/api/v1/cases", &anna, None, None).await;
    assert_eq!(list["cases"].as_array().unwrap().iter().filter(|c| c["id"] == case["id"]).count(), 1);
    // a logout through the first process ends the stream open on the other at once (not at its
    // next 30-second look), and another session's stream there goes on
    let other_device = login(&a, &one, "198001139297").await;
    let res = send(
        &b,
        Request::get("/api/v1/events").header("cookie", &other_device).body(Body::empty()).expect("a request"),
    )
    .await;
    let mut other = res.into_body().into_data_stream();
    assert_eq!(call(&a, "POST", "/api/v1/auth/logout", &anna, None, None).await.0, 204);
    let (seen, ended) = rest_of(&mut stream, 2.0).await;
    assert!(ended, "the other process's stream ended with the logout");
    assert!(!seen.contains("session-ended"), "never sent on: {seen}");
    let (seen, ended) = rest_of(&mut other, 0.5).await;
    assert!(!ended && !seen.contains("session-ended"), "another session's stream goes on: {seen}");
}

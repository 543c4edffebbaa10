//! E-services and the inbox: what each unit offers, errands validated and sent once, who may send
//! for whom (a child of 10 yes, of 14 no), staff answers reaching the inbox, read state, questions
//! answered once, information that cannot be answered, notifications by each user's settings, and
//! nobody reading another family's errands or messages.

mod common;

use axum::{Router, body::Body, http::Request};
use common::*;
use serde_json::{Value, json};

const ANNA: &str = "198001139297";
const ERIK: &str = "197905041237";

fn coding(form: &str, item: &str, code: &str) -> Value {
    json!({ "valueCoding": { "system": format!("https://ingang.se/fhir/CodeSystem/{form}-{item}"), "code": code } })
}

fn response(form: &str, items: Value) -> Value {
    json!({
        "resourceType": "QuestionnaireResponse",
        "questionnaire": format!("https://ingang.se/fhir/Questionnaire/{form}|1.0"),
        "status": "completed",
        "item": items
    })
}

fn contact_me() -> Value {
    response(
        "kontakta-mig",
        json!([
            { "linkId": "orsak", "answer": [coding("kontakta-mig", "orsak", "provsvar")] },
            { "linkId": "beskrivning", "answer": [{ "valueString": "Jag väntar på svar på blodprovet." }] },
            { "linkId": "hur", "answer": [coding("kontakta-mig", "hur", "meddelande")] }
        ]),
    )
}

/// Sends "Kontakta mig" at Hälsocentralen Gibraltar for `person`; the errand.
async fn contact_errand(app: &Router, cookie: &str, person: &str, key: &str) -> Value {
    let body =
        json!({ "personId": person, "unitId": "hc-gibraltar", "eServiceId": "kontakta-mig", "response": contact_me() });
    call(app, "POST", "/api/v1/errands", cookie, Some(key), Some(body)).await.1
}

async fn form(app: &Router, cookie: &str, uri: &str, body: &str) -> axum::http::Response<Body> {
    let req = Request::post(uri)
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .unwrap();
    send(app, req).await
}

/// `application/x-www-form-urlencoded` text.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn units_list_only_their_own_e_services_with_answer_times() {
    let app = test_app(None).await;
    let units = body_json(get(&app, "/api/v1/units").await).await;
    let offered = |id: &str| -> Vec<String> {
        let unit = units["units"].as_array().unwrap().iter().find(|u| u["id"] == id).unwrap();
        unit["eServices"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(
        offered("hc-gibraltar"),
        [
            "fornya-recept",
            "kontakta-mig",
            "bestall-tid",
            "av-omboka-tid",
            "radgivning",
            "begar-intyg",
            "journalkopia",
            "fornya-hjalpmedel"
        ]
    );
    assert_eq!(offered("ftv-lulea"), ["kontakta-mig", "av-omboka-tid"]);
    let first = &units["units"].as_array().unwrap().iter().find(|u| u["id"] == "hc-gibraltar").unwrap()["eServices"][0];
    assert_eq!(first["title"], "Förnya recept");
    assert_eq!(first["answerWithinDays"], 3);
    assert!(first["description"].as_str().unwrap().contains("recept"));
}

#[tokio::test]
async fn prescriptions_are_served_as_options_to_their_patient_only() {
    let (app, state) = demo_app().await;
    let anna = login(&app, &state, ANNA).await;
    let me = person_id(&app, &anna, "Anna").await;
    let liam = person_id(&app, &anna, "Liam").await;
    let uri = |p: &str| format!("/api/v1/units/hc-gibraltar/e-services/fornya-recept/questionnaire?personId={p}");
    let (status, q) = call(&app, "GET", &uri(&me), &anna, None, None).await;
    assert_eq!(status, 200);
    let text = q.to_string();
    assert!(text.contains("Levaxin 100 mikrogram tablett") && !text.contains("Airomir") && !text.contains("Enalapril"));
    assert!(!text.contains("answerExpression"), "a plain R4 questionnaire");
    let (_, q) = call(&app, "GET", &uri(&liam), &anna, None, None).await;
    assert!(q.to_string().contains("Airomir") && !q.to_string().contains("Levaxin"));
    // Erik cannot ask for Anna's
    let erik = login(&app, &state, ERIK).await;
    assert_eq!(call(&app, "GET", &uri(&me), &erik, None, None).await.0, 404);
    // a unit that does not offer it
    let (status, body) = call(
        &app,
        "GET",
        &format!("/api/v1/units/ftv-lulea/e-services/fornya-recept/questionnaire?personId={me}"),
        &anna,
        None,
        None,
    )
    .await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_offered")));

    // a renewal of her own prescription, validated against her options
    let renew = |code: &str| {
        response(
            "fornya-recept",
            json!([
                { "linkId": "lakemedel", "answer": [{ "valueCoding": { "system": "https://ingang.se/fhir/CodeSystem/prescription", "code": code } }] },
                { "linkId": "apotek", "answer": [coding("fornya-recept", "apotek", "e-recept")] },
                { "linkId": "forandring", "answer": [{ "valueBoolean": false }] }
            ]),
        )
    };
    let body =
        |r: Value| json!({ "personId": me, "unitId": "hc-gibraltar", "eServiceId": "fornya-recept", "response": r });
    let (status, err) =
        call(&app, "POST", "/api/v1/errands", &anna, Some("rx-1"), Some(body(renew("demo-rx-erik-enalapril")))).await;
    assert_eq!((status, err["code"].as_str()), (400, Some("invalid_response")), "not one of her prescriptions");
    let (status, errand) =
        call(&app, "POST", "/api/v1/errands", &anna, Some("rx-2"), Some(body(renew("demo-rx-anna-levaxin")))).await;
    assert_eq!(status, 201);
    assert_eq!(errand["status"], "sent");
    assert_eq!(errand["title"], "Förnya recept");
    assert_eq!(errand["answerWithinDays"], 3);
}

#[tokio::test]
async fn errands_are_sent_once_for_a_child_of_ten_not_fourteen_and_stay_private() {
    let (app, state) = demo_app().await;
    let anna = login(&app, &state, ANNA).await;
    let liam = person_id(&app, &anna, "Liam").await;
    let elsa = person_id(&app, &anna, "Elsa").await;
    let body = |p: &str, unit: &str| json!({ "personId": p, "unitId": unit, "eServiceId": "kontakta-mig", "response": contact_me() });

    assert_eq!(call(&app, "POST", "/api/v1/errands", &anna, None, Some(body(&liam, "hc-gibraltar"))).await.0, 400);
    let (status, first) =
        call(&app, "POST", "/api/v1/errands", &anna, Some("k1"), Some(body(&liam, "hc-gibraltar"))).await;
    assert_eq!(status, 201);
    assert_eq!(first["personName"], "Liam Andersson");
    let (status, again) =
        call(&app, "POST", "/api/v1/errands", &anna, Some("k1"), Some(body(&liam, "hc-gibraltar"))).await;
    assert_eq!((status, &again["id"]), (200, &first["id"]), "a retry is the same errand");
    let (status, err) =
        call(&app, "POST", "/api/v1/errands", &anna, Some("k2"), Some(body(&elsa, "hc-gibraltar"))).await;
    assert_eq!((status, err["code"].as_str()), (403, Some("not_allowed")), "Elsa, 14, uses her own login");
    let (status, err) = call(&app, "POST", "/api/v1/errands", &anna, Some("k3"), Some(body(&liam, "nope"))).await;
    assert_eq!((status, err["code"].as_str()), (404, Some("not_offered")));
    let mut empty = body(&liam, "hc-gibraltar");
    empty["response"]["item"] = json!([]);
    let (status, err) = call(&app, "POST", "/api/v1/errands", &anna, Some("k4"), Some(empty)).await;
    assert_eq!((status, err["code"].as_str()), (400, Some("invalid_response")));

    let (_, list) = call(&app, "GET", "/api/v1/errands", &anna, None, None).await;
    assert_eq!(list["errands"].as_array().unwrap().len(), 1);
    let id = first["id"].as_str().unwrap();
    let erik = login(&app, &state, ERIK).await;
    assert_eq!(call(&app, "GET", &format!("/api/v1/errands/{id}"), &erik, None, None).await.0, 404);
    let (_, list) = call(&app, "GET", "/api/v1/errands", &erik, None, None).await;
    assert!(list["errands"].as_array().unwrap().is_empty());
    assert_eq!(
        call(&app, "POST", "/api/v1/errands", &erik, Some("e1"), Some(body(&liam, "hc-gibraltar"))).await.0,
        404
    );
    assert_eq!(call(&app, "GET", "/api/v1/errands", "", None, None).await.0, 401);
}

#[tokio::test]
async fn staff_answer_an_errand_into_the_inbox_with_notifications_by_the_users_choice() {
    let (app, state) = demo_app().await;
    let anna = login(&app, &state, ANNA).await;
    let (status, _) = call(
        &app,
        "PUT",
        "/api/v1/me/contact",
        &anna,
        None,
        Some(json!({ "mobile": "070-123 45 67", "email": "anna@example.se", "notifications": { "sms": true, "email": true, "push": false } })),
    )
    .await;
    assert_eq!(status, 200);
    let liam = person_id(&app, &anna, "Liam").await;
    let (_, errand) = call(
        &app,
        "POST",
        "/api/v1/errands",
        &anna,
        Some("a1"),
        Some(json!({ "personId": liam, "unitId": "hc-gibraltar", "eServiceId": "kontakta-mig", "response": contact_me() })),
    )
    .await;
    let id = errand["id"].as_str().unwrap().to_owned();
    let (_, before) = call(&app, "GET", "/api/v1/inbox/unread", &anna, None, None).await;

    let staff = staff_cookie(&app).await;
    let list = html(&app, &staff, "/staff/e-arenden").await;
    assert!(list.contains(&id) && list.contains("Liam Andersson") && list.contains("Nytt"));
    let page = html(&app, &staff, &format!("/staff/e-arenden/{id}")).await;
    assert!(page.contains("Jag väntar på svar på blodprovet."));
    // a patient is no staff member
    assert_eq!(form(&app, &anna, &format!("/staff/e-arenden/{id}"), "answer=x").await.status(), 401);
    assert_eq!(form(&app, &staff, &format!("/staff/e-arenden/{id}"), "answer=+").await.status(), 400);
    let res =
        form(&app, &staff, &format!("/staff/e-arenden/{id}"), &format!("answer={}", enc("Provsvaret är normalt.")))
            .await;
    assert_eq!(res.status(), 303);
    // answering twice changes nothing
    form(&app, &staff, &format!("/staff/e-arenden/{id}"), "answer=Igen").await;

    let (_, errand) = call(&app, "GET", &format!("/api/v1/errands/{id}"), &anna, None, None).await;
    assert_eq!(errand["status"], "answered");
    assert_eq!(errand["answer"], "Provsvaret är normalt.");
    assert_eq!(errand["answeredBy"], "Lena, sjuksköterska");
    let (_, inbox) = call(&app, "GET", "/api/v1/inbox", &anna, None, None).await;
    let reply = inbox["messages"].as_array().unwrap().iter().find(|m| m["errandId"] == id.as_str()).unwrap().clone();
    assert_eq!(reply["subject"], "Svar: Kontakta mig");
    assert_eq!(reply["kind"], "info");
    assert_eq!(reply["personName"], "Liam Andersson");
    assert!(reply["body"].as_str().unwrap().starts_with("Provsvaret är normalt."));
    let (_, after) = call(&app, "GET", "/api/v1/inbox/unread", &anna, None, None).await;
    assert_eq!(after["unread"].as_u64().unwrap(), before["unread"].as_u64().unwrap() + 1);

    // Liam is 10: his guardian is told by SMS and e-mail (her choice), without health data
    let outbox = html(&app, &staff, "/staff/sms").await;
    let mid = reply["id"].as_str().unwrap();
    assert!(outbox.contains("+46701234567") && outbox.contains("anna@example.se"));
    // with no SMS gateway (demo) the text waits; e-mail has no sender at all
    let row = |channel: &str| {
        outbox.split(&format!("<tr data-channel=\"{channel}\">")).nth(1).and_then(|r| r.split("</tr>").next()).unwrap()
    };
    assert!(row("Sms").ends_with("<td>Väntar</td>"), "{outbox}");
    assert!(row("E-post").ends_with("<td>–</td>"), "{outbox}");
    assert!(outbox.contains(&format!("/inkorg/{mid}")));
    assert!(!outbox.contains("Provsvaret") && !outbox.contains("Kontakta mig"));
    assert!(!outbox.contains("data-channel=\"Push\""));
}

#[tokio::test]
async fn information_cannot_be_answered_questions_are_answered_once_and_read_state_is_shared() {
    let (app, state) = demo_app().await;
    let staff = staff_cookie(&app).await;
    let erik = login(&app, &state, ERIK).await;
    let (_, zero) = call(&app, "GET", "/api/v1/inbox/unread", &erik, None, None).await;
    assert_eq!(zero["unread"], 0);
    call(
        &app,
        "PUT",
        "/api/v1/me/contact",
        &erik,
        None,
        Some(json!({ "mobile": "070-999 88 77", "notifications": { "sms": false, "email": false, "push": true } })),
    )
    .await;
    let send = |kind: &str, q: &str, subject: &str| {
        format!(
            "pnr=197905041237&unit=hc-kalix&subject={}&body={}&kind={kind}&questionnaire={q}",
            enc(subject),
            enc("Hej Erik!\nLäs detta.")
        )
    };
    assert_eq!(form(&app, &staff, "/staff/inkorg", &send("info", "infor-besok", "Fel")).await.status(), 400);
    assert_eq!(form(&app, &staff, "/staff/inkorg", &send("questions", "", "Fel")).await.status(), 400);
    assert_eq!(
        form(&app, &staff, "/staff/inkorg", &send("info", "", "Fel").replace("197905041237", "19790504-1238"))
            .await
            .status(),
        400
    );
    assert_eq!(form(&app, &staff, "/staff/inkorg", &send("info", "", "Provsvar klara")).await.status(), 303);
    assert_eq!(
        form(&app, &staff, "/staff/inkorg", &send("questions", "infor-besok", "Inför besöket")).await.status(),
        303
    );

    let (_, inbox) = call(&app, "GET", "/api/v1/inbox", &erik, None, None).await;
    assert_eq!(inbox["unread"], 2);
    let find =
        |subject: &str| inbox["messages"].as_array().unwrap().iter().find(|m| m["subject"] == subject).unwrap().clone();
    let (info, questions) = (find("Provsvar klara"), find("Inför besöket"));
    assert_eq!(info["body"], "Hej Erik!\nLäs detta.");
    assert_eq!(questions["kind"], "questions");
    assert_eq!(questions["questionnaireId"], "infor-besok");
    // push only, as Erik chose
    let outbox = html(&app, &staff, "/staff/sms").await;
    assert_eq!(outbox.matches("data-channel=\"Push\"").count(), 2);
    assert!(!outbox.contains("+46709998877"));

    let info_id = info["id"].as_str().unwrap();
    let (status, read) = call(&app, "POST", &format!("/api/v1/inbox/{info_id}/read"), &erik, None, None).await;
    assert_eq!(status, 200);
    assert!(read["readAt"].is_i64());
    call(&app, "POST", &format!("/api/v1/inbox/{info_id}/read"), &erik, None, None).await;
    assert_eq!(call(&app, "GET", "/api/v1/inbox/unread", &erik, None, None).await.1["unread"], 1);
    let answer = |items: Value| json!({ "response": response("infor-besok", items) });
    let good = answer(json!([
        { "linkId": "allergi", "answer": [{ "valueBoolean": false }] },
        { "linkId": "rokning", "answer": [coding("infor-besok", "rokning", "nej")] }
    ]));
    let (status, err) =
        call(&app, "POST", &format!("/api/v1/inbox/{info_id}/answer"), &erik, Some("i1"), Some(good.clone())).await;
    assert_eq!((status, err["code"].as_str()), (409, Some("not_answerable")));

    let qid = questions["id"].as_str().unwrap();
    let uri = format!("/api/v1/inbox/{qid}/answer");
    let (status, err) = call(&app, "POST", &uri, &erik, Some("q0"), Some(answer(json!([])))).await;
    assert_eq!((status, err["code"].as_str()), (400, Some("invalid_response")));
    let (status, answered) = call(&app, "POST", &uri, &erik, Some("q1"), Some(good.clone())).await;
    assert_eq!(status, 200);
    assert!(answered["answeredAt"].is_i64() && answered["readAt"].is_i64());
    assert_eq!(call(&app, "POST", &uri, &erik, Some("q1"), Some(good.clone())).await.0, 200, "a retry");
    let (status, err) = call(&app, "POST", &uri, &erik, Some("q2"), Some(good)).await;
    assert_eq!((status, err["code"].as_str()), (409, Some("already_answered")));
    assert_eq!(call(&app, "GET", "/api/v1/inbox/unread", &erik, None, None).await.1["unread"], 0);
    let staff_view = html(&app, &staff, &format!("/staff/inkorg/{qid}")).await;
    assert!(staff_view.contains("Besvarat") && staff_view.contains("Är du allergisk mot något läkemedel?"));

    // Anna sees none of it and cannot touch it
    let anna = login(&app, &state, ANNA).await;
    assert_eq!(call(&app, "GET", &format!("/api/v1/inbox/{qid}"), &anna, None, None).await.0, 404);
    assert_eq!(call(&app, "POST", &format!("/api/v1/inbox/{info_id}/read"), &anna, None, None).await.0, 404);
    let (_, hers) = call(&app, "GET", "/api/v1/inbox", &anna, None, None).await;
    assert!(hers["messages"].as_array().unwrap().iter().all(|m| m["personName"] == "Anna Andersson"));
    assert_eq!(call(&app, "GET", "/api/v1/inbox", "", None, None).await.0, 401);
}

/// An errand goes back and forth: the patient's side writes (once per client id) until staff
/// close it; nobody else reaches it.
#[tokio::test]
async fn an_errand_goes_back_and_forth_until_staff_close_it() {
    let (app, state) = demo_app().await;
    let anna = login(&app, &state, ANNA).await;
    let me = person_id(&app, &anna, "Anna").await;
    let errand = contact_errand(&app, &anna, &me, "bf-1").await;
    let id = errand["id"].as_str().unwrap().to_owned();
    assert_eq!(errand["messages"], json!([]));
    assert_eq!(errand["closed"], false);
    let staff = staff_cookie(&app).await;
    let uri = format!("/staff/e-arenden/{id}");
    assert_eq!(form(&app, &staff, &uri, &format!("answer={}", enc("Vill du ha tid?"))).await.status(), 303);

    let messages = format!("/api/v1/errands/{id}/messages");
    let write = |text: &str, client: &str| json!({ "body": text, "clientId": client });
    let (status, after) = call(&app, "POST", &messages, &anna, None, Some(write("Ja, gärna i morgon.", "m1"))).await;
    assert_eq!(status, 201, "{after}");
    assert_eq!(after["status"], "sent", "it waits for the clinic again");
    assert_eq!(after["messages"][0]["body"], "Ja, gärna i morgon.");
    assert_eq!(after["messages"][0]["fromClinic"], false);
    // the same client id again: nothing new
    let (status, again) = call(&app, "POST", &messages, &anna, None, Some(write("Ja, gärna i morgon.", "m1"))).await;
    assert_eq!((status, again["messages"].as_array().map(Vec::len)), (200, Some(1)));
    // empty, too long
    assert_eq!(call(&app, "POST", &messages, &anna, None, Some(write("  ", "m2"))).await.0, 400);
    assert_eq!(call(&app, "POST", &messages, &anna, None, Some(write(&"x".repeat(4001), "m3"))).await.0, 400);
    // another family: not found, to read or to write
    let erik = login(&app, &state, ERIK).await;
    assert_eq!(call(&app, "GET", &format!("/api/v1/errands/{id}"), &erik, None, None).await.0, 404);
    assert_eq!(call(&app, "POST", &messages, &erik, None, Some(write("Hej", "e1"))).await.0, 404);

    // staff see it and answer again; a double submit of the first answer changes nothing
    assert!(html(&app, &staff, &uri).await.contains("Ja, gärna i morgon."));
    form(&app, &staff, &uri, "answer=Igen").await;
    let res = form(&app, &staff, &uri, &format!("answer={}&follow_up=1", enc("Tid i morgon 10:00."))).await;
    assert_eq!(res.status(), 303);
    let (_, now) = call(&app, "GET", &format!("/api/v1/errands/{id}"), &anna, None, None).await;
    assert_eq!(now["answer"], "Vill du ha tid?");
    assert_eq!(now["status"], "answered");
    let bodies: Vec<&str> = now["messages"].as_array().unwrap().iter().map(|m| m["body"].as_str().unwrap()).collect();
    assert_eq!(bodies, ["Ja, gärna i morgon.", "Tid i morgon 10:00."]);
    assert_eq!(now["messages"][1]["author"], "Lena, sjuksköterska");

    // closed: nothing more, from either side
    assert_eq!(form(&app, &anna, &format!("{uri}/close"), "").await.status(), 401);
    assert_eq!(form(&app, &staff, &format!("{uri}/close"), "").await.status(), 303);
    let (status, body) = call(&app, "POST", &messages, &anna, None, Some(write("En sak till.", "m4"))).await;
    assert_eq!((status, body["code"].as_str()), (409, Some("errand_closed")));
    form(&app, &staff, &uri, &format!("answer={}&follow_up=1", enc("Efter stängning."))).await;
    let (_, last) = call(&app, "GET", &format!("/api/v1/errands/{id}"), &anna, None, None).await;
    assert_eq!((last["closed"].as_bool(), last["messages"].as_array().map(Vec::len)), (Some(true), Some(2)));
}

fn photo(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, _| image::Rgb([if x < w / 2 { 200 } else { 0 }, 0, 120]));
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85).encode_image(&img).unwrap();
    out
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";

/// A message on an errand carries pictures (the chat's pipeline) and PDF documents: checked by
/// their bytes, uploaded once whatever the retries, sent once, seen by the patient's side and
/// the clinic, by nobody else, and a document only as a download.
#[tokio::test]
async fn an_errand_message_carries_pictures_and_documents_only_to_those_who_may_see_them() {
    let (app, state) = demo_app().await;
    let anna = login(&app, &state, ANNA).await;
    let me = person_id(&app, &anna, "Anna").await;
    let id = contact_errand(&app, &anna, &me, "att-1").await["id"].as_str().unwrap().to_owned();
    let put = |aid: &str| format!("/api/v1/errands/{id}/attachments/{aid}");
    let (pic, doc) = ("5d0c7f0e-1111-4c8e-9a55-000000000001", "5d0c7f0e-1111-4c8e-9a55-000000000002");

    // refused by their bytes, whatever they are called
    let exe = b"MZ\x90\x00\x03\x00\x00\x00This program cannot be run in DOS mode".to_vec();
    assert_eq!(put_bytes(&app, &put("aaaaaaaa-1"), &anna, PDF_TYPE, exe).await.1["code"], "unsupported_type");
    let cut = PDF[..PDF.len() - 7].to_vec();
    assert_eq!(put_bytes(&app, &put("aaaaaaaa-2"), &anna, PDF_TYPE, cut).await.1["code"], "undecodable");
    let (status, err) = put_bytes(&app, &put("aaaaaaaa-3"), &anna, PDF_TYPE, vec![b'%'; 8 * 1024 * 1024 + 1]).await;
    assert_eq!((status, err["code"].as_str()), (413, Some("too_large")));
    assert_eq!(put_bytes(&app, &put("kort"), &anna, PDF_TYPE, PDF.to_vec()).await.1["code"], "bad_attachment_id");

    // stored once, whatever the retries
    let (status, p) = put_bytes(&app, &put(pic), &anna, "image/jpeg", photo(300, 200)).await;
    assert_eq!(status, 201, "{p}");
    assert_eq!(
        (p["width"].as_u64(), p["thumbnailUrl"].as_str()),
        (Some(300), Some(&*format!("/api/v1/attachments/{pic}/thumbnail")))
    );
    let (status, d) = put_bytes(&app, &put(doc), &anna, PDF_TYPE, PDF.to_vec()).await;
    assert_eq!((status, d["contentType"].as_str(), d["size"].as_u64()), (201, Some(PDF_TYPE), Some(PDF.len() as u64)));
    assert!(d.get("thumbnailUrl").is_none(), "{d}");
    assert_eq!(put_bytes(&app, &put(doc), &anna, PDF_TYPE, PDF.to_vec()).await.0, 200);

    // another family: cannot upload to it, take the id over, or read what is not yet sent
    let erik = login(&app, &state, ERIK).await;
    assert_eq!(put_bytes(&app, &put("bbbbbbbb-1"), &erik, PDF_TYPE, PDF.to_vec()).await.0, 404);
    assert_eq!(call(&app, "GET", &format!("/api/v1/attachments/{doc}"), &erik, None, None).await.0, 404);

    // a message names them: unknown, duplicated or too many ids are refused; the text may be empty
    let uri = format!("/api/v1/errands/{id}/messages");
    let attach = |client: &str, ids: Value| {
        let body = json!({ "body": "", "clientId": client, "attachmentIds": ids });
        call(&app, "POST", &uri, &anna, None, Some(body))
    };
    let (status, err) = attach("a0", json!(["nope-nope-1"])).await;
    assert_eq!((status, err["code"].as_str()), (400, Some("unknown_attachment")));
    let (status, err) = attach("a0", json!([pic, pic])).await;
    assert_eq!((status, err["code"].as_str()), (400, Some("too_many_attachments")));
    let (status, sent) = attach("a1", json!([pic, doc])).await;
    assert_eq!(status, 201, "{sent}");
    let attached = &sent["messages"][0]["attachments"];
    assert_eq!((attached[0]["id"].as_str(), attached[1]["id"].as_str()), (Some(pic), Some(doc)));
    // the same message again: nothing new; the attachments cannot be sent twice
    let (status, again) = attach("a1", json!([pic, doc])).await;
    assert_eq!((status, again["messages"].as_array().map(Vec::len)), (200, Some(1)));
    let (status, err) = attach("a2", json!([doc])).await;
    assert_eq!((status, err["code"].as_str()), (400, Some("unknown_attachment")));

    // the bytes: a picture inline, a document as a download; never sniffed, cached or run
    let get = |path: String, cookie: &str| {
        let req = Request::get(path).header("cookie", cookie).body(Body::empty()).unwrap();
        send(&app, req)
    };
    let res = get(format!("/api/v1/attachments/{doc}"), &anna).await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "content-type"), PDF_TYPE);
    assert!(header(&res, "content-disposition").starts_with("attachment; filename=\"dokument-"));
    assert_eq!(header(&res, "x-content-type-options"), "nosniff");
    assert!(header(&res, "cache-control").contains("no-store"));
    assert_eq!(header(&res, "content-security-policy"), "default-src 'none'; sandbox");
    assert_eq!(body_bytes(res).await, PDF);
    let res = get(format!("/api/v1/attachments/{pic}/thumbnail"), &anna).await;
    assert_eq!((res.status().as_u16(), header(&res, "content-type")), (200, "image/jpeg"));
    assert_eq!(get(format!("/api/v1/attachments/{doc}/thumbnail"), &anna).await.status(), 404, "a document has none");
    for path in [format!("/api/v1/attachments/{pic}"), format!("/api/v1/attachments/{doc}")] {
        assert_eq!(get(path.clone(), &erik).await.status(), 404, "{path}");
        assert_eq!(send(&app, Request::get(&path).body(Body::empty()).unwrap()).await.status(), 401);
    }

    // the clinic sees them in the console; closed, nothing more is uploaded
    let staff = staff_cookie(&app).await;
    let page = html(&app, &staff, &format!("/staff/e-arenden/{id}")).await;
    assert!(page.contains(&format!("/staff/bilagor/{pic}/thumbnail")) && page.contains("PDF-dokument"), "{page}");
    let res = get(format!("/staff/bilagor/{doc}"), &staff).await;
    assert_eq!((res.status().as_u16(), header(&res, "content-type")), (200, PDF_TYPE));
    assert_eq!(get(format!("/staff/bilagor/{doc}"), &anna).await.status(), 401, "a patient is not staff");
    // nor are they another unit's: the midwife at the youth clinic finds no such thing
    let sara = staff_cookie_as(&app, "sara").await;
    for path in
        [format!("/staff/bilagor/{doc}"), format!("/staff/bilagor/{pic}/thumbnail"), format!("/staff/e-arenden/{id}")]
    {
        assert_eq!(get(path.clone(), &sara).await.status(), 404, "{path}");
    }
    form(&app, &staff, &format!("/staff/e-arenden/{id}"), "answer=Tack").await;
    assert_eq!(form(&app, &staff, &format!("/staff/e-arenden/{id}/close"), "").await.status(), 303);
    let (status, err) = put_bytes(&app, &put("cccccccc-1"), &anna, PDF_TYPE, PDF.to_vec()).await;
    assert_eq!((status, err["code"].as_str()), (409, Some("errand_closed")));
}

const PDF_TYPE: &str = "application/pdf";

/// A staff member works at their own units only: another unit's errands and messages are not
/// listed, cannot be opened, answered or closed, and nothing is written in another unit's name.
#[tokio::test]
async fn staff_see_and_answer_only_their_own_units_errands_and_messages() {
    let (app, state) = demo_app().await;
    let anna = login(&app, &state, ANNA).await;
    let me = person_id(&app, &anna, "Anna").await;
    let errand = contact_errand(&app, &anna, &me, "units-1").await;
    let id = errand["id"].as_str().unwrap().to_owned();
    let lena = staff_cookie(&app).await;
    let sara = staff_cookie_as(&app, "sara").await;

    // the region's nurse sees it; the youth clinic's midwife does not, not even by its address
    assert!(html(&app, &lena, "/staff/e-arenden").await.contains(&id));
    assert!(!html(&app, &sara, "/staff/e-arenden").await.contains(&id));
    let open = |cookie: String| {
        let req = Request::get(format!("/staff/e-arenden/{id}")).header("cookie", cookie).body(Body::empty()).unwrap();
        send(&app, req)
    };
    assert_eq!(open(sara.clone()).await.status(), 404);
    assert_eq!(open(lena.clone()).await.status(), 200);
    // nor answer or close it
    assert_eq!(form(&app, &sara, &format!("/staff/e-arenden/{id}"), "answer=Hej").await.status(), 404);
    assert_eq!(form(&app, &sara, &format!("/staff/e-arenden/{id}/close"), "").await.status(), 404);
    let (_, list) = call(&app, "GET", "/api/v1/errands", &anna, None, None).await;
    let mine = list["errands"].as_array().unwrap().iter().find(|e| e["id"] == id.as_str()).unwrap().clone();
    assert_eq!(mine["status"], "sent", "nothing was answered: {mine}");
    assert_eq!(mine["closed"], false, "nothing was closed: {mine}");

    // messages to patients: only from, and only seen at, the units one works at
    let page = html(&app, &sara, "/staff/inkorg").await;
    assert!(page.contains("value=\"um-lulea\"") && !page.contains("value=\"hc-gibraltar\""), "{page}");
    let res = form(
        &app,
        &sara,
        "/staff/inkorg",
        &format!("pnr={ANNA}&unit=hc-gibraltar&subject=Hej&body=Test&kind=info&questionnaire="),
    )
    .await;
    assert_eq!(res.status(), 400);
    let (_, inbox) = call(&app, "GET", "/api/v1/inbox", &anna, None, None).await;
    assert!(!inbox.to_string().contains("\"subject\":\"Hej\""), "{inbox}");
    let res = form(
        &app,
        &lena,
        "/staff/inkorg",
        &format!("pnr={ANNA}&unit=hc-gibraltar&subject=Provsvar&body=Allt+ser+bra+ut&kind=info&questionnaire="),
    )
    .await;
    assert_eq!(res.status(), 303);
    let message = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(html(&app, &lena, "/staff/inkorg").await.contains("Provsvar"));
    assert!(!html(&app, &sara, "/staff/inkorg").await.contains("Provsvar"));
    let req = Request::get(&message).header("cookie", &sara).body(Body::empty()).unwrap();
    assert_eq!(send(&app, req).await.status(), 404);
    // and what is theirs works: a message from the youth clinic
    let res = form(
        &app,
        &sara,
        "/staff/inkorg",
        &format!("pnr={ANNA}&unit=um-lulea&subject=Fr%C3%A5n+UM&body=Hej&kind=info&questionnaire="),
    )
    .await;
    assert_eq!(res.status(), 303);
    assert!(html(&app, &sara, "/staff/inkorg").await.contains("Från UM"));
}

/// The server's own texts follow the app's language: e-service names and descriptions and the
/// symptom categories, where the form has a translation; Swedish otherwise.
#[tokio::test]
async fn e_service_and_category_names_follow_accept_language() {
    let app = test_app(None).await;
    let units = |lang: Option<&'static str>| {
        let mut req = Request::get("/api/v1/units");
        if let Some(lang) = lang {
            req = req.header("accept-language", lang);
        }
        let req = req.body(Body::empty()).unwrap();
        let app = app.clone();
        async move {
            let json = body_json(send(&app, req).await).await;
            json["units"].as_array().unwrap().iter().find(|u| u["id"] == "hc-gibraltar").unwrap().clone()
        }
    };
    let title = |unit: &Value, id: &str| {
        unit["eServices"].as_array().unwrap().iter().find(|e| e["id"] == id).unwrap()["title"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let sv = units(None).await;
    assert_eq!(title(&sv, "fornya-recept"), "Förnya recept");
    assert_eq!(title(&units(Some("fi-FI,fi;q=0.9")).await, "fornya-recept"), "Uusi resepti");
    assert_eq!(title(&units(Some("ar")).await, "fornya-recept"), "تجديد وصفة طبية");
    let en = units(Some("en-GB")).await;
    assert_eq!(title(&en, "kontakta-mig"), "Contact me");
    let recipe = en["eServices"].as_array().unwrap().iter().find(|e| e["id"] == "fornya-recept").unwrap().clone();
    assert!(recipe["description"].as_str().unwrap().starts_with("Ask to have a prescription renewed"), "{recipe}");
    assert!(en["categories"][0]["title"].as_str().is_some_and(|t| t.is_ascii()), "{}", en["categories"]);
    // a language the server does not have: Swedish
    assert_eq!(title(&units(Some("so")).await, "fornya-recept"), "Förnya recept");
}

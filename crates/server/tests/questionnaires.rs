//! Questionnaires: the demo forms, reading them, and server-side validation of responses.

mod common;

use axum::{body::Body, http::Request};
use common::*;
use ingang_questionnaire::{Form, Questionnaire, Value, model::ItemType};
use serde_json::json;

async fn post_json(app: &axum::Router, uri: &str, body: serde_json::Value) -> axum::http::Response<Body> {
    send(
        app,
        Request::post(uri)
            .header("content-type", "application/json")
            .header("x-ingang-csrf", "1")
            .body(Body::from(body.to_string()))
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn six_swedish_demo_forms_are_listed_and_served() {
    let app = test_app(None).await;
    let json = body_json(get(&app, "/api/v1/questionnaires").await).await;
    let list = json["questionnaires"].as_array().unwrap();
    let ids: Vec<&str> = list.iter().map(|q| q["id"].as_str().unwrap()).collect();
    for id in ["forkylning", "ont-i-halsen-barn", "urinvagsbesvar", "hudbesvar", "tandvark", "nedstamdhet"] {
        assert!(ids.contains(&id), "{id} missing");
        let res = get(&app, &format!("/api/v1/questionnaires/{id}")).await;
        assert_eq!(res.status(), 200);
        assert!(header(&res, "content-type").starts_with("application/fhir+json"));
        let q = body_json(res).await;
        assert_eq!(q["resourceType"], "Questionnaire");
        assert_eq!(q["language"], "sv");
    }
    assert_eq!(get(&app, "/api/v1/questionnaires/nope").await.status(), 404);
}

/// Fills every enabled question with a valid answer (the first option, or a value inside the bounds).
fn fill(form: &mut Form) {
    for _ in 0..4 {
        for n in form.walk() {
            if !form.is_enabled(n) || !form.def(n).is_question() || !form.values(n).is_empty() {
                continue;
            }
            let d = form.def(n).clone();
            if d.kind == ItemType::Attachment {
                continue;
            }
            let v = if let Some(c) = d.choices.first() {
                c.value.clone()
            } else {
                match d.kind {
                    ItemType::Boolean => Value::Boolean(true),
                    ItemType::Integer => match &d.min_value {
                        Some(Value::Integer(i)) => Value::Integer(*i + 1),
                        _ => Value::Integer(2),
                    },
                    ItemType::Decimal => Value::Decimal(38.5),
                    ItemType::Date => Value::Date("2024-05-01".into()),
                    ItemType::Time => Value::Time("10:30:00".into()),
                    _ if d.regex.is_some() => Value::String("070-123 45 67".into()),
                    _ => Value::String(
                        "Jag har haft ont i tre dagar.".chars().take(d.max_length.unwrap_or(100)).collect(),
                    ),
                }
            };
            if d.is_multi_select() {
                form.toggle(n, &v, true);
            } else {
                let i = form.instances(n)[0];
                form.set_value(i, Some(v));
            }
        }
    }
}

#[test]
fn demo_forms_use_nesting_enable_when_and_validation_and_need_no_fhirpath() {
    for (i, text) in ingang_server::demo::FORMS.iter().enumerate() {
        // e-service forms are served per person: prescriptions filled in (SDC answerExpression)
        let mut value: serde_json::Value = serde_json::from_str(text).unwrap();
        ingang_server::domain::errands::populate(&mut value, &[("rx".into(), "Levaxin".into(), "dagligen".into())]);
        // … and the user's phone number and the patient's age (SDC launchContext + initialExpression)
        let known = ingang_server::populate::Known {
            user_mobile: Some("070-123 45 67"),
            patient: Some("20220315-2380"),
            now: 1_796_464_800,
        };
        ingang_server::populate::populate(&mut value, &known);
        let q = Questionnaire::from_json(&value.to_string()).unwrap();
        let id = q.id.clone().unwrap();
        let form = Form::new(q.clone());
        assert!(form.unsupported().is_empty(), "{id}: {:?}", form.unsupported());
        let all = form.walk();
        // the six symptom forms exercise the engine; e-service forms are as simple as they can be
        if i < 6 {
            assert!(all.iter().any(|&n| !form.def(n).item.enable_when.is_empty()), "{id}: enableWhen");
            assert!(all.iter().any(|&n| form.def(n).parent.is_some()), "{id}: nesting");
        }
        assert!(all.iter().any(|&n| form.def(n).required), "{id}: required");
        assert!(!form.validate(None).is_empty(), "{id}: an empty form is not valid");
        let mut filled = Form::new(q.clone());
        fill(&mut filled);
        let issues = filled.validate(None);
        assert!(issues.is_empty(), "{id}: {issues:?}");
        let verdict = ingang_server::domain::questionnaires::check_at(
            q,
            filled.response(),
            ingang_server::system_millis() / 1000,
        );
        assert!(verdict.valid, "{id}: {:?}", verdict.problems);
    }
}

#[test]
fn phq9_form_scores_and_flags_item_nine() {
    let q = Questionnaire::from_json(ingang_server::demo::FORMS[5]).unwrap();
    let mut f = Form::new(q);
    assert!(f.has_scores());
    let items: Vec<_> = f.walk().into_iter().filter(|&n| f.def(n).link_id.starts_with("phq-")).collect();
    assert_eq!(items.len(), 9);
    let funktion = f.walk().into_iter().find(|&n| f.def(n).link_id == "funktion").unwrap();
    assert!(!f.is_enabled(funktion));
    for &n in &items {
        let v = f.def(n).choices[2].value.clone();
        f.set_value(f.instances(n)[0], Some(v));
    }
    assert_eq!(f.score(None), Some(18.0));
    assert!(f.is_enabled(funktion), "enabled when any answer is not 'Inte alls'");
    assert_eq!(f.urgency().map(|(u, _)| u), Some(ingang_questionnaire::Urgency::Urgent));
}

#[tokio::test]
async fn the_server_validates_responses_and_trusts_no_client() {
    let app = test_app(None).await;
    let url = "/api/v1/questionnaires/urinvagsbesvar/validate";
    // empty: required answers missing
    let res = post_json(&app, url, json!({"resourceType": "QuestionnaireResponse", "status": "completed"})).await;
    assert_eq!(res.status(), 200);
    let v = body_json(res).await;
    assert_eq!(v["valid"], false);
    assert!(v["problems"].as_array().unwrap().iter().any(|p| p["linkId"] == "symtom" && p["code"] == "required"));

    // a complete response is valid
    let mut form = Form::new(Questionnaire::from_json(ingang_server::demo::FORMS[2]).unwrap());
    fill(&mut form);
    let good = serde_json::to_value(form.response()).unwrap();
    let v = body_json(post_json(&app, url, good.clone()).await).await;
    assert_eq!(v["valid"], true, "{v}");

    // an answer to an item the other answers disable, an unknown item, a wrong type, a too-long string
    let mut bad = good.clone();
    let items = bad["item"].as_array_mut().unwrap();
    let allergi = items.iter_mut().find(|i| i["linkId"] == "allergi").unwrap();
    allergi["answer"][0]["valueBoolean"] = json!(false);
    items.push(json!({"linkId": "hackat", "answer": [{"valueString": "x"}]}));
    let tidigare = items.iter_mut().find(|i| i["linkId"] == "tidigare").unwrap();
    tidigare["answer"] = json!([{"valueString": "två"}]);
    let v = body_json(post_json(&app, url, bad).await).await;
    let codes: Vec<(String, String)> = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["linkId"].as_str().unwrap().to_owned(), p["code"].as_str().unwrap().to_owned()))
        .collect();
    assert!(codes.contains(&("allergi-vilket".into(), "disabled_item".into())), "{codes:?}");
    assert!(codes.contains(&("hackat".into(), "unknown_item".into())), "{codes:?}");
    assert!(codes.contains(&("tidigare".into(), "wrong_type".into())), "{codes:?}");

    // a response to another questionnaire
    let mut other = good;
    other["questionnaire"] = json!("https://ingang.se/fhir/Questionnaire/tandvark|1.0");
    let v = body_json(post_json(&app, url, other).await).await;
    assert!(v["problems"].as_array().unwrap().iter().any(|p| p["code"] == "wrong_questionnaire"));

    // not a response at all: a clear 400
    let res = post_json(&app, url, json!({"resourceType": "Patient"})).await;
    assert_eq!(res.status(), 400);
    assert_eq!(body_json(res).await["code"], "bad_request");
    let res = send(&app, Request::post(url).header("x-ingang-csrf", "1").body(Body::from("{nope")).unwrap()).await;
    assert_eq!(res.status(), 400);
    assert_eq!(get(&app, "/api/v1/questionnaires/nope/validate").await.status(), 405);
}

#[test]
fn regex_is_whole_value() {
    use ingang_server::domain::questionnaires::regex_match;
    assert_eq!(regex_match("[0-9]{3} ?[0-9]{2}", "123 45"), Some(true));
    assert_eq!(regex_match("[0-9]{3} ?[0-9]{2}", "x123 45"), Some(false));
    assert_eq!(regex_match("(", "x"), None);
}

/// Every text a patient reads in a demo form (titles, questions, options, units, hints) has a
/// FHIR `translation` to English, Finnish and Arabic; numbers ("1.") and symbols ("°C") need none.
#[test]
fn demo_forms_are_translated_to_every_built_in_language() {
    fn languages(element: Option<&serde_json::Value>) -> Vec<String> {
        element
            .and_then(|e| e.get("extension"))
            .and_then(serde_json::Value::as_array)
            .into_iter()
            .flatten()
            .filter(|e| e["url"] == "http://hl7.org/fhir/StructureDefinition/translation")
            .filter_map(|e| {
                let parts = e["extension"].as_array()?;
                let lang = parts.iter().find(|p| p["url"] == "lang")?["valueCode"].as_str()?;
                let content = parts.iter().find(|p| p["url"] == "content")?["valueString"].as_str()?;
                (!content.trim().is_empty()).then(|| lang.to_owned())
            })
            .collect()
    }
    fn check(value: &serde_json::Value, path: &str, id: &str, missing: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, v) in map {
                    let translatable = matches!(key.as_str(), "title" | "description" | "text" | "prefix" | "display")
                        || (key == "valueString"
                            && map.get("url").and_then(|u| u.as_str()).is_some_and(|u| u.ends_with("/entryFormat")));
                    if let (true, Some(text)) = (translatable, v.as_str()) {
                        let needs = text.chars().filter(|c| c.is_alphabetic()).count() > 1;
                        let have = languages(map.get(&format!("_{key}")));
                        for lang in ["en", "fi", "ar"] {
                            if needs && !have.iter().any(|l| l == lang) {
                                missing.push(format!("{id} {path}.{key} {text:?}: no {lang}"));
                            }
                        }
                    }
                    if !key.starts_with('_') {
                        check(v, &format!("{path}.{key}"), id, missing);
                    }
                }
            }
            serde_json::Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    check(v, &format!("{path}[{i}]"), id, missing);
                }
            }
            _ => {}
        }
    }
    let mut missing = Vec::new();
    for text in ingang_server::demo::FORMS {
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        let id = value["id"].as_str().unwrap().to_owned();
        check(&value, "", &id, &mut missing);
    }
    // codings of value sets and systems the form does not show are not checked: only what
    // `display` a patient reads (answer options and units) sits in the items
    assert!(missing.is_empty(), "{} untranslated:\n{}", missing.len(), missing.join("\n"));
}

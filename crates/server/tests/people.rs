//! The signed-in resident's people (age rules), contact details, draft key, and authorisation:
//! nobody reaches another user's or another family's data.

mod common;

use axum::{Router, body::Body, http::Request};
use common::*;

async fn call(
    app: &Router,
    method: &str,
    uri: &str,
    cookie: &str,
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    let mut req = Request::builder().method(method).uri(uri).header("x-ingang-csrf", "1").header("cookie", cookie);
    if body.is_some() {
        req = req.header("content-type", "application/json");
    }
    let res = send(app, req.body(Body::from(body.map(|b| b.to_string()).unwrap_or_default())).unwrap()).await;
    let status = res.status().as_u16();
    let bytes = body_bytes(res).await;
    (status, serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null))
}

#[tokio::test]
async fn a_guardian_sees_their_children_with_the_age_rules() {
    let (app, state) = demo_app().await;
    let anna = login(&app, &state, "198001139297").await;
    let (status, list) = call(&app, "GET", "/api/v1/me/people", &anna, None).await;
    assert_eq!(status, 200);
    let people = list["people"].as_array().unwrap();
    let by = |given: &str| people.iter().find(|p| p["givenName"] == given).unwrap().clone();
    assert_eq!(people[0]["relation"], "self");
    let elsa = by("Elsa"); // 14
    assert_eq!(
        (elsa["age"].as_u64(), elsa["canSeekCare"].as_bool(), elsa["canUseEServices"].as_bool()),
        (Some(14), Some(true), Some(false))
    );
    let noah = by("Noah"); // 4
    assert_eq!(
        (noah["age"].as_u64(), noah["canSeekCare"].as_bool(), noah["canUseEServices"].as_bool()),
        (Some(4), Some(true), Some(true))
    );
    let alva = by("Alva"); // a few months: Digitalen starts at 6 months
    assert_eq!((alva["canSeekCare"].as_bool(), alva["canUseEServices"].as_bool()), (Some(false), Some(true)));
    assert!(people.iter().all(|p| !p["id"].as_str().unwrap().contains("2012")), "ids are opaque");
    let (status, one) =
        call(&app, "GET", &format!("/api/v1/people/{}", elsa["id"].as_str().unwrap()), &anna, None).await;
    assert_eq!((status, one["givenName"].as_str()), (200, Some("Elsa")));
}

#[tokio::test]
async fn another_users_people_are_refused_without_leaking_anything() {
    let (app, state) = demo_app().await;
    let anna = login(&app, &state, "198001139297").await;
    let sara = login(&app, &state, "198509223452").await;
    let (_, annas) = call(&app, "GET", "/api/v1/me/people", &anna, None).await;
    let (_, saras) = call(&app, "GET", "/api/v1/me/people", &sara, None).await;
    assert_eq!(saras["people"].as_array().unwrap().len(), 1, "Sara has no children");
    for p in annas["people"].as_array().unwrap() {
        let (status, body) =
            call(&app, "GET", &format!("/api/v1/people/{}", p["id"].as_str().unwrap()), &sara, None).await;
        assert_eq!(status, 404);
        assert!(!body.to_string().contains("Andersson"), "no data leaked: {body}");
    }
    // without a session: nothing at all
    let (status, _) = call(&app, "GET", "/api/v1/me/people", "", None).await;
    assert_eq!(status, 401);
    let (status, _) = call(&app, "GET", "/api/v1/me/contact", "__Host-ingang-session=forged", None).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn over_a_hundred_and_samordningsnummer() {
    let (app, state) = demo_app().await;
    let margit = login(&app, &state, "192406017893").await;
    let (_, list) = call(&app, "GET", "/api/v1/me/people", &margit, None).await;
    assert!(list["people"][0]["age"].as_u64().is_some_and(|a| a >= 100));
    assert_eq!(list["people"][0]["personalNumber"], "19240601-7893");
    let kim = login(&app, &state, "199407712380").await;
    let (_, list) = call(&app, "GET", "/api/v1/me/people", &kim, None).await;
    assert!(list["people"][0]["age"].as_u64().is_some_and(|a| a >= 30));
}

#[tokio::test]
async fn contact_details_are_validated_normalised_and_private() {
    let (app, state) = demo_app().await;
    let anna = login(&app, &state, "198001139297").await;
    let (status, c) = call(&app, "GET", "/api/v1/me/contact", &anna, None).await;
    assert_eq!((status, c["registered"].as_bool()), (200, Some(false)));
    let put = |mobile: &str, email: &str, sms: bool, mail: bool| serde_json::json!({"mobile": mobile, "email": email, "notifications": {"sms": sms, "email": mail, "push": false}});
    let (status, err) = call(&app, "PUT", "/api/v1/me/contact", &anna, Some(put("08-123 456", "", true, false))).await;
    assert_eq!((status, err["code"].as_str()), (400, Some("invalid_mobile")));
    let (status, err) = call(&app, "PUT", "/api/v1/me/contact", &anna, Some(put("", "anna@", false, false))).await;
    assert_eq!((status, err["code"].as_str()), (400, Some("invalid_email")));
    let (status, err) = call(&app, "PUT", "/api/v1/me/contact", &anna, Some(put("", "", true, false))).await;
    assert_eq!((status, err["code"].as_str()), (400, Some("mobile_required")));
    let (status, c) =
        call(&app, "PUT", "/api/v1/me/contact", &anna, Some(put("070-123 45 67", "anna@example.se", true, true))).await;
    assert_eq!(status, 200);
    assert_eq!((c["mobile"].as_str(), c["registered"].as_bool()), (Some("+46701234567"), Some(true)));
    let sara = login(&app, &state, "198509223452").await;
    let (_, c) = call(&app, "GET", "/api/v1/me/contact", &sara, None).await;
    assert_eq!(c["registered"], false, "Sara sees her own (empty) details, never Anna's");
    assert!(c.get("mobile").is_none());
}

#[tokio::test]
async fn the_draft_key_belongs_to_one_user() {
    let (app, state) = demo_app().await;
    let anna = login(&app, &state, "198001139297").await;
    let (status, k1) = call(&app, "GET", "/api/v1/me/draft-key", &anna, None).await;
    assert_eq!(status, 200);
    assert_eq!(k1["key"].as_str().unwrap().len(), 44, "32 bytes in base64");
    let anna_again = login(&app, &state, "198001139297").await;
    let (_, k2) = call(&app, "GET", "/api/v1/me/draft-key", &anna_again, None).await;
    assert_eq!(k1, k2, "the same key after a new login");
    let sara = login(&app, &state, "198509223452").await;
    let (_, k3) = call(&app, "GET", "/api/v1/me/draft-key", &sara, None).await;
    assert_ne!(k1, k3);
    let (status, _) = call(&app, "GET", "/api/v1/me/draft-key", "", None).await;
    assert_eq!(status, 401);
}

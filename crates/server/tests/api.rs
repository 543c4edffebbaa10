//! The JSON API: shapes, errors, and headers.

mod common;

use axum::{body::Body, http::Request};
use common::*;

#[tokio::test]
async fn health_answers_ok() {
    let app = test_app(None).await;
    let res = get(&app, "/api/v1/health").await;
    assert_eq!(res.status(), 200);
    assert!(header(&res, "content-type").starts_with("application/json"));
    assert_eq!(header(&res, "cache-control"), "no-store");
    let json = body_json(res).await;
    assert_eq!(json["status"], "ok");
    assert_eq!(json["apiVersion"], 1);
}

#[tokio::test]
async fn demo_units_are_listed_in_order() {
    let app = test_app(None).await;
    let json = body_json(get(&app, "/api/v1/units").await).await;
    let units = json["units"].as_array().expect("units array");
    assert_eq!(units.len(), 4);
    let cities: Vec<_> = units.iter().map(|u| u["city"].as_str().unwrap_or_default()).collect();
    let mut sorted = cities.clone();
    sorted.sort();
    assert_eq!(cities, sorted);
    let dental = units.iter().find(|u| u["id"] == "ftv-lulea").expect("dental unit");
    assert_eq!(dental["kind"], "dental");
}

#[tokio::test]
async fn seeding_twice_is_harmless() {
    let db = ingang_server::db::Db::open_for_test(module_path!()).expect("db");
    db.store(ingang_server::demo::seed).await.expect("first seed");
    db.store(ingang_server::demo::seed).await.expect("second seed");
    let count: i64 = db
        .store(|c| c.query_row("SELECT count(*) AS count FROM units", ingang_server::params![], |r| r.get("count")))
        .await
        .expect("count");
    assert_eq!(count, 4);
}

#[tokio::test]
async fn unknown_api_paths_are_json_404s_not_the_app() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("index.html"), "<!doctype html><title>app</title>").expect("index");
    let app = test_app(Some(dir.path().to_owned())).await;
    for uri in ["/api/v1/nope", "/api/v2/health", "/api"] {
        let res = get(&app, uri).await;
        assert_eq!(res.status(), 404, "{uri}");
        let json = body_json(res).await;
        assert_eq!(json["code"], "not_found", "{uri}");
        assert!(json["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
}

#[tokio::test]
async fn wrong_method_gives_json_error() {
    let app = test_app(None).await;
    let req = Request::post("/api/v1/health").header("x-ingang-csrf", "1").body(Body::empty()).expect("request");
    let res = send(&app, req).await;
    assert_eq!(res.status(), 405);
    assert_eq!(body_json(res).await["code"], "method_not_allowed");
}

#[tokio::test]
async fn security_headers_on_api_responses() {
    let app = test_app(None).await;
    let res = get(&app, "/api/v1/health").await;
    let csp = header(&res, "content-security-policy");
    assert!(csp.contains("default-src 'self'"));
    assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval'"));
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(header(&res, "x-content-type-options"), "nosniff");
    assert_eq!(header(&res, "referrer-policy"), "no-referrer");
    assert!(header(&res, "permissions-policy").contains("camera=(self)"));
    assert_eq!(header(&res, "strict-transport-security"), "", "no HSTS over plain http");
}

#[tokio::test]
async fn hsts_when_served_over_tls() {
    let db = ingang_server::db::Db::open_for_test(module_path!()).expect("db");
    let config = ingang_server::Config { hsts: true, ..Default::default() };
    let app = ingang_server::app(ingang_server::AppState::new(db, false), &config);
    let res = get(&app, "/api/v1/health").await;
    assert!(header(&res, "strict-transport-security").starts_with("max-age="));
}

#[tokio::test]
async fn openapi_document_is_served() {
    let app = test_app(None).await;
    let json = body_json(get(&app, "/api/v1/openapi.json").await).await;
    assert!(json["openapi"].as_str().is_some_and(|v| v.starts_with("3.1")));
    assert!(json["paths"]["/api/v1/health"].is_object());
    assert!(json["paths"]["/api/v1/units"].is_object());
}

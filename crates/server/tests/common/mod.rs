//! Helpers shared by the server's integration tests.
#![allow(dead_code)]

use axum::{
    Router,
    body::Body,
    http::{Request, Response},
};
use http_body_util::BodyExt;
use ingang_server::{AppState, Config, app, db::Db, demo};
use tower::ServiceExt;

/// The whole app on an in-memory database with demo data; `static_dir` optional.
pub async fn test_app(static_dir: Option<std::path::PathBuf>) -> Router {
    let db = Db::open_in_memory().expect("db");
    db.call(demo::seed).await.expect("seed");
    let config = Config { static_dir, demo: true, ..Config::default() };
    app(AppState::new(db, true), &config)
}

pub async fn send(app: &Router, req: Request<Body>) -> Response<Body> {
    app.clone().oneshot(req).await.expect("infallible")
}

pub async fn get(app: &Router, uri: &str) -> Response<Body> {
    send(app, Request::get(uri).body(Body::empty()).expect("request")).await
}

pub async fn body_bytes(res: Response<Body>) -> Vec<u8> {
    res.into_body().collect().await.expect("body").to_bytes().to_vec()
}

pub async fn body_json(res: Response<Body>) -> serde_json::Value {
    serde_json::from_slice(&body_bytes(res).await).expect("json body")
}

pub fn header<'a>(res: &'a Response<Body>, name: &str) -> &'a str {
    res.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

//! Serving the built app: MIME types, SPA fallback, precompressed files, cache rules.

mod common;

use axum::{body::Body, http::Request};
use common::*;

const HASHED_JS: &str = "ingang-0123456789abcdef.js";
const HASHED_WASM: &str = "ingang-0123456789abcdef_bg.wasm";

fn dist() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::write(p.join("index.html"), "<!doctype html><title>Ingång</title>").expect("write");
    std::fs::write(p.join(HASHED_JS), "export default 1;").expect("write");
    std::fs::write(p.join(HASHED_WASM), b"\0asm\x01\0\0\0").expect("write");
    std::fs::write(p.join("manifest.webmanifest"), "{}").expect("write");
    std::fs::write(p.join("sw.js"), "// sw").expect("write");
    std::fs::write(p.join("config.json"), r#"{"apiBaseUrl":"/api/v1"}"#).expect("write");
    // A precompressed sibling whose content differs, to see which one is served.
    std::fs::write(p.join(format!("{HASHED_JS}.br")), b"BROTLI").expect("write");
    dir
}

#[tokio::test]
async fn mime_types() {
    let dir = dist();
    let app = test_app(Some(dir.path().to_owned())).await;
    for (uri, mime) in [
        (format!("/{HASHED_WASM}"), "application/wasm"),
        ("/manifest.webmanifest".to_owned(), "application/manifest+json"),
        (format!("/{HASHED_JS}"), "text/javascript"),
        ("/index.html".to_owned(), "text/html"),
        ("/config.json".to_owned(), "application/json"),
    ] {
        let res = get(&app, &uri).await;
        assert_eq!(res.status(), 200, "{uri}");
        assert!(header(&res, "content-type").starts_with(mime), "{uri}: {}", header(&res, "content-type"));
    }
}

#[tokio::test]
async fn app_routes_fall_back_to_index() {
    let dir = dist();
    let app = test_app(Some(dir.path().to_owned())).await;
    for uri in ["/", "/sok-vard", "/arenden/123", "/finns-inte"] {
        let res = get(&app, uri).await;
        assert_eq!(res.status(), 200, "{uri}");
        assert_eq!(header(&res, "cache-control"), "no-cache", "{uri}");
        assert!(String::from_utf8(body_bytes(res).await).expect("utf8").contains("<title>Ingång"));
    }
}

#[tokio::test]
async fn missing_assets_are_404_not_index() {
    let dir = dist();
    let app = test_app(Some(dir.path().to_owned())).await;
    let res = get(&app, "/ingang-ffffffffffffffff.js").await;
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn cache_rules() {
    let dir = dist();
    let app = test_app(Some(dir.path().to_owned())).await;
    for uri in ["/index.html", "/sw.js", "/manifest.webmanifest", "/config.json"] {
        assert_eq!(header(&get(&app, uri).await, "cache-control"), "no-cache", "{uri}");
    }
    for uri in [format!("/{HASHED_JS}"), format!("/{HASHED_WASM}")] {
        assert_eq!(header(&get(&app, &uri).await, "cache-control"), "public, max-age=31536000, immutable", "{uri}");
    }
}

#[tokio::test]
async fn precompressed_files_when_accepted() {
    let dir = dist();
    let app = test_app(Some(dir.path().to_owned())).await;
    let req = Request::get(format!("/{HASHED_JS}")).header("accept-encoding", "gzip, br").body(Body::empty());
    let res = send(&app, req.expect("request")).await;
    assert_eq!(header(&res, "content-encoding"), "br");
    assert!(header(&res, "content-type").starts_with("text/javascript"));
    assert!(header(&res, "vary").to_ascii_lowercase().contains("accept-encoding"));
    assert_eq!(body_bytes(res).await, b"BROTLI");

    let res = get(&app, &format!("/{HASHED_JS}")).await;
    assert_eq!(header(&res, "content-encoding"), "");
    assert_eq!(body_bytes(res).await, b"export default 1;");
}

#[tokio::test]
async fn static_responses_carry_security_headers() {
    let dir = dist();
    let app = test_app(Some(dir.path().to_owned())).await;
    let res = get(&app, "/").await;
    assert!(header(&res, "content-security-policy").contains("default-src 'self'"));
    assert_eq!(header(&res, "x-content-type-options"), "nosniff");
}

//! Serves the built app from a directory (`dist/`).
//!
//! - Precompressed `.br` / `.gz` siblings are sent when the client accepts them.
//! - Paths without a file extension are app routes: they get `index.html` (SPA fallback);
//!   a missing file *with* an extension is a plain 404, so a broken asset link is visible.
//! - Caching: files whose name carries a content hash are immutable for a year; everything
//!   else (`index.html`, `sw.js`, `manifest.webmanifest`, `config.json`, icons) must be
//!   revalidated on every use (`no-cache`), so a new release is picked up at once.

use std::{convert::Infallible, path::Path};

use axum::{
    Router,
    body::Body,
    extract::Request,
    http::{HeaderValue, StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

/// Router serving `dir` for every path (merge it after the API routes).
pub fn router(dir: &Path) -> Router {
    let index = ServeFile::new(dir.join("index.html")).precompressed_br().precompressed_gzip();
    let spa_fallback = tower::service_fn(move |req: Request| {
        let index = index.clone();
        async move {
            if has_extension(req.uri().path()) {
                return Ok::<_, Infallible>(StatusCode::NOT_FOUND.into_response());
            }
            match index.oneshot(req).await {
                Ok(res) => Ok(res.map(Body::new)),
                Err(never) => match never {},
            }
        }
    });
    let files = ServeDir::new(dir).precompressed_br().precompressed_gzip().fallback(spa_fallback);
    Router::new().fallback_service(files).layer(middleware::from_fn(cache_headers))
}

async fn cache_headers(req: Request, next: Next) -> Response {
    let immutable = is_content_hashed(req.uri().path());
    let mut res = next.run(req).await;
    let value = if immutable && res.status().is_success() { "public, max-age=31536000, immutable" } else { "no-cache" };
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    res.headers_mut().append(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    res
}

/// Whether the last path segment has a file extension (`/app-1a2b.js`, not `/sok-vard`).
fn has_extension(path: &str) -> bool {
    path.rsplit('/').next().is_some_and(|name| name.contains('.'))
}

/// Whether a file's URL carries a content hash: a name `name-<16 hex>.ext` or
/// `name-<16 hex>_bg.wasm`, or a file in the wasm package folder `/pkg-<16 hex>/` (the split
/// modules keep fixed names inside a folder named after all of their contents).
pub fn is_content_hashed(path: &str) -> bool {
    if let Some(rest) = path.strip_prefix("/pkg-")
        && let Some((hash, file)) = rest.split_once('/')
        && hash.len() == 16
        && hash.chars().all(|c| c.is_ascii_hexdigit())
        && !file.is_empty()
    {
        return true;
    }
    let Some(name) = path.rsplit('/').next() else { return false };
    let Some((_, tail)) = name.rsplit_once('-') else { return false };
    let hex: String = tail.chars().take_while(char::is_ascii_hexdigit).collect();
    hex.len() == 16 && matches!(tail[16..].chars().next(), Some('.') | Some('_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_hashed_names() {
        assert!(is_content_hashed("/ingang-4f6c1e0ab3d2c9e8_bg.wasm"));
        assert!(is_content_hashed("/ingang-4f6c1e0ab3d2c9e8.js"));
        assert!(is_content_hashed("/app-00112233445566aa.css"));
        assert!(!is_content_hashed("/index.html"));
        assert!(!is_content_hashed("/sw.js"));
        assert!(!is_content_hashed("/icons/icon-192.png"));
        assert!(!is_content_hashed("/sok-vard"));
        assert!(!is_content_hashed("/x-4f6c1e0ab3d2c9e8"));
        assert!(!is_content_hashed("/x-4f6c1e0ab3d2c9e.js"));
        assert!(is_content_hashed("/pkg-4f6c1e0ab3d2c9e8/chunk_12.wasm"));
        assert!(is_content_hashed("/pkg-4f6c1e0ab3d2c9e8/__wasm_split.js"));
        assert!(!is_content_hashed("/pkg-4f6c1e0ab3d2c9e8/"));
        assert!(!is_content_hashed("/pkg-4f6c1e0ab3d2c9/chunk_12.wasm"));
        assert!(!is_content_hashed("/pkg-nothexnothexnoth/chunk_12.wasm"));
    }

    #[test]
    fn extensions() {
        assert!(has_extension("/a/b.js"));
        assert!(!has_extension("/bokade-tider"));
        assert!(!has_extension("/"));
    }
}

//! Security headers on every response, static or API.

use axum::{
    Router,
    extract::{Request, State},
    http::{HeaderName, HeaderValue, header},
    middleware::{self, Next},
    response::Response,
};

/// The Content-Security-Policy. No inline style, and one inline script only: the line in
/// `index.html`'s `<head>` that hides the prerendered start page on other paths before the
/// first paint, allowed by its hash (a test hashes the script in `index.html` and checks it). The app never sets `style` attributes. `wasm-unsafe-eval` lets the browser
/// compile the wasm. Camera pictures are previewed as `blob:` URLs.
pub const CSP: &str = "default-src 'self'; \
script-src 'self' 'wasm-unsafe-eval' 'sha256-Da1NEdCxqyDE+ijobXdkRwwBtZ+AzxEdC4YRNErYTT0='; style-src 'self'; \
img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; media-src 'self' blob:; \
worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
frame-ancestors 'none'";

/// Camera for taking pictures of symptoms (same origin only); nothing else.
pub const PERMISSIONS_POLICY: &str = "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), serial=()";

#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Send HSTS (only meaningful when the public origin is https).
    pub hsts: bool,
}

pub fn apply(router: Router, options: Options) -> Router {
    router.layer(middleware::from_fn_with_state(options, headers))
}

async fn headers(State(options): State<Options>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    // a response with a stricter policy of its own keeps it (pictures: `sandbox`)
    h.entry(header::CONTENT_SECURITY_POLICY).or_insert(HeaderValue::from_static(CSP));
    let mut set = |name: HeaderName, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::REFERRER_POLICY, "no-referrer");
    set(HeaderName::from_static("permissions-policy"), PERMISSIONS_POLICY);
    set(HeaderName::from_static("cross-origin-opener-policy"), "same-origin");
    set(header::X_FRAME_OPTIONS, "DENY");
    if options.hsts {
        set(header::STRICT_TRANSPORT_SECURITY, "max-age=63072000; includeSubDomains");
    }
    res
}

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    use super::*;

    fn base64(data: &[u8]) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in data.chunks(3) {
            let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
            for i in 0..4 {
                out.push(if i <= chunk.len() { ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char } else { '=' });
            }
        }
        out
    }

    /// The CSP allows `index.html`'s inline script by hash: any change to the script must come
    /// with its new hash, or the browser refuses it and deep links flash the start page.
    #[test]
    fn the_csp_names_the_hash_of_the_one_inline_script() {
        let html = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../index.html"));
        let inline: Vec<&str> = html
            .split("<script")
            .skip(1)
            .filter_map(|s| s.split_once('>'))
            .filter(|(attrs, _)| !attrs.contains("src="))
            .map(|(_, rest)| rest.split("</script>").next().unwrap_or_default())
            .collect();
        assert_eq!(inline.len(), 1, "exactly one inline script in index.html");
        let hash = format!("'sha256-{}'", base64(&Sha256::digest(inline[0].as_bytes())));
        assert!(CSP.contains(&hash), "the CSP must name {hash}");
        assert!(!CSP.contains("unsafe-inline"));
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"abc"), "YWJj");
        assert_eq!(base64(b"a"), "YQ==");
    }
}

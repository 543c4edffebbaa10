//! Security headers on every response, static or API.

use axum::{
    Router,
    extract::{Request, State},
    http::{HeaderName, HeaderValue, header},
    middleware::{self, Next},
    response::Response,
};

/// The Content-Security-Policy. No inline script or style at all: the build moves trunk's
/// loader into a hashed file, and the app never sets `style` attributes. `wasm-unsafe-eval`
/// lets the browser compile the wasm. Camera pictures are previewed as `blob:` URLs.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
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
    let mut set = |name: HeaderName, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    set(header::CONTENT_SECURITY_POLICY, CSP);
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

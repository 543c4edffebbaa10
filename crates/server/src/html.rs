//! The server's own HTML pages (the staff console, the demo's test pages): one document shape,
//! written with `maud`, which escapes every text it is given. No HTML is built in a string
//! (`cargo xtask test` checks it, see ARCHITECTURE.md).

use axum::{
    http::header,
    response::{Html, IntoResponse, Response},
};
use maud::{DOCTYPE, Markup, html};

/// A page in Swedish, never cached or indexed: `<title>` is `title` and `site`, `head` adds
/// style sheets and scripts (files: the CSP allows nothing inline), `main` starts with `title`
/// as its `h1`.
pub fn page(title: &str, site: &str, head: Markup, main: Markup) -> Response {
    let html = html! {
        (DOCTYPE)
        html lang="sv" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width,initial-scale=1";
                meta name="robots" content="noindex";
                title { (title) " – " (site) }
                (head)
            }
            body { main { h1 { (title) } (main) } }
        }
    };
    ([(header::CACHE_CONTROL, "no-store")], Html(html.into_string())).into_response()
}

//! The committed `openapi.json` must match what the handlers generate.
//! Regenerate with `cargo xtask openapi` (which sets `UPDATE_OPENAPI=1` for this test).

use std::path::Path;

#[test]
fn committed_openapi_document_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi.json");
    let generated = ingang_server::openapi::document_json();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).expect("write openapi.json");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(committed == generated, "openapi.json is stale: run `cargo xtask openapi` and commit the result");
}

//! Any bytes as a QuestionnaireResponse to one of the demo forms, checked as the server checks
//! what a patient sends (`ingang_questionnaire::fuzz::response`).
#![no_main]

use std::sync::OnceLock;

use ingang_questionnaire::Questionnaire;

/// The demo forms, in file-name order (as `tests/fuzz_regressions.rs` reads them).
fn forms() -> &'static [Questionnaire] {
    static FORMS: OnceLock<Vec<Questionnaire>> = OnceLock::new();
    FORMS.get_or_init(|| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../crates/server/forms");
        let mut paths: Vec<_> = std::fs::read_dir(dir).expect("forms").filter_map(Result::ok).map(|e| e.path()).collect();
        paths.sort();
        paths.iter().map(|p| Questionnaire::from_json(&std::fs::read_to_string(p).expect("form")).expect("valid")).collect()
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| ingang_questionnaire::fuzz::response(forms(), data));

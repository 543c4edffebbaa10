//! Every input a fuzz target (`fuzz/`, run by `cargo xtask bench --fuzz`) ever crashed on is
//! kept under `tests/fuzz-regressions/<target>/` and replayed here, so a fixed crash stays fixed.

use std::path::Path;

use ingang_questionnaire::{Questionnaire, fuzz};

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions").join(target);
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.file_name() != ".gitkeep")
                .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).expect("readable")))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// The demo forms the response target checks against (the same list, in the same order).
fn forms() -> Vec<Questionnaire> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../server/forms");
    let mut paths: Vec<_> = std::fs::read_dir(dir).expect("forms").filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    paths
        .iter()
        .map(|p| Questionnaire::from_json(&std::fs::read_to_string(p).expect("form")).expect("a valid demo form"))
        .collect()
}

#[test]
fn questionnaires_that_once_crashed_do_not() {
    for (name, data) in inputs("questionnaire") {
        println!("{name}");
        fuzz::questionnaire(&data);
    }
}

#[test]
fn responses_that_once_crashed_do_not() {
    let forms = forms();
    for (name, data) in inputs("response") {
        println!("{name}");
        fuzz::response(&forms, &data);
    }
}

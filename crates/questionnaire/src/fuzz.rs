//! What the fuzz targets in `fuzz/` run, shared with the tests that replay every input they
//! ever crashed on (`tests/fuzz_regressions.rs`): whatever the bytes, the engine answers with a
//! form or an error, never a panic, and what it writes it can read back.

use crate::{Form, Questionnaire, QuestionnaireResponse, check_response};

/// Arbitrary bytes as a Questionnaire: loaded, walked, validated, scored, reviewed, and its
/// (empty) response written and read back.
pub fn questionnaire(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(q) = Questionnaire::from_json(text) else { return };
    let _ = q.age_range();
    let form = Form::new(q.clone());
    let _ = form.walk();
    let _ = form.pages();
    let _ = form.validate(None);
    let _ = form.score(None);
    let _ = form.review("sv", ("Ja", "Nej"));
    let response = form.response();
    let written = serde_json::to_string(&response).expect("a response always serialises");
    let read = QuestionnaireResponse::from_json(&written).expect("what the engine writes, it reads");
    let _ = check_response(q, read, None);
}

/// Arbitrary bytes as a response to one of `forms` (the first byte picks which), checked the
/// way the server checks what a patient sends.
pub fn response(forms: &[Questionnaire], data: &[u8]) {
    let Some((pick, rest)) = data.split_first() else { return };
    if forms.is_empty() {
        return;
    }
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let Ok(response) = QuestionnaireResponse::from_json(text) else { return };
    let q = forms[usize::from(*pick) % forms.len()].clone();
    let _ = check_response(q.clone(), response.clone(), None);
    // and loaded into a form as the app does with a draft
    let (form, _) = Form::with_response(q, response);
    let _ = form.validate(None);
    let _ = form.response();
}

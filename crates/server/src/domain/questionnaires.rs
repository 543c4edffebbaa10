//! Checking a QuestionnaireResponse against its Questionnaire (FHIR R4 + SDC, with the engine in
//! `ingang-questionnaire`) at a given time.

use ingang_api::{ResponseProblem, ResponseValidation};
use ingang_questionnaire::{Questionnaire, QuestionnaireResponse};

/// A submitted response (`text`, JSON) that passes [`check`] against `questionnaire`, or 400:
/// `bad_request` when it is no QuestionnaireResponse, `invalid_response` listing the problems.
/// Every endpoint that stores a response goes through here.
pub fn validated(
    questionnaire: Questionnaire,
    text: &str,
    now: i64,
) -> Result<QuestionnaireResponse, crate::error::ApiError> {
    use crate::error::ApiError;
    let response = QuestionnaireResponse::from_json(text)
        .map_err(|e| ApiError::bad_request(format!("Inte ett QuestionnaireResponse: {e}")))?;
    let verdict = check_at(questionnaire, response.clone(), now);
    if !verdict.valid {
        let list: Vec<String> = verdict.problems.iter().map(|p| format!("{}: {}", p.link_id, p.message)).collect();
        return Err(ApiError::new(axum::http::StatusCode::BAD_REQUEST, "invalid_response", list.join("; ")));
    }
    Ok(response)
}

/// The verdict on `response` at `now` (seconds), also used by every endpoint that stores
/// responses: the expressions are evaluated with the app's code, at Stockholm's offset.
pub fn check_at(questionnaire: Questionnaire, response: QuestionnaireResponse, now: i64) -> ResponseValidation {
    let mut problems = Vec::new();
    if let Some(reference) = &response.questionnaire {
        let matches = |canonical: &str| {
            let (url, version) = canonical.split_once('|').unwrap_or((canonical, ""));
            questionnaire.url.as_deref() == Some(url)
                && (version.is_empty() || questionnaire.version.as_deref() == Some(version))
        };
        let by_id = questionnaire.id.as_ref().is_some_and(|id| reference == &format!("Questionnaire/{id}"));
        if !matches(reference) && !by_id {
            problems.push(ResponseProblem {
                link_id: String::new(),
                code: "wrong_questionnaire".into(),
                message: "Svaret hör till ett annat formulär.".into(),
            });
        }
    }
    problems.extend(
        ingang_questionnaire::check_response_at(
            questionnaire,
            response,
            Some(regex_match),
            Some((now * 1000, (ingang_api::visits::stockholm_offset(now) / 60) as i32)),
        )
        .into_iter()
        .map(|p| ResponseProblem { link_id: p.link_id, code: p.code.into(), message: p.message }),
    );
    ResponseValidation { valid: problems.is_empty(), problems }
}

/// FHIR regexes match the whole value.
pub fn regex_match(pattern: &str, text: &str) -> Option<bool> {
    regex_lite::Regex::new(&format!("^(?:{pattern})$")).ok().map(|r| r.is_match(text))
}

//! FHIR R4 Questionnaire engine for Ingång: pure Rust, no web dependencies, used by the app (to
//! render and fill in forms) and by the reference server (to validate every submitted response).
//!
//! - [`model`]: serde types for `Questionnaire` / `QuestionnaireResponse` that keep unknown fields.
//! - [`Form`]: the live answer tree; enableWhen, wiping of disabled answers, repeats, initial
//!   values, response output and resume, scores.
//! - [`validate`]: rules with Swedish and English messages.
//! - [`text`]: `rendering-markdown` / `rendering-xhtml` as a safe rich-text tree.
//! - [`def`]: what the engine reads from each item, and the list of unsupported features.
//!
//! ```
//! use ingang_questionnaire::{Form, Questionnaire, Value};
//! let q = Questionnaire::from_json(r#"{"resourceType":"Questionnaire","item":[
//!   {"linkId":"feber","text":"Har du feber?","type":"boolean"},
//!   {"linkId":"temp","text":"Temperatur","type":"decimal",
//!    "enableWhen":[{"question":"feber","operator":"=","answerBoolean":true}]}]}"#).unwrap();
//! let mut form = Form::new(q);
//! let [feber, temp] = form.items(form.root()) else { unreachable!() };
//! let (feber, temp) = (*feber, *temp);
//! assert!(!form.is_enabled(temp));
//! form.set_value(form.instances(feber)[0], Some(Value::Boolean(true)));
//! assert!(form.is_enabled(temp));
//! ```

pub mod def;
pub mod expressions;
pub mod fhirpath;
pub mod form;
#[doc(hidden)]
pub mod fuzz;
pub mod input;
pub mod model;
pub mod text;
pub mod validate;
pub mod value;

pub use def::{Choice, Def, Unsupported, Urgency};
pub use form::{Changes, Form, Issue, LoadWarning, NodeId, ReviewLine};
pub use model::{LoadError, Questionnaire, QuestionnaireResponse};
pub use validate::ValidationError;
pub use value::Value;

/// A problem the server reports for a submitted response.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseProblem {
    pub link_id: String,
    /// Machine code: `required`, `max_length`, `unknown_item`, `disabled_item`, ...
    pub code: &'static str,
    /// Swedish message.
    pub message: String,
}

/// Checks a submitted response against its questionnaire the way the server must: unknown items,
/// answers of the wrong type, answers to disabled items and every validation rule are problems.
pub fn check_response(
    questionnaire: Questionnaire,
    response: QuestionnaireResponse,
    regex: Option<form::RegexFn>,
) -> Vec<ResponseProblem> {
    check_response_at(questionnaire, response, regex, None)
}

/// [`check_response`] with the moment `now()`/`today()` give (milliseconds since the epoch,
/// local offset in minutes). Expressions are evaluated with the same code as in the app:
/// answers to items an `enableWhenExpression` disables are `disabled_item`, and a read-only
/// calculated answer that differs from the calculation is `calculated`.
pub fn check_response_at(
    questionnaire: Questionnaire,
    response: QuestionnaireResponse,
    regex: Option<form::RegexFn>,
    clock: Option<(i64, i32)>,
) -> Vec<ResponseProblem> {
    let (mut form, warnings) = Form::with_response_at(questionnaire, response, clock);
    if let Some(r) = regex {
        form.set_regex(r);
    }
    let mut out: Vec<ResponseProblem> = warnings
        .into_iter()
        .map(|w| match w {
            LoadWarning::UnknownLinkId(l) => {
                ResponseProblem {
                    link_id: l, code: "unknown_item", message: "Frågan finns inte i formuläret.".into()
                }
            }
            LoadWarning::WrongType(l) => {
                ResponseProblem { link_id: l, code: "wrong_type", message: ValidationError::WrongType.message("sv") }
            }
            LoadWarning::TooManyAnswers(l) => {
                ResponseProblem {
                    link_id: l, code: "too_many_answers", message: "Frågan har för många svar.".into()
                }
            }
            LoadWarning::DisabledAnswered(l) => ResponseProblem {
                link_id: l,
                code: "disabled_item",
                message: "Frågan ska inte besvaras med de andra svaren.".into(),
            },
            LoadWarning::Recalculated(l) => ResponseProblem {
                link_id: l,
                code: "calculated",
                message: "Det beräknade värdet stämmer inte med svaren.".into(),
            },
        })
        .collect();
    for issue in form.validate(None) {
        if out.iter().any(|p| p.link_id == issue.link_id && p.code == issue.error.code()) {
            continue;
        }
        out.push(ResponseProblem {
            link_id: issue.link_id,
            code: issue.error.code(),
            message: issue.error.message("sv"),
        });
    }
    out
}

impl ValidationError {
    /// A stable machine code for the rule.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::MinLength(_) => "min_length",
            Self::MaxLength(_) => "max_length",
            Self::MinValue(_) => "min_value",
            Self::MaxValue(_) => "max_value",
            Self::Regex => "regex",
            Self::MaxDecimalPlaces(_) => "max_decimal_places",
            Self::MaxSize(_) => "max_size",
            Self::MimeType(_) => "mime_type",
            Self::MinOccurs(_) => "min_occurs",
            Self::MaxOccurs(_) => "max_occurs",
            Self::NotANumber => "not_a_number",
            Self::NotAnInteger => "not_an_integer",
            Self::InvalidDate => "invalid_date",
            Self::InvalidTime => "invalid_time",
            Self::InvalidUrl => "invalid_url",
            Self::NotAnOption => "not_an_option",
            Self::WrongType => "wrong_type",
            Self::Constraint { .. } => "constraint",
        }
    }
}

/// Standard base64 (with padding), for attachment data.
pub fn base64_encode(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 { T[(n >> 6) as usize & 63] as char } else { '=' });
        out.push(if chunk.len() > 2 { T[n as usize & 63] as char } else { '=' });
    }
    out
}

/// Decodes standard base64 (padding optional, no whitespace); `None` when malformed.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    fn val(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let body = text.trim_end_matches('=');
    if text.len() - body.len() > 2 || body.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    for chunk in body.as_bytes().chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= val(c)? << (18 - 6 * i);
        }
        out.push((n >> 16) as u8);
        if chunk.len() > 2 {
            out.push((n >> 8) as u8);
        }
        if chunk.len() > 3 {
            out.push(n as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_round_trip() {
        for len in 0..40u8 {
            let bytes: Vec<u8> = (0..len).map(|i| i.wrapping_mul(37).wrapping_add(200)).collect();
            assert_eq!(super::base64_decode(&super::base64_encode(&bytes)), Some(bytes));
        }
        assert_eq!(super::base64_decode("Zm9vYg"), Some(b"foob".to_vec()));
        assert_eq!(super::base64_decode("Zm9v!mFy"), None);
        assert_eq!(super::base64_decode("Z"), None);
    }

    #[test]
    fn base64() {
        assert_eq!(super::base64_encode(b""), "");
        assert_eq!(super::base64_encode(b"f"), "Zg==");
        assert_eq!(super::base64_encode(b"fo"), "Zm8=");
        assert_eq!(super::base64_encode(b"foobar"), "Zm9vYmFy");
    }
}

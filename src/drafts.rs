//! Drafts: answers saved on the device while the user fills in a form, so a reload, a crash or
//! a new login never loses them. A draft is a `QuestionnaireResponse` under `ingang.draft.<key>`;
//! it is removed on submit ([`clear`]) and on logout ([`clear_all`]).
//!
//! Encryption of drafts with a per-user key (kept when a session expires) comes with sign-in.

use ingang_questionnaire::QuestionnaireResponse;

use crate::storage;

const PREFIX: &str = "draft.";

/// The storage key of a form's draft: the caller's key when it has one, else the
/// questionnaire's canonical URL.
pub fn key_for(explicit: Option<&str>, canonical: Option<&str>) -> Option<String> {
    explicit.or(canonical).map(|k| format!("{PREFIX}{k}"))
}

pub fn load(key: &str) -> Option<QuestionnaireResponse> {
    storage::get(key).and_then(|text| QuestionnaireResponse::from_json(&text).ok())
}

pub fn save(key: &str, response: &QuestionnaireResponse) {
    if let Ok(text) = serde_json::to_string(response) {
        storage::set(key, &text);
    }
}

pub fn clear(key: &str) {
    storage::remove(key);
}

/// Removes every draft on this device (logout).
pub fn clear_all() {
    storage::remove_prefixed(PREFIX);
}

#[cfg(test)]
mod tests {
    #[test]
    fn keys() {
        assert_eq!(super::key_for(Some("case-1"), Some("u")), Some("draft.case-1".into()));
        assert_eq!(super::key_for(None, Some("https://x/q|1")), Some("draft.https://x/q|1".into()));
        assert_eq!(super::key_for(None, None), None);
    }
}

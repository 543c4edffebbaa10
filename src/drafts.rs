//! Drafts: answers saved on the device while the user fills in a form, so a reload, a crash,
//! going offline or an expired session never loses them. A draft is a `QuestionnaireResponse`
//! under `ingang.draft.…`; it is removed on submit ([`Drafts::clear`]) and on logout ([`clear_all`]).
//!
//! - Signed in (health data): [`Drafts::Sealed`], encrypted with the user's key ([`SealKey`],
//!   AES-GCM) under `ingang.draft.<key id>.<form>`. When the session expires the ciphertext
//!   stays; the next person at the device has another key and sees nothing; the same user gets
//!   the same key after logging in again and is back where they were.
//! - The form preview (sample answers of a form author, no login): [`Drafts::Plain`].

use ingang_questionnaire::QuestionnaireResponse;

use crate::{crypto::SealKey, storage};

const PREFIX: &str = "draft.";

/// Where a form's draft lives.
#[derive(Clone)]
pub enum Drafts {
    /// Plain JSON under this storage key (the preview only).
    Plain(String),
    /// Encrypted with the user's key; the string names the form (e.g. person + questionnaire).
    Sealed(SealKey, String),
}

impl Drafts {
    /// The plain draft of the preview for `source`.
    pub fn preview(source: &str) -> Drafts {
        Drafts::Plain(format!("{PREFIX}preview:{source}"))
    }

    fn storage_key(&self) -> String {
        match self {
            Drafts::Plain(k) => k.clone(),
            Drafts::Sealed(key, form) => sealed_key(&key.id, form),
        }
    }

    /// The saved draft, if any (and readable with this key).
    pub async fn load(&self) -> Option<QuestionnaireResponse> {
        QuestionnaireResponse::from_json(&self.load_text().await?).ok()
    }

    /// Any saved value (e.g. the choices of the seek-care flow), decrypted.
    pub async fn load_json<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        serde_json::from_str(&self.load_text().await?).ok()
    }

    /// The saved text, decrypted.
    pub async fn load_text(&self) -> Option<String> {
        let stored = storage::get(&self.storage_key())?;
        match self {
            Drafts::Plain(_) => Some(stored),
            Drafts::Sealed(key, _) => key.open(&stored).await,
        }
    }

    /// A plain draft at once (the preview starts synchronously); `None` for sealed drafts.
    pub fn load_plain(&self) -> Option<QuestionnaireResponse> {
        match self {
            Drafts::Plain(k) => storage::get(k).and_then(|text| QuestionnaireResponse::from_json(&text).ok()),
            Drafts::Sealed(..) => None,
        }
    }

    /// Saves the draft (encryption finishes in the background).
    pub fn save(&self, response: &QuestionnaireResponse) {
        self.save_json(response);
    }

    /// Saves any value as JSON (encryption finishes in the background).
    pub fn save_json<T: serde::Serialize>(&self, value: &T) {
        if let Ok(text) = serde_json::to_string(value) {
            self.save_text(text);
        }
    }

    /// Saves text as it is, e.g. an API's answer (encryption finishes in the background).
    pub fn save_text(&self, text: String) {
        let storage_key = self.storage_key();
        match self {
            Drafts::Plain(_) => storage::set(&storage_key, &text),
            Drafts::Sealed(key, _) => {
                // encryption is asynchronous: only the latest save (or clear) of a key may land,
                // so an older one finishing late never overwrites newer text or revives a
                // cleared draft (e.g. a chat message that has just been sent)
                let turn = next_turn(&storage_key);
                let key = key.clone();
                leptos::task::spawn_local(async move {
                    if let Some(sealed) = key.seal(&text).await
                        && is_turn(&storage_key, turn)
                    {
                        storage::set(&storage_key, &sealed);
                    }
                });
            }
        }
    }

    pub fn clear(&self) {
        let storage_key = self.storage_key();
        next_turn(&storage_key);
        storage::remove(&storage_key);
    }
}

thread_local! {
    /// The latest write started per storage key (see [`Drafts::save_json`]).
    static TURNS: std::cell::RefCell<std::collections::HashMap<String, u64>> = Default::default();
}

fn next_turn(storage_key: &str) -> u64 {
    TURNS.with_borrow_mut(|t| {
        let n = t.entry(storage_key.to_owned()).or_default();
        *n += 1;
        *n
    })
}

fn is_turn(storage_key: &str, turn: u64) -> bool {
    TURNS.with_borrow(|t| t.get(storage_key) == Some(&turn))
}

/// `draft.<key id>.<form>`: the key id names the user's drafts without saying whose they are.
pub fn sealed_key(key_id: &str, form: &str) -> String {
    format!("{PREFIX}{key_id}.{form}")
}

/// Removes every draft on this device (logout, "Radera sparade svar").
pub fn clear_all() {
    storage::remove_prefixed(PREFIX);
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_the_latest_write_of_a_key_lands() {
        let first = super::next_turn("draft.k.a");
        let second = super::next_turn("draft.k.a");
        assert!(!super::is_turn("draft.k.a", first) && super::is_turn("draft.k.a", second));
        assert!(!super::is_turn("draft.k.b", second), "keys are apart");
    }

    #[test]
    fn keys() {
        assert_eq!(super::sealed_key("0a1b", "p1/q"), "draft.0a1b.p1/q");
    }
}

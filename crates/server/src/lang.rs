//! The user's language for the server's own texts (e-service names and descriptions, symptom
//! categories): the app sends its UI language as `Accept-Language`; a text is given in that
//! language when the form has a FHIR `translation` for it, else as written (Swedish).

use std::collections::HashMap;

use axum::{extract::FromRequestParts, http::request::Parts};
use ingang_api::visits::{BookableType, Visit};
use ingang_questionnaire::{def, model::Extension, validate::LANGUAGES};

use crate::{AppState, error::ApiError};

/// The first language of `Accept-Language` (in the order given, `q=0` left out) that the
/// server has, as its primary subtag; Swedish when none is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lang(pub &'static str);

impl Lang {
    pub fn from_header(value: &str) -> Lang {
        value
            .split(',')
            .filter_map(|part| {
                let mut fields = part.split(';');
                let tag = fields.next()?.trim();
                let refused = fields.any(|f| matches!(f.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
                let primary = tag.split('-').next()?.to_ascii_lowercase();
                (!refused).then_some(primary)
            })
            .find_map(|primary| LANGUAGES.iter().find(|l| **l == primary).copied())
            .map_or(Lang("sv"), Lang)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let value = parts.headers.get(axum::http::header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
        Ok(value.map_or(Lang("sv"), Lang::from_header))
    }
}

/// The translation to `lang` in a primitive's element (`_title`, `_description`: JSON text, as
/// `questionnaires.title_translations` keeps it), picked as the form engine picks an item's
/// (`def::translated`), if there is one.
pub fn translated(element: Option<&str>, lang: Lang) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Element {
        #[serde(default)]
        extension: Vec<Extension>,
    }
    if lang.0 == "sv" {
        return None;
    }
    let element: Element = serde_json::from_str(element?).ok()?;
    def::translated(&element.extension, lang.0)
}

/// The texts the server sends on its own (SMS, e-mail, push), in a resident's language (their
/// `contact_details.language`). None names a unit or any care: no health data leaves by them.
pub mod notices {
    /// "Din tur": staff have picked the resident's case.
    pub fn your_turn(lang: &str) -> &'static str {
        match lang {
            "en" => "Ingång: It is your turn now. Open the app to continue your case.",
            "fi" => "Ingång: Nyt on sinun vuorosi. Avaa sovellus jatkaaksesi asiaasi.",
            "ar" => "Ingång: حان دورك الآن. افتح التطبيق لمتابعة طلبك.",
            _ => "Ingång: Nu är det din tur. Öppna appen för att fortsätta ditt ärende.",
        }
    }

    /// A booked visit starts within two hours: its time, when check-in opens, and the link.
    pub fn reminder(lang: &str, time: &str, from: &str, link: &str) -> String {
        match lang {
            "en" => {
                format!("Ingång: A reminder of your appointment today at {time}. Check in and pay from {from}: {link}")
            }
            "fi" => format!(
                "Ingång: Muistutus tämänpäiväisestä varatusta ajastasi klo {time}. Ilmoittaudu ja maksa klo {from} alkaen: {link}"
            ),
            "ar" => format!(
                "Ingång: تذكير بموعدك المحجوز اليوم الساعة {time}. سجّل وصولك وادفع ابتداءً من الساعة {from}: {link}"
            ),
            _ => format!(
                "Ingång: Påminnelse om din bokade tid i dag kl {time}. Checka in och betala från kl {from}: {link}"
            ),
        }
    }

    /// A push notification's title and line (the app's path goes with it, never more).
    pub fn push(notice: crate::push::Notice, lang: &str) -> (&'static str, &'static str) {
        use crate::push::Notice::*;
        match (notice, lang) {
            (YourTurn, "en") => ("It is your turn", "Open Ingång to continue your case."),
            (YourTurn, "fi") => ("Nyt on sinun vuorosi", "Avaa Ingång jatkaaksesi asiaasi."),
            (YourTurn, "ar") => ("حان دورك", "افتح Ingång لمتابعة طلبك."),
            (YourTurn, _) => ("Nu är det din tur", "Öppna Ingång för att fortsätta ditt ärende."),
            (ChatMessage, "en") => ("New message", "Your care provider has written to you in the chat."),
            (ChatMessage, "fi") => ("Uusi viesti", "Hoitopaikka on kirjoittanut sinulle chatissa."),
            (ChatMessage, "ar") => ("رسالة جديدة", "كتبت لك جهة الرعاية في المحادثة."),
            (ChatMessage, _) => ("Nytt meddelande", "Vården har skrivit till dig i chatten."),
            (InboxMessage, "en") => ("New message", "You have a new message from your care provider."),
            (InboxMessage, "fi") => ("Uusi viesti", "Sinulle on tullut uusi viesti hoitopaikasta."),
            (InboxMessage, "ar") => ("رسالة جديدة", "لديك رسالة جديدة من جهة الرعاية."),
            (InboxMessage, _) => ("Nytt meddelande", "Du har fått ett nytt meddelande från vården."),
        }
    }

    /// A new message in the inbox, with its link.
    pub fn new_message(lang: &str, link: &str) -> String {
        match lang {
            "en" => format!("You have a new message from your care provider. Log in to Ingång to read it: {link}"),
            "fi" => format!("Sinulle on tullut uusi viesti hoitopaikasta. Kirjaudu Ingångiin lukeaksesi sen: {link}"),
            "ar" => format!("لديك رسالة جديدة من جهة الرعاية. سجّل الدخول إلى Ingång لقراءتها: {link}"),
            _ => format!("Du har fått ett nytt meddelande från vården. Logga in i Ingång för att läsa det: {link}"),
        }
    }
}

/// Records the app's language as the one a resident's notices are written in.
pub async fn remember(state: &AppState, personal_number: &str, lang: Lang) {
    let pnr = personal_number.to_owned();
    let _ = state.db.store(move |conn| crate::storage::people::set_language(conn, &pnr, lang.0)).await;
}

/// The region's translations of its own data (`translations`) into one language: a Swedish
/// text in, the user's text out, or the Swedish when there is none.
#[derive(Debug, Default)]
pub struct Phrasebook(HashMap<String, String>);

impl Phrasebook {
    /// The translations into `lang` (none for Swedish).
    pub async fn load(state: &AppState, lang: Lang) -> Result<Phrasebook, ApiError> {
        if lang.0 == "sv" {
            return Ok(Phrasebook::default());
        }
        let rows = state
            .db
            .store(move |conn| {
                Ok(crate::storage::forms::translations(conn, lang.0)?.into_iter().collect::<HashMap<String, String>>())
            })
            .await?;
        Ok(Phrasebook(rows))
    }

    pub fn text(&self, sv: &str) -> String {
        self.0.get(sv).cloned().unwrap_or_else(|| sv.to_owned())
    }

    fn in_place(&self, text: &mut String) {
        if let Some(t) = self.0.get(text.as_str()) {
            t.clone_into(text);
        }
    }

    /// A visit with its title, clinician and what to bring in the user's language.
    pub fn visit(&self, mut v: Visit) -> Visit {
        self.in_place(&mut v.title);
        if let Some(c) = v.clinician.as_mut() {
            self.in_place(c);
        }
        v.bring.iter_mut().for_each(|b| self.in_place(b));
        v
    }

    /// A bookable type with its title and description in the user's language.
    pub fn bookable(&self, mut t: BookableType) -> BookableType {
        self.in_place(&mut t.title);
        if let Some(d) = t.description.as_mut() {
            self.in_place(d);
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_language_we_have_wins() {
        assert_eq!(Lang::from_header("fi"), Lang("fi"));
        assert_eq!(Lang::from_header("ar-SE,ar;q=0.9,sv;q=0.5"), Lang("ar"));
        assert_eq!(Lang::from_header("de-DE, en-GB;q=0.8"), Lang("en"));
        assert_eq!(Lang::from_header("EN"), Lang("en"));
        assert_eq!(Lang::from_header("en;q=0, fi"), Lang("fi"));
        assert_eq!(Lang::from_header("so, ti"), Lang("sv"));
        assert_eq!(Lang::from_header(""), Lang("sv"));
        assert_eq!(Lang::from_header(";;,,-,*"), Lang("sv"));
    }

    #[test]
    fn a_text_is_translated_when_the_form_has_it() {
        let element = r#"{"extension": [
            {"url": "http://hl7.org/fhir/StructureDefinition/translation",
             "extension": [{"url": "lang", "valueCode": "fi-FI"}, {"url": "content", "valueString": "Uusi resepti"}]},
            {"url": "http://example.org/other", "valueString": "x"}]}"#;
        assert_eq!(translated(Some(element), Lang("fi")).as_deref(), Some("Uusi resepti"));
        assert_eq!(translated(Some(element), Lang("ar")), None);
        assert_eq!(translated(Some(element), Lang("sv")), None);
        assert_eq!(translated(None, Lang("fi")), None);
        assert_eq!(translated(Some("not json"), Lang("fi")), None);
    }
}

//! Translations: Swedish first, English second.
//!
//! The strings live in `locales/sv.json` and `locales/en.json`; `build.rs` turns them into the
//! [`Strings`] struct, so a missing key fails the build. Views read them through the `t!`
//! macro, which tracks the current language:
//!
//! ```ignore
//! let i18n = use_i18n();
//! view! { <h1>{t!(i18n.start_title)}</h1> }
//! ```

use leptos::prelude::*;

use crate::storage;

include!(concat!(env!("OUT_DIR"), "/strings.rs"));

/// A UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    Sv,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::Sv, Locale::En];

    /// BCP 47 code, used for `<html lang>` and storage.
    pub fn code(self) -> &'static str {
        match self {
            Locale::Sv => "sv",
            Locale::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }

    pub fn strings(self) -> &'static Strings {
        match self {
            Locale::Sv => &SV,
            Locale::En => &EN,
        }
    }

    /// The language's own name ("Svenska", "English"), shown in the switch.
    pub fn native_name(self) -> &'static str {
        self.strings().language_native_name
    }
}

const STORAGE_KEY: &str = "lang";

/// The language context; `Copy`, so closures in views can capture it freely.
#[derive(Debug, Clone, Copy)]
pub struct I18n {
    locale: RwSignal<Locale>,
}

impl I18n {
    /// The current language (tracked).
    pub fn locale(&self) -> Locale {
        self.locale.get()
    }

    /// The current language, without subscribing (event handlers).
    pub fn locale_untracked(&self) -> Locale {
        self.locale.get_untracked()
    }

    /// The current strings (tracked).
    pub fn t(&self) -> &'static Strings {
        self.locale.get().strings()
    }

    /// Switches language and remembers the choice on this device.
    pub fn set(&self, locale: Locale) {
        storage::set(STORAGE_KEY, locale.code());
        self.locale.set(locale);
    }
}

/// Creates the language context from the remembered choice (Swedish when none) and keeps
/// `<html lang>` in step with it.
pub fn provide_i18n() -> I18n {
    let initial = storage::get(STORAGE_KEY).and_then(|c| Locale::from_code(&c)).unwrap_or_default();
    let i18n = I18n { locale: RwSignal::new(initial) };
    provide_context(i18n);
    Effect::new(move |_| {
        let code = i18n.locale().code();
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", code);
        }
    });
    i18n
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

/// A tracked string from the current language: `t!(i18n.nav_start)`.
#[macro_export]
macro_rules! t {
    ($i18n:ident . $key:ident) => {
        move || $i18n.t().$key
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_is_the_default() {
        assert_eq!(Locale::default(), Locale::Sv);
        assert_eq!(Locale::from_code("en"), Some(Locale::En));
        assert_eq!(Locale::from_code("de"), None);
    }

    #[test]
    fn languages_name_themselves() {
        assert_eq!(Locale::Sv.native_name(), "Svenska");
        assert_eq!(Locale::En.native_name(), "English");
    }
}

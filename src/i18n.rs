//! Translations: Swedish first, then English, Finnish (an official minority language in
//! Norrbotten) and Arabic (right to left).
//!
//! The strings live in `locales/<code>.json`; `build.rs` turns them into the
//! [`Strings`] struct, so a missing key fails the build. Views read them through the `t!`
//! macro, which tracks the current language:
//!
//! ```ignore
//! let i18n = use_i18n();
//! view! { <h1>{t!(i18n.start_title)}</h1> }
//! ```

use std::cell::Cell;

use leptos::prelude::*;

use crate::storage;

include!(concat!(env!("OUT_DIR"), "/strings.rs"));

/// A UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    Sv,
    En,
    Fi,
    Ar,
}

impl Locale {
    /// In the order the language menu lists them (`locales/table.rs` has the same order).
    pub const ALL: [Locale; 4] = [Locale::Sv, Locale::En, Locale::Fi, Locale::Ar];

    /// BCP 47 code, used for `<html lang>`, `Accept-Language` and storage.
    pub fn code(self) -> &'static str {
        match self {
            Locale::Sv => "sv",
            Locale::En => "en",
            Locale::Fi => "fi",
            Locale::Ar => "ar",
        }
    }

    /// The writing direction, for `<html dir>`: Arabic mirrors the whole app.
    pub fn dir(self) -> &'static str {
        if self == Locale::Ar { "rtl" } else { "ltr" }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }

    fn index(self) -> usize {
        self as usize
    }

    /// The site path of the language's strings; `None` for Swedish, which is compiled in.
    fn file(self) -> Option<&'static str> {
        FILES.iter().find(|(code, _)| *code == self.code()).map(|(_, path)| *path)
    }

    /// The language's strings: Swedish always; another language once [`load`]ed (Swedish
    /// until then, which the app never shows, as it switches only after loading).
    pub fn strings(self) -> &'static Strings {
        LOADED.with(|loaded| loaded[self.index()].get()).unwrap_or(&SV)
    }

    /// The language's own name ("Svenska", "English"), shown in the switch: known without
    /// loading the language.
    pub fn native_name(self) -> &'static str {
        NATIVE_NAMES.iter().find(|(code, _)| *code == self.code()).map_or("", |(_, name)| *name)
    }
}

thread_local! {
    /// The languages read so far, by [`Locale`] index (Swedish is compiled in, never read).
    static LOADED: [Cell<Option<&'static Strings>>; Locale::ALL.len()] = {
        let loaded = std::array::from_fn(|_| Cell::new(None));
        #[cfg(test)]
        loaded[Locale::En.index()].set(parse(include_str!(concat!(env!("OUT_DIR"), "/en.txt"))));
        loaded
    };
}

// `Strings` is `repr(C)` with `KEYS` fields of type `&'static str`, so it has exactly the size
// and alignment of `[&'static str; KEYS]`; `parse` relies on that.
const _: () = assert!(
    std::mem::size_of::<Strings>() == std::mem::size_of::<[&'static str; KEYS]>()
        && std::mem::align_of::<Strings>() == std::mem::align_of::<[&'static str; KEYS]>()
);

/// Reads a language file (`locales/table.rs` writes them): its header line must name this
/// build's keys, then come exactly `KEYS` values. Kept for the rest of the session.
fn parse(text: &str) -> Option<&'static Strings> {
    let (header, body) = text.split_once('\n')?;
    if header != HEADER {
        return None;
    }
    // checked before anything is kept: a wrong file leaks nothing
    if body.split_terminator('\u{1e}').count() != KEYS {
        return None;
    }
    let body: &'static str = String::leak(body.to_owned());
    let values: Box<[&'static str]> = body.split_terminator('\u{1e}').collect();
    let values: Box<[&'static str; KEYS]> = values.try_into().ok()?;
    // SAFETY: `Strings` is `repr(C)` and made only of `KEYS` fields of type `&'static str`, in
    // key order (the order the file lists the values in), so it has the layout of
    // `[&'static str; KEYS]` (checked at compile time above), and every value is valid.
    let strings: Box<Strings> = unsafe { std::mem::transmute::<Box<[&'static str; KEYS]>, Box<Strings>>(values) };
    Some(Box::leak(strings))
}

/// Makes `locale`'s strings available, fetching its file the first time (the service worker
/// keeps it for offline use). `false` when it cannot be had now.
pub async fn load(locale: Locale) -> bool {
    let Some(path) = locale.file() else { return true };
    if LOADED.with(|loaded| loaded[locale.index()].get().is_some()) {
        return true;
    }
    let Ok((200, text)) = crate::api::http::fetch_text("GET", path, None, &[]).await else { return false };
    let Some(strings) = parse(&text) else { return false };
    LOADED.with(|loaded| loaded[locale.index()].set(Some(strings)));
    true
}

/// Where the choice is kept (`ingang.lang`); index.html's inline script reads it too, to hide
/// the Swedish prerendered start page from a reader who chose another language.
const STORAGE_KEY: &str = "lang";

/// The language context; `Copy`, so closures in views can capture it freely.
#[derive(Debug, Clone, Copy)]
pub struct I18n {
    locale: RwSignal<Locale>,
    /// The last switch failed: the language's file could not be loaded (offline).
    failed: RwSignal<Option<Locale>>,
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

    /// The language a switch to failed, if the last one did (tracked).
    pub fn failed(&self) -> Option<Locale> {
        self.failed.get()
    }

    /// Switches language once its strings are loaded, and remembers the choice on this device.
    /// When they cannot be loaded the language stays and [`I18n::failed`] says so.
    pub fn set(&self, locale: Locale) {
        let this = *self;
        leptos::task::spawn_local(async move {
            if load(locale).await {
                storage::set(STORAGE_KEY, locale.code());
                this.failed.set(None);
                this.locale.set(locale);
            } else {
                this.failed.set(Some(locale));
                // a radio button the user checked shows the language that stays again
                this.locale.update(|_| {});
            }
        });
    }

    /// Loads the language this device chose before (called once at start, before the first
    /// screen). Stays Swedish if it cannot be loaded.
    pub async fn restore(self) {
        let wanted = storage::get(STORAGE_KEY).and_then(|c| Locale::from_code(&c)).unwrap_or_default();
        if wanted != self.locale_untracked() && load(wanted).await {
            self.locale.set(wanted);
        }
    }
}

thread_local! {
    /// The current language's code, for the `Accept-Language` of every API request.
    static CURRENT: Cell<&'static str> = const { Cell::new("sv") };
}

/// The current language's code outside the reactive system (the HTTP layer).
pub fn current_code() -> &'static str {
    CURRENT.with(Cell::get)
}

/// Creates the language context (Swedish until [`I18n::restore`] has loaded the remembered
/// choice) and keeps `<html lang>` and `<html dir>` in step with it.
pub fn provide_i18n() -> I18n {
    let i18n = I18n { locale: RwSignal::new(Locale::Sv), failed: RwSignal::new(None) };
    provide_context(i18n);
    Effect::new(move |_| {
        let locale = i18n.locale();
        CURRENT.with(|c| c.set(locale.code()));
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", locale.code());
            let _ = html.set_attribute("dir", locale.dir());
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

    #[test]
    fn a_language_file_gives_every_string_in_key_order() {
        let en = parse(include_str!(concat!(env!("OUT_DIR"), "/en.txt"))).expect("the built file parses");
        assert_eq!(en.language_native_name, "English");
        assert_eq!(en.nav_start, "Home");
        assert_eq!(Locale::En.strings().language_native_name, "English");
        assert_eq!(Locale::Sv.strings().language_native_name, "Svenska");
    }

    #[test]
    fn a_file_for_other_keys_or_counts_is_refused() {
        let text = include_str!(concat!(env!("OUT_DIR"), "/en.txt"));
        let (_, body) = text.split_once('\n').unwrap();
        assert!(parse(&format!("ingang-strings 0000000000000000\n{body}")).is_none(), "another key list");
        assert!(parse(&format!("{HEADER}\n{body}extra\u{1e}")).is_none(), "one value too many");
        let short = body.trim_end_matches('\u{1e}').rsplit_once('\u{1e}').unwrap().0;
        assert!(parse(&format!("{HEADER}\n{short}\u{1e}")).is_none(), "one value too few");
        assert!(parse("").is_none());
        assert!(parse("<!doctype html>\n<html>").is_none(), "an HTML fallback page");
    }
}

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

use std::cell::{Cell, RefCell};

use leptos::prelude::*;

use crate::storage;

include!(concat!(env!("OUT_DIR"), "/strings.rs"));

/// The rules a translated string keeps (`locales/rules.rs`, shared with the build's checks).
#[allow(dead_code)]
mod rules {
    include!(concat!(env!("CARGO_MANIFEST_DIR"), "/locales/rules.rs"));
}

/// A UI language: one of the four built in (Swedish, the first module's strings compiled in and
/// the rest a file fetched with the app chunk; English, Finnish and Arabic, each a file fetched
/// when chosen) or one a region adds in `config.json` (see [`register`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Locale(u8);

/// Where a language's strings come from.
#[derive(Debug, Clone, Copy)]
enum Source {
    /// A language file this build made (`strings/<code>-<hash>.txt`).
    Built(&'static str),
    /// A region's own JSON file, read against the key list (`strings/keys-<hash>.txt`).
    Region(&'static str),
}

#[derive(Debug, Clone, Copy)]
struct Language {
    code: &'static str,
    name: &'static str,
    dir: &'static str,
    source: Source,
    strings: Option<&'static Strings>,
}

fn built_in() -> Vec<Language> {
    NATIVE_NAMES
        .iter()
        .map(|&(code, name)| Language {
            code,
            name,
            dir: if code == "ar" { "rtl" } else { "ltr" },
            source: Source::Built(FILES.iter().find(|(c, _)| *c == code).map_or("", |(_, path)| *path)),
            // natively all of Swedish; in the browser Swedish is read like any other language,
            // and until then [`swedish`] is the first module's part of it
            strings: if code == "sv" { native_swedish() } else { None },
        })
        .collect()
}

thread_local! {
    /// Every language offered, built in first, and the strings of those read so far.
    static LANGUAGES: RefCell<Vec<Language>> = RefCell::new({
        #[allow(unused_mut)]
        let mut languages = built_in();
        #[cfg(test)]
        if let Some(en) = languages.iter_mut().find(|l| l.code == "en") {
            en.strings = parse(include_str!(concat!(env!("OUT_DIR"), "/en.txt")));
        }
        languages
    });
}

#[cfg(not(target_arch = "wasm32"))]
fn native_swedish() -> Option<&'static Strings> {
    Some(&SV)
}

#[cfg(target_arch = "wasm32")]
fn native_swedish() -> Option<&'static Strings> {
    None
}

/// Swedish's strings: all of them once [`load`]ed (every chunk waits for that, see
/// `crate::chunks`), until then the first module's screens' (`SV_FIRST`, compiled in, see
/// `build.rs`), so no screen but the first module's ever shows a Swedish string that is not here.
fn swedish() -> &'static Strings {
    language(Locale::SV).strings.unwrap_or(&SV_FIRST)
}

fn language(locale: Locale) -> Language {
    LANGUAGES.with(|l| l.borrow().get(usize::from(locale.0)).copied()).unwrap_or_else(|| built_in()[0])
}

impl Locale {
    pub const SV: Locale = Locale(0);
    #[allow(dead_code)]
    pub const EN: Locale = Locale(1);
    #[allow(dead_code)]
    pub const FI: Locale = Locale(2);
    #[allow(dead_code)]
    pub const AR: Locale = Locale(3);
    /// How many languages are built in (`locales/table.rs` lists them).
    pub const BUILT_IN: usize = NATIVE_NAMES.len();

    /// Every language offered, in the order the language menu lists them.
    pub fn all() -> Vec<Locale> {
        let n = LANGUAGES.with(|l| l.borrow().len());
        (0..n).filter_map(|i| u8::try_from(i).ok()).map(Locale).collect()
    }

    /// BCP 47 code, used for `<html lang>`, `Accept-Language`, Intl and storage.
    pub fn code(self) -> &'static str {
        language(self).code
    }

    /// The writing direction, for `<html dir>`: Arabic mirrors the whole app.
    pub fn dir(self) -> &'static str {
        language(self).dir
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::all().into_iter().find(|l| l.code() == code)
    }

    /// The column of a built-in language in the app's own tables (BankID's messages); `None`
    /// for a language a region added.
    pub fn built_in_index(self) -> Option<usize> {
        (usize::from(self.0) < Self::BUILT_IN).then_some(usize::from(self.0))
    }

    /// The language's strings: Swedish always (all of it once [`load`]ed, the first module's
    /// part until then); another language once [`load`]ed (Swedish until then, which the app never
    /// shows, as it switches only after loading).
    pub fn strings(self) -> &'static Strings {
        language(self).strings.unwrap_or_else(swedish)
    }

    /// The language's own name ("Svenska", "Suomi"), shown in the menu: known without loading
    /// the language.
    pub fn native_name(self) -> &'static str {
        language(self).name
    }
}

/// Adds the languages a region lists in `config.json` after the built-in ones (once, at start).
/// An entry that cannot be offered, or names a language already offered, is left out and
/// reported in the console.
pub fn register(entries: &[crate::config::LanguageEntry]) {
    LANGUAGES.with(|languages| {
        let mut languages = languages.borrow_mut();
        for entry in entries {
            if let Some(problem) = entry.problem() {
                leptos::logging::warn!("config.json: language {:?} left out: {problem}", entry.code);
            } else if languages.iter().any(|l| l.code == entry.code) {
                leptos::logging::warn!("config.json: language {:?} is offered already", entry.code);
            } else if languages.len() < usize::from(u8::MAX) {
                languages.push(Language {
                    code: String::leak(entry.code.clone()),
                    name: String::leak(entry.name.trim().to_owned()),
                    dir: if entry.dir.as_deref() == Some("rtl") { "rtl" } else { "ltr" },
                    source: Source::Region(String::leak(entry.file.clone())),
                    strings: None,
                });
            }
        }
    });
}

// `Strings` is `repr(C)` with `KEYS` fields of type `&'static str`, so it has exactly the size
// and alignment of `[&'static str; KEYS]`; `from_values` and `values` rely on that.
const _: () = assert!(
    std::mem::size_of::<Strings>() == std::mem::size_of::<[&'static str; KEYS]>()
        && std::mem::align_of::<Strings>() == std::mem::align_of::<[&'static str; KEYS]>()
);

/// Strings from exactly `KEYS` values in key order, kept for the rest of the session.
fn from_values(values: Box<[&'static str]>) -> Option<&'static Strings> {
    let values: Box<[&'static str; KEYS]> = values.try_into().ok()?;
    // SAFETY: `Strings` is `repr(C)` and made only of `KEYS` fields of type `&'static str`, in
    // key order (the order the values come in), so it has the layout of `[&'static str; KEYS]`
    // (checked at compile time above), and every value is valid.
    let strings: Box<Strings> = unsafe { std::mem::transmute::<Box<[&'static str; KEYS]>, Box<Strings>>(values) };
    Some(Box::leak(strings))
}

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
/// The values of strings in key order.
fn values(strings: &'static Strings) -> &'static [&'static str; KEYS] {
    // SAFETY: the same layout as above; a shared borrow of one as the other.
    unsafe { &*std::ptr::from_ref(strings).cast::<[&'static str; KEYS]>() }
}

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
    from_values(body.split_terminator('\u{1e}').collect())
}

/// What a region's language file lacks or gets wrong; each such string is shown in Swedish.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Keys the file does not have.
    pub missing: Vec<String>,
    /// Keys whose text breaks a rule (other `{placeholders}` than Swedish, a count that is not
    /// a plural message), with why.
    pub refused: Vec<String>,
    /// Keys in the file that this version of the app does not have (an old or misspelled key).
    pub unknown: Vec<String>,
}

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
impl Report {
    pub fn is_empty(&self) -> bool {
        self.missing.is_empty() && self.refused.is_empty() && self.unknown.is_empty()
    }
}

/// A region's language (its strings by key path, plural messages encoded as in `locales/`)
/// over Swedish: every key the file lacks or gets wrong stays Swedish, and the report says
/// which. `keys` is this build's key list, in key order; `code` is the language's own code.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub fn merge(keys: &[&str], found: &[(String, String)], code: &str) -> (Vec<String>, Report) {
    let sv = values(swedish());
    let mut report = Report::default();
    let merged = keys
        .iter()
        .zip(sv.iter())
        .map(|(key, sv)| {
            if *key == "language_code" {
                return code.to_owned();
            }
            match found.iter().find(|(k, _)| k == key) {
                None => report.missing.push((*key).to_owned()),
                Some((_, text)) => match rules::check_value(key, sv, text, None) {
                    Ok(()) => return text.clone(),
                    Err(why) => report.refused.push(why),
                },
            }
            (*sv).to_owned()
        })
        .collect();
    report.unknown = found.iter().map(|(k, _)| k).filter(|k| !keys.contains(&k.as_str())).cloned().collect();
    (merged, report)
}

/// A region's JSON strings file as key paths (`nav.start` -> `nav_start`), plural messages
/// encoded as in `locales/`; what is neither a string nor an object is left out.
#[cfg(target_arch = "wasm32")]
fn flatten(prefix: &str, value: &wasm_bindgen::JsValue, out: &mut Vec<(String, String)>) {
    use wasm_bindgen::JsCast;
    if let Some(text) = value.as_string() {
        out.push((prefix.to_owned(), text));
        return;
    }
    let Some(object) = value.dyn_ref::<js_sys::Object>().filter(|_| !js_sys::Array::is_array(value)) else { return };
    let entries: Vec<(String, wasm_bindgen::JsValue)> = js_sys::Object::entries(object)
        .iter()
        .filter_map(|pair| {
            let pair: js_sys::Array = pair.unchecked_into();
            Some((pair.get(0).as_string()?, pair.get(1)))
        })
        .collect();
    if rules::plural_keys(entries.iter().map(|(k, _)| k.as_str())) {
        let form = |c: &str| entries.iter().find(|(k, _)| k == c).and_then(|(_, v)| v.as_string());
        if let Some(text) = rules::encode_plural(form) {
            out.push((prefix.to_owned(), text));
        }
        return;
    }
    for (key, value) in &entries {
        flatten(&if prefix.is_empty() { key.clone() } else { format!("{prefix}_{key}") }, value, out);
    }
}

/// Reads a region's JSON strings over Swedish against this build's key list, and reports in the
/// console what it lacks or gets wrong. `None` when the key list is not this build's or the
/// file is not JSON. Only a region's language needs this code, so with `split` it is a chunk of
/// its own (no panic may cross the call: nothing here unwraps).
#[cfg(target_arch = "wasm32")]
fn read_region_now(code: &str, path: &str, keys: &str, json: &str) -> Option<Vec<String>> {
    let keys: Vec<&str> = keys.lines().collect();
    if keys.len() != KEYS {
        return None;
    }
    let json = js_sys::JSON::parse(json).ok()?;
    let mut found = Vec::new();
    flatten("", &json, &mut found);
    let (merged, report) = merge(&keys, &found, code);
    if !report.is_empty() {
        leptos::logging::warn!(
            "{path}: shown in Swedish where the file lacks a string ({} missing: {}); refused: {}; not in this version: {}",
            report.missing.len(),
            report.missing.join(", "),
            report.refused.join("; "),
            report.unknown.join(", ")
        );
    }
    Some(merged)
}

/// A region's strings file and this build's key list, as fetched.
#[cfg(target_arch = "wasm32")]
struct RegionFile {
    code: String,
    path: String,
    keys: String,
    json: String,
}

#[cfg(all(target_arch = "wasm32", feature = "split"))]
#[leptos::wasm_split::wasm_split(region_language, wasm_split_path = ::leptos::wasm_split, fallible)]
fn read_region(f: RegionFile) -> Result<Option<Vec<String>>, crate::chunks::ChunkError> {
    Ok(read_region_now(&f.code, &f.path, &f.keys, &f.json))
}

#[cfg(all(target_arch = "wasm32", not(feature = "split")))]
#[allow(clippy::unused_async)]
async fn read_region(f: RegionFile) -> Result<Option<Vec<String>>, crate::chunks::ChunkError> {
    Ok(read_region_now(&f.code, &f.path, &f.keys, &f.json))
}

/// Reads a region's language: this build's key list, then the region's JSON over Swedish.
/// `None` when either cannot be had or the file is not JSON.
#[cfg(target_arch = "wasm32")]
async fn load_region(code: &str, path: &str) -> Option<&'static Strings> {
    // what the file lacks is shown in Swedish: all of Swedish is needed first
    if !Box::pin(load(Locale::SV)).await {
        return None;
    }
    let keys_path = format!("/strings/keys-{}.txt", HEADER.trim_start_matches("ingang-strings "));
    let (200, keys) = crate::api::http::fetch_text("GET", &keys_path, None, &[]).await.ok()? else { return None };
    let (200, json) = crate::api::http::fetch_text("GET", path, None, &[]).await.ok()? else { return None };
    let file = RegionFile { code: code.to_owned(), path: path.to_owned(), keys, json };
    let merged = read_region(file).await.ok()??;
    from_values(merged.into_iter().map(|s| &*String::leak(s)).collect())
}

#[cfg(not(target_arch = "wasm32"))]
#[allow(clippy::unused_async)]
async fn load_region(_code: &str, _path: &str) -> Option<&'static Strings> {
    None
}

/// Makes `locale`'s strings available, fetching its file the first time (the service worker
/// keeps it for offline use). `false` when it cannot be had now.
pub async fn load(locale: Locale) -> bool {
    let lang = language(locale);
    if lang.strings.is_some() {
        return true;
    }
    let strings = match lang.source {
        Source::Built(path) => match crate::api::http::fetch_text("GET", path, None, &[]).await {
            Ok((200, text)) => parse(&text),
            _ => None,
        },
        Source::Region(path) => load_region(lang.code, path).await,
    };
    let Some(strings) = strings else { return false };
    LANGUAGES.with(|l| {
        if let Some(lang) = l.borrow_mut().get_mut(usize::from(locale.0)) {
            lang.strings = Some(strings);
        }
    });
    true
}

/// The form of a count in the language of `t`: the plural message's form for `n`'s CLDR
/// category (the browser's `Intl.PluralRules`), else its `other`; a plain string as it is. The
/// caller fills in the number: `plural(t, t.visits_slot_count, n).replace("{n}", ..)`.
pub fn plural(t: &Strings, text: &'static str, n: u64) -> &'static str {
    let Some(forms) = rules::plural_forms(text) else { return text };
    let category = plural_category(t.language_code, n);
    let form = |c: &str| forms.iter().find(|(category, _)| *category == c).map(|(_, form)| *form);
    form(&category).or_else(|| form("other")).unwrap_or_default()
}

/// `n`'s CLDR plural category in `lang`, from the browser (`Intl.PluralRules`), so a region's
/// language gets its own rules too.
#[cfg(target_arch = "wasm32")]
fn plural_category(lang: &str, n: u64) -> String {
    use wasm_bindgen::{JsCast, JsValue};
    let get = |target: &JsValue, name: &str| js_sys::Reflect::get(target, &JsValue::from_str(name)).ok();
    let rules = get(&js_sys::global(), "Intl")
        .and_then(|intl| get(&intl, "PluralRules"))
        .and_then(|ctor| ctor.dyn_into::<js_sys::Function>().ok())
        .and_then(|ctor| {
            js_sys::Reflect::construct(
                &ctor,
                &js_sys::Array::of1(&JsValue::from_str(crate::browser::intl_locale(lang))),
            )
            .ok()
        });
    rules
        .and_then(|rules| {
            let select = get(&rules, "select")?.dyn_into::<js_sys::Function>().ok()?;
            select.call1(&rules, &JsValue::from_f64(n as f64)).ok()?.as_string()
        })
        .unwrap_or_else(|| "other".to_owned())
}

/// CLDR's rules for the built-in languages, for native tests (the browser has them all).
#[cfg(not(target_arch = "wasm32"))]
fn plural_category(lang: &str, n: u64) -> String {
    match (lang, n, n % 100) {
        ("ar", 0, _) => "zero",
        (_, 1, _) => "one",
        ("ar", 2, _) => "two",
        ("ar", _, 3..=10) => "few",
        ("ar", _, 11..=99) => "many",
        _ => "other",
    }
    .to_owned()
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
    let i18n = I18n { locale: RwSignal::new(Locale::SV), failed: RwSignal::new(None) };
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
    fn the_swedish_file_has_all_of_swedish_and_the_first_module_compiles_in_a_part() {
        let file = parse(include_str!(concat!(env!("OUT_DIR"), "/sv.txt"))).expect("the built file parses");
        assert_eq!(values(file), values(&SV));
        let mut kept = 0;
        for (first, all) in values(&SV_FIRST).iter().zip(values(&SV)) {
            assert!(first.is_empty() || first == all, "{first:?} is not {all:?}");
            kept += usize::from(!first.is_empty());
        }
        assert!(kept > 20 && kept < KEYS / 4, "{kept} of {KEYS} strings compiled in");
        // the start page, the frame, and what shows while a chunk loads or when it cannot
        for (first, all) in [
            (SV_FIRST.start_title, SV.start_title),
            (SV_FIRST.skip_to_content, SV.skip_to_content),
            (SV_FIRST.nav_start, SV.nav_start),
            (SV_FIRST.emergency_body, SV.emergency_body),
            (SV_FIRST.loading, SV.loading),
            (SV_FIRST.chunk_body, SV.chunk_body),
            (SV_FIRST.action_retry, SV.action_retry),
            (SV_FIRST.language_native_name, SV.language_native_name),
        ] {
            assert_eq!(first, all);
        }
    }

    #[test]
    fn swedish_is_the_default() {
        assert_eq!(Locale::default(), Locale::SV);
        assert_eq!(Locale::from_code("en"), Some(Locale::EN));
        assert_eq!(Locale::from_code("de"), None);
    }

    #[test]
    fn languages_name_themselves() {
        assert_eq!(Locale::SV.native_name(), "Svenska");
        assert_eq!(Locale::EN.native_name(), "English");
    }

    #[test]
    fn a_language_file_gives_every_string_in_key_order() {
        let en = parse(include_str!(concat!(env!("OUT_DIR"), "/en.txt"))).expect("the built file parses");
        assert_eq!(en.language_native_name, "English");
        assert_eq!(en.nav_start, "Home");
        assert_eq!(Locale::EN.strings().language_native_name, "English");
        assert_eq!(Locale::SV.strings().language_native_name, "Svenska");
    }

    #[test]
    fn a_count_takes_the_form_of_its_number() {
        let (sv, en) = (Locale::SV.strings(), Locale::EN.strings());
        assert_eq!(plural(sv, sv.visits_slot_count, 1).replace("{n}", "1"), "1 ledig tid");
        assert_eq!(plural(sv, sv.visits_slot_count, 0).replace("{n}", "0"), "0 lediga tider");
        assert_eq!(plural(sv, sv.visits_slot_count, 21).replace("{n}", "21"), "21 lediga tider");
        assert_eq!(plural(en, en.eservices_count, 1).replace("{n}", "1"), "1 e-service");
        assert_eq!(plural(en, en.eservices_count, 2).replace("{n}", "2"), "2 e-services");
        assert_eq!(plural(sv, sv.skip_to_content, 2), sv.skip_to_content, "a plain string stays as it is");
    }

    #[test]
    fn arabic_counts_have_six_forms() {
        let ar = parse(include_str!(concat!(env!("OUT_DIR"), "/ar.txt"))).expect("the built file parses");
        assert_eq!(ar.language_code, "ar");
        let form = |n| plural(ar, ar.book_type_minutes, n).replace("{n}", &n.to_string());
        assert_eq!(form(1), "دقيقة واحدة");
        assert_eq!(form(2), "دقيقتان");
        assert_eq!(form(3), "3 دقائق");
        assert_eq!(form(11), "11 دقيقة");
        assert_eq!(form(100), "100 دقيقة");
    }

    #[test]
    fn every_count_has_a_form_for_every_number_in_every_language() {
        let sv = values(&SV);
        for code in ["en", "fi", "ar"] {
            let text = match code {
                "en" => include_str!(concat!(env!("OUT_DIR"), "/en.txt")),
                "fi" => include_str!(concat!(env!("OUT_DIR"), "/fi.txt")),
                _ => include_str!(concat!(env!("OUT_DIR"), "/ar.txt")),
            };
            let strings = parse(text).expect("parses");
            for (value, sv) in values(strings).iter().zip(sv) {
                assert_eq!(rules::plural_forms(value).is_some(), rules::plural_forms(sv).is_some());
                for n in [0, 1, 2, 3, 11, 100, 101] {
                    assert!(!plural(strings, value, n).is_empty(), "{code} {value:?} for {n}");
                }
            }
        }
    }

    #[test]
    fn a_region_language_falls_back_to_swedish_key_by_key_and_says_where() {
        let keys: Vec<&str> = include_str!(concat!(env!("OUT_DIR"), "/keys.txt")).lines().collect();
        assert_eq!(keys.len(), KEYS);
        let mut found = Vec::new();
        let mut insert = |k: &str, v: String| found.push((k.to_owned(), v));
        insert("nav_start", "Álgu".to_owned());
        insert("language_native_name", "Davvisámegiella".to_owned());
        // a misspelled placeholder is refused, not shown with "{nmae}" in it
        insert("login_signed_in", "Don leat sisa {nmae}".to_owned());
        // a count that is not a plural message is refused
        insert("visits_slot_count", "{n} áigi".to_owned());
        insert(
            "eservices_count",
            "\u{1f}one\u{1f}{n} e-bálvalus\u{1f}two\u{1f}{n} e-bálvalusa\u{1f}other\u{1f}{n} e-bálvalusa\u{1f}"
                .to_owned(),
        );
        insert("nav_old_key", "x".to_owned());
        let (merged, report) = merge(&keys, &found, "se");
        let at = |key: &str| merged[keys.iter().position(|k| *k == key).unwrap()].as_str();
        assert_eq!(at("nav_start"), "Álgu");
        assert_eq!(at("language_code"), "se");
        assert_eq!(at("skip_to_content"), SV.skip_to_content, "missing: Swedish");
        assert_eq!(at("login_signed_in"), SV.login_signed_in);
        assert_eq!(at("visits_slot_count"), SV.visits_slot_count);
        assert!(at("eservices_count").contains("e-bálvalus"));
        assert!(report.missing.contains(&"skip_to_content".to_owned()));
        assert!(!report.missing.contains(&"nav_start".to_owned()));
        assert!(!report.missing.contains(&"language_code".to_owned()), "the code comes from config.json");
        assert_eq!(report.refused.len(), 2, "{:?}", report.refused);
        assert_eq!(report.unknown, vec!["nav_old_key".to_owned()]);
        let strings = from_values(merged.into_iter().map(|s| &*String::leak(s)).collect()).expect("every key");
        assert_eq!(strings.nav_start, "Álgu");
        assert_eq!(plural(strings, strings.eservices_count, 2), "{n} e-bálvalusa");
    }

    #[test]
    fn a_region_language_is_offered_after_the_built_in_ones() {
        use crate::config::LanguageEntry;
        let entry = |code: &str, name: &str| LanguageEntry {
            code: code.into(),
            name: name.into(),
            file: format!("/strings/{code}.json"),
            dir: None,
        };
        register(&[entry("se", "Davvisámegiella"), entry("fi", "Suomi again"), entry("x y", "Bad")]);
        let all = Locale::all();
        assert_eq!(all.len(), Locale::BUILT_IN + 1, "a built-in code and a bad one are left out");
        let se = Locale::from_code("se").expect("registered");
        assert_eq!(se.native_name(), "Davvisámegiella");
        assert_eq!(se.dir(), "ltr");
        assert_eq!(se.built_in_index(), None);
        assert_eq!(Locale::AR.dir(), "rtl");
        assert_eq!(Locale::FI.built_in_index(), Some(2));
        assert_eq!(se.strings().nav_start, SV.nav_start, "Swedish until loaded");
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

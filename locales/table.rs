//! The locale tables, shared by the app's `build.rs` (the `Strings` struct and Swedish, compiled
//! in) and `xtask` (every other language as a data file in `dist/strings/`), so both name and
//! shape the files the same way. Plain Rust and `serde_json` only.
//!
//! A table is `locales/<lang>.json`, nested objects of strings; key paths are joined with `_`
//! (`nav.start` -> `nav_start`). Swedish is the reference: every other language must have exactly
//! its keys and the same `{placeholders}` in each string.
//!
//! A count is a plural message: an object of CLDR plural categories, always with `other`
//! (`{"one": "{n} ledig tid", "other": "{n} lediga tider"}`). Each language must have exactly
//! the categories CLDR gives it ([`plural_categories`]: Arabic has six); each form may use only
//! Swedish's `{placeholders}`, and `other` all of them. A plural message is kept as one string,
//! [`PLURAL`] then `category PLURAL text PLURAL` for each form (the app picks the form with the
//! browser's `Intl.PluralRules`).
//!
//! A language file is one line `ingang-strings <schema>` (the hash of the key list, so an app
//! never reads a file made for other keys) and then the values in key order, each ended by the
//! record separator U+001E.

use std::{collections::BTreeMap, fs, path::Path};

/// The languages, reference first. The app's `Locale` numbers them in this order.
pub const LANGUAGES: &[&str] = &["sv", "en", "fi", "ar"];

/// Ends each value in a language file.
pub const SEPARATOR: char = '\u{1e}';

include!("rules.rs");

/// One language's strings by key path, in key order.
pub type Table = BTreeMap<String, String>;

fn flatten(prefix: &str, value: &serde_json::Value, out: &mut Table, file: &str) -> Result<(), String> {
    match value {
        serde_json::Value::Object(map) if plural_keys(map.keys().map(String::as_str)) => {
            if map.values().any(|v| !v.is_string()) {
                return Err(format!("{file}: `{prefix}`: every plural form must be a string"));
            }
            let text = encode_plural(|c| map.get(c).and_then(|v| v.as_str()).map(str::to_owned))
                .ok_or_else(|| format!("{file}: `{prefix}` contains U+001E or U+001F"))?;
            if out.insert(prefix.to_owned(), text).is_some() {
                return Err(format!("{file}: duplicate key path `{prefix}`"));
            }
            Ok(())
        }
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                if key.is_empty() || !key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
                    return Err(format!("{file}: key `{key}` must be lower_snake_case"));
                }
                let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}_{key}") };
                flatten(&path, value, out, file)?;
            }
            Ok(())
        }
        serde_json::Value::String(s) => {
            if s.contains(SEPARATOR) || s.contains(PLURAL) {
                return Err(format!("{file}: `{prefix}` contains U+001E or U+001F"));
            }
            if out.insert(prefix.to_owned(), s.clone()).is_some() {
                return Err(format!("{file}: duplicate key path `{prefix}`"));
            }
            Ok(())
        }
        other => Err(format!("{file}: `{prefix}` must be a string or an object, found {other}")),
    }
}

/// Reads every language of `locales/` (in [`LANGUAGES`] order) and checks each against Swedish.
pub fn read_all(dir: &Path) -> Result<Vec<Table>, String> {
    let mut tables = Vec::new();
    for lang in LANGUAGES {
        let file = dir.join(format!("{lang}.json"));
        let name = format!("locales/{lang}.json");
        let text = fs::read_to_string(&file).map_err(|e| format!("{name}: {e}"))?;
        let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("{name}: {e}"))?;
        let mut table = Table::new();
        flatten("", &json, &mut table, &name)?;
        tables.push(table);
    }
    let reference = &tables[0];
    for (lang, table) in LANGUAGES.iter().zip(&tables).skip(1) {
        let missing: Vec<_> = reference.keys().filter(|k| !table.contains_key(*k)).collect();
        let extra: Vec<_> = table.keys().filter(|k| !reference.contains_key(*k)).collect();
        if !missing.is_empty() {
            return Err(format!("locales/{lang}.json lacks keys: {missing:?}"));
        }
        if !extra.is_empty() {
            return Err(format!("locales/{lang}.json has keys Swedish lacks: {extra:?}"));
        }
        for (key, sv) in reference {
            check_value(key, sv, &table[key], Some(plural_categories(lang)))
                .map_err(|e| format!("locales/{lang}.json: {e}"))?;
        }
    }
    for (key, sv) in reference {
        check_value(key, sv, sv, Some(plural_categories("sv"))).map_err(|e| format!("locales/sv.json: {e}"))?;
    }
    Ok(tables)
}

/// FNV-1a, 64 bits: a stable name for content (not a security measure).
fn fnv(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// The first line of every language file: names the key list the values follow.
pub fn header(reference: &Table) -> String {
    let keys: Vec<&str> = reference.keys().map(String::as_str).collect();
    format!("ingang-strings {:016x}", fnv(keys.join(",").as_bytes()))
}

/// The text of a language file.
pub fn file_text(reference: &Table, table: &Table) -> String {
    let mut text = header(reference);
    text.push('\n');
    for value in table.values() {
        text.push_str(value);
        text.push(SEPARATOR);
    }
    text
}

/// The key list, one key path a line in file order, for a region's own language files (JSON,
/// read by the app at run time against this list).
pub fn keys_text(reference: &Table) -> String {
    reference.keys().map(|k| format!("{k}\n")).collect()
}

/// The site path of the key list: named by the same hash as [`header`].
pub fn keys_path(reference: &Table) -> String {
    format!("/strings/keys-{}.txt", header(reference).trim_start_matches("ingang-strings "))
}

/// The site path of a language file (content-named, so it can be cached for good).
pub fn file_path(lang: &str, text: &str) -> String {
    format!("/strings/{lang}-{:016x}.txt", fnv(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(json: &str) -> Result<Table, String> {
        let mut out = Table::new();
        flatten("", &serde_json::from_str(json).unwrap(), &mut out, "t.json")?;
        Ok(out)
    }

    #[test]
    fn a_plural_message_is_one_string_with_its_forms() {
        let t = table(r#"{"slots": {"one": "{n} ledig tid", "other": "{n} lediga tider"}, "a": {"b": "x"}}"#).unwrap();
        assert_eq!(t["a_b"], "x");
        assert_eq!(plural_forms(&t["slots"]).unwrap(), vec![("one", "{n} ledig tid"), ("other", "{n} lediga tider")]);
        assert!(table(r#"{"slots": {"one": 1, "other": "x"}}"#).is_err());
    }

    #[test]
    fn a_misspelled_placeholder_is_refused() {
        assert!(check_value("k", "Hej {name}", "Hi {name}", None).is_ok());
        assert!(check_value("k", "Hej {name}", "Hi {nmae}", None).is_err());
        assert!(check_value("k", "Hej {name}", "Hi", None).is_err());
    }

    #[test]
    fn a_count_has_exactly_its_languages_categories() {
        let sv = table(r#"{"k": {"one": "{n} tid", "other": "{n} tider"}}"#).unwrap();
        let ar_ok = table(
            r#"{"k": {"zero": "لا", "one": "واحد", "two": "اثنان", "few": "{n} أوقات", "many": "{n} وقتًا", "other": "{n} وقت"}}"#,
        )
        .unwrap();
        assert!(check_value("k", &sv["k"], &ar_ok["k"], Some(plural_categories("ar"))).is_ok());
        assert!(
            check_value("k", &sv["k"], &sv["k"], Some(plural_categories("ar"))).is_err(),
            "Arabic with only one/other"
        );
        let en_bad = table(r#"{"k": {"one": "{n} time", "other": "times"}}"#).unwrap();
        assert!(check_value("k", &sv["k"], &en_bad["k"], Some(plural_categories("en"))).is_err(), "other lacks {{n}}");
        let en_extra = table(r#"{"k": {"one": "{m} time", "other": "{n} times"}}"#).unwrap();
        assert!(check_value("k", &sv["k"], &en_extra["k"], Some(plural_categories("en"))).is_err(), "unknown {{m}}");
        assert!(check_value("k", &sv["k"], "{n} times", None).is_err(), "a count must stay a plural message");
        assert!(check_value("k", "{n} x", &sv["k"], None).is_err(), "a plural message where Swedish has none");
    }

    #[test]
    fn the_locales_keep_every_rule() {
        let tables = read_all(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../locales")).expect("locales/ are valid");
        assert_eq!(tables.len(), LANGUAGES.len());
        assert!(keys_text(&tables[0]).lines().count() == tables[0].len());
        assert!(keys_path(&tables[0]).starts_with("/strings/keys-"));
    }
}

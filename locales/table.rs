//! The locale tables, shared by the app's `build.rs` (the `Strings` struct and Swedish, compiled
//! in) and `xtask` (every other language as a data file in `dist/strings/`), so both name and
//! shape the files the same way. Plain Rust and `serde_json` only.
//!
//! A table is `locales/<lang>.json`, nested objects of strings; key paths are joined with `_`
//! (`nav.start` -> `nav_start`). Swedish is the reference: every other language must have exactly
//! its keys and the same `{placeholders}` in each string.
//!
//! A language file is one line `ingang-strings <schema>` (the hash of the key list, so an app
//! never reads a file made for other keys) and then the values in key order, each ended by the
//! record separator U+001E.

use std::{collections::BTreeMap, fs, path::Path};

/// The languages, reference first. The app's `Locale` enum lists them in this order.
pub const LANGUAGES: &[&str] = &["sv", "en", "fi", "ar"];

/// Ends each value in a language file.
pub const SEPARATOR: char = '\u{1e}';

/// One language's strings by key path, in key order.
pub type Table = BTreeMap<String, String>;

fn flatten(prefix: &str, value: &serde_json::Value, out: &mut Table, file: &str) -> Result<(), String> {
    match value {
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
            if s.contains(SEPARATOR) {
                return Err(format!("{file}: `{prefix}` contains U+001E"));
            }
            if out.insert(prefix.to_owned(), s.clone()).is_some() {
                return Err(format!("{file}: duplicate key path `{prefix}`"));
            }
            Ok(())
        }
        other => Err(format!("{file}: `{prefix}` must be a string or an object, found {other}")),
    }
}

fn placeholders(s: &str) -> Vec<&str> {
    let mut found: Vec<&str> =
        s.split('{').skip(1).filter_map(|part| part.split_once('}').map(|(name, _)| name)).collect();
    found.sort_unstable();
    found
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
            if placeholders(sv) != placeholders(&table[key]) {
                return Err(format!("locales/{lang}.json: `{key}` must use the same {{placeholders}} as Swedish"));
            }
        }
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

/// The site path of a language file (content-named, so it can be cached for good).
pub fn file_path(lang: &str, text: &str) -> String {
    format!("/strings/{lang}-{:016x}.txt", fnv(text.as_bytes()))
}

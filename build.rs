//! Compile-time checked translations.
//!
//! Reads `locales/sv.json` (the reference: Swedish first) and `locales/en.json`, nested objects of
//! strings. Generates `Strings`, a struct with one `&'static str` field per key path
//! (`nav.start` -> `nav_start`), and one constant per language. The build fails when a
//! language lacks a key, has an extra one, or uses other `{placeholders}` than Swedish, so a
//! view can never show a missing translation: `t.nav_start` either compiles or does not.

use std::{collections::BTreeMap, env, fmt::Write as _, fs, path::Path};

const LOCALES: &[(&str, &str)] = &[("sv", "SV"), ("en", "EN")];

fn flatten(prefix: &str, value: &serde_json::Value, out: &mut BTreeMap<String, String>, file: &str) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                assert!(
                    !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                    "{file}: key `{key}` must be lower_snake_case"
                );
                let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}_{key}") };
                flatten(&path, value, out, file);
            }
        }
        serde_json::Value::String(s) => {
            assert!(out.insert(prefix.to_owned(), s.clone()).is_none(), "{file}: duplicate key path `{prefix}`");
        }
        other => panic!("{file}: `{prefix}` must be a string or an object, found {other}"),
    }
}

fn placeholders(s: &str) -> Vec<&str> {
    let mut found: Vec<&str> =
        s.split('{').skip(1).filter_map(|part| part.split_once('}').map(|(name, _)| name)).collect();
    found.sort_unstable();
    found
}

fn main() {
    println!("cargo::rerun-if-changed=locales");
    let mut tables = Vec::new();
    for (lang, _) in LOCALES {
        let file = format!("locales/{lang}.json");
        println!("cargo::rerun-if-changed={file}");
        let text = fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
        let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        let mut flat = BTreeMap::new();
        flatten("", &json, &mut flat, &file);
        tables.push(flat);
    }
    let reference = &tables[0];
    for ((lang, _), table) in LOCALES.iter().zip(&tables).skip(1) {
        let missing: Vec<_> = reference.keys().filter(|k| !table.contains_key(*k)).collect();
        let extra: Vec<_> = table.keys().filter(|k| !reference.contains_key(*k)).collect();
        assert!(missing.is_empty(), "locales/{lang}.json lacks keys: {missing:?}");
        assert!(extra.is_empty(), "locales/{lang}.json has keys Swedish lacks: {extra:?}");
        for (key, sv) in reference {
            assert_eq!(
                placeholders(sv),
                placeholders(&table[key]),
                "locales/{lang}.json: `{key}` must use the same {{placeholders}} as Swedish"
            );
        }
    }

    let mut code = String::new();
    code.push_str("/// Every UI string, one field per key of `locales/*.json`.\n");
    code.push_str("#[derive(Debug)]\n#[allow(dead_code)]\npub struct Strings {\n");
    for key in reference.keys() {
        writeln!(code, "    pub {key}: &'static str,").unwrap();
    }
    code.push_str("}\n");
    for ((_, konst), table) in LOCALES.iter().zip(&tables) {
        writeln!(code, "pub static {konst}: Strings = Strings {{").unwrap();
        for (key, value) in table {
            writeln!(code, "    {key}: {value:?},").unwrap();
        }
        code.push_str("};\n");
    }
    let out = Path::new(&env::var("OUT_DIR").expect("OUT_DIR")).join("strings.rs");
    fs::write(out, code).expect("write strings.rs");
}

//! Compile-time checked translations.
//!
//! Reads `locales/*.json` through `locales/table.rs` (shared with `xtask`, which writes the
//! language files of `dist/strings/`). Generates:
//! - `Strings`, a struct with one `&'static str` field per key path (`nav.start` -> `nav_start`),
//!   so a view can never show a missing translation: `t.nav_start` either compiles or does not;
//! - `SV_FIRST`, the Swedish strings of the first module's screens (the frame, the start page,
//!   loading and failure), compiled in: the first paint never waits for a language file;
//! - `SV`, all of Swedish, for native builds and their tests only;
//! - `FILES`, the site path of every language's file: the app fetches Swedish's with the app
//!   chunk, and another's when that language is chosen (so a string costs the first load nothing
//!   unless the start page shows it), and `HEADER`, the first line such a file must have;
//! - `NATIVE_NAMES`, each language's name for itself (the language switch shows it).
//!
//! The build fails when a language lacks a key, has an extra one, or uses other
//! `{placeholders}` than Swedish.

use std::{env, fmt::Write as _, fs, path::Path};

#[path = "locales/table.rs"]
#[allow(dead_code)]
mod table;

/// The files of the first module (see `src/chunks.rs`): the frame, the start page, and what
/// shows while a chunk loads or when it cannot. Their Swedish strings are compiled in; the rest
/// of Swedish is a file that comes with the app chunk, as every other language's does. A key
/// is taken when its name is a word of one of these files (`t!(i18n.start_title)`,
/// `|t| t.chunk_title`), so a string the first module shows cannot be left out.
const FIRST_MODULE: &[&str] = &[
    "src/main.rs",
    "src/app.rs",
    "src/chunks.rs",
    "src/i18n.rs",
    "src/config.rs",
    "src/pwa.rs",
    "src/browser.rs",
    "src/offline.rs",
    "src/storage.rs",
    "src/api/mod.rs",
    "src/api/http.rs",
    "src/components/layout.rs",
    "src/components/nav.rs",
    "src/components/emergency.rs",
    "src/components/api_banner.rs",
    "src/components/update_banner.rs",
    "src/components/page.rs",
    "src/components/icon.rs",
    "src/pages/start/mod.rs",
];

/// The keys the first module's files name, and every `language_*` key (the language's code,
/// name and direction, which the first module reads through the strings).
fn first_module_keys(reference: &table::Table) -> std::collections::HashSet<String> {
    let mut words = std::collections::HashSet::new();
    for file in FIRST_MODULE {
        println!("cargo::rerun-if-changed={file}");
        let text = fs::read_to_string(file).unwrap_or_else(|e| panic!("{file}: {e}"));
        words.extend(
            text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).filter(|w| !w.is_empty()).map(str::to_owned),
        );
    }
    reference.keys().filter(|k| words.contains(*k) || k.starts_with("language_")).cloned().collect()
}

fn main() {
    println!("cargo::rerun-if-changed=locales");
    for lang in table::LANGUAGES {
        println!("cargo::rerun-if-changed=locales/{lang}.json");
    }
    let tables = table::read_all(Path::new("locales")).unwrap_or_else(|e| panic!("{e}"));
    let reference = &tables[0];

    let mut code = String::new();
    code.push_str("/// Every UI string, one field per key of `locales/*.json`. `repr(C)` with fields of one\n");
    code.push_str("/// type: laid out exactly like `[&'static str; KEYS]` (see `i18n::parse`).\n");
    code.push_str("#[derive(Debug)]\n#[repr(C)]\n#[allow(dead_code)]\npub struct Strings {\n");
    for key in reference.keys() {
        writeln!(code, "    pub {key}: &'static str,").unwrap();
    }
    code.push_str("}\n");
    writeln!(code, "/// How many strings a language has.\npub const KEYS: usize = {};", reference.len()).unwrap();
    writeln!(
        code,
        "/// The first line of a language file made for these keys.\npub const HEADER: &str = {:?};",
        table::header(reference)
    )
    .unwrap();
    code.push_str("/// Swedish, all of it: native builds and their tests (the browser reads it from `SV_FILE`).\n");
    code.push_str("#[cfg(not(target_arch = \"wasm32\"))]\npub static SV: Strings = Strings {\n");
    for (key, value) in reference {
        writeln!(code, "    {key}: {value:?},").unwrap();
    }
    code.push_str("};\n");
    let first = first_module_keys(reference);
    code.push_str("/// The Swedish strings of the first module's screens, compiled in; the rest empty.\n");
    code.push_str("#[allow(dead_code)]\npub static SV_FIRST: Strings = Strings {\n");
    for (key, value) in reference {
        let value = if first.contains(key) { value.as_str() } else { "" };
        writeln!(code, "    {key}: {value:?},").unwrap();
    }
    code.push_str("};\n");
    code.push_str(
        "/// The file of each language, by language code (Swedish's has all its strings).\npub const FILES: &[(&str, &str)] = &[\n",
    );
    let out_dir = env::var("OUT_DIR").expect("OUT_DIR");
    for (lang, table) in table::LANGUAGES.iter().zip(&tables) {
        let text = table::file_text(reference, table);
        writeln!(code, "    ({lang:?}, {:?}),", table::file_path(lang, &text)).unwrap();
        // the same file, for the app's native unit tests
        fs::write(Path::new(&out_dir).join(format!("{lang}.txt")), &text).expect("write a language file");
    }
    code.push_str("];\n");
    // the key list, for the app's native unit tests of a region's own language
    fs::write(Path::new(&out_dir).join("keys.txt"), table::keys_text(reference)).expect("write the key list");
    code.push_str(
        "/// Each language's name for itself, by language code.\npub const NATIVE_NAMES: &[(&str, &str)] = &[\n",
    );
    for (lang, table) in table::LANGUAGES.iter().zip(&tables) {
        writeln!(code, "    ({lang:?}, {:?}),", table["language_native_name"]).unwrap();
    }
    code.push_str("];\n");
    let out = Path::new(&out_dir).join("strings.rs");
    fs::write(out, code).expect("write strings.rs");
}

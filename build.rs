//! Compile-time checked translations.
//!
//! Reads `locales/*.json` through `locales/table.rs` (shared with `xtask`, which writes the
//! language files of `dist/strings/`). Generates:
//! - `Strings`, a struct with one `&'static str` field per key path (`nav.start` -> `nav_start`),
//!   so a view can never show a missing translation: `t.nav_start` either compiles or does not;
//! - `SV`, Swedish, compiled in: the first paint never waits for a language file;
//! - `FILES`, the site path of every other language's file, which the app fetches when that
//!   language is chosen (so a new language costs the first load nothing), and `HEADER`, the
//!   first line such a file must have;
//! - `NATIVE_NAMES`, each language's name for itself (the language switch shows it).
//!
//! The build fails when a language lacks a key, has an extra one, or uses other
//! `{placeholders}` than Swedish.

use std::{env, fmt::Write as _, fs, path::Path};

#[path = "locales/table.rs"]
#[allow(dead_code)]
mod table;

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
    code.push_str("/// Swedish, compiled in.\npub static SV: Strings = Strings {\n");
    for (key, value) in reference {
        writeln!(code, "    {key}: {value:?},").unwrap();
    }
    code.push_str("};\n");
    code.push_str(
        "/// The file of each language but Swedish, by language code.\npub const FILES: &[(&str, &str)] = &[\n",
    );
    let out_dir = env::var("OUT_DIR").expect("OUT_DIR");
    for (lang, table) in table::LANGUAGES.iter().zip(&tables).skip(1) {
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

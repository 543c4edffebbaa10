//! Short names for the main module's imports from wasm-bindgen's glue.
//!
//! wasm-bindgen names every JavaScript function the wasm imports after the Rust item plus a hash
//! (`__wbg_remove_8228e91d7ddbc755`), and both the wasm's import section and the glue's import
//! object spell each name out: 325 names, about 10 KB in each file, and the hashes do not
//! compress. Every route loads both files first. This renames those imports to `a`, `b`, … in
//! the wasm and in the glue, and the import module `./ingang_bg.js` to `w`: the names mean
//! nothing to the browser, which matches imports by string.
//!
//! Only the import section is rewritten: every other section is copied byte for byte, so no
//! function, table slot or export moves (the split's chunks link against the main module's
//! exports and table). The rename refuses a module or a glue it does not fully understand,
//! and checks afterwards that each new name is in the glue and no old one is left.
//!
//! The module's section reader and writer also serve the rest of the pipeline: the custom
//! sections left after wasm-opt, and the loader's bundles (`loader.rs`).

use std::collections::HashMap;

use anyhow::{Context, Result, bail, ensure};

/// The import module wasm-bindgen gives the glue's functions.
const GLUE_MODULE: &str = "./ingang_bg.js";
/// What it is renamed to.
const SHORT_MODULE: &str = "w";

/// Renames the glue's imports in `wasm` and in `js` (the glue wasm-bindgen wrote for it).
/// Returns the new wasm and glue, and how many imports were renamed.
pub fn shorten(wasm: &[u8], js: &str) -> Result<(Vec<u8>, String, usize)> {
    let sections = sections(wasm)?;
    let mut out = wasm[..8].to_vec();
    let mut renames: HashMap<String, String> = HashMap::new();
    for section in sections {
        if section.id == 2 {
            let imports = import_section(&wasm[section.body.clone()], &mut renames)?;
            out.push(2);
            put_leb(&mut out, imports.len() as u64);
            out.extend_from_slice(&imports);
        } else {
            out.extend_from_slice(&wasm[section.whole]);
        }
    }
    ensure!(!renames.is_empty(), "the module imports nothing from {GLUE_MODULE}");
    let glue = rename_glue(js, &renames)?;
    Ok((out, glue, renames.len()))
}

/// The names of `wasm`'s custom sections, in order (`name`, `producers`, `target_features` …).
pub fn custom_sections(wasm: &[u8]) -> Result<Vec<String>> {
    Ok(custom_section_contents(wasm)?.into_iter().map(|(name, _)| name.to_owned()).collect())
}

/// `wasm`'s custom sections, in order: each one's name and contents.
pub fn custom_section_contents(wasm: &[u8]) -> Result<Vec<(&str, &[u8])>> {
    sections(wasm)?
        .into_iter()
        .filter(|s| s.id == 0)
        .map(|s| {
            let (name, contents) = name(&wasm[..s.body.end], s.body.start)?;
            Ok((name, &wasm[contents..s.body.end]))
        })
        .collect()
}

/// A custom section named `name` holding `contents`, as it stands in a module.
pub fn custom_section(name: &str, contents: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    put_name(&mut body, name);
    body.extend_from_slice(contents);
    let mut out = vec![0];
    put_leb(&mut out, body.len() as u64);
    out.extend_from_slice(&body);
    out
}

/// One section of a module: its id, its bytes with the header, and its body's.
struct Section {
    id: u8,
    whole: std::ops::Range<usize>,
    body: std::ops::Range<usize>,
}

/// The sections of `wasm`, in order; an error for anything but a whole module.
fn sections(wasm: &[u8]) -> Result<Vec<Section>> {
    ensure!(wasm.len() >= 8 && wasm[..4] == *b"\0asm", "not a wasm module");
    let mut out = Vec::new();
    let mut at = 8;
    while at < wasm.len() {
        let (size, body) = leb(wasm, at + 1)?;
        let end = body.checked_add(size as usize).filter(|&e| e <= wasm.len()).context("a section past the end")?;
        out.push(Section { id: wasm[at], whole: at..end, body: body..end });
        at = end;
    }
    Ok(out)
}

/// The import section with the glue's imports renamed (recorded in `renames`).
fn import_section(section: &[u8], renames: &mut HashMap<String, String>) -> Result<Vec<u8>> {
    let (count, mut at) = leb(section, 0)?;
    let mut out = Vec::with_capacity(section.len());
    put_leb(&mut out, count);
    for _ in 0..count {
        let (module, next) = name(section, at)?;
        let (field, next) = name(section, next)?;
        let desc_end = import_desc_end(section, next)?;
        if module == GLUE_MODULE {
            let short = match renames.get(field) {
                Some(short) => short.clone(),
                None => {
                    let short = short_name(renames.len());
                    renames.insert(field.to_owned(), short.clone());
                    short
                }
            };
            put_name(&mut out, SHORT_MODULE);
            put_name(&mut out, &short);
        } else {
            put_name(&mut out, module);
            put_name(&mut out, field);
        }
        out.extend_from_slice(&section[next..desc_end]);
        at = desc_end;
    }
    ensure!(at == section.len(), "the import section has bytes after its last import");
    Ok(out)
}

/// Where the import description starting at `at` ends (MVP kinds plus tags).
fn import_desc_end(s: &[u8], at: usize) -> Result<usize> {
    let kind = *s.get(at).context("an import without a kind")?;
    let at = at + 1;
    Ok(match kind {
        // function: type index
        0x00 => leb(s, at)?.1,
        // table: reference type, then limits
        0x01 => limits_end(s, at + 1)?,
        // memory: limits
        0x02 => limits_end(s, at)?,
        // global: value type, mutability
        0x03 => at + 2,
        // tag: attribute, type index
        0x04 => leb(s, at + 1)?.1,
        other => bail!("an import of kind {other:#x}"),
    })
}

fn limits_end(s: &[u8], at: usize) -> Result<usize> {
    let flags = *s.get(at).context("limits without flags")?;
    ensure!(flags & !0x07 == 0, "limits with flags {flags:#x}");
    let (_, mut at) = leb(s, at + 1)?;
    if flags & 0x01 != 0 {
        at = leb(s, at)?.1;
    }
    Ok(at)
}

/// `a` … `z`, `A` … `Z`, then two letters and more: short, valid JavaScript property names,
/// none of them a keyword.
fn short_name(mut n: usize) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut name = Vec::new();
    loop {
        name.push(LETTERS[n % LETTERS.len()]);
        n /= LETTERS.len();
        if n == 0 {
            break;
        }
        n -= 1;
    }
    name.reverse();
    let name = String::from_utf8(name).expect("ASCII letters");
    // keywords of two letters: a property may be named so, but nothing is gained by it
    if matches!(name.as_str(), "do" | "if" | "in") { format!("{name}_") } else { name }
}

/// The glue with each renamed import's name replaced, as a whole identifier, and the import
/// module's key renamed.
fn rename_glue(js: &str, renames: &HashMap<String, String>) -> Result<String> {
    let key = format!("\"{GLUE_MODULE}\"");
    ensure!(js.matches(&key).count() == 1, "the glue names {key} other than once");
    let js = js.replacen(&key, &format!("\"{SHORT_MODULE}\""), 1);
    let mut out = String::with_capacity(js.len());
    let mut found = std::collections::HashSet::new();
    let mut word = String::new();
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    for c in js.chars().chain(std::iter::once('\0')) {
        if is_word(c) {
            word.push(c);
            continue;
        }
        match renames.get(&word) {
            Some(short) => {
                out.push_str(short);
                found.insert(word.clone());
            }
            None => out.push_str(&word),
        }
        word.clear();
        if c != '\0' {
            out.push(c);
        }
    }
    let missing: Vec<&String> = renames.keys().filter(|k| !found.contains(*k)).collect();
    ensure!(missing.is_empty(), "the glue does not define the imports {missing:?}");
    Ok(out)
}

fn leb(s: &[u8], mut at: usize) -> Result<(u64, usize)> {
    let mut value = 0u64;
    let mut shift = 0;
    loop {
        let byte = *s.get(at).context("a number past the end")?;
        at += 1;
        ensure!(shift < 64, "a number of more than 64 bits");
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok((value, at));
        }
        shift += 7;
    }
}

fn name(s: &[u8], at: usize) -> Result<(&str, usize)> {
    let (len, at) = leb(s, at)?;
    let end = at.checked_add(len as usize).filter(|&e| e <= s.len()).context("a name past the end")?;
    Ok((std::str::from_utf8(&s[at..end]).context("a name that is not UTF-8")?, end))
}

fn put_leb(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn put_name(out: &mut Vec<u8>, name: &str) {
    put_leb(out, name.len() as u64);
    out.extend_from_slice(name.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module importing two glue functions, a memory from elsewhere, and the same glue
    /// function twice; then a type section after it, which must stay as it was.
    fn module() -> Vec<u8> {
        let mut imports = Vec::new();
        put_leb(&mut imports, 4);
        for (module, field, desc) in [
            (GLUE_MODULE, "__wbg_remove_8228e91d7ddbc755", &[0x00, 0x01][..]),
            ("./__wasm_split.js", "__wasm_split_load_app", &[0x00, 0x02]),
            ("env", "memory", &[0x02, 0x01, 0x11, 0x80, 0x02]),
            (GLUE_MODULE, "__wbindgen_init_externref_table", &[0x00, 0x00]),
        ] {
            put_name(&mut imports, module);
            put_name(&mut imports, field);
            imports.extend_from_slice(desc);
        }
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        wasm.push(2);
        put_leb(&mut wasm, imports.len() as u64);
        wasm.extend_from_slice(&imports);
        wasm.extend_from_slice(&[0x01, 0x04, 0x01, 0x60, 0x00, 0x00]);
        wasm
    }

    const GLUE: &str = "function f(){const f={__proto__:null,__wbg_remove_8228e91d7ddbc755:function(n){n.remove()},\
        __wbindgen_init_externref_table:function(){}};return{__proto__:null,\"./ingang_bg.js\":f}}\
        V.__wbg_remove_8228e91d7ddbc755x();";

    #[test]
    fn lists_custom_sections() {
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        for (id, body) in [(0u8, &b"\x09producers\x01\x02"[..]), (1, &b"\x00"[..]), (0, &b"\x04name"[..])] {
            wasm.push(id);
            put_leb(&mut wasm, body.len() as u64);
            wasm.extend_from_slice(body);
        }
        assert_eq!(custom_sections(&wasm).unwrap(), ["producers", "name"]);
        wasm.push(0);
        wasm.push(9);
        assert!(custom_sections(&wasm).is_err(), "a section past the end");
    }

    #[test]
    fn renames_the_glue_imports_in_both_files_and_nothing_else() {
        let (wasm, js, n) = shorten(&module(), GLUE).expect("renamed");
        assert_eq!(n, 2);
        let section = import_section(&wasm[10..wasm.len() - 6], &mut HashMap::new()).expect("parses again");
        assert!(!section.is_empty());
        let text = String::from_utf8_lossy(&wasm);
        assert!(!text.contains("__wbg_remove") && !text.contains("ingang_bg"), "{text}");
        assert!(text.contains("__wasm_split_load_app") && text.contains("memory"));
        assert_eq!(&wasm[wasm.len() - 6..], &[0x01, 0x04, 0x01, 0x60, 0x00, 0x00], "later sections unchanged");
        assert_eq!(
            js,
            "function f(){const f={__proto__:null,a:function(n){n.remove()},b:function(){}};\
             return{__proto__:null,\"w\":f}}V.__wbg_remove_8228e91d7ddbc755x();"
        );
    }

    #[test]
    fn refuses_a_glue_without_one_of_the_imports() {
        let glue = GLUE.replace("__wbindgen_init_externref_table", "something_else");
        assert!(shorten(&module(), &glue).is_err());
    }

    #[test]
    fn short_names_are_distinct_identifiers() {
        let names: Vec<String> = (0..3000).map(short_name).collect();
        let unique: std::collections::HashSet<&String> = names.iter().collect();
        assert_eq!(unique.len(), names.len());
        assert_eq!((names[0].as_str(), names[51].as_str(), names[52].as_str()), ("a", "Z", "aa"));
        assert!(names.iter().all(|n| n.chars().all(|c| c.is_ascii_alphabetic() || c == '_')));
    }
}

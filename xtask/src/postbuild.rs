//! trunk's post-build hook, run in `TRUNK_STAGING_DIR`:
//! 1. moves every inline `<script>` of `index.html` into a content-hashed file, so the app
//!    runs under a CSP without `'unsafe-inline'` and without per-build hashes;
//! 2. writes every language to `strings/<lang>-<hash>.txt` (the app fetches the chosen one,
//!    and the rest of Swedish with the app chunk; see `locales/table.rs` and `build.rs`), and
//!    for a region's own languages the key list (`strings/keys-<hash>.txt`) and Swedish as the
//!    file a translator starts from (`strings/sv.json`);
//! 3. fills `sw.js` with the precache list (every shell file and its content revision).

use std::{fs, path::Path};

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

use crate::{build::walk, locale_table};

/// Files never precached: the worker itself, the runtime config (network-first instead),
/// robots.txt, the Swedish strings as a translator's template, and compressed siblings.
fn precachable(url: &str) -> bool {
    !matches!(url, "/sw.js" | "/config.json" | "/robots.txt" | "/strings/sv.json")
        && !url.ends_with(".br")
        && !url.ends_with(".gz")
}

pub fn revision(data: &[u8]) -> String {
    let digest = Sha256::digest(data);
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Replaces inline scripts with external ones. Returns the new HTML and the files to write.
pub fn externalize_scripts(html: &str) -> Result<(String, Vec<(String, String)>)> {
    let mut out = String::with_capacity(html.len());
    let mut files = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        out.push_str(&rest[..start]);
        let tag_end = rest[start..].find('>').context("unterminated <script> tag")? + start;
        let open_tag = &rest[start..=tag_end];
        let close = rest[tag_end..].find("</script>").context("<script> without </script>")? + tag_end;
        let body = &rest[tag_end + 1..close];
        // `data-inline`: the one script the CSP allows by its hash (see index.html)
        if open_tag.contains("src=") || open_tag.contains("data-inline") || body.trim().is_empty() {
            out.push_str(&rest[start..close + "</script>".len()]);
        } else {
            if !open_tag.contains("module") {
                bail!("inline classic script found; only trunk's module loader is expected: {open_tag}");
            }
            let name = format!("boot-{}.js", &revision(body.as_bytes()));
            out.push_str(&format!("<script type=\"module\" src=\"/{name}\"></script>"));
            files.push((name, body.trim().to_owned() + "\n"));
        }
        rest = &rest[close + "</script>".len()..];
    }
    out.push_str(rest);
    Ok((out, files))
}

/// The `sw.js` source with its placeholders filled.
pub fn service_worker(template: &str, entries: &[(String, String)]) -> Result<String> {
    if !template.contains("__PRECACHE_MANIFEST__") || !template.contains("__BUILD_VERSION__") {
        bail!("sw.js lacks its placeholders");
    }
    let manifest: Vec<_> =
        entries.iter().map(|(url, rev)| serde_json::json!({ "url": url, "revision": rev })).collect();
    let all: String = entries.iter().map(|(u, r)| format!("{u}={r};")).collect();
    Ok(template
        .replace("__PRECACHE_MANIFEST__", &serde_json::to_string(&manifest)?)
        .replace("__BUILD_VERSION__", &revision(all.as_bytes())))
}

/// Writes the language files the app fetches: every language, Swedish too (the first module has
/// only the strings of its own screens compiled in; the rest comes with the app chunk).
fn write_languages(dir: &Path) -> Result<usize> {
    let tables = locale_table::read_all(&crate::root().join("locales")).map_err(anyhow::Error::msg)?;
    let reference = &tables[0];
    for (lang, table) in locale_table::LANGUAGES.iter().zip(&tables) {
        let text = locale_table::file_text(reference, table);
        let path = dir.join(locale_table::file_path(lang, &text).trim_start_matches('/'));
        fs::create_dir_all(path.parent().context("a folder")?)?;
        fs::write(path, text)?;
    }
    fs::write(
        dir.join(locale_table::keys_path(reference).trim_start_matches('/')),
        locale_table::keys_text(reference),
    )?;
    fs::copy(crate::root().join("locales/sv.json"), dir.join("strings/sv.json"))?;
    Ok(tables.len())
}

pub fn run() -> Result<()> {
    let staging = std::env::var("TRUNK_STAGING_DIR").context("TRUNK_STAGING_DIR is not set: run by trunk only")?;
    process(Path::new(&staging))
}

pub fn process(dir: &Path) -> Result<()> {
    let index = dir.join("index.html");
    let html = fs::read_to_string(&index)?;
    let (html, scripts) = externalize_scripts(&html)?;
    for (name, body) in &scripts {
        fs::write(dir.join(name), body)?;
    }
    fs::write(&index, html)?;
    let languages = write_languages(dir)?;

    let mut files = Vec::new();
    walk(dir, &mut files)?;
    let mut entries = Vec::new();
    for file in files {
        let rel = file.strip_prefix(dir)?.to_string_lossy().replace('\\', "/");
        let url = format!("/{rel}");
        if precachable(&url) {
            entries.push((url, revision(&fs::read(&file)?)));
        }
    }
    entries.sort();
    let sw = dir.join("sw.js");
    let template = fs::read_to_string(&sw).context("reading sw.js")?;
    fs::write(&sw, service_worker(&template, &entries)?)?;
    println!(
        "xtask post-build: {} inline script(s) moved out, {languages} language file(s), {} files precached",
        scripts.len(),
        entries.len()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_inline_module_scripts_out() {
        let html = "<head><script type=\"module\">\nimport init from '/a.js';\nawait init('/a.wasm');\n</script>\
                    <script src=\"/x.js\"></script></head>";
        let (out, files) = externalize_scripts(html).expect("ok");
        assert_eq!(files.len(), 1);
        assert!(files[0].0.starts_with("boot-") && files[0].0.ends_with(".js"));
        assert!(files[0].1.contains("await init('/a.wasm');"));
        assert!(out.contains(&format!("<script type=\"module\" src=\"/{}\"></script>", files[0].0)));
        assert!(out.contains("<script src=\"/x.js\"></script>"));
        assert!(!out.contains("import init"));
    }

    #[test]
    fn keeps_the_script_the_csp_allows_by_hash() {
        let html = "<head><script data-inline>a()</script></head>";
        let (out, files) = externalize_scripts(html).unwrap();
        assert_eq!(out, html);
        assert!(files.is_empty());
    }

    #[test]
    fn refuses_inline_classic_scripts() {
        assert!(externalize_scripts("<script>alert(1)</script>").is_err());
    }

    #[test]
    fn boot_file_name_is_content_hashed() {
        let a = externalize_scripts("<script type=module>a()</script>").expect("ok").1;
        let b = externalize_scripts("<script type=module>b()</script>").expect("ok").1;
        assert_ne!(a[0].0, b[0].0);
        // The server treats `name-<16 hex>.js` as immutable.
        assert_eq!(a[0].0.len(), "boot-".len() + 16 + ".js".len());
    }

    #[test]
    fn fills_the_service_worker() {
        let entries = vec![("/index.html".to_owned(), "aa".to_owned())];
        let sw =
            service_worker("const P = __PRECACHE_MANIFEST__; const B = '__BUILD_VERSION__';", &entries).expect("ok");
        assert!(sw.contains(r#"[{"revision":"aa","url":"/index.html"}]"#));
        assert!(!sw.contains("__BUILD_VERSION__"));
        assert!(service_worker("no placeholders", &entries).is_err());
    }

    #[test]
    fn never_precaches_config_or_worker() {
        assert!(!precachable("/sw.js"));
        assert!(!precachable("/config.json"));
        assert!(!precachable("/app.js.br"));
        assert!(precachable("/index.html"));
        assert!(precachable("/icons/icon-192.png"));
    }
}

//! The release site in `dist/`, built from `index.html` without trunk (trunk cannot split the
//! wasm; `trunk serve` still works for an unsplit development build from the same file).
//!
//! Each `<link data-trunk …>` of `index.html` is carried out here:
//! - `rel="css"`: all style sheets, in order, become one content-hashed `app-<hash>.css` (one
//!   render-blocking request instead of two);
//! - `rel="rust"`: the split wasm package (`wasm.rs`), its glue preloaded, and a content-hashed
//!   `boot-<hash>.js` module that starts it (not inline: strict CSP);
//! - `rel="copy-file"` / `rel="copy-dir"`: copied as they are.
//!
//! Then the start page is rendered into `index.html` (`prerender.rs`) and the service worker
//! gets its precache list (`postbuild::process`).

use std::{fs, path::Path};

use anyhow::{Context, Result, bail};

use crate::{postbuild, prerender, root, wasm};

/// The value of attribute `name` in one tag.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let end = tag[start..].find('"')? + start;
    Some(&tag[start..end])
}

/// Removes comments and blank space around lines from a style sheet (brotli does the rest).
pub fn minify_css(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        let end = rest[start + 2..].find("*/").map_or(rest.len(), |e| start + 2 + e + 2);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n") + "\n"
}

/// What replaces the `rel="rust"` link: a preload of the glue and the boot module (its name and
/// text).
pub fn boot(pkg: &wasm::Package) -> (String, String, String) {
    // Where the prerendered start page shows (see prerender.rs), the browser paints it before
    // the app starts, however fast the wasm arrives: one frame (at most 50 ms, as a background
    // tab gets no frames) before the app replaces it.
    let script = format!(
        "import init from '{js}';\n\
         if (!document.documentElement.classList.contains('no-prerender'))\n  \
         await new Promise((go) => {{ requestAnimationFrame(() => setTimeout(go)); setTimeout(go, 50); }});\n\
         await init({{ module_or_path: '{wasm}' }});\n",
        js = pkg.js,
        wasm = pkg.wasm
    );
    let name = format!("boot-{}.js", postbuild::revision(script.as_bytes()));
    // No preload of the main wasm: on "/" it would compete with the style sheet for the first
    // paint (and Lighthouse would count it towards the prerendered paint). The boot module
    // starts it at once on every other path, and after the first frame on "/".
    let tags = format!(
        "<link rel=\"modulepreload\" href=\"{js}\" />\n    \
         <script type=\"module\" src=\"/{name}\"></script>",
        js = pkg.js
    );
    (tags, name, script)
}

/// Removes HTML comments (notes for developers, not for every first visit) except the slot the
/// prerendered start page goes into.
pub fn strip_comments(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<!--") {
        let end = rest[start..].find("-->").map_or(rest.len(), |e| start + e + 3);
        let comment = &rest[start..end];
        out.push_str(rest[..start].trim_end_matches([' ', '\n']));
        if comment == prerender::SLOT {
            out.push('\n');
            out.push_str(comment);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

pub fn build(dist: &Path) -> Result<()> {
    let root = root();
    if dist.exists() {
        fs::remove_dir_all(dist)?;
    }
    fs::create_dir_all(dist)?;
    let source = fs::read_to_string(root.join("index.html"))?;
    let mut html = String::with_capacity(source.len());
    let mut css = String::new();
    let mut css_slot = false;
    for line in source.lines() {
        let trimmed = line.trim();
        if !trimmed.starts_with("<link data-trunk") {
            html.push_str(line);
            html.push('\n');
            continue;
        }
        let rel = attr(trimmed, "rel").context("a data-trunk link without rel")?;
        let indent = &line[..line.len() - line.trim_start().len()];
        match rel {
            "css" => {
                let href = attr(trimmed, "href").context("css without href")?;
                css.push_str(&fs::read_to_string(root.join(href)).with_context(|| format!("reading {href}"))?);
                if !css_slot {
                    css_slot = true;
                    html.push_str(indent);
                    html.push_str("@@CSS@@\n");
                }
            }
            "rust" => {
                let pkg = wasm::build(dist)?;
                println!("xtask: the app's wasm is in dist/{}", pkg.dir);
                let (tags, name, script) = boot(&pkg);
                fs::write(dist.join(&name), script)?;
                html.push_str(indent);
                html.push_str(&tags);
                html.push('\n');
            }
            "copy-file" => {
                let href = attr(trimmed, "href").context("copy-file without href")?;
                let from = root.join(href);
                fs::copy(&from, dist.join(from.file_name().context("a file name")?))
                    .with_context(|| format!("copying {href}"))?;
            }
            "copy-dir" => {
                let href = attr(trimmed, "href").context("copy-dir without href")?;
                let from = root.join(href);
                wasm::copy_dir(&from, &dist.join(from.file_name().context("a folder name")?))?;
            }
            other => bail!("index.html: data-trunk rel=\"{other}\" is not supported by the release build"),
        }
    }
    let css = minify_css(&css);
    let css_name = format!("app-{}.css", postbuild::revision(css.as_bytes()));
    fs::write(dist.join(&css_name), &css)?;
    let html = html.replace("@@CSS@@", &format!("<link rel=\"stylesheet\" href=\"/{css_name}\" />"));
    fs::write(dist.join("index.html"), strip_comments(&html))?;
    // Swedish, compiled in: the prerender needs no language file (`process` writes them)
    prerender::start_page(dist)?;
    postbuild::process(dist)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_comments_but_keeps_the_prerender_slot() {
        let html = "<head>\n    <!-- a note\n on lines -->\n    <meta />\n  <body>\n    <!-- prerender -->\n  </body>";
        assert_eq!(strip_comments(html), "<head>\n    <meta />\n  <body>\n<!-- prerender -->\n  </body>");
    }

    #[test]
    fn reads_attributes() {
        let tag = r#"<link data-trunk rel="css" href="style/app.css" />"#;
        assert_eq!(attr(tag, "rel"), Some("css"));
        assert_eq!(attr(tag, "href"), Some("style/app.css"));
        assert_eq!(attr(tag, "data-bin"), None);
    }

    #[test]
    fn minifies_css_without_touching_rules() {
        let css = "/* tokens */\n:root {\n  --a: 1px; /* one */\n}\n\n.b { content: \"x\"; }\n";
        assert_eq!(minify_css(css), ":root {\n--a: 1px;\n}\n.b { content: \"x\"; }\n");
    }

    #[test]
    fn boot_module_is_content_hashed_and_starts_the_package() {
        let pkg = wasm::Package {
            dir: "pkg-0011223344556677".into(),
            js: "/pkg-0011223344556677/ingang.js".into(),
            wasm: "/pkg-0011223344556677/ingang_bg.wasm".into(),
        };
        let (tags, name, script) = boot(&pkg);
        assert_eq!(name.len(), "boot-".len() + 16 + ".js".len());
        assert!(script.contains("import init from '/pkg-0011223344556677/ingang.js'"));
        assert!(tags.contains("rel=\"modulepreload\" href=\"/pkg-0011223344556677/ingang.js\""));
        assert!(!tags.contains("ingang_bg.wasm"), "the wasm waits for the first paint on /");
        assert!(script.contains("module_or_path: '/pkg-0011223344556677/ingang_bg.wasm'"));
        assert!(tags.contains(&format!("src=\"/{name}\"")));
    }
}

//! Three changes to the chunk loader that `wasm_split_cli_support` writes (`__wasm_split.js`), so
//! a route's code comes in a few files and is compiled while the rest of it is still arriving.
//!
//! As written, a screen family's module is requested only after every shared chunk it needs
//! (up to 150 small files, queued on the browser's six connections), and compiled only after all
//! of them are instantiated: `instantiateStreaming` runs when the loader calls it, not when the
//! bytes come. On `/forhandsgranska` that left the largest module (the form renderer) waiting
//! at the end of the queue and then compiling alone.
//!
//! 1. A module asks for its own file first, then for its chunks.
//! 2. Every module is compiled as it downloads (`WebAssembly.compileStreaming`, off the main
//!    thread), and instantiated from the compiled module once its chunks are in.
//! 3. The splitter's shared chunks are many small files: a route fetched up to 200, and on
//!    HTTP/1.1 the browser takes six at a time, so the files' count, not their bytes, set how
//!    long a route took to come. [`bundle`] packs them into a few files by who loads them (see
//!    [`bundles_of`]); the loader takes each chunk's bytes out of a bundle and compiles them.
//!    The modules are the same: this changes only how their bytes travel (and they compress
//!    better together).
//!
//! A failed download still rejects the load, so the app's "Försök igen" path (`src/chunks.rs`)
//! is unchanged; a bundle that failed is fetched again on the next try. The text is the crate's
//! fixed template: if a new version writes it differently, this fails the build instead of
//! silently doing nothing.

use std::{collections::BTreeSet, fs, path::Path};

use anyhow::{Context, Result, bail};

/// In `makeLoad`: the module's own fetch before its dependencies'.
const ORDER_BEFORE: &str = "        const parallelStuff = deps.map(d => d());
        const instantiate = fetcher();
";
const ORDER_AFTER: &str = "        const instantiate = fetcher();
        const parallelStuff = deps.map(d => d());
";

/// The web target's fetcher, one per module.
const FETCH_BEFORE: &str = "    src.catch(() => {});
    return async (imports) => (WebAssembly.instantiateStreaming(src, imports));
";
const FETCH_AFTER: &str = "    const compiled = WebAssembly.compileStreaming(src);
    compiled.catch(() => {});
    return async (imports) => WebAssembly.instantiate(await compiled, imports);
";

/// Rewrites the loader; `modules` is how many wasm files it loads (each has one fetcher).
pub fn compile_early(js: &str, modules: usize) -> Result<String> {
    if js.matches(ORDER_BEFORE).count() != 1 {
        bail!("the split loader's makeLoad is not the expected template: check xtask/src/loader.rs");
    }
    let fetchers = js.matches(FETCH_BEFORE).count();
    if fetchers != modules {
        bail!(
            "the split loader has {fetchers} fetchers of the expected form for {modules} modules: check xtask/src/loader.rs"
        );
    }
    Ok(js.replace(ORDER_BEFORE, ORDER_AFTER).replace(FETCH_BEFORE, FETCH_AFTER))
}

/// A shared chunk as the loader names it: its file and the split modules (screen families and
/// what only some moments need) that load it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub file: String,
    pub users: BTreeSet<String>,
}

/// The shared chunks the loader loads, in its order.
pub fn chunks(js: &str) -> Result<Vec<Chunk>> {
    let lines: Vec<&str> = js.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if !line.starts_with("const __chunk_") {
            continue;
        }
        let users = i
            .checked_sub(1)
            .and_then(|j| lines[j].strip_prefix("/* "))
            .and_then(|l| l.strip_suffix(" */"))
            .with_context(|| format!("no list of users above {line}"))?;
        let file = lines
            .get(i + 1)
            .and_then(|l| l.trim().strip_prefix("const src = fetch(new URL(\"./"))
            .and_then(|l| l.strip_suffix("\", import.meta.url));"))
            .with_context(|| format!("no fetch below {line}"))?;
        out.push(Chunk { file: file.to_owned(), users: users.split(", ").map(str::to_owned).collect() });
    }
    Ok(out)
}

/// Screen families whose code only another family's code loads, after it (the FHIRPath
/// evaluator comes with a form, an errand's sent answers with the errand): what a chunk shares with that family is in the family's bundle,
/// which the page has by then, so it is not packed a second time.
const LOADED_AFTER: &[(&str, &str)] = &[("expressions", "forms"), ("answers", "errand")];

/// Which bundles a chunk travels in (none: a file of its own), from who loads it and its
/// brotli size. A bundle is named by its key `k` (its file is `bundle_k.wasm`): a family's
/// name, or `app` / `app_kiosk`. A route fetches a bundle whole, so a bundle costs a route the bytes of the
/// chunks in it that the route does not need:
/// - Code the app chunk needs too comes on every route but `/` and the kiosk, which load the app
///   chunk: one bundle (two: what the kiosk needs as well is apart, the kiosk loads no app chunk).
/// - A chunk of 2 KB or more is worth its own request.
/// - A smaller one is in the bundle of every screen family that loads it (but those of
///   [`LOADED_AFTER`]), so a family's bundle is all of its small chunks and nothing else. The
///   loader takes a chunk from a bundle the page already asked for, else from the bundle of the
///   family that asks for it (`part` in [`PART`]). One bundle for all of them cost the routes
///   10–26 KB of chunks only other families use; the copies make the build larger (the
///   service worker caches more in the background after install), not a route.
pub fn bundles_of(chunk: &Chunk, brotli: usize) -> Vec<String> {
    if chunk.users.contains("app") {
        let kiosk = chunk.users.contains("kiosk");
        return vec![if kiosk { "app_kiosk" } else { "app" }.to_owned()];
    }
    if brotli >= 2048 {
        return Vec::new();
    }
    let loaded_first =
        |user: &str| LOADED_AFTER.iter().any(|(later, first)| user == *later && chunk.users.contains(*first));
    chunk.users.iter().filter(|u| !loaded_first(u)).cloned().collect()
}

/// The JavaScript that takes a chunk out of a bundle: one fetch per bundle (again after a
/// failure), which lists the bundle's sections once, and one compile per chunk. A chunk names
/// its bundles (numbers into `BUNDLES`, the bundles' keys, written before this) and its
/// section's place in each: short numbers, where names, offsets and lengths would add to the
/// loader every route loads.
/// `asking` is the screen family whose module is being loaded: its loader sets it, then asks
/// for its chunks at once (a chunk's fetcher runs before the first `await`). `fromBundle` is
/// a bundled chunk's whole loader, one short call per chunk instead of the template's body.
const PART: &str = r#"const bundles = new Map();
let asking;
function sections(buffer) {
    const bytes = new Uint8Array(buffer);
    const out = [];
    let at = 8;
    const leb = () => { let n = 0, shift = 0, b; do { b = bytes[at++]; n |= (b & 127) << shift; shift += 7; } while (b & 128); return n; };
    while (at < bytes.length) {
        at++;
        const size = leb();
        const end = at + size;
        const nameLength = leb();
        at += nameLength;
        out.push(bytes.subarray(at, end));
        at = end;
    }
    return out;
}
function part(choices) {
    const [n, index] = choices.find(([b]) => bundles.has(b)) ?? choices.find(([b]) => BUNDLES[b] === asking) ?? choices[0];
    const file = `./bundle_${BUNDLES[n]}.wasm`;
    let bundle = bundles.get(n);
    if (bundle === undefined) {
        bundle = fetch(new URL(file, import.meta.url)).then((r) => r.ok ? r.arrayBuffer() : Promise.reject(new Error(`${file}: ${r.status}`))).then(sections);
        bundles.set(n, bundle);
        bundle.catch(() => { if (bundles.get(n) === bundle) bundles.delete(n); });
    }
    return bundle.then((parts) => WebAssembly.compile(parts[index]));
}
function fromBundle(choices) {
    return makeLoad(() => {
        const compiled = part(choices);
        compiled.catch(() => {});
        return async (imports) => WebAssembly.instantiate(await compiled, imports);
    }, []);
}
"#;

/// Packs `dir`'s shared chunks into bundles (see [`bundles_of`]) and points the loader
/// (`__wasm_split.js`, after [`compile_early`]) at them; the packed chunk files are removed.
/// Returns how many files went into how many bundles.
pub fn bundle(dir: &Path, brotli: impl Fn(&[u8]) -> Result<usize>) -> Result<(usize, usize)> {
    let loader = dir.join("__wasm_split.js");
    let mut js = fs::read_to_string(&loader)?;
    // each bundle: its key, its bytes so far and how many chunks are in it; its place in this
    // list is its number in the loader
    let mut bundles: Vec<(String, Vec<u8>, usize)> = Vec::new();
    let mut packed = 0;
    for chunk in chunks(&js)? {
        let path = dir.join(&chunk.file);
        let bytes = fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let homes = bundles_of(&chunk, brotli(&bytes)?);
        if homes.is_empty() {
            continue;
        }
        let mut choices = Vec::new();
        for key in homes {
            let number = match bundles.iter().position(|(k, _, _)| *k == key) {
                Some(n) => n,
                None => {
                    // a bundle is itself a wasm module (any host serves and compresses it as
                    // one): the header, then one custom section per chunk, named after it
                    bundles.push((key, b"\0asm\x01\0\0\0".to_vec(), 0));
                    bundles.len() - 1
                }
            };
            let (_, data, count) = &mut bundles[number];
            data.extend(crate::imports::custom_section(chunk.file.trim_end_matches(".wasm"), &bytes));
            choices.push(format!("[{number},{count}]"));
            *count += 1;
        }
        // the chunk's whole loader becomes one call: 330 copies of the template cost every
        // route 0.4 KB of brotli (a shared chunk has no chunks of its own: `[]`)
        let name = chunk.file.trim_end_matches(".wasm");
        let from = format!(
            "const __{name} = makeLoad(() => {{\n    const src = fetch(new URL(\"./{}\", import.meta.url));\n{FETCH_AFTER}}}\n, []);\n",
            chunk.file
        );
        if js.matches(&from).count() != 1 {
            bail!("the loader of {} is not the expected template: check xtask/src/loader.rs", chunk.file);
        }
        js = js.replacen(&from, &format!("const __{name} = fromBundle([{}]);\n", choices.join(",")), 1);
        fs::remove_file(&path)?;
        packed += 1;
    }
    // each screen family's loader says who is asking, before it asks for its chunks
    let mut families = 0;
    let mut out = String::with_capacity(js.len());
    for line in js.split_inclusive('\n') {
        out.push_str(line);
        if let Some(family) = line
            .strip_prefix("export const __wasm_split_load_")
            .and_then(|l| l.strip_suffix(" = wrapAsyncCb(makeLoad(() => {\n"))
        {
            out.push_str(&format!("    asking = \"{family}\";\n"));
            families += 1;
        }
    }
    if families == 0 && packed > 0 {
        bail!("no screen family's loader of the expected form: check xtask/src/loader.rs");
    }
    js = out;
    // the helper goes before the first chunk's loader
    let at = js.find("\n/* ").context("no chunk in the loader")?;
    let keys: Vec<String> = bundles.iter().map(|(key, _, _)| format!("\"{key}\"")).collect();
    js.insert_str(at + 1, &format!("const BUNDLES = [{}];\n{PART}", keys.join(", ")));
    for (key, data, _) in &bundles {
        fs::write(dir.join(format!("bundle_{key}.wasm")), data)?;
    }
    fs::write(&loader, js)?;
    Ok((packed, bundles.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOADER: &str = r#"function makeLoad(fetcher, deps) {
    const loader = async () => {
        const parallelStuff = deps.map(d => d());
        const instantiate = fetcher();
        await Promise.all(parallelStuff);
        const imports = getSharedImports();
        return instantiate(imports);
    };
}
/* forms, kiosk */
const __chunk_1 = makeLoad(() => {
    const src = fetch(new URL("./chunk_1.wasm", import.meta.url));
    src.catch(() => {});
    return async (imports) => (WebAssembly.instantiateStreaming(src, imports));
}
, []);
export const __wasm_split_load_forms = wrapAsyncCb(makeLoad(() => {
    const src = fetch(new URL("./split_forms.wasm", import.meta.url));
    src.catch(() => {});
    return async (imports) => (WebAssembly.instantiateStreaming(src, imports));
}
, [__chunk_1]));
"#;

    #[test]
    fn every_module_compiles_as_it_arrives_and_asks_for_itself_first() {
        let out = compile_early(LOADER, 2).expect("the template");
        assert!(!out.contains("instantiateStreaming"), "{out}");
        assert_eq!(out.matches("WebAssembly.compileStreaming(src)").count(), 2);
        assert_eq!(out.matches("WebAssembly.instantiate(await compiled, imports)").count(), 2);
        let own = out.find("const instantiate = fetcher();").expect("own fetch");
        let deps = out.find("const parallelStuff = deps.map(d => d());").expect("deps");
        assert!(own < deps, "{out}");
    }

    fn chunk(users: &[&str]) -> Chunk {
        Chunk { file: "chunk_1.wasm".into(), users: users.iter().map(|u| (*u).to_owned()).collect() }
    }

    #[test]
    fn chunks_are_read_with_their_users() {
        assert_eq!(chunks(LOADER).expect("the template"), vec![chunk(&["forms", "kiosk"])]);
        let unlisted = LOADER.replace("/* forms, kiosk */\n", "");
        assert!(chunks(&unlisted).is_err(), "a chunk without its users");
    }

    #[test]
    fn a_chunk_travels_with_what_loads_it() {
        let homes = |users: &[&str], size| bundles_of(&chunk(users), size);
        // with the app chunk: in the app's bundle whatever its size
        assert_eq!(homes(&["app", "forms"], 50_000), ["app"]);
        assert_eq!(homes(&["app", "kiosk"], 10), ["app_kiosk"]);
        // large: a file of its own
        assert!(homes(&["forms", "visits"], 2048).is_empty());
        assert!(homes(&["forms", "kiosk"], 4096).is_empty());
        // small: in the bundle of each family that loads it
        assert_eq!(homes(&["forms", "visits"], 2047), ["forms", "visits"]);
        assert_eq!(homes(&["kiosk"], 300), ["kiosk"]);
        // but not where the family that always comes first has it already
        assert_eq!(homes(&["expressions", "forms"], 300), ["forms"]);
        assert_eq!(homes(&["care", "expressions"], 300), ["care", "expressions"]);
    }

    /// A loader with four chunks and the forms family, as `compile_early` leaves it.
    fn four_chunks() -> String {
        let mut js = String::from("function makeLoad(fetcher, deps) {}\n");
        for (n, users) in [(1, "app, forms"), (2, "forms, visits"), (3, "forms, visits"), (4, "care, forms")] {
            js.push_str(&format!(
                "/* {users} */\nconst __chunk_{n} = makeLoad(() => {{\n    const src = fetch(new URL(\"./chunk_{n}.wasm\", import.meta.url));\n{FETCH_AFTER}}}\n, []);\n"
            ));
        }
        js.push_str(&format!(
            "export const __wasm_split_load_forms = wrapAsyncCb(makeLoad(() => {{\n    const src = fetch(new URL(\"./split_forms.wasm\", import.meta.url));\n{FETCH_AFTER}}}\n, [__chunk_1, __chunk_2, __chunk_3, __chunk_4]));\n"
        ));
        js
    }

    #[test]
    fn bundles_hold_the_chunks_bytes_where_the_loader_looks() {
        let dir = std::env::temp_dir().join(format!("ingang-bundle-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("a temp dir");
        fs::write(dir.join("__wasm_split.js"), four_chunks()).expect("the loader");
        let contents: [Vec<u8>; 4] =
            [b"app and forms".to_vec(), vec![7; 3000], vec![200; 130], b"care and forms".to_vec()];
        for (n, bytes) in contents.iter().enumerate() {
            fs::write(dir.join(format!("chunk_{}.wasm", n + 1)), bytes).expect("a chunk");
        }
        let (packed, bundles) = bundle(&dir, |b| Ok(b.len())).expect("bundling");
        assert_eq!((packed, bundles), (3, 4), "chunk 2 (3,000 bytes) stays a file");
        assert!(dir.join("chunk_2.wasm").exists());
        for n in [1, 3, 4] {
            assert!(!dir.join(format!("chunk_{n}.wasm")).exists(), "chunk {n} is in a bundle");
        }
        let js = fs::read_to_string(dir.join("__wasm_split.js")).expect("the loader");
        assert!(js.find("function part(").expect("the helper") < js.find("/* app, forms */").expect("chunk 1"));
        assert!(js.contains(r#"const BUNDLES = ["app", "forms", "visits", "care"];"#), "{js}");
        assert!(js.contains("fetch(new URL(\"./chunk_2.wasm\""), "{js}");
        assert!(js.contains("wrapAsyncCb(makeLoad(() => {\n    asking = \"forms\";\n    const src = fetch(new URL(\"./split_forms.wasm\""), "{js}");
        // chunk n: its call, and where its bytes are (bundle, section)
        type Home<'a> = (usize, &'a str, &'a [(&'a str, usize)]);
        let homes: [Home; 3] = [
            (1, "[[0,0]]", &[("bundle_app", 0)]),
            (3, "[[1,0],[2,0]]", &[("bundle_forms", 0), ("bundle_visits", 0)]),
            (4, "[[3,0],[1,1]]", &[("bundle_care", 0), ("bundle_forms", 1)]),
        ];
        for (n, choices, places) in homes {
            assert!(
                js.contains(&format!("const __chunk_{n} = fromBundle({choices});\n")),
                "chunk {n}: {choices} in {js}"
            );
            for (bundle, index) in places {
                let data = fs::read(dir.join(format!("{bundle}.wasm"))).expect("the bundle");
                let sections = crate::imports::custom_section_contents(&data).expect("a wasm module");
                assert_eq!(sections[*index], (format!("chunk_{n}").as_str(), contents[n - 1].as_slice()));
            }
        }
        fs::remove_dir_all(&dir).expect("cleaning up");
    }

    /// What `script` (a module) prints, run by node (`cargo xtask test` installs it).
    fn node(script: &str) -> String {
        let out = std::process::Command::new("node")
            .args(["--input-type=module", "-e", script])
            .output()
            .expect("node (cargo xtask test installs it)");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// Bytes as a JavaScript array's elements.
    fn js_bytes(data: &[u8]) -> String {
        data.iter().map(u8::to_string).collect::<Vec<_>>().join(",")
    }

    /// The loader's own `sections` (JavaScript, run by node: `cargo xtask test` installs it)
    /// reads the custom sections a bundle is made of, long names and contents included.
    #[test]
    fn the_loader_reads_the_bundles_sections() {
        let mut data = b"\0asm\x01\0\0\0".to_vec();
        data.extend(crate::imports::custom_section(&"x".repeat(200), &[1, 2, 3]));
        data.extend(crate::imports::custom_section("chunk_7", &[5; 300]));
        data.extend(crate::imports::custom_section("chunk_8", &[]));
        let bytes = js_bytes(&data);
        let script = format!(
            "{PART}\nconst s = sections(new Uint8Array([{bytes}]).buffer);\n\
             console.log(JSON.stringify(s.map((p) => [p.length, p[0] ?? null, p[p.length - 1] ?? null])));"
        );
        assert_eq!(node(&script), "[[3,1,3],[300,5,5],[0,null,null]]");
    }

    /// The loader's `part` (run by node): a chunk comes from a bundle the page has asked for,
    /// else from the asking family's; each bundle is fetched once, and again after a failure.
    #[test]
    fn a_chunk_comes_from_a_bundle_already_asked_for_else_the_asking_familys() {
        // every bundle holds two chunks: [7] and [8]
        let mut data = b"\0asm\x01\0\0\0".to_vec();
        data.extend(crate::imports::custom_section("a", &[7]));
        data.extend(crate::imports::custom_section("b", &[8]));
        let bytes = js_bytes(&data);
        let script = format!(
            "const BUNDLES = [\"care\", \"forms\", \"visits\"];\n{PART}\n\
             const asked = []; let fail = false;\n\
             globalThis.fetch = async (url) => {{ asked.push(String(url).split('/').pop()); return fail ? {{ ok: false, status: 503 }} : {{ ok: true, arrayBuffer: async () => new Uint8Array([{bytes}]).buffer }}; }};\n\
             WebAssembly.compile = async (bytes) => Array.from(bytes);\n\
             const got = [];\n\
             asking = 'forms'; got.push(await part([[0, 1], [1, 0]]));\n\
             asking = 'care'; got.push(await part([[0, 0], [1, 1]]));\n\
             fail = true; asking = 'visits'; const failed = await part([[2, 0], [0, 1]]).then(() => 'ok', () => 'failed');\n\
             fail = false; got.push(await part([[2, 0], [0, 1]]));\n\
             console.log(JSON.stringify({{ asked, got, failed }}));"
        );
        // forms asks first: its bundle; care then takes its chunk from the forms bundle it has
        // (not fetching its own); visits' bundle is fetched, fails once, and is fetched again
        assert_eq!(
            node(&script),
            r#"{"asked":["bundle_forms.wasm","bundle_visits.wasm","bundle_visits.wasm"],"got":[[7],[8],[7]],"failed":"failed"}"#
        );
    }

    #[test]
    fn another_template_fails_the_build() {
        assert!(compile_early(LOADER, 3).is_err(), "a module without a known fetcher");
        let other = LOADER.replace("const instantiate = fetcher();", "const load = fetcher();");
        assert!(compile_early(&other, 2).is_err(), "another makeLoad");
    }
}

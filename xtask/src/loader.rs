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
//!    [`bundle_of`]); the loader takes each chunk's bytes out of its bundle and compiles them.
//!    The modules are the same: this changes only how their bytes travel (and they compress
//!    better together).
//!
//! A failed download still rejects the load, so the app's "Försök igen" path (`src/chunks.rs`)
//! is unchanged; a bundle that failed is fetched again on the next try. The text is the crate's
//! fixed template: if a new version writes it differently, this fails the build instead of
//! silently doing nothing.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::Path,
};

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

/// Which bundle a chunk travels in (`None`: a file of its own), from who loads it and its
/// brotli size. A route loads the bundles of all its chunks, so a bundle costs a route the bytes
/// of the chunks in it that it does not need:
/// - Code the app chunk needs too comes on every route but `/` and the kiosk, which load the app
///   chunk: one bundle (two: what the kiosk needs as well is apart, the kiosk loads no app chunk).
/// - A chunk of 2 KB or more is worth its own request.
/// - The smaller ones: one bundle for those the kiosk needs, one for the rest. A route pays at
///   most the second bundle's bytes that it does not use (on this app's chunks: 4–11 KB more
///   for the lightest routes, 20–30 KB less for the heaviest, and about 180 fewer requests).
pub fn bundle_of(chunk: &Chunk, brotli: usize) -> Option<&'static str> {
    let kiosk = chunk.users.contains("kiosk");
    if chunk.users.contains("app") {
        Some(if kiosk { "bundle_app_kiosk" } else { "bundle_app" })
    } else if brotli >= 2048 {
        None
    } else {
        Some(if kiosk { "bundle_kiosk" } else { "bundle_small" })
    }
}

/// The JavaScript that takes a chunk out of its bundle: one fetch per bundle (again after a
/// failure), which lists the bundle's sections once, and one compile per chunk. A chunk is
/// named by its section's place in the bundle: short numbers, where offsets and lengths would
/// add a kilobyte of brotli to the loader that every route loads.
const PART: &str = r#"const bundles = new Map();
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
function part(file, index) {
    let bundle = bundles.get(file);
    if (bundle === undefined) {
        bundle = fetch(new URL(file, import.meta.url)).then((r) => r.ok ? r.arrayBuffer() : Promise.reject(new Error(`${file}: ${r.status}`))).then(sections);
        bundles.set(file, bundle);
        bundle.catch(() => { if (bundles.get(file) === bundle) bundles.delete(file); });
    }
    return bundle.then((parts) => WebAssembly.compile(parts[index]));
}
"#;

/// Packs `dir`'s shared chunks into bundles (see [`bundle_of`]) and points the loader
/// (`__wasm_split.js`, after [`compile_early`]) at them; the packed chunk files are removed.
/// Returns how many files went into how many bundles.
pub fn bundle(dir: &Path, brotli: impl Fn(&[u8]) -> Result<usize>) -> Result<(usize, usize)> {
    let loader = dir.join("__wasm_split.js");
    let mut js = fs::read_to_string(&loader)?;
    let mut bundles: BTreeMap<&str, (Vec<u8>, usize)> = BTreeMap::new();
    let mut packed = 0;
    for chunk in chunks(&js)? {
        let path = dir.join(&chunk.file);
        let bytes = fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let Some(name) = bundle_of(&chunk, brotli(&bytes)?) else { continue };
        // a bundle is itself a wasm module (any host serves and compresses it as one): the
        // header, then one custom section per chunk, named after it, holding its bytes
        let (data, count) = bundles.entry(name).or_insert_with(|| (b"\0asm\x01\0\0\0".to_vec(), 0));
        data.extend(crate::imports::custom_section(chunk.file.trim_end_matches(".wasm"), &bytes));
        let index = *count;
        *count += 1;
        let from = format!(
            "    const src = fetch(new URL(\"./{}\", import.meta.url));\n    const compiled = WebAssembly.compileStreaming(src);\n",
            chunk.file
        );
        if js.matches(&from).count() != 1 {
            bail!("the loader's fetch of {} is not the expected template: check xtask/src/loader.rs", chunk.file);
        }
        js = js.replacen(&from, &format!("    const compiled = part(\"./{name}.wasm\", {index});\n"), 1);
        fs::remove_file(&path)?;
        packed += 1;
    }
    // the helper goes before the first chunk's loader
    let at = js.find("\n/* ").context("no chunk in the loader")?;
    js.insert_str(at + 1, PART);
    for (name, (data, _)) in &bundles {
        fs::write(dir.join(format!("{name}.wasm")), data)?;
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
        // with the app chunk: in the app's bundle whatever its size
        assert_eq!(bundle_of(&chunk(&["app", "forms"]), 50_000), Some("bundle_app"));
        assert_eq!(bundle_of(&chunk(&["app", "kiosk"]), 10), Some("bundle_app_kiosk"));
        // large: a file of its own
        assert_eq!(bundle_of(&chunk(&["forms", "visits"]), 2048), None);
        assert_eq!(bundle_of(&chunk(&["forms", "kiosk"]), 4096), None);
        // small: the kiosk's or the rest's
        assert_eq!(bundle_of(&chunk(&["forms", "visits"]), 2047), Some("bundle_small"));
        assert_eq!(bundle_of(&chunk(&["forms", "kiosk"]), 300), Some("bundle_kiosk"));
    }

    /// A loader with four chunks, as `compile_early` leaves it.
    fn four_chunks() -> String {
        let mut js = String::from("function makeLoad(fetcher, deps) {}\n");
        for (n, users) in [(1, "app, forms"), (2, "forms, visits"), (3, "forms, visits"), (4, "care, forms")] {
            js.push_str(&format!(
                "/* {users} */\nconst __chunk_{n} = makeLoad(() => {{\n    const src = fetch(new URL(\"./chunk_{n}.wasm\", import.meta.url));\n{FETCH_AFTER}}}\n, []);\n"
            ));
        }
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
        assert_eq!((packed, bundles), (3, 2), "chunk 2 (3,000 bytes) stays a file");
        assert!(dir.join("chunk_2.wasm").exists());
        for n in [1, 3, 4] {
            assert!(!dir.join(format!("chunk_{n}.wasm")).exists(), "chunk {n} is in a bundle");
        }
        let js = fs::read_to_string(dir.join("__wasm_split.js")).expect("the loader");
        assert!(js.find("function part(").expect("the helper") < js.find("/* app, forms */").expect("chunk 1"));
        assert!(js.contains("fetch(new URL(\"./chunk_2.wasm\""), "{js}");
        for (n, bundle, index) in [(1, "bundle_app", 0), (3, "bundle_small", 0), (4, "bundle_small", 1)] {
            let call = format!("const compiled = part(\"./{bundle}.wasm\", {index});");
            let loader = js.split(&format!("const __chunk_{n} = ")).nth(1).expect("the chunk's loader");
            assert!(loader.split(", []);").next().expect("its body").contains(&call), "{call} in {loader}");
            let data = fs::read(dir.join(format!("{bundle}.wasm"))).expect("the bundle");
            let sections = crate::imports::custom_section_contents(&data).expect("a wasm module");
            assert_eq!(sections[index], (format!("chunk_{n}").as_str(), contents[n - 1].as_slice()));
        }
        fs::remove_dir_all(&dir).expect("cleaning up");
    }

    /// The loader's own `sections` (JavaScript, run by node: `cargo xtask test` installs it)
    /// reads the custom sections a bundle is made of, long names and contents included.
    #[test]
    fn the_loader_reads_the_bundles_sections() {
        let mut data = b"\0asm\x01\0\0\0".to_vec();
        data.extend(crate::imports::custom_section(&"x".repeat(200), &[1, 2, 3]));
        data.extend(crate::imports::custom_section("chunk_7", &[5; 300]));
        data.extend(crate::imports::custom_section("chunk_8", &[]));
        let bytes = data.iter().map(u8::to_string).collect::<Vec<_>>().join(",");
        let script = format!(
            "{PART}\nconst s = sections(new Uint8Array([{bytes}]).buffer);\n\
             console.log(JSON.stringify(s.map((p) => [p.length, p[0] ?? null, p[p.length - 1] ?? null])));"
        );
        let out = std::process::Command::new("node")
            .args(["--input-type=module", "-e", &script])
            .output()
            .expect("node (cargo xtask test installs it)");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "[[3,1,3],[300,5,5],[0,null,null]]");
    }

    #[test]
    fn another_template_fails_the_build() {
        assert!(compile_early(LOADER, 3).is_err(), "a module without a known fetcher");
        let other = LOADER.replace("const instantiate = fetcher();", "const load = fetcher();");
        assert!(compile_early(&other, 2).is_err(), "another makeLoad");
    }
}

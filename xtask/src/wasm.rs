//! The app's wasm for a release, split by screen family (see `src/chunks.rs`).
//!
//! No trunk version can split a wasm module: the split has to happen between the compiler and
//! wasm-bindgen. So this is the pipeline:
//! 1. `cargo build --profile wasm-release --features split` for `wasm32-unknown-unknown`
//!    (`.cargo/config.toml` links every wasm build with `--emit-relocs`, which the splitter
//!    needs; one set of flags, so clippy and the build share compiled dependencies);
//! 2. `wasm_split_cli_support::transform`: the main module, one module per `wasm_split` point
//!    (a screen family), shared `chunk_*` modules, and the loader `__wasm_split.js`, which
//!    `loader.rs` changes so that every module compiles as it downloads;
//! 3. `wasm-bindgen-cli-support` on the main module (`--keep-lld-exports`: the chunks link
//!    against the main module's exports);
//! 4. short names for the main module's imports from the glue (`imports.rs`);
//! 5. `wasm-opt -Oz` on every module, two at a time (two cores); the small shared chunks
//!    packed into a few bundles (`loader.rs`), and `terser` on the JavaScript;
//! 6. everything into `pkg-<hash of the contents>/`, so the files keep their names relative to
//!    the loader and a new version never overwrites an old one that an open app still uses.

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
    sync::Mutex,
};

use anyhow::{Context, Result, bail};

use crate::{cargo, postbuild::revision, root, run, tools};

/// What the page needs to start the app: the folder (under `dist/`) and its two entry files.
pub struct Package {
    pub dir: String,
    pub js: String,
    pub wasm: String,
}

/// Binaryen's features for what rustc 1.95 emits for wasm32-unknown-unknown.
const WASM_OPT_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

pub fn build(dist: &Path) -> Result<Package> {
    let root = root();
    run(cargo().args([
        "build",
        "--profile",
        "wasm-release",
        "--target",
        "wasm32-unknown-unknown",
        "--bin",
        "ingang",
        "--features",
        "split",
    ]))?;
    let input_path = root.join("target/wasm32-unknown-unknown/wasm-release/ingang.wasm");
    let input = fs::read(&input_path).with_context(|| format!("reading {}", input_path.display()))?;

    let work = root.join("target/xtask/split");
    let pkg = root.join("target/xtask/pkg");
    for dir in [&work, &pkg] {
        if dir.exists() {
            fs::remove_dir_all(dir)?;
        }
        fs::create_dir_all(dir)?;
    }
    let main = work.join("ingang.wasm");
    let mut options = wasm_split_cli_support::Options::new(&input);
    options.output_dir = &work;
    options.main_out_path = &main;
    options.main_module = "./ingang.js";
    options.link_name = "./__wasm_split.js";
    let split = wasm_split_cli_support::transform(options).map_err(|e| anyhow::anyhow!("wasm split: {e:#}"))?;
    println!("xtask: split the wasm into the main module and {} more", split.split_modules.len());
    // compile each module as it arrives (see loader.rs)
    let loader = work.join("__wasm_split.js");
    let early = crate::loader::compile_early(&fs::read_to_string(&loader)?, split.split_modules.len())?;
    fs::write(&loader, early)?;

    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&main)
        .out_name("ingang")
        .web(true)?
        .keep_lld_exports(true)
        .demangle(false)
        .typescript(false)
        .generate(&pkg)
        .context("wasm-bindgen")?;
    // short names for the glue's imports, in the wasm and in the glue (see imports.rs)
    let (glue_wasm, glue_js) = (pkg.join("ingang_bg.wasm"), pkg.join("ingang.js"));
    let (wasm, js, renamed) = crate::imports::shorten(&fs::read(&glue_wasm)?, &fs::read_to_string(&glue_js)?)
        .context("shortening the glue's import names")?;
    fs::write(&glue_wasm, wasm)?;
    fs::write(&glue_js, js)?;
    println!("xtask: {renamed} imports of the glue renamed");
    for entry in fs::read_dir(&work)? {
        let path = entry?.path();
        if path != main && path.is_file() {
            fs::copy(&path, pkg.join(path.file_name().expect("a file")))?;
        }
    }

    let files_with = |ext: &str| -> Result<Vec<PathBuf>> {
        let mut files = Vec::new();
        crate::build::walk(&pkg, &mut files)?;
        files.sort();
        Ok(files.into_iter().filter(|p| p.extension().is_some_and(|e| e == ext)).collect())
    };
    optimise(&files_with("wasm")?)?;
    // the small shared chunks travel in a few bundles (see loader.rs)
    let (packed, bundles) = crate::loader::bundle(&pkg, |bytes| Ok(crate::build::brotli(bytes)?.len()))?;
    println!("xtask: {packed} shared chunks packed into {bundles} bundles");
    minify(&files_with("js")?)?;

    let mut files = Vec::new();
    crate::build::walk(&pkg, &mut files)?;
    files.sort();
    let mut all = Vec::new();
    for file in &files {
        all.extend_from_slice(file.strip_prefix(&pkg)?.to_string_lossy().as_bytes());
        all.extend_from_slice(&fs::read(file)?);
    }
    let dir = format!("pkg-{}", revision(&all));
    let target = dist.join(&dir);
    copy_dir(&pkg, &target)?;
    Ok(Package { js: format!("/{dir}/ingang.js"), wasm: format!("/{dir}/ingang_bg.wasm"), dir })
}

/// Minifies wasm-bindgen's glue, the split loader and any snippets with npm's `terser` (as ES
/// modules: exports and property names stay, so the wasm's imports still match). About a fifth
/// of their brotli size, and less to parse before the app starts.
fn minify(scripts: &[PathBuf]) -> Result<()> {
    let terser = root().join("node_modules/.bin/terser");
    for script in scripts {
        run(Command::new(&terser)
            .arg(script)
            .args(["--module", "--compress", "--mangle", "--ecma", "2020", "--output"])
            .arg(script))?;
    }
    Ok(())
}

/// `wasm-opt -Oz` on every module, as many at a time as there are cores.
fn optimise(modules: &[PathBuf]) -> Result<()> {
    let queue = Mutex::new(modules.to_vec());
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).min(modules.len().max(1));
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let Some(module) = queue.lock().expect("queue").pop() else { break };
                    // The main module is the first load of every route: there, flattening and
                    // re-looping the control flow and then optimising until nothing changes takes
                    // 2.3 KB more off its brotli size (about 30 s more; not worth it on chunks).
                    let main = module.file_name().is_some_and(|n| n == "ingang_bg.wasm");
                    let status = Command::new("wasm-opt")
                        .arg("-Oz")
                        .args(if main { &["--flatten", "--rereloop", "-Oz", "--converge"][..] } else { &[][..] })
                        // INGANG_WASM_NAMES=1 keeps function names, for readable panic stacks
                        .args(std::env::var_os("INGANG_WASM_NAMES").map(|_| "-g"))
                        .args(WASM_OPT_FEATURES)
                        // the `producers` and `target_features` sections: about 200 bytes in every
                        // module that no browser reads, 0.13 KB brotli each, and a route fetches
                        // dozens of modules
                        .args(["--strip-producers", "--strip-target-features"])
                        .arg(&module)
                        .arg("-o")
                        .arg(&module)
                        .env("PATH", tools::path_with_tools())
                        .status();
                    if !status.is_ok_and(|s| s.success()) {
                        failures.lock().expect("failures").push(module.display().to_string());
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().expect("failures");
    if !failures.is_empty() {
        bail!("wasm-opt failed on {}", failures.join(", "));
    }
    // what no browser reads is not shipped (names only when asked for, for readable stacks)
    for module in modules {
        let kept: Vec<String> = crate::imports::custom_sections(&fs::read(module)?)?
            .into_iter()
            .filter(|n| !(n == "name" && std::env::var_os("INGANG_WASM_NAMES").is_some()))
            .collect();
        if !kept.is_empty() {
            bail!("{} still has the custom sections {kept:?} after wasm-opt", module.display());
        }
    }
    println!("xtask: wasm-opt -Oz on {} modules", modules.len());
    Ok(())
}

pub fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let path = entry?.path();
        let dest = to.join(path.file_name().expect("a name"));
        if path.is_dir() {
            copy_dir(&path, &dest)?;
        } else {
            fs::copy(&path, &dest).with_context(|| format!("copying {}", path.display()))?;
        }
    }
    Ok(())
}

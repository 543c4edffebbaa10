//! The release build of the app: the site from `index.html` with the split wasm (`site.rs`,
//! `wasm.rs`), then `.br` and `.gz` siblings for every text and wasm file. Skipped when no
//! input changed since the last build, so a second `demo` is quick.

use std::{
    fs,
    hash::{DefaultHasher, Hash, Hasher},
    io::Write,
    path::{Path, PathBuf},
    time::SystemTime,
};

use anyhow::{Context, Result};

use crate::root;

/// Files and folders whose change means the app must be rebuilt.
const INPUTS: &[&str] = &[
    "index.html",
    "Trunk.toml",
    "Cargo.toml",
    "Cargo.lock",
    "build.rs",
    "src",
    "style",
    "public",
    "locales",
    "crates/api",
    "crates/questionnaire",
    ".cargo",
    // the pipeline itself (the split, the loader's bundles, the glue's names)
    "xtask/src",
];

/// Extensions that get precompressed siblings.
const COMPRESSIBLE: &[&str] = &["html", "js", "css", "wasm", "json", "webmanifest", "svg", "txt"];

pub fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

fn fingerprint() -> Result<u64> {
    let root = root();
    let mut files = Vec::new();
    for input in INPUTS {
        let path = root.join(input);
        if path.is_dir() {
            walk(&path, &mut files)?;
        } else if path.exists() {
            files.push(path);
        }
    }
    files.sort();
    let mut hasher = DefaultHasher::new();
    // a build that kept function names (INGANG_WASM_NAMES) is not the release build
    std::env::var_os("INGANG_WASM_NAMES").hash(&mut hasher);
    for file in files {
        let meta = fs::metadata(&file)?;
        file.hash(&mut hasher);
        meta.len().hash(&mut hasher);
        meta.modified()?.duration_since(SystemTime::UNIX_EPOCH)?.as_nanos().hash(&mut hasher);
    }
    Ok(hasher.finish())
}

/// Builds `dist/` unless it is up to date.
pub fn release_app(force: bool) -> Result<()> {
    let root = root();
    let stamp_path = root.join("target/xtask/dist.stamp");
    let stamp = fingerprint()?.to_string();
    let up_to_date = root.join("dist/index.html").exists() && fs::read_to_string(&stamp_path).is_ok_and(|s| s == stamp);
    if up_to_date && !force {
        println!("xtask: dist/ is up to date");
        return Ok(());
    }
    crate::site::build(&root.join("dist"))?;
    compress_dir(&root.join("dist"))?;
    fs::create_dir_all(stamp_path.parent().expect("has parent"))?;
    fs::write(&stamp_path, stamp)?;
    Ok(())
}

pub fn brotli(data: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        writer.write_all(data)?;
    }
    Ok(out)
}

pub fn gzip(data: &[u8]) -> Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(data)?;
    Ok(encoder.finish()?)
}

fn compress_dir(dir: &Path) -> Result<()> {
    let mut files = Vec::new();
    walk(dir, &mut files)?;
    for file in files {
        let ext = file.extension().and_then(|e| e.to_str()).unwrap_or_default();
        if !COMPRESSIBLE.contains(&ext) {
            continue;
        }
        let data = fs::read(&file)?;
        let name = file.display().to_string();
        fs::write(format!("{name}.br"), brotli(&data)?)?;
        fs::write(format!("{name}.gz"), gzip(&data)?)?;
    }
    Ok(())
}

pub fn print_dist_summary() -> Result<()> {
    let mut files = Vec::new();
    walk(&root().join("dist"), &mut files)?;
    let count =
        files.iter().filter(|f| !f.to_string_lossy().ends_with(".br") && !f.to_string_lossy().ends_with(".gz")).count();
    println!("xtask: dist/ has {count} files (plus .br and .gz siblings); `cargo xtask bench` prints sizes");
    Ok(())
}

//! Installs what the build and the tests need, when it is missing. Nothing here downloads a
//! binary from outside the package registries: the wasm target from rustup, wasm-opt,
//! Playwright, axe and Lighthouse from npm, Chromium and the test fonts from Debian. (The wasm
//! splitter and wasm-bindgen are libraries of the xtask itself, so no CLI needs installing.)

use std::{path::Path, process::Command};

use anyhow::{Context, Result, bail};

use crate::{root, run};

pub const CHROMIUM: &str = "/usr/bin/chromium";

/// `PATH` with `node_modules/.bin` (wasm-opt 132) and cargo's bin directory first.
pub fn path_with_tools() -> String {
    let mut parts = vec![root().join("node_modules/.bin").display().to_string()];
    if let Some(home) = std::env::var_os("CARGO_HOME")
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo").into_os_string()))
    {
        parts.push(Path::new(&home).join("bin").display().to_string());
    }
    parts.push(std::env::var("PATH").unwrap_or_default());
    parts.join(":")
}

pub fn output_of(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).env("PATH", path_with_tools()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

pub fn is_root() -> bool {
    output_of("id", &["-u"]).is_some_and(|uid| uid.trim() == "0")
}

pub fn apt_install(packages: &[&str]) -> Result<()> {
    if !is_root() {
        bail!("please install {} (Debian: sudo apt-get install {})", packages.join(", "), packages.join(" "));
    }
    run(Command::new("apt-get").arg("update"))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "--no-install-recommends"])
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

/// What `cargo xtask test` writes under `target/` on a clean clone, in gigabytes, with room to
/// spare (3.7 GB measured on 2026-12-06, see README).
const TEST_NEEDS_GB: u64 = 8;

/// Says how much disk the build has, and warns when it is less than a clean run writes: a full
/// disk shows up only as a linker's "exit status 1" deep in cargo's output.
pub fn report_free_disk() {
    let Some(out) = output_of("df", &["-Pk", &root().display().to_string()]) else { return };
    let Some(free_kb) =
        out.lines().nth(1).and_then(|l| l.split_whitespace().nth(3)).and_then(|f| f.parse::<u64>().ok())
    else {
        return;
    };
    let free_gb = free_kb / (1024 * 1024);
    if free_gb < TEST_NEEDS_GB {
        eprintln!(
            "xtask: warning: {free_gb} GB free on the disk of {}; a clean `cargo xtask test` writes up to \
             {TEST_NEEDS_GB} GB under target/, and a full disk fails the build while linking",
            root().display()
        );
    } else {
        eprintln!("xtask: {free_gb} GB free on the disk of {}", root().display());
    }
}

/// Everything the release build (`site.rs`, `wasm.rs`) and the native build need.
pub fn ensure_build_tools() -> Result<()> {
    let installed = output_of("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if !installed.lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    for component in ["clippy", "rustfmt"] {
        let probe = if component == "clippy" { "cargo-clippy" } else { "rustfmt" };
        if output_of(probe, &["--version"]).is_none() {
            run(Command::new("rustup").args(["component", "add", component]))?;
        }
    }
    ensure_node_modules()
}

/// `npm ci` when `node_modules` is missing or older than `package-lock.json`.
pub fn ensure_node_modules() -> Result<()> {
    if output_of("npm", &["--version"]).is_none() {
        apt_install(&["nodejs", "npm"])?;
    }
    let root = root();
    let marker = root.join("node_modules/.package-lock.json");
    let lock = root.join("package-lock.json");
    let fresh = match (std::fs::metadata(&marker), std::fs::metadata(&lock)) {
        (Ok(m), Ok(l)) => m.modified()? >= l.modified()?,
        _ => false,
    };
    if !fresh {
        run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"))?;
    }
    Ok(())
}

/// Debian's Chromium for Playwright and Lighthouse (never a downloaded browser).
pub fn ensure_browser() -> Result<()> {
    if !Path::new(CHROMIUM).exists() {
        apt_install(&["chromium", "fonts-dejavu-core"])?;
    }
    Ok(())
}

/// Where Debian's `fonts-dejavu-core` puts its files, and the files the suite measures with.
const DEJAVU_DIR: &str = "/usr/share/fonts/truetype/dejavu";
const TEST_FONTS: &[&str] = &[
    "DejaVuSans.ttf",
    "DejaVuSans-Bold.ttf",
    "DejaVuSansMono.ttf",
    "DejaVuSansMono-Bold.ttf",
    "DejaVuSerif.ttf",
    "DejaVuSerif-Bold.ttf",
];

/// The fonts the end-to-end suite measures pages in, whatever the machine has: the six files of
/// Debian's `fonts-dejavu-core` (installed when missing), linked into a folder of their own, and
/// a fontconfig file that shows Chromium only that folder. Returns the file for
/// `FONTCONFIG_FILE`. A machine with more fonts (or `fonts-dejavu-extra`'s obliques and
/// condensed faces in the same folder) lays pages out exactly like a fresh one.
pub fn ensure_test_fonts() -> Result<std::path::PathBuf> {
    if TEST_FONTS.iter().any(|f| !Path::new(DEJAVU_DIR).join(f).exists()) {
        apt_install(&["fonts-dejavu-core"])?;
    }
    let dir = root().join("target/e2e-fonts");
    let fonts = dir.join("fonts");
    std::fs::create_dir_all(&fonts)?;
    for entry in std::fs::read_dir(&fonts)? {
        std::fs::remove_file(entry?.path())?;
    }
    for file in TEST_FONTS {
        std::os::unix::fs::symlink(Path::new(DEJAVU_DIR).join(file), fonts.join(file))
            .with_context(|| format!("linking {file}"))?;
    }
    let conf = dir.join("fonts.conf");
    std::fs::write(&conf, fontconfig(&fonts.display().to_string(), &dir.join("cache").display().to_string()))?;
    Ok(conf)
}

/// A fontconfig file that knows only `fonts` and maps every generic family to DejaVu.
fn fontconfig(fonts: &str, cache: &str) -> String {
    let alias = |generic: &str, family: &str| {
        format!(
            "  <alias binding=\"same\"><family>{generic}</family><prefer><family>{family}</family></prefer></alias>\n"
        )
    };
    let mut out = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"urn:fontconfig:fonts.dtd\">\n\
         <!-- written by cargo xtask test: the only fonts the end-to-end suite's Chromium sees -->\n\
         <fontconfig>\n  <dir>{fonts}</dir>\n  <cachedir>{cache}</cachedir>\n"
    );
    for generic in ["sans-serif", "system-ui", "ui-sans-serif", "Arial", "Helvetica", "Roboto", "Segoe UI"] {
        out.push_str(&alias(generic, "DejaVu Sans"));
    }
    out.push_str(&alias("serif", "DejaVu Serif"));
    out.push_str(&alias("monospace", "DejaVu Sans Mono"));
    out.push_str("</fontconfig>\n");
    out
}

//! Installs what the build and the tests need, when it is missing. Nothing here downloads a
//! binary from outside the package registries: trunk and wasm-bindgen-cli come from
//! crates.io, wasm-opt/Playwright/axe/Lighthouse from npm, Chromium from Debian.

use std::{path::Path, process::Command};

use anyhow::{Context, Result, bail};

use crate::{root, run};

pub const TRUNK_VERSION: &str = "0.21.14";
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

fn output_of(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).env("PATH", path_with_tools()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The wasm-bindgen version pinned in `Cargo.lock` (trunk insists on the same CLI version).
pub fn locked_wasm_bindgen() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).context("reading Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\""
            && let Some(version) = lines.next().and_then(|l| l.strip_prefix("version = \""))
        {
            return Ok(version.trim_end_matches('"').to_owned());
        }
    }
    bail!("wasm-bindgen is not in Cargo.lock")
}

fn is_root() -> bool {
    output_of("id", &["-u"]).is_some_and(|uid| uid.trim() == "0")
}

fn apt_install(packages: &[&str]) -> Result<()> {
    if !is_root() {
        bail!("please install {} (Debian: sudo apt-get install {})", packages.join(", "), packages.join(" "));
    }
    run(Command::new("apt-get").arg("update"))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "--no-install-recommends"])
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

/// Everything `trunk build --release` and the native build need.
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
    if !output_of("trunk", &["--version"]).is_some_and(|v| v.contains(TRUNK_VERSION)) {
        run(crate::cargo().args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"]))?;
    }
    let bindgen = locked_wasm_bindgen()?;
    if output_of("wasm-bindgen", &["--version"]).is_none_or(|v| v.split_whitespace().nth(1) != Some(&bindgen)) {
        // Not --locked: the CLI's own lock file names a yanked crate.
        run(crate::cargo().args(["install", "wasm-bindgen-cli", "--version", &bindgen]))?;
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

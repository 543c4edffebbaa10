//! `cargo xtask bench --fuzz [SECONDS]`: the fuzz targets in `fuzz/` (questionnaire parsing,
//! response validation, the picture pipeline), each for a bounded time (default 60 s) with
//! cargo-fuzz on the nightly toolchain (both installed when missing). Corpora grow in
//! `target/fuzz-corpus/<target>/`, seeded from the demo forms and the conformance corpus. A
//! crash is copied to the target's regression folder, which `cargo test` replays, and fails.

use std::{fs, path::Path, process::Command};

use anyhow::{Result, bail};

use crate::{root, run, tools::output_of};

/// (target, where its regressions are kept, seed folders)
const TARGETS: &[(&str, &str, &[&str])] = &[
    (
        "questionnaire",
        "crates/questionnaire/tests/fuzz-regressions/questionnaire",
        &["crates/server/forms", "tests/fixtures/conformance"],
    ),
    ("response", "crates/questionnaire/tests/fuzz-regressions/response", &["tests/fixtures/conformance"]),
    ("picture", "crates/server/tests/fuzz-regressions/picture", &["public/icons"]),
];

pub fn run_all(seconds: u64) -> Result<()> {
    let toolchains = output_of("rustup", &["toolchain", "list"]).unwrap_or_default();
    if !toolchains.lines().any(|l| l.starts_with("nightly")) {
        run(Command::new("rustup").args(["toolchain", "install", "nightly", "--profile", "minimal"]))?;
    }
    if output_of("cargo", &["fuzz", "--version"]).is_none() {
        run(Command::new("cargo").args(["install", "cargo-fuzz", "--locked"]))?;
    }
    let mut crashed = Vec::new();
    for (target, regressions, seeds) in TARGETS {
        let corpus = root().join("target/fuzz-corpus").join(target);
        fs::create_dir_all(&corpus)?;
        let artifacts = root().join("target/fuzz-artifacts").join(target);
        fs::create_dir_all(&artifacts)?;
        let before: Vec<_> = files(&artifacts);
        let mut cmd = Command::new("cargo");
        cmd.current_dir(root())
            .args(["+nightly", "fuzz", "run", "--fuzz-dir", "fuzz", target])
            .arg(&corpus)
            .args(seeds.iter().map(|s| root().join(s)))
            .arg("--")
            .arg(format!("-max_total_time={seconds}"))
            .arg(format!("-artifact_prefix={}/", artifacts.display()))
            .arg("-rss_limit_mb=2048")
            .arg("-max_len=1048576");
        println!("\n== fuzz {target} for {seconds} s");
        let ok = run(&mut cmd).is_ok();
        let new: Vec<_> = files(&artifacts).into_iter().filter(|f| !before.contains(f)).collect();
        for found in &new {
            let keep = root().join(regressions).join(found.file_name().unwrap_or_default());
            fs::copy(found, &keep)?;
            println!("kept {} as a regression test", keep.display());
        }
        if !ok || !new.is_empty() {
            crashed.push(*target);
        }
    }
    if !crashed.is_empty() {
        bail!("fuzzing found crashes in {}: fix them; the inputs are kept as regression tests", crashed.join(", "));
    }
    println!("\nfuzz: no crash in {} targets, {seconds} s each", TARGETS.len());
    Ok(())
}

fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    fs::read_dir(dir).map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect()).unwrap_or_default()
}

//! The API contract test of `cargo xtask test`: schemathesis (pinned, from PyPI, in a virtual
//! environment under `target/`) against a fresh `ingang-server --demo`, driven by
//! `tests/contract/contract.py`. Any 5xx, undocumented status or content type, or response
//! that breaks the committed `openapi.json` fails the run, so the contract and the server
//! cannot drift apart.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
};

use anyhow::{Context, Result, bail};

use crate::{root, run, tools};

const PACKAGES: &[&str] = &["schemathesis==3.39.16", "hypothesis==6.124.9"];

/// Generated requests per operation (about 30 s in all on two cores).
const EXAMPLES: &str = "30";

pub fn check() -> Result<()> {
    let venv = root().join("target/schemathesis");
    let python = venv.join("bin/python");
    let marker = venv.join(PACKAGES.join(" ").replace(['=', ' '], "_"));
    if !marker.exists() {
        if tools::output_of("python3", &["-c", "import venv, ensurepip"]).is_none() {
            tools::apt_install(&["python3", "python3-venv"])?;
        }
        let _ = std::fs::remove_dir_all(&venv);
        run(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
        run(Command::new(&python)
            .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check"])
            .args(PACKAGES))?;
        std::fs::write(&marker, "")?;
    }
    let db = tempdir()?;
    let mut child = Command::new(root().join("target/debug/ingang-server"))
        .arg("--db")
        .arg(db.join("contract.sqlite"))
        .args(["--listen", "127.0.0.1:0", "--demo", "--starts-per-minute", "100000"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .context("starting ingang-server")?;
    let stdout = child.stdout.take().context("server stdout")?;
    let mut url = None;
    for line in BufReader::new(stdout).lines() {
        if let Some(rest) = line?.strip_prefix("ingang-server listening on ") {
            url = Some(rest.trim().trim_end_matches('/').to_owned());
            break;
        }
    }
    let result = match url {
        Some(url) => run(Command::new(&python)
            .arg(root().join("tests/contract/contract.py"))
            .arg(&url)
            .arg(root().join("openapi.json"))
            .arg(EXAMPLES)),
        None => Err(anyhow::anyhow!("the server did not say where it listens")),
    };
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&db);
    if result.is_err() {
        bail!("the API does not keep its contract (openapi.json): see schemathesis' report above");
    }
    Ok(())
}

fn tempdir() -> Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("ingang-contract-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

//! `cargo xtask bench`: measures the release build.
//!
//! 1. Every file in `dist/` with its raw, gzip and brotli size.
//! 2. The initial load: `index.html`, every file it references, and `config.json`, in brotli,
//!    against the budget of 200 KB.
//! 3. Lighthouse (npm `lighthouse`, mobile preset, Debian's Chromium) on the start page served
//!    by the release server: performance, accessibility, best practices and the key metrics.
//!
//! 4. The 800-item questionnaire: engine natively, and navigation → interactive form and
//!    keystroke → paint in headless Chromium ([`crate::formbench`]); the same for Smart Forms'
//!    808-item health check with its 522 FHIRPath expressions.
//!
//! 5. The event streams under load: `ingang-load` (crates/server/src/bin) opens 2,000 streams
//!    and sends chat messages and queue changes through the server, reporting messages per
//!    second, delivery latency (p50/p95/p99) and anything lost or duplicated; then again with
//!    two server instances on one database file (`--processes 2`), the streams spread over both,
//!    one instance stopped and started again in the middle of the last phase; then two processes
//!    on a throwaway PostgreSQL cluster (`--db postgres://… --kill 1`), the second killed with
//!    SIGKILL and started again.
//!
//! Numbers only: nothing here fails on a threshold (tests never assert timings).

use std::{
    fs,
    io::{BufRead, BufReader},
    path::Path,
    process::{Child, Command, Stdio},
};

use anyhow::{Context, Result, bail};

use crate::{
    build::{self, walk},
    root, tools,
};

const BUDGET_BYTES: u64 = 150 * 1024;

struct Sizes {
    raw: u64,
    gzip: u64,
    brotli: u64,
}

fn sizes(file: &Path) -> Result<Sizes> {
    let data = fs::read(file)?;
    let sibling = |ext: &str| fs::metadata(format!("{}.{ext}", file.display())).map(|m| m.len()).ok();
    let gzip = match sibling("gz") {
        Some(n) => n,
        None => build::gzip(&data)?.len() as u64,
    };
    let brotli = match sibling("br") {
        Some(n) => n,
        None => build::brotli(&data)?.len() as u64,
    };
    Ok(Sizes { raw: data.len() as u64, gzip, brotli })
}

/// The local paths `index.html` references (`href="/x"`, `src="/x"`, `href=/x`).
pub fn referenced(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attr in ["href=", "src="] {
        for part in html.split(attr).skip(1) {
            let value = part.trim_start_matches(['"', '\'']);
            let end = value.find(['"', '\'', ' ', '>']).unwrap_or(value.len());
            let value = &value[..end];
            if value.starts_with('/') && !value.starts_with("//") && !found.iter().any(|f| f == value) {
                found.push(value.to_owned());
            }
        }
    }
    found
}

fn kb(n: u64) -> String {
    format!("{:.1} KB", n as f64 / 1024.0)
}

fn print_sizes(dist: &Path) -> Result<()> {
    let mut files = Vec::new();
    walk(dist, &mut files)?;
    files.retain(|f| !matches!(f.extension().and_then(|e| e.to_str()), Some("br" | "gz")));
    files.sort();
    println!("\n## dist/ (release build)\n");
    println!("| file | raw | gzip | brotli |\n|---|---:|---:|---:|");
    for file in &files {
        let s = sizes(file)?;
        let name = file.strip_prefix(dist)?.display();
        println!("| {name} | {} | {} | {} |", kb(s.raw), kb(s.gzip), kb(s.brotli));
    }

    let html = fs::read_to_string(dist.join("index.html"))?;
    let mut initial = vec!["/index.html".to_owned(), "/config.json".to_owned()];
    for url in referenced(&html) {
        if !initial.contains(&url) {
            initial.push(url);
        }
    }
    // The wasm-bindgen glue (preloaded) imports the split loader from its own folder, and the
    // boot module starts the main wasm beside it.
    for url in initial.clone() {
        if let Some(dir) = url.strip_suffix("/ingang.js") {
            initial.push(format!("{dir}/__wasm_split.js"));
            initial.push(format!("{dir}/ingang_bg.wasm"));
        }
    }
    let (mut raw, mut gzip, mut brotli) = (0, 0, 0);
    println!("\n## Initial load of the start page\n");
    println!("| file | raw | gzip | brotli |\n|---|---:|---:|---:|");
    for url in &initial {
        let path = dist.join(url.trim_start_matches('/'));
        if !path.is_file() {
            continue;
        }
        let s = sizes(&path)?;
        println!("| {url} | {} | {} | {} |", kb(s.raw), kb(s.gzip), kb(s.brotli));
        raw += s.raw;
        gzip += s.gzip;
        brotli += s.brotli;
    }
    println!("| **total** | {} | {} | **{}** |", kb(raw), kb(gzip), kb(brotli));
    let verdict = if brotli <= BUDGET_BYTES { "within" } else { "OVER" };
    println!("\nInitial transfer (brotli): {} — {verdict} the budget of {}", kb(brotli), kb(BUDGET_BYTES));
    Ok(())
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_server(db_dir: &Path) -> Result<(Server, String)> {
    let mut child = Command::new(root().join("target/release/ingang-server"))
        .arg("--db")
        .arg(db_dir.join("bench.sqlite"))
        .arg("--static")
        .arg(root().join("dist"))
        .args(["--listen", "127.0.0.1:0", "--demo"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("starting the release server")?;
    let stdout = child.stdout.take().context("server stdout")?;
    let server = Server(child);
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        if let Some(url) = line.strip_prefix("ingang-server listening on ") {
            return Ok((server, url.trim().to_owned()));
        }
    }
    bail!("the server exited before listening")
}

fn lighthouse(url: &str, out_dir: &Path) -> Result<()> {
    let report = out_dir.join("lighthouse.json");
    let flags = "--headless=new --no-sandbox --disable-gpu --disable-background-networking \
                 --disable-component-update --disable-sync --disable-quic --no-first-run";
    // Lighthouse sometimes fails to record the trace ("NO_NAVSTART", "run Lighthouse again"):
    // try up to three times before giving up.
    for attempt in 1..=3 {
        let result = crate::run(
            Command::new(root().join("node_modules/.bin/lighthouse"))
                .arg(url)
                .args(["--quiet", "--output=json", "--only-categories=performance,accessibility,best-practices"])
                .arg(format!("--output-path={}", report.display()))
                .arg(format!("--chrome-flags={flags}"))
                .env("CHROME_PATH", tools::CHROMIUM),
        );
        match result {
            Ok(()) => break,
            Err(e) if attempt < 3 => println!("xtask: Lighthouse attempt {attempt} failed ({e:#}); trying again"),
            Err(e) => return Err(e),
        }
    }
    let json: serde_json::Value = serde_json::from_str(&fs::read_to_string(&report)?)?;
    println!("\n## Lighthouse {} (mobile preset) on {url}\n", json["lighthouseVersion"].as_str().unwrap_or("?"));
    println!("| category | score |\n|---|---:|");
    for cat in ["performance", "accessibility", "best-practices"] {
        let score = json["categories"][cat]["score"].as_f64().map(|s| format!("{:.0}", s * 100.0));
        println!("| {cat} | {} |", score.unwrap_or_else(|| "n/a".into()));
    }
    println!("\n| metric | value |\n|---|---:|");
    for audit in [
        "first-contentful-paint",
        "largest-contentful-paint",
        "total-blocking-time",
        "cumulative-layout-shift",
        "speed-index",
        "interactive",
    ] {
        println!("| {audit} | {} |", json["audits"][audit]["displayValue"].as_str().unwrap_or("n/a"));
    }
    let failing: Vec<String> = json["audits"]
        .as_object()
        .map(|audits| {
            audits
                .values()
                .filter(|a| a["score"].as_f64().is_some_and(|s| s < 0.9) && a["scoreDisplayMode"] != "informative")
                .filter_map(|a| a["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    if !failing.is_empty() {
        println!("\nAudits below 90: {}", failing.join(", "));
    }
    println!("\nFull report: {}", report.display());
    Ok(())
}

/// `cargo xtask bench [--peers | --forms | --lighthouse | --fuzz [SECONDS]]`: everything (the
/// fuzz targets 60 s each last), or only the side-by-side form bench, or only the form benches
/// (4), or only the first load's sizes and Lighthouse on `/`, or only the fuzz targets.
pub fn run(args: &[String]) -> Result<()> {
    let only_peers = args.iter().any(|a| a == "--peers");
    let only_forms = args.iter().any(|a| a == "--forms");
    let only_lighthouse = args.iter().any(|a| a == "--lighthouse");
    let fuzz_seconds = args
        .iter()
        .position(|a| a == "--fuzz")
        .map(|i| args.get(i + 1).and_then(|s| s.parse::<u64>().ok()).unwrap_or(60));
    if let Some(seconds) = fuzz_seconds {
        return crate::fuzz::run_all(seconds);
    }
    tools::ensure_build_tools()?;
    tools::ensure_browser()?;
    build::release_app(false)?;
    crate::run(crate::cargo().args(["build", "--release", "--package", "ingang-server"]))?;
    let out_dir = root().join("target/bench");
    fs::create_dir_all(&out_dir)?;
    let _ = fs::remove_file(out_dir.join("bench.sqlite"));
    if only_peers {
        let (_server, url) = start_server(&out_dir)?;
        return crate::formbench::peers(&url, &out_dir);
    }
    if only_forms {
        let (_server, url) = start_server(&out_dir)?;
        return crate::formbench::run(&url, &out_dir);
    }
    if only_lighthouse {
        print_sizes(&root().join("dist"))?;
        let (_server, url) = start_server(&out_dir)?;
        return lighthouse(&url, &out_dir);
    }
    print_sizes(&root().join("dist"))?;
    let (_server, url) = start_server(&out_dir)?;
    crate::formbench::run(&url, &out_dir)?;
    crate::formbench::peers(&url, &out_dir)?;
    lighthouse(&url, &out_dir)?;
    drop(_server);
    // 5. The event streams under load: its own server in-process, 2,000 streams; then two server
    // instances on one database file, the streams spread over both; then the same on PostgreSQL
    crate::run(Command::new(root().join("target/release/ingang-load")).env("RUST_LOG", "warn"))?;
    crate::run(
        Command::new(root().join("target/release/ingang-load")).args(["--processes", "2"]).env("RUST_LOG", "warn"),
    )?;
    // and two server processes on one PostgreSQL (a throwaway cluster), the second a process of
    // its own, killed (SIGKILL) and started again in the middle of the last phase
    crate::postgres::with_cluster(|pg| {
        crate::run(
            Command::new(root().join("target/release/ingang-load"))
                .args(["--processes", "2", "--kill", "1", "--db", &pg.url])
                .env("RUST_LOG", "warn"),
        )
    })?;
    // 6. The fuzz targets, a minute each
    crate::fuzz::run_all(60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_local_references() {
        let html = r#"<link href=/a-1.css rel=stylesheet><script type="module" src="/boot-2.js"></script>
                      <link href="https://cdn.example/x.js"><link href=/a-1.css><img src='/i.png'>"#;
        assert_eq!(referenced(html), vec!["/a-1.css", "/boot-2.js", "/i.png"]);
    }
}

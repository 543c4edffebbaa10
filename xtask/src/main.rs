//! `cargo xtask <command>`: the project's build and test automation.
//!
//! | command      | what it does |
//! |--------------|--------------|
//! | `demo`       | installs what is missing, builds, starts the reference server with demo data |
//! | `test`       | everything CI checks (server layers, fmt, clippy host + wasm, cargo test with a throwaway PostgreSQL, split release build, API contract, e2e) |
//! | `dist`       | the static site for a CDN in `dist/` (wasm split by screen family), with `.br` and `.gz` siblings |
//! | `bench`      | sizes, Lighthouse, the form and stream benches; `--peers` only the peers; `--lighthouse` only sizes and Lighthouse; `--fuzz [s]` the fuzz targets |
//! | `openapi`    | rewrites the committed `openapi.json` from the handlers |
//! | `contract`   | only the API contract test (schemathesis against the demo server), part of `test` |
//! | `layers`     | only the server's layers check, part of `test` |
//! | `post-build` | the post-build hook of an optional `trunk serve` (not for humans): external loader + service worker |

mod bench;
mod build;
mod contract;
mod formbench;
mod fuzz;
mod imports;
mod layers;
mod loader;
#[path = "../../locales/table.rs"]
mod locale_table;
mod postbuild;
mod postgres;
mod prerender;
mod site;
mod tools;
mod wasm;

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context, Result, bail};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") => demo(&args[1..]),
        Some("test") => test(&args[1..]),
        Some("dist") => dist(),
        Some("bench") => bench::run(&args[1..]),
        Some("openapi") => openapi(),
        Some("contract") => run(cargo().args(["build", "--package", "ingang-server"])).and_then(|()| contract::check()),
        Some("layers") => layers::check(),
        Some("post-build") => postbuild::run(),
        _ => {
            eprintln!("usage: cargo xtask <demo|test|dist|bench|openapi>");
            std::process::exit(2);
        }
    };
    if let Err(e) = result {
        eprintln!("xtask: error: {e:#}");
        std::process::exit(1);
    }
}

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_owned()
}

/// Runs a command in the workspace root, failing with its name when it fails.
pub fn run(cmd: &mut Command) -> Result<()> {
    let shown = format!("{cmd:?}");
    println!("xtask: $ {}", shown.replace('"', ""));
    let status = cmd.current_dir(root()).status().with_context(|| format!("cannot start {shown}"))?;
    if !status.success() {
        bail!("{shown} failed with {status}");
    }
    Ok(())
}

pub fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.env("PATH", tools::path_with_tools());
    cmd
}

fn dist() -> Result<()> {
    tools::ensure_build_tools()?;
    build::release_app(true)?;
    build::print_dist_summary()
}

fn demo(args: &[String]) -> Result<()> {
    let listen =
        args.windows(2).find(|w| w[0] == "--listen").map(|w| w[1].clone()).unwrap_or_else(|| "127.0.0.1:8080".into());
    tools::ensure_build_tools()?;
    build::release_app(false)?;
    run(cargo().args(["build", "--release", "--package", "ingang-server"]))?;
    let state = root().join(".ingang");
    std::fs::create_dir_all(&state)?;
    let db = state.join("demo.sqlite");
    println!("xtask: starting the reference server with demo data (database {})", db.display());
    println!("xtask: stop it with Ctrl-C");
    let mut child = Command::new(root().join("target/release/ingang-server"))
        .args(["--db"])
        .arg(&db)
        .args(["--static"])
        .arg(root().join("dist"))
        .args(["--listen", &listen, "--demo"])
        .current_dir(root())
        .spawn()
        .context("starting ingang-server")?;
    // Ctrl-C reaches the server too (same process group); it shuts down gracefully and we
    // return when it has.
    let status = child.wait()?;
    if !status.success() && status.code().is_some() {
        bail!("the server stopped with {status}");
    }
    Ok(())
}

fn test(args: &[String]) -> Result<()> {
    let only_e2e = args.iter().any(|a| a == "--e2e");
    tools::report_free_disk();
    tools::ensure_build_tools()?;
    tools::ensure_browser()?;
    if !only_e2e {
        // the server's layers (route modules never use each other; no HTML in strings)
        layers::check()?;
        run(cargo().args(["fmt", "--all", "--check"]))?;
        run(cargo().args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))?;
        // the app for the browser, unsplit and as the release builds it (every screen family
        // behind a wasm_split point)
        for features in [&[][..], &["--features", "split"][..]] {
            run(cargo()
                .args(["clippy", "--package", "ingang", "--target", "wasm32-unknown-unknown"])
                .args(features)
                .args(["--", "-D", "warnings"]))?;
        }
        // everything's tests, with a throwaway PostgreSQL for the storage layer's tests of both
        // backends; then the server's whole suite again, every test on PostgreSQL
        postgres::with_cluster(|pg| {
            run(cargo()
                .args(["test", "--workspace"])
                .env("INGANG_TEST_POSTGRES", &pg.url)
                .env("INGANG_TEST_POSTGRES_CA", &pg.ca)
                .env("INGANG_TEST_POSTGRES_CLIENT_CERT", &pg.client.0)
                .env("INGANG_TEST_POSTGRES_CLIENT_KEY", &pg.client.1))?;
            run(cargo()
                .args(["test", "--package", "ingang-server"])
                .env("INGANG_TEST_POSTGRES", &pg.url)
                .env("INGANG_TEST_POSTGRES_CA", &pg.ca)
                .env("INGANG_TEST_POSTGRES_CLIENT_CERT", &pg.client.0)
                .env("INGANG_TEST_POSTGRES_CLIENT_KEY", &pg.client.1)
                .env("INGANG_TEST_BACKEND", "postgres"))?;
            // two server processes on it, the second killed (SIGKILL) and started again while
            // messages flow: a loss or a duplicate fails (a small `cargo xtask bench`, ~10 s;
            // the binaries are the ones `cargo test` built)
            run(Command::new(root().join("target/debug/ingang-load"))
                .args(["--streams", "200", "--rate", "100", "--steady", "300", "--burst", "300", "--senders", "8"])
                .args(["--rounds", "2", "--failover", "400", "--processes", "2", "--kill", "1", "--check", "1"])
                .args(["--db", &pg.url])
                .env("RUST_LOG", "warn"))
        })?;
    }
    build::release_app(false)?;
    // The e2e suite drives the server binary. `cargo test --workspace` has built it already, for
    // the server's own tests, and put it at `target/debug/ingang-server`. A `cargo build
    // --package ingang-server` here would compile every dependency a second time: one package
    // alone unifies other features than the whole workspace. That is minutes on two cores and
    // gigabytes of disk, and a CI machine with little disk once failed there while linking.
    if only_e2e {
        run(cargo().args(["build", "--package", "ingang-server"]))?;
    }
    let server = root().join("target/debug/ingang-server");
    if !server.is_file() {
        bail!("{} is missing: `cargo test --workspace` did not build it", server.display());
    }
    if !only_e2e {
        // the API against its committed contract (schemathesis)
        contract::check()?;
    }
    let fonts = tools::ensure_test_fonts()?;
    let mut playwright = Command::new(root().join("node_modules/.bin/playwright"));
    playwright
        .args(["test", "--config", "tests/e2e/playwright.config.ts"])
        .args(args.iter().filter(|a| *a != "--e2e"))
        .env("PATH", tools::path_with_tools())
        .env("INGANG_SERVER_BIN", &server)
        .env("INGANG_DIST", root().join("dist"))
        .env("FONTCONFIG_FILE", fonts)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    run(&mut playwright)
}

fn openapi() -> Result<()> {
    run(cargo().args(["test", "--package", "ingang-server", "--test", "openapi"]).env("UPDATE_OPENAPI", "1"))?;
    println!("xtask: wrote openapi.json");
    Ok(())
}

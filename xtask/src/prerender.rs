//! The start page, painted before the wasm: at build time the built app is opened in Chromium
//! (signed out, Swedish, as every first visitor sees it) and what it renders is written into
//! `index.html` as `<div id="prerender">`. The browser paints that at once; the app removes it
//! when it mounts its own (identical) screen (`app.rs`). Only `/` shows it: a small inline
//! script in `<head>` (allowed by its hash in the CSP, see `index.html`) marks every other path,
//! and a language other than Swedish, so that `style/app.css` hides it there and a deep link never
//! flashes the start page.
//!
//! The app is served by a throwaway static server on 127.0.0.1 with a stand-in API that says
//! "healthy, nobody signed in": the same answers the real one gives a first visitor.

use std::{
    io::{BufRead, BufReader, Write},
    net::{TcpListener, TcpStream},
    path::{Path, PathBuf},
    process::Command,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
};

use anyhow::{Context, Result, bail};

use crate::{root, tools};

/// Where the prerendered markup goes in `index.html`.
pub const SLOT: &str = "<!-- prerender -->";

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript",
        "css" => "text/css",
        "wasm" => "application/wasm",
        "json" | "webmanifest" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// One answer of the throwaway server.
fn answer(dist: &Path, target: &str) -> (u16, &'static str, Vec<u8>) {
    let path = target.split(['?', '#']).next().unwrap_or("/");
    match path {
        "/api/v1/health" => {
            (200, "application/json", br#"{"status":"ok","version":"prerender","apiVersion":1}"#.to_vec())
        }
        "/api/v1/session" => (204, "application/json", Vec::new()),
        _ if path.starts_with("/api/") => (404, "application/json", br#"{"error":"notFound"}"#.to_vec()),
        _ => {
            let relative = path.trim_start_matches('/');
            let file: PathBuf = if relative.is_empty() || relative.contains("..") {
                dist.join("index.html")
            } else {
                dist.join(relative)
            };
            match std::fs::read(&file) {
                Ok(body) => (200, content_type(&file), body),
                // the app's routes: the page itself, as a static host's fallback would
                Err(_) => (200, "text/html; charset=utf-8", std::fs::read(dist.join("index.html")).unwrap_or_default()),
            }
        }
    }
}

fn serve(dist: &Path, mut stream: TcpStream) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header == "\r\n" || header == "\n" {
            break;
        }
    }
    let target = request_line.split_whitespace().nth(1).unwrap_or("/");
    let (status, kind, body) = answer(dist, target);
    let reason = match status {
        200 => "OK",
        204 => "No Content",
        _ => "Not Found",
    };
    write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(&body)?;
    stream.flush()
}

/// Renders `/` of the app in `dist/` and writes it into `dist/index.html`.
pub fn start_page(dist: &Path) -> Result<()> {
    let index = dist.join("index.html");
    let html = std::fs::read_to_string(&index)?;
    if !html.contains(SLOT) {
        bail!("index.html has no {SLOT} slot for the prerendered start page");
    }
    tools::ensure_browser()?;
    let listener = TcpListener::bind("127.0.0.1:0").context("a port for the prerender server")?;
    let url = format!("http://{}/", listener.local_addr()?);
    let done = Arc::new(AtomicBool::new(false));
    let server = {
        let (dist, done) = (dist.to_owned(), done.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if done.load(Ordering::Relaxed) {
                    break;
                }
                if let Ok(stream) = stream {
                    let dist = dist.clone();
                    std::thread::spawn(move || serve(&dist, stream));
                }
            }
        })
    };
    let output = Command::new("node")
        .arg(root().join("xtask/prerender.mjs"))
        .arg(&url)
        .env("CHROMIUM", tools::CHROMIUM)
        .current_dir(root())
        .output()
        .context("running node xtask/prerender.mjs");
    done.store(true, Ordering::Relaxed);
    let _ = TcpStream::connect(url.trim_start_matches("http://").trim_end_matches('/'));
    let _ = server.join();
    let output = output?;
    if !output.status.success() {
        bail!("prerendering the start page failed:\n{}", String::from_utf8_lossy(&output.stderr));
    }
    let markup = String::from_utf8(output.stdout).context("prerendered markup is not UTF-8")?;
    let markup = markup.trim();
    if !markup.contains("<h1") || !markup.contains("id=\"main\"") {
        bail!("the prerendered start page has no main heading: {markup:.200}");
    }
    let slot = format!("<div id=\"prerender\">{markup}</div>");
    std::fs::write(&index, html.replacen(SLOT, &slot, 1))?;
    println!("xtask: start page prerendered into index.html ({} bytes)", slot.len());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stand_in_api_says_healthy_and_signed_out() {
        let dist = std::env::temp_dir();
        let (status, _, body) = answer(&dist, "/api/v1/health");
        assert_eq!(status, 200);
        let health: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(health["status"], "ok");
        assert_eq!(answer(&dist, "/api/v1/session").0, 204);
        assert_eq!(answer(&dist, "/api/v1/people").0, 404);
    }

    #[test]
    fn never_serves_outside_the_folder() {
        let dir = std::env::temp_dir().join(format!("ingang-prerender-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), "<p>app</p>").unwrap();
        let (_, kind, body) = answer(&dir, "/../../etc/passwd");
        assert_eq!((kind, body.as_slice()), ("text/html; charset=utf-8", b"<p>app</p>".as_slice()));
        let (_, _, body) = answer(&dir, "/sok-vard?x=1");
        assert_eq!(body, b"<p>app</p>");
        std::fs::remove_dir_all(dir).unwrap();
    }
}

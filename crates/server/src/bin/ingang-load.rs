//! `ingang-load`: a bounded load test of the event streams (run by `cargo xtask bench`).
//!
//! Starts the reference server in-process on 127.0.0.1 with a fresh database, creates N
//! residents with a session and a picked case each, opens one event stream per resident
//! (plain HTTP/1.1 over TCP, as a browser's `EventSource` does), then sends chat messages
//! over the API (`POST /cases/{id}/messages`, as the patients' apps do), spread over all
//! residents. Each message is an event for its resident's stream; the tool measures the time
//! from the start of the POST to the event arriving on the stream, and checks that every
//! message arrives exactly once.
//!
//! Two phases: a steady rate (latency when the server keeps up) and as fast as the senders go
//! (throughput). Client and server share this machine, so the figures are conservative.
//!
//! `--processes 2` runs two server instances on one database file, each with its own database
//! connection, event hub and dispatcher (as two processes behind a load balancer have; here in
//! one OS process): the streams are spread over both, and each sender posts through one of
//! them, so about half of the messages are written by the instance that does not hold the
//! stream and reach it through the database. A last phase sends at the steady rate while the
//! second instance stops (its streams end, its connections close) and, a second later, starts
//! again on the same address: the streams reconnect to the other instance with
//! `Last-Event-ID`, the senders post the same message through it again (the same client id),
//! and the report says whether anything was lost or delivered twice.
//!
//! `--db postgres://…` runs the instances on that PostgreSQL database (which it empties first)
//! instead of a new SQLite file: several processes on PostgreSQL, as a region runs them.
//!
//! `--kill 1` makes the second instance a process of its own (the `ingang-server` binary beside
//! this one, on the same database), and the last phase kills it with SIGKILL instead of stopping
//! it: its streams break without a goodbye and its requests in flight are lost with it; the
//! senders post those messages again through the other instance.
//!
//! `--check 1` makes a loss or a duplicate an error (exit status 1): `cargo xtask test` runs a
//! small `--processes 2 --kill 1 --check 1` on its PostgreSQL cluster.
//!
//! Usage: `ingang-load [--streams 2000] [--rate 200] [--steady 2000] [--burst 4000] [--senders 32]
//! [--processes 1] [--failover 2000] [--db <sqlite file or postgres URL>] [--kill 0|1] [--check 0|1]`

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::{Context, Result, bail};
use ingang_server::params;
use ingang_server::storage::{
    Conn,
    sessions::{self, Resident},
};
use ingang_server::{AppState, Config, db::Db, demo, domain::sessions::hash};
use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader},
    net::TcpStream,
};

struct Args {
    streams: usize,
    rate: u64,
    steady: usize,
    burst: usize,
    senders: usize,
    rounds: usize,
    processes: usize,
    failover: usize,
    /// The database: a SQLite file (default: a new one) or a PostgreSQL URL.
    db: Option<String>,
    /// The second instance is a process of its own, killed (SIGKILL) in the failover phase.
    kill: bool,
    /// A loss or a duplicate is an error.
    check: bool,
}

fn args() -> Result<Args> {
    let mut a = Args {
        streams: 2000,
        rate: 200,
        steady: 2000,
        burst: 4000,
        senders: 32,
        rounds: 10,
        processes: 1,
        failover: 2000,
        db: None,
        kill: false,
        check: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let text = it.next().context("a value after each flag")?;
        if flag == "--db" {
            a.db = Some(text);
            continue;
        }
        let value: u64 = text.parse()?;
        match flag.as_str() {
            "--streams" => a.streams = value as usize,
            "--rate" => a.rate = value.max(1),
            "--steady" => a.steady = value as usize,
            "--burst" => a.burst = value as usize,
            "--senders" => a.senders = value.max(1) as usize,
            "--rounds" => a.rounds = value as usize,
            "--processes" => a.processes = value.clamp(1, 8) as usize,
            "--failover" => a.failover = value as usize,
            "--kill" => a.kill = value != 0,
            "--check" => a.check = value != 0,
            other => bail!("unknown flag {other}"),
        }
    }
    Ok(a)
}

/// A valid personnummer for resident `i` (born 1990, serial from `i`).
fn pnr(i: usize) -> String {
    let month = 1 + (i / 28 / 999) % 12;
    let day = 1 + (i / 999) % 28;
    let serial = 1 + i % 999;
    let nine = format!("90{month:02}{day:02}{serial:03}");
    let digits: Vec<u8> = nine.bytes().map(|b| b - b'0').collect();
    format!("19{nine}{}", ingang_api::personnummer::luhn_check_digit(&digits))
}

fn seed(conn: &mut Conn<'_>, n: usize) -> ingang_server::storage::Result<()> {
    let mut tx = conn.begin()?;
    let now = ingang_server::system_millis() / 1000;
    for i in 0..n {
        let p = pnr(i);
        let name = format!("Last Test {i}");
        let who = Resident { personal_number: &p, name: &name, given_name: "Last", surname: "Test" };
        let (person, session) = (format!("load-person-{i}"), hash(&format!("load-session-{i}")));
        sessions::start(&mut tx, &who, &person, &session, None, now)?;
        tx.execute(
            "INSERT INTO cases (id, owner, patient, unit_id, questionnaire_id, title, response, priority, status,
                                created_at, queued_at, picked_at, idempotency_key, description, seq)
             VALUES (?1, ?2, ?2, 'hc-gibraltar', 'forkylning', 'Förkylning', '{}', 3, 'inProgress', ?3, ?3, ?3, ?1, 'last', ?4)",
            params![format!("load-case-{i}"), p, now, i + 1],
        )?;
    }
    tx.commit()
}

/// What the streams saw: per message, when it arrived (ns since start + 1; 0 = not yet) and
/// how many times.
struct Seen {
    at: Vec<AtomicU64>,
    count: Vec<AtomicUsize>,
    /// Per stream: when each `case` event arrived (the fan-out phase).
    cases: Vec<std::sync::Mutex<Vec<u64>>>,
    /// Streams that ended and were opened again (the failover phase).
    reconnects: AtomicUsize,
}

async fn read_head(reader: &mut BufReader<TcpStream>) -> Result<(u16, Option<usize>, bool)> {
    let mut status = 0;
    let mut length = None;
    let mut chunked = false;
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).await? == 0 {
            bail!("connection closed in the head");
        }
        let l = line.trim_end();
        if l.is_empty() {
            return Ok((status, length, chunked));
        }
        if let Some(rest) = l.strip_prefix("HTTP/1.1 ") {
            status = rest.get(..3).and_then(|s| s.parse().ok()).unwrap_or(0);
        } else if let Some((k, v)) = l.split_once(':') {
            let (k, v) = (k.trim().to_ascii_lowercase(), v.trim());
            if k == "content-length" {
                length = v.parse().ok();
            } else if k == "transfer-encoding" && v.eq_ignore_ascii_case("chunked") {
                chunked = true;
            }
        }
    }
}

/// One resident's event stream: records each `L<n>` message body it sees. When the server ends
/// the stream (an instance stopping), it reconnects as a browser's `EventSource` does: after the
/// `retry` the server sent, with `Last-Event-ID`, to the next instance.
async fn stream(
    addrs: Arc<Vec<std::net::SocketAddr>>,
    i: usize,
    start: Instant,
    seen: Arc<Seen>,
    ready: Arc<AtomicUsize>,
) -> Result<()> {
    let (mut last_id, mut retry, mut counted) = (None::<String>, Duration::from_secs(2), false);
    for attempt in 0.. {
        let addr = addrs[(i + attempt) % addrs.len()];
        let mut opened = || {
            if !counted {
                counted = true;
                ready.fetch_add(1, Ordering::SeqCst);
            }
        };
        let once = stream_once(addr, i, start, &seen, &mut last_id, &mut retry, &mut opened).await;
        if let Err(e) = once
            && attempt == 0
        {
            return Err(e);
        }
        // the stream ended (or could not be opened): again, after `retry`
        seen.reconnects.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(retry).await;
    }
    Ok(())
}

/// One connection of [`stream`], until the server ends it; `opened` is called when the server
/// says the stream is ready.
async fn stream_once(
    addr: std::net::SocketAddr,
    i: usize,
    start: Instant,
    seen: &Seen,
    last_id: &mut Option<String>,
    retry: &mut Duration,
    opened: &mut impl FnMut(),
) -> Result<()> {
    let socket = TcpStream::connect(addr).await?;
    let mut reader = BufReader::new(socket);
    let resume = last_id.as_ref().map(|id| format!("Last-Event-ID: {id}\r\n")).unwrap_or_default();
    let req = format!(
        "GET /api/v1/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\
         Cookie: __Host-ingang-session=load-session-{i}\r\n{resume}\r\n"
    );
    reader.get_mut().write_all(req.as_bytes()).await?;
    let (status, _, chunked) = read_head(&mut reader).await?;
    if status != 200 || !chunked {
        bail!("stream {i}: status {status}");
    }
    let mut text = String::new();
    let mut size_line = String::new();
    loop {
        size_line.clear();
        if reader.read_line(&mut size_line).await? == 0 {
            return Ok(());
        }
        let size = usize::from_str_radix(size_line.trim(), 16).unwrap_or(0);
        if size == 0 {
            return Ok(());
        }
        let mut chunk = vec![0; size + 2];
        reader.read_exact(&mut chunk).await?;
        text.push_str(&String::from_utf8_lossy(&chunk[..size]));
        // whole events end with a blank line
        while let Some(end) = text.find("\n\n") {
            let event: String = text.drain(..end + 2).collect();
            for line in event.lines() {
                if let Some(id) = line.strip_prefix("id:") {
                    *last_id = Some(id.trim().to_owned());
                } else if let Some(ms) = line.strip_prefix("retry:").and_then(|v| v.trim().parse().ok()) {
                    *retry = Duration::from_millis(ms);
                }
            }
            if event.contains("ready") {
                opened();
            }
            if event.contains("event: case") || event.contains("event:case") {
                let now = start.elapsed().as_nanos() as u64 + 1;
                seen.cases[i].lock().unwrap_or_else(|e| e.into_inner()).push(now);
            } else if let Some(pos) = event.find("\"body\":\"L") {
                let digits: String = event[pos + 9..].chars().take_while(char::is_ascii_digit).collect();
                if let Ok(n) = digits.parse::<usize>()
                    && n < seen.at.len()
                {
                    let now = start.elapsed().as_nanos() as u64 + 1;
                    let _ = seen.at[n].compare_exchange(0, now, Ordering::SeqCst, Ordering::SeqCst);
                    seen.count[n].fetch_add(1, Ordering::SeqCst);
                }
            }
        }
    }
}

/// A keep-alive connection that posts messages.
struct Sender {
    reader: BufReader<TcpStream>,
    addr: std::net::SocketAddr,
}

impl Sender {
    async fn new(addr: std::net::SocketAddr) -> Result<Self> {
        Ok(Self { reader: BufReader::new(TcpStream::connect(addr).await?), addr })
    }

    async fn post(&mut self, resident: usize, n: usize) -> Result<u16> {
        let body = format!(r#"{{"clientId":"load-{n}","body":"L{n}"}}"#);
        let req = format!(
            "POST /api/v1/cases/load-case-{resident}/messages HTTP/1.1\r\nHost: {}\r\n\
             Cookie: __Host-ingang-session=load-session-{resident}\r\nX-Ingang-Csrf: 1\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.addr,
            body.len()
        );
        self.reader.get_mut().write_all(req.as_bytes()).await?;
        let (status, length, _) = read_head(&mut self.reader).await?;
        let mut rest = vec![0; length.unwrap_or(0)];
        self.reader.read_exact(&mut rest).await?;
        Ok(status)
    }
}

/// Sends messages `range` (message n goes to resident n mod streams), `senders` at a time,
/// paced to `rate` per second when given. Returns the send start times.
async fn send(
    addrs: &[std::net::SocketAddr],
    range: std::ops::Range<usize>,
    streams: usize,
    senders: usize,
    rate: Option<u64>,
    start: Instant,
    sent_at: Arc<Vec<AtomicU64>>,
) -> Result<Duration> {
    let began = Instant::now();
    let next = Arc::new(AtomicUsize::new(range.start));
    let mut tasks = Vec::new();
    for k in 0..senders {
        let (next, sent_at, end) = (next.clone(), sent_at.clone(), range.end);
        let (first, addrs) = (range.start, addrs.to_vec());
        tasks.push(tokio::spawn(async move {
            let mut at = k;
            let mut conn = Sender::new(addrs[at % addrs.len()]).await?;
            loop {
                let n = next.fetch_add(1, Ordering::SeqCst);
                if n >= end {
                    return Ok::<_, anyhow::Error>(());
                }
                if let Some(rate) = rate {
                    let due = began + Duration::from_nanos((n - first) as u64 * 1_000_000_000 / rate);
                    tokio::time::sleep_until(due.into()).await;
                }
                sent_at[n].store(start.elapsed().as_nanos() as u64 + 1, Ordering::SeqCst);
                // an instance that stops closes the connection: the same message again (the same
                // client id, so never a second one) through the next instance, as the app retries
                let mut tries = 0;
                loop {
                    match conn.post(n % streams, n).await {
                        Ok(201 | 200) => break,
                        Ok(status) => bail!("message {n}: status {status}"),
                        Err(e) if tries == 100 => return Err(e),
                        Err(_) => {
                            tries += 1;
                            at += 1;
                            tokio::time::sleep(Duration::from_millis(20)).await;
                            if let Ok(c) = Sender::new(addrs[at % addrs.len()]).await {
                                conn = c;
                            }
                        }
                    }
                }
            }
        }));
    }
    for t in tasks {
        t.await??;
    }
    Ok(began.elapsed())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Waits until every message in `range` arrived (or 15 s passed) and reports the phase.
async fn report(name: &str, range: std::ops::Range<usize>, took: Duration, seen: &Seen, sent_at: &[AtomicU64]) -> bool {
    let deadline = Instant::now() + Duration::from_secs(15);
    while range.clone().any(|n| seen.at[n].load(Ordering::SeqCst) == 0) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut latencies: Vec<f64> = Vec::new();
    let (mut lost, mut doubled) = (0, 0);
    let mut last_arrival = 0u64;
    for n in range.clone() {
        let at = seen.at[n].load(Ordering::SeqCst);
        match seen.count[n].load(Ordering::SeqCst) {
            0 => lost += 1,
            1 => {}
            _ => doubled += 1,
        }
        if at > 0 {
            last_arrival = last_arrival.max(at);
            latencies.push((at.saturating_sub(sent_at[n].load(Ordering::SeqCst))) as f64 / 1e6);
        }
    }
    latencies.sort_by(f64::total_cmp);
    let first_sent = range.clone().map(|n| sent_at[n].load(Ordering::SeqCst)).min().unwrap_or(0);
    let span = (last_arrival.saturating_sub(first_sent)) as f64 / 1e9;
    let count = range.len();
    println!(
        "| {name} | {count} | {:.0} | {:.0} | {:.1} | {:.1} | {:.1} | {:.1} | {lost} | {doubled} |",
        count as f64 / took.as_secs_f64(),
        latencies.len() as f64 / span.max(1e-9),
        percentile(&latencies, 50.0),
        percentile(&latencies, 95.0),
        percentile(&latencies, 99.0),
        latencies.last().copied().unwrap_or(f64::NAN),
    );
    lost == 0 && doubled == 0
}

/// Fan-out: a change to the unit's queue (as when staff pick a case) is one row for the unit,
/// and news (a new place) for every resident waiting there, all 2,000 at once. Per round: time from the change until each
/// stream has its event, and until the last one has.
async fn fan_out(state: &AppState, seen: &Seen, start: Instant, rounds: usize) -> bool {
    let n = seen.cases.len();
    // the residents' cases wait in the unit's queue, and their streams have heard so (one
    // `case` row each): from then on a change to the queue is news for every one of them
    let ready = state
        .db
        .store(|conn| {
            conn.transaction(|tx| {
                tx.execute(
                    "UPDATE cases SET status = 'waiting', picked_at = NULL WHERE unit_id = 'hc-gibraltar'",
                    params![],
                )?;
                for case in
                    tx.query("SELECT id, owner, unit_id FROM cases WHERE unit_id = 'hc-gibraltar'", crate::params![])?
                {
                    let (id, owner, unit): (String, String, String) =
                        (case.get("id")?, case.get("owner")?, case.get("unit_id")?);
                    let data = serde_json::json!({ "caseId": id, "unitId": unit, "status": "waiting" }).to_string();
                    ingang_server::storage::events::append(tx, &owner, "case", &data, 0)?;
                }
                Ok(())
            })
        })
        .await;
    if ready.is_err() {
        return false;
    }
    state.wake_streams();
    let deadline = Instant::now() + Duration::from_secs(30);
    let heard = |i: usize| !seen.cases[i].lock().unwrap_or_else(|e| e.into_inner()).is_empty();
    while (0..n).any(|i| !heard(i)) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    for case in &seen.cases {
        case.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
    let mut latencies = Vec::new();
    let mut last = Vec::new();
    let mut missing = 0;
    for round in 0..rounds {
        let t0 = start.elapsed().as_nanos() as u64 + 1;
        let changed = {
            let now = state.clock.now();
            state
                .db
                .store(move |conn| ingang_server::domain::events::queue_changed(conn, "hc-gibraltar", None, now))
                .await
        };
        if changed.is_err() {
            return false;
        }
        state.wake_streams();
        let deadline = Instant::now() + Duration::from_secs(15);
        let arrived = |i: usize| seen.cases[i].lock().unwrap_or_else(|e| e.into_inner()).get(round).copied();
        while (0..n).any(|i| arrived(i).is_none()) && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let mut worst = 0.0f64;
        for i in 0..n {
            match arrived(i) {
                Some(at) => {
                    let ms = at.saturating_sub(t0) as f64 / 1e6;
                    worst = worst.max(ms);
                    latencies.push(ms);
                }
                None => missing += 1,
            }
        }
        last.push(worst);
    }
    latencies.sort_by(f64::total_cmp);
    last.sort_by(f64::total_cmp);
    println!(
        "\nFan-out: {rounds} queue changes, each an event for all {n} streams ({} deliveries): \
         p50 {:.1} ms, p99 {:.1} ms; the last stream of a change got it after {:.1} ms (median of changes), \
         {:.1} ms (worst); missing {missing}.",
        latencies.len(),
        percentile(&latencies, 50.0),
        percentile(&latencies, 99.0),
        percentile(&last, 50.0),
        last.last().copied().unwrap_or(f64::NAN),
    );
    missing == 0
}

/// Serves `state` on `listener` until its `stopping` is set (then it stops taking connections,
/// and ends once its streams have ended and its connections closed).
fn serve(state: AppState, listener: tokio::net::TcpListener, config: &Config) -> tokio::task::JoinHandle<()> {
    let app = ingang_server::app(state.clone(), config);
    let mut stopping = state.stopping.subscribe();
    tokio::spawn(async move {
        let stopped = async move {
            let _ = stopping.wait_for(|s| *s).await;
        };
        let _ = axum::serve(ingang_server::no_delay(listener), app).with_graceful_shutdown(stopped).await;
    })
}

/// A server process of its own (`ingang-server` beside this binary) on `target`, listening on
/// `addr` once this returns.
async fn start_process(target: &str, addr: std::net::SocketAddr) -> Result<std::process::Child> {
    let bin = std::env::current_exe()?.with_file_name("ingang-server");
    for _ in 0..50 {
        let mut child = std::process::Command::new(&bin)
            .args(["--db", target, "--listen", &addr.to_string()])
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        for _ in 0..100 {
            if TcpStream::connect(addr).await.is_ok() {
                return Ok(child);
            }
            if child.try_wait()?.is_some() {
                break; // the address is not free yet: again
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("{} did not start on {addr}", bin.display())
}

/// The address a stopped instance had, as soon as it is free.
async fn bind_again(addr: std::net::SocketAddr) -> Result<tokio::net::TcpListener> {
    for _ in 0..50 {
        if let Ok(listener) = tokio::net::TcpListener::bind(addr).await {
            return Ok(listener);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("{addr} did not become free")
}

#[tokio::main]
async fn main() -> Result<()> {
    let a = args()?;
    let dir = std::env::temp_dir().join(format!("ingang-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let target = a.db.clone().unwrap_or_else(|| dir.join("load.sqlite").display().to_string());
    let db = Db::open_target(&target)?;
    if db.backend() == "postgres" {
        // a database of its own: what an earlier run left is gone
        db.store(|conn| {
            conn.execute(
                "TRUNCATE events, messages, pictures, cases, sessions, users, people, sms_outbox, notification_outbox
                 RESTART IDENTITY CASCADE",
                params![],
            )
        })
        .await
        .map_err(|e| anyhow::anyhow!("emptying the database: {e:?}"))?;
    }
    println!("ingang-load: database {}", db.backend());
    db.store(demo::seed).await.map_err(|e| anyhow::anyhow!("seed: {e:?}"))?;
    let n = a.streams;
    db.store(move |conn| seed(conn, n)).await.map_err(|e| anyhow::anyhow!("residents: {e:?}"))?;
    let state = AppState::new(db, true);
    let config = Config { demo: true, ..Config::default() };
    // the server instances: the first, and the others on the same database file
    let (mut addrs, mut instances) = (Vec::new(), Vec::new());
    let mut external = None;
    for p in 0..a.processes {
        if p == 1 && a.kill {
            let addr = tokio::net::TcpListener::bind("127.0.0.1:0").await?.local_addr()?;
            external = Some(start_process(&target, addr).await?);
            addrs.push(addr);
            continue;
        }
        let instance = if p == 0 { state.clone() } else { AppState::new(Db::open_target(&target)?, true) };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        addrs.push(listener.local_addr()?);
        instances.push((instance.clone(), serve(instance, listener, &config)));
    }
    let addrs = Arc::new(addrs);

    let failover = if a.processes > 1 { a.failover } else { 0 };
    let total = a.steady + a.burst + failover;
    let seen = Arc::new(Seen {
        at: (0..total).map(|_| AtomicU64::new(0)).collect(),
        count: (0..total).map(|_| AtomicUsize::new(0)).collect(),
        cases: (0..n).map(|_| Default::default()).collect(),
        reconnects: AtomicUsize::new(0),
    });
    let sent_at: Arc<Vec<AtomicU64>> = Arc::new((0..total).map(|_| AtomicU64::new(0)).collect());
    let start = Instant::now();
    let ready = Arc::new(AtomicUsize::new(0));
    let opening = Instant::now();
    for i in 0..n {
        let (seen, opened, addrs) = (seen.clone(), ready.clone(), addrs.clone());
        tokio::spawn(async move {
            if let Err(e) = stream(addrs, i, start, seen, opened).await {
                eprintln!("stream {i}: {e:#}");
            }
        });
        if i % 100 == 99 {
            // at most a few hundred opening at once: more overflow the listen backlog, and those
            // wait for the kernel's SYN retries (seconds, growing)
            let until = Instant::now() + Duration::from_secs(10);
            while ready.load(Ordering::SeqCst) + 300 < i + 1 && Instant::now() < until {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while ready.load(Ordering::SeqCst) < n {
        if Instant::now() > deadline {
            bail!("only {} of {n} streams opened", ready.load(Ordering::SeqCst));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    if a.processes == 1 {
        println!("\n## Event streams under load (`ingang-load`, server and client on this machine)\n");
    } else {
        let on = if state.db.backend() == "postgres" { "one PostgreSQL database" } else { "one SQLite file" };
        println!(
            "\n## Event streams under load, {} server instances on {on} (`ingang-load --processes {}`)\n",
            a.processes, a.processes
        );
    }
    println!("{n} event streams open in {:.1} s.\n", opening.elapsed().as_secs_f64());
    println!(
        "| phase | messages | sent/s | delivered/s | p50 ms | p95 ms | p99 ms | max ms | lost | duplicated |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    let took = send(&addrs, 0..a.steady, n, a.senders, Some(a.rate), start, sent_at.clone()).await?;
    let ok1 = report(&format!("steady {} msg/s", a.rate), 0..a.steady, took, &seen, &sent_at).await;
    let burst = a.steady..a.steady + a.burst;
    let took = send(&addrs, burst.clone(), n, a.senders, None, start, sent_at.clone()).await?;
    let ok2 = report(&format!("burst, {} senders", a.senders), burst, took, &seen, &sent_at).await;
    let ok3 = fan_out(&state, &seen, start, a.rounds).await;
    let mut ok4 = true;
    if failover > 0 {
        // the chats open again (the fan-out put the cases back in the queue)
        state
            .db
            .store(|conn| {
                conn.execute(
                    "UPDATE cases SET status = 'inProgress' WHERE id LIKE 'load-case-%'",
                    ingang_server::params![],
                )
            })
            .await
            .map_err(|e| anyhow::anyhow!("reopen: {e:?}"))?;
        let range = a.steady + a.burst..total;
        let sending = {
            let (addrs, sent_at, range, senders, rate) =
                (addrs.clone(), sent_at.clone(), range.clone(), a.senders, a.rate);
            tokio::spawn(async move { send(&addrs, range, n, senders, Some(rate), start, sent_at).await })
        };
        // a third of the way in, the second instance stops; a second later it starts again
        tokio::time::sleep(Duration::from_secs_f64(failover as f64 / a.rate as f64 / 3.0)).await;
        let what = if let Some(mut child) = external.take() {
            child.kill()?;
            child.wait()?;
            tokio::time::sleep(Duration::from_secs(1)).await;
            external = Some(start_process(&target, addrs[1]).await?);
            "failover: instance 2 killed (SIGKILL), started again 1 s later"
        } else {
            let (victim, task) = instances.remove(1);
            victim.stopping.send_replace(true);
            let _ = tokio::time::timeout(Duration::from_secs(10), task).await;
            tokio::time::sleep(Duration::from_secs(1)).await;
            let listener = bind_again(addrs[1]).await?;
            let again = AppState::new(Db::open_target(&target)?, true);
            instances.insert(1, (again.clone(), serve(again, listener, &config)));
            "failover: instance 2 stopped, started again 1 s later"
        };
        let took = sending.await??;
        println!(
            "\n| phase | messages | sent/s | delivered/s | p50 ms | p95 ms | p99 ms | max ms | lost | duplicated |\n\
             |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        );
        ok4 = report(what, range, took, &seen, &sent_at).await;
        println!(
            "\nFailover: {} streams ended with the stopped instance and reconnected (after the server's `retry`, \
             with `Last-Event-ID`).",
            seen.reconnects.load(Ordering::SeqCst)
        );
    }
    if let Some(mut child) = external {
        let _ = child.kill();
        let _ = child.wait();
    }
    let _ = std::fs::remove_dir_all(&dir);
    if !(ok1 && ok2 && ok3 && ok4) {
        println!("\nSome messages were lost or delivered twice.");
        if a.check {
            bail!("messages were lost or delivered twice");
        }
    }
    Ok(())
}

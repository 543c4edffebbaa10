//! The Ingång reference server: axum + SQLite.
//!
//! - [`routes`]: the JSON API under `/api/v1`, documented with utoipa ([`openapi`]).
//! - [`static_files`]: serves the built app (SPA fallback, precompressed files, cache rules).
//! - [`security`]: headers on every response (CSP, nosniff, ...).
//! - [`db`]: SQLite access and migrations (and PostgreSQL's, [`db::postgres`]); [`storage`]: SQL
//!   written once for both backends (the areas moved there so far); [`demo`]: demo data for `--demo`.

pub mod bankid;
pub mod bankid_rp;
pub mod cards;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod extract;
pub mod html;
pub mod lang;
pub mod openapi;
pub mod outside;
pub mod populate;
pub mod push;
pub mod rate_limit;
pub mod routes;
pub mod security;
pub mod sms;
pub mod staff;
pub mod staff_inbox;
pub mod static_files;
pub mod storage;
pub mod swish;
pub mod test_pages;
pub mod test_payments;

use std::path::PathBuf;

use axum::Router;
use db::Db;

/// How the server runs; built from the command line in `main.rs`.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The database: a SQLite file, or a PostgreSQL URL (`postgres://…`).
    pub db: String,
    pub static_dir: Option<PathBuf>,
    /// Demo/test mode: demo data and test-only pages.
    pub demo: bool,
    /// Send `Strict-Transport-Security` (only when served over TLS).
    pub hsts: bool,
    /// The sessions' inactivity timeout (`None`: 15 minutes).
    pub session_idle: Option<std::time::Duration>,
    /// The public origin of the app, for links in SMS (`None`: the listening address).
    pub public_url: Option<String>,
    /// Waiting or ongoing care requests a patient may have at once (`None`: 3).
    pub max_open_cases: Option<u32>,
    /// How many logins and kiosk check-ins may start (`None`: the defaults).
    pub start_rates: Option<rate_limit::Rates>,
    /// Behind reverse proxies: whom to believe about the client's address (`X-Forwarded-For`).
    pub forwarding: rate_limit::Forwarding,
    /// The SMS gateway (`None`: the outboxes are kept, nothing is sent). Ignored in demo mode:
    /// demo data must never text a real number.
    pub sms: Option<sms::SmsConfig>,
    /// BankID's RP API (`None`: logins are refused outside demo mode). Ignored in demo mode,
    /// which has the simulator.
    pub bankid: Option<bankid_rp::RpConfig>,
    /// Web Push (VAPID). Without a key file, only demo mode has push (with a key it keeps).
    pub push: push::PushConfig,
    /// The Swish Commerce API (`None`: Swish is simulated in demo mode, refused otherwise).
    pub swish: Option<swish::SwishConfig>,
}

/// The server's one clock: what time it is for every rule (check-in windows, cancellation,
/// reminders, queue estimates, session deadlines, token lifetimes, the time a row is written).
/// Normally the system clock; test mode may fix it (`PUT /test/clock`) to test a window's edges.
///
/// Not for measuring how long ago something outside happened (BankID's QR code seconds, the
/// collect interval, the start limits): those are real seconds even under a fixed clock, and read
/// [`system_millis`].
#[derive(Debug, Default)]
pub struct Clock {
    fixed: std::sync::Mutex<Option<i64>>,
}

impl Clock {
    /// Unix seconds.
    pub fn now(&self) -> i64 {
        self.fixed.lock().map(|f| *f).unwrap_or(None).unwrap_or_else(|| system_millis().div_euclid(1000))
    }
    /// The date in Sweden at [`Clock::now`]: a personnummer's century, ages.
    pub fn today(&self) -> ingang_api::personnummer::Date {
        ingang_api::visits::stockholm_date(self.now())
    }
    /// Fixes the time (`None`: back to the system clock).
    pub fn set(&self, at: Option<i64>) {
        if let Ok(mut f) = self.fixed.lock() {
            *f = at;
        }
    }
}

/// Milliseconds of the system clock, shared by the processes (unlike `Instant`): for real
/// durations between requests (see [`Clock`]), and for data made when the server starts.
pub fn system_millis() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub demo: bool,
    /// BankID: the simulator in demo/test mode; without a configured provider, logins answer 503.
    pub bankid: std::sync::Arc<dyn bankid::BankIdProvider>,
    /// The simulator's test hooks (the test-identity page), in demo/test mode only.
    pub bankid_sim: Option<std::sync::Arc<bankid::SimulatedBankId>>,
    pub sessions: crate::domain::sessions::SessionPolicy,
    /// Delivers new rows of `events` to the open event streams (see `routes::events`).
    pub hub: std::sync::Arc<crate::domain::events::Hub>,
    /// Becomes `true` when the server shuts down: long-lived responses (event streams) end, so
    /// the graceful shutdown does not wait for them forever.
    pub stopping: std::sync::Arc<tokio::sync::watch::Sender<bool>>,
    pub clock: std::sync::Arc<Clock>,
    /// The app's public origin, for links in SMS.
    pub public_url: std::sync::Arc<std::sync::RwLock<String>>,
    /// Waiting or ongoing care requests a patient may have at once.
    pub max_open_cases: u32,
    /// Limits on starting logins and kiosk check-ins.
    pub limits: std::sync::Arc<rate_limit::Limits>,
    /// Web Push, when the server has a VAPID key (`None`: `GET /push/key` answers 404).
    pub push: Option<std::sync::Arc<push::Push>>,
    /// The real Swish (`None`: simulated in demo mode, `/test-swish`; refused otherwise).
    pub swish: Option<std::sync::Arc<dyn swish::SwishApi>>,
    /// The card payment provider (demo mode: the simulated hosted page; `None`: no cards).
    pub cards: Option<std::sync::Arc<dyn cards::CardProvider>>,
}

impl AppState {
    /// Wakes the event streams (after `crate::domain::events::queue_changed`).
    pub fn wake_streams(&self) {
        self.hub.wake();
    }

    /// State with the defaults: the BankID simulator when `demo`, none otherwise.
    pub fn new(db: Db, demo: bool) -> Self {
        let sim = demo.then(|| std::sync::Arc::new(bankid::SimulatedBankId::new(db.clone())));
        let bankid: std::sync::Arc<dyn bankid::BankIdProvider> = match &sim {
            Some(s) => std::sync::Arc::new(bankid::Throttled::new(s.clone(), bankid::COLLECT_INTERVAL, db.clone())),
            None => std::sync::Arc::new(bankid::Unconfigured),
        };
        let stopping = std::sync::Arc::new(tokio::sync::watch::Sender::new(false));
        Self {
            demo,
            bankid,
            bankid_sim: sim,
            sessions: Default::default(),
            hub: Default::default(),
            stopping,
            clock: Default::default(),
            public_url: std::sync::Arc::new(std::sync::RwLock::new("http://127.0.0.1:8080".into())),
            max_open_cases: crate::domain::cases::MAX_OPEN_PER_PATIENT,
            limits: Default::default(),
            push: None,
            swish: None,
            cards: demo.then(|| {
                std::sync::Arc::new(cards::SimulatedCards { db: db.clone() }) as std::sync::Arc<dyn cards::CardProvider>
            }),
            db,
        }
    }

    /// The app's public origin (for links in SMS).
    pub fn base_url(&self) -> String {
        self.public_url.read().map(|u| u.clone()).unwrap_or_default()
    }
}

/// The whole application: API, OpenAPI document, static app, security headers.
pub fn app(state: AppState, config: &Config) -> Router {
    let api = routes::api_router(state.clone())
        .merge(test_pages::router(state.clone()))
        .merge(test_payments::router(state.clone()))
        .merge(swish::router(state.clone()))
        .merge(staff::router(state));
    let router = match &config.static_dir {
        Some(dir) => api.merge(static_files::router(dir)),
        None => api,
    };
    security::apply(error::catch_panics(router), security::Options { hsts: config.hsts })
}

/// The listener with TCP_NODELAY on every connection: a response's last small segment goes out
/// at once, not after the client's delayed ACK (Nagle's algorithm held every request after the
/// first on a kept-alive connection back by about 40 ms: 200 chunk files took 6.9 s on one
/// connection, not 0.2 s).
pub fn no_delay(
    listener: tokio::net::TcpListener,
) -> axum::serve::TapIo<tokio::net::TcpListener, fn(&mut tokio::net::TcpStream)> {
    fn tap(tcp: &mut tokio::net::TcpStream) {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::warn!("TCP_NODELAY: {e}");
        }
    }
    axum::serve::ListenerExt::tap_io(listener, tap as fn(&mut tokio::net::TcpStream))
}

/// Opens the database, seeds demo data when asked, and serves until Ctrl-C or SIGTERM.
pub async fn serve(config: Config, listener: tokio::net::TcpListener) -> anyhow::Result<()> {
    let db = Db::open_target(&config.db)?;
    tracing::info!("database: {}", db.backend());
    if config.demo {
        db.store(demo::seed).await.map_err(|e| anyhow::anyhow!("seeding demo data: {e:?}"))?;
    }
    let mut state = AppState::new(db, config.demo);
    if let Some(idle) = config.session_idle {
        state.sessions.idle = idle;
    }
    if let Some(max) = config.max_open_cases {
        state.max_open_cases = max;
    }
    state.limits = rate_limit::Limits::new(config.start_rates.unwrap_or_default(), config.forwarding.clone());
    match (&config.bankid, config.demo) {
        (Some(_), true) => tracing::warn!("demo mode: BankID is simulated, the RP API is not used"),
        (Some(rp), false) => {
            let provider = std::sync::Arc::new(bankid_rp::RpBankId::new(rp)?);
            state.bankid =
                std::sync::Arc::new(bankid::Throttled::new(provider, bankid::COLLECT_INTERVAL, state.db.clone()));
        }
        (None, _) => {}
    }
    let addr = listener.local_addr()?;
    if let Ok(mut url) = state.public_url.write() {
        *url = config.public_url.clone().unwrap_or_else(|| format!("http://{addr}"));
    }
    reminders(state.clone());
    outside::every(state.clone(), std::time::Duration::from_secs(60), "start limits forgotten", |state| async move {
        state.db.store(|conn| storage::rate_limits::forget_passed(conn, system_millis())).await
    });
    if let Some(config) = &config.swish {
        let api: std::sync::Arc<dyn swish::SwishApi> = std::sync::Arc::new(swish::SwishClient::new(config.clone())?);
        state.swish = Some(api.clone());
        swish::spawn(state.clone(), api);
    }
    if let Some(push) = push::Push::load(&config.push, &state.db, config.demo).await? {
        let push = std::sync::Arc::new(push);
        state.push = Some(push.clone());
        push::spawn(state.clone(), push);
    }
    match (&config.sms, config.demo) {
        (Some(_), true) => tracing::warn!("demo mode: the SMS gateway is not used"),
        (Some(sms), false) => sms::spawn(state.clone(), std::sync::Arc::new(sms::HttpGateway::new(sms.clone())?)),
        (None, _) => {}
    }
    let stopping = state.stopping.clone();
    let app = app(state, &config);
    // The test harness and `cargo xtask demo` read this line to learn the port.
    println!("ingang-server listening on http://{addr}/");
    axum::serve(no_delay(listener), app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            stopping.send_replace(true);
        })
        .await?;
    tracing::info!("stopped cleanly");
    Ok(())
}

/// Every 30 seconds: the two-hour reminder SMS of visits (see `crate::domain::visits::send_reminders`).
fn reminders(state: AppState) {
    outside::every(state, std::time::Duration::from_secs(30), "reminders queued", |state| async move {
        let (now, base) = (state.clock.now(), state.base_url());
        state.db.store(move |conn| crate::domain::visits::send_reminders(conn, now, &base)).await
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sig) => {
                sig.recv().await;
            }
            Err(e) => {
                tracing::error!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

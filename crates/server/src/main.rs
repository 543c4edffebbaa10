//! `ingang-server`: the reference API server. See `ingang_server` (lib.rs) for the parts.

use std::{net::SocketAddr, path::PathBuf};

use clap::Parser;
use ingang_server::{Config, serve};
use tracing_subscriber::EnvFilter;

/// Reference server of the Ingång API; also serves the built app.
#[derive(Parser, Debug)]
#[command(name = "ingang-server", version, about, args_override_self = true)]
struct Args {
    /// The database: a SQLite file (created and migrated when missing), or a PostgreSQL URL
    /// (`postgres://user:password@host:5432/ingang`, migrated when behind) that several server
    /// processes may share.
    #[arg(long)]
    db: String,
    /// Directory with the built app (`dist/`). Without it only the API is served.
    #[arg(long = "static")]
    static_dir: Option<PathBuf>,
    /// Address to listen on; port 0 picks a free port (the chosen URL is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Seed demo data and enable the test-only pages (test BankID, test payments).
    #[arg(long)]
    demo: bool,
    /// The public https origin when running behind a TLS-terminating proxy; turns on HSTS.
    #[arg(long)]
    public_url: Option<String>,
    /// Sign a session out after this many seconds without activity (default 900 = 15 minutes).
    /// Tests use a few seconds to see the app's warning; the app warns 60 s ahead (or at a third).
    #[arg(long, default_value_t = 900, value_parser = clap::value_parser!(u64).range(5..=86_400))]
    session_idle_seconds: u64,
    /// Waiting or ongoing care requests a patient may have at once (default 3). The browser
    /// tests share one demo server among many tests and raise it.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=1000))]
    max_open_cases: u32,
    /// Logins (and, apart, kiosk check-ins) one client address may start per minute
    /// (default 20); past it, 429 with Retry-After. The whole server allows 20 a second.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    starts_per_minute: u32,
    /// Behind one reverse proxy that every request comes through and that appends the client's
    /// address to X-Forwarded-For: its last entry is the client (for the limits and BankID's
    /// endUserIp). With proxies that not every request passes, use --trusted-proxy instead.
    #[arg(long, conflicts_with = "trusted_proxies")]
    trust_forwarded_for: bool,
    /// A proxy (address or network, e.g. 10.0.0.0/8) whose X-Forwarded-For is believed; may be
    /// given more than once. The client is the last address, right to left, that no trusted
    /// proxy added; a request straight from elsewhere is its own client, whatever it claims.
    #[arg(long = "trusted-proxy")]
    trusted_proxies: Vec<ingang_server::rate_limit::Network>,
    /// The SMS gateway's endpoint (46elks-style: a form with from, to and message, basic
    /// auth), https only. Without it, text messages stay in the outbox. The password is read
    /// from the environment variable INGANG_SMS_PASSWORD.
    #[arg(long)]
    sms_url: Option<String>,
    /// The gateway's user name.
    #[arg(long, requires = "sms_url")]
    sms_username: Option<String>,
    /// The sender shown on the phone (up to 11 letters).
    #[arg(long, default_value = "Ingang")]
    sms_from: String,
    /// A PEM file with the CA of the gateway's certificate, to pin it (default: the public
    /// web PKI).
    #[arg(long, requires = "sms_url")]
    sms_ca: Option<PathBuf>,
    /// BankID's RP API up to its version (test: https://appapi2.test.bankid.com/rp/v6.0,
    /// production: https://appapi2.bankid.com/rp/v6.0). Without it (and outside demo mode)
    /// logins are refused.
    #[arg(long, requires_all = ["bankid_cert", "bankid_ca"])]
    bankid_url: Option<String>,
    /// PEM with the RP certificate and its private key.
    #[arg(long, requires = "bankid_url")]
    bankid_cert: Option<PathBuf>,
    /// PEM with BankID's CA for that environment (the only one trusted).
    #[arg(long, requires = "bankid_url")]
    bankid_ca: Option<PathBuf>,
    /// The Swish Commerce API up to `swish-cpcapi` (production: https://cpc.getswish.net/swish-cpcapi,
    /// test: https://mss.cpc.getswish.net/swish-cpcapi). Without it Swish is simulated in demo
    /// mode and refused otherwise.
    #[arg(long, requires_all = ["swish_cert", "swish_ca", "swish_number"])]
    swish_url: Option<String>,
    /// PEM with the merchant's Swish certificate and its private key.
    #[arg(long, requires = "swish_url")]
    swish_cert: Option<PathBuf>,
    /// PEM with the CA of Swish's server certificate (the only one trusted).
    #[arg(long, requires = "swish_url")]
    swish_ca: Option<PathBuf>,
    /// The clinic's Swish number (payee alias, ten digits, 123…).
    #[arg(long, requires = "swish_url")]
    swish_number: Option<String>,
    /// Where Swish posts results (default: the public URL + /swish/callback; https, port 443).
    #[arg(long, requires = "swish_url")]
    swish_callback_url: Option<String>,
    /// Web Push: the VAPID private key, a file with the base64url key (as `npx web-push
    /// generate-vapid-keys` prints it) or a PEM. Without it only demo mode has push (with a key
    /// it makes once and keeps in the database).
    #[arg(long)]
    vapid_key: Option<PathBuf>,
    /// Who runs the server, for the push services: `mailto:` or `https:` (the VAPID subject).
    #[arg(long, default_value = "mailto:driften@ingang.example")]
    vapid_subject: String,
    /// A push service beyond the browsers' own (FCM, Mozilla, Apple, Windows), by host name;
    /// may be given more than once.
    #[arg(long = "push-host")]
    push_hosts: Vec<String>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let hsts = args.public_url.as_deref().is_some_and(|url| url.starts_with("https://"));
    let config = Config {
        db: args.db,
        static_dir: args.static_dir,
        demo: args.demo,
        hsts,
        session_idle: Some(std::time::Duration::from_secs(args.session_idle_seconds)),
        public_url: args.public_url.clone(),
        max_open_cases: Some(args.max_open_cases),
        start_rates: Some(ingang_server::rate_limit::Rates {
            per_client_per_minute: args.starts_per_minute,
            ..Default::default()
        }),
        forwarding: match (args.trust_forwarded_for, args.trusted_proxies) {
            (true, _) => ingang_server::rate_limit::Forwarding::LastHop,
            (false, proxies) if proxies.is_empty() => ingang_server::rate_limit::Forwarding::Ignore,
            (false, proxies) => ingang_server::rate_limit::Forwarding::Proxies(proxies),
        },
        sms: match args.sms_url {
            Some(url) => Some(ingang_server::sms::SmsConfig {
                url,
                username: args.sms_username.unwrap_or_default(),
                password: std::env::var("INGANG_SMS_PASSWORD")
                    .map_err(|_| anyhow::anyhow!("--sms-url needs INGANG_SMS_PASSWORD in the environment"))?,
                from: args.sms_from,
                ca_pem: args.sms_ca,
            }),
            None => None,
        },
        bankid: match (args.bankid_url, args.bankid_cert, args.bankid_ca) {
            (Some(url), Some(identity_pem), Some(ca_pem)) => {
                Some(ingang_server::bankid_rp::RpConfig { url, identity_pem, ca_pem })
            }
            _ => None,
        },
        swish: match (args.swish_url, args.swish_cert, args.swish_ca, args.swish_number) {
            (Some(url), Some(identity_pem), Some(ca_pem), Some(payee_alias)) => {
                let callback_url = match (args.swish_callback_url, &args.public_url) {
                    (Some(url), _) => url,
                    (None, Some(public)) => format!("{}/swish/callback", public.trim_end_matches('/')),
                    (None, None) => anyhow::bail!("--swish-url needs --public-url or --swish-callback-url"),
                };
                Some(ingang_server::swish::SwishConfig { url, identity_pem, ca_pem, payee_alias, callback_url })
            }
            _ => None,
        },
        push: ingang_server::push::PushConfig {
            vapid_key: args.vapid_key,
            subject: args.vapid_subject,
            extra_hosts: args.push_hosts,
            ca_pem: None,
        },
    };
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    serve(config, listener).await
}

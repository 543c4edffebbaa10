//! Web Push: a notice reaches a resident's devices even when the app is closed ("Nu är det din
//! tur", a new chat message, a new inbox message), for those who chose push in their contact
//! details and subscribed a device (`PUT /push/subscription`, from Inställningar).
//!
//! - The protocol is RFC 8030 (a `POST` to the subscription's endpoint at the browser's push
//!   service), with the message encrypted to the device (RFC 8291, `aes128gcm`) and the server
//!   identified by a VAPID signature (RFC 8292, an ES256 JWT for the push service's origin): the
//!   crate `web-push-native` does both.
//! - The payload says only that something is waiting and where in the app (`PushMessage`):
//!   never what the case or message is about.
//! - Each notice to each device is a row of `push_outbox`, delivered like the SMS outbox: claimed
//!   (`sending`) before the call, so never sent twice; `sent` on 201; tried again later on a
//!   network error, 429 or 5xx (the SMS backoff); `gone` on 404/410, and the subscription is
//!   dropped; `failed` on another refusal; `expired` once its TTL has passed.
//! - Only push services' hosts are called (`KNOWN_HOSTS`, plus any the configuration adds): a
//!   subscription is an address the server will post to, so it may not point anywhere else.
//! - The VAPID key is a file (`--vapid-key`, the base64url private key `npx web-push
//!   generate-vapid-keys` prints, or a PEM); in demo mode without one, the server makes a key
//!   once and keeps it in the database.

use std::{path::PathBuf, time::Duration};

use crate::storage::push::Due;
use base64ct::{Base64UrlUnpadded, Encoding};
use ingang_api::push::PushMessage;
use web_push_native::{
    Auth, WebPushBuilder,
    jwt_simple::{
        algorithms::{ECDSAP256KeyPairLike, ES256KeyPair},
        claims::Claims,
    },
    p256::PublicKey,
};

use crate::{AppState, db::Db, error::ApiError};

/// The browsers' push services (a host is allowed when it is one of these or ends with
/// `.` and one of these): Chrome and Android (FCM), Firefox (Mozilla autopush), Safari (Apple),
/// Edge (Windows push).
pub const KNOWN_HOSTS: &[&str] =
    &["fcm.googleapis.com", "push.services.mozilla.com", "push.apple.com", "notify.windows.com"];

/// The server's Web Push settings.
#[derive(Clone, Debug, Default)]
pub struct PushConfig {
    /// The VAPID private key: base64url of the 32-byte P-256 scalar, or a PEM file.
    pub vapid_key: Option<PathBuf>,
    /// Who runs the server, for the push services (`mailto:` or `https:`; the VAPID `sub`).
    pub subject: String,
    /// Push-service hosts beyond [`KNOWN_HOSTS`] (a region's own, or a test's `localhost`).
    pub extra_hosts: Vec<String>,
    /// A PEM file of the only CA to trust for push services (tests); otherwise the public roots.
    pub ca_pem: Option<PathBuf>,
}

/// Web Push, ready to send: the key, the allowed hosts and an HTTPS client.
pub struct Push {
    key: ES256KeyPair,
    public_key: String,
    subject: String,
    hosts: Vec<String>,
    client: reqwest::Client,
}

impl std::fmt::Debug for Push {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Push").field("public_key", &self.public_key).field("hosts", &self.hosts).finish()
    }
}

impl Push {
    /// Push with `key`; `config` gives the subject, extra hosts and CA.
    pub fn new(key: ES256KeyPair, config: &PushConfig) -> anyhow::Result<Self> {
        let public_key = Base64UrlUnpadded::encode_string(&key.key_pair().public_key().to_bytes_uncompressed());
        let client = crate::outside::https(config.ca_pem.as_deref())?;
        let subject =
            if config.subject.is_empty() { "mailto:driften@ingang.example".into() } else { config.subject.clone() };
        anyhow::ensure!(
            subject.starts_with("mailto:") || subject.starts_with("https://"),
            "the VAPID subject must be a mailto: or https: address"
        );
        let mut hosts: Vec<String> = KNOWN_HOSTS.iter().map(|h| (*h).to_owned()).collect();
        hosts.extend(config.extra_hosts.iter().map(|h| h.to_ascii_lowercase()));
        Ok(Self { key, public_key, subject, hosts, client })
    }

    /// Push with the configured key file, or (`demo`) the key kept in the database.
    pub async fn load(config: &PushConfig, db: &Db, demo: bool) -> anyhow::Result<Option<Self>> {
        let key = match (&config.vapid_key, demo) {
            (Some(path), _) => read_key(&std::fs::read_to_string(path)?)?,
            (None, true) => stored_key(db).await?,
            (None, false) => return Ok(None),
        };
        Ok(Some(Self::new(key, config)?))
    }

    /// The public key, base64url (the browser's `applicationServerKey`).
    pub fn public_key(&self) -> &str {
        &self.public_key
    }

    /// Why `endpoint`, `p256dh` and `auth` cannot be a subscription, if they cannot.
    pub fn check(&self, endpoint: &str, p256dh: &str, auth: &str) -> Result<(), &'static str> {
        self.keys(endpoint, p256dh, auth).map(|_| ())
    }

    /// The device's public key and secret, when the three make a subscription (see [`Self::check`]).
    fn keys(&self, endpoint: &str, p256dh: &str, auth: &str) -> Result<(PublicKey, Auth), &'static str> {
        let url = url::Url::parse(endpoint).map_err(|_| "the endpoint is not a URL")?;
        if url.scheme() != "https" || endpoint.len() > 1024 {
            return Err("the endpoint must be an https URL (at most 1024 characters)");
        }
        if !url.username().is_empty() || url.password().is_some() || url.fragment().is_some() {
            return Err("the endpoint may not carry a user or a fragment");
        }
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        if !self.hosts.iter().any(|h| host == *h || host.ends_with(&format!(".{h}"))) {
            return Err("the endpoint is not a known push service");
        }
        let key = decode(p256dh)
            .filter(|k| k.len() == 65)
            .and_then(|k| PublicKey::from_sec1_bytes(&k).ok())
            .ok_or("p256dh is not an uncompressed P-256 public key")?;
        let secret = decode(auth).filter(|a| a.len() == 16).ok_or("auth is not a 16-byte secret")?;
        Ok((key, Auth::clone_from_slice(&secret)))
    }

    /// Sends one push message to one device.
    async fn send(&self, d: &Due) -> Result<(), PushError> {
        let (public, auth) = self.keys(&d.endpoint, &d.p256dh, &d.auth).map_err(|e| PushError::Refused(e.into()))?;
        let endpoint = d.endpoint.parse().map_err(|_| PushError::Refused("bad endpoint".into()))?;
        // the JWT may live at most 24 hours (RFC 8292); the message's own TTL is set below
        let valid = Duration::from_secs(d.ttl.clamp(60, 12 * 3600) as u64);
        let request = WebPushBuilder::new(endpoint, public, auth)
            .with_valid_duration(valid)
            .build(d.payload.as_bytes().to_vec())
            .map_err(|e| PushError::Refused(format!("cannot encrypt: {e}")))?;
        let (parts, body) = request.into_parts();
        let mut headers = parts.headers;
        headers.insert(
            axum::http::header::AUTHORIZATION,
            self.vapid(&d.endpoint, valid).map_err(|e| PushError::Refused(format!("cannot sign: {e}")))?,
        );
        headers.insert("ttl", d.ttl.max(0).into());
        if let Ok(v) = d.urgency.parse() {
            headers.insert("urgency", v);
        }
        let res = self
            .client
            .post(parts.uri.to_string())
            .headers(headers)
            .body(body)
            .send()
            .await
            .map_err(|e| PushError::Retry(format!("no answer: {e}")))?;
        let status = res.status();
        match status.as_u16() {
            200..=299 => Ok(()),
            404 | 410 => Err(PushError::Gone),
            429 | 500..=599 => Err(PushError::Retry(status.to_string())),
            _ => {
                let body = res.text().await.unwrap_or_default();
                Err(PushError::Refused(format!("{status}: {}", body.chars().take(200).collect::<String>())))
            }
        }
    }
}

impl Push {
    /// The VAPID `Authorization` (RFC 8292 §2-3): an ES256 JWT for the push resource's origin
    /// (with its port when not the default: `web-push-native`'s own signer leaves the port out),
    /// valid for `valid`, naming who runs the server, and the public key.
    fn vapid(&self, endpoint: &str, valid: Duration) -> anyhow::Result<axum::http::HeaderValue> {
        let origin = url::Url::parse(endpoint)?.origin().ascii_serialization();
        let claims = Claims::create(valid.into()).with_audience(origin).with_subject(&self.subject);
        let token = self.key.sign(claims).map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(axum::http::HeaderValue::try_from(format!("vapid t={token}, k={}", self.public_key))?)
    }
}

fn decode(s: &str) -> Option<Vec<u8>> {
    Base64UrlUnpadded::decode_vec(s.trim_end_matches('=')).ok()
}

/// A VAPID private key from a file's text: base64url of the scalar, or a PEM.
pub fn read_key(text: &str) -> anyhow::Result<ES256KeyPair> {
    let text = text.trim();
    if text.starts_with("-----BEGIN") {
        return ES256KeyPair::from_pem(text).map_err(|e| anyhow::anyhow!("the VAPID key PEM: {e}"));
    }
    let raw = decode(text).ok_or_else(|| anyhow::anyhow!("the VAPID key is not base64url"))?;
    ES256KeyPair::from_bytes(&raw).map_err(|e| anyhow::anyhow!("the VAPID key: {e}"))
}

/// The key kept in the database, made on first use.
async fn stored_key(db: &Db) -> anyhow::Result<ES256KeyPair> {
    let fresh = Base64UrlUnpadded::encode_string(&ES256KeyPair::generate().to_bytes());
    let kept = db
        .store(move |conn| crate::storage::push::vapid_key(conn, &fresh, crate::system_millis() / 1000))
        .await
        .map_err(|e| anyhow::anyhow!("the stored VAPID key: {e:?}"))?;
    read_key(&kept)
}

/// What a notice is about: its urgency and how long a push service may hold it (RFC 8030).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// Staff have picked the case: "din tur" (high, an hour: as the SMS, stale after that).
    YourTurn,
    /// Staff wrote in the chat (normal, 12 hours).
    ChatMessage,
    /// A new inbox message (normal, a week).
    InboxMessage,
}

impl Notice {
    fn kind(self) -> &'static str {
        match self {
            Notice::YourTurn => "your_turn",
            Notice::ChatMessage => "chat_message",
            Notice::InboxMessage => "inbox_message",
        }
    }

    fn urgency(self) -> &'static str {
        if self == Notice::YourTurn { "high" } else { "normal" }
    }

    fn ttl(self) -> i64 {
        match self {
            Notice::YourTurn => 3600,
            Notice::ChatMessage => 12 * 3600,
            Notice::InboxMessage => 7 * 86_400,
        }
    }
}

/// Queues `notice` for every device of `recipient`, when they chose push; `path` is where a
/// click leads in the app (`/arenden/<id>`), `tag` what it replaces. Returns how many.
pub fn enqueue(
    conn: &mut crate::storage::Conn<'_>,
    recipient: &str,
    notice: Notice,
    path: &str,
    tag: &str,
    now: i64,
) -> crate::storage::Result<usize> {
    let Some(language) = crate::storage::push::wants_push(conn, recipient)? else { return Ok(0) };
    let (title, body) = crate::lang::notices::push(notice, &language);
    let payload = serde_json::to_string(&PushMessage {
        title: title.into(),
        body: body.into(),
        url: path.into(),
        tag: tag.into(),
    })
    .unwrap_or_default();
    let queued = crate::storage::push::Notice {
        kind: notice.kind(),
        payload: &payload,
        urgency: notice.urgency(),
        ttl: notice.ttl(),
    };
    crate::storage::push::enqueue(conn, recipient, &queued, now)
}

/// Why a push was not delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
enum PushError {
    /// Worth another try later (network, 429, 5xx).
    Retry(String),
    /// The push service says the subscription has ended (404, 410).
    Gone,
    /// Refused: trying again gives the same answer.
    Refused(String),
}

/// Sends every push due at `now`, one at a time; returns how many were delivered.
pub async fn deliver_due(db: &Db, push: &Push, now: i64) -> Result<usize, ApiError> {
    db.store(move |conn| crate::storage::push::drop_stale(conn, now)).await?;
    let mut sent = 0;
    while let Some(due) = db.store(move |conn| crate::storage::push::claim(conn, now)).await? {
        let result = push.send(&due).await;
        if result.is_ok() {
            sent += 1;
        }
        db.store(move |conn| {
            use crate::storage::push::Outcome;
            let outcome = match &result {
                Ok(()) => Outcome::Sent,
                Err(PushError::Gone) => Outcome::Gone,
                Err(PushError::Retry(e)) => match crate::sms::backoff(due.attempts) {
                    Some(wait) => Outcome::Retry { at: now + wait, error: e },
                    None => Outcome::Failed(e),
                },
                Err(PushError::Refused(e)) => Outcome::Failed(e),
            };
            crate::storage::push::settle(conn, &due, outcome, now)
        })
        .await?;
    }
    Ok(sent)
}

/// At start: a push a stopped server left `sending` may have gone out; it is never sent again.
pub async fn settle_interrupted(db: &Db) -> Result<usize, ApiError> {
    db.store(crate::storage::push::settle_interrupted).await
}

/// Every two seconds, the due pushes (until the server stops).
pub fn spawn(state: AppState, push: std::sync::Arc<Push>) {
    tokio::spawn(async move {
        if let Err(e) = settle_interrupted(&state.db).await {
            tracing::warn!("push: {e:?}");
        }
        crate::outside::every(state, Duration::from_secs(2), "push sent", move |state| {
            let push = push.clone();
            async move { deliver_due(&state.db, &push, state.clock.now()).await }
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn push() -> Push {
        Push::new(ES256KeyPair::generate(), &PushConfig::default()).expect("push")
    }

    const P256DH: &str = "BLn9b-VR0ca83knDNZ32dCHGyjJp-1riX9ZTN40MqV8K_LpQmLqxC_DoHvqvFXO_nGdAB4W9dogZb_sM-uV4JbY";
    const AUTH: &str = "_ordMnz7uTCmrpBTeUV4Bw";

    #[test]
    fn only_a_push_service_over_https_with_real_keys_is_a_subscription() {
        let p = push();
        for ok in [
            "https://fcm.googleapis.com/fcm/send/abc:def",
            "https://updates.push.services.mozilla.com/wpush/v2/gAAAA",
            "https://web.push.apple.com/QGuQyavXuto",
            "https://wns2-db5p.notify.windows.com/w/?token=x",
        ] {
            assert_eq!(p.check(ok, P256DH, AUTH), Ok(()), "{ok}");
        }
        for bad in [
            "http://fcm.googleapis.com/fcm/send/x",
            "https://127.0.0.1/x",
            "https://localhost:8080/x",
            "https://evil.example/fcm.googleapis.com",
            "https://fcm.googleapis.com.evil.example/x",
            "https://user@fcm.googleapis.com/x",
            "https://169.254.169.254/latest/meta-data",
            "not a url",
        ] {
            assert!(p.check(bad, P256DH, AUTH).is_err(), "{bad}");
        }
        let url = "https://fcm.googleapis.com/fcm/send/x";
        assert!(p.check(url, "AAAA", AUTH).is_err(), "a short key");
        assert!(p.check(url, &format!("{}A", &P256DH[..P256DH.len() - 1]), AUTH).is_err(), "not on the curve");
        assert!(p.check(url, P256DH, "AAAA").is_err(), "a short secret");
    }

    #[test]
    fn a_region_can_add_its_own_push_service() {
        let config = PushConfig { extra_hosts: vec!["push.region.example".into()], ..PushConfig::default() };
        let p = Push::new(ES256KeyPair::generate(), &config).expect("push");
        assert_eq!(p.check("https://push.region.example/s/1", P256DH, AUTH), Ok(()));
    }

    #[test]
    fn the_public_key_is_an_uncompressed_point_in_base64url() {
        let p = push();
        let raw = decode(p.public_key()).expect("base64url");
        assert_eq!((raw.len(), raw[0]), (65, 4));
        assert!(!p.public_key().contains(['=', '+', '/']));
    }

    #[test]
    fn a_key_file_is_base64url_or_pem() {
        let key = ES256KeyPair::generate();
        let b64 = Base64UrlUnpadded::encode_string(&key.to_bytes());
        assert_eq!(read_key(&format!("{b64}\n")).expect("base64url").to_bytes(), key.to_bytes());
        assert_eq!(read_key(&key.to_pem().expect("pem")).expect("pem").to_bytes(), key.to_bytes());
        assert!(read_key("not a key").is_err());
    }
}

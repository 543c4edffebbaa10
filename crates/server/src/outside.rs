//! What every client of the outside world shares (BankID, Swish, the SMS gateway, push
//! services): an HTTPS client that follows no redirects and gives up in time, with the CA it
//! trusts pinned when one is configured; and the loop that runs background work until the
//! server stops.

use std::{future::Future, path::Path, time::Duration};

use crate::{AppState, error::ApiError};

fn builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .https_only(true)
        .use_rustls_tls()
        .timeout(Duration::from_secs(20))
        .connect_timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
}

/// HTTPS to a service: only the CA in `ca_pem` when given (a pinned service, or a test's
/// throwaway CA), otherwise the public web PKI.
pub fn https(ca_pem: Option<&Path>) -> anyhow::Result<reqwest::Client> {
    let mut b = builder();
    if let Some(path) = ca_pem {
        b = b
            .tls_built_in_root_certs(false)
            .add_root_certificate(reqwest::Certificate::from_pem(&std::fs::read(path)?)?);
    }
    Ok(b.build()?)
}

/// HTTPS with mutual TLS: our certificate and key (one PEM) and the service's CA, the only one
/// trusted (BankID, Swish).
pub fn mutual_tls(identity_pem: &Path, ca_pem: &Path) -> anyhow::Result<reqwest::Client> {
    let identity = reqwest::Identity::from_pem(&std::fs::read(identity_pem)?)?;
    let ca = reqwest::Certificate::from_pem(&std::fs::read(ca_pem)?)?;
    Ok(builder().tls_built_in_root_certs(false).add_root_certificate(ca).identity(identity).build()?)
}

/// Runs `work` every `period` until the server stops, logging what it did under `name`.
pub fn every<F, Fut>(state: AppState, period: Duration, name: &'static str, mut work: F)
where
    F: FnMut(AppState) -> Fut + Send + 'static,
    Fut: Future<Output = Result<usize, ApiError>> + Send,
{
    tokio::spawn(async move {
        let mut stopping = state.stopping.subscribe();
        loop {
            match work(state.clone()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!("{name}: {n}"),
                Err(e) => tracing::warn!("{name}: {e:?}"),
            }
            tokio::select! {
                () = tokio::time::sleep(period) => {}
                _ = stopping.wait_for(|s| *s) => return,
            }
        }
    });
}

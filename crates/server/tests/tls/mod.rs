//! Throwaway certificate authorities and a local HTTPS server, made at test time, for the
//! clients of the outside world (the SMS gateway, BankID's RP API): nothing is read from or
//! sent to a real service.

use std::{net::SocketAddr, sync::Arc};

use axum::Router;

/// A CA that can sign server and client certificates.
pub struct Ca {
    pub cert: rcgen::Certificate,
    key: rcgen::KeyPair,
}

impl Ca {
    pub fn new(name: &str) -> Ca {
        let key = rcgen::KeyPair::generate().expect("a key");
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.distinguished_name.push(rcgen::DnType::CommonName, name);
        let cert = params.self_signed(&key).expect("a CA");
        Ca { cert, key }
    }

    /// A certificate for `name` (a server's host name, or a client's common name) and its key.
    pub fn issue(&self, name: &str, client: bool) -> (rcgen::Certificate, rcgen::KeyPair) {
        let key = rcgen::KeyPair::generate().expect("a key");
        // a server is named by its host (a subject alternative name), a client by its CN only
        let sans = if client { Vec::new() } else { vec![name.to_owned()] };
        let mut params = rcgen::CertificateParams::new(sans).expect("params");
        params.distinguished_name.push(rcgen::DnType::CommonName, name);
        if client {
            params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ClientAuth];
        }
        let cert = params.signed_by(&key, &self.cert, &self.key).expect("a certificate");
        (cert, key)
    }

    /// A client certificate for `name` from this CA with its key, in one PEM file (what the
    /// real clients read: BankID's RP certificate, a Swish merchant certificate).
    #[allow(dead_code)] // (not every test that serves HTTPS has clients with certificates)
    pub fn identity(&self, name: &str) -> tempfile::NamedTempFile {
        let (cert, key) = self.issue(name, true);
        pem_file(&format!("{}{}", cert.pem(), key.serialize_pem()))
    }

    /// The CA's certificate in a PEM file.
    pub fn pem_file(&self) -> tempfile::NamedTempFile {
        pem_file(&self.cert.pem())
    }
}

pub fn pem_file(text: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().expect("a file");
    std::io::Write::write_all(&mut f, text.as_bytes()).expect("written");
    f
}

/// Serves `app` over HTTPS on 127.0.0.1 as `localhost` with a certificate from `server_ca`;
/// with `client_ca`, only clients with a certificate from it get through the handshake.
/// Returns the port.
pub async fn serve(app: Router, server_ca: &Ca, client_ca: Option<&Ca>) -> u16 {
    let (cert, key) = server_ca.issue("localhost", false);
    let builder = rustls::ServerConfig::builder();
    let builder = match client_ca {
        Some(ca) => {
            let mut roots = rustls::RootCertStore::empty();
            roots.add(ca.cert.der().clone()).expect("a root");
            let verifier = rustls::server::WebPkiClientVerifier::builder(Arc::new(roots)).build().expect("a verifier");
            builder.with_client_cert_verifier(verifier)
        }
        None => builder.with_no_client_auth(),
    };
    let tls = builder
        .with_single_cert(vec![cert.der().clone()], rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()))
        .expect("a TLS config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(tls));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let addr: SocketAddr = listener.local_addr().expect("an address");
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else { return };
            let (acceptor, app) = (acceptor.clone(), app.clone());
            tokio::spawn(async move {
                // a client that does not trust us, or that we do not trust, ends here
                let Ok(tls) = acceptor.accept(tcp).await else { return };
                let service = hyper_util::service::TowerToHyperService::new(app);
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(tls), service)
                    .await;
            });
        }
    });
    addr.port()
}

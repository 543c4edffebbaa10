//! A throwaway PostgreSQL cluster for the server's tests: Debian's PostgreSQL (installed when
//! missing), a new cluster in a temporary folder on a free port of 127.0.0.1, stopped and removed
//! when the [`Cluster`] is dropped. `initdb` refuses root, so as root the cluster belongs to
//! Debian's `postgres` user (`runuser`). The tests reach it through `INGANG_TEST_POSTGRES`.

use std::{path::PathBuf, process::Command};

use anyhow::{Context, Result};

use crate::{run, tools};

pub struct Cluster {
    dir: PathBuf,
    bin: PathBuf,
    as_postgres: bool,
    /// `postgres://ingang@127.0.0.1:<port>/postgres`: a superuser without a password (trust, on
    /// 127.0.0.1 only), so each test can make a database of its own.
    pub url: String,
    /// The CA that signed the cluster's certificate (PEM): the tests connect over TLS with it.
    pub ca: PathBuf,
    /// A client certificate and its key (PEM) from that CA for the role `ingang_cert`, which
    /// the cluster lets in only with it (pg_hba `cert`), and the cluster trusts the CA for
    /// client certificates (`ssl_ca_file`).
    pub client: (PathBuf, PathBuf),
}

/// The newest `/usr/lib/postgresql/<major>/bin` with `initdb` and `pg_ctl`.
fn bin_dir() -> Option<PathBuf> {
    let mut majors: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, bin): &(u32, PathBuf)| bin.join("initdb").is_file() && bin.join("pg_ctl").is_file())
        .collect();
    majors.sort();
    majors.pop().map(|(_, bin)| bin)
}

impl Cluster {
    pub fn start() -> Result<Self> {
        let bin = match bin_dir() {
            Some(bin) => bin,
            None => {
                tools::apt_install(&["postgresql"])?;
                bin_dir().context("Debian's postgresql is installed but has no initdb")?
            }
        };
        let as_postgres = tools::is_root();
        let dir = std::env::temp_dir().join(format!("ingang-pg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        let ca = dir.join("ca.pem");
        let client = (dir.join("client.pem"), dir.join("client.key"));
        let mut cluster = Self { dir, bin, as_postgres, url: String::new(), ca, client };
        if as_postgres {
            run(Command::new("chown").args(["postgres:postgres"]).arg(&cluster.dir))?;
        }
        let data = cluster.dir.join("data");
        run(cluster
            .command("initdb")
            .arg("-D")
            .arg(&data)
            .args(["-U", "ingang", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"])
            .stdout(std::process::Stdio::null()))?;
        let port = free_port()?;
        cluster.certificates()?;
        // the role `ingang_cert` gets in over TLS with a client certificate only (the first line
        // that matches decides; the others are initdb's)
        let hba = data.join("pg_hba.conf");
        let rest = std::fs::read_to_string(&hba)?;
        std::fs::write(&hba, format!("hostssl all ingang_cert 127.0.0.1/32 cert\n{rest}"))?;
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
             -c full_page_writes=off -c max_connections=200 -c ssl=on -c ssl_cert_file={} -c ssl_key_file={} \
             -c ssl_ca_file={}",
            cluster.dir.display(),
            cluster.dir.join("server.pem").display(),
            cluster.dir.join("server.key").display(),
            cluster.ca.display()
        );
        run(cluster
            .command("pg_ctl")
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(cluster.dir.join("log"))
            .args(["-w", "-t", "60", "-o", &options, "start"]))
        .with_context(|| format!("starting PostgreSQL (its log: {})", cluster.dir.join("log").display()))?;
        eprintln!("xtask: PostgreSQL from {} on 127.0.0.1:{port}", cluster.bin.display());
        cluster.url = format!("postgres://ingang@127.0.0.1:{port}/postgres");
        Ok(cluster)
    }

    /// A throwaway CA (`ca.pem`), the cluster's certificate for 127.0.0.1 and localhost
    /// (`server.pem`, `server.key`: the key readable by the cluster's owner only, as PostgreSQL
    /// demands), and a client certificate for the role `ingang_cert` (`client.pem`, `client.key`).
    fn certificates(&self) -> Result<()> {
        let ca_key = rcgen::KeyPair::generate()?;
        let mut ca = rcgen::CertificateParams::new(Vec::<String>::new())?;
        ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca.distinguished_name.push(rcgen::DnType::CommonName, "Ingång test database CA");
        let ca = ca.self_signed(&ca_key)?;
        let key = rcgen::KeyPair::generate()?;
        let mut server = rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])?;
        server.distinguished_name.push(rcgen::DnType::CommonName, "localhost");
        let server = server.signed_by(&key, &ca, &ca_key)?;
        std::fs::write(&self.ca, ca.pem())?;
        std::fs::write(self.dir.join("server.pem"), server.pem())?;
        let key_file = self.dir.join("server.key");
        std::fs::write(&key_file, key.serialize_pem())?;
        std::fs::set_permissions(&key_file, std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
        if self.as_postgres {
            run(Command::new("chown").args(["postgres:postgres"]).arg(&key_file).arg(self.dir.join("server.pem")))?;
        }
        let key = rcgen::KeyPair::generate()?;
        let mut client = rcgen::CertificateParams::new(Vec::<String>::new())?;
        client.distinguished_name.push(rcgen::DnType::CommonName, "ingang_cert");
        client.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ClientAuth];
        std::fs::write(&self.client.0, client.signed_by(&key, &ca, &ca_key)?.pem())?;
        std::fs::write(&self.client.1, key.serialize_pem())?;
        std::fs::set_permissions(&self.client.1, std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
        Ok(())
    }

    /// One of PostgreSQL's programs, as the user who owns the cluster.
    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // a cluster that started (even if `pg_ctl` said otherwise) has its pid file
        if self.dir.join("data/postmaster.pid").exists() {
            let _ = self
                .command("pg_ctl")
                .arg("-D")
                .arg(self.dir.join("data"))
                .args(["-m", "immediate", "-w", "stop"])
                .stdout(std::process::Stdio::null())
                .status();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A port nobody listens on now (the cluster takes it a moment later; a clash fails loudly).
fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// Runs `f` with a cluster, and stops it whatever `f` returns.
pub fn with_cluster<T>(f: impl FnOnce(&Cluster) -> Result<T>) -> Result<T> {
    let cluster = Cluster::start()?;
    let result = f(&cluster);
    drop(cluster);
    result
}

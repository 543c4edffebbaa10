//! PostgreSQL, the second backend (issue 21): its migrations and their runner.
//!
//! Each file in `migrations/postgres/` is the twin of the SQLite migration of the same name: the
//! same tables, columns, keys, indexes and checks after every step, in PostgreSQL's words
//! (SQLite's 64-bit INTEGER is BIGINT, BLOB is BYTEA, a row id SQLite hands out is an identity
//! column). The tests below apply both, step by step, and compare what the two catalogues say.
//!
//! The schema's version is the row count of `schema_migrations` (name and time of each step).
//! [`migrate`] runs in one transaction under an advisory lock: server processes started at once
//! on a new database wait for the first, which migrates, and then find nothing left to do.

use postgres::Client;

use crate::storage::PgConn;

/// Connections one server process keeps to PostgreSQL at most, unless the URL says otherwise
/// (`pool_max_conns`, see [`Target::parse`]). PostgreSQL allows 100 by default: a few processes
/// with this many each stay well below.
pub const POOL_SIZE: usize = 16;

/// The most `pool_max_conns` may ask for: PostgreSQL's own default limit of connections.
const POOL_SIZE_MAX: usize = 100;

/// Where and how to connect: the URL's settings, and TLS when it asks for it.
///
/// `--db postgres://user@host/db?sslmode=require&sslrootcert=/etc/ingang/db-ca.pem` connects
/// over TLS (rustls), and the server's certificate is always verified: against the CA in
/// `sslrootcert` (PEM) when given, otherwise the public roots (webpki-roots). `verify-ca` and
/// `verify-full` are taken as `require` with that check (and the host name checked too).
/// Without `sslmode`, or with `disable` or `prefer`, the connection is plain. `sslcert` and
/// `sslkey` (PEM files, both or neither) are a client certificate the server process shows,
/// for a database that lets its role in by certificate (pg_hba `cert`).
///
/// `pool_max_conns=N` (as pgx names it; not a libpq setting, so it is taken out of the URL)
/// sets how many connections this process keeps at most: [`POOL_SIZE`] without it, 1 to 100
/// with it. Size it to the database's `max_connections` shared by every process (each also
/// keeps one more, listening for events).
#[derive(Clone)]
pub struct Target {
    pub config: postgres::Config,
    tls: Option<tokio_postgres_rustls::MakeRustlsConnect>,
    pool_size: usize,
}

impl Target {
    /// A plain connection (tests, and a URL that asks for no TLS).
    pub fn plain(config: postgres::Config) -> Self {
        Self { config, tls: None, pool_size: POOL_SIZE }
    }

    /// Reads a `postgres://` URL; `sslmode`, `sslrootcert`, `sslcert` and `sslkey` as libpq
    /// reads them, and `pool_max_conns`.
    pub fn parse(url: &str) -> anyhow::Result<Self> {
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let (mut mode, mut root, mut cert, mut key, mut rest) = (None, None, None, None, Vec::new());
        let mut pool_size = POOL_SIZE;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            match pair.split_once('=') {
                Some(("pool_max_conns", v)) => {
                    pool_size = v
                        .parse()
                        .ok()
                        .filter(|n| (1..=POOL_SIZE_MAX).contains(n))
                        .ok_or_else(|| anyhow::anyhow!("pool_max_conns={v}: a number from 1 to {POOL_SIZE_MAX}"))?
                }
                Some(("sslmode", v)) => mode = Some(v.to_owned()),
                Some(("sslrootcert", v)) => root = Some(percent_decoded(v)?),
                Some(("sslcert", v)) => cert = Some(percent_decoded(v)?),
                Some(("sslkey", v)) => key = Some(percent_decoded(v)?),
                _ => rest.push(pair),
            }
        }
        let client = match (cert, key) {
            (Some(cert), Some(key)) => Some((cert, key)),
            (None, None) => None,
            _ => anyhow::bail!("sslcert and sslkey go together: the client certificate and its key"),
        };
        let plain = if rest.is_empty() { base.to_owned() } else { format!("{base}?{}", rest.join("&")) };
        let mut config: postgres::Config =
            plain.parse().map_err(|e| anyhow::anyhow!("--db is no PostgreSQL connection URL: {e}"))?;
        let tls = match mode.as_deref() {
            None | Some("disable") | Some("prefer") | Some("allow") => None,
            Some("require") | Some("verify-ca") | Some("verify-full") => Some(tls(root.as_deref(), client.as_ref())?),
            Some(other) => anyhow::bail!("sslmode={other}: use disable, require, verify-ca or verify-full"),
        };
        anyhow::ensure!(
            tls.is_some() || client.is_none(),
            "sslcert needs TLS: add sslmode=verify-full (or require, verify-ca)"
        );
        config.ssl_mode(if tls.is_some() {
            postgres::config::SslMode::Require
        } else {
            postgres::config::SslMode::Disable
        });
        Ok(Self { config, tls, pool_size })
    }

    /// How many connections a process keeps at most (`pool_max_conns`).
    pub fn pool_size(&self) -> usize {
        self.pool_size
    }

    /// The same target with another pool size (tests; a URL says `pool_max_conns`).
    #[cfg(test)]
    pub fn with_pool_size(self, pool_size: usize) -> Self {
        Self { pool_size, ..self }
    }

    /// Does this target connect over TLS?
    pub fn tls(&self) -> bool {
        self.tls.is_some()
    }

    /// A new connection (call it off the server's async threads: the blocking client runs a
    /// small runtime of its own).
    pub fn connect(&self) -> Result<Client, postgres::Error> {
        match &self.tls {
            Some(tls) => self.config.connect(tls.clone()),
            None => self.config.connect(postgres::NoTls),
        }
    }
}

/// The TLS client: the CA of `root` (a PEM file) or the public roots, ring's algorithms, and
/// the client certificate and key of `client` (PEM files) when given.
fn tls(
    root: Option<&str>,
    client: Option<&(String, String)>,
) -> anyhow::Result<tokio_postgres_rustls::MakeRustlsConnect> {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject};
    let mut roots = rustls::RootCertStore::empty();
    match root {
        Some(path) => {
            let certs = CertificateDer::pem_file_iter(path)
                .map_err(|e| anyhow::anyhow!("sslrootcert {path}: {e}"))?
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| anyhow::anyhow!("sslrootcert {path}: {e}"))?;
            let (added, _) = roots.add_parsable_certificates(certs);
            anyhow::ensure!(added > 0, "sslrootcert {path}: no certificate in it");
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    // ring, as every TLS client of the server (rustls 0.23.48 marks it deprecated for want of
    // post-quantum key exchange, which only aws-lc-rs has, and that needs a C toolchain)
    #[allow(deprecated)]
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots);
    let config = match client {
        Some((cert, key)) => {
            let chain = CertificateDer::pem_file_iter(cert)
                .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
                .map_err(|e| anyhow::anyhow!("sslcert {cert}: {e}"))?;
            anyhow::ensure!(!chain.is_empty(), "sslcert {cert}: no certificate in it");
            let key_der = PrivateKeyDer::from_pem_file(key).map_err(|e| anyhow::anyhow!("sslkey {key}: {e}"))?;
            config
                .with_client_auth_cert(chain, key_der)
                .map_err(|e| anyhow::anyhow!("sslcert {cert} with sslkey {key}: {e}"))?
        }
        None => config.with_no_client_auth(),
    };
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// A URL's `%XX` decoded (a path in `sslrootcert`).
fn percent_decoded(s: &str) -> anyhow::Result<String> {
    let mut out = Vec::new();
    let mut bytes = s.bytes();
    while let Some(b) = bytes.next() {
        if b == b'%' {
            let hex: String = bytes.by_ref().take(2).map(char::from).collect();
            out.push(u8::from_str_radix(&hex, 16).map_err(|_| anyhow::anyhow!("bad %-escape in {s}"))?);
        } else {
            out.push(b);
        }
    }
    Ok(String::from_utf8(out)?)
}

/// A pool of connections: a request's storage work takes one (waiting when all are busy) and
/// gives it back after, unless it broke or is still inside a transaction.
pub struct Pool {
    target: Target,
    size: usize,
    state: std::sync::Mutex<(Vec<PgConn>, usize)>,
    freed: std::sync::Condvar,
}

/// A connection taken from a [`Pool`], given back by [`Pool::put`]. Dropped instead (a panic
/// on its way back), it is closed and its place in the pool freed.
pub struct Pooled<'p> {
    conn: PgConn,
    place: Place<'p>,
}

/// A place taken in a pool: freed when dropped, kept when its connection goes back idle.
struct Place<'p>(&'p Pool);

impl Drop for Place<'_> {
    fn drop(&mut self) {
        self.0.closed();
    }
}

impl Pool {
    pub fn new(target: Target, size: usize) -> Self {
        Self { target, size: size.max(1), state: Default::default(), freed: Default::default() }
    }

    /// An idle connection, a new one while fewer than the size are open, or the next freed.
    pub fn get(&self) -> crate::storage::Result<Pooled<'_>> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(conn) = state.0.pop() {
                return Ok(Pooled { conn, place: Place(self) });
            }
            if state.1 < self.size {
                state.1 += 1;
                drop(state);
                let place = Place(self);
                return Ok(Pooled { conn: PgConn::new(self.target.connect()?), place });
            }
            state = self.freed.wait(state).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Gives a connection back: idle for the next request, unless it broke or is still inside
    /// a transaction (then it is closed, and its place freed).
    pub fn put(&self, pooled: Pooled<'_>) {
        let Pooled { conn, place } = pooled;
        if conn.reusable() {
            std::mem::forget(place);
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            state.0.push(conn);
            self.freed.notify_one();
        }
    }

    /// How the pool connects.
    pub fn target(&self) -> &Target {
        &self.target
    }

    fn closed(&self) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.1 = state.1.saturating_sub(1);
        self.freed.notify_one();
    }
}

impl Drop for Pool {
    /// Closes the idle connections on a thread of their own: the blocking client closes with a
    /// small runtime, which may not run on a thread of the server's (a pool is often dropped in
    /// async code).
    fn drop(&mut self) {
        let idle = std::mem::take(&mut self.state.get_mut().unwrap_or_else(|e| e.into_inner()).0);
        if !idle.is_empty() {
            let _ = std::thread::spawn(move || drop(idle)).join();
        }
    }
}

impl std::ops::Deref for Pooled<'_> {
    type Target = PgConn;
    fn deref(&self) -> &PgConn {
        &self.conn
    }
}

impl std::ops::DerefMut for Pooled<'_> {
    fn deref_mut(&mut self) -> &mut PgConn {
        &mut self.conn
    }
}

/// The PostgreSQL schema, one entry per migration, in the order and with the names of
/// `super::SQLITE_MIGRATIONS`.
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_units", include_str!("../../migrations/postgres/0001_units.sql")),
    ("0002_questionnaires", include_str!("../../migrations/postgres/0002_questionnaires.sql")),
    ("0003_sessions", include_str!("../../migrations/postgres/0003_sessions.sql")),
    ("0004_people", include_str!("../../migrations/postgres/0004_people.sql")),
    ("0005_cases", include_str!("../../migrations/postgres/0005_cases.sql")),
    ("0006_units_cases", include_str!("../../migrations/postgres/0006_units_cases.sql")),
    ("0007_chat", include_str!("../../migrations/postgres/0007_chat.sql")),
    ("0008_pictures", include_str!("../../migrations/postgres/0008_pictures.sql")),
    ("0009_visits", include_str!("../../migrations/postgres/0009_visits.sql")),
    ("0010_eservices", include_str!("../../migrations/postgres/0010_eservices.sql")),
    ("0011_questionnaire_ages", include_str!("../../migrations/postgres/0011_questionnaire_ages.sql")),
    ("0012_listing", include_str!("../../migrations/postgres/0012_listing.sql")),
    ("0013_self_booking", include_str!("../../migrations/postgres/0013_self_booking.sql")),
    ("0014_errand_messages", include_str!("../../migrations/postgres/0014_errand_messages.sql")),
    ("0015_errand_attachments", include_str!("../../migrations/postgres/0015_errand_attachments.sql")),
    ("0016_sms_delivery", include_str!("../../migrations/postgres/0016_sms_delivery.sql")),
    ("0017_late_payments", include_str!("../../migrations/postgres/0017_late_payments.sql")),
    ("0018_receipt_numbers", include_str!("../../migrations/postgres/0018_receipt_numbers.sql")),
    ("0019_translations", include_str!("../../migrations/postgres/0019_translations.sql")),
    ("0020_notice_language", include_str!("../../migrations/postgres/0020_notice_language.sql")),
    ("0021_web_push", include_str!("../../migrations/postgres/0021_web_push.sql")),
    ("0022_swish", include_str!("../../migrations/postgres/0022_swish.sql")),
    ("0023_bankid_collects", include_str!("../../migrations/postgres/0023_bankid_collects.sql")),
    ("0024_card_redirect", include_str!("../../migrations/postgres/0024_card_redirect.sql")),
    ("0025_rate_limits", include_str!("../../migrations/postgres/0025_rate_limits.sql")),
    ("0026_insertion_order", include_str!("../../migrations/postgres/0026_insertion_order.sql")),
    ("0027_form_texts", include_str!("../../migrations/postgres/0027_form_texts.sql")),
    ("0028_bankid_simulated", include_str!("../../migrations/postgres/0028_bankid_simulated.sql")),
];

/// The key of the advisory lock that migrations hold (any fixed number; "ingång" in ASCII-ish).
const MIGRATION_LOCK: i64 = 0x696e_6761_6e67;

/// Brings the database to the latest schema; returns the number of steps it ran.
pub fn migrate(client: &mut Client, now: i64) -> anyhow::Result<usize> {
    migrate_to(client, MIGRATIONS.len(), now)
}

/// Brings the database to the first `target` migrations (tests stop on the way). A database
/// that a newer server has taken further is refused: this server would not know its tables.
pub fn migrate_to(client: &mut Client, target: usize, now: i64) -> anyhow::Result<usize> {
    anyhow::ensure!(target <= MIGRATIONS.len(), "there are {} migrations, not {target}", MIGRATIONS.len());
    let mut tx = client.transaction()?;
    // first, before the table exists: two processes creating it at once would collide
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    BIGINT PRIMARY KEY,
             name       TEXT NOT NULL,
             applied_at BIGINT NOT NULL
         )",
    )?;
    let applied: Vec<(i64, String)> = tx
        .query("SELECT version, name FROM schema_migrations ORDER BY version", &[])?
        .iter()
        .map(|row| (row.get("version"), row.get("name")))
        .collect();
    for (i, (version, name)) in applied.iter().enumerate() {
        match MIGRATIONS.get(i) {
            Some((known, _)) if *version == i as i64 + 1 && name == known => {}
            Some(_) => anyhow::bail!("the database's migration {version} ({name}) is not this server's"),
            None => anyhow::bail!(
                "the database is at migration {version} ({name}), newer than this server ({})",
                MIGRATIONS.len()
            ),
        }
    }
    let from = applied.len();
    for (i, (name, sql)) in MIGRATIONS.iter().enumerate().take(target).skip(from) {
        tx.batch_execute(sql).map_err(|e| anyhow::anyhow!("migration {name}: {e}"))?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            &[&(i as i64 + 1), name, &now],
        )?;
    }
    tx.commit()?;
    Ok(target.saturating_sub(from))
}

/// A database of its own for a test, in the throwaway cluster that `cargo xtask test` starts
/// (`INGANG_TEST_POSTGRES`, a connection URL to it). `Ok(None)` without one: plain `cargo test`
/// on a machine without PostgreSQL skips the tests that need it, and says so. (For tests only.)
pub fn test_database(test: &str) -> anyhow::Result<Option<postgres::Config>> {
    let Ok(url) = std::env::var("INGANG_TEST_POSTGRES") else {
        eprintln!("{test}: skipped, no INGANG_TEST_POSTGRES (cargo xtask test starts a cluster)");
        return Ok(None);
    };
    let mut config: postgres::Config =
        url.parse().map_err(|e| anyhow::anyhow!("INGANG_TEST_POSTGRES is no connection URL: {e}"))?;
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let name = format!(
        "t_{}_{}_{}",
        test.chars().filter(char::is_ascii_alphanumeric).take(30).collect::<String>().to_lowercase(),
        std::process::id(),
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    // on a thread of its own: a test may be async, and the blocking client runs a runtime (also
    // when it closes, so it is dropped there too)
    let admin = config.clone();
    std::thread::scope(|s| {
        s.spawn(|| -> anyhow::Result<()> {
            let mut admin = admin.connect(postgres::NoTls)?;
            admin.batch_execute(&format!("CREATE DATABASE {name}"))?;
            Ok(())
        })
        .join()
        .map_err(|_| anyhow::anyhow!("making a test database panicked"))?
    })?;
    config.dbname(&name);
    Ok(Some(config))
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use postgres::NoTls;

    use super::*;

    /// What both catalogues can say about a table, in words common to both.
    #[derive(Debug, PartialEq, Eq, Default)]
    struct Table {
        /// In order: SQLite adds a column at the end, as PostgreSQL does.
        columns: Vec<Column>,
        primary_key: Vec<String>,
        /// UNIQUE constraints (not indexes made by CREATE INDEX), by their columns.
        uniques: BTreeSet<Vec<String>>,
        /// CREATE INDEX: name, unique, columns, partial (with a WHERE).
        indexes: BTreeSet<(String, bool, Vec<String>, bool)>,
        /// Columns, the table they refer to, its columns.
        foreign_keys: BTreeSet<(Vec<String>, String, Vec<String>)>,
        checks: usize,
    }

    #[derive(Debug, PartialEq, Eq)]
    struct Column {
        name: String,
        /// integer, text, blob or real; anything else as the catalogue spells it
        kind: String,
        nullable: bool,
        /// the literal, without PostgreSQL's `::type`
        default: Option<String>,
        /// numbered by the database when an insert leaves it out (rowid alias, identity)
        numbered: bool,
    }

    fn sqlite_schema(conn: &rusqlite::Connection) -> BTreeMap<String, Table> {
        let tables: Vec<(String, String)> = conn
            .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            .unwrap()
            .query_map([], |r| Ok((r.get("name")?, r.get("sql")?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let mut schema = BTreeMap::new();
        for (table, sql) in tables {
            let mut t = Table::default();
            let mut pk: Vec<(i64, String, String)> = Vec::new();
            let cols: Vec<(String, String, bool, Option<String>, i64)> = conn
                .prepare("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?1) ORDER BY cid")
                .unwrap()
                .query_map([&table], |r| {
                    Ok((r.get("name")?, r.get("type")?, r.get("notnull")?, r.get("dflt_value")?, r.get("pk")?))
                })
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            for (name, kind, not_null, default, key) in &cols {
                if *key > 0 {
                    pk.push((*key, name.clone(), kind.clone()));
                }
                t.columns.push(Column {
                    name: name.clone(),
                    kind: kind.to_lowercase(),
                    nullable: !not_null && *key == 0,
                    default: default.clone(),
                    numbered: false,
                });
            }
            pk.sort();
            // a lone INTEGER PRIMARY KEY is the rowid: SQLite numbers it
            if let [(_, name, kind)] = pk.as_slice()
                && kind.eq_ignore_ascii_case("INTEGER")
            {
                t.columns.iter_mut().find(|c| &c.name == name).unwrap().numbered = true;
            }
            t.primary_key = pk.into_iter().map(|(_, name, _)| name).collect();
            let indexes: Vec<(String, bool, String, bool)> = conn
                .prepare("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?1)")
                .unwrap()
                .query_map([&table], |r| Ok((r.get("name")?, r.get("unique")?, r.get("origin")?, r.get("partial")?)))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            for (name, unique, origin, partial) in indexes {
                let columns: Vec<String> = conn
                    .prepare("SELECT name FROM pragma_index_info(?1) ORDER BY seqno")
                    .unwrap()
                    .query_map([&name], |r| r.get("name"))
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap();
                match origin.as_str() {
                    "pk" => {}
                    "u" => {
                        t.uniques.insert(columns);
                    }
                    _ => {
                        t.indexes.insert((name, unique, columns, partial));
                    }
                }
            }
            let fks: Vec<(i64, String, String, String)> = conn
                .prepare("SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?1) ORDER BY id, seq")
                .unwrap()
                .query_map([&table], |r| Ok((r.get("id")?, r.get("table")?, r.get("from")?, r.get("to")?)))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            let mut by_id: BTreeMap<i64, (Vec<String>, String, Vec<String>)> = BTreeMap::new();
            for (id, to_table, from, to) in fks {
                let fk = by_id.entry(id).or_insert_with(|| (Vec::new(), to_table, Vec::new()));
                fk.0.push(from);
                fk.2.push(to);
            }
            t.foreign_keys = by_id.into_values().collect();
            // SQLite keeps the CREATE TABLE as written (ALTER TABLE ADD COLUMN appends to it);
            // the keyword in capitals is a constraint, never a comment ("check-in")
            t.checks = sql.matches("CHECK (").count();
            schema.insert(table, t);
        }
        schema
    }

    fn postgres_schema(client: &mut Client) -> BTreeMap<String, Table> {
        let mut schema: BTreeMap<String, Table> = BTreeMap::new();
        for row in client
            .query(
                "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text,
                        column_default::text, is_identity::text
                 FROM information_schema.columns
                 WHERE table_schema = 'public' AND table_name <> 'schema_migrations'
                 ORDER BY table_name, ordinal_position",
                &[],
            )
            .unwrap()
        {
            let kind: String = row.get("data_type");
            let default: Option<String> = row.get("column_default");
            schema.entry(row.get("table_name")).or_default().columns.push(Column {
                name: row.get("column_name"),
                kind: match kind.as_str() {
                    "bigint" => "integer".into(),
                    "bytea" => "blob".into(),
                    "double precision" => "real".into(),
                    "text" => "text".into(),
                    other => other.into(),
                },
                nullable: row.get::<_, String>("is_nullable") == "YES",
                default: default.map(|d| match d.rfind("::") {
                    Some(cast) if d.starts_with('\'') => d[..cast].to_owned(),
                    _ => d,
                }),
                numbered: row.get::<_, String>("is_identity") == "YES",
            });
        }
        let attnames = |rel: &str, keys: &str| {
            format!(
                "(SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest({keys}) WITH ORDINALITY k(attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = {rel} AND a.attnum = k.attnum)"
            )
        };
        for row in client
            .query(
                &format!(
                    "SELECT t.relname::text AS tbl, i.relname::text AS name, ix.indisunique AS uniq,
                            ix.indisprimary AS pk, ix.indpred IS NOT NULL AS partial,
                            EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid AND c.contype = 'u')
                                AS constraint_,
                            {} AS cols
                     FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
                     WHERE t.relnamespace = 'public'::regnamespace AND t.relname <> 'schema_migrations'",
                    attnames("ix.indrelid", "ix.indkey::int2[]")
                ),
                &[],
            )
            .unwrap()
        {
            let t = schema.get_mut(&row.get::<_, String>("tbl")).unwrap();
            let columns: Vec<String> = row.get("cols");
            if row.get("pk") {
                t.primary_key = columns;
            } else if row.get("constraint_") {
                t.uniques.insert(columns);
            } else {
                t.indexes.insert((row.get("name"), row.get("uniq"), columns, row.get("partial")));
            }
        }
        for row in client
            .query(
                &format!(
                    "SELECT t.relname::text AS tbl, c.contype::text AS kind, r.relname::text AS target,
                            {} AS cols, {} AS target_cols
                     FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
                     LEFT JOIN pg_class r ON r.oid = c.confrelid
                     WHERE t.relnamespace = 'public'::regnamespace AND c.contype IN ('f', 'c')",
                    attnames("c.conrelid", "c.conkey"),
                    attnames("c.confrelid", "c.confkey")
                ),
                &[],
            )
            .unwrap()
        {
            let t = schema.get_mut(&row.get::<_, String>("tbl")).unwrap();
            if row.get::<_, String>("kind") == "c" {
                t.checks += 1;
            } else {
                t.foreign_keys.insert((row.get("cols"), row.get("target"), row.get("target_cols")));
            }
        }
        schema
    }

    fn connect(test: &str) -> Option<(postgres::Config, Client)> {
        let config = test_database(test).unwrap()?;
        let client = config.connect(NoTls).expect("the test database");
        Some((config, client))
    }

    /// `sslmode=require` with the cluster's CA connects over TLS; a certificate the client
    /// cannot verify (the public roots do not know the test CA) is refused; a URL without
    /// `sslmode` connects plainly. `cargo xtask test` starts its cluster with TLS on.
    #[test]
    fn a_connection_over_tls_is_encrypted_and_its_certificate_verified() {
        let (Ok(url), Ok(ca)) = (std::env::var("INGANG_TEST_POSTGRES"), std::env::var("INGANG_TEST_POSTGRES_CA"))
        else {
            eprintln!("skipped: no INGANG_TEST_POSTGRES_CA (cargo xtask test starts a cluster with TLS)");
            return;
        };
        let ssl = |target: &Target| -> Result<bool, postgres::Error> {
            let mut client = target.connect()?;
            client.query_one("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[]).map(|r| r.get("ssl"))
        };
        // a database of its own (the server migrates it below)
        let name = test_database("tls").unwrap().and_then(|c| c.get_dbname().map(str::to_owned)).expect("a database");
        let url = format!(
            "{}/{name}",
            url.split('?').next().unwrap_or(&url).rsplit_once('/').map_or(url.as_str(), |(base, _)| base)
        );
        let sep = '?';
        let ca_path = ca.replace('/', "%2F");
        let tls = Target::parse(&format!("{url}{sep}sslmode=require&sslrootcert={ca_path}")).unwrap();
        assert!(tls.tls());
        assert!(ssl(&tls).expect("a TLS connection"), "encrypted");
        let verify_full = Target::parse(&format!("{url}{sep}sslmode=verify-full&sslrootcert={ca}")).unwrap();
        assert!(ssl(&verify_full).expect("the host name is the certificate's"));
        let public_roots = Target::parse(&format!("{url}{sep}sslmode=require")).unwrap();
        let refused = ssl(&public_roots).expect_err("a certificate from an unknown CA");
        assert!(format!("{refused:?}").to_lowercase().contains("certificate"), "{refused:?}");
        let plain = Target::parse(&url).unwrap();
        assert!(!plain.tls());
        assert!(!ssl(&plain).expect("a plain connection"), "not encrypted");
        assert!(Target::parse(&format!("{url}{sep}sslmode=sometimes")).is_err());
        assert!(Target::parse(&format!("{url}{sep}sslmode=require&sslrootcert=%2Fnowhere.pem")).is_err());
        client_certificate(&url, &ca);
        // the server itself on it: migrations, the pool and LISTEN over TLS
        let db = crate::db::Db::open_postgres(&tls).expect("the server's database over TLS");
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let units =
            runtime.block_on(db.store(|conn| {
                conn.query_row("SELECT COUNT(*) AS n FROM units", crate::params![], |r| r.get::<i64>("n"))
            }));
        assert_eq!(units.ok(), Some(0), "migrated and read over TLS");
        drop(db);
    }

    /// The role `ingang_cert` gets in only with its client certificate (`cargo xtask test`'s
    /// cluster: pg_hba `cert`, the test CA for client certificates): with `sslcert` and
    /// `sslkey` the server sees the certificate's name; without them it refuses.
    fn client_certificate(url: &str, ca: &str) {
        let (Ok(cert), Ok(key)) =
            (std::env::var("INGANG_TEST_POSTGRES_CLIENT_CERT"), std::env::var("INGANG_TEST_POSTGRES_CLIENT_KEY"))
        else {
            eprintln!("skipped: no INGANG_TEST_POSTGRES_CLIENT_CERT (cargo xtask test makes one)");
            return;
        };
        let mut admin = Target::parse(url).expect("a valid URL").connect().expect("the cluster");
        admin
            .batch_execute(
                "DO $$ BEGIN CREATE ROLE ingang_cert LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
            )
            .expect("the role is made");
        let as_cert_role = url.replacen("://ingang@", "://ingang_cert@", 1);
        let with_cert = format!(
            "{as_cert_role}?sslmode=verify-full&sslrootcert={ca}&sslcert={cert}&sslkey={}",
            key.replace('/', "%2F")
        );
        let mut client = Target::parse(&with_cert).expect("a valid URL").connect().expect("in with the certificate");
        let dn: Option<String> = client
            .query_one("SELECT client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[])
            .map(|r| r.get("client_dn"))
            .expect("pg_stat_ssl is read");
        assert_eq!(dn.as_deref(), Some("/CN=ingang_cert"));
        let without =
            Target::parse(&format!("{as_cert_role}?sslmode=verify-full&sslrootcert={ca}")).expect("a valid URL");
        let Err(refused) = without.connect() else { panic!("no certificate, no entry") };
        assert!(format!("{refused:?}").contains("certificate"), "{refused:?}");
        assert!(Target::parse(&format!("{as_cert_role}?sslmode=require&sslcert={cert}")).is_err(), "no key");
        assert!(Target::parse(&format!("{as_cert_role}?sslcert={cert}&sslkey={key}")).is_err(), "no TLS");
        assert!(
            Target::parse(&format!("{as_cert_role}?sslmode=require&sslrootcert={ca}&sslcert=%2Fnowhere&sslkey={key}"))
                .is_err()
        );
    }

    #[test]
    fn every_sqlite_migration_has_a_postgres_twin_of_the_same_name() {
        let names = |list: &[(&'static str, &str)]| list.iter().map(|(n, _)| *n).collect::<Vec<_>>();
        assert_eq!(names(MIGRATIONS), names(super::super::SQLITE_MIGRATIONS));
    }

    /// After every step, both backends have the same tables, columns (type, NULL, default,
    /// numbering), keys, unique constraints, indexes, foreign keys and number of checks.
    #[test]
    fn the_two_schemas_are_the_same_after_every_migration() {
        let Some((_, mut client)) = connect("schemas") else { return };
        let mut sqlite = rusqlite::Connection::open_in_memory().unwrap();
        let migrations = super::super::migrations();
        for step in 1..=MIGRATIONS.len() {
            migrations.to_version(&mut sqlite, step).unwrap();
            assert_eq!(migrate_to(&mut client, step, 0).unwrap(), 1);
            let (lite, pg) = (sqlite_schema(&sqlite), postgres_schema(&mut client));
            assert_eq!(lite.keys().collect::<Vec<_>>(), pg.keys().collect::<Vec<_>>(), "tables after {step}");
            for (name, table) in &lite {
                assert_eq!(table, &pg[name], "table {name} after migration {}", MIGRATIONS[step - 1].0);
            }
        }
        assert_eq!(migrate(&mut client, 0).unwrap(), 0, "nothing left to run");
    }

    /// Receipt numbers taken over from receipts written before the counter existed: the next
    /// number follows the highest, on both backends.
    #[test]
    fn receipt_numbers_continue_after_the_highest_on_both_backends() {
        let Some((_, mut client)) = connect("receipts") else { return };
        let before = "INSERT INTO units (id, name, kind, address, city) VALUES ('u', 'U', 'dental', 'a', 'c');
             INSERT INTO visits (id, patient, unit_id, kind, title, starts_at, ends_at, tariff, status) VALUES
                 ('v1', '191212121212', 'u', 'clinic', 't', 0, 1, 200, 'checkedIn'),
                 ('v7', '191212121212', 'u', 'clinic', 't', 0, 1, 200, 'checkedIn'),
                 ('v9', '191212121212', 'u', 'clinic', 't', 0, 1, 200, 'checkedIn');
             INSERT INTO payments (id, visit_id, payer, method, status, amount, fee, created_at,
                                   receipt_number, idempotency_key) VALUES
                 ('p1', 'v1', '191212121212', 'card', 'PAID', 200, 200, 0, 'K1', 'k1'),
                 ('p7', 'v7', '191212121212', 'card', 'PAID', 200, 200, 0, 'K7', 'k7'),
                 ('p9', 'v9', '191212121212', 'card', 'PAID', 200, 200, 0, NULL, 'k9');";
        let after = "INSERT INTO receipt_numbers (payment_id) VALUES ('p9')";
        let next = "SELECT n FROM receipt_numbers WHERE payment_id = 'p9'";

        let mut sqlite = rusqlite::Connection::open_in_memory().unwrap();
        let migrations = super::super::migrations();
        migrations.to_version(&mut sqlite, 17).unwrap();
        sqlite.execute_batch(before).unwrap();
        migrations.to_latest(&mut sqlite).unwrap();
        sqlite.execute(after, []).unwrap();
        let lite: i64 = sqlite.query_row(next, [], |r| r.get("n")).unwrap();

        migrate_to(&mut client, 17, 0).unwrap();
        client.batch_execute(before).unwrap();
        migrate(&mut client, 0).unwrap();
        client.execute(after, &[]).unwrap();
        let pg: i64 = client.query_one(next, &[]).unwrap().get("n");
        assert_eq!((lite, pg), (8, 8));
    }

    /// Processes that start at once on a new database all start; one of them migrates.
    #[test]
    fn processes_that_migrate_a_new_database_at_once_all_start() {
        let Some((config, _client)) = connect("at_once") else { return };
        let start = std::sync::Arc::new(std::sync::Barrier::new(3));
        let ran: Vec<usize> = (0..3)
            .map(|_| {
                let (config, start) = (config.clone(), start.clone());
                std::thread::spawn(move || {
                    let mut client = config.connect(NoTls).unwrap();
                    start.wait();
                    migrate(&mut client, 0).unwrap()
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|t| t.join().expect("no panic"))
            .collect();
        assert_eq!(ran.iter().sum::<usize>(), MIGRATIONS.len(), "the steps ran once: {ran:?}");
    }

    /// A pool of one: a connection given back is used again; one dropped on its way back (a
    /// panic) or left inside a transaction frees its place for a new one, so nothing waits
    /// forever for a place that was lost.
    #[test]
    fn the_pool_gives_places_back_whatever_happens_to_a_connection() {
        let Some((config, _client)) = connect("pool") else { return };
        let pool = Pool::new(Target::plain(config), 1);
        let pid = |pg: &mut Pooled<'_>| -> i32 {
            pg.client().query_one("SELECT pg_backend_pid() AS p", &[]).unwrap().get("p")
        };
        let mut first = pool.get().unwrap();
        let reused = pid(&mut first);
        pool.put(first);
        let mut again = pool.get().unwrap();
        assert_eq!(pid(&mut again), reused, "an idle connection is used again");
        drop(again);
        let mut fresh = pool.get().unwrap();
        let in_transaction = pid(&mut fresh);
        assert_ne!(in_transaction, reused, "the dropped one was closed, its place freed");
        std::mem::forget(crate::storage::Conn::Postgres(&mut fresh).begin().unwrap());
        pool.put(fresh);
        let (done, waited) = std::sync::mpsc::channel();
        std::thread::scope(|s| {
            s.spawn(|| {
                let next = pool.get().map(|mut pg| pid(&mut pg));
                let _ = done.send(next.ok());
            });
            let next = waited.recv_timeout(std::time::Duration::from_secs(20)).expect("a place was lost");
            assert!(next.is_some_and(|p| p != in_transaction), "a connection inside a transaction was reused");
        });
    }

    /// `pool_max_conns` is the pool's size, taken out of what the driver reads (it would refuse
    /// a setting it does not know); without it the size is [`POOL_SIZE`].
    #[test]
    fn the_url_sets_the_pool_size() {
        let url = "postgres://ingang@127.0.0.1:5432/ingang";
        assert_eq!(Target::parse(url).expect("a URL").pool_size(), POOL_SIZE);
        let sized = Target::parse(&format!("{url}?pool_max_conns=40&application_name=a")).expect("a pool size");
        assert_eq!(sized.pool_size(), 40);
        assert_eq!(sized.config.get_application_name(), Some("a"), "the other settings are kept");
        assert_eq!(Target::parse(&format!("{url}?pool_max_conns=1")).expect("one").pool_size(), 1);
        for wrong in ["0", "101", "-3", "many", ""] {
            let err = Target::parse(&format!("{url}?pool_max_conns={wrong}")).err().expect("refused");
            assert!(err.to_string().contains("pool_max_conns"), "{wrong}: {err}");
        }
    }

    /// A database a newer server has migrated further is refused, not half understood.
    #[test]
    fn a_database_from_a_newer_server_is_refused() {
        let Some((_, mut client)) = connect("newer") else { return };
        migrate(&mut client, 0).unwrap();
        client
            .execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, '0999_future', 0)",
                &[&(MIGRATIONS.len() as i64 + 1)],
            )
            .unwrap();
        let refused = migrate(&mut client, 0).unwrap_err().to_string();
        assert!(refused.contains("newer than this server"), "{refused}");
    }
}

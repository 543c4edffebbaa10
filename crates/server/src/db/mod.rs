//! The database: SQLite (one connection behind a mutex, migrations by `PRAGMA user_version`) or
//! PostgreSQL ([`postgres`]: a pool, its migrations the twins of SQLite's, compared by a test
//! after every step). Either is used from blocking tasks through [`Db::store`], which hands the
//! storage layer a [`crate::storage::Conn`].

pub mod postgres;

use std::{
    path::Path,
    sync::{Arc, Mutex},
};

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

use crate::error::ApiError;

/// The SQLite schema, one entry per migration, in order: its name and its SQL. Never edit a
/// released migration: add one, here and its twin in [`postgres::MIGRATIONS`] (a test holds the
/// two lists, and the schemas after every step, equal).
pub(crate) const SQLITE_MIGRATIONS: &[(&str, &str)] = &[
    ("0001_units", include_str!("../../migrations/sqlite/0001_units.sql")),
    ("0002_questionnaires", include_str!("../../migrations/sqlite/0002_questionnaires.sql")),
    ("0003_sessions", include_str!("../../migrations/sqlite/0003_sessions.sql")),
    ("0004_people", include_str!("../../migrations/sqlite/0004_people.sql")),
    ("0005_cases", include_str!("../../migrations/sqlite/0005_cases.sql")),
    ("0006_units_cases", include_str!("../../migrations/sqlite/0006_units_cases.sql")),
    ("0007_chat", include_str!("../../migrations/sqlite/0007_chat.sql")),
    ("0008_pictures", include_str!("../../migrations/sqlite/0008_pictures.sql")),
    ("0009_visits", include_str!("../../migrations/sqlite/0009_visits.sql")),
    ("0010_eservices", include_str!("../../migrations/sqlite/0010_eservices.sql")),
    ("0011_questionnaire_ages", include_str!("../../migrations/sqlite/0011_questionnaire_ages.sql")),
    ("0012_listing", include_str!("../../migrations/sqlite/0012_listing.sql")),
    ("0013_self_booking", include_str!("../../migrations/sqlite/0013_self_booking.sql")),
    ("0014_errand_messages", include_str!("../../migrations/sqlite/0014_errand_messages.sql")),
    ("0015_errand_attachments", include_str!("../../migrations/sqlite/0015_errand_attachments.sql")),
    ("0016_sms_delivery", include_str!("../../migrations/sqlite/0016_sms_delivery.sql")),
    ("0017_late_payments", include_str!("../../migrations/sqlite/0017_late_payments.sql")),
    ("0018_receipt_numbers", include_str!("../../migrations/sqlite/0018_receipt_numbers.sql")),
    ("0019_translations", include_str!("../../migrations/sqlite/0019_translations.sql")),
    ("0020_notice_language", include_str!("../../migrations/sqlite/0020_notice_language.sql")),
    ("0021_web_push", include_str!("../../migrations/sqlite/0021_web_push.sql")),
    ("0022_swish", include_str!("../../migrations/sqlite/0022_swish.sql")),
    ("0023_bankid_collects", include_str!("../../migrations/sqlite/0023_bankid_collects.sql")),
    ("0024_card_redirect", include_str!("../../migrations/sqlite/0024_card_redirect.sql")),
    ("0025_rate_limits", include_str!("../../migrations/sqlite/0025_rate_limits.sql")),
    ("0026_insertion_order", include_str!("../../migrations/sqlite/0026_insertion_order.sql")),
    ("0027_form_texts", include_str!("../../migrations/sqlite/0027_form_texts.sql")),
    ("0028_bankid_simulated", include_str!("../../migrations/sqlite/0028_bankid_simulated.sql")),
];

/// A new PostgreSQL database for a test when `INGANG_TEST_BACKEND=postgres` (see
/// [`Db::open_for_test`]); `None` for SQLite.
fn test_postgres(name: &str) -> anyhow::Result<Option<::postgres::Config>> {
    if !std::env::var("INGANG_TEST_BACKEND").is_ok_and(|b| b == "postgres") {
        return Ok(None);
    }
    postgres::test_database(name)?
        .map(Some)
        .ok_or_else(|| anyhow::anyhow!("INGANG_TEST_BACKEND=postgres without INGANG_TEST_POSTGRES"))
}

/// The SQLite schema as `rusqlite_migration` runs it (`PRAGMA user_version` counts the steps).
pub(crate) fn migrations() -> Migrations<'static> {
    Migrations::new(SQLITE_MIGRATIONS.iter().map(|(_, sql)| M::up(sql)).collect())
}

/// Handle to the database; cheap to clone. SQLite (a file, or memory for tests) or PostgreSQL
/// (a pool of connections); the rest of the server sees only [`crate::storage::Conn`].
#[derive(Clone)]
pub struct Db {
    backend: Arc<Backend>,
}

enum Backend {
    /// One connection behind a mutex (SQLite has one writer at a time anyway).
    Sqlite(Mutex<Connection>),
    Postgres(Box<postgres::Pool>),
}

impl Db {
    /// Opens `target`: a PostgreSQL URL (`postgres://` or `postgresql://`) or a SQLite file
    /// (created when missing). Either is migrated to the latest schema first.
    pub fn open_target(target: &str) -> anyhow::Result<Self> {
        if target.starts_with("postgres://") || target.starts_with("postgresql://") {
            Self::open_postgres(&postgres::Target::parse(target)?)
        } else {
            Self::open(Path::new(target))
        }
    }

    /// Opens (creating when missing) and migrates the SQLite database at `path`.
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        let conn = Connection::open(path)?;
        Self::init(conn)
    }

    /// A private in-memory database (tests).
    pub fn open_in_memory() -> anyhow::Result<Self> {
        Self::init(Connection::open_in_memory()?)
    }

    /// Connects to PostgreSQL and migrates its schema (several processes may start at once:
    /// see [`postgres::migrate`]).
    pub fn open_postgres(target: &postgres::Target) -> anyhow::Result<Self> {
        let pool = postgres::Pool::new(target.clone(), target.pool_size());
        // on a thread of its own: the blocking client runs a small runtime of its own, which
        // may not start on a thread of the server's (this is called from async code)
        std::thread::scope(|s| {
            s.spawn(|| -> anyhow::Result<()> {
                let mut pg = pool.get()?;
                postgres::migrate(pg.client(), crate::system_millis() / 1000)?;
                crate::domain::units::read_forms(&mut crate::storage::Conn::Postgres(&mut pg))?;
                pool.put(pg);
                Ok(())
            })
            .join()
            .map_err(|_| anyhow::anyhow!("migrating PostgreSQL panicked"))?
        })?;
        Ok(Self { backend: Arc::new(Backend::Postgres(Box::new(pool))) })
    }

    /// The database a test runs on: PostgreSQL (a new database in the test cluster) when
    /// `INGANG_TEST_BACKEND=postgres`, which `cargo xtask test` sets for its second run of the
    /// server's tests; otherwise a private SQLite database in memory.
    pub fn open_for_test(name: &str) -> anyhow::Result<Self> {
        match test_postgres(name)? {
            Some(config) => Self::open_postgres(&postgres::Target::plain(config)),
            None => Self::open_in_memory(),
        }
    }

    /// [`Db::open`] for tests of several processes on one database: on PostgreSQL (see
    /// [`Db::open_for_test`]) every call with the same `path` opens the same new database.
    pub fn open_at_for_test(path: &Path) -> anyhow::Result<Self> {
        static SHARED: Mutex<Vec<(std::path::PathBuf, ::postgres::Config)>> = Mutex::new(Vec::new());
        let mut shared = SHARED.lock().unwrap_or_else(|e| e.into_inner());
        let config = match shared.iter().find(|(p, _)| p == path) {
            Some((_, config)) => config.clone(),
            None => match test_postgres("shared")? {
                Some(config) => {
                    shared.push((path.to_owned(), config.clone()));
                    config
                }
                None => return Self::open(path),
            },
        };
        drop(shared);
        Self::open_postgres(&postgres::Target::plain(config))
    }

    /// Calls `wake` whenever a transaction that sent a notice on `channel` commits, in any
    /// process ([`crate::storage::Conn::notify`]), and once after each (re)connection, for what
    /// may have been missed. PostgreSQL's LISTEN, on a connection of its own in a thread of its
    /// own, which ends when the last handle of this `Db` is gone. `false` on SQLite: no notices,
    /// the caller looks for new rows itself.
    pub fn on_notice(&self, channel: &'static str, wake: impl Fn() + Send + 'static) -> bool {
        let Backend::Postgres(pool) = &*self.backend else { return false };
        use ::postgres::fallible_iterator::FallibleIterator;
        let (target, alive) = (pool.target().clone(), Arc::downgrade(&self.backend));
        std::thread::spawn(move || {
            while alive.strong_count() > 0 {
                let listened = (|| -> Result<(), ::postgres::Error> {
                    let mut client = target.connect()?;
                    client.batch_execute(&format!("LISTEN {channel}"))?;
                    wake();
                    while alive.strong_count() > 0 {
                        let second = std::time::Duration::from_secs(1);
                        if client.notifications().timeout_iter(second).next()?.is_some() {
                            // one wake for the notices here already (not waiting for more): the
                            // reader reads every new row
                            while client.notifications().iter().next()?.is_some() {}
                            wake();
                        }
                    }
                    Ok(())
                })();
                if let Err(e) = listened {
                    tracing::warn!("listening for {channel}: {e}; again in a second");
                    std::thread::sleep(std::time::Duration::from_secs(1));
                }
            }
        });
        true
    }

    /// Which backend this is (`"sqlite"` or `"postgres"`), for logs and tests.
    pub fn backend(&self) -> &'static str {
        match &*self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    fn init(mut conn: Connection) -> anyhow::Result<Self> {
        // first: another process may hold the file while it turns on WAL or migrates
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Several server processes may start at once on a new file: one turns on WAL and
        // migrates (all migrations in one transaction); the others find the file locked or its
        // tables made under them, try again, and find the file at the latest version.
        let mut tries = 0;
        while let Err(e) = Self::prepare(&mut conn) {
            tries += 1;
            if tries == 20 {
                return Err(e);
            }
            std::thread::sleep(std::time::Duration::from_millis(100 * tries.min(5)));
        }
        crate::domain::units::read_forms(&mut crate::storage::Conn::Sqlite(&conn))?;
        Ok(Self { backend: Arc::new(Backend::Sqlite(Mutex::new(conn))) })
    }

    /// WAL (several readers beside one writer, and several processes on one file), then the
    /// migrations.
    fn prepare(conn: &mut Connection) -> anyhow::Result<()> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        migrations().to_latest(conn)?;
        Ok(())
    }

    /// Runs `f` on the [`crate::storage`] layer's connection, on a blocking thread.
    pub async fn store<F, R>(&self, f: F) -> Result<R, ApiError>
    where
        F: FnOnce(&mut crate::storage::Conn<'_>) -> crate::storage::Result<R> + Send + 'static,
        R: Send + 'static,
    {
        let backend = Arc::clone(&self.backend);
        tokio::task::spawn_blocking(move || match &*backend {
            Backend::Sqlite(conn) => {
                let guard = conn.lock().map_err(|_| ApiError::internal("database mutex poisoned"))?;
                f(&mut crate::storage::Conn::Sqlite(&guard)).map_err(ApiError::from)
            }
            Backend::Postgres(pool) => {
                let mut pg = pool.get().map_err(ApiError::from)?;
                let done = f(&mut crate::storage::Conn::Postgres(&mut pg));
                pool.put(pg);
                done.map_err(ApiError::from)
            }
        })
        .await
        .map_err(ApiError::internal)?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A process never holds more connections than its pool's size (`pool_max_conns`), however
    /// many requests come at once: the rest wait for a connection and are then served.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_process_keeps_at_most_its_pool_size_of_connections() {
        let Some(config) = postgres::test_database("poolsize").expect("the test cluster") else { return };
        let db = Db::open_postgres(&postgres::Target::plain(config).with_pool_size(3)).expect("the database");
        let asks = (0..12).map(|_| {
            let db = db.clone();
            tokio::spawn(async move {
                db.store(|conn| match conn {
                    crate::storage::Conn::Postgres(pg) => {
                        let row = pg
                            .client()
                            .query_one("SELECT pg_backend_pid() AS pid, pg_sleep(0.05)::text AS slept", &[])?;
                        Ok(row.get::<_, i32>("pid"))
                    }
                    crate::storage::Conn::Sqlite(_) => unreachable!("a PostgreSQL database"),
                })
                .await
            })
        });
        let mut pids = std::collections::BTreeSet::new();
        for ask in asks.collect::<Vec<_>>() {
            pids.insert(ask.await.expect("the task").expect("served"));
        }
        assert_eq!(pids.len(), 3, "12 requests at once on a pool of 3 used {pids:?}");
    }

    /// On PostgreSQL an event committed through one process wakes the others' dispatchers
    /// (LISTEN/NOTIFY); nothing else would call `wake` here.
    #[tokio::test]
    async fn an_event_written_by_one_process_wakes_the_others() {
        let Some(config) = postgres::test_database("notice").unwrap() else { return };
        let target = postgres::Target::plain(config);
        let (one, two) = (Db::open_postgres(&target).unwrap(), Db::open_postgres(&target).unwrap());
        let (woke, wakes) = std::sync::mpsc::channel();
        assert!(one.on_notice(crate::storage::events::CHANNEL, move || {
            let _ = woke.send(());
        }));
        let wait = |what: &str| {
            wakes.recv_timeout(std::time::Duration::from_secs(20)).unwrap_or_else(|_| panic!("no wake: {what}"))
        };
        wait("listening");
        two.store(|conn| crate::storage::events::append(conn, "anna", "case", "{}", 0)).await.unwrap();
        wait("the other process's event");
        assert!(!Db::open_in_memory().unwrap().on_notice("x", || {}), "SQLite has no notices");
    }

    #[test]
    fn migrations_are_valid() {
        assert!(migrations().validate().is_ok());
    }

    /// Server processes started at once on a new database file all start (one migrates).
    #[test]
    fn processes_that_open_a_new_file_at_once_all_start() {
        for _ in 0..5 {
            let dir = tempfile::tempdir().expect("a temporary folder");
            let path = dir.path().join("new.sqlite");
            let start = std::sync::Arc::new(std::sync::Barrier::new(3));
            let opened: Vec<_> = (0..3)
                .map(|_| {
                    let (path, start) = (path.clone(), start.clone());
                    std::thread::spawn(move || {
                        start.wait();
                        Db::open(&path).map(|_| ())
                    })
                })
                .collect();
            for o in opened {
                o.join().expect("no panic").expect("every process opens the file");
            }
        }
    }
}

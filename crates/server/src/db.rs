//! SQLite access. One connection behind a mutex, used from blocking tasks; migrations run on
//! open (schema version in `PRAGMA user_version`).

use std::{
    path::Path,
    sync::{Arc, Mutex},
};

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

use crate::error::ApiError;

/// The schema, one entry per migration, in order. Never edit a released migration: add one.
pub(crate) fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("../migrations/0001_units.sql")),
        M::up(include_str!("../migrations/0002_questionnaires.sql")),
        M::up(include_str!("../migrations/0003_sessions.sql")),
        M::up(include_str!("../migrations/0004_people.sql")),
        M::up(include_str!("../migrations/0005_cases.sql")),
        M::up(include_str!("../migrations/0006_units_cases.sql")),
        M::up(include_str!("../migrations/0007_chat.sql")),
        M::up(include_str!("../migrations/0008_pictures.sql")),
        M::up(include_str!("../migrations/0009_visits.sql")),
        M::up(include_str!("../migrations/0010_eservices.sql")),
        M::up(include_str!("../migrations/0011_questionnaire_ages.sql")),
        M::up(include_str!("../migrations/0012_listing.sql")),
        M::up(include_str!("../migrations/0013_self_booking.sql")),
        M::up(include_str!("../migrations/0014_errand_messages.sql")),
        M::up(include_str!("../migrations/0015_errand_attachments.sql")),
        M::up(include_str!("../migrations/0016_sms_delivery.sql")),
        M::up(include_str!("../migrations/0017_late_payments.sql")),
        M::up(include_str!("../migrations/0018_receipt_numbers.sql")),
        M::up(include_str!("../migrations/0019_translations.sql")),
        M::up(include_str!("../migrations/0020_notice_language.sql")),
        M::up(include_str!("../migrations/0021_web_push.sql")),
        M::up(include_str!("../migrations/0022_swish.sql")),
        M::up(include_str!("../migrations/0023_bankid_collects.sql")),
        M::up(include_str!("../migrations/0024_card_redirect.sql")),
        M::up(include_str!("../migrations/0025_rate_limits.sql")),
    ])
}

/// Handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Db {
    conn: Arc<Mutex<Connection>>,
}

impl Db {
    /// Opens (creating when missing) and migrates the database at `path`.
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        let conn = Connection::open(path)?;
        Self::init(conn)
    }

    /// A private in-memory database (tests).
    pub fn open_in_memory() -> anyhow::Result<Self> {
        Self::init(Connection::open_in_memory()?)
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
        crate::domain::units::read_ages(&conn)?;
        Ok(Self { conn: Arc::new(Mutex::new(conn)) })
    }

    /// WAL (several readers beside one writer, and several processes on one file), then the
    /// migrations.
    fn prepare(conn: &mut Connection) -> anyhow::Result<()> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        migrations().to_latest(conn)?;
        Ok(())
    }

    /// Runs `f` with the connection on a blocking thread.
    pub async fn call<F, R>(&self, f: F) -> Result<R, ApiError>
    where
        F: FnOnce(&mut Connection) -> rusqlite::Result<R> + Send + 'static,
        R: Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().map_err(|_| ApiError::internal("database mutex poisoned"))?;
            f(&mut guard).map_err(ApiError::from)
        })
        .await
        .map_err(ApiError::internal)?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

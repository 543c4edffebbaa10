//! Demo data for `--demo`: idempotent, so a second start reuses the same database.

use rusqlite::{Connection, params};

/// Demo units, modelled on Region Norrbotten's (see `shared/seeds`).
const UNITS: &[(&str, &str, &str, &str, &str, &str)] = &[
    ("hc-gibraltar", "Hälsocentralen Gibraltar", "healthCentre", "Gibraltargatan 10", "Luleå", "0920-28 40 00"),
    ("hc-kalix", "Hälsocentralen Kalix", "healthCentre", "Torggatan 8", "Kalix", "0923-760 00"),
    ("ftv-lulea", "Folktandvården Luleå", "dental", "Skomakargatan 20", "Luleå", "0920-28 43 00"),
    ("um-lulea", "Ungdomsmottagningen Luleå", "youth", "Kungsgatan 15", "Luleå", "0920-45 30 00"),
];

/// Inserts the demo data that is not there yet.
pub fn seed(conn: &mut Connection) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    {
        let mut insert = tx.prepare(
            "INSERT OR IGNORE INTO units (id, name, kind, address, city, phone) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for (id, name, kind, address, city, phone) in UNITS {
            insert.execute(params![id, name, kind, address, city, phone])?;
        }
    }
    tx.commit()
}

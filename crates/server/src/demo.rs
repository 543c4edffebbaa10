//! Demo data for `--demo`: idempotent, so a second start reuses the same database.

use rusqlite::{Connection, params};

/// Demo units, modelled on Region Norrbotten's (see `shared/seeds`).
const UNITS: &[(&str, &str, &str, &str, &str, &str)] = &[
    ("hc-gibraltar", "Hälsocentralen Gibraltar", "healthCentre", "Gibraltargatan 10", "Luleå", "0920-28 40 00"),
    ("hc-kalix", "Hälsocentralen Kalix", "healthCentre", "Torggatan 8", "Kalix", "0923-760 00"),
    ("ftv-lulea", "Folktandvården Luleå", "dental", "Skomakargatan 20", "Luleå", "0920-28 43 00"),
    ("um-lulea", "Ungdomsmottagningen Luleå", "youth", "Kungsgatan 15", "Luleå", "0920-45 30 00"),
];

/// The six Swedish symptom forms (FHIR R4 Questionnaires), as authored in `forms/`.
pub const FORMS: &[&str] = &[
    include_str!("../forms/forkylning.json"),
    include_str!("../forms/ont-i-halsen-barn.json"),
    include_str!("../forms/urinvagsbesvar.json"),
    include_str!("../forms/hudbesvar.json"),
    include_str!("../forms/tandvark.json"),
    include_str!("../forms/nedstamdhet.json"),
];

/// Inserts the demo data that is not there yet; demo forms are refreshed to the shipped version.
pub fn seed(conn: &mut Connection) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    {
        let mut insert = tx.prepare(
            "INSERT OR IGNORE INTO units (id, name, kind, address, city, phone) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for (id, name, kind, address, city, phone) in UNITS {
            insert.execute(params![id, name, kind, address, city, phone])?;
        }
        let mut form = tx.prepare(
            "INSERT INTO questionnaires (id, url, version, title, resource) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (id) DO UPDATE SET url = ?2, version = ?3, title = ?4, resource = ?5",
        )?;
        for text in FORMS {
            let q = ingang_questionnaire::Questionnaire::from_json(text).expect("demo forms are valid (tested)");
            let field = |v: Option<String>| v.unwrap_or_default();
            form.execute(params![field(q.id), field(q.url), field(q.version), field(q.title), text])?;
        }
    }
    tx.commit()
}

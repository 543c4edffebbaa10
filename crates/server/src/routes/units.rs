use axum::{Json, extract::State};
use ingang_api::{Category, Service, Unit, UnitKind, UnitList, hours::DayHours};

use crate::{AppState, error::ApiError, lang::Lang};

/// The care units of the region, ordered by town and name, with staffed hours, services and
/// symptom categories. Public: no personal data.
/// Category and e-service titles and descriptions follow `Accept-Language` where the form has a
/// translation (else as written, in Swedish).
#[utoipa::path(
    get,
    path = "/units",
    tag = "units",
    params(("Accept-Language" = Option<String>, Header, max_length = 200, pattern = "^[A-Za-z0-9*,;=. -]*$", description = "The user's language (sv, en, fi, ar) as RFC 9110 language ranges; Swedish when none of these")),
    responses((status = 200, description = "All units", body = UnitList))
)]
pub async fn list_units(State(state): State<AppState>, lang: Lang) -> Result<Json<UnitList>, ApiError> {
    let units = state.db.call(move |conn| load_units(conn, lang)).await?;
    Ok(Json(UnitList { units }))
}

/// Every unit with its hours, services and categories, titled in `lang` where the forms say.
pub fn load_units(conn: &rusqlite::Connection, lang: Lang) -> rusqlite::Result<Vec<Unit>> {
    let mut stmt =
        conn.prepare("SELECT id, name, kind, address, city, phone, time_zone FROM units ORDER BY city, name")?;
    let mut units = stmt
        .query_map([], |row| {
            Ok(Unit {
                id: row.get("id")?,
                name: row.get("name")?,
                kind: kind_from_db(&row.get::<_, String>("kind")?),
                address: row.get("address")?,
                city: row.get("city")?,
                phone: row.get("phone")?,
                time_zone: row.get("time_zone")?,
                hours: Vec::new(),
                services: Vec::new(),
                categories: Vec::new(),
                e_services: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut hours = conn.prepare("SELECT day, opens, closes FROM unit_hours WHERE unit_id = ?1 ORDER BY day, opens")?;
    let mut services = conn.prepare("SELECT service FROM unit_services WHERE unit_id = ?1 ORDER BY position")?;
    // the ages were read when the form was stored: nothing is parsed here
    let mut categories = conn.prepare(
        "SELECT q.id, q.title, q.min_age, q.max_age, json_extract(q.resource, '$._title') AS title_translations
         FROM unit_categories c JOIN questionnaires q ON q.id = c.questionnaire_id
         WHERE c.unit_id = ?1 ORDER BY c.position",
    )?;
    for unit in &mut units {
        unit.hours = hours
            .query_map([&unit.id], |r| {
                Ok(DayHours { day: r.get("day")?, opens: r.get("opens")?, closes: r.get("closes")? })
            })?
            .collect::<rusqlite::Result<_>>()?;
        unit.services = services
            .query_map([&unit.id], |r| r.get::<_, String>("service"))?
            .map(|s| s.map(|s| service_from_db(&s)))
            .collect::<rusqlite::Result<_>>()?;
        unit.categories = categories
            .query_map([&unit.id], |r| {
                let title = crate::lang::translated(r.get::<_, Option<String>>("title_translations")?.as_deref(), lang);
                Ok(Category {
                    questionnaire_id: r.get("id")?,
                    title: title.map_or_else(|| r.get("title"), Ok)?,
                    min_age: r.get("min_age")?,
                    max_age: r.get("max_age")?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        unit.e_services = crate::domain::errands::unit_e_services(conn, &unit.id, lang)?;
    }
    Ok(units)
}

fn kind_from_db(kind: &str) -> UnitKind {
    match kind {
        "healthCentre" => UnitKind::HealthCentre,
        "dental" => UnitKind::Dental,
        "youth" => UnitKind::Youth,
        "specialist" => UnitKind::Specialist,
        _ => UnitKind::Other,
    }
}

fn service_from_db(service: &str) -> Service {
    serde_json::from_value(serde_json::Value::String(service.into())).unwrap_or(Service::Other)
}

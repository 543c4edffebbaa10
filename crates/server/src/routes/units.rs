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
    let units = state.db.store(move |conn| load_units(conn, lang)).await?;
    Ok(Json(UnitList { units }))
}

/// Every unit with its hours, services and categories, titled in `lang` where the forms say.
pub fn load_units(conn: &mut crate::storage::Conn<'_>, lang: Lang) -> crate::storage::Result<Vec<Unit>> {
    let mut stmt =
        conn.prepare("SELECT id, name, kind, address, city, phone, time_zone FROM units ORDER BY city, name")?;
    let mut units = stmt
        .query_map(crate::params![], |row| {
            Ok(Unit {
                id: row.get("id")?,
                name: row.get("name")?,
                kind: kind_from_db(&row.get::<String>("kind")?),
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
        .collect::<crate::storage::Result<Vec<_>>>()?;
    // the ages and titles were read when the form was stored: nothing is parsed here
    for unit in &mut units {
        unit.hours = conn.query_map(
            "SELECT day, opens, closes FROM unit_hours WHERE unit_id = ?1 ORDER BY day, opens",
            crate::params![&unit.id],
            |r| Ok(DayHours { day: r.get("day")?, opens: r.get("opens")?, closes: r.get("closes")? }),
        )?;
        unit.services = conn.query_map(
            "SELECT service FROM unit_services WHERE unit_id = ?1 ORDER BY position",
            crate::params![&unit.id],
            |r| Ok(service_from_db(&r.get::<String>("service")?)),
        )?;
        unit.categories = conn.query_map(
            "SELECT q.id, q.title, q.min_age, q.max_age, q.title_translations
             FROM unit_categories c JOIN questionnaires q ON q.id = c.questionnaire_id
             WHERE c.unit_id = ?1 ORDER BY c.position",
            crate::params![&unit.id],
            |r| {
                let title = crate::lang::translated(r.get::<Option<String>>("title_translations")?.as_deref(), lang);
                Ok(Category {
                    questionnaire_id: r.get("id")?,
                    title: title.map_or_else(|| r.get("title"), Ok)?,
                    min_age: r.get("min_age")?,
                    max_age: r.get("max_age")?,
                })
            },
        )?;
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

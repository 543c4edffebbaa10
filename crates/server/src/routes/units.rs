use axum::{Json, extract::State};
use ingang_api::{Unit, UnitKind, UnitList};

use crate::{AppState, error::ApiError};

/// The care units of the region, ordered by town and name. Public: no personal data.
#[utoipa::path(
    get,
    path = "/units",
    tag = "units",
    responses((status = 200, description = "All units", body = UnitList))
)]
pub async fn list_units(State(state): State<AppState>) -> Result<Json<UnitList>, ApiError> {
    let units = state
        .db
        .call(|conn| {
            let mut stmt =
                conn.prepare("SELECT id, name, kind, address, city, phone FROM units ORDER BY city, name")?;
            let rows = stmt.query_map([], |row| {
                Ok(Unit {
                    id: row.get(0)?,
                    name: row.get(1)?,
                    kind: kind_from_db(&row.get::<_, String>(2)?),
                    address: row.get(3)?,
                    city: row.get(4)?,
                    phone: row.get(5)?,
                })
            })?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
        })
        .await?;
    Ok(Json(UnitList { units }))
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

use axum::{Json, extract::State};
use ingang_api::{Category, Service, Unit, UnitKind, UnitList};

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
    use crate::storage::units;
    let mut out = Vec::new();
    // the ages and titles were read when the form was stored: nothing is parsed here
    for u in units::all(conn)? {
        let categories = units::categories(conn, &u.id)?
            .into_iter()
            .map(|c| Category {
                title: crate::lang::translated(c.title_translations.as_deref(), lang).unwrap_or(c.title),
                questionnaire_id: c.questionnaire_id,
                min_age: c.min_age,
                max_age: c.max_age,
            })
            .collect();
        out.push(Unit {
            hours: units::hours(conn, &u.id)?,
            services: units::services(conn, &u.id)?.iter().map(|s| service_from_db(s)).collect(),
            categories,
            e_services: crate::domain::errands::unit_e_services(conn, &u.id, lang)?,
            kind: kind_from_db(&u.kind),
            id: u.id,
            name: u.name,
            address: u.address,
            city: u.city,
            phone: u.phone,
            time_zone: u.time_zone,
        });
    }
    Ok(out)
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

//! People a user may act for (themselves and their children under 18), ages from the
//! personnummer, and the user's own mobile number.

use crate::extract::AuthUser;
use crate::{AppState, error::ApiError};
use ingang_api::{
    people::{Person, Relation, rules},
    personnummer::{Date, Personnummer},
};

/// Everyone the user may see: themself and the children they are guardian of (under 18).
pub async fn visible_people(state: &AppState, user: &AuthUser) -> Result<Vec<Person>, ApiError> {
    let (pnr, today) = (user.personal_number.clone(), state.clock.today());
    let rows = state.db.store(move |conn| crate::storage::people::self_and_children(conn, &pnr)).await?;

    Ok(rows
        .into_iter()
        .map(|k| {
            let relation = if k.is_self { Relation::Myself } else { Relation::Child };
            person(k.id, &k.personal_number, k.name, k.given_name, relation, k.listed_unit, today)
        })
        // guardianship ends at 18
        .filter(|p| p.relation == Relation::Myself || p.age.is_none_or(|a| a < 18))
        .collect())
}

/// The patient's age on a unix day (for the fee), from the personnummer.
pub fn age_at(pnr: &str, unix: i64) -> Option<u32> {
    let (y, m, d) = ingang_api::visits::civil_from_days(unix.div_euclid(86_400));
    let on = Date::new(y, m, d);
    Personnummer::parse(pnr, on).ok().and_then(|p| p.age_on(on))
}

/// The user's registered mobile number as shown ("070-123 45 67").
pub async fn user_mobile(state: &AppState, personal_number: &str) -> Result<Option<String>, ApiError> {
    let pnr = personal_number.to_owned();
    let mobile = state.db.store(move |conn| crate::storage::people::mobile(conn, &pnr)).await?;

    Ok(mobile.as_deref().map(ingang_api::people::display_mobile))
}

pub(crate) fn person(
    id: String,
    pnr: &str,
    name: String,
    given: String,
    relation: Relation,
    listed: Option<String>,
    today: ingang_api::personnummer::Date,
) -> Person {
    let parsed = Personnummer::parse(pnr, today).ok();
    let birth = parsed.and_then(|p| p.birth_date());
    let age = parsed.and_then(|p| p.age_on(today));
    let (can_seek_care, can_use_e_services) = match relation {
        Relation::Myself => (true, true),
        Relation::Child => (
            birth.is_some_and(|b| rules::may_seek_care_for_child(age_months(b, today))),
            age.is_some_and(rules::may_use_eservices_for_child),
        ),
    };
    Person {
        id,
        name,
        given_name: given,
        personal_number: parsed.map(|p| p.display_form()).unwrap_or_else(|| pnr.to_owned()),
        age,
        relation,
        can_seek_care,
        can_use_e_services,
        listed_unit_id: listed,
    }
}

pub(crate) fn age_months(birth: Date, on: Date) -> u32 {
    let mut months = (on.year - birth.year) * 12 + on.month as i32 - birth.month as i32;
    if on.day < birth.day {
        months -= 1;
    }
    months.max(0) as u32
}

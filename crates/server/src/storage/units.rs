//! Care units and what each offers: staffed hours, services (check-in, booking ...), the symptom
//! categories of "seek care", the e-services, and the visit types a patient may book
//! (`crate::domain::units` has the rules: the ages a category fits).

use ingang_api::hours::DayHours;

use super::{Conn, OptionalExtension, Result, params};

/// A unit as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub id: String,
    pub name: String,
    /// `healthCentre`, `dental`, `youth`, `specialist` ...
    pub kind: String,
    pub address: String,
    pub city: String,
    pub phone: Option<String>,
    pub time_zone: String,
}

/// Every unit, by town and name.
pub fn all(conn: &mut Conn<'_>) -> Result<Vec<Unit>> {
    conn.query_map(
        "SELECT id, name, kind, address, city, phone, time_zone FROM units ORDER BY city, name",
        params![],
        |r| {
            Ok(Unit {
                id: r.get("id")?,
                name: r.get("name")?,
                kind: r.get("kind")?,
                address: r.get("address")?,
                city: r.get("city")?,
                phone: r.get("phone")?,
                time_zone: r.get("time_zone")?,
            })
        },
    )
}

/// Does the unit `id` exist?
pub fn exists(conn: &mut Conn<'_>, id: &str) -> Result<bool> {
    conn.query_row("SELECT EXISTS (SELECT 1 FROM units WHERE id = ?1) AS found", params![id], |r| r.get("found"))
}

/// The unit's staffed hours, by day and time.
pub fn hours(conn: &mut Conn<'_>, unit: &str) -> Result<Vec<DayHours>> {
    conn.query_map(
        "SELECT day, opens, closes FROM unit_hours WHERE unit_id = ?1 ORDER BY day, opens",
        params![unit],
        |r| Ok(DayHours { day: r.get("day")?, opens: r.get("opens")?, closes: r.get("closes")? }),
    )
}

/// The unit's services (`checkIn`, `booking`, ...), in order.
pub fn services(conn: &mut Conn<'_>, unit: &str) -> Result<Vec<String>> {
    conn.query_map("SELECT service FROM unit_services WHERE unit_id = ?1 ORDER BY position", params![unit], |r| {
        r.get("service")
    })
}

/// Does the unit offer `service`?
pub fn offers(conn: &mut Conn<'_>, unit: &str, service: &str) -> Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM unit_services WHERE unit_id = ?1 AND service = ?2) AS found",
        params![unit, service],
        |r| r.get("found"),
    )
}

/// A category of "seek care": its form's facts, read when the form was stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    pub questionnaire_id: String,
    pub title: String,
    pub min_age: Option<u32>,
    pub max_age: Option<u32>,
    /// the form's `_title` element (its translations) as JSON text
    pub title_translations: Option<String>,
}

/// The unit's categories, in order.
pub fn categories(conn: &mut Conn<'_>, unit: &str) -> Result<Vec<Category>> {
    conn.query_map(
        "SELECT q.id, q.title, q.min_age, q.max_age, q.title_translations
         FROM unit_categories c JOIN questionnaires q ON q.id = c.questionnaire_id
         WHERE c.unit_id = ?1 ORDER BY c.position",
        params![unit],
        |r| {
            Ok(Category {
                questionnaire_id: r.get("id")?,
                title: r.get("title")?,
                min_age: r.get("min_age")?,
                max_age: r.get("max_age")?,
                title_translations: r.get("title_translations")?,
            })
        },
    )
}

/// The form (resource, title) of a category the unit offers.
pub fn category_form(conn: &mut Conn<'_>, unit: &str, questionnaire_id: &str) -> Result<Option<(String, String)>> {
    conn.query_row(
        "SELECT q.resource, q.title FROM unit_categories c JOIN questionnaires q ON q.id = c.questionnaire_id
         WHERE c.unit_id = ?1 AND c.questionnaire_id = ?2",
        params![unit, questionnaire_id],
        |r| Ok((r.get("resource")?, r.get("title")?)),
    )
    .optional()
}

/// An e-service of a unit, with its form's texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EService {
    pub id: String,
    pub questionnaire_id: String,
    pub title: String,
    pub description: String,
    pub answer_within_days: Option<u32>,
    /// the form's `_title` and `_description` elements as JSON text
    pub title_translations: Option<String>,
    pub description_translations: Option<String>,
}

/// The unit's e-services, in order.
pub fn e_services(conn: &mut Conn<'_>, unit: &str) -> Result<Vec<EService>> {
    conn.query_map(
        "SELECT e.id, e.questionnaire_id, q.title, COALESCE(q.description, '') AS description, e.answer_within_days,
                q.title_translations, q.description_translations
         FROM unit_e_services e JOIN questionnaires q ON q.id = e.questionnaire_id
         WHERE e.unit_id = ?1 ORDER BY e.position",
        params![unit],
        |r| {
            Ok(EService {
                id: r.get("id")?,
                questionnaire_id: r.get("questionnaire_id")?,
                title: r.get("title")?,
                description: r.get("description")?,
                answer_within_days: r.get::<Option<i64>>("answer_within_days")?.map(|d| d as u32),
                title_translations: r.get("title_translations")?,
                description_translations: r.get("description_translations")?,
            })
        },
    )
}

/// The form of one of the unit's e-services.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EServiceForm {
    pub questionnaire_id: String,
    pub resource: String,
    pub title: String,
    pub answer_within_days: Option<i64>,
}

/// The form of the unit's e-service `id`.
pub fn e_service_form(conn: &mut Conn<'_>, unit: &str, id: &str) -> Result<Option<EServiceForm>> {
    conn.query_row(
        "SELECT q.resource, q.title, e.answer_within_days, q.id FROM unit_e_services e
         JOIN questionnaires q ON q.id = e.questionnaire_id WHERE e.unit_id = ?1 AND e.id = ?2",
        params![unit, id],
        |r| {
            Ok(EServiceForm {
                questionnaire_id: r.get("id")?,
                resource: r.get("resource")?,
                title: r.get("title")?,
                answer_within_days: r.get("answer_within_days")?,
            })
        },
    )
    .optional()
}

/// A visit type the unit lets patients book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bookable {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    /// `clinic`, `video`, `phone`
    pub kind: String,
    pub minutes: i64,
    /// the fee's tariff (kronor)
    pub tariff: i64,
    /// what to bring, a JSON array of texts
    pub bring: String,
}

/// The unit's bookable visit types, in order.
pub fn bookable(conn: &mut Conn<'_>, unit: &str) -> Result<Vec<Bookable>> {
    conn.prepare_cached(
        "SELECT id, title, description, kind, minutes, tariff, bring FROM bookable_types
         WHERE unit_id = ?1 ORDER BY position, title",
    )?
    .query_map(params![unit], |r| {
        Ok(Bookable {
            id: r.get("id")?,
            title: r.get("title")?,
            description: r.get("description")?,
            kind: r.get("kind")?,
            minutes: r.get("minutes")?,
            tariff: r.get("tariff")?,
            bring: r.get("bring")?,
        })
    })?
    .collect()
}

/// What a unit offers, as the demo data (or a region's import) writes it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Offer<'a> {
    /// (ISO weekday, opens "HH:MM", closes "HH:MM")
    pub hours: &'a [(u8, &'a str, &'a str)],
    pub services: &'a [&'a str],
    /// questionnaire ids, in order
    pub categories: &'a [&'a str],
    /// (e-service id = questionnaire id, answered within days)
    pub e_services: &'a [(&'a str, Option<u32>)],
}

/// Keeps a unit the first time (demo data).
pub fn add_if_new(conn: &mut Conn<'_>, u: &Unit) -> Result<()> {
    conn.execute(
        "INSERT INTO units (id, name, kind, address, city, phone) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
        params![u.id, u.name, u.kind, u.address, u.city, u.phone],
    )?;
    Ok(())
}

/// Replaces what the unit offers.
pub fn set_offer(conn: &mut Conn<'_>, unit: &str, o: &Offer<'_>) -> Result<()> {
    for sql in [
        "DELETE FROM unit_hours WHERE unit_id = ?1",
        "DELETE FROM unit_services WHERE unit_id = ?1",
        "DELETE FROM unit_categories WHERE unit_id = ?1",
        "DELETE FROM unit_e_services WHERE unit_id = ?1",
    ] {
        conn.execute(sql, params![unit])?;
    }
    for (day, opens, closes) in o.hours {
        conn.execute(
            "INSERT INTO unit_hours (unit_id, day, opens, closes) VALUES (?1, ?2, ?3, ?4)",
            params![unit, day, opens, closes],
        )?;
    }
    for (i, s) in o.services.iter().enumerate() {
        conn.execute(
            "INSERT INTO unit_services (unit_id, service, position) VALUES (?1, ?2, ?3)",
            params![unit, s, i as i64],
        )?;
    }
    for (i, q) in o.categories.iter().enumerate() {
        conn.execute(
            "INSERT INTO unit_categories (unit_id, questionnaire_id, position) VALUES (?1, ?2, ?3)",
            params![unit, q, i as i64],
        )?;
    }
    for (i, (id, days)) in o.e_services.iter().enumerate() {
        conn.execute(
            "INSERT INTO unit_e_services (unit_id, id, questionnaire_id, position, answer_within_days)
             VALUES (?1, ?2, ?2, ?3, ?4)",
            params![unit, id, i as i64, days],
        )?;
    }
    Ok(())
}

/// Whether patients may move their own visits at the unit (else only cancel).
pub fn set_reschedulable(conn: &mut Conn<'_>, unit: &str, yes: bool) -> Result<()> {
    conn.execute("UPDATE units SET reschedulable = ?2 WHERE id = ?1", params![unit, yes])?;
    Ok(())
}

/// Keeps a bookable visit type (again), at `position` in the unit's list.
pub fn keep_bookable(conn: &mut Conn<'_>, unit: &str, b: &Bookable, position: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO bookable_types (unit_id, id, title, description, kind, minutes, tariff, bring, position)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (unit_id, id) DO UPDATE SET title = ?3, description = ?4, kind = ?5, minutes = ?6, tariff = ?7,
                                                bring = ?8, position = ?9",
        params![unit, b.id, b.title, b.description, b.kind, b.minutes, b.tariff, b.bring, position],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::tests::on_both;

    fn unit(id: &str, name: &str, city: &str) -> Unit {
        Unit {
            id: id.into(),
            name: name.into(),
            kind: "healthCentre".into(),
            address: "Storgatan 1".into(),
            city: city.into(),
            phone: None,
            time_zone: "Europe/Stockholm".into(),
        }
    }

    #[test]
    fn units_and_what_they_offer_on_both_backends() {
        on_both("units", |conn| {
            add_if_new(conn, &unit("b", "Bergnäset", "Luleå")).unwrap();
            add_if_new(conn, &unit("a", "Arvidsjaur hc", "Arvidsjaur")).unwrap();
            add_if_new(conn, &unit("b", "Annat namn", "Luleå")).unwrap();
            assert_eq!(all(conn).unwrap(), [unit("a", "Arvidsjaur hc", "Arvidsjaur"), unit("b", "Bergnäset", "Luleå")]);
            assert!(exists(conn, "a").unwrap());
            assert!(!exists(conn, "x").unwrap());
            conn.execute(
                "INSERT INTO questionnaires (id, url, version, title, resource, ages_read, min_age, description)
                 VALUES ('q', 'https://q', '1', 'Halsont', '{\"resourceType\":\"Questionnaire\"}', 1, 2, 'Om halsont')",
                params![],
            )
            .unwrap();
            let offer = Offer {
                hours: &[(2, "08:00", "12:00"), (1, "13:00", "16:00"), (1, "08:00", "12:00")],
                services: &["checkIn", "booking"],
                categories: &["q"],
                e_services: &[("q", Some(3))],
            };
            set_offer(conn, "b", &offer).unwrap();
            set_offer(conn, "b", &offer).unwrap();
            let h = hours(conn, "b").unwrap();
            assert_eq!(
                h.iter().map(|d| (d.day, d.opens.as_str())).collect::<Vec<_>>(),
                [(1, "08:00"), (1, "13:00"), (2, "08:00")]
            );
            assert_eq!(services(conn, "b").unwrap(), ["checkIn", "booking"], "replaced, not added");
            assert!(offers(conn, "b", "booking").unwrap());
            assert!(!offers(conn, "a", "booking").unwrap());
            let c = categories(conn, "b").unwrap();
            assert_eq!((c[0].questionnaire_id.as_str(), c[0].min_age, c[0].max_age), ("q", Some(2), None));
            assert_eq!(category_form(conn, "b", "q").unwrap().unwrap().1, "Halsont");
            assert_eq!(category_form(conn, "a", "q").unwrap(), None, "not offered there");
            let e = e_services(conn, "b").unwrap();
            assert_eq!((e[0].description.as_str(), e[0].answer_within_days), ("Om halsont", Some(3)));
            assert_eq!(e_service_form(conn, "b", "q").unwrap().unwrap().answer_within_days, Some(3));
            assert_eq!(e_service_form(conn, "a", "q").unwrap(), None);

            let b = Bookable {
                id: "t".into(),
                title: "Hälsosamtal".into(),
                description: Some("30 minuter".into()),
                kind: "clinic".into(),
                minutes: 30,
                tariff: 200,
                bring: "[]".into(),
            };
            keep_bookable(conn, "b", &b, 0).unwrap();
            keep_bookable(conn, "b", &Bookable { minutes: 45, ..b.clone() }, 0).unwrap();
            assert_eq!(bookable(conn, "b").unwrap(), [Bookable { minutes: 45, ..b }]);
            set_reschedulable(conn, "b", false).unwrap();
        });
    }
}

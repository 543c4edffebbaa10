//! Booked visits and the free times (slots) they can be booked into or moved to, the high-cost
//! protection's registered periods, and the reminders (`crate::domain::visits` has the rules:
//! what a visit shows, its fee, check-in, cancellation, the reminder's text).

use super::{Conn, OptionalExtension, Result, Row, params};

/// A visit with its unit's rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub id: String,
    pub patient: String,
    pub unit_id: String,
    pub unit_name: String,
    /// the unit's street address and town
    pub address: String,
    pub phone: Option<String>,
    pub time_zone: String,
    /// `clinic`, `video`, `phone`
    pub kind: String,
    pub title: String,
    pub clinician: Option<String>,
    pub starts_at: i64,
    pub ends_at: i64,
    /// what to bring, a JSON array of texts
    pub bring: String,
    pub tariff: i64,
    /// `booked`, `checkedIn`, `cancelled`
    pub status: String,
    pub late_cancel_fee: Option<i64>,
    /// set at check-in
    pub fee: Option<i64>,
    pub video_url: Option<String>,
    /// the unit's check-in window before the start
    pub check_in_minutes: i64,
    /// free cancellation until this many hours before
    pub cancel_free_hours: i64,
    /// may patients move their own visits at the unit
    pub reschedulable: bool,
    /// does the unit check visits in (the kiosk, the app)
    pub has_check_in: bool,
}

const VISIT: &str = "SELECT v.id AS id, v.patient AS patient, v.unit_id AS unit_id, u.name AS unit_name,
        u.address || ', ' || u.city AS address, u.phone AS phone, u.time_zone AS time_zone,
        v.kind AS kind, v.title AS title, v.clinician AS clinician, v.starts_at AS starts_at, v.ends_at AS ends_at,
        v.bring AS bring, v.tariff AS tariff, v.status AS status, v.late_cancel_fee AS late_cancel_fee, v.fee AS fee,
        v.video_url AS video_url, u.check_in_minutes AS check_in_minutes, u.cancel_free_hours AS cancel_free_hours,
        u.reschedulable AS reschedulable,
        EXISTS (SELECT 1 FROM unit_services s WHERE s.unit_id = v.unit_id AND s.service = 'checkIn') AS has_check_in
    FROM visits v JOIN units u ON u.id = v.unit_id";

fn visit(r: &Row) -> Result<Stored> {
    Ok(Stored {
        id: r.get("id")?,
        patient: r.get("patient")?,
        unit_id: r.get("unit_id")?,
        unit_name: r.get("unit_name")?,
        address: r.get("address")?,
        phone: r.get("phone")?,
        time_zone: r.get("time_zone")?,
        kind: r.get("kind")?,
        title: r.get("title")?,
        clinician: r.get("clinician")?,
        starts_at: r.get("starts_at")?,
        ends_at: r.get("ends_at")?,
        bring: r.get("bring")?,
        tariff: r.get("tariff")?,
        status: r.get("status")?,
        late_cancel_fee: r.get("late_cancel_fee")?,
        fee: r.get("fee")?,
        video_url: r.get("video_url")?,
        check_in_minutes: r.get("check_in_minutes")?,
        cancel_free_hours: r.get("cancel_free_hours")?,
        reschedulable: r.get("reschedulable")?,
        has_check_in: r.get("has_check_in")?,
    })
}

/// The visit `id`.
pub fn find(conn: &mut Conn<'_>, id: &str) -> Result<Option<Stored>> {
    conn.query_row(&format!("{VISIT} WHERE v.id = ?1"), params![id], visit).optional()
}

/// The patient's visits, by start.
pub fn of_patient(conn: &mut Conn<'_>, patient: &str) -> Result<Vec<Stored>> {
    conn.query_map(&format!("{VISIT} WHERE v.patient = ?1 ORDER BY v.starts_at"), params![patient], visit)
}

/// The visit booked by `booked_by` with this idempotency key.
pub fn by_key(conn: &mut Conn<'_>, booked_by: &str, key: &str) -> Result<Option<String>> {
    conn.query_row(
        "SELECT id FROM visits WHERE booked_by = ?1 AND idempotency_key = ?2",
        params![booked_by, key],
        |r| r.get("id"),
    )
    .optional()
}

/// Has the patient a booked visit of this type at the unit, starting after `now`?
pub fn has_booked(conn: &mut Conn<'_>, patient: &str, unit: &str, type_id: &str, now: i64) -> Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM visits WHERE patient = ?1 AND unit_id = ?2 AND type_id = ?3
                          AND status = 'booked' AND starts_at > ?4) AS found",
        params![patient, unit, type_id, now],
        |r| r.get("found"),
    )
}

/// A visit to book.
#[derive(Debug, Clone, Copy)]
pub struct NewVisit<'a> {
    pub id: &'a str,
    pub patient: &'a str,
    pub unit_id: &'a str,
    pub kind: &'a str,
    pub title: &'a str,
    pub clinician: Option<&'a str>,
    pub starts_at: i64,
    pub ends_at: i64,
    /// a JSON array of texts
    pub bring: &'a str,
    pub tariff: i64,
    /// `booked` (or, in demo data, another status)
    pub status: &'a str,
    /// the bookable type it was booked as (self-booked visits)
    pub type_id: Option<&'a str>,
    pub booked_by: Option<&'a str>,
    pub key: Option<&'a str>,
}

/// Keeps a new visit unless its id is taken; whether it was kept.
pub fn insert(conn: &mut Conn<'_>, v: &NewVisit<'_>) -> Result<bool> {
    Ok(conn.execute(
        "INSERT INTO visits (id, patient, unit_id, kind, title, clinician, starts_at, ends_at, bring, tariff, status,
                             type_id, booked_by, idempotency_key)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
         ON CONFLICT DO NOTHING",
        params![
            v.id,
            v.patient,
            v.unit_id,
            v.kind,
            v.title,
            v.clinician,
            v.starts_at,
            v.ends_at,
            v.bring,
            v.tariff,
            v.status,
            v.type_id,
            v.booked_by,
            v.key
        ],
    )? == 1)
}

/// The patient cancels a booked visit (its slot is free again); whether it was booked.
pub fn cancel(conn: &mut Conn<'_>, id: &str, late_fee: Option<i64>, now: i64) -> Result<bool> {
    conn.transaction(|tx| {
        let cancelled = tx.execute(
            "UPDATE visits SET status = 'cancelled', cancelled_at = ?2, late_cancel_fee = ?3
             WHERE id = ?1 AND status = 'booked'",
            params![id, now, late_fee],
        )? == 1;
        tx.execute("UPDATE slots SET visit_id = NULL WHERE visit_id = ?1", params![id])?;
        Ok(cancelled)
    })
}

/// The patient checks in with the fee of the visit; whether it was booked.
pub fn check_in(conn: &mut Conn<'_>, id: &str, fee: i64, now: i64) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE visits SET status = 'checkedIn', checked_in_at = ?2, fee = ?3 WHERE id = ?1 AND status = 'booked'",
        params![id, now, fee],
    )? == 1)
}

/// The visit moves to the free slot `slot` (starts, ends); its reminder goes again.
pub fn move_to(conn: &mut Conn<'_>, id: &str, slot: &str, starts_at: i64, ends_at: i64) -> Result<()> {
    conn.execute("UPDATE slots SET visit_id = NULL WHERE visit_id = ?1", params![id])?;
    conn.execute("UPDATE slots SET visit_id = ?1 WHERE id = ?2", params![id, slot])?;
    conn.execute(
        "UPDATE visits SET starts_at = ?2, ends_at = ?3, reminder_sent_at = NULL WHERE id = ?1",
        params![id, starts_at, ends_at],
    )?;
    Ok(())
}

/// A time at a unit, free (`visit_id` none) or taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub id: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub kind: String,
    pub visit_id: Option<String>,
}

fn slot(r: &Row) -> Result<Slot> {
    Ok(Slot {
        id: r.get("id")?,
        starts_at: r.get("starts_at")?,
        ends_at: r.get("ends_at")?,
        kind: r.get("kind")?,
        visit_id: r.get("visit_id")?,
    })
}

/// The slot `id` of this unit and kind.
pub fn slot_of(conn: &mut Conn<'_>, id: &str, unit: &str, kind: &str) -> Result<Option<Slot>> {
    conn.query_row(
        "SELECT id, starts_at, ends_at, kind, visit_id FROM slots WHERE id = ?1 AND unit_id = ?2 AND kind = ?3",
        params![id, unit, kind],
        slot,
    )
    .optional()
}

/// Up to `limit` free slots of this unit and kind starting from `from` to before `to`, by time.
pub fn free_slots(conn: &mut Conn<'_>, unit: &str, kind: &str, from: i64, to: i64, limit: i64) -> Result<Vec<Slot>> {
    conn.query_map(
        "SELECT id, starts_at, ends_at, kind, visit_id FROM slots
         WHERE unit_id = ?1 AND kind = ?2 AND visit_id IS NULL AND starts_at >= ?3 AND starts_at < ?4
         ORDER BY starts_at LIMIT ?5",
        params![unit, kind, from, to, limit],
        slot,
    )
}

/// The slot is the visit's.
pub fn take_slot(conn: &mut Conn<'_>, slot: &str, visit: &str) -> Result<()> {
    conn.execute("UPDATE slots SET visit_id = ?1 WHERE id = ?2", params![visit, slot])?;
    Ok(())
}

/// Keeps a free slot (demo data).
pub fn add_slot(conn: &mut Conn<'_>, s: &Slot, unit: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO slots (id, unit_id, kind, starts_at, ends_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
        params![s.id, unit, s.kind, s.starts_at, s.ends_at],
    )?;
    Ok(())
}

/// Every free slot goes (demo data: they are laid out anew from today).
pub fn drop_free_slots(conn: &mut Conn<'_>) -> Result<()> {
    conn.execute("DELETE FROM slots WHERE visit_id IS NULL", params![])?;
    Ok(())
}

/// A booked visit due a reminder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub id: String,
    pub patient: String,
    pub starts_at: i64,
    pub check_in_minutes: i64,
}

/// The booked visits not yet reminded of, starting after `from` up to `to`, at units that check
/// visits in.
pub fn due_reminders(conn: &mut Conn<'_>, from: i64, to: i64) -> Result<Vec<Due>> {
    conn.query_map(
        "SELECT v.id AS id, v.patient AS patient, v.starts_at AS starts_at, u.check_in_minutes AS check_in_minutes
         FROM visits v JOIN units u ON u.id = v.unit_id
         WHERE v.status = 'booked' AND v.reminder_sent_at IS NULL AND v.starts_at > ?1 AND v.starts_at <= ?2
           AND EXISTS (SELECT 1 FROM unit_services s WHERE s.unit_id = v.unit_id AND s.service = 'checkIn')",
        params![from, to],
        |r| {
            Ok(Due {
                id: r.get("id")?,
                patient: r.get("patient")?,
                starts_at: r.get("starts_at")?,
                check_in_minutes: r.get("check_in_minutes")?,
            })
        },
    )
}

/// Claims the visit's reminder (once, across processes); whether this call did.
pub fn claim_reminder(conn: &mut Conn<'_>, id: &str, now: i64) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE visits SET reminder_sent_at = ?2 WHERE id = ?1 AND reminder_sent_at IS NULL",
        params![id, now],
    )? == 1)
}

/// A period of the high-cost protection registered for a person (paid before this server knew).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HighCost {
    pub period_start: i64,
    pub paid_before: i64,
    pub frikort_until: Option<i64>,
}

/// The person's registered high-cost period.
pub fn high_cost(conn: &mut Conn<'_>, pnr: &str) -> Result<Option<HighCost>> {
    conn.query_row(
        "SELECT period_start, paid_before, frikort_until FROM high_cost WHERE personal_number = ?1",
        params![pnr],
        |r| {
            Ok(HighCost {
                period_start: r.get("period_start")?,
                paid_before: r.get("paid_before")?,
                frikort_until: r.get("frikort_until")?,
            })
        },
    )
    .optional()
}

/// Registers a person's high-cost period (replacing one registered before).
pub fn register_high_cost(conn: &mut Conn<'_>, pnr: &str, h: &HighCost) -> Result<()> {
    conn.execute(
        "INSERT INTO high_cost (personal_number, period_start, paid_before, frikort_until) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (personal_number) DO UPDATE SET period_start = ?2, paid_before = ?3, frikort_until = ?4",
        params![pnr, h.period_start, h.paid_before, h.frikort_until],
    )?;
    Ok(())
}

/// A visit as the staff console's day list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForStaff {
    pub id: String,
    pub unit_id: String,
    pub unit_name: String,
    /// the patient's name, or their personnummer when the server has no name
    pub patient: String,
    pub title: String,
    pub starts_at: i64,
    pub status: String,
    pub checked_in_at: Option<i64>,
    pub fee: Option<i64>,
    /// how a settled payment was made, and its status (`PAID`, `INVOICED`)
    pub method: Option<String>,
    pub payment_status: Option<String>,
}

/// The visits starting from `from` to before `to`, by unit and time, for the staff console.
pub fn for_staff(conn: &mut Conn<'_>, from: i64, to: i64) -> Result<Vec<ForStaff>> {
    conn.query_map(
        "SELECT v.id AS id, u.name AS unit_name, COALESCE(p.name, v.patient) AS patient, v.title AS title,
                v.starts_at AS starts_at, v.status AS status, v.checked_in_at AS checked_in_at, v.fee AS fee,
                (SELECT method FROM payments WHERE visit_id = v.id AND status IN ('PAID', 'INVOICED')) AS method,
                (SELECT status FROM payments WHERE visit_id = v.id AND status IN ('PAID', 'INVOICED'))
                    AS payment_status,
                v.unit_id AS unit_id
         FROM visits v JOIN units u ON u.id = v.unit_id LEFT JOIN people p ON p.personal_number = v.patient
         WHERE v.starts_at >= ?1 AND v.starts_at < ?2 ORDER BY u.name, v.starts_at",
        params![from, to],
        |r| {
            Ok(ForStaff {
                id: r.get("id")?,
                unit_id: r.get("unit_id")?,
                unit_name: r.get("unit_name")?,
                patient: r.get("patient")?,
                title: r.get("title")?,
                starts_at: r.get("starts_at")?,
                status: r.get("status")?,
                checked_in_at: r.get("checked_in_at")?,
                fee: r.get("fee")?,
                method: r.get("method")?,
                payment_status: r.get("payment_status")?,
            })
        },
    )
}

/// A visit of the demo data: past ones are checked in with their fee; a booked one moves to
/// its day from today at each start (one checked in stays as it is unless it moves to the past).
#[derive(Debug, Clone, Copy)]
pub struct DemoVisit<'a> {
    pub id: &'a str,
    pub patient: &'a str,
    pub unit_id: &'a str,
    pub kind: &'a str,
    pub title: &'a str,
    pub clinician: Option<&'a str>,
    pub starts_at: i64,
    pub ends_at: i64,
    pub bring: &'a str,
    pub tariff: i64,
    pub status: &'a str,
    pub checked_in_at: Option<i64>,
    pub fee: Option<i64>,
}

/// Keeps a demo visit (see [`DemoVisit`]).
pub fn seed_demo(conn: &mut Conn<'_>, v: &DemoVisit<'_>, now: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO visits (id, patient, unit_id, kind, title, clinician, starts_at, ends_at, bring, tariff, status,
                             checked_in_at, fee)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
         ON CONFLICT (id) DO UPDATE SET patient = ?2, starts_at = ?7, ends_at = ?8, reminder_sent_at = NULL
         WHERE visits.status = 'booked' OR ?7 < ?14",
        params![
            v.id,
            v.patient,
            v.unit_id,
            v.kind,
            v.title,
            v.clinician,
            v.starts_at,
            v.ends_at,
            v.bring,
            v.tariff,
            v.status,
            v.checked_in_at,
            v.fee,
            now
        ],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::tests::on_both;

    fn unit(conn: &mut Conn<'_>) {
        conn.execute("INSERT INTO units (id, name, kind, address, city) VALUES ('u', 'Vårdcentralen', 'dental', 'Storgatan 1', 'Luleå')", params![])
            .unwrap();
        conn.execute("INSERT INTO unit_services (unit_id, service, position) VALUES ('u', 'checkIn', 0)", params![])
            .unwrap();
    }

    fn new<'a>(id: &'a str, starts_at: i64) -> NewVisit<'a> {
        NewVisit {
            id,
            patient: "198001139297",
            unit_id: "u",
            kind: "clinic",
            title: "Hälsosamtal",
            clinician: None,
            starts_at,
            ends_at: starts_at + 1800,
            bring: "[]",
            tariff: 200,
            status: "booked",
            type_id: Some("t"),
            booked_by: Some("198001139297"),
            key: Some(id),
        }
    }

    #[test]
    fn visits_slots_reminders_and_high_cost_on_both_backends() {
        on_both("visits", |conn| {
            unit(conn);
            let slot = |id: &str, at: i64| Slot {
                id: id.into(),
                starts_at: at,
                ends_at: at + 1800,
                kind: "clinic".into(),
                visit_id: None,
            };
            add_slot(conn, &slot("s1", 10_000), "u").unwrap();
            add_slot(conn, &slot("s2", 20_000), "u").unwrap();
            add_slot(conn, &slot("s3", 30_000), "u").unwrap();
            assert_eq!(free_slots(conn, "u", "clinic", 15_000, 40_000, 10).unwrap().len(), 2);
            assert_eq!(free_slots(conn, "u", "video", 0, 40_000, 10).unwrap().len(), 0);

            assert!(insert(conn, &new("v1", 10_000)).unwrap());
            assert!(!insert(conn, &new("v1", 10_000)).unwrap(), "an id once");
            take_slot(conn, "s1", "v1").unwrap();
            assert_eq!(slot_of(conn, "s1", "u", "clinic").unwrap().unwrap().visit_id.as_deref(), Some("v1"));
            assert_eq!(slot_of(conn, "s1", "u", "video").unwrap(), None, "another kind");
            assert_eq!(by_key(conn, "198001139297", "v1").unwrap().as_deref(), Some("v1"));
            assert!(has_booked(conn, "198001139297", "u", "t", 0).unwrap());
            assert!(!has_booked(conn, "198001139297", "u", "t", 10_000).unwrap(), "started");
            let v = find(conn, "v1").unwrap().unwrap();
            assert_eq!((v.address.as_str(), v.has_check_in, v.reschedulable), ("Storgatan 1, Luleå", true, true));

            move_to(conn, "v1", "s2", 20_000, 21_800).unwrap();
            assert_eq!(find(conn, "v1").unwrap().unwrap().starts_at, 20_000);
            assert_eq!(
                free_slots(conn, "u", "clinic", 0, 40_000, 10)
                    .unwrap()
                    .iter()
                    .map(|s| s.id.as_str())
                    .collect::<Vec<_>>(),
                ["s1", "s3"]
            );

            assert_eq!(due_reminders(conn, 13_000, 20_000).unwrap().len(), 1);
            assert!(claim_reminder(conn, "v1", 13_000).unwrap());
            assert!(!claim_reminder(conn, "v1", 13_001).unwrap(), "once");
            assert!(due_reminders(conn, 13_000, 20_000).unwrap().is_empty());

            assert!(insert(conn, &NewVisit { key: Some("v2"), ..new("v2", 30_000) }).unwrap());
            take_slot(conn, "s3", "v2").unwrap();
            assert!(cancel(conn, "v2", Some(400), 25_000).unwrap());
            assert!(!cancel(conn, "v2", None, 25_001).unwrap(), "once");
            let v2 = find(conn, "v2").unwrap().unwrap();
            assert_eq!((v2.status.as_str(), v2.late_cancel_fee), ("cancelled", Some(400)));
            assert!(slot_of(conn, "s3", "u", "clinic").unwrap().unwrap().visit_id.is_none(), "free again");

            assert!(check_in(conn, "v1", 200, 19_500).unwrap());
            assert!(!check_in(conn, "v1", 200, 19_600).unwrap(), "once");
            assert_eq!(find(conn, "v1").unwrap().unwrap().fee, Some(200));
            assert_eq!(
                of_patient(conn, "198001139297").unwrap().iter().map(|v| v.id.as_str()).collect::<Vec<_>>(),
                ["v1", "v2"]
            );
            let day = for_staff(conn, 0, 40_000).unwrap();
            assert_eq!(
                (day[0].status.as_str(), day[0].checked_in_at, day[0].payment_status.as_deref()),
                ("checkedIn", Some(19_500), None)
            );

            assert_eq!(high_cost(conn, "198001139297").unwrap(), None);
            let h = HighCost { period_start: 5, paid_before: 900, frikort_until: None };
            register_high_cost(conn, "198001139297", &h).unwrap();
            register_high_cost(conn, "198001139297", &HighCost { paid_before: 1000, ..h }).unwrap();
            assert_eq!(high_cost(conn, "198001139297").unwrap().unwrap().paid_before, 1000);

            drop_free_slots(conn).unwrap();
            assert!(free_slots(conn, "u", "clinic", 0, 40_000, 10).unwrap().is_empty());
            assert!(slot_of(conn, "s2", "u", "clinic").unwrap().is_some(), "a taken one stays");

            let demo = DemoVisit {
                id: "d",
                patient: "198001139297",
                unit_id: "u",
                kind: "clinic",
                title: "Demo",
                clinician: None,
                starts_at: 50_000,
                ends_at: 51_000,
                bring: "[]",
                tariff: 100,
                status: "booked",
                checked_in_at: None,
                fee: None,
            };
            seed_demo(conn, &demo, 40_000).unwrap();
            seed_demo(conn, &DemoVisit { starts_at: 60_000, ..demo }, 40_000).unwrap();
            assert_eq!(find(conn, "d").unwrap().unwrap().starts_at, 60_000, "a booked one moves");
        });
    }
}

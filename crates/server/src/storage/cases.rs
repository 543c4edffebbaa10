//! Care requests ("Digitalen") and their queues: a case is `waiting` in its unit's queue (by
//! priority, then by when it queued), `inProgress` once staff pick it, then `closed` or
//! `withdrawn` (`crate::domain::cases` has the rules: who may see a case, its place and wait,
//! how many may be open, continuing a closed one).

use super::{Conn, OptionalExtension, Result, Row, params, params_from_iter, placeholders};

/// A case as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub id: String,
    /// the personnummer it is for (the owner or their child)
    pub patient: String,
    pub unit_id: String,
    pub unit_name: String,
    pub title: String,
    /// `waiting`, `inProgress`, `closed` or `withdrawn`
    pub status: String,
    /// 1 (most urgent) to 3
    pub priority: i64,
    pub created_at: i64,
    pub closed_at: Option<i64>,
    /// when it last joined its queue (created, or continued)
    pub queued_at: i64,
    /// the order cases were written in (ties in the queue)
    pub seq: i64,
    pub questionnaire_id: String,
    pub description: String,
}

const CASE: &str =
    "SELECT c.id, c.patient, c.unit_id, u.name AS unit_name, c.title, c.status, c.priority, c.created_at, c.closed_at,
            COALESCE(c.queued_at, c.created_at) AS queued_at, c.seq, c.questionnaire_id, c.description
     FROM cases c JOIN units u ON u.id = c.unit_id";

fn case(r: &Row) -> Result<Stored> {
    Ok(Stored {
        id: r.get("id")?,
        patient: r.get("patient")?,
        unit_id: r.get("unit_id")?,
        unit_name: r.get("unit_name")?,
        title: r.get("title")?,
        status: r.get("status")?,
        priority: r.get("priority")?,
        created_at: r.get("created_at")?,
        closed_at: r.get("closed_at")?,
        queued_at: r.get("queued_at")?,
        seq: r.get("seq")?,
        questionnaire_id: r.get("questionnaire_id")?,
        description: r.get("description")?,
    })
}

/// The case `id`.
pub fn find(conn: &mut Conn<'_>, id: &str) -> Result<Option<Stored>> {
    conn.query_row(&format!("{CASE} WHERE c.id = ?1"), params![id], case).optional()
}

/// The cases of these patients (personnummer), newest first.
pub fn of_patients(conn: &mut Conn<'_>, patients: &[String]) -> Result<Vec<Stored>> {
    let sql =
        format!("{CASE} WHERE c.patient IN ({}) ORDER BY c.created_at DESC, c.seq DESC", placeholders(patients.len()));
    conn.query_map(&sql, params_from_iter(patients.iter()), case)
}

/// Who made the case (whose event stream hears of it).
pub fn owner(conn: &mut Conn<'_>, id: &str) -> Result<Option<String>> {
    conn.query_row("SELECT owner FROM cases WHERE id = ?1", params![id], |r| r.get("owner")).optional()
}

/// The case's owner, status and unit.
pub fn owner_status_unit(conn: &mut Conn<'_>, id: &str) -> Result<Option<(String, String, String)>> {
    conn.query_row("SELECT owner, status, unit_id FROM cases WHERE id = ?1", params![id], |r| {
        Ok((r.get("owner")?, r.get("status")?, r.get("unit_id")?))
    })
    .optional()
}

/// The waiting cases `owner` made: (case id, unit id).
pub fn waiting_of_owner(conn: &mut Conn<'_>, owner: &str) -> Result<Vec<(String, String)>> {
    conn.prepare_cached("SELECT id, unit_id FROM cases WHERE owner = ?1 AND status = 'waiting'")?
        .query_map(params![owner], |r| Ok((r.get("id")?, r.get("unit_id")?)))?
        .collect()
}

/// How many waiting cases of the unit come before one with this priority, queue time and
/// sequence.
pub fn ahead_of(conn: &mut Conn<'_>, unit: &str, priority: i64, queued_at: i64, seq: i64) -> Result<u32> {
    let n: i64 = conn.query_row(
        "SELECT COUNT(*) AS ahead FROM cases WHERE unit_id = ?1 AND status = 'waiting'
           AND (priority < ?2 OR (priority = ?2 AND (COALESCE(queued_at, created_at) < ?3
                OR (COALESCE(queued_at, created_at) = ?3 AND seq < ?4))))",
        params![unit, priority, queued_at, seq],
        |r| r.get("ahead"),
    )?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Every waiting case of a unit with its position in the queue (1 = next).
pub fn positions(conn: &mut Conn<'_>, unit: &str) -> Result<Vec<(String, u32)>> {
    conn.query_map(
        "SELECT id, ROW_NUMBER() OVER (ORDER BY priority, COALESCE(queued_at, created_at), seq) AS position
         FROM cases WHERE unit_id = ?1 AND status = 'waiting'",
        params![unit],
        |r| Ok((r.get("id")?, r.get("position")?)),
    )
}

/// Minutes from joining the queue to being picked, on average over the unit's last 20 picked
/// cases (`None` when none has been).
pub fn recent_minutes(conn: &mut Conn<'_>, unit: &str) -> Result<Option<f64>> {
    conn.query_row(
        "SELECT CAST(AVG(picked_at - queued_at) AS DOUBLE PRECISION) / 60.0 AS minutes FROM
           (SELECT picked_at, COALESCE(queued_at, created_at) AS queued_at FROM cases
            WHERE unit_id = ?1 AND picked_at IS NOT NULL ORDER BY picked_at DESC LIMIT 20) AS recent",
        params![unit],
        |r| r.get("minutes"),
    )
}

/// The case `owner` made with this idempotency key.
pub fn by_key(conn: &mut Conn<'_>, owner: &str, key: &str) -> Result<Option<String>> {
    conn.query_row("SELECT id FROM cases WHERE owner = ?1 AND idempotency_key = ?2", params![owner, key], |r| {
        r.get("id")
    })
    .optional()
}

/// How many cases for `patient` are waiting or in progress, leaving out the one `owner` makes
/// with `key` (a retry of it is no new case).
pub fn open_for(conn: &mut Conn<'_>, patient: &str, owner: &str, key: &str) -> Result<u32> {
    let n: i64 = conn.query_row(
        "SELECT COUNT(*) AS count FROM cases WHERE patient = ?1 AND status IN ('waiting', 'inProgress')
         AND NOT (owner = ?2 AND idempotency_key = ?3)",
        params![patient, owner, key],
        |r| r.get("count"),
    )?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// A new case, in its unit's queue from `now`.
#[derive(Debug, Clone, Copy)]
pub struct NewCase<'a> {
    pub id: &'a str,
    pub owner: &'a str,
    pub patient: &'a str,
    pub unit_id: &'a str,
    pub questionnaire_id: &'a str,
    pub title: &'a str,
    /// the QuestionnaireResponse, validated
    pub response: &'a str,
    pub priority: i64,
    pub description: &'a str,
    pub key: &'a str,
    /// `waiting` (a new request), or another status (demo data)
    pub status: &'a str,
}

/// Keeps a new case unless its owner made one with its key; the id of the one kept (two
/// identical requests at once: the loser gets the winner's).
pub fn create(conn: &mut Conn<'_>, c: &NewCase<'_>, now: i64) -> Result<String> {
    conn.execute(
        "INSERT INTO cases (id, owner, patient, unit_id, questionnaire_id, title, response, priority, status,
                            created_at, queued_at, idempotency_key, description, rules_accepted_at, seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?12, ?9, ?9, ?10, ?11, ?9, (SELECT COALESCE(MAX(seq), 0) + 1 FROM cases))
         ON CONFLICT DO NOTHING",
        params![
            c.id,
            c.owner,
            c.patient,
            c.unit_id,
            c.questionnaire_id,
            c.title,
            c.response,
            c.priority,
            now,
            c.key,
            c.description,
            c.status
        ],
    )?;
    by_key(conn, c.owner, c.key)?.ok_or(super::Error::NoRows)
}

/// The patient withdraws a waiting case; whether it was waiting.
pub fn withdraw(conn: &mut Conn<'_>, id: &str, now: i64) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE cases SET status = 'withdrawn', closed_at = ?2 WHERE id = ?1 AND status = 'waiting'",
        params![id, now],
    )? == 1)
}

/// Puts a case closed after `closed_after` back in its queue; whether it was.
pub fn reopen(conn: &mut Conn<'_>, id: &str, closed_after: i64, now: i64) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE cases SET status = 'waiting', queued_at = ?2, picked_at = NULL, closed_at = NULL
         WHERE id = ?1 AND status = 'closed' AND closed_at > ?3",
        params![id, now, closed_after],
    )? == 1)
}

/// Staff pick a waiting case ("din tur"); whether it was waiting.
pub fn pick(conn: &mut Conn<'_>, id: &str, now: i64) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE cases SET status = 'inProgress', picked_at = ?2 WHERE id = ?1 AND status = 'waiting'",
        params![id, now],
    )? == 1)
}

/// Staff close a waiting or ongoing case; whether it was open.
pub fn close(conn: &mut Conn<'_>, id: &str, now: i64) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE cases SET status = 'closed', closed_at = ?2 WHERE id = ?1 AND status IN ('waiting', 'inProgress')",
        params![id, now],
    )? == 1)
}

/// A closed case of the demo data, closed at `closed_at` (moved to that time again at each
/// start unless somebody has continued it since).
#[derive(Debug, Clone, Copy)]
pub struct DemoClosed<'a> {
    pub id: &'a str,
    pub patient: &'a str,
    pub unit_id: &'a str,
    pub questionnaire_id: &'a str,
    pub title: &'a str,
    pub response: &'a str,
    pub description: &'a str,
    pub created_at: i64,
    pub closed_at: i64,
}

/// Keeps a closed demo case (see [`DemoClosed`]).
pub fn seed_closed(conn: &mut Conn<'_>, c: &DemoClosed<'_>) -> Result<()> {
    conn.execute(
        "INSERT INTO cases (id, owner, patient, unit_id, questionnaire_id, title, response, priority, status,
                            created_at, queued_at, picked_at, closed_at, idempotency_key, description, seq)
         VALUES (?1, ?2, ?2, ?3, ?4, ?5, ?6, 3, 'closed', ?7, ?7, ?7, ?8, ?1, ?9,
                 (SELECT COALESCE(MAX(seq), 0) + 1 FROM cases))
         ON CONFLICT (id) DO UPDATE SET created_at = ?7, queued_at = ?7, picked_at = ?7, closed_at = ?8
         WHERE cases.status = 'closed'",
        params![
            c.id,
            c.patient,
            c.unit_id,
            c.questionnaire_id,
            c.title,
            c.response,
            c.created_at,
            c.closed_at,
            c.description
        ],
    )?;
    Ok(())
}

/// Staff change a case's priority (1–3); whether the case exists.
pub fn set_priority(conn: &mut Conn<'_>, id: &str, priority: i64) -> Result<bool> {
    Ok(conn.execute("UPDATE cases SET priority = ?2 WHERE id = ?1", params![id, priority])? == 1)
}

/// The owner's mobile number and language when they want SMS about the case.
pub fn sms_to_owner(conn: &mut Conn<'_>, id: &str) -> Result<Option<(String, String)>> {
    conn.query_row(
        "SELECT d.mobile, d.language FROM cases c JOIN contact_details d ON d.personal_number = c.owner
         WHERE c.id = ?1 AND d.notify_sms = 1 AND d.mobile IS NOT NULL",
        params![id],
        |r| Ok((r.get("mobile")?, r.get("language")?)),
    )
    .optional()
}

/// A case in the staff console's queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    pub id: String,
    pub unit: String,
    pub unit_id: String,
    /// the patient's name, or their personnummer when the server has no name
    pub patient: String,
    pub title: String,
    pub priority: i64,
    pub status: String,
    pub queued_at: i64,
}

/// Every waiting or ongoing case, by unit (name), ongoing first, then in queue order.
pub fn queues(conn: &mut Conn<'_>) -> Result<Vec<Queued>> {
    conn.query_map(
        "SELECT c.id, u.name AS unit_name, COALESCE(p.name, c.patient) AS patient_name, c.title, c.priority,
                c.status, COALESCE(c.queued_at, c.created_at) AS queued_at, c.unit_id
         FROM cases c JOIN units u ON u.id = c.unit_id LEFT JOIN people p ON p.personal_number = c.patient
         WHERE c.status IN ('waiting', 'inProgress')
         ORDER BY u.name, c.status = 'waiting', c.priority, COALESCE(c.queued_at, c.created_at), c.seq",
        params![],
        |r| {
            Ok(Queued {
                id: r.get("id")?,
                unit: r.get("unit_name")?,
                unit_id: r.get("unit_id")?,
                patient: r.get("patient_name")?,
                title: r.get("title")?,
                priority: r.get("priority")?,
                status: r.get("status")?,
                queued_at: r.get("queued_at")?,
            })
        },
    )
}

/// A case as its page in the staff console shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForStaff {
    /// the patient's name, or their personnummer
    pub patient: String,
    pub title: String,
    pub priority: i64,
    pub status: String,
    pub response: String,
    pub description: String,
    /// the questionnaire's resource, when the form is known
    pub form: Option<String>,
}

/// The case `id` for its page in the staff console.
pub fn page_for_staff(conn: &mut Conn<'_>, id: &str) -> Result<Option<ForStaff>> {
    conn.query_row(
        "SELECT COALESCE(p.name, c.patient) AS patient, c.title AS title, c.priority AS priority,
                c.status AS status, c.response AS response, c.description AS description, q.resource AS form
         FROM cases c LEFT JOIN people p ON p.personal_number = c.patient
         LEFT JOIN questionnaires q ON q.id = c.questionnaire_id WHERE c.id = ?1",
        params![id],
        |r| {
            Ok(ForStaff {
                patient: r.get("patient")?,
                title: r.get("title")?,
                priority: r.get("priority")?,
                status: r.get("status")?,
                response: r.get("response")?,
                description: r.get("description")?,
                form: r.get("form")?,
            })
        },
    )
    .optional()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::tests::on_both;

    fn new<'a>(id: &'a str, key: &'a str, priority: i64) -> NewCase<'a> {
        NewCase {
            id,
            owner: "198001139297",
            patient: "198001139297",
            unit_id: "u",
            questionnaire_id: "q",
            title: "Halsont",
            response: "{}",
            priority,
            description: "Ont i halsen",
            key,
            status: "waiting",
        }
    }

    #[test]
    fn a_queue_by_priority_then_time_and_its_changes_on_both_backends() {
        on_both("cases", |conn| {
            conn.execute(
                "INSERT INTO units (id, name, kind, address, city) VALUES ('u', 'Vårdcentralen', 'dental', 'a', 'c')",
                params![],
            )
            .unwrap();
            assert_eq!(create(conn, &new("a", "k1", 3), 100).unwrap(), "a");
            assert_eq!(create(conn, &new("x", "k1", 1), 101).unwrap(), "a", "the same key: the first case");
            assert_eq!(create(conn, &new("b", "k2", 3), 100).unwrap(), "b");
            assert_eq!(create(conn, &new("c", "k3", 1), 105).unwrap(), "c");
            assert_eq!(by_key(conn, "198001139297", "k2").unwrap().as_deref(), Some("b"));
            let order = |conn: &mut Conn<'_>| {
                let mut p = positions(conn, "u").unwrap();
                p.sort_by_key(|(_, n)| *n);
                p.into_iter().map(|(id, _)| id).collect::<Vec<_>>()
            };
            assert_eq!(order(conn), ["c", "a", "b"], "priority first, then time, then the order written");
            let b = find(conn, "b").unwrap().unwrap();
            assert_eq!(ahead_of(conn, "u", b.priority, b.queued_at, b.seq).unwrap(), 2);
            assert_eq!(open_for(conn, "198001139297", "198001139297", "k9").unwrap(), 3);
            assert_eq!(open_for(conn, "198001139297", "198001139297", "k3").unwrap(), 2, "a retry is no new case");
            assert_eq!(waiting_of_owner(conn, "198001139297").unwrap().len(), 3);
            assert_eq!(recent_minutes(conn, "u").unwrap(), None);

            assert!(pick(conn, "c", 160).unwrap());
            assert!(!pick(conn, "c", 161).unwrap(), "picked once");
            assert_eq!(recent_minutes(conn, "u").unwrap(), Some(55.0 / 60.0));
            assert!(withdraw(conn, "b", 170).unwrap());
            assert!(!withdraw(conn, "c", 170).unwrap(), "not waiting");
            assert_eq!(order(conn), ["a"]);
            let queue = queues(conn).unwrap();
            assert_eq!(
                queue.iter().map(|q| (q.id.as_str(), q.status.as_str())).collect::<Vec<_>>(),
                [("c", "inProgress"), ("a", "waiting")]
            );
            assert_eq!(queue[0].patient, "198001139297", "no name known");

            assert!(close(conn, "c", 200).unwrap());
            assert!(!reopen(conn, "c", 200, 300).unwrap(), "closed too long ago");
            assert!(reopen(conn, "c", 199, 300).unwrap());
            let c = find(conn, "c").unwrap().unwrap();
            assert_eq!((c.status.as_str(), c.queued_at, c.closed_at), ("waiting", 300, None));
            assert_eq!(order(conn), ["c", "a"], "priority 1 again");
            assert!(set_priority(conn, "c", 3).unwrap());
            assert_eq!(order(conn), ["a", "c"], "queued later");
            assert_eq!(owner_status_unit(conn, "c").unwrap().unwrap().1, "waiting");
            assert_eq!(of_patients(conn, &["198001139297".into()]).unwrap().len(), 3);
            assert_eq!(sms_to_owner(conn, "c").unwrap(), None);
            assert_eq!(page_for_staff(conn, "c").unwrap().unwrap().description, "Ont i halsen");

            let demo = DemoClosed {
                id: "d",
                patient: "198001139297",
                unit_id: "u",
                questionnaire_id: "q",
                title: "Tidigare",
                response: "{}",
                description: "Demo",
                created_at: 10,
                closed_at: 20,
            };
            seed_closed(conn, &demo).unwrap();
            seed_closed(conn, &DemoClosed { created_at: 30, closed_at: 40, ..demo }).unwrap();
            assert_eq!(find(conn, "d").unwrap().unwrap().closed_at, Some(40), "moved to the new time");
            assert!(reopen(conn, "d", 0, 50).unwrap());
            seed_closed(conn, &DemoClosed { created_at: 60, closed_at: 70, ..demo }).unwrap();
            assert_eq!(find(conn, "d").unwrap().unwrap().status, "waiting", "continued since: left alone");
        });
    }
}

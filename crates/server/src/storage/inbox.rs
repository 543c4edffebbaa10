//! The residents' inbox: messages from a unit (information, or questions to answer with a
//! form), read and answered, and the notices of new ones (`crate::domain::inbox` has the rules:
//! who is told, on which channel, in what words).

use ingang_api::eservices::{InboxKind, InboxMessage};

use super::{Conn, OptionalExtension, Result, Row, params, params_from_iter, placeholders};

/// A message as stored: whom it is for (a personnummer), the message with its person left for
/// the caller to name (`person_id`, `person_name` empty), and the key its answer came with.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub patient: String,
    pub message: InboxMessage,
    pub answer_key: Option<String>,
}

const MESSAGE: &str = "SELECT m.id, m.patient, m.unit_id, u.name AS unit_name, m.subject, m.body, m.kind,
        m.questionnaire_id, m.errand_id, m.created_at, m.read_at, m.answered_at, m.response, m.answer_key
     FROM inbox_messages m JOIN units u ON u.id = m.unit_id";

fn message(r: &Row) -> Result<Stored> {
    let kind: String = r.get("kind")?;
    let response: Option<String> = r.get("response")?;
    Ok(Stored {
        patient: r.get("patient")?,
        message: InboxMessage {
            id: r.get("id")?,
            person_id: String::new(),
            person_name: String::new(),
            unit_id: r.get("unit_id")?,
            unit_name: r.get("unit_name")?,
            subject: r.get("subject")?,
            body: r.get("body")?,
            kind: if kind == "questions" { InboxKind::Questions } else { InboxKind::Info },
            questionnaire_id: r.get("questionnaire_id")?,
            errand_id: r.get("errand_id")?,
            created_at: r.get("created_at")?,
            read_at: r.get("read_at")?,
            answered_at: r.get("answered_at")?,
            response: response.and_then(|t| serde_json::from_str(&t).ok()),
        },
        answer_key: r.get("answer_key")?,
    })
}

/// A message from a unit to keep.
#[derive(Debug, Clone, Copy)]
pub struct NewMessage<'a> {
    pub id: &'a str,
    pub patient: &'a str,
    pub unit_id: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    /// The form to answer with: a questions message; `None`: information.
    pub questionnaire_id: Option<&'a str>,
    /// The errand it answers.
    pub errand_id: Option<&'a str>,
    /// The staff member's id (or `demo`).
    pub sent_by: &'a str,
}

/// Keeps a message unless its id is taken; whether it was kept.
pub fn insert(conn: &mut Conn<'_>, m: &NewMessage<'_>, now: i64) -> Result<bool> {
    let kind = if m.questionnaire_id.is_some() { "questions" } else { "info" };
    Ok(conn.execute(
        "INSERT INTO inbox_messages (id, patient, unit_id, subject, body, kind, questionnaire_id, errand_id, sent_by,
                                     created_at, seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, (SELECT COALESCE(MAX(seq), 0) + 1 FROM inbox_messages))
         ON CONFLICT DO NOTHING",
        params![m.id, m.patient, m.unit_id, m.subject, m.body, kind, m.questionnaire_id, m.errand_id, m.sent_by, now],
    )? == 1)
}

/// The message `id`.
pub fn find(conn: &mut Conn<'_>, id: &str) -> Result<Option<Stored>> {
    conn.query_row(&format!("{MESSAGE} WHERE m.id = ?1"), params![id], message).optional()
}

/// The newest `limit` messages to these patients (personnummer), newest first.
pub fn of_patients(conn: &mut Conn<'_>, patients: &[String], limit: i64) -> Result<Vec<Stored>> {
    let sql = format!(
        "{MESSAGE} WHERE m.patient IN ({}) ORDER BY m.created_at DESC, m.seq DESC LIMIT {limit}",
        placeholders(patients.len())
    );
    conn.query_map(&sql, params_from_iter(patients.iter()), message)
}

/// How many messages to these patients are unread.
pub fn unread(conn: &mut Conn<'_>, patients: &[String]) -> Result<u32> {
    let sql = format!(
        "SELECT COUNT(*) AS unread FROM inbox_messages WHERE read_at IS NULL AND patient IN ({})",
        placeholders(patients.len())
    );
    let n: i64 = conn.query_row(&sql, params_from_iter(patients.iter()), |r| r.get("unread"))?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// The message is read (the first time counts).
pub fn mark_read(conn: &mut Conn<'_>, id: &str, now: i64) -> Result<()> {
    conn.execute("UPDATE inbox_messages SET read_at = ?2 WHERE id = ?1 AND read_at IS NULL", params![id, now])?;
    Ok(())
}

/// The answer to a questions message, kept once (it is read then too); whether this one was.
pub fn answer(conn: &mut Conn<'_>, id: &str, by: &str, response: &str, key: &str, now: i64) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE inbox_messages SET answered_at = ?2, answered_by = ?3, response = ?4, answer_key = ?5,
                read_at = COALESCE(read_at, ?2)
         WHERE id = ?1 AND answered_at IS NULL",
        params![id, now, by, response, key],
    )? == 1)
}

/// Who is told of a new message to a patient, with how they want to be told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub personal_number: String,
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub sms: bool,
    pub email_wanted: bool,
    pub push: bool,
    pub language: String,
}

/// The patient's guardians (personnummer), in order.
pub fn guardians_of(conn: &mut Conn<'_>, patient: &str) -> Result<Vec<String>> {
    conn.query_map("SELECT guardian FROM guardianships WHERE child = ?1 ORDER BY guardian", params![patient], |r| {
        r.get("guardian")
    })
}

/// The contact details of the patient, and of their guardians when `with_guardians`.
pub fn recipients(conn: &mut Conn<'_>, patient: &str, with_guardians: bool) -> Result<Vec<Recipient>> {
    conn.query_map(
        "SELECT personal_number, mobile, email, notify_sms, notify_email, notify_push, language FROM contact_details
         WHERE personal_number = ?1 OR (?2 AND personal_number IN (SELECT guardian FROM guardianships WHERE child = ?1))
         ORDER BY personal_number",
        params![patient, with_guardians],
        |r| {
            Ok(Recipient {
                personal_number: r.get("personal_number")?,
                mobile: r.get("mobile")?,
                email: r.get("email")?,
                sms: r.get("notify_sms")?,
                email_wanted: r.get("notify_email")?,
                push: r.get("notify_push")?,
                language: r.get("language")?,
            })
        },
    )
}

/// Queues the notice of a new message on one channel (`sms`, `email`, `push`) to `to` (a
/// number, an address, a personnummer).
pub fn notify(conn: &mut Conn<'_>, channel: &str, to: &str, text: &str, message_id: &str, now: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO notification_outbox (channel, recipient, body, inbox_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![channel, to, text, message_id, now],
    )?;
    Ok(())
}

/// A notice as the demo console's outbox page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub channel: String,
    pub recipient: String,
    pub body: String,
    pub created_at: i64,
    pub status: String,
}

/// The newest `limit` notices, newest first.
pub fn newest_notices(conn: &mut Conn<'_>, limit: i64) -> Result<Vec<Notice>> {
    conn.query_map(
        "SELECT channel, recipient, body, created_at, status FROM notification_outbox ORDER BY id DESC LIMIT ?1",
        params![limit],
        |r| {
            Ok(Notice {
                channel: r.get("channel")?,
                recipient: r.get("recipient")?,
                body: r.get("body")?,
                created_at: r.get("created_at")?,
                status: r.get("status")?,
            })
        },
    )
}

/// A sent message as the staff console lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub id: String,
    /// the patient's name, or their personnummer when the server has no name
    pub patient: String,
    pub subject: String,
    pub kind: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
    pub answered_at: Option<i64>,
    pub unit_id: String,
}

/// The newest `limit` messages sent, for the staff console.
pub fn sent_for_staff(conn: &mut Conn<'_>, limit: i64) -> Result<Vec<Sent>> {
    conn.query_map(
        "SELECT m.id AS id, COALESCE(p.name, m.patient) AS patient, m.subject AS subject, m.kind AS kind,
                m.created_at AS created_at, m.read_at AS read_at, m.answered_at AS answered_at, m.unit_id AS unit_id
         FROM inbox_messages m LEFT JOIN people p ON p.personal_number = m.patient
         ORDER BY m.created_at DESC, m.seq DESC LIMIT ?1",
        params![limit],
        |r| {
            Ok(Sent {
                id: r.get("id")?,
                patient: r.get("patient")?,
                subject: r.get("subject")?,
                kind: r.get("kind")?,
                created_at: r.get("created_at")?,
                read_at: r.get("read_at")?,
                answered_at: r.get("answered_at")?,
                unit_id: r.get("unit_id")?,
            })
        },
    )
}

/// A sent message as its page in the staff console shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentPage {
    /// the patient's name, or their personnummer
    pub name: String,
    pub pnr: String,
    pub subject: String,
    pub body: String,
    pub kind: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
    pub answered_at: Option<i64>,
    pub response: Option<String>,
    /// The questionnaire's title and resource, for questions.
    pub form: Option<String>,
    pub resource: Option<String>,
}

/// The message `id` for its page in the staff console.
pub fn page_for_staff(conn: &mut Conn<'_>, id: &str) -> Result<Option<SentPage>> {
    conn.query_row(
        "SELECT COALESCE(p.name, m.patient) AS name, m.patient AS pnr, m.subject AS subject, m.body AS body,
                m.kind AS kind, m.created_at AS created_at, m.read_at AS read_at,
                m.answered_at AS answered_at, m.response AS response, q.title AS form, q.resource AS resource
         FROM inbox_messages m LEFT JOIN people p ON p.personal_number = m.patient
         LEFT JOIN questionnaires q ON q.id = m.questionnaire_id WHERE m.id = ?1",
        params![id],
        |r| {
            Ok(SentPage {
                name: r.get("name")?,
                pnr: r.get("pnr")?,
                subject: r.get("subject")?,
                body: r.get("body")?,
                kind: r.get("kind")?,
                created_at: r.get("created_at")?,
                read_at: r.get("read_at")?,
                answered_at: r.get("answered_at")?,
                response: r.get("response")?,
                form: r.get("form")?,
                resource: r.get("resource")?,
            })
        },
    )
    .optional()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::tests::on_both;

    fn new<'a>(id: &'a str, patient: &'a str, questionnaire_id: Option<&'a str>) -> NewMessage<'a> {
        NewMessage {
            id,
            patient,
            unit_id: "u",
            subject: "Provsvar",
            body: "Hej!",
            questionnaire_id,
            errand_id: None,
            sent_by: "eva",
        }
    }

    #[test]
    fn messages_are_kept_read_answered_and_counted_on_both_backends() {
        on_both("inbox", |conn| {
            conn.execute(
                "INSERT INTO units (id, name, kind, address, city) VALUES ('u', 'Vårdcentralen', 'dental', 'a', 'c')",
                params![],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO questionnaires (id, url, version, title, resource, ages_read)
                 VALUES ('q', 'https://q', '1', 'Frågor', '{}', 0)",
                params![],
            )
            .unwrap();
            let (anna, child) = ("198001139297".to_owned(), "201501012384".to_owned());
            assert!(insert(conn, &new("m1", &anna, None), 10).unwrap());
            assert!(!insert(conn, &new("m1", &anna, None), 11).unwrap(), "an id once");
            assert!(insert(conn, &new("m2", &child, Some("q")), 10).unwrap());
            assert!(insert(conn, &new("m3", "194001019999", None), 12).unwrap());
            let both = [anna.clone(), child.clone()];
            let listed = of_patients(conn, &both, 200).unwrap();
            assert_eq!(
                listed.iter().map(|s| s.message.id.as_str()).collect::<Vec<_>>(),
                ["m2", "m1"],
                "the same second: the later first"
            );
            assert!(of_patients(conn, &[], 200).unwrap().is_empty());
            assert_eq!(unread(conn, &both).unwrap(), 2);
            assert_eq!(unread(conn, &[]).unwrap(), 0);

            mark_read(conn, "m1", 20).unwrap();
            mark_read(conn, "m1", 30).unwrap();
            assert_eq!(find(conn, "m1").unwrap().unwrap().message.read_at, Some(20), "the first time counts");
            assert_eq!(unread(conn, &both).unwrap(), 1);

            let m2 = find(conn, "m2").unwrap().unwrap();
            assert_eq!((m2.patient.as_str(), m2.message.kind), (child.as_str(), InboxKind::Questions));
            assert!(answer(conn, "m2", &anna, "{\"status\":\"completed\"}", "k1", 40).unwrap());
            assert!(!answer(conn, "m2", &anna, "{}", "k2", 41).unwrap(), "once");
            let m2 = find(conn, "m2").unwrap().unwrap();
            assert_eq!(
                (m2.message.answered_at, m2.message.read_at, m2.answer_key.as_deref()),
                (Some(40), Some(40), Some("k1"))
            );
            assert_eq!(m2.message.response.unwrap()["status"], "completed");

            conn.execute("INSERT INTO guardianships (guardian, child) VALUES (?1, ?2)", params![&anna, &child])
                .unwrap();
            for (pnr, sms) in [(&anna, true), (&child, false)] {
                conn.execute(
                    "INSERT INTO contact_details (personal_number, mobile, notify_sms, notify_email, notify_push, updated_at, language)
                     VALUES (?1, '0701234567', ?2, 0, 1, 0, 'sv')",
                    params![pnr, sms],
                )
                .unwrap();
            }
            assert_eq!(guardians_of(conn, &child).unwrap(), std::slice::from_ref(&anna));
            let told = recipients(conn, &child, true).unwrap();
            assert_eq!(
                told.iter().map(|r| (r.personal_number.as_str(), r.sms, r.push)).collect::<Vec<_>>(),
                [(anna.as_str(), true, true), (child.as_str(), false, true)]
            );
            assert_eq!(recipients(conn, &child, false).unwrap().len(), 1, "without the guardians");
            notify(conn, "sms", "0701234567", "Du har ett nytt meddelande", "m2", 50).unwrap();
            let notices = newest_notices(conn, 10).unwrap();
            assert_eq!((notices[0].channel.as_str(), notices[0].status.as_str()), ("sms", "queued"));

            let sent = sent_for_staff(conn, 100).unwrap();
            assert_eq!(sent.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), ["m3", "m2", "m1"]);
            let page = page_for_staff(conn, "m2").unwrap().unwrap();
            assert_eq!(
                (page.pnr.as_str(), page.form.as_deref(), page.answered_at),
                (child.as_str(), Some("Frågor"), Some(40))
            );
        });
    }
}

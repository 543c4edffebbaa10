//! E-service errands: the form a resident sent to a unit, the unit's answer, the messages after
//! it and their attachments (`crate::domain::errands` and `crate::domain::attachments` have the
//! rules: whom a resident may send for, what an attachment may be).

use ingang_api::eservices::{Attachment, Errand, ErrandMessage, ErrandStatus};
use serde_json::Value;

use super::{Conn, OptionalExtension, Result, Row, params, params_from_iter, placeholders};

/// An errand as stored: whom it is for (a personnummer), and the errand with its person left
/// for the caller to name (`person_id`, `person_name` empty) and without its messages.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub patient: String,
    pub errand: Errand,
}

const ERRAND: &str = "SELECT e.id, e.patient, e.unit_id, u.name AS unit_name, e.e_service_id, e.title, e.status,
        e.created_at, e.answered_at, e.answer, e.answered_by, e.answer_within_days, e.response, e.closed_at
     FROM errands e JOIN units u ON u.id = e.unit_id";

fn errand(r: &Row) -> Result<Stored> {
    let status: String = r.get("status")?;
    let response: String = r.get("response")?;
    Ok(Stored {
        patient: r.get("patient")?,
        errand: Errand {
            id: r.get("id")?,
            person_id: String::new(),
            person_name: String::new(),
            unit_id: r.get("unit_id")?,
            unit_name: r.get("unit_name")?,
            e_service_id: r.get("e_service_id")?,
            title: r.get("title")?,
            status: if status == "answered" { ErrandStatus::Answered } else { ErrandStatus::Sent },
            created_at: r.get("created_at")?,
            answered_at: r.get("answered_at")?,
            answer: r.get("answer")?,
            answered_by: r.get("answered_by")?,
            answer_within_days: r.get::<Option<i64>>("answer_within_days")?.map(|d| d as u32),
            response: serde_json::from_str(&response).unwrap_or(Value::Null),
            messages: Vec::new(),
            closed: r.get::<Option<i64>>("closed_at")?.is_some(),
        },
    })
}

/// The errand `id`.
pub fn find(conn: &mut Conn<'_>, id: &str) -> Result<Option<Stored>> {
    conn.query_row(&format!("{ERRAND} WHERE e.id = ?1"), params![id], errand).optional()
}

/// The newest `limit` errands for these patients (personnummer), newest first.
pub fn of_patients(conn: &mut Conn<'_>, patients: &[String], limit: i64) -> Result<Vec<Stored>> {
    let sql = format!(
        "{ERRAND} WHERE e.patient IN ({}) ORDER BY e.created_at DESC, e.seq DESC LIMIT {limit}",
        placeholders(patients.len())
    );
    conn.query_map(&sql, params_from_iter(patients.iter()), errand)
}

/// The errand `owner` sent with this idempotency key.
pub fn by_key(conn: &mut Conn<'_>, owner: &str, key: &str) -> Result<Option<String>> {
    conn.query_row("SELECT id FROM errands WHERE owner = ?1 AND idempotency_key = ?2", params![owner, key], |r| {
        r.get("id")
    })
    .optional()
}

/// A form sent to a unit's e-service.
#[derive(Debug, Clone, Copy)]
pub struct NewErrand<'a> {
    pub id: &'a str,
    pub owner: &'a str,
    pub patient: &'a str,
    pub unit_id: &'a str,
    pub e_service_id: &'a str,
    pub questionnaire_id: &'a str,
    pub title: &'a str,
    /// the QuestionnaireResponse, validated
    pub response: &'a str,
    pub answer_within_days: Option<i64>,
    pub key: &'a str,
}

/// Keeps a new errand unless its owner sent one with its key; the id of the one kept (two
/// identical requests at once: the loser gets the winner's).
pub fn create(conn: &mut Conn<'_>, e: &NewErrand<'_>, now: i64) -> Result<String> {
    conn.execute(
        "INSERT INTO errands (id, owner, patient, unit_id, e_service_id, questionnaire_id, title, response, status,
                              answer_within_days, created_at, idempotency_key, seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'sent', ?9, ?10, ?11, (SELECT COALESCE(MAX(seq), 0) + 1 FROM errands))
         ON CONFLICT DO NOTHING",
        params![
            e.id,
            e.owner,
            e.patient,
            e.unit_id,
            e.e_service_id,
            e.questionnaire_id,
            e.title,
            e.response,
            e.answer_within_days,
            now,
            e.key
        ],
    )?;
    by_key(conn, e.owner, e.key)?.ok_or(super::Error::NoRows)
}

/// The messages of an errand after its form, oldest first, with their attachments.
pub fn messages(conn: &mut Conn<'_>, errand: &str) -> Result<Vec<ErrandMessage>> {
    let mut messages = conn.query_map(
        "SELECT id, from_clinic, author, body, created_at FROM errand_messages WHERE errand_id = ?1 ORDER BY id",
        params![errand],
        |r| {
            Ok(ErrandMessage {
                id: r.get("id")?,
                from_clinic: r.get("from_clinic")?,
                author: r.get("author")?,
                body: r.get("body")?,
                created_at: r.get("created_at")?,
                attachments: Vec::new(),
            })
        },
    )?;
    for m in &mut messages {
        m.attachments = attachments_of(conn, m.id)?;
    }
    Ok(messages)
}

/// Has the patient written to the errand with this client id?
pub fn has_message(conn: &mut Conn<'_>, errand: &str, client_id: &str) -> Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM errand_messages WHERE errand_id = ?1 AND client_id = ?2) AS found",
        params![errand, client_id],
        |r| r.get("found"),
    )
}

/// The patient writes to the errand: the message (its id), and the errand is the unit's to
/// answer again.
pub fn patient_writes(conn: &mut Conn<'_>, errand: &str, body: &str, client_id: &str, now: i64) -> Result<i64> {
    let id = conn.query_row(
        "INSERT INTO errand_messages (errand_id, from_clinic, body, created_at, client_id) VALUES (?1, 0, ?2, ?3, ?4)
         RETURNING id",
        params![errand, body, now, client_id],
        |r| r.get("id"),
    )?;
    conn.execute("UPDATE errands SET status = 'sent' WHERE id = ?1", params![errand])?;
    Ok(id)
}

/// The unit's first answer, signed; whether it was (not when answered or closed already).
pub fn answer(conn: &mut Conn<'_>, errand: &str, text: &str, signed_by: &str, now: i64) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE errands SET status = 'answered', answer = ?2, answered_by = ?3, answered_at = ?4
         WHERE id = ?1 AND answer IS NULL AND closed_at IS NULL",
        params![errand, text, signed_by, now],
    )? == 1)
}

/// A message from the unit after its answer; whether it was written (not before the answer,
/// not once closed).
pub fn unit_writes(conn: &mut Conn<'_>, errand: &str, text: &str, signed_by: &str, now: i64) -> Result<bool> {
    let written = conn.execute(
        "INSERT INTO errand_messages (errand_id, from_clinic, author, body, created_at)
         SELECT id, 1, ?2, ?3, ?4 FROM errands WHERE id = ?1 AND answer IS NOT NULL AND closed_at IS NULL",
        params![errand, signed_by, text, now],
    )? == 1;
    if written {
        conn.execute("UPDATE errands SET status = 'answered' WHERE id = ?1", params![errand])?;
    }
    Ok(written)
}

/// The unit closes the errand: the patient can add nothing more.
pub fn close(conn: &mut Conn<'_>, errand: &str, now: i64) -> Result<()> {
    conn.execute("UPDATE errands SET closed_at = ?2 WHERE id = ?1 AND closed_at IS NULL", params![errand, now])?;
    Ok(())
}

/// An errand as the staff console lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub id: String,
    pub unit: String,
    pub unit_id: String,
    /// the patient's name, or their personnummer when the server has no name
    pub patient: String,
    pub title: String,
    pub created_at: i64,
    pub status: String,
}

/// Up to `limit` errands for the staff console: unanswered first (oldest first), then answered
/// (newest first).
pub fn for_staff(conn: &mut Conn<'_>, limit: i64) -> Result<Vec<Listed>> {
    conn.query_map(
        "SELECT e.id AS id, u.name AS unit, e.unit_id AS unit_id, COALESCE(p.name, e.patient) AS patient,
                e.title AS title, e.created_at AS created_at, e.status AS status
         FROM errands e JOIN units u ON u.id = e.unit_id LEFT JOIN people p ON p.personal_number = e.patient
         ORDER BY e.status = 'answered', CASE e.status WHEN 'sent' THEN e.created_at ELSE -e.created_at END
         LIMIT ?1",
        params![limit],
        |r| {
            Ok(Listed {
                id: r.get("id")?,
                unit: r.get("unit")?,
                unit_id: r.get("unit_id")?,
                patient: r.get("patient")?,
                title: r.get("title")?,
                created_at: r.get("created_at")?,
                status: r.get("status")?,
            })
        },
    )
}

/// An errand as its page in the staff console shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForStaff {
    /// the patient's name, or their personnummer
    pub name: String,
    pub pnr: String,
    pub unit_id: String,
    pub unit: String,
    pub title: String,
    pub response: String,
    pub created_at: i64,
    pub answer: Option<String>,
    pub answered_by: Option<String>,
    pub answer_within_days: Option<i64>,
    /// The questionnaire's resource, when the form is known.
    pub form: Option<String>,
    pub closed_at: Option<i64>,
}

/// The errand `id` for its page in the staff console.
pub fn page_for_staff(conn: &mut Conn<'_>, id: &str) -> Result<Option<ForStaff>> {
    conn.query_row(
        "SELECT COALESCE(p.name, e.patient) AS name, e.patient AS pnr, e.unit_id AS unit_id, u.name AS unit,
                e.title AS title, e.response AS response, e.created_at AS created_at, e.answer AS answer,
                e.answered_by AS answered_by, e.answer_within_days AS answer_within_days,
                q.resource AS form, e.closed_at AS closed_at
         FROM errands e JOIN units u ON u.id = e.unit_id LEFT JOIN people p ON p.personal_number = e.patient
         LEFT JOIN questionnaires q ON q.id = e.questionnaire_id
         WHERE e.id = ?1",
        params![id],
        |r| {
            Ok(ForStaff {
                name: r.get("name")?,
                pnr: r.get("pnr")?,
                unit_id: r.get("unit_id")?,
                unit: r.get("unit")?,
                title: r.get("title")?,
                response: r.get("response")?,
                created_at: r.get("created_at")?,
                answer: r.get("answer")?,
                answered_by: r.get("answered_by")?,
                answer_within_days: r.get("answer_within_days")?,
                form: r.get("form")?,
                closed_at: r.get("closed_at")?,
            })
        },
    )
    .optional()
}

const ATTACHMENT: &str =
    "SELECT id, errand_id, content_type, length(bytes) AS size, width, height FROM errand_attachments";

fn attachment(r: &Row) -> Result<Attachment> {
    let id: String = r.get("id")?;
    let content_type: String = r.get("content_type")?;
    let picture = content_type.starts_with("image/");
    Ok(Attachment {
        url: format!("{}/attachments/{id}", ingang_api::API_V1),
        thumbnail_url: picture.then(|| format!("{}/attachments/{id}/thumbnail", ingang_api::API_V1)),
        id,
        content_type,
        size: r.get::<i64>("size")? as u64,
        width: r.get("width")?,
        height: r.get("height")?,
    })
}

/// The attachments of an errand's message, in order.
pub fn attachments_of(conn: &mut Conn<'_>, message_id: i64) -> Result<Vec<Attachment>> {
    conn.query_map(&format!("{ATTACHMENT} WHERE message_id = ?1 ORDER BY position"), params![message_id], attachment)
}

/// An attachment with its errand and who uploaded it.
#[derive(Debug, Clone, PartialEq)]
pub struct Uploaded {
    pub attachment: Attachment,
    pub errand_id: String,
    pub uploader: String,
}

/// The attachment `id`, its errand and uploader.
pub fn attachment_and_uploader(conn: &mut Conn<'_>, id: &str) -> Result<Option<Uploaded>> {
    conn.query_row(
        "SELECT id, errand_id, content_type, length(bytes) AS size, width, height, uploader
         FROM errand_attachments WHERE id = ?1",
        params![id],
        |r| Ok(Uploaded { attachment: attachment(r)?, errand_id: r.get("errand_id")?, uploader: r.get("uploader")? }),
    )
    .optional()
}

/// An uploaded attachment, checked: a PDF as it came, a picture re-encoded.
#[derive(Debug, Clone, Copy)]
pub struct NewAttachment<'a> {
    pub id: &'a str,
    pub errand_id: &'a str,
    pub uploader: &'a str,
    pub content_type: &'a str,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub bytes: &'a [u8],
    pub thumbnail: Option<&'a [u8]>,
}

/// Keeps an uploaded attachment (not yet any message's) unless its id is taken; the attachment
/// with that id.
pub fn upload(conn: &mut Conn<'_>, a: &NewAttachment<'_>, now: i64) -> Result<Attachment> {
    conn.execute(
        "INSERT INTO errand_attachments (id, errand_id, uploader, content_type, width, height, bytes, thumbnail, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT DO NOTHING",
        params![a.id, a.errand_id, a.uploader, a.content_type, a.width, a.height, a.bytes, a.thumbnail, now],
    )?;
    conn.query_row(&format!("{ATTACHMENT} WHERE id = ?1"), params![a.id], attachment)
}

/// Is `id` an attachment `uploader` put in `errand` that no message has yet?
pub fn is_unsent_of(conn: &mut Conn<'_>, id: &str, errand: &str, uploader: &str) -> Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM errand_attachments
                        WHERE id = ?1 AND errand_id = ?2 AND uploader = ?3 AND message_id IS NULL) AS found",
        params![id, errand, uploader],
        |r| r.get("found"),
    )
}

/// Gives unsent attachments to a message, in the order of `ids`.
pub fn attach(conn: &mut Conn<'_>, message_id: i64, ids: &[String]) -> Result<()> {
    for (position, id) in ids.iter().enumerate() {
        conn.execute(
            "UPDATE errand_attachments SET message_id = ?1, position = ?2 WHERE id = ?3 AND message_id IS NULL",
            params![message_id, position as i64, id],
        )?;
    }
    Ok(())
}

/// An attachment's file as it is served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentFile {
    pub errand_id: String,
    pub uploader: String,
    /// Has a message carried it?
    pub sent: bool,
    /// The attachment's (a thumbnail is always JPEG).
    pub content_type: String,
    /// `None`: a thumbnail was asked for and a document has none.
    pub bytes: Option<Vec<u8>>,
}

/// The attachment's bytes, or its thumbnail's.
pub fn file(conn: &mut Conn<'_>, id: &str, thumbnail: bool) -> Result<Option<AttachmentFile>> {
    let column = if thumbnail { "thumbnail" } else { "bytes" };
    conn.query_row(
        &format!(
            "SELECT errand_id, uploader, message_id IS NOT NULL AS sent, content_type, {column} AS bytes
             FROM errand_attachments WHERE id = ?1"
        ),
        params![id],
        |r| {
            Ok(AttachmentFile {
                errand_id: r.get("errand_id")?,
                uploader: r.get("uploader")?,
                sent: r.get("sent")?,
                content_type: r.get("content_type")?,
                bytes: r.get("bytes")?,
            })
        },
    )
    .optional()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::tests::on_both;

    fn new<'a>(id: &'a str, key: &'a str) -> NewErrand<'a> {
        NewErrand {
            id,
            owner: "191212121212",
            patient: "201501012384",
            unit_id: "u",
            e_service_id: "s",
            questionnaire_id: "q",
            title: "Förnya recept",
            response: "{\"resourceType\":\"QuestionnaireResponse\"}",
            answer_within_days: Some(3),
            key,
        }
    }

    #[test]
    fn an_errand_its_answer_messages_and_attachments_on_both_backends() {
        on_both("errands", |conn| {
            conn.execute(
                "INSERT INTO units (id, name, kind, address, city) VALUES ('u', 'Vårdcentralen', 'dental', 'a', 'c')",
                params![],
            )
            .unwrap();
            assert_eq!(create(conn, &new("e1", "k1"), 10).unwrap(), "e1");
            assert_eq!(create(conn, &new("e2", "k1"), 11).unwrap(), "e1", "the same key: the first errand");
            assert_eq!(create(conn, &new("e3", "k3"), 12).unwrap(), "e3");
            assert_eq!(by_key(conn, "191212121212", "k3").unwrap().as_deref(), Some("e3"));
            let listed = of_patients(conn, &["201501012384".into()], 200).unwrap();
            assert_eq!(listed.iter().map(|s| s.errand.id.as_str()).collect::<Vec<_>>(), ["e3", "e1"], "newest first");
            assert!(of_patients(conn, &[], 200).unwrap().is_empty());
            let e1 = find(conn, "e1").unwrap().unwrap();
            assert_eq!((e1.patient.as_str(), e1.errand.unit_name.as_str()), ("201501012384", "Vårdcentralen"));
            assert_eq!(
                (e1.errand.status, e1.errand.answer_within_days, e1.errand.closed),
                (ErrandStatus::Sent, Some(3), false)
            );
            assert_eq!(e1.errand.response["resourceType"], "QuestionnaireResponse");

            assert!(!unit_writes(conn, "e1", "Mer", "Eva", 20).unwrap(), "not before the answer");
            assert!(answer(conn, "e1", "Klart", "Eva, sjuksköterska", 20).unwrap());
            assert!(!answer(conn, "e1", "Igen", "Eva", 21).unwrap(), "answered once");
            let e1 = find(conn, "e1").unwrap().unwrap().errand;
            assert_eq!(
                (e1.status, e1.answer.as_deref(), e1.answered_at),
                (ErrandStatus::Answered, Some("Klart"), Some(20))
            );

            let a = NewAttachment {
                id: "a1",
                errand_id: "e1",
                uploader: "191212121212",
                content_type: "application/pdf",
                width: None,
                height: None,
                bytes: b"%PDF-1.7",
                thumbnail: None,
            };
            let up = upload(conn, &a, 22).unwrap();
            assert_eq!((up.size, up.thumbnail_url.as_deref()), (8, None));
            assert_eq!(attachment_and_uploader(conn, "a1").unwrap().unwrap().errand_id, "e1");
            assert!(is_unsent_of(conn, "a1", "e1", "191212121212").unwrap());
            assert!(!is_unsent_of(conn, "a1", "e1", "194001019999").unwrap());
            assert_eq!(file(conn, "a1", true).unwrap().unwrap().bytes, None, "a document has no thumbnail");

            assert!(!has_message(conn, "e1", "c1").unwrap());
            let m = patient_writes(conn, "e1", "Tack, en fråga", "c1", 23).unwrap();
            attach(conn, m, &["a1".into()]).unwrap();
            assert!(has_message(conn, "e1", "c1").unwrap());
            assert_eq!(find(conn, "e1").unwrap().unwrap().errand.status, ErrandStatus::Sent, "the unit's to answer");
            assert!(unit_writes(conn, "e1", "Svar", "Eva", 24).unwrap());
            let all = messages(conn, "e1").unwrap();
            assert_eq!(
                all.iter().map(|m| (m.from_clinic, m.body.as_str())).collect::<Vec<_>>(),
                [(false, "Tack, en fråga"), (true, "Svar")]
            );
            assert_eq!(all[0].attachments.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), ["a1"]);
            let f = file(conn, "a1", false).unwrap().unwrap();
            assert_eq!((f.sent, f.bytes.as_deref()), (true, Some(&b"%PDF-1.7"[..])));

            let staff = for_staff(conn, 200).unwrap();
            assert_eq!(staff.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(), ["e3", "e1"], "unanswered first");
            assert_eq!(staff[0].patient, "201501012384", "no name known");
            close(conn, "e1", 30).unwrap();
            assert!(find(conn, "e1").unwrap().unwrap().errand.closed);
            assert!(!unit_writes(conn, "e1", "Sent", "Eva", 31).unwrap(), "closed");
            let page = page_for_staff(conn, "e1").unwrap().unwrap();
            assert_eq!((page.closed_at, page.form), (Some(30), None));
        });
    }
}

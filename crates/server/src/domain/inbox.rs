//! The patient's inbox: delivering a message from a unit (with its notice by SMS, e-mail or
//! push, in the resident's language and without health data).

use crate::bankid::random_token;
use crate::storage::params;

/// A new message for `patient`: stores it and records a notification for each recipient (the
/// patient, and a child's guardians while the child is 12 or younger) on each channel they chose.
#[allow(clippy::too_many_arguments)]
pub fn deliver(
    conn: &mut crate::storage::Conn<'_>,
    patient: &str,
    unit_id: &str,
    subject: &str,
    body: &str,
    questionnaire_id: Option<&str>,
    errand_id: Option<&str>,
    sent_by: &str,
    now: i64,
    base_url: &str,
) -> crate::storage::Result<String> {
    let id = random_token();
    let kind = if questionnaire_id.is_some() { "questions" } else { "info" };
    conn.execute(
        "INSERT INTO inbox_messages (id, patient, unit_id, subject, body, kind, questionnaire_id, errand_id, sent_by, created_at, seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, (SELECT COALESCE(MAX(seq), 0) + 1 FROM inbox_messages))",
        params![id, patient, unit_id, subject, body, kind, questionnaire_id, errand_id, sent_by, now],
    )?;
    // an `inbox` event to everyone who sees the message (the patient, a child's guardians), so
    // their open apps count it at once; it names the message, nothing of what it says
    let data = serde_json::json!({ "messageId": id }).to_string();
    let guardians_of: Vec<String> = conn.query_map(
        "SELECT guardian FROM guardianships WHERE child = ?1 ORDER BY guardian",
        params![patient],
        |r| r.get("guardian"),
    )?;
    for recipient in std::iter::once(patient.to_owned()).chain(guardians_of) {
        crate::storage::events::append(conn, &recipient, "inbox", &data, now)?;
    }
    let guardians =
        crate::domain::people::age_at(patient, now).is_some_and(ingang_api::people::rules::may_use_eservices_for_child);
    type Recipient = (String, Option<String>, Option<String>, bool, bool, bool, String);
    let recipients: Vec<Recipient> = conn.query_map(
        "SELECT personal_number, mobile, email, notify_sms, notify_email, notify_push, language FROM contact_details
         WHERE personal_number = ?1 OR (?2 AND personal_number IN (SELECT guardian FROM guardianships WHERE child = ?1))",
        params![patient, guardians],
        |r| {
            Ok((
                r.get("personal_number")?,
                r.get("mobile")?,
                r.get("email")?,
                r.get("notify_sms")?,
                r.get("notify_email")?,
                r.get("notify_push")?,
                r.get("language")?,
            ))
        },
    )?;
    const OUT: &str =
        "INSERT INTO notification_outbox (channel, recipient, body, inbox_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5)";
    for (pnr, mobile, email, sms, by_email, push, language) in recipients {
        // each in their own language (`lang::notices`)
        let text = notification_text(base_url, &id, &language);
        if let (true, Some(m)) = (sms, mobile) {
            conn.execute(OUT, params!["sms", m, &text, &id, now])?;
        }
        if let (true, Some(e)) = (by_email, email) {
            conn.execute(OUT, params!["email", e, &text, &id, now])?;
        }
        if push {
            conn.execute(OUT, params!["push", &pnr, &text, &id, now])?;
            let (path, tag) = (format!("/inkorg/{id}"), format!("inkorg-{id}"));
            crate::push::enqueue(conn, &pnr, crate::push::Notice::InboxMessage, &path, &tag, now)?;
        }
    }
    Ok(id)
}

/// What a new message says in an SMS, e-mail or push: that there is one, never what it is about.
pub fn notification_text(base_url: &str, message_id: &str, language: &str) -> String {
    crate::lang::notices::new_message(language, &format!("{}/inkorg/{message_id}", base_url.trim_end_matches('/')))
}

//! The patient's inbox: delivering a message from a unit (with its notice by SMS, e-mail or
//! push, in the resident's language and without health data).

use crate::bankid::random_token;

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
    use crate::storage::inbox;
    let id = random_token();
    let new = inbox::NewMessage { id: &id, patient, unit_id, subject, body, questionnaire_id, errand_id, sent_by };
    inbox::insert(conn, &new, now)?;
    // an `inbox` event to everyone who sees the message (the patient, a child's guardians), so
    // their open apps count it at once; it names the message, nothing of what it says
    let data = serde_json::json!({ "messageId": id }).to_string();
    for recipient in std::iter::once(patient.to_owned()).chain(inbox::guardians_of(conn, patient)?) {
        crate::storage::events::append(conn, &recipient, "inbox", &data, now)?;
    }
    let guardians =
        crate::domain::people::age_at(patient, now).is_some_and(ingang_api::people::rules::may_use_eservices_for_child);
    for r in inbox::recipients(conn, patient, guardians)? {
        // each in their own language (`lang::notices`)
        let text = notification_text(base_url, &id, &r.language);
        if let (true, Some(m)) = (r.sms, &r.mobile) {
            inbox::notify(conn, "sms", m, &text, &id, now)?;
        }
        if let (true, Some(e)) = (r.email_wanted, &r.email) {
            inbox::notify(conn, "email", e, &text, &id, now)?;
        }
        if r.push {
            inbox::notify(conn, "push", &r.personal_number, &text, &id, now)?;
            let (path, tag) = (format!("/inkorg/{id}"), format!("inkorg-{id}"));
            crate::push::enqueue(conn, &r.personal_number, crate::push::Notice::InboxMessage, &path, &tag, now)?;
        }
    }
    Ok(id)
}

/// What a new message says in an SMS, e-mail or push: that there is one, never what it is about.
pub fn notification_text(base_url: &str, message_id: &str, language: &str) -> String {
    crate::lang::notices::new_message(language, &format!("{}/inkorg/{message_id}", base_url.trim_end_matches('/')))
}

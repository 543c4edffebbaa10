//! The staff console's e-service and inbox pages (server-rendered like the rest of `/staff`):
//! answer e-service errands (the answer goes to the patient's inbox), and send a patient an
//! information message or questions to answer with a questionnaire (the reverse flow).

use axum::{
    Form, Router,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use ingang_api::personnummer::Personnummer;
use rusqlite::{OptionalExtension, params};
use serde::Deserialize;

use crate::{
    AppState,
    routes::{auth::now_secs, inbox::deliver},
    staff::{
        ATTACHMENT_UNIT, ERRAND_UNIT, MESSAGE_UNIT, STAFF, Staff, StaffForm, StaffPage, TABLE_END, answers_html, esc,
        not_theirs, page, table_start,
    },
};

/// The longest answer or message staff may write, in characters.
pub const MESSAGE_MAX: usize = 4000;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/bilagor/{id}", get(attachment))
        .route("/staff/bilagor/{id}/thumbnail", get(attachment_thumbnail))
        .route("/staff/e-arenden", get(errands))
        .route("/staff/e-arenden/{id}", get(errand).post(answer_errand))
        .route("/staff/e-arenden/{id}/close", post(close_errand))
        .route("/staff/inkorg", get(inbox).post(send))
        .route("/staff/inkorg/{id}", get(message))
}

fn when(at: i64) -> String {
    use ingang_api::visits::{civil_from_days, stockholm_offset};
    let local = at + stockholm_offset(at);
    let (y, m, d) = civil_from_days(local.div_euclid(86_400));
    let mins = local.rem_euclid(86_400) / 60;
    format!("{y}-{m:02}-{d:02} {:02}:{:02}", mins / 60, mins % 60)
}

/// The response's items with each question's text from the questionnaire where the response
/// carries none (a response need not repeat the texts), for [`answers_html`].
fn labelled(response: &serde_json::Value, questionnaire: Option<&serde_json::Value>) -> serde_json::Value {
    fn texts(items: &serde_json::Value, out: &mut std::collections::HashMap<String, String>) {
        for item in items.as_array().into_iter().flatten() {
            if let (Some(id), Some(text)) = (item["linkId"].as_str(), item["text"].as_str()) {
                out.insert(id.to_owned(), text.to_owned());
            }
            texts(&item["item"], out);
        }
    }
    fn fill(items: &mut serde_json::Value, map: &std::collections::HashMap<String, String>) {
        for item in items.as_array_mut().into_iter().flatten() {
            if item.get("text").is_none()
                && let Some(text) = item["linkId"].as_str().and_then(|id| map.get(id))
            {
                item["text"] = text.clone().into();
            }
            if let Some(children) = item.get_mut("item") {
                fill(children, map);
            }
            for answer in item.get_mut("answer").and_then(|a| a.as_array_mut()).into_iter().flatten() {
                if let Some(children) = answer.get_mut("item") {
                    fill(children, map);
                }
            }
        }
    }
    let mut map = std::collections::HashMap::new();
    if let Some(q) = questionnaire {
        texts(&q["item"], &mut map);
    }
    let mut items = response["item"].clone();
    fill(&mut items, &map);
    items
}

/// A message's pictures (thumbnails that open the picture) and documents (downloads).
fn attachments_html(list: &[ingang_api::eservices::Attachment]) -> String {
    let mut out = String::new();
    let count = list.len();
    for (n, a) in list.iter().enumerate() {
        let id = esc(&a.id);
        let n = n + 1;
        if a.is_picture() {
            out.push_str(&format!(
                " <a href=\"/staff/bilagor/{id}\" target=\"_blank\" rel=\"noopener\">\
                 <img src=\"/staff/bilagor/{id}/thumbnail\" alt=\"Bilaga {n} av {count}: bild från patienten ({} × {} px), öppnas i full storlek\" \
                 data-testid=\"staff-attachment\" height=\"120\"></a>",
                a.width.unwrap_or_default(),
                a.height.unwrap_or_default()
            ));
        } else {
            out.push_str(&format!(
                " <a href=\"/staff/bilagor/{id}\" download data-testid=\"staff-attachment\">\
                 Bilaga {n} av {count}: PDF-dokument ({} kB)</a>",
                a.size.div_ceil(1024)
            ));
        }
    }
    out
}

/// An errand attachment (or its thumbnail) for a staff member who works at the errand's unit.
async fn staff_attachment(state: &AppState, staff: &Staff, id: String, thumbnail: bool) -> Response {
    if !staff.reaches(state, ATTACHMENT_UNIT, &id).await {
        return StatusCode::NOT_FOUND.into_response();
    }
    match crate::routes::attachments::load(state, id.clone(), thumbnail).await {
        // staff see what patients have sent, not what is still being written
        Ok(Some((_, _, true, content_type, Some(bytes)))) => {
            crate::routes::attachments::bytes_response(&id, &content_type, bytes, thumbnail)
        }
        Ok(_) => StatusCode::NOT_FOUND.into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn attachment(State(state): State<AppState>, staff: Staff, Path(id): Path<String>) -> Response {
    staff_attachment(&state, &staff, id, false).await
}

async fn attachment_thumbnail(State(state): State<AppState>, staff: Staff, Path(id): Path<String>) -> Response {
    staff_attachment(&state, &staff, id, true).await
}

fn nav() -> &'static str {
    "<p><a href=\"/staff\">Kö</a> · <a href=\"/staff/e-arenden\">E-tjänstärenden</a> · \
     <a href=\"/staff/inkorg\">Meddelanden till patienter</a> · <a href=\"/staff/sms\">Utkorg</a></p>"
}

fn problem(text: &str, back: &str) -> Response {
    let mut res = page(
        "Det gick inte",
        &format!("<p role=\"alert\">{}</p><p><a href=\"{}\">Tillbaka</a></p>", esc(text), esc(back)),
    );
    *res.status_mut() = StatusCode::BAD_REQUEST;
    res
}

async fn errands(State(state): State<AppState>, StaffPage(staff): StaffPage) -> Response {
    type Row = (String, String, String, String, i64, String, String);
    let rows: Vec<Row> = state
        .db
        .call(|conn| {
            let mut stmt = conn.prepare(
                "SELECT e.id, u.name, COALESCE(p.name, e.patient), e.title, e.created_at, e.status, e.unit_id
                 FROM errands e JOIN units u ON u.id = e.unit_id LEFT JOIN people p ON p.personal_number = e.patient
                 ORDER BY e.status = 'answered', CASE e.status WHEN 'sent' THEN e.created_at ELSE -e.created_at END
                 LIMIT 200",
            )?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))?;
            rows.collect()
        })
        .await
        .unwrap_or_default();
    let rows: Vec<Row> = rows.into_iter().filter(|r| staff.works_at(&r.6)).collect();
    let mut body = String::from(nav());
    body.push_str("<div data-live=\"errands\">");
    if rows.is_empty() {
        body.push_str("<p>Inga ärenden från e-tjänsterna.</p>");
    } else {
        body.push_str(&table_start("E-tjänstärenden", &["Mottagning", "Patient", "Ärendetyp", "Skickat", "Status"]));
        for (id, unit, patient, title, at, status, _) in rows {
            body.push_str(&format!(
                "<tr data-errand=\"{id}\"><td>{unit}</td><td>{patient}</td><td><a href=\"/staff/e-arenden/{id}\">{title}</a></td>\
                 <td>{at}</td><td>{s}</td></tr>",
                id = esc(&id),
                unit = esc(&unit),
                patient = esc(&patient),
                title = esc(&title),
                at = when(at),
                s = if status == "sent" { "Nytt" } else { "Besvarat" },
            ));
        }
        body.push_str(TABLE_END);
    }
    body.push_str("</div>");
    page("Ärenden från e-tjänsterna", &body)
}

async fn errand(State(state): State<AppState>, StaffPage(staff): StaffPage, Path(id): Path<String>) -> Response {
    if !staff.reaches(&state, ERRAND_UNIT, &id).await {
        return not_theirs();
    }
    type Row = (
        String,
        String,
        String,
        String,
        String,
        i64,
        String,
        Option<String>,
        Option<String>,
        Option<i64>,
        Option<String>,
        Option<i64>,
    );
    let eid = id.clone();
    let row: Option<Row> = state
        .db
        .call(move |conn| {
            conn.query_row(
                "SELECT COALESCE(p.name, e.patient), e.patient, u.name, e.title, e.response, e.created_at, e.status,
                        e.answer, e.answered_by, e.answer_within_days, q.resource, e.closed_at
                 FROM errands e JOIN units u ON u.id = e.unit_id LEFT JOIN people p ON p.personal_number = e.patient
                 LEFT JOIN questionnaires q ON q.id = e.questionnaire_id
                 WHERE e.id = ?1",
                [eid],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                        r.get(7)?,
                        r.get(8)?,
                        r.get(9)?,
                        r.get(10)?,
                        r.get(11)?,
                    ))
                },
            )
            .optional()
        })
        .await
        .ok()
        .flatten();
    // (the status is not what decides the form: it is `sent` again after the patient writes back)
    let Some((name, pnr, unit, title, response, at, _status, answer, by, days, form, closed)) = row else {
        return (StatusCode::NOT_FOUND, page("Ärendet finns inte", nav())).into_response();
    };
    let response: serde_json::Value = serde_json::from_str(&response).unwrap_or_default();
    let mut body = String::from(nav());
    body.push_str(&format!(
        "<dl><dt>Patient</dt><dd>{} ({})</dd><dt>Mottagning</dt><dd>{}</dd><dt>Skickat</dt><dd>{}</dd>\
         <dt>Svar utlovat inom</dt><dd>{}</dd></dl><h2>Patientens svar</h2>{}",
        esc(&name),
        esc(&pnr),
        esc(&unit),
        when(at),
        days.map(|d| format!("{d} arbetsdagar")).unwrap_or_else(|| "–".into()),
        answers_html(&labelled(&response, form.and_then(|f| serde_json::from_str(&f).ok()).as_ref())),
    ));
    let eid = id.clone();
    let messages =
        state.db.call(move |conn| crate::routes::eservices::errand_messages(conn, &eid)).await.unwrap_or_default();
    if let Some(answer) = &answer {
        body.push_str(&format!(
            "<h2>Mottagningens svar</h2><p data-testid=\"errand-answer\">{}</p><p>Besvarat av {}.</p>",
            esc(answer),
            esc(by.as_deref().unwrap_or_default())
        ));
    }
    if !messages.is_empty() {
        body.push_str("<h2>Meddelanden</h2><ul data-testid=\"errand-messages\">");
        for m in &messages {
            let who = if m.from_clinic {
                m.author.clone().unwrap_or_else(|| "Mottagningen".into())
            } else {
                "Patienten".into()
            };
            body.push_str(&format!(
                "<li><strong>{}</strong> ({}): {}{}</li>",
                esc(&who),
                when(m.created_at),
                esc(&m.body),
                attachments_html(&m.attachments)
            ));
        }
        body.push_str("</ul>");
    }
    if closed.is_some() {
        body.push_str("<p data-testid=\"errand-closed\">Ärendet är avslutat.</p>");
    } else if answer.is_some() {
        body.push_str(&format!(
            "<h2>Skriv till patienten</h2><form method=\"post\" action=\"/staff/e-arenden/{id}\">\
             <input type=\"hidden\" name=\"follow_up\" value=\"1\">\
             <p><label for=\"answer\">Meddelande till patienten</label><br>\
             <textarea id=\"answer\" name=\"answer\" rows=\"4\" cols=\"60\" maxlength=\"{MESSAGE_MAX}\" required></textarea></p>\
             <p>Meddelandet kommer till patientens inkorg. Patienten kan svara tills du avslutar ärendet.</p>\
             <p><button>Skicka</button></p></form>\
             <form method=\"post\" action=\"/staff/e-arenden/{id}/close\"><p><button>Avsluta ärendet</button></p></form>",
            id = esc(&id)
        ));
    } else {
        body.push_str(&format!(
            "<h2>Svara patienten</h2><form method=\"post\" action=\"/staff/e-arenden/{id}\">\
             <p><label for=\"answer\">Svar till patienten</label><br>\
             <textarea id=\"answer\" name=\"answer\" rows=\"6\" cols=\"60\" maxlength=\"{MESSAGE_MAX}\" required></textarea></p>\
             <p>Svaret kommer till patientens inkorg och ärendet markeras som besvarat.</p>\
             <p><button>Skicka svar</button></p></form>",
            id = esc(&id)
        ));
    }
    page(&format!("{title} – {name}"), &body)
}

#[derive(Deserialize)]
struct AnswerForm {
    answer: String,
    /// Set by the form for messages after the first answer (so a double submit of the first
    /// answer changes nothing).
    #[serde(default)]
    follow_up: Option<String>,
}

async fn answer_errand(
    State(state): State<AppState>,
    StaffForm(staff): StaffForm,
    Path(id): Path<String>,
    Form(f): Form<AnswerForm>,
) -> Response {
    if !staff.reaches(&state, ERRAND_UNIT, &id).await {
        return not_theirs();
    }
    let Staff { id: staff_id, name, .. } = staff;
    let back = format!("/staff/e-arenden/{id}");
    let Ok(text) = ingang_api::cases::check_text(&f.answer, MESSAGE_MAX) else {
        return problem("Skriv ett svar (högst 4 000 tecken).", &back);
    };
    let role = STAFF.iter().find(|(s, _, _)| *s == staff_id).map(|(_, _, r)| *r).unwrap_or("Vårdpersonal");
    let signed_by = format!("{}, {}", name.split(' ').next().unwrap_or_default(), role.to_lowercase());
    let (eid, base, now) = (id.clone(), state.base_url(), state.clock.now());
    let follow_up = f.follow_up.is_some();
    let done = state
        .db
        .call(move |conn| {
            let tx = conn.unchecked_transaction()?;
            // the first answer is the errand's answer; later ones are messages (not once closed)
            let changed = if !follow_up {
                tx.execute(
                    "UPDATE errands SET status = 'answered', answer = ?2, answered_by = ?3, answered_at = ?4
                     WHERE id = ?1 AND answer IS NULL AND closed_at IS NULL",
                    params![eid, text, signed_by, now_secs()],
                )?
            } else {
                let changed = tx.execute(
                    "INSERT INTO errand_messages (errand_id, from_clinic, author, body, created_at)
                     SELECT id, 1, ?2, ?3, ?4 FROM errands WHERE id = ?1 AND answer IS NOT NULL AND closed_at IS NULL",
                    params![eid, signed_by, text, now],
                )?;
                tx.execute("UPDATE errands SET status = 'answered' WHERE id = ?1 AND ?2 = 1", params![eid, changed as i64])?;
                changed
            };
            if changed == 1 {
                let (patient, unit, title, unit_name): (String, String, String, String) = tx.query_row(
                    "SELECT e.patient, e.unit_id, e.title, u.name FROM errands e JOIN units u ON u.id = e.unit_id WHERE e.id = ?1",
                    [&eid],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )?;
                let body = format!("{text}\n\nVänliga hälsningar\n{signed_by}\n{unit_name}");
                deliver(&tx, &patient, &unit, &format!("Svar: {title}"), &body, None, Some(&eid), &staff_id, now, &base)?;
            }
            tx.commit()?;
            Ok(changed == 1)
        })
        .await;
    match done {
        Ok(_) => {
            state.wake_streams();
            Redirect::to(&back).into_response()
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Closes an errand: the patient can add nothing more.
async fn close_errand(State(state): State<AppState>, StaffForm(staff): StaffForm, Path(id): Path<String>) -> Response {
    if !staff.reaches(&state, ERRAND_UNIT, &id).await {
        return not_theirs();
    }
    let (eid, now) = (id.clone(), state.clock.now());
    let done = state
        .db
        .call(move |conn| {
            conn.execute("UPDATE errands SET closed_at = ?2 WHERE id = ?1 AND closed_at IS NULL", params![eid, now])
        })
        .await;
    match done {
        Ok(_) => {
            state.wake_streams();
            Redirect::to(&format!("/staff/e-arenden/{id}")).into_response()
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn inbox(State(state): State<AppState>, StaffPage(staff): StaffPage) -> Response {
    type Row = (String, String, String, String, i64, Option<i64>, Option<i64>, String);
    type Choices = Vec<(String, String)>;
    let (units, forms, rows): (Choices, Choices, Vec<Row>) = state
        .db
        .call(|conn| {
            let units = conn
                .prepare("SELECT id, name FROM units ORDER BY city, name")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            let forms = conn
                .prepare("SELECT id, title FROM questionnaires ORDER BY title")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            let rows = conn
                .prepare(
                    "SELECT m.id, COALESCE(p.name, m.patient), m.subject, m.kind, m.created_at, m.read_at, m.answered_at,
                            m.unit_id
                     FROM inbox_messages m LEFT JOIN people p ON p.personal_number = m.patient
                     ORDER BY m.created_at DESC, m.rowid DESC LIMIT 100",
                )?
                .query_map([], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
                })?
                .collect::<Result<_, _>>()?;
            Ok((units, forms, rows))
        })
        .await
        .unwrap_or_default();
    // a staff member writes from, and sees what was sent from, their own units
    let units: Choices = units.into_iter().filter(|(id, _)| staff.works_at(id)).collect();
    let rows: Vec<Row> = rows.into_iter().filter(|r| staff.works_at(&r.7)).collect();
    let option = |(id, name): &(String, String)| format!("<option value=\"{}\">{}</option>", esc(id), esc(name));
    let mut body = String::from(nav());
    body.push_str(&format!(
        "<h2>Nytt meddelande</h2><form method=\"post\" action=\"/staff/inkorg\">\
         <p><label for=\"pnr\">Patientens personnummer</label><br><input id=\"pnr\" name=\"pnr\" required autocomplete=\"off\"></p>\
         <p><label for=\"unit\">Från mottagning</label><br><select id=\"unit\" name=\"unit\">{units}</select></p>\
         <p><label for=\"subject\">Ämne</label><br><input id=\"subject\" name=\"subject\" required maxlength=\"150\" size=\"50\"></p>\
         <p><label for=\"body\">Meddelande</label><br><textarea id=\"body\" name=\"body\" rows=\"6\" cols=\"60\" required maxlength=\"{MESSAGE_MAX}\"></textarea></p>\
         <fieldset><legend>Typ</legend>\
         <p><input type=\"radio\" id=\"kind-info\" name=\"kind\" value=\"info\" checked> <label for=\"kind-info\">Information (kan inte besvaras)</label></p>\
         <p><input type=\"radio\" id=\"kind-questions\" name=\"kind\" value=\"questions\"> <label for=\"kind-questions\">Frågor att besvara</label></p>\
         </fieldset>\
         <p><label for=\"questionnaire\">Formulär (för frågor)</label><br><select id=\"questionnaire\" name=\"questionnaire\">\
         <option value=\"\">Inget</option>{forms}</select></p>\
         <p><button>Skicka meddelande</button></p></form><h2>Skickade meddelanden</h2><div data-live=\"sent\">",
        units = units.iter().map(option).collect::<String>(),
        forms = forms.iter().map(option).collect::<String>(),
    ));
    body.push_str(&table_start("Skickade meddelanden", &["Patient", "Ämne", "Typ", "Skickat", "Läst", "Besvarat"]));
    for (id, patient, subject, kind, at, read, answered, _) in rows {
        body.push_str(&format!(
            "<tr data-message=\"{id}\"><td>{p}</td><td><a href=\"/staff/inkorg/{id}\">{s}</a></td><td>{k}</td><td>{at}</td>\
             <td>{r}</td><td>{a}</td></tr>",
            id = esc(&id),
            p = esc(&patient),
            s = esc(&subject),
            k = if kind == "questions" { "Frågor" } else { "Information" },
            at = when(at),
            r = read.map(when).unwrap_or_else(|| "Oläst".into()),
            a = if kind == "questions" { answered.map(when).unwrap_or_else(|| "Inte än".into()) } else { "–".into() },
        ));
    }
    body.push_str(TABLE_END);
    body.push_str("</div>");
    page("Meddelanden till patienter", &body)
}

#[derive(Deserialize)]
struct SendForm {
    pnr: String,
    unit: String,
    subject: String,
    body: String,
    kind: String,
    #[serde(default)]
    questionnaire: String,
}

async fn send(State(state): State<AppState>, StaffForm(staff): StaffForm, Form(f): Form<SendForm>) -> Response {
    let back = "/staff/inkorg";
    if !staff.works_at(&f.unit) {
        return problem("Du kan bara skriva från mottagningar där du arbetar.", back);
    }
    let Staff { id: staff_id, name, .. } = staff;
    let Ok(pnr) = Personnummer::parse(&f.pnr, crate::routes::auth::today()) else {
        return problem("Personnumret är inte giltigt.", back);
    };
    let patient = pnr.twelve_digits();
    let (Ok(subject), Ok(text)) =
        (ingang_api::cases::check_text(&f.subject, 150), ingang_api::cases::check_text(&f.body, MESSAGE_MAX))
    else {
        return problem("Skriv ett ämne (högst 150 tecken) och ett meddelande (högst 4 000 tecken).", back);
    };
    let questions = f.kind == "questions";
    if questions && f.questionnaire.is_empty() {
        return problem("Välj formuläret som patienten ska svara på.", back);
    }
    if !questions && !f.questionnaire.is_empty() {
        return problem("Ett informationsmeddelande kan inte ha ett formulär. Välj Frågor att besvara.", back);
    }
    let questionnaire = questions.then_some(f.questionnaire);
    let (unit, base, now) = (f.unit, state.base_url(), state.clock.now());
    let sender = format!("{name} ({staff_id})");
    let result = state
        .db
        .call(move |conn| {
            let known: bool =
                conn.query_row("SELECT EXISTS (SELECT 1 FROM people WHERE personal_number = ?1)", [&patient], |r| {
                    r.get(0)
                })?;
            let unit_ok: bool =
                conn.query_row("SELECT EXISTS (SELECT 1 FROM units WHERE id = ?1)", [&unit], |r| r.get(0))?;
            let form_ok = match &questionnaire {
                Some(q) => {
                    conn.query_row("SELECT EXISTS (SELECT 1 FROM questionnaires WHERE id = ?1)", [q], |r| r.get(0))?
                }
                None => true,
            };
            if !(known && unit_ok && form_ok) {
                return Ok(Err(if known {
                    "Mottagningen eller formuläret finns inte."
                } else {
                    "Patienten finns inte i systemet."
                }));
            }
            let tx = conn.unchecked_transaction()?;
            let id =
                deliver(&tx, &patient, &unit, &subject, &text, questionnaire.as_deref(), None, &sender, now, &base)?;
            tx.commit()?;
            Ok(Ok(id))
        })
        .await;
    match result {
        Ok(Ok(id)) => {
            state.wake_streams();
            Redirect::to(&format!("/staff/inkorg/{id}")).into_response()
        }
        Ok(Err(why)) => problem(why, back),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn message(State(state): State<AppState>, StaffPage(staff): StaffPage, Path(id): Path<String>) -> Response {
    if !staff.reaches(&state, MESSAGE_UNIT, &id).await {
        return not_theirs();
    }
    type Row = (
        String,
        String,
        String,
        String,
        String,
        i64,
        Option<i64>,
        Option<i64>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let row: Option<Row> = state
        .db
        .call(move |conn| {
            conn.query_row(
                "SELECT COALESCE(p.name, m.patient), m.patient, m.subject, m.body, m.kind, m.created_at, m.read_at,
                        m.answered_at, m.response, q.title, q.resource
                 FROM inbox_messages m LEFT JOIN people p ON p.personal_number = m.patient
                 LEFT JOIN questionnaires q ON q.id = m.questionnaire_id WHERE m.id = ?1",
                [id],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                        r.get(7)?,
                        r.get(8)?,
                        r.get(9)?,
                        r.get(10)?,
                    ))
                },
            )
            .optional()
        })
        .await
        .ok()
        .flatten();
    let Some((name, pnr, subject, text, kind, at, read, answered, response, form, resource)) = row else {
        return (StatusCode::NOT_FOUND, page("Meddelandet finns inte", nav())).into_response();
    };
    let mut body = String::from(nav());
    body.push_str(&format!(
        "<p role=\"status\">Meddelandet är skickat.</p><dl><dt>Till</dt><dd>{} ({})</dd><dt>Skickat</dt><dd>{}</dd>\
         <dt>Typ</dt><dd>{}</dd><dt>Läst</dt><dd data-testid=\"read\">{}</dd></dl><h2>Meddelande</h2><p>{}</p>",
        esc(&name),
        esc(&pnr),
        when(at),
        if kind == "questions" {
            format!("Frågor: {}", esc(form.as_deref().unwrap_or_default()))
        } else {
            "Information".into()
        },
        read.map(when).unwrap_or_else(|| "Oläst".into()),
        esc(&text).replace('\n', "<br>"),
    ));
    if kind == "questions" {
        match (answered, response) {
            (Some(at), Some(response)) => {
                let response: serde_json::Value = serde_json::from_str(&response).unwrap_or_default();
                body.push_str(&format!(
                    "<h2>Patientens svar</h2><p data-testid=\"answered\">Besvarat {}.</p>{}",
                    when(at),
                    answers_html(&labelled(&response, resource.and_then(|f| serde_json::from_str(&f).ok()).as_ref()))
                ));
            }
            _ => body.push_str("<p data-testid=\"answered\">Inte besvarat än.</p>"),
        }
    }
    page(&subject, &body)
}

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
use maud::{Markup, html};
use serde::Deserialize;

use crate::domain::inbox::deliver;
use crate::{
    AppState,
    staff::{
        ATTACHMENT_UNIT, ERRAND_UNIT, MESSAGE_UNIT, STAFF, Staff, StaffForm, StaffPage, answers_html, not_theirs, page,
        table,
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
fn attachments_html(list: &[ingang_api::eservices::Attachment]) -> Markup {
    let count = list.len();
    html! {
        @for (n, a) in list.iter().enumerate() {
            " "
            @if a.is_picture() {
                a href={ "/staff/bilagor/" (a.id) } target="_blank" rel="noopener" {
                    img src={ "/staff/bilagor/" (a.id) "/thumbnail" }
                        alt={ "Bilaga " (n + 1) " av " (count) ": bild från patienten (" (a.width.unwrap_or_default())
                              " × " (a.height.unwrap_or_default()) " px), öppnas i full storlek" }
                        data-testid="staff-attachment" height="120";
                }
            } @else {
                a href={ "/staff/bilagor/" (a.id) } download data-testid="staff-attachment" {
                    "Bilaga " (n + 1) " av " (count) ": PDF-dokument (" (a.size.div_ceil(1024)) " kB)"
                }
            }
        }
    }
}

/// An errand attachment (or its thumbnail) for a staff member who works at the errand's unit.
async fn staff_attachment(state: &AppState, staff: &Staff, id: String, thumbnail: bool) -> Response {
    if !staff.reaches(state, ATTACHMENT_UNIT, &id).await {
        return StatusCode::NOT_FOUND.into_response();
    }
    match crate::domain::attachments::load(state, id.clone(), thumbnail).await {
        // staff see what patients have sent, not what is still being written
        Ok(Some(crate::storage::errands::AttachmentFile { sent: true, content_type, bytes: Some(bytes), .. })) => {
            crate::extract::attachment_response(&id, &content_type, bytes, thumbnail)
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

fn nav() -> Markup {
    html! {
        p {
            a href="/staff" { "Kö" } " · "
            a href="/staff/e-arenden" { "E-tjänstärenden" } " · "
            a href="/staff/inkorg" { "Meddelanden till patienter" } " · "
            a href="/staff/sms" { "Utkorg" }
        }
    }
}

fn problem(text: &str, back: &str) -> Response {
    let mut res = page("Det gick inte", html! { p role="alert" { (text) } p { a href=(back) { "Tillbaka" } } });
    *res.status_mut() = StatusCode::BAD_REQUEST;
    res
}

async fn errands(State(state): State<AppState>, StaffPage(staff): StaffPage) -> Response {
    let rows: Vec<crate::storage::errands::Listed> =
        state.db.store(|conn| crate::storage::errands::for_staff(conn, 200)).await.unwrap_or_default();
    let rows: Vec<_> = rows.into_iter().filter(|r| staff.works_at(&r.unit_id)).collect();
    let body = html! {
        (nav())
        div data-live="errands" {
            @if rows.is_empty() {
                p { "Inga ärenden från e-tjänsterna." }
            } @else {
                (table("E-tjänstärenden", &["Mottagning", "Patient", "Ärendetyp", "Skickat", "Status"], html! {
                    @for e in &rows {
                        tr data-errand=(e.id) {
                            td { (e.unit) } td { (e.patient) }
                            td { a href={ "/staff/e-arenden/" (e.id) } { (e.title) } }
                            td { (when(e.created_at)) }
                            td { @if e.status == "sent" { "Nytt" } @else { "Besvarat" } }
                        }
                    }
                }))
            }
        }
    };
    page("Ärenden från e-tjänsterna", body)
}

async fn errand(State(state): State<AppState>, StaffPage(staff): StaffPage, Path(id): Path<String>) -> Response {
    if !staff.reaches(&state, ERRAND_UNIT, &id).await {
        return not_theirs();
    }
    let eid = id.clone();
    let row: Option<crate::storage::errands::ForStaff> =
        state.db.store(move |conn| crate::storage::errands::page_for_staff(conn, &eid)).await.ok().flatten();
    // (the status is not what decides the form: it is `sent` again after the patient writes back)
    let Some(e) = row else {
        return (StatusCode::NOT_FOUND, page("Ärendet finns inte", nav())).into_response();
    };
    let response: serde_json::Value = serde_json::from_str(&e.response).unwrap_or_default();
    let form: Option<serde_json::Value> = e.form.as_deref().and_then(|f| serde_json::from_str(f).ok());
    let eid = id.clone();
    let messages = state.db.store(move |conn| crate::storage::errands::messages(conn, &eid)).await.unwrap_or_default();
    let body = html! {
        (nav())
        dl {
            dt { "Patient" } dd { (e.name) " (" (e.pnr) ")" }
            dt { "Mottagning" } dd { (e.unit) }
            dt { "Skickat" } dd { (when(e.created_at)) }
            dt { "Svar utlovat inom" }
            dd { @if let Some(d) = e.answer_within_days { (d) " arbetsdagar" } @else { "–" } }
        }
        h2 { "Patientens svar" }
        (answers_html(&labelled(&response, form.as_ref())))
        @if let Some(answer) = &e.answer {
            h2 { "Mottagningens svar" }
            p data-testid="errand-answer" { (answer) }
            p { "Besvarat av " (e.answered_by.as_deref().unwrap_or_default()) "." }
        }
        @if !messages.is_empty() {
            h2 { "Meddelanden" }
            ul data-testid="errand-messages" {
                @for m in &messages {
                    li {
                        strong {
                            @if m.from_clinic { (m.author.as_deref().unwrap_or("Mottagningen")) } @else { "Patienten" }
                        }
                        " (" (when(m.created_at)) "): " (m.body) (attachments_html(&m.attachments))
                    }
                }
            }
        }
        @if e.closed_at.is_some() {
            p data-testid="errand-closed" { "Ärendet är avslutat." }
        } @else if e.answer.is_some() {
            h2 { "Skriv till patienten" }
            form method="post" action={ "/staff/e-arenden/" (id) } {
                input type="hidden" name="follow_up" value="1";
                p {
                    label for="answer" { "Meddelande till patienten" } br;
                    textarea id="answer" name="answer" rows="4" cols="60" maxlength=(MESSAGE_MAX) required {}
                }
                p { "Meddelandet kommer till patientens inkorg. Patienten kan svara tills du avslutar ärendet." }
                p { button { "Skicka" } }
            }
            form method="post" action={ "/staff/e-arenden/" (id) "/close" } { p { button { "Avsluta ärendet" } } }
        } @else {
            h2 { "Svara patienten" }
            form method="post" action={ "/staff/e-arenden/" (id) } {
                p {
                    label for="answer" { "Svar till patienten" } br;
                    textarea id="answer" name="answer" rows="6" cols="60" maxlength=(MESSAGE_MAX) required {}
                }
                p { "Svaret kommer till patientens inkorg och ärendet markeras som besvarat." }
                p { button { "Skicka svar" } }
            }
        }
    };
    page(&format!("{} – {}", e.title, e.name), body)
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
        .store(move |conn| {
            let mut tx = conn.begin()?;
            // the first answer is the errand's answer; later ones are messages (not once closed)
            let changed = if follow_up {
                crate::storage::errands::unit_writes(&mut tx, &eid, &text, &signed_by, now)?
            } else {
                crate::storage::errands::answer(&mut tx, &eid, &text, &signed_by, now)?
            };
            if changed {
                let e = crate::storage::errands::find(&mut tx, &eid)?.ok_or(crate::storage::Error::NoRows)?;
                let (patient, unit, title, unit_name) =
                    (e.patient, e.errand.unit_id, e.errand.title, e.errand.unit_name);
                let body = format!("{text}\n\nVänliga hälsningar\n{signed_by}\n{unit_name}");
                deliver(
                    &mut tx,
                    &patient,
                    &unit,
                    &format!("Svar: {title}"),
                    &body,
                    None,
                    Some(&eid),
                    &staff_id,
                    now,
                    &base,
                )?;
            }
            tx.commit()?;
            Ok(changed)
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
    let done = state.db.store(move |conn| crate::storage::errands::close(conn, &eid, now)).await;
    match done {
        Ok(_) => {
            state.wake_streams();
            Redirect::to(&format!("/staff/e-arenden/{id}")).into_response()
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn inbox(State(state): State<AppState>, StaffPage(staff): StaffPage) -> Response {
    type Choices = Vec<(String, String)>;
    let (units, forms, rows): (Choices, Choices, Vec<crate::storage::inbox::Sent>) = state
        .db
        .store(|conn| {
            let units = crate::storage::units::all(conn)?.into_iter().map(|u| (u.id, u.name)).collect();
            let forms = crate::storage::forms::all(conn)?.into_iter().map(|f| (f.id, f.title)).collect();
            let rows = crate::storage::inbox::sent_for_staff(conn, 100)?;
            Ok((units, forms, rows))
        })
        .await
        .unwrap_or_default();
    // a staff member writes from, and sees what was sent from, their own units
    let units: Choices = units.into_iter().filter(|(id, _)| staff.works_at(id)).collect();
    let rows: Vec<_> = rows.into_iter().filter(|r| staff.works_at(&r.unit_id)).collect();
    let body = html! {
        (nav())
        h2 { "Nytt meddelande" }
        form method="post" action="/staff/inkorg" {
            p { label for="pnr" { "Patientens personnummer" } br; input id="pnr" name="pnr" required autocomplete="off"; }
            p {
                label for="unit" { "Från mottagning" } br;
                select id="unit" name="unit" { @for (id, name) in &units { option value=(id) { (name) } } }
            }
            p {
                label for="subject" { "Ämne" } br;
                input id="subject" name="subject" required maxlength="150" size="50";
            }
            p {
                label for="body" { "Meddelande" } br;
                textarea id="body" name="body" rows="6" cols="60" required maxlength=(MESSAGE_MAX) {}
            }
            fieldset {
                legend { "Typ" }
                p {
                    input type="radio" id="kind-info" name="kind" value="info" checked;
                    " " label for="kind-info" { "Information (kan inte besvaras)" }
                }
                p {
                    input type="radio" id="kind-questions" name="kind" value="questions";
                    " " label for="kind-questions" { "Frågor att besvara" }
                }
            }
            p {
                label for="questionnaire" { "Formulär (för frågor)" } br;
                select id="questionnaire" name="questionnaire" {
                    option value="" { "Inget" }
                    @for (id, title) in &forms { option value=(id) { (title) } }
                }
            }
            p { button { "Skicka meddelande" } }
        }
        h2 { "Skickade meddelanden" }
        div data-live="sent" {
            (table("Skickade meddelanden", &["Patient", "Ämne", "Typ", "Skickat", "Läst", "Besvarat"], html! {
                @for m in &rows {
                    @let questions = m.kind == "questions";
                    tr data-message=(m.id) {
                        td { (m.patient) }
                        td { a href={ "/staff/inkorg/" (m.id) } { (m.subject) } }
                        td { @if questions { "Frågor" } @else { "Information" } }
                        td { (when(m.created_at)) }
                        td { @if let Some(at) = m.read_at { (when(at)) } @else { "Oläst" } }
                        td {
                            @if !questions { "–" }
                            @else if let Some(at) = m.answered_at { (when(at)) }
                            @else { "Inte än" }
                        }
                    }
                }
            }))
        }
    };
    page("Meddelanden till patienter", body)
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
    let Ok(pnr) = Personnummer::parse(&f.pnr, state.clock.today()) else {
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
        .store(move |conn| {
            let known = crate::storage::people::find(conn, &patient)?.is_some();
            let unit_ok = crate::storage::units::exists(conn, &unit)?;
            let form_ok = match &questionnaire {
                Some(q) => crate::storage::forms::exists(conn, q)?,
                None => true,
            };
            if !(known && unit_ok && form_ok) {
                return Ok(Err(if known {
                    "Mottagningen eller formuläret finns inte."
                } else {
                    "Patienten finns inte i systemet."
                }));
            }
            let mut tx = conn.begin()?;
            let id = deliver(
                &mut tx,
                &patient,
                &unit,
                &subject,
                &text,
                questionnaire.as_deref(),
                None,
                &sender,
                now,
                &base,
            )?;
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
    let row: Option<crate::storage::inbox::SentPage> =
        state.db.store(move |conn| crate::storage::inbox::page_for_staff(conn, &id)).await.ok().flatten();
    let Some(m) = row else {
        return (StatusCode::NOT_FOUND, page("Meddelandet finns inte", nav())).into_response();
    };
    let questions = m.kind == "questions";
    let body = html! {
        (nav())
        p role="status" { "Meddelandet är skickat." }
        dl {
            dt { "Till" } dd { (m.name) " (" (m.pnr) ")" }
            dt { "Skickat" } dd { (when(m.created_at)) }
            dt { "Typ" }
            dd { @if questions { "Frågor: " (m.form.as_deref().unwrap_or_default()) } @else { "Information" } }
            dt { "Läst" }
            dd data-testid="read" { @if let Some(at) = m.read_at { (when(at)) } @else { "Oläst" } }
        }
        h2 { "Meddelande" }
        p { @for (n, line) in m.body.split('\n').enumerate() { @if n > 0 { br; } (line) } }
        @if questions {
            @if let (Some(at), Some(response)) = (m.answered_at, &m.response) {
                @let response: serde_json::Value = serde_json::from_str(response).unwrap_or_default();
                @let form: Option<serde_json::Value> = m.resource.as_deref().and_then(|f| serde_json::from_str(f).ok());
                h2 { "Patientens svar" }
                p data-testid="answered" { "Besvarat " (when(at)) "." }
                (answers_html(&labelled(&response, form.as_ref())))
            } @else {
                p data-testid="answered" { "Inte besvarat än." }
            }
        }
    };
    page(&m.subject, body)
}

//! `/staff`: the care staff's side, as plain server-rendered HTML (no app, no script). Minimal
//! but correct: the queue per unit by priority then arrival, a case's answers, pick it ("din
//! tur": the patient sees it and an SMS goes to the outbox), change its priority, close it, and
//! the SMS outbox. Staff sign in separately from patients (their own cookie and table); in demo
//! and test mode with a demo staff identity, otherwise the console does not exist.

use axum::{
    Form, Router,
    extract::{FromRequestParts, Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use maud::{Markup, html};
use serde::Deserialize;

use crate::domain::sessions::hash;
use crate::extract::cookie;
use crate::{AppState, bankid::random_token};

const STAFF_COOKIE: &str = "__Host-ingang-staff";

/// Demo care staff: (id, name, role).
pub const STAFF: &[(&str, &str, &str)] =
    &[("lena", "Lena Ek", "Sjuksköterska"), ("omar", "Omar Haddad", "Läkare"), ("sara", "Sara Lind", "Barnmorska")];

/// The units each staff member works at: `None` for a role across the region (the demo nurse
/// and doctor), otherwise only these. A staff member neither sees nor changes another unit's
/// queue, cases, pictures, visits, errands or messages (each handler asks [`Staff::works_at`]),
/// and what is not theirs is "not found", as if it did not exist.
pub const STAFF_UNITS: &[(&str, Option<&[&str]>)] = &[("lena", None), ("omar", None), ("sara", Some(&["um-lulea"]))];

pub fn router(state: AppState) -> Router {
    if !state.demo {
        return Router::new();
    }
    Router::new()
        .route("/staff", get(queue))
        .route("/staff/login", post(login))
        .route("/staff/logout", post(logout))
        .route("/staff/sms", get(outbox))
        .route("/staff/besok", get(visits_today))
        .route("/staff/cases/{id}", get(case_page))
        .route("/staff/cases/{id}/pick", post(pick))
        .route("/staff/cases/{id}/close", post(close))
        .route("/staff/cases/{id}/priority", post(set_priority))
        .route("/staff/cases/{id}/messages", post(reply))
        .route("/staff/events", get(events))
        .route("/staff/live.js", get(live_script))
        .route("/staff/staff.css", get(stylesheet))
        .route("/staff/pictures/{id}", get(picture))
        .route("/staff/pictures/{id}/thumbnail", get(thumbnail))
        .merge(crate::staff_inbox::routes())
        .with_state(state)
}

/// Opens a table inside its own focusable box that scrolls sideways when the table is wider than
/// the screen (a phone): `label` names the box for screen readers, `columns` are the headers,
/// `rows` the body.
pub(crate) fn table(label: &str, columns: &[&str], rows: Markup) -> Markup {
    html! {
        div class="table-box" role="region" tabindex="0" aria-label=(label) {
            table {
                thead { tr { @for c in columns { th scope="col" { (c) } } } }
                tbody { (rows) }
            }
        }
    }
}

/// The console's stylesheet (a file: the CSP allows no inline style).
const STAFF_CSS: &str = include_str!("../assets/staff.css");

/// A console page: every text put into `body` was escaped by `maud` as it was written.
pub(crate) fn page(title: &str, body: Markup) -> Response {
    let head = html! {
        link rel="stylesheet" href="/staff/staff.css";
        script src="/staff/live.js" defer {}
    };
    crate::html::page(title, "Ingång vårdpersonal", head, body)
}

/// The signed-in staff member's id and name.
pub(crate) async fn staff(state: &AppState, headers: &HeaderMap) -> Option<(String, String)> {
    let token = cookie(headers, STAFF_COOKIE)?;
    let id_hash = hash(&token);
    let now = state.clock.now();
    let id: Option<String> = state
        .db
        .store(move |conn| crate::storage::staff_sessions::staff_of(conn, &id_hash, now - 12 * 3600))
        .await
        .ok()
        .flatten();
    let id = id?;
    STAFF.iter().find(|(s, _, _)| *s == id).map(|(s, n, _)| ((*s).to_owned(), (*n).to_owned()))
}

/// A signed-in staff member, for what the console loads besides pages (pictures, attachments,
/// the event stream): `401` otherwise.
pub(crate) struct Staff {
    pub id: String,
    pub name: String,
    /// `None`: every unit; otherwise the units this staff member works at.
    pub units: Option<Vec<String>>,
}

impl Staff {
    /// May this staff member see and change what belongs to `unit`?
    pub fn works_at(&self, unit: &str) -> bool {
        self.units.as_ref().is_none_or(|units| units.iter().any(|u| u == unit))
    }

    /// Does this staff member work across the region (every unit)?
    pub fn region_wide(&self) -> bool {
        self.units.is_none()
    }

    /// May this staff member reach the `held` thing `id`? A thing that does not exist is not
    /// theirs either.
    pub async fn reaches(&self, state: &AppState, held: crate::storage::reach::Held, id: &str) -> bool {
        let id = id.to_owned();
        let unit: Option<String> =
            state.db.store(move |conn| crate::storage::reach::unit_of(conn, held, &id)).await.ok().flatten();
        unit.is_some_and(|u| self.works_at(&u))
    }
}

/// The things [`Staff::reaches`] finds the unit of.
pub(crate) use crate::storage::reach::Held::{
    Attachment as ATTACHMENT_UNIT, Case as CASE_UNIT, Errand as ERRAND_UNIT, InboxMessage as MESSAGE_UNIT,
    Picture as PICTURE_UNIT,
};

/// What another unit's case, errand or message looks like to a staff member who does not work
/// there: the same as one that does not exist.
pub(crate) fn not_theirs() -> Response {
    let body = html! {
        p { "Det finns inget sådant hos dina mottagningar." }
        p { a href="/staff" { "Till kön" } }
    };
    (StatusCode::NOT_FOUND, page("Finns inte", body)).into_response()
}

/// A signed-in staff member viewing a console page: otherwise the sign-in page.
pub(crate) struct StaffPage(pub Staff);

/// A signed-in staff member changing something by a form post from this host: `403` for a post
/// from elsewhere, `401` without a staff session.
pub(crate) struct StaffForm(pub Staff);

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let (id, name) = staff(state, &parts.headers).await.ok_or_else(|| StatusCode::UNAUTHORIZED.into_response())?;
        let units = STAFF_UNITS
            .iter()
            .find(|(s, _)| *s == id)
            .map_or(Some(Vec::new()), |(_, units)| units.map(|u| u.iter().map(|s| (*s).to_owned()).collect()));
        Ok(Staff { id, name, units })
    }
}

impl FromRequestParts<AppState> for StaffPage {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Staff::from_request_parts(parts, state).await.map(StaffPage).map_err(|_| login_page())
    }
}

impl FromRequestParts<AppState> for StaffForm {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if !same_origin(&parts.headers) {
            return Err(StatusCode::FORBIDDEN.into_response());
        }
        Staff::from_request_parts(parts, state).await.map(StaffForm)
    }
}

/// Form posts must come from this host (with SameSite=Strict cookies this closes CSRF). Browsers
/// say so in `Sec-Fetch-Site`; under our `no-referrer` policy their form posts carry
/// `Origin: null`, so `Origin` decides only for clients without fetch metadata.
pub(crate) fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return site == "same-origin";
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    match headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
        Some(origin) => origin.split_once("://").is_some_and(|(_, rest)| rest == host),
        None => true,
    }
}

pub(crate) fn login_page() -> Response {
    let body = html! {
        p { "Testinloggning (bara i demo- och testläge)." }
        form method="post" action="/staff/login" {
            p {
                label for="staff" { "Person" } " "
                select id="staff" name="staff" {
                    @for (id, name, role) in STAFF { option value=(id) { (name) " (" (role) ")" } }
                }
                " " button { "Logga in" }
            }
        }
    };
    page("Logga in som vårdpersonal", body)
}

#[derive(Deserialize)]
struct Login {
    staff: String,
}

async fn login(State(state): State<AppState>, headers: HeaderMap, Form(f): Form<Login>) -> Response {
    if !same_origin(&headers) {
        return StatusCode::FORBIDDEN.into_response();
    }
    if !STAFF.iter().any(|(id, _, _)| *id == f.staff) {
        return (StatusCode::BAD_REQUEST, "okänd person").into_response();
    }
    let token = random_token();
    let id_hash = hash(&token);
    let (staff_id, now) = (f.staff.clone(), state.clock.now());
    if state.db.store(move |conn| crate::storage::staff_sessions::start(conn, &id_hash, &staff_id, now)).await.is_err()
    {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let mut res = Redirect::to("/staff").into_response();
    let value = format!("{STAFF_COOKIE}={token}; Path=/; HttpOnly; Secure; SameSite=Strict");
    if let Ok(v) = HeaderValue::from_str(&value) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = cookie(&headers, STAFF_COOKIE) {
        let id_hash = hash(&token);
        let gone = id_hash.clone();
        let _ = state.db.store(move |conn| crate::storage::staff_sessions::end(conn, &gone)).await;
        state.hub.session_ended(&id_hash);
    }
    let mut res = Redirect::to("/staff").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_static("__Host-ingang-staff=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0"),
    );
    res
}

async fn queue(State(state): State<AppState>, StaffPage(staff): StaffPage) -> Response {
    let name = staff.name.clone();
    let now = state.clock.now();
    let rows: Vec<crate::storage::cases::Queued> =
        state.db.store(crate::storage::cases::queues).await.unwrap_or_default();
    // only the queues of the units this staff member works at
    let rows: Vec<_> = rows.into_iter().filter(|r| staff.works_at(&r.unit_id)).collect();
    let body = html! {
        p {
            "Inloggad som " (name) ". "
            a href="/staff/sms" { "Utkorg" } " · "
            a href="/staff/besok" { "Dagens besök" } " · "
            a href="/staff/e-arenden" { "E-tjänstärenden" } " · "
            a href="/staff/inkorg" { "Meddelanden till patienter" }
        }
        form method="post" action="/staff/logout" { button { "Logga ut" } }
        div data-live="queue" {
            @if rows.is_empty() { p id="empty-queue" { "Inga ärenden i kö." } }
            @for unit in rows.chunk_by(|a, b| a.unit == b.unit) {
                h2 { (unit[0].unit) }
                (table(&format!("Kö: {}", unit[0].unit), &["Prioritet", "Patient", "Besvär", "Väntat", "Status", "Åtgärd"], html! {
                    @for r in unit {
                        @let waiting = r.status == "waiting";
                        tr data-case=(r.id) {
                            td { (r.priority) }
                            td { a href={ "/staff/cases/" (r.id) } { (r.patient) } }
                            td { (r.title) }
                            td { ((now - r.queued_at).max(0) / 60) " min" }
                            td { @if waiting { "Väntar" } @else { "Pågår" } }
                            td {
                                @if waiting {
                                    form method="post" action={ "/staff/cases/" (r.id) "/pick" } {
                                        button { "Ta ärende: " (r.patient) }
                                    }
                                } @else {
                                    form method="post" action={ "/staff/cases/" (r.id) "/close" } {
                                        button { "Avsluta: " (r.patient) }
                                    }
                                }
                            }
                        }
                    }
                }))
            }
        }
        p { a href="/staff" { "Ladda om" } }
    };
    page("Kö", body)
}

/// A case status as staff read it.
fn status_sv(status: &str) -> &'static str {
    match status {
        "waiting" => "väntar i kön",
        "inProgress" => "pågår",
        "closed" => "avslutat",
        "withdrawn" => "tillbakadraget",
        _ => "okänd",
    }
}

/// The answers as the patient reviewed them: each enabled question's text and its answers'
/// displays (not codes), nested by depth, from the questionnaire engine. `None` when the form
/// or the response cannot be read (then [`answers_html`] shows what the response says).
pub(crate) fn review_html(questionnaire: &str, response: &str) -> Option<Markup> {
    let q = ingang_questionnaire::Questionnaire::from_json(questionnaire).ok()?;
    let r = ingang_questionnaire::QuestionnaireResponse::from_json(response).ok()?;
    let (form, _) = ingang_questionnaire::Form::with_response(q, r);
    Some(html! {
        ul class="answers" {
            @for line in form.review("sv", ("Ja", "Nej")) {
                li class={ "depth-" (line.depth.min(3)) } { strong { (line.text) } ": " (line.answers.join(", ")) }
            }
        }
    })
}

/// The answers of a response as nested lists (item text or linkId, then the answers' displays).
pub(crate) fn answers_html(items: &serde_json::Value) -> Markup {
    let Some(items) = items.as_array() else { return html! {} };
    let shown = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Object(o) => o
            .get("display")
            .or_else(|| o.get("code"))
            .or_else(|| o.get("title"))
            .map(|x| x.as_str().map(str::to_owned).unwrap_or_else(|| x.to_string()))
            .unwrap_or_else(|| v.to_string()),
        serde_json::Value::Bool(true) => "Ja".to_owned(),
        serde_json::Value::Bool(false) => "Nej".to_owned(),
        other => other.to_string(),
    };
    html! {
        ul {
            @for item in items {
                @let answers = item["answer"].as_array().map(Vec::as_slice).unwrap_or_default();
                @let values: Vec<String> = answers
                    .iter()
                    .filter_map(|a| a.as_object()?.iter().find(|(k, _)| k.starts_with("value")).map(|(_, v)| shown(v)))
                    .collect();
                li {
                    strong { (item["text"].as_str().or(item["linkId"].as_str()).unwrap_or("")) } ": " (values.join(", "))
                    (answers_html(&item["item"]))
                    @for answer in answers { (answers_html(&answer["item"])) }
                }
            }
        }
    }
}

/// A chat message on a case's page: who wrote it, its text and its pictures (id, width, height).
struct ChatLine {
    who: String,
    body: String,
    pictures: Vec<(String, u32, u32)>,
}

async fn case_page(State(state): State<AppState>, StaffPage(staff): StaffPage, Path(id): Path<String>) -> Response {
    if !staff.reaches(&state, CASE_UNIT, &id).await {
        return not_theirs();
    }
    let cid = id.clone();
    let row: Option<(crate::storage::cases::ForStaff, Vec<ChatLine>)> = state
        .db
        .store(move |conn| {
            let case = crate::storage::cases::page_for_staff(conn, &cid)?;
            let messages = crate::storage::chat::of_case(conn, &cid)?
                .into_iter()
                .map(|m| ChatLine {
                    who: match (m.author, m.author_name, m.author_role) {
                        (ingang_api::chat::Author::Staff, Some(name), Some(role)) => format!("{name} ({role})"),
                        (ingang_api::chat::Author::Staff, ..) => "Vården".into(),
                        (ingang_api::chat::Author::Patient, ..) => "Patient".into(),
                    },
                    body: m.body,
                    pictures: m.pictures.into_iter().map(|p| (p.id, p.width, p.height)).collect(),
                })
                .collect();
            Ok(case.map(|c| (c, messages)))
        })
        .await
        .ok()
        .flatten();
    let Some((case, messages)) = row else {
        return (StatusCode::NOT_FOUND, page("Ärendet finns inte", html! { p { a href="/staff" { "Till kön" } } }))
            .into_response();
    };
    let answers = case.form.as_deref().and_then(|f| review_html(f, &case.response)).unwrap_or_else(|| {
        answers_html(&serde_json::from_str::<serde_json::Value>(&case.response).unwrap_or_default()["item"])
    });
    let body = html! {
        p { (case.title) " · status " (status_sv(&case.status)) }
        form method="post" action={ "/staff/cases/" (id) "/priority" } {
            p {
                label for="prio" { "Prioritet" } " "
                select id="prio" name="priority" {
                    @for p in 1..=3 { option value=(p) selected[p == case.priority] { (p) } }
                }
                " " button { "Ändra prioritet" }
            }
        }
        h2 { "Beskrivning" }
        p data-testid="description" { (case.description) }
        h2 { "Svar" }
        (answers)
        h2 { "Chatt" }
        // only the messages are live: the forms never change under the pointer
        ul id="chat" role="log" data-live="chat" {
            @for m in &messages {
                li {
                    strong { (m.who) } ": " (m.body)
                    @for (n, (pid, w, h)) in m.pictures.iter().enumerate() {
                        a href={ "/staff/pictures/" (pid) } target="_blank" rel="noopener" {
                            img src={ "/staff/pictures/" (pid) "/thumbnail" }
                                alt={ "Bild " (n + 1) " från patienten (" (w) " × " (h) " px), öppnas i full storlek" }
                                data-testid="staff-picture" height="120";
                        }
                        " "
                    }
                }
            }
        }
        @if case.status == "inProgress" {
            form method="post" action={ "/staff/cases/" (id) "/messages" } {
                p { label for="reply" { "Svar till patienten" } br; textarea id="reply" name="body" rows="3" cols="60" required {} }
                p { button { "Skicka" } }
            }
            form method="post" action={ "/staff/cases/" (id) "/messages" } {
                input type="hidden" name="ask" value="picture";
                p { button { "Be om en bild" } }
            }
            form method="post" action={ "/staff/cases/" (id) "/close" } { p { button { "Avsluta chatten" } } }
        }
        p { a href="/staff" { "Till kön" } }
    };
    page(&case.patient, body)
}

/// Runs a state change on a case (the handler has a [`StaffForm`]), then back to the queue.
async fn change(
    state: &AppState,
    id: String,
    f: impl FnOnce(&mut crate::storage::Conn<'_>) -> crate::storage::Result<usize> + Send + 'static,
) -> Response {
    let now = state.clock.now();
    let changed = state
        .db
        .store(move |conn| {
            let n = f(conn)?;
            // the owner hears of its status, everyone waiting there of their places
            if n > 0
                && let Some(unit) = crate::storage::reach::unit_of(conn, CASE_UNIT, &id)?
            {
                crate::domain::events::queue_changed(conn, &unit, Some(&id), now)?;
            }
            Ok(n)
        })
        .await;
    match changed {
        Ok(0) => (StatusCode::CONFLICT, "Ärendet har redan ändrats av någon annan.").into_response(),
        Ok(_) => {
            state.wake_streams();
            Redirect::to("/staff").into_response()
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Picks a waiting case: "din tur". An SMS goes to the outbox when the patient's contact (the
/// user who sent the case) wants SMS and has a number.
async fn pick(State(state): State<AppState>, StaffForm(staff): StaffForm, Path(id): Path<String>) -> Response {
    if !staff.reaches(&state, CASE_UNIT, &id).await {
        return not_theirs();
    }
    let now = state.clock.now();
    change(&state, id.clone(), move |conn| {
        let picked = crate::storage::cases::pick(conn, &id, now)?;
        if picked {
            // in the resident's own language (`lang::notices`)
            if let Some((mobile, language)) = crate::storage::cases::sms_to_owner(conn, &id)? {
                let text = crate::lang::notices::your_turn(&language);
                crate::storage::sms::queue(conn, &mobile, text, crate::storage::sms::About::Case(&id), now)?;
            }
            // and a push to each of their devices, when they chose push
            let owner = crate::storage::cases::owner(conn, &id)?.ok_or(crate::storage::Error::NoRows)?;
            let (path, tag) = (format!("/arenden/{id}"), format!("din-tur-{id}"));
            crate::push::enqueue(conn, &owner, crate::push::Notice::YourTurn, &path, &tag, now)?;
        }
        let n = usize::from(picked);
        Ok(n)
    })
    .await
}

async fn close(State(state): State<AppState>, StaffForm(staff): StaffForm, Path(id): Path<String>) -> Response {
    if !staff.reaches(&state, CASE_UNIT, &id).await {
        return not_theirs();
    }
    let now = state.clock.now();
    change(&state, id.clone(), move |conn| Ok(usize::from(crate::storage::cases::close(conn, &id, now)?))).await
}

#[derive(Deserialize)]
struct PriorityForm {
    priority: i64,
}

async fn set_priority(
    State(state): State<AppState>,
    StaffForm(staff): StaffForm,
    Path(id): Path<String>,
    Form(f): Form<PriorityForm>,
) -> Response {
    if !staff.reaches(&state, CASE_UNIT, &id).await {
        return not_theirs();
    }
    if !(1..=3).contains(&f.priority) {
        return (StatusCode::BAD_REQUEST, "prioritet 1–3").into_response();
    }
    change(&state, id.clone(), move |conn| Ok(usize::from(crate::storage::cases::set_priority(conn, &id, f.priority)?)))
        .await
}

async fn outbox(State(state): State<AppState>, StaffPage(staff): StaffPage) -> Response {
    // every patient's number and address is here: for the region's own roles only
    if !staff.region_wide() {
        let body = html! {
            p { "Utkorgen visas för personal med tillgång till alla mottagningar." }
            p { a href="/staff" { "Till kön" } }
        };
        let mut res = page("Utkorg", body);
        *res.status_mut() = StatusCode::FORBIDDEN;
        return res;
    }
    let (sms, notices, pushes): (
        Vec<crate::storage::sms::Listed>,
        Vec<crate::storage::inbox::Notice>,
        Vec<crate::storage::push::Sent>,
    ) = state
        .db
        .store(|conn| {
            let sms = crate::storage::sms::newest(conn, 200)?;
            let notices = crate::storage::inbox::newest_notices(conn, 200)?;
            let pushes = crate::storage::push::newest(conn, 200)?;
            Ok((sms, notices, pushes))
        })
        .await
        .unwrap_or_default();
    let body = html! {
        p { "Sms som servern skickar (med en sms-tjänst när en är inställd; annars ligger de kvar här)." }
        (table("Sms", &["Till", "Text", "Tid (unix)", "Status"], html! {
            @for crate::storage::sms::Listed { to, body: text, created_at: at, status } in &sms {
                tr { td { (to) } td { (text) } td { (at) } td { (delivery(status)) } }
            }
        }))
        h2 { "Aviseringar om nya meddelanden i inkorgen" }
        p { "Enligt mottagarens val: sms, e-post eller pushnotis." }
        (table("Aviseringar", &["Kanal", "Till", "Text", "Tid (unix)", "Status"], html! {
            @for crate::storage::inbox::Notice { channel, recipient: to, body: text, created_at: at, status } in &notices {
                // only text messages have a sender (e-mail and push are kept here)
                @let (channel, status) = match channel.as_str() {
                    "sms" => ("Sms", delivery(status)),
                    "email" => ("E-post", "–"),
                    _ => ("Push", "–"),
                };
                tr data-channel=(channel) { td { (channel) } td { (to) } td { (text) } td { (at) } td { (status) } }
            }
        }))
        h2 { "Pushnotiser" }
        p { "En rad per enhet som patienten har slagit på pushnotiser för. Texten säger bara att något väntar i appen." }
        (table("Pushnotiser", &["Till (personnummer)", "Om", "Tid (unix)", "Status"], html! {
            @for crate::storage::push::Sent { recipient: to, kind, created_at: at, status } in &pushes {
                @let kind = match kind.as_str() {
                    "your_turn" => "Din tur",
                    "chat_message" => "Nytt meddelande i chatten",
                    _ => "Nytt meddelande i inkorgen",
                };
                @let status = match status.as_str() {
                    "gone" => "Prenumerationen har upphört",
                    other => delivery(other),
                };
                tr data-push=(kind) { td { (to) } td { (kind) } td { (at) } td { (status) } }
            }
        }))
        p { a href="/staff" { "Till kön" } }
    };
    page("Utkorg", body)
}

/// An outbox row's delivery, in Swedish.
fn delivery(status: &str) -> &'static str {
    match status {
        "sent" => "Skickat",
        "sending" => "Skickas",
        "failed" => "Misslyckades",
        "expired" => "För gammalt, inte skickat",
        _ => "Väntar",
    }
}

/// `/staff/besok`: today's visits per unit (Stockholm day of the server's clock), who has
/// checked in (arrived) and whether the fee is settled; live like the queue.
async fn visits_today(State(state): State<AppState>, StaffPage(staff): StaffPage) -> Response {
    use ingang_api::visits::stockholm_offset;
    let now = state.clock.now();
    let day = (now + stockholm_offset(now)).div_euclid(86_400);
    let rows: Vec<crate::storage::visits::ForStaff> = state
        .db
        .store(move |conn| {
            let start = day * 86_400;
            let start = start - stockholm_offset(start);
            crate::storage::visits::for_staff(conn, start, start + 86_400)
        })
        .await
        .unwrap_or_default();
    let rows: Vec<_> = rows.into_iter().filter(|r| staff.works_at(&r.unit_id)).collect();
    // money taken twice for one visit (a late Swish PAID after another payment): to pay back
    let refunds = state.db.store(crate::storage::payments::refunds_for_staff).await.unwrap_or_default();
    let hhmm = crate::domain::visits::stockholm_hhmm;
    let arrival = |v: &crate::storage::visits::ForStaff| match (v.status.as_str(), v.checked_in_at) {
        ("checkedIn", Some(at)) => format!("Ankommen {}", hhmm(at)),
        ("cancelled", _) => "Avbokad".to_owned(),
        _ => "Inte ankommen".to_owned(),
    };
    let paid = |v: &crate::storage::visits::ForStaff| match (v.fee, v.method.as_deref(), v.payment_status.as_deref()) {
        (Some(0), _, _) => "Avgiftsfri".to_owned(),
        (_, Some(m), Some("INVOICED")) => format!("Faktura ({m})").replace(" (invoice)", ""),
        (_, Some("card"), _) => "Betald med kort".to_owned(),
        (_, Some("swish"), _) => "Betald med Swish".to_owned(),
        (Some(f), _, _) => format!("{f} kr att betala"),
        _ => "–".to_owned(),
    };
    let body = html! {
        p { a href="/staff" { "Till kön" } }
        div data-live="visits" {
            @if rows.is_empty() { p { "Inga besök i dag." } }
            @for unit in rows.chunk_by(|a, b| a.unit_name == b.unit_name) {
                @let name = &unit[0].unit_name;
                h2 { (name) }
                (table(&format!("Besök: {name}"), &["Tid", "Patient", "Besök", "Ankomst", "Avgift"], html! {
                    @for v in unit {
                        tr data-visit=(v.id) {
                            td { (hhmm(v.starts_at)) } td { (v.patient) } td { (v.title) }
                            td { (arrival(v)) } td { (paid(v)) }
                        }
                    }
                }))
            }
        }
        @if !refunds.is_empty() {
            h2 { "Att betala tillbaka" }
            p { "Betalt två gånger för samma besök (en sen Swish-betalning)." }
            (table("Att betala tillbaka", &["Betalning", "Betalare", "Besök", "Belopp", "Återbetalning"], html! {
                @for crate::storage::payments::RefundForStaff { id, payer, amount, title, refund_status: status } in &refunds {
                    tr data-refund=(id) {
                        td { (id) } td { (payer) } td { (title) } td { (amount) " kr" }
                        td {
                            @match status.as_deref() {
                                Some("requested") => "Begärd hos Swish",
                                Some("refunded") => "Återbetald med Swish",
                                Some("failed") => "Swish kunde inte betala tillbaka: gör det på annat sätt",
                                _ => "Att göra",
                            }
                        }
                    }
                }
            }))
        }
    };
    page("Dagens besök", body)
}

#[derive(Deserialize)]
struct ReplyForm {
    #[serde(default)]
    body: String,
    /// "picture": ask the patient for a picture (the app offers its picture button).
    #[serde(default)]
    ask: Option<String>,
}

/// The text of "Be om en bild" when staff write nothing of their own.
pub const ASK_FOR_PICTURE: &str = "Kan du skicka en bild? Tryck på ”Lägg till bilder” under chatten.";

/// A message from the signed-in staff member to the patient, while the case is picked.
async fn reply(
    State(state): State<AppState>,
    StaffForm(staff): StaffForm,
    Path(id): Path<String>,
    Form(f): Form<ReplyForm>,
) -> Response {
    if !staff.reaches(&state, CASE_UNIT, &id).await {
        return not_theirs();
    }
    let Staff { id: staff_id, name, .. } = staff;
    let asks = f.ask.as_deref() == Some("picture");
    let text = if asks && f.body.trim().is_empty() { ASK_FOR_PICTURE } else { &f.body };
    let Ok(body) = ingang_api::chat::check_message(text) else {
        return (StatusCode::BAD_REQUEST, "Meddelandet är tomt eller för långt.").into_response();
    };
    let role = STAFF.iter().find(|(s, _, _)| *s == staff_id).map(|(_, _, r)| *r).unwrap_or("Vårdpersonal");
    let first = name.split(' ').next().unwrap_or_default().to_owned();
    let cid = id.clone();
    let now = state.clock.now();
    let result = state
        .db
        .store(move |conn| {
            let open = crate::storage::cases::owner_status_unit(conn, &cid)?
                .is_some_and(|(_, status, _)| status == ingang_api::cases::CaseStatus::InProgress.as_str());
            if !open {
                return Ok(false);
            }
            let key = crate::bankid::random_token();
            let draft = crate::domain::chat::Draft {
                author: ingang_api::chat::Author::Staff,
                staff: Some((&first, role)),
                body: &body,
                client_id: &key,
                picture_ids: &[],
                asks_for_picture: asks,
                now,
            };
            crate::domain::chat::insert(conn, &cid, draft)?;
            let owner = crate::storage::cases::owner(conn, &cid)?.ok_or(crate::storage::Error::NoRows)?;
            let (path, tag) = (format!("/arenden/{cid}"), format!("chatt-{cid}"));
            crate::push::enqueue(conn, &owner, crate::push::Notice::ChatMessage, &path, &tag, now)?;
            Ok(true)
        })
        .await;
    match result {
        Ok(true) => {
            state.wake_streams();
            Redirect::to(&format!("/staff/cases/{id}")).into_response()
        }
        Ok(false) => (StatusCode::CONFLICT, "Chatten är inte öppen.").into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// `/staff/events`: a Server-Sent Events stream that says "change" whenever anything changed
/// (a new case, a message, a picked case); `/staff/live.js` then re-reads the page's live parts.
async fn events(State(state): State<AppState>, _: Staff, headers: HeaderMap) -> Response {
    use axum::response::sse::{Event, KeepAlive, Sse};
    use futures_util::stream::{self, StreamExt};
    let changes = state.hub.staff_changes();
    let ended = state.hub.session_ended_events();
    let id_hash = cookie(&headers, STAFF_COOKIE).map(|t| hash(&t)).unwrap_or_default();
    // ends at logout (here) and, before each change it tells of, when the session is gone
    let stream = stream::unfold(
        (state, headers, id_hash, changes, ended),
        |(state, headers, id_hash, mut changes, mut ended)| async move {
            let mut stopping = state.stopping.subscribe();
            if *stopping.borrow() {
                return None;
            }
            loop {
                tokio::select! {
                    r = changes.recv() => match r {
                        Ok(()) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => break,
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                    },
                    gone = ended.recv() => match gone {
                        Ok(h) if *h == *id_hash => return None,
                        Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                    },
                    _ = stopping.wait_for(|s| *s) => return None,
                }
            }
            staff(&state, &headers).await?;
            let event = Event::default().event("change").data("changed");
            Some((Ok::<_, std::convert::Infallible>(event), (state, headers, id_hash, changes, ended)))
        },
    );
    let opening =
        stream::once(async { Ok(Event::default().retry(std::time::Duration::from_secs(2)).comment("ready")) });
    Sse::new(opening.chain(stream))
        .keep_alive(KeepAlive::new().interval(std::time::Duration::from_secs(15)))
        .into_response()
}

/// Keeps the console's live parts (`data-live`) current: on each change it fetches the page
/// again and swaps in those parts (never a text being typed: forms outside them stay).
const LIVE_JS: &str = r#"(() => {
  const parts = () => document.querySelectorAll('[data-live]');
  if (!parts().length || !window.EventSource) return;
  let busy = false, again = false;
  const refresh = async () => {
    if (busy) { again = true; return; }
    busy = true;
    try {
      const res = await fetch(location.href, { credentials: 'same-origin', cache: 'no-store' });
      const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
      for (const el of parts()) {
        const next = doc.querySelector('[data-live="' + el.dataset.live + '"]');
        if (!next || next.innerHTML === el.innerHTML) continue;
        const active = document.activeElement;
        const typing = active && el.contains(active) && active.matches('textarea, input, select');
        if (typing) continue;
        el.innerHTML = next.innerHTML;
      }
    } catch (e) { /* the next change tries again */ }
    busy = false;
    if (again) { again = false; refresh(); }
  };
  const es = new EventSource('/staff/events');
  es.addEventListener('change', refresh);
  document.documentElement.dataset.live = 'on';
})();
"#;

async fn stylesheet() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")], STAFF_CSS)
        .into_response()
}

async fn live_script() -> Response {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")], LIVE_JS)
        .into_response()
}

/// A chat picture (or its thumbnail) for a staff member who works at the case's unit.
async fn staff_picture(state: &AppState, staff: &Staff, id: String, thumbnail: bool) -> Response {
    if !staff.reaches(state, PICTURE_UNIT, &id).await {
        return StatusCode::NOT_FOUND.into_response();
    }
    match crate::domain::pictures::load(state, id.clone(), thumbnail).await {
        // staff see pictures patients have sent, not ones still being written
        Ok(Some(crate::storage::chat::PictureFile { sent: true, content_type, bytes, .. })) => {
            crate::extract::picture_response(&id, &content_type, bytes, thumbnail)
        }
        Ok(_) => StatusCode::NOT_FOUND.into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn picture(State(state): State<AppState>, staff: Staff, Path(id): Path<String>) -> Response {
    staff_picture(&state, &staff, id, false).await
}

async fn thumbnail(State(state): State<AppState>, staff: Staff, Path(id): Path<String>) -> Response {
    staff_picture(&state, &staff, id, true).await
}

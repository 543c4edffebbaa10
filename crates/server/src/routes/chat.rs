//! The chat of a case: history with paging, and sending (idempotent by the client's id). Only
//! while the case is picked (`inProgress`) can anyone write; the history stays readable.
//! Authorisation as for the case itself: its owner and the guardians who may see the patient.

use axum::{
    Json,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use ingang_api::chat::{Author, MESSAGE_MAX, Message, MessageEvent, MessagePage, NewMessage, check_message_with};
use rusqlite::{OptionalExtension, params};

use super::auth::{AuthUser, now_secs};
use crate::{AppState, error::ApiError};

const SELECT: &str = "SELECT id, idempotency_key, case_id, author, author_name, author_role, body, created_at, \
     asks_for_picture FROM messages";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Message> {
    let author: String = r.get(3)?;
    Ok(Message {
        id: r.get(0)?,
        client_id: r.get(1)?,
        case_id: r.get(2)?,
        author: if author == "staff" { Author::Staff } else { Author::Patient },
        author_name: r.get(4)?,
        author_role: r.get(5)?,
        body: r.get(6)?,
        pictures: Vec::new(),
        asks_for_picture: r.get(8)?,
        created_at: r.get(7)?,
    })
}

/// A message with its pictures.
fn full(conn: &rusqlite::Connection, mut m: Message) -> rusqlite::Result<Message> {
    m.pictures = super::pictures::of_message(conn, m.id)?;
    Ok(m)
}

/// What a new message holds besides its case.
pub struct Draft<'a> {
    pub author: Author,
    /// Staff: (first name, role).
    pub staff: Option<(&'a str, &'a str)>,
    pub body: &'a str,
    pub client_id: &'a str,
    /// Checked by `pictures::check_ids`.
    pub picture_ids: &'a [String],
    pub asks_for_picture: bool,
}

/// Stores a message (once per `client_id`), records a `message` event for the case's owner and
/// returns the stored message and whether it is new. Used by the API and the staff console.
pub fn insert(conn: &mut rusqlite::Connection, case_id: &str, d: Draft<'_>) -> rusqlite::Result<(Message, bool)> {
    let tx = conn.transaction()?;
    let inserted = tx.execute(
        "INSERT OR IGNORE INTO messages (case_id, author, body, created_at, idempotency_key, author_name, author_role,
         asks_for_picture) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            case_id,
            if d.author == Author::Staff { "staff" } else { "patient" },
            d.body,
            now_secs(),
            d.client_id,
            d.staff.map(|s| s.0),
            d.staff.map(|s| s.1),
            d.asks_for_picture
        ],
    )? == 1;
    let message =
        tx.query_row(&format!("{SELECT} WHERE case_id = ?1 AND idempotency_key = ?2"), [case_id, d.client_id], row)?;
    if inserted {
        super::pictures::attach(&tx, message.id, d.picture_ids)?;
    }
    let message = full(&tx, message)?;
    if inserted {
        let owner: String = tx.query_row("SELECT owner FROM cases WHERE id = ?1", [case_id], |r| r.get(0))?;
        let data = serde_json::to_string(&MessageEvent { case_id: case_id.into(), message: message.clone() })
            .unwrap_or_default();
        tx.execute(
            "INSERT INTO events (recipient, kind, data, created_at) VALUES (?1, 'message', ?2, ?3)",
            params![owner, data, now_secs()],
        )?;
    }
    tx.commit()?;
    Ok((message, inserted))
}

/// `?before=<id>&limit=<n>`.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    /// Only messages older than this id.
    pub before: Option<i64>,
    /// At most this many (1–100, default 30); anything else answers 400.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// The conversation of a case, newest page first (each page oldest first).
#[utoipa::path(
    get,
    path = "/cases/{id}/messages",
    tag = "chat",
    params(("id" = String, Path, description = "Case id"), PageQuery),
    responses(
        (status = 200, description = "A page of messages", body = MessagePage),
        (status = 400, description = "`limit` outside 1–100, or `before` not a number", body = ingang_api::ErrorBody),
        (status = 401, description = "Not signed in", body = ingang_api::ErrorBody),
        (status = 404, description = "No such case for this user", body = ingang_api::ErrorBody)
    )
)]
pub async fn list_messages(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Query(page): Query<PageQuery>,
) -> Result<Json<MessagePage>, ApiError> {
    let limit = page.limit.unwrap_or(30);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::bad_request("limit ska vara mellan 1 och 100."));
    }
    super::cases::authorised_case(&state, &user, id.clone()).await?;
    let before = page.before.unwrap_or(i64::MAX);
    let (mut messages, has_more) = state
        .db
        .call(move |conn| {
            let mut stmt =
                conn.prepare(&format!("{SELECT} WHERE case_id = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3"))?;
            let rows: Vec<Message> = stmt.query_map(params![id, before, limit + 1], row)?.collect::<Result<_, _>>()?;
            let rows = rows.into_iter().map(|m| full(conn, m)).collect::<Result<Vec<_>, _>>()?;
            let more = rows.len() > limit as usize;
            Ok((rows.into_iter().take(limit as usize).collect::<Vec<_>>(), more))
        })
        .await?;
    messages.reverse();
    Ok(Json(MessagePage { messages, has_more }))
}

/// Sends a message in a picked case. The same `clientId` again returns the same message (200).
#[utoipa::path(
    post,
    path = "/cases/{id}/messages",
    tag = "chat",
    params(("id" = String, Path, description = "Case id")),
    request_body = NewMessage,
    responses(
        (status = 201, description = "Sent", body = Message),
        (status = 200, description = "Already sent with this clientId", body = Message),
        (status = 400, description = "`message_required`, `message_too_long`, `client_id_required`, `too_many_pictures` or `unknown_picture`", body = ingang_api::ErrorBody),
        (status = 401, description = "Not signed in", body = ingang_api::ErrorBody),
        (status = 404, description = "No such case for this user", body = ingang_api::ErrorBody),
        (status = 409, description = "`chat_closed`: the case is not picked (waiting, or ended)", body = ingang_api::ErrorBody)
    )
)]
pub async fn send_message(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Json(body): Json<NewMessage>,
) -> Result<Response, ApiError> {
    let client_id = body.client_id.trim().to_owned();
    if client_id.is_empty() || client_id.len() > 100 {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "client_id_required", "clientId saknas."));
    }
    let text = check_message_with(&body.body, body.picture_ids.len())
        .map_err(|p| super::cases::text_error(p, "message", MESSAGE_MAX))?;
    let case = super::cases::authorised_case(&state, &user, id.clone()).await?;
    let (cid, key) = (id.clone(), client_id.clone());
    // a retry of a message already stored: its answer, whatever the case's state now
    let existing: Option<Message> = state
        .db
        .call(move |conn| {
            conn.query_row(&format!("{SELECT} WHERE case_id = ?1 AND idempotency_key = ?2"), [cid, key], row)
                .optional()?
                .map(|m| full(conn, m))
                .transpose()
        })
        .await?;
    if let Some(m) = existing {
        return Ok((StatusCode::OK, Json(m)).into_response());
    }
    if case.status != ingang_api::cases::CaseStatus::InProgress {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "chat_closed",
            "Chatten är inte öppen. Vårdpersonalen öppnar den när det är din tur.",
        ));
    }
    super::pictures::check_ids(&state, &user.personal_number, &id, &body.picture_ids).await?;
    let ids = body.picture_ids;
    let (message, new) = state
        .db
        .call(move |conn| {
            let draft = Draft {
                author: Author::Patient,
                staff: None,
                body: &text,
                client_id: &client_id,
                picture_ids: &ids,
                asks_for_picture: false,
            };
            insert(conn, &id, draft)
        })
        .await?;
    state.wake_streams();
    let status = if new { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(message)).into_response())
}

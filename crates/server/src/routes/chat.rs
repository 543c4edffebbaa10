//! The chat of a case: history with paging, and sending (idempotent by the client's id). Only
//! while the case is picked (`inProgress`) can anyone write; the history stays readable.
//! Authorisation as for the case itself: its owner and the guardians who may see the patient.

use crate::domain::chat::Draft;
use crate::domain::chat::insert;
use axum::{
    Json,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use ingang_api::chat::{Author, MESSAGE_MAX, Message, MessagePage, NewMessage, check_message_with};

use crate::extract::AuthUser;
use crate::{AppState, error::ApiError};

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
    crate::domain::cases::authorised_case(&state, &user, id.clone()).await?;
    let before = page.before.unwrap_or(i64::MAX);
    let (mut messages, has_more) = state
        .db
        .store(move |conn| {
            let rows = crate::storage::chat::before(conn, &id, before, i64::from(limit) + 1)?;
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
        .map_err(|p| crate::domain::cases::text_error(p, "message", MESSAGE_MAX))?;
    let case = crate::domain::cases::authorised_case(&state, &user, id.clone()).await?;
    let (cid, key) = (id.clone(), client_id.clone());
    // a retry of a message already stored: its answer, whatever the case's state now
    let existing: Option<Message> =
        state.db.store(move |conn| crate::storage::chat::by_client_id(conn, &cid, &key)).await?;
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
    crate::domain::pictures::check_ids(&state, &user.personal_number, &id, &body.picture_ids).await?;
    let (ids, now) = (body.picture_ids, state.clock.now());
    let (message, new) = state
        .db
        .store(move |conn| {
            let draft = Draft {
                author: Author::Patient,
                staff: None,
                body: &text,
                client_id: &client_id,
                picture_ids: &ids,
                asks_for_picture: false,
                now,
            };
            insert(conn, &id, draft)
        })
        .await?;
    state.wake_streams();
    let status = if new { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(message)).into_response())
}

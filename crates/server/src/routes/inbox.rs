//! The inbox (Inkorg): messages from a clinic to a patient. Information only, or questions that
//! are answered once with a questionnaire the clinic chose; answers to e-service errands arrive
//! here too. Read and answered state live on the server, so every device (and both guardians)
//! see the same. A new message is announced by SMS, e-post or push, by each recipient's
//! settings, through `notification_outbox` (the gateways are outside the project).
//!
//! Authorisation as for e-services: the user's own messages and their children's up to 12.

use axum::{
    Json,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use ingang_api::{
    eservices::{Inbox, InboxAnswer, InboxKind, InboxMessage, UnreadCount},
    people::Person,
};
use ingang_questionnaire::Questionnaire;

use crate::domain::errands::digits;
use crate::domain::errands::e_service_people;
use crate::domain::questionnaires::validated;
use crate::extract::AuthUser;
use crate::extract::idempotency_key;
use crate::{AppState, error::ApiError};

/// A message with its answer key (to tell a retry from a second answer), if it is one of
/// `people`'s.
fn named(stored: crate::storage::inbox::Stored, people: &[Person]) -> Option<(InboxMessage, Option<String>)> {
    let person = people.iter().find(|p| digits(p) == stored.patient)?;
    let message = InboxMessage { person_id: person.id.clone(), person_name: person.name.clone(), ..stored.message };
    Some((message, stored.answer_key))
}

async fn load(state: &AppState, people: Vec<Person>, id: String) -> Result<(InboxMessage, Option<String>), ApiError> {
    state
        .db
        .store(move |conn| Ok(crate::storage::inbox::find(conn, &id)?.and_then(|s| named(s, &people))))
        .await?
        .ok_or_else(ApiError::not_found)
}

fn patients(people: &[Person]) -> Vec<String> {
    people.iter().map(digits).collect()
}

/// The messages of the user and their children (up to 12), newest first, with the unread count.
#[utoipa::path(
    get,
    path = "/inbox",
    tag = "inbox",
    responses(
        (status = 200, description = "The inbox", body = Inbox),
        (status = 401, description = "Not signed in", body = ingang_api::ErrorBody)
    )
)]
pub async fn list_inbox(State(state): State<AppState>, user: AuthUser) -> Result<Json<Inbox>, ApiError> {
    let people = e_service_people(&state, &user).await?;
    let unread = count_unread(&state, &people).await?;
    let pnrs = patients(&people);
    let messages = state
        .db
        .store(move |conn| {
            let stored = crate::storage::inbox::of_patients(conn, &pnrs, 200)?;
            Ok(stored.into_iter().filter_map(|s| named(s, &people)).map(|(m, _)| m).collect::<Vec<_>>())
        })
        .await?;
    Ok(Json(Inbox { messages, unread }))
}

/// How many unread messages the user and their children (up to 12) have: the tab's badge.
#[utoipa::path(
    get,
    path = "/inbox/unread",
    tag = "inbox",
    responses(
        (status = 200, description = "The count", body = UnreadCount),
        (status = 401, description = "Not signed in", body = ingang_api::ErrorBody)
    )
)]
pub async fn unread(State(state): State<AppState>, user: AuthUser) -> Result<Json<UnreadCount>, ApiError> {
    let people = e_service_people(&state, &user).await?;
    Ok(Json(UnreadCount { unread: count_unread(&state, &people).await? }))
}

/// Unread messages of these people (all of them, not only the listed page).
async fn count_unread(state: &AppState, people: &[Person]) -> Result<u32, ApiError> {
    let pnrs = patients(people);
    state.db.store(move |conn| crate::storage::inbox::unread(conn, &pnrs)).await
}

/// One message, if the user may read it (opening it does not mark it read: see `/read`).
#[utoipa::path(
    get,
    path = "/inbox/{id}",
    tag = "inbox",
    params(("id" = String, Path)),
    responses(
        (status = 200, description = "The message", body = InboxMessage),
        (status = 401, description = "Not signed in", body = ingang_api::ErrorBody),
        (status = 404, description = "No such message for this user", body = ingang_api::ErrorBody)
    )
)]
pub async fn get_message(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<InboxMessage>, ApiError> {
    let people = e_service_people(&state, &user).await?;
    Ok(Json(load(&state, people, id).await?.0))
}

/// Marks a message read (for everyone who may read it). Harmless to repeat.
#[utoipa::path(
    post,
    path = "/inbox/{id}/read",
    tag = "inbox",
    params(("id" = String, Path)),
    responses(
        (status = 200, description = "The message, read", body = InboxMessage),
        (status = 401, description = "Not signed in", body = ingang_api::ErrorBody),
        (status = 404, description = "No such message for this user", body = ingang_api::ErrorBody)
    )
)]
pub async fn mark_read(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<InboxMessage>, ApiError> {
    let people = e_service_people(&state, &user).await?;
    load(&state, people.clone(), id.clone()).await?;
    let i = id.clone();
    let now = state.clock.now();
    state.db.store(move |conn| crate::storage::inbox::mark_read(conn, &i, now)).await?;
    state.wake_streams();
    Ok(Json(load(&state, people, id).await?.0))
}

/// Answers a questions message with its questionnaire, once. The same `Idempotency-Key` returns
/// the same result; another answer after the first is `409 already_answered`.
#[utoipa::path(
    post,
    path = "/inbox/{id}/answer",
    tag = "inbox",
    params(("id" = String, Path), ("Idempotency-Key" = String, Header, min_length = 1, max_length = 100, pattern = "^[!-~]+$", description = "A random key per answer")),
    request_body = InboxAnswer,
    responses(
        (status = 200, description = "Answered (now locked)", body = InboxMessage),
        (status = 400, description = "`idempotency_key_required` or `invalid_response`", body = ingang_api::ErrorBody),
        (status = 401, description = "Not signed in", body = ingang_api::ErrorBody),
        (status = 404, description = "No such message for this user", body = ingang_api::ErrorBody),
        (status = 409, description = "`not_answerable` (information only) or `already_answered`", body = ingang_api::ErrorBody)
    )
)]
pub async fn answer(
    State(state): State<AppState>,
    user: AuthUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(body): Json<InboxAnswer>,
) -> Result<Response, ApiError> {
    let key = idempotency_key(&headers)?;
    let people = e_service_people(&state, &user).await?;
    let (message, answered_with) = load(&state, people.clone(), id.clone()).await?;
    let Some(qid) = message.questionnaire_id.clone().filter(|_| message.kind == InboxKind::Questions) else {
        return Err(ApiError::new(StatusCode::CONFLICT, "not_answerable", "Meddelandet går inte att svara på."));
    };
    if message.answered_at.is_some() {
        return if answered_with.as_deref() == Some(key.as_str()) {
            Ok(Json(message).into_response())
        } else {
            Err(already_answered())
        };
    }
    let resource: Option<String> = state.db.store(move |conn| crate::storage::forms::resource(conn, &qid)).await?;
    let questionnaire =
        Questionnaire::from_json(&resource.ok_or_else(ApiError::not_found)?).map_err(ApiError::internal)?;
    let text = body.response.to_string();
    validated(questionnaire, &text, state.clock.now())?;
    let (i, k, by) = (id.clone(), key.clone(), user.personal_number.clone());
    let now = state.clock.now();
    state.db.store(move |conn| crate::storage::inbox::answer(conn, &i, &by, &text, &k, now)).await?;
    state.wake_streams();
    // two answers at once: only one landed; the other learns which
    let (message, answered_with) = load(&state, people, id).await?;
    if answered_with.as_deref() == Some(key.as_str()) {
        Ok(Json(message).into_response())
    } else {
        Err(already_answered())
    }
}

fn already_answered() -> ApiError {
    ApiError::new(StatusCode::CONFLICT, "already_answered", "Frågorna är redan besvarade.")
}

#[cfg(test)]
mod tests {
    #[test]
    fn notifications_carry_no_health_data() {
        let text = crate::domain::inbox::notification_text("https://ingang.example/", "abc", "sv");
        assert!(text.ends_with("https://ingang.example/inkorg/abc"));
        assert!(text.contains("nytt meddelande"));
        for lang in ["en", "fi", "ar", "se"] {
            let text = crate::domain::inbox::notification_text("https://ingang.example/", "abc", lang);
            assert!(text.ends_with("https://ingang.example/inkorg/abc"), "{lang}");
        }
        assert!(
            crate::domain::inbox::notification_text("https://x/", "abc", "en").starts_with("You have a new message")
        );
        assert!(
            crate::domain::inbox::notification_text("https://x/", "abc", "se").contains("nytt meddelande"),
            "unknown: Swedish"
        );
    }
}

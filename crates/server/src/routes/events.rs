//! `GET /api/v1/events`: one Server-Sent Events stream per session (cookie auth) with what
//! changed for the user: a case's status, its place in the queue, its estimated wait.
//!
//! Events are rows in SQLite (`events`), so nothing is lost across a reconnect or a server
//! restart: the browser's `EventSource` sends `Last-Event-ID` and gets every later event of its
//! user. A broadcast channel only wakes the open streams; a comment every 15 s keeps proxies
//! from closing them, and a stream ends when its session does.

use std::{convert::Infallible, time::Duration};

use axum::{
    extract::State,
    http::HeaderMap,
    response::sse::{Event, KeepAlive, Sse},
};
use futures_util::stream::{self, Stream, StreamExt};
use ingang_api::cases::CaseStatus;
use rusqlite::params;
use serde_json::json;

use super::auth::{AuthUser, now_secs};
use crate::{AppState, error::ApiError};

/// Records a `case` event for the owner of every open case in `unit_id` (their place may have
/// changed) and wakes the streams. Call after any change to a unit's queue.
pub fn queue_changed(conn: &rusqlite::Connection, unit_id: &str) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare(
        "SELECT id, owner, status FROM cases
         WHERE unit_id = ?1 AND (status IN ('waiting', 'inProgress') OR closed_at >= ?2)",
    )?;
    let rows: Vec<(String, String, String)> = stmt
        .query_map(params![unit_id, now_secs() - 60], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (id, owner, status) in rows {
        let place = if status == CaseStatus::Waiting.as_str() { super::cases::place_of(conn, &id)? } else { None };
        let data = json!({
            "caseId": id,
            "status": status,
            "position": place.map(|p| p.0),
            "estimatedWaitMinutes": place.map(|p| p.1),
        });
        conn.execute(
            "INSERT INTO events (recipient, kind, data, created_at) VALUES (?1, 'case', ?2, ?3)",
            params![owner, data.to_string(), now_secs()],
        )?;
    }
    // keep the table small: a day of history is plenty for any reconnect
    conn.execute("DELETE FROM events WHERE created_at < ?1", [now_secs() - 86_400])?;
    Ok(())
}

type Row = (i64, String, String);

async fn after(state: &AppState, recipient: &str, last: i64) -> Result<Vec<Row>, ApiError> {
    let recipient = recipient.to_owned();
    state
        .db
        .call(move |conn| {
            let mut stmt = conn
                .prepare("SELECT id, kind, data FROM events WHERE recipient = ?1 AND id > ?2 ORDER BY id LIMIT 500")?;
            let rows = stmt.query_map(params![recipient, last], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            rows.collect()
        })
        .await
}

/// The event stream of the signed-in user.
#[utoipa::path(
    get,
    path = "/events",
    tag = "cases",
    params(("Last-Event-ID" = Option<String>, Header, description = "Resume after this event (the browser sends it on reconnect)")),
    responses(
        (status = 200, description = "`text/event-stream`. Event `case`: `{caseId, status, position?, estimatedWaitMinutes?}`; \
            event `message`: `{caseId, message}` (a chat message, see `MessageEvent`); \
            every event has an `id` for resuming; `:` comments are heartbeats", content_type = "text/event-stream", body = String),
        (status = 401, description = "Not signed in", body = ingang_api::ErrorBody)
    )
)]
pub async fn events(
    State(state): State<AppState>,
    user: AuthUser,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let resume = headers.get("last-event-id").and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<i64>().ok());
    let start = match resume {
        Some(id) => id,
        // a fresh stream starts now: what happened before is in `GET /cases`
        None => {
            state.db.call(|conn| conn.query_row("SELECT COALESCE(MAX(id), 0) FROM events", [], |r| r.get(0))).await?
        }
    };
    let wake = state.events.subscribe();
    let stream = stream::unfold(
        (state, user, start, wake, Vec::<Row>::new()),
        |(state, user, mut last, mut wake, mut pending)| async move {
            loop {
                if let Some((id, kind, data)) = pending.pop() {
                    last = last.max(id);
                    let event = Event::default().id(id.to_string()).event(kind).data(data);
                    return Some((Ok(event), (state, user, last, wake, pending)));
                }
                match after(&state, &user.personal_number, last).await {
                    Ok(mut rows) if !rows.is_empty() => {
                        rows.reverse(); // popped from the end: oldest first
                        pending = rows;
                        continue;
                    }
                    Ok(_) => {}
                    Err(_) => return None,
                }
                // wait for news; every 30 s check that the session still stands; end at shutdown
                let mut stopping = state.stopping.subscribe();
                if *stopping.borrow() {
                    return None;
                }
                let news = tokio::select! {
                    news = tokio::time::timeout(Duration::from_secs(30), wake.recv()) => news,
                    _ = stopping.wait_for(|s| *s) => return None,
                };
                match news {
                    Ok(Ok(())) | Ok(Err(tokio::sync::broadcast::error::RecvError::Lagged(_))) => {}
                    Ok(Err(tokio::sync::broadcast::error::RecvError::Closed)) => return None,
                    Err(_) => {
                        if !super::auth::session_alive(&state, &user.session_hash).await {
                            return None;
                        }
                    }
                }
            }
        },
    );
    // First, the position itself (an `id` with no data) and a short reconnection delay: a client
    // that reconnects after a server restart then resumes from here even if it saw no event yet.
    let opening = Event::default().id(start.to_string()).retry(Duration::from_secs(2)).comment("ready");
    let stream = stream::once(async move { Ok::<_, Infallible>(opening) }).chain(stream);
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)).text("heartbeat")))
}

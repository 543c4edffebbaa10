//! `GET /api/v1/events`: one Server-Sent Events stream per session (cookie auth) with what
//! changed for the user: a case's status, its place in the queue, its estimated wait.
//!
//! Events are rows in SQLite (`events`), so nothing is lost across a reconnect or a server
//! restart: the browser's `EventSource` sends `Last-Event-ID` and gets every later event of its
//! user. A dispatcher ([`Hub`]) hands new rows to the open streams of their recipients; a comment every 15 s keeps proxies
//! from closing them.
//!
//! A stream ends the moment its session does: at logout (the hub's `session_ended`), when the
//! inactivity or absolute limit passes (a timer set to the session's deadline), and when it is
//! revoked elsewhere (the session is read again before anything is sent, and every 30 s).

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
    // one write for all the rows (a savepoint works inside a caller's transaction too)
    conn.execute_batch("SAVEPOINT queue_changed")?;
    let result = record_queue(conn, unit_id);
    match result {
        Ok(()) => conn.execute_batch("RELEASE queue_changed"),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK TO queue_changed; RELEASE queue_changed");
            Err(e)
        }
    }
}

fn record_queue(conn: &rusqlite::Connection, unit_id: &str) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, owner, status FROM cases
         WHERE unit_id = ?1 AND (status IN ('waiting', 'inProgress') OR closed_at >= ?2)",
    )?;
    let rows: Vec<(String, String, String)> = stmt
        .query_map(params![unit_id, now_secs() - 60], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let mut insert =
        conn.prepare_cached("INSERT INTO events (recipient, kind, data, created_at) VALUES (?1, 'case', ?2, ?3)")?;
    for (id, owner, status) in rows {
        let place = if status == CaseStatus::Waiting.as_str() { super::cases::place_of(conn, &id)? } else { None };
        let data = json!({
            "caseId": id,
            "status": status,
            "position": place.map(|p| p.0),
            "estimatedWaitMinutes": place.map(|p| p.1),
        });
        insert.execute(params![owner, data.to_string(), now_secs()])?;
    }
    // keep the table small: a day of history is plenty for any reconnect
    conn.execute("DELETE FROM events WHERE created_at < ?1", [now_secs() - 86_400])?;
    Ok(())
}

type Row = (i64, String, String);

/// One open stream: whose, where it is, and until when its session lasts.
struct Watch {
    state: AppState,
    user: AuthUser,
    last: i64,
    live: tokio::sync::broadcast::Receiver<std::sync::Arc<Row>>,
    ended: tokio::sync::broadcast::Receiver<std::sync::Arc<str>>,
    /// When the session ends unless it is used (Unix seconds; see `auth::session_deadline`).
    deadline: i64,
    pending: Vec<Row>,
    catch_up: bool,
}

/// What woke a waiting stream.
enum Wake {
    News(Result<std::sync::Arc<Row>, tokio::sync::broadcast::error::RecvError>),
    Ended(Result<std::sync::Arc<str>, tokio::sync::broadcast::error::RecvError>),
    Check,
}

/// The time from now until just past `deadline` (Unix seconds), at least 100 ms.
fn until(deadline: i64) -> Duration {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    Duration::from_secs((deadline + 1).max(0) as u64).saturating_sub(now).max(Duration::from_millis(100))
}

/// Hands new `events` rows to the open streams of their recipients. One task reads the new
/// rows once per wake (not one query per open stream), so a message costs the same whether 10
/// or 2,000 streams are open; each stream reads the database only to catch up (on connect,
/// on resume, or after falling behind).
#[derive(Default)]
pub struct Hub {
    streams: std::sync::Mutex<std::collections::HashMap<String, tokio::sync::broadcast::Sender<std::sync::Arc<Row>>>>,
    dirty: tokio::sync::Notify,
    started: std::sync::atomic::AtomicBool,
    /// Every change at all, for the staff console's stream (it re-reads its page).
    pub staff: std::sync::OnceLock<tokio::sync::broadcast::Sender<()>>,
    /// The id hashes of sessions that have just ended (logout): their streams close at once.
    ended: std::sync::OnceLock<tokio::sync::broadcast::Sender<std::sync::Arc<str>>>,
}

impl Hub {
    /// New rows are in `events`: the dispatcher reads and delivers them.
    pub fn wake(&self) {
        self.dirty.notify_one();
        if let Some(s) = self.staff.get() {
            let _ = s.send(());
        }
    }

    /// The changes for the staff console.
    pub fn staff_changes(&self) -> tokio::sync::broadcast::Receiver<()> {
        self.staff.get_or_init(|| tokio::sync::broadcast::channel(16).0).subscribe()
    }

    /// A session has ended (by its id hash): its open streams close now, not at their next check.
    pub fn session_ended(&self, id_hash: &str) {
        let _ = self.ended_sender().send(id_hash.into());
    }

    /// The sessions that end from now on (by id hash), for a stream to watch for its own.
    pub fn session_ended_events(&self) -> tokio::sync::broadcast::Receiver<std::sync::Arc<str>> {
        self.ended_sender().subscribe()
    }

    fn ended_sender(&self) -> &tokio::sync::broadcast::Sender<std::sync::Arc<str>> {
        self.ended.get_or_init(|| tokio::sync::broadcast::channel(64).0)
    }

    fn subscribe(&self, recipient: &str) -> tokio::sync::broadcast::Receiver<std::sync::Arc<Row>> {
        let mut map = self.streams.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(recipient.to_owned()).or_insert_with(|| tokio::sync::broadcast::channel(256).0).subscribe()
    }

    fn deliver(&self, recipient: &str, row: Row) {
        let mut map = self.streams.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(tx) = map.get(recipient)
            && tx.send(std::sync::Arc::new(row)).is_err()
        {
            map.remove(recipient); // nobody listens any more
        }
    }
}

/// Starts the dispatcher of [`Hub`] once (on the first stream).
fn ensure_dispatcher(state: &AppState) {
    if state.hub.started.swap(true, std::sync::atomic::Ordering::SeqCst) {
        return;
    }
    let state = state.clone();
    tokio::spawn(async move {
        let Ok(mut last) = state
            .db
            .call(|conn| conn.query_row("SELECT COALESCE(MAX(id), 0) FROM events", [], |r| r.get::<_, i64>(0)))
            .await
        else {
            return;
        };
        let mut stopping = state.stopping.subscribe();
        loop {
            tokio::select! {
                () = state.hub.dirty.notified() => {}
                _ = stopping.wait_for(|s| *s) => return,
            }
            loop {
                let from = last;
                let rows: Vec<(i64, String, String, String)> = match state
                    .db
                    .call(move |conn| {
                        let mut stmt = conn.prepare_cached(
                            "SELECT id, recipient, kind, data FROM events WHERE id > ?1 ORDER BY id LIMIT 1000",
                        )?;
                        let rows = stmt.query_map([from], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
                        rows.collect()
                    })
                    .await
                {
                    Ok(rows) => rows,
                    Err(_) => break,
                };
                if rows.is_empty() {
                    break;
                }
                for (id, recipient, kind, data) in rows {
                    last = id;
                    state.hub.deliver(&recipient, (id, kind, data));
                }
            }
        }
    });
}

async fn after(state: &AppState, recipient: &str, last: i64) -> Result<Vec<Row>, ApiError> {
    let recipient = recipient.to_owned();
    state
        .db
        .call(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT id, kind, data FROM events WHERE recipient = ?1 AND id > ?2 ORDER BY id LIMIT 500",
            )?;
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
    ensure_dispatcher(&state);
    // subscribe before catching up, so nothing written in between is missed (ids dedupe)
    let live = state.hub.subscribe(&user.personal_number);
    let ended = state.hub.session_ended_events();
    let Some(deadline) = super::auth::session_deadline(&state, &user.session_hash).await else {
        return Err(super::auth::unauthorized());
    };
    let watch = Watch { state, user, last: start, live, ended, deadline, pending: Vec::new(), catch_up: true };
    let stream = stream::unfold(watch, |mut w| async move {
        loop {
            if let Some((id, kind, data)) = w.pending.pop() {
                if id <= w.last {
                    continue;
                }
                w.last = id;
                let event = Event::default().id(id.to_string()).event(kind).data(data);
                return Some((Ok(event), w));
            }
            if w.catch_up {
                let mut rows = after(&w.state, &w.user.personal_number, w.last).await.ok()?;
                w.catch_up = rows.len() == 500; // a full page: there may be more
                rows.reverse(); // popped from the end: oldest first
                w.pending = rows;
                // nothing is sent unless the session stands now (a logout or revocation on
                // another process reaches this check, not the broadcast below)
                if !w.pending.is_empty() {
                    w.deadline = super::auth::session_deadline(&w.state, &w.user.session_hash).await?;
                }
                continue;
            }
            // Wait for news, the session's end (logout here, or its inactivity or absolute
            // limit), or shutdown. Every 30 s the session is read again (revoked elsewhere).
            let mut stopping = w.state.stopping.subscribe();
            if *stopping.borrow() {
                return None;
            }
            let check = Duration::from_secs(30).min(until(w.deadline));
            let wake = tokio::select! {
                news = w.live.recv() => Wake::News(news),
                gone = w.ended.recv() => Wake::Ended(gone),
                () = tokio::time::sleep(check) => Wake::Check,
                _ = stopping.wait_for(|s| *s) => return None,
            };
            use tokio::sync::broadcast::error::RecvError;
            match wake {
                Wake::News(Ok(row)) => {
                    w.deadline = super::auth::session_deadline(&w.state, &w.user.session_hash).await?;
                    w.pending.push(row.as_ref().clone());
                }
                // fell behind: read what was missed from the database
                Wake::News(Err(RecvError::Lagged(_))) => w.catch_up = true,
                Wake::News(Err(RecvError::Closed)) => {
                    w.live = w.state.hub.subscribe(&w.user.personal_number);
                    w.catch_up = true;
                }
                Wake::Ended(Ok(hash)) if *hash == *w.user.session_hash => return None,
                Wake::Ended(Ok(_)) => {}
                Wake::Ended(Err(_)) => {
                    // missed some: read this session again
                    w.ended = w.state.hub.session_ended_events();
                    w.deadline = super::auth::session_deadline(&w.state, &w.user.session_hash).await?;
                }
                Wake::Check => {
                    w.deadline = super::auth::session_deadline(&w.state, &w.user.session_hash).await?;
                }
            }
        }
    });
    // First, the position itself (an `id` with no data) and a short reconnection delay: a client
    // that reconnects after a server restart then resumes from here even if it saw no event yet.
    let opening = Event::default().id(start.to_string()).retry(Duration::from_secs(2)).comment("ready");
    let stream = stream::once(async move { Ok::<_, Infallible>(opening) }).chain(stream);
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)).text("heartbeat")))
}

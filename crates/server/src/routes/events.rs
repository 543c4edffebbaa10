//! `GET /api/v1/events`: one Server-Sent Events stream per session (cookie auth) with what
//! changed for the user: a case's status, its place in the queue, its estimated wait.
//!
//! Events are rows in SQLite (`events`), so nothing is lost across a reconnect or a server
//! restart: the browser's `EventSource` sends `Last-Event-ID` and gets every later event of its
//! user. A dispatcher ([`Hub`]) hands new rows to the open streams of their recipients; a comment every 15 s keeps proxies
//! from closing them.
//!
//! A change to a unit's queue is one `queue` row for the unit (plus one `case` row to the owner
//! of the case that changed), however many wait: each stream with a waiting case there turns
//! the unit's row into `case` events with its own places, read once per change for all streams
//! ([`Hub`] keeps the unit's latest places).
//!
//! A stream ends the moment its session does: at logout (the hub's `session_ended` in this
//! process, a `session-ended` event in the others), when the
//! inactivity or absolute limit passes (a timer set to the session's deadline), and when it is
//! revoked elsewhere (the session is read again before anything is sent, and every 30 s).

use crate::domain::events::Row;
use crate::domain::events::UNIT;
use crate::domain::events::case_data;
use std::{convert::Infallible, time::Duration};

use axum::{
    extract::State,
    http::HeaderMap,
    response::sse::{Event, KeepAlive, Sse},
};
use futures_util::stream::{self, Stream, StreamExt};
use ingang_api::cases::CaseStatus;

use crate::extract::AuthUser;
use crate::storage;
use crate::{AppState, error::ApiError};

/// One open stream: whose, where it is, and until when its session lasts.
struct Watch {
    state: AppState,
    user: AuthUser,
    last: i64,
    live: tokio::sync::broadcast::Receiver<std::sync::Arc<Row>>,
    ended: tokio::sync::broadcast::Receiver<std::sync::Arc<str>>,
    /// When the session ends unless it is used (Unix seconds; see `auth::session_deadline`).
    deadline: i64,
    /// Every unit's `queue` rows.
    queues: tokio::sync::broadcast::Receiver<std::sync::Arc<Row>>,
    /// The user's waiting cases and their units: whose places a `queue` row may change.
    waiting: std::collections::HashMap<String, String>,
    /// Events ready to send, oldest first.
    pending: std::collections::VecDeque<Row>,
    catch_up: bool,
}

impl Watch {
    /// Takes in rows of the user's own and of units' queues (oldest first), turning each unit's
    /// latest `queue` row into the places of the user's cases there.
    async fn take(&mut self, rows: Vec<Row>) -> Option<()> {
        let latest_of_unit: std::collections::HashMap<&str, i64> =
            rows.iter().filter(|r| r.1 == "queue").map(|r| (r.2.as_str(), r.0)).collect();
        let mut out = Vec::new();
        for (id, kind, data) in &rows {
            if *id <= self.last {
                continue;
            }
            if kind == "queue" {
                if latest_of_unit.get(data.as_str()) != Some(id) || !self.waiting.values().any(|u| u == data) {
                    continue;
                }
                let places = self.state.hub.places(&self.state, data, *id).await.ok()?;
                for (case, unit) in &self.waiting {
                    if unit == data
                        && let Some(place) = places.get(case)
                    {
                        out.push((*id, "case".to_owned(), case_data(case, unit, "waiting", Some(*place))));
                    }
                }
            } else if kind == crate::domain::events::SESSION_ENDED {
                // a logout, perhaps through another process: this stream ends if it was its
                // session's; another session's end is nothing to send
                if data.as_str() == &*self.user.session_hash {
                    return None;
                }
            } else {
                if kind == "case"
                    && let Ok(v) = serde_json::from_str::<serde_json::Value>(data)
                    && let (Some(case), Some(status)) = (v["caseId"].as_str(), v["status"].as_str())
                {
                    match v["unitId"].as_str() {
                        Some(unit) if status == CaseStatus::Waiting.as_str() => {
                            self.waiting.insert(case.to_owned(), unit.to_owned());
                        }
                        _ => {
                            self.waiting.remove(case);
                        }
                    }
                }
                out.push((*id, kind.clone(), data.clone()));
            }
        }
        if !out.is_empty() {
            // nothing is sent unless the session stands now (a logout or revocation on another
            // process reaches this check, not the broadcast)
            self.deadline = crate::domain::sessions::session_deadline(&self.state, &self.user.session_hash).await?;
        }
        self.pending.extend(out);
        Some(())
    }
}

/// What woke a waiting stream.
enum Wake {
    News(Result<std::sync::Arc<Row>, tokio::sync::broadcast::error::RecvError>),
    Queue(Result<std::sync::Arc<Row>, tokio::sync::broadcast::error::RecvError>),
    Ended(Result<std::sync::Arc<str>, tokio::sync::broadcast::error::RecvError>),
    Check,
}

/// The time from `now` until just past `deadline` (both Unix seconds, the server's clock), at
/// least 100 ms.
fn until(deadline: i64, now: i64) -> Duration {
    Duration::from_secs((deadline + 1 - now).max(0) as u64).max(Duration::from_millis(100))
}

/// How often the dispatcher looks for rows that another server process wrote to the same
/// database (this process's own wake it at once): one query by id, for every stream of the
/// process together, so several processes behind a load balancer deliver each other's events
/// within this time (`ingang-load --processes 2` measures it).
const OTHER_PROCESSES: Duration = Duration::from_millis(50);

/// On PostgreSQL the other processes' events are announced (LISTEN/NOTIFY, see
/// `Db::on_notice`); the dispatcher still looks this often, in case a notice was lost with its
/// connection.
const OTHER_PROCESSES_NOTIFIED: Duration = Duration::from_secs(1);

/// Starts the dispatcher of [`Hub`] once (on the first stream).
fn ensure_dispatcher(state: &AppState) {
    if state.hub.started.swap(true, std::sync::atomic::Ordering::SeqCst) {
        return;
    }
    let state = state.clone();
    let notified = {
        let hub = state.hub.clone();
        state.db.on_notice(storage::events::CHANNEL, move || hub.wake())
    };
    let look = if notified { OTHER_PROCESSES_NOTIFIED } else { OTHER_PROCESSES };
    tokio::spawn(async move {
        let Ok(mut last) = state.db.store(storage::events::last_id).await else {
            return;
        };
        let mut stopping = state.stopping.subscribe();
        loop {
            // `true`: woken by the clock, for rows another process may have written
            let polled = tokio::select! {
                () = state.hub.dirty.notified() => false,
                () = tokio::time::sleep(look) => true,
                _ = stopping.wait_for(|s| *s) => return,
            };
            let before = last;
            loop {
                let from = last;
                let rows = match state.db.store(move |conn| storage::events::after(conn, from, 1000)).await {
                    Ok(rows) => rows,
                    Err(_) => break,
                };
                if rows.is_empty() {
                    break;
                }
                for (id, recipient, kind, data) in rows {
                    last = id;
                    if recipient.starts_with(UNIT) {
                        let _ = state.hub.queues().send(std::sync::Arc::new((id, kind, data)));
                    } else {
                        state.hub.deliver(&recipient, (id, kind, data));
                    }
                }
            }
            // another process changed something: this process's staff consoles look again too
            if polled && last > before {
                state.hub.staff_changed();
            }
        }
    });
}

async fn after(state: &AppState, recipient: &str, last: i64) -> Result<Vec<Row>, ApiError> {
    let recipient = recipient.to_owned();
    state.db.store(move |conn| storage::events::after_for(conn, &recipient, last, 500)).await
}

/// The event stream of the signed-in user.
#[utoipa::path(
    get,
    path = "/events",
    tag = "cases",
    params(("Last-Event-ID" = Option<String>, Header, description = "Resume after this event (the browser sends it on reconnect)")),
    responses(
        (status = 200, description = "`text/event-stream`. Event `case`: `{caseId, unitId, status, position?, estimatedWaitMinutes?, unitOpensAt?}` (a case of the user or a child: its status, or its new place when the unit's queue changed); \
            event `message`: `{caseId, message}` (a chat message, see `MessageEvent`); \
            event `inbox`: `{messageId}` (a new message in the inbox of the user or a child: ask `/inbox/unread` again); \
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
        None => state.db.store(storage::events::last_id).await?,
    };
    ensure_dispatcher(&state);
    // subscribe before catching up, so nothing written in between is missed (ids dedupe)
    let live = state.hub.subscribe(&user.personal_number);
    let ended = state.hub.session_ended_events();
    let Some(deadline) = crate::domain::sessions::session_deadline(&state, &user.session_hash).await else {
        return Err(crate::extract::unauthorized());
    };
    let queues = state.hub.queues().subscribe();
    let owner = user.personal_number.clone();
    let waiting = state
        .db
        .store(move |conn| {
            Ok(crate::storage::cases::waiting_of_owner(conn, &owner)?
                .into_iter()
                .collect::<std::collections::HashMap<_, _>>())
        })
        .await?;
    let watch = Watch {
        state,
        user,
        last: start,
        live,
        ended,
        deadline,
        queues,
        waiting,
        pending: Default::default(),
        catch_up: true,
    };
    let stream = stream::unfold(watch, |mut w| async move {
        use tokio::sync::broadcast::error::RecvError;
        loop {
            if let Some((id, kind, data)) = w.pending.pop_front() {
                let event = Event::default().id(id.to_string()).event(kind).data(data);
                return Some((Ok(event), w));
            }
            if w.catch_up {
                let rows = after(&w.state, &w.user.personal_number, w.last).await.ok()?;
                w.catch_up = rows.len() == 500; // a full page: there may be more
                let read_to = rows.last().map(|r| r.0);
                w.take(rows).await?;
                w.last = w.last.max(read_to.unwrap_or(w.last));
                continue;
            }
            // Wait for news, the session's end (logout here, or its inactivity or absolute
            // limit), or shutdown. Every 30 s the session is read again (revoked elsewhere).
            let mut stopping = w.state.stopping.subscribe();
            if *stopping.borrow() {
                return None;
            }
            let check = Duration::from_secs(30).min(until(w.deadline, w.state.clock.now()));
            // biased, own rows first: a change writes the owner's row before the unit's, and the
            // dispatcher hands them out in that order; taking the unit's row first would move
            // `last` past the owner's row, and its status change would be lost
            let wake = tokio::select! {
                biased;
                news = w.live.recv() => Wake::News(news),
                queue = w.queues.recv() => Wake::Queue(queue),
                gone = w.ended.recv() => Wake::Ended(gone),
                () = tokio::time::sleep(check) => Wake::Check,
                _ = stopping.wait_for(|s| *s) => return None,
            };
            match wake {
                Wake::News(Ok(row)) | Wake::Queue(Ok(row)) => {
                    let id = row.0;
                    w.take(vec![row.as_ref().clone()]).await?;
                    w.last = w.last.max(id);
                }
                // fell behind: read what was missed from the database
                Wake::News(Err(RecvError::Lagged(_))) | Wake::Queue(Err(RecvError::Lagged(_))) => w.catch_up = true,
                Wake::News(Err(RecvError::Closed)) => {
                    w.live = w.state.hub.subscribe(&w.user.personal_number);
                    w.catch_up = true;
                }
                Wake::Queue(Err(RecvError::Closed)) => {
                    w.queues = w.state.hub.queues().subscribe();
                    w.catch_up = true;
                }
                Wake::Ended(Ok(hash)) if *hash == *w.user.session_hash => return None,
                Wake::Ended(Ok(_)) => {}
                Wake::Ended(Err(_)) => {
                    // missed some: read this session again
                    w.ended = w.state.hub.session_ended_events();
                    w.deadline = crate::domain::sessions::session_deadline(&w.state, &w.user.session_hash).await?;
                }
                Wake::Check => {
                    w.deadline = crate::domain::sessions::session_deadline(&w.state, &w.user.session_hash).await?;
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

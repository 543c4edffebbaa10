//! What the event streams deliver: `queue_changed` writes the events a change to a unit's queue
//! means (each waiting case's new place), and the [`Hub`] hands new rows to the open streams.

use crate::domain::cases::Place;
use crate::storage::events;
use crate::{AppState, error::ApiError};
use ingang_api::cases::CaseStatus;
use serde_json::json;

/// Hands new `events` rows to the open streams of their recipients. One task reads the new
/// rows once per wake (not one query per open stream), so a message costs the same whether 10
/// or 2,000 streams are open; each stream reads the database only to catch up (on connect,
/// on resume, or after falling behind).
#[derive(Default)]
pub struct Hub {
    pub(crate) streams:
        std::sync::Mutex<std::collections::HashMap<String, tokio::sync::broadcast::Sender<std::sync::Arc<Row>>>>,
    pub(crate) dirty: tokio::sync::Notify,
    pub(crate) started: std::sync::atomic::AtomicBool,
    /// Every change at all, for the staff console's stream (it re-reads its page).
    pub staff: std::sync::OnceLock<tokio::sync::broadcast::Sender<()>>,
    /// The id hashes of sessions that have just ended (logout): their streams close at once.
    pub(crate) ended: std::sync::OnceLock<tokio::sync::broadcast::Sender<std::sync::Arc<str>>>,
    /// Every unit's `queue` rows, for the streams to pick theirs from.
    pub(crate) queues: std::sync::OnceLock<tokio::sync::broadcast::Sender<std::sync::Arc<Row>>>,
    /// Each unit's places as of its latest `queue` row read: (row id, case id → place).
    pub(crate) places: tokio::sync::Mutex<std::collections::HashMap<String, (i64, std::sync::Arc<Places>)>>,
    /// The streams' session checks, read together.
    pub(crate) checks: crate::domain::sessions::Checks,
}

impl Hub {
    /// New rows are in `events`: the dispatcher reads and delivers them.
    pub fn wake(&self) {
        self.dirty.notify_one();
        self.staff_changed();
    }

    /// Tells the staff console's streams that something changed.
    pub(crate) fn staff_changed(&self) {
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

    pub(crate) fn ended_sender(&self) -> &tokio::sync::broadcast::Sender<std::sync::Arc<str>> {
        self.ended.get_or_init(|| tokio::sync::broadcast::channel(64).0)
    }

    pub(crate) fn queues(&self) -> &tokio::sync::broadcast::Sender<std::sync::Arc<Row>> {
        self.queues.get_or_init(|| tokio::sync::broadcast::channel(256).0)
    }

    /// The places in `unit`'s queue as of its `queue` row `at` (or later): read once by the
    /// first stream that asks, shared by the others, so a change costs one read however many
    /// wait.
    pub(crate) async fn places(
        &self,
        state: &AppState,
        unit: &str,
        at: i64,
    ) -> Result<std::sync::Arc<Places>, ApiError> {
        let mut cache = self.places.lock().await;
        if let Some((seen, places)) = cache.get(unit)
            && *seen >= at
        {
            return Ok(places.clone());
        }
        let (u, now) = (unit.to_owned(), state.clock.now());
        let places =
            std::sync::Arc::new(state.db.store(move |conn| crate::domain::cases::unit_places(conn, &u, now)).await?);
        cache.insert(unit.to_owned(), (at, places.clone()));
        Ok(places)
    }

    pub(crate) fn subscribe(&self, recipient: &str) -> tokio::sync::broadcast::Receiver<std::sync::Arc<Row>> {
        let mut map = self.streams.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(recipient.to_owned()).or_insert_with(|| tokio::sync::broadcast::channel(256).0).subscribe()
    }

    pub(crate) fn deliver(&self, recipient: &str, row: Row) {
        let mut map = self.streams.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(tx) = map.get(recipient)
            && tx.send(std::sync::Arc::new(row)).is_err()
        {
            map.remove(recipient); // nobody listens any more
        }
    }
}

/// A unit's waiting cases: case id → place in the queue, estimated wait, opening.
pub(crate) type Places = std::collections::HashMap<String, Place>;

/// Records that `unit_id`'s queue changed, and wakes the streams: one `queue` row for the
/// unit (every stream with a waiting case there works out its own places from it, see
/// [`Hub::places`]), and, for `case_id`, a `case` row to its owner with its status. The cost
/// is the same however long the queue is. Call after any change to a unit's queue.
pub fn queue_changed(
    conn: &mut crate::storage::Conn<'_>,
    unit_id: &str,
    case_id: Option<&str>,
    now: i64,
) -> crate::storage::Result<()> {
    if let Some(id) = case_id
        && let Some((owner, status, unit)) = crate::storage::cases::owner_status_unit(conn, id)?
    {
        let place =
            if status == CaseStatus::Waiting.as_str() { crate::domain::cases::place_of(conn, id, now)? } else { None };
        events::append(conn, &owner, "case", &case_data(id, &unit, &status, place), now)?;
    }
    events::append(conn, &format!("{UNIT}{unit_id}"), "queue", unit_id, now)?;
    // keep the table small: a day of history is plenty for any reconnect
    events::prune(conn, now - 86_400)?;
    Ok(())
}

pub(crate) type Row = (i64, String, String);

/// The kind of the event a logout writes for the resident (its data: the session's id hash):
/// the streams of that session end, in any process; no stream sends it on.
pub const SESSION_ENDED: &str = "session-ended";

/// The recipient of a unit's `queue` rows: `unit:<id>`.
pub(crate) const UNIT: &str = "unit:";

/// The data of a `case` event.
pub(crate) fn case_data(id: &str, unit: &str, status: &str, place: Option<Place>) -> String {
    json!({
        "caseId": id,
        "unitId": unit,
        "status": status,
        "position": place.map(|p| p.position),
        "estimatedWaitMinutes": place.and_then(|p| p.wait),
        "unitOpensAt": place.and_then(|p| p.opens_at),
    })
    .to_string()
}

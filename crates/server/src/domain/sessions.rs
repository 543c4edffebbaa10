//! Sessions: the session policy (inactivity and absolute limits), a session's deadline (on the
//! server's one clock, `crate::Clock`), and token hashes.

use crate::AppState;
use crate::storage::sessions::Session;
use sha2::{Digest, Sha256};
use std::time::Duration;

/// Session lifetimes.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    pub idle: Duration,
    pub absolute: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self { idle: Duration::from_secs(15 * 60), absolute: Duration::from_secs(12 * 3600) }
    }
}

pub fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// When the session (by its id hash) ends unless it is used again: the earlier of its
/// inactivity and absolute limits, in Unix seconds; `None` when it has ended already.
/// Reading it does not count as activity. Asked by the event streams before they send: the
/// read goes through [`Checks`], so 2,000 streams woken by one change read their sessions in a
/// few queries, not 2,000.
pub async fn session_deadline(state: &AppState, id_hash: &str) -> Option<i64> {
    let session = state.hub.checks.active(state, id_hash).await?;
    let (policy, now) = (state.sessions, state.clock.now());
    let deadline =
        (session.last_seen + policy.idle.as_secs() as i64).min(session.created_at + policy.absolute.as_secs() as i64);
    (now <= deadline).then_some(deadline)
}

/// Logs out: the session ends (and the pushes of a device that subscribed in it), and its
/// owner's event streams hear of it in every server process (an event of kind
/// [`crate::domain::events::SESSION_ENDED`], which no stream passes on): a stream of this
/// session ends at once wherever it is open.
pub fn log_out(conn: &mut crate::storage::Conn<'_>, id_hash: &str, now: i64) -> crate::storage::Result<()> {
    let session = crate::storage::sessions::active(conn, id_hash)?;
    crate::storage::sessions::log_out(conn, id_hash)?;
    if let Some(s) = session {
        let ended = crate::domain::events::SESSION_ENDED;
        crate::storage::events::append(conn, &s.personal_number, ended, id_hash, now)?;
    }
    Ok(())
}

/// Session reads gathered into one query: the first ask is read at once; the asks that come
/// while a read is under way wait for it and are read together by the next one. Nothing is
/// cached: every answer comes from a read that began after its ask, so a logout or a revocation
/// on another process is seen as soon as it would be with a query per ask.
#[derive(Default)]
pub struct Checks {
    waiting: std::sync::Mutex<Waiting>,
    /// How many reads were made (for the test that they are shared).
    reads: std::sync::atomic::AtomicUsize,
}

#[derive(Default)]
struct Waiting {
    asks: Vec<(String, tokio::sync::oneshot::Sender<Option<Session>>)>,
    /// A task is reading (and will take the asks that come meanwhile).
    reading: bool,
}

impl Checks {
    /// The session of `id_hash` unless it has ended (or the database could not be read).
    pub async fn active(&self, state: &AppState, id_hash: &str) -> Option<Session> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let start = {
            let mut w = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
            w.asks.push((id_hash.to_owned(), tx));
            !std::mem::replace(&mut w.reading, true)
        };
        if start {
            let state = state.clone();
            tokio::spawn(async move {
                loop {
                    let asks = {
                        let mut w = state.hub.checks.waiting.lock().unwrap_or_else(|e| e.into_inner());
                        if w.asks.is_empty() {
                            w.reading = false;
                            return;
                        }
                        std::mem::take(&mut w.asks)
                    };
                    state.hub.checks.reads.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let hashes: Vec<String> = asks.iter().map(|(h, _)| h.clone()).collect();
                    let found = state
                        .db
                        .store(move |conn| crate::storage::sessions::active_many(conn, &hashes))
                        .await
                        .unwrap_or_default();
                    for (hash, tx) in asks {
                        let _ = tx.send(found.get(&hash).cloned());
                    }
                }
            });
        }
        rx.await.ok().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::sessions::{Resident, start};

    /// 600 streams asking at once get their own answers (an ended session is none, an unknown
    /// one too), from far fewer reads than asks; an ask after a logout sees it.
    #[tokio::test]
    async fn session_checks_asked_together_are_read_together_and_answered_each() {
        let db = crate::db::Db::open_for_test("session_checks").expect("a database");
        let state = AppState::new(db, false);
        let now = state.clock.now();
        state
            .db
            .store(move |conn| {
                for i in 0..600 {
                    let pn = format!("19121212{i:04}");
                    let who = Resident { personal_number: &pn, name: "A B", given_name: "A", surname: "B" };
                    start(conn, &who, &format!("p{i}"), &format!("s{i}"), None, now)?;
                    if i % 3 == 0 {
                        crate::storage::sessions::revoke(conn, &format!("s{i}"))?;
                    }
                }
                Ok(())
            })
            .await
            .expect("600 sessions are stored");
        let asks = (0..601).map(|i| {
            let state = state.clone();
            tokio::spawn(async move { (i, session_deadline(&state, &format!("s{i}")).await) })
        });
        let asks: Vec<_> = asks.collect();
        let idle = state.sessions.idle.as_secs() as i64;
        for ask in asks {
            let (i, deadline) = ask.await.expect("the ask ran");
            let expected = (i < 600 && i % 3 != 0).then_some(now + idle);
            assert_eq!(deadline, expected, "session s{i}");
        }
        let reads = state.hub.checks.reads.load(std::sync::atomic::Ordering::Relaxed);
        assert!(reads < 100, "{reads} reads for 601 asks");
        assert_eq!(session_deadline(&state, "s1").await, Some(now + idle));
        state.db.store(|conn| crate::storage::sessions::log_out(conn, "s1")).await.expect("the logout is stored");
        assert_eq!(session_deadline(&state, "s1").await, None, "nothing is kept from the read before");
    }
}

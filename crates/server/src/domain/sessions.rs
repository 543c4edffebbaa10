//! Sessions: the session policy (inactivity and absolute limits), a session's deadline (on the
//! server's one clock, `crate::Clock`), and token hashes.

use crate::AppState;
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
/// Reading it does not count as activity.
pub async fn session_deadline(state: &AppState, id_hash: &str) -> Option<i64> {
    let (id_hash, policy, now) = (id_hash.to_owned(), state.sessions, state.clock.now());
    let session = state.db.store(move |conn| crate::storage::sessions::active(conn, &id_hash)).await.ok().flatten()?;
    let (created, last_seen) = (session.created_at, session.last_seen);
    let deadline = (last_seen + policy.idle.as_secs() as i64).min(created + policy.absolute.as_secs() as i64);
    (now <= deadline).then_some(deadline)
}

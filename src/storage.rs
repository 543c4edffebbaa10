//! `localStorage` for small, non-sensitive preferences (language). Every access tolerates a
//! browser that refuses storage (private mode, quota, kiosk policy): reads give `None`,
//! writes are dropped. Keys are prefixed `ingang.` so logout can wipe exactly ours.

const PREFIX: &str = "ingang.";

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn get(key: &str) -> Option<String> {
    local()?.get_item(&format!("{PREFIX}{key}")).ok().flatten()
}

pub fn set(key: &str, value: &str) {
    if let Some(storage) = local() {
        let _ = storage.set_item(&format!("{PREFIX}{key}"), value);
    }
}

/// An idempotency key kept under `key` until removed: made once (a random UUID), so a retry
/// after a lost answer or a reload sends the same one.
pub fn idempotency_key(key: &str) -> String {
    get(key).unwrap_or_else(|| {
        let made = crate::browser::random_uuid();
        set(key, &made);
        made
    })
}

pub fn remove(key: &str) {
    if let Some(storage) = local() {
        let _ = storage.remove_item(&format!("{PREFIX}{key}"));
    }
}

/// Removes every key of ours that starts with `prefix` (after `ingang.`).
pub fn remove_prefixed(prefix: &str) {
    let Some(storage) = local() else { return };
    let full = format!("{PREFIX}{prefix}");
    let len = storage.length().unwrap_or(0);
    let keys: Vec<String> =
        (0..len).filter_map(|i| storage.key(i).ok().flatten()).filter(|k| k.starts_with(&full)).collect();
    for k in keys {
        let _ = storage.remove_item(&k);
    }
}

/// Removes every key of ours except those listed (logout).
pub fn remove_all_except(keep: &[&str]) {
    let Some(storage) = local() else { return };
    let len = storage.length().unwrap_or(0);
    let keys: Vec<String> = (0..len)
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|k| k.strip_prefix(PREFIX).is_some_and(|rest| !keep.contains(&rest)))
        .collect();
    for k in keys {
        let _ = storage.remove_item(&k);
    }
}

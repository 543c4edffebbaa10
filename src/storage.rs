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

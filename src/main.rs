//! Ingång: the patient app (Leptos, client-side rendered, compiled to wasm by trunk).
//!
//! Start at [`app::App`]; `ARCHITECTURE.md` at the repository root has the map.

mod api;
mod app;
mod auth;
mod blobs;
mod browser;
mod chunks;
mod components;
mod config;
mod crypto;
mod drafts;
mod events;
mod i18n;
mod notify;
mod offline;
mod pages;
mod photo;
mod pwa;
mod storage;
mod tick;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}

//! The API's event stream (`GET /events`, Server-Sent Events) as a hook: opens one
//! `EventSource` while the calling component lives and hands each `case` event to a callback.
//! The browser reconnects by itself and resumes with `Last-Event-ID`, so nothing is missed
//! across a network drop or a server restart.

use leptos::prelude::*;
use serde::Deserialize;
use wasm_bindgen::{JsCast, closure::Closure};

use crate::api::Api;

/// A `case` event: a case's status or place in the queue changed.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseEvent {
    pub case_id: String,
    pub status: String,
    #[serde(default)]
    pub position: Option<u32>,
    #[serde(default)]
    pub estimated_wait_minutes: Option<u32>,
}

/// Calls `on_case` for every `case` event and `on_message` for every `message` event (a chat
/// message in one of the user's cases) while the current owner lives.
///
/// A fresh stream starts at "now", so whatever changed between the screen's first reads and
/// the stream's opening would be missed: each time the stream opens, the screen's reads run
/// again ([`Api::retry`]).
pub fn use_case_events(
    api: Api,
    on_case: impl Fn(CaseEvent) + 'static,
    on_message: impl Fn(ingang_api::chat::MessageEvent) + 'static,
) {
    let init = web_sys::EventSourceInit::new();
    let url = api.url("/events");
    init.set_with_credentials(url.starts_with("http"));
    let Ok(source) = web_sys::EventSource::new_with_event_source_init_dict(&url, &init) else { return };
    let handler = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
        if let Some(text) = ev.data().as_string()
            && let Ok(event) = serde_json::from_str::<CaseEvent>(&text)
        {
            on_case(event);
        }
    });
    let _ = source.add_event_listener_with_callback("case", handler.as_ref().unchecked_ref());
    let messages = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
        if let Some(text) = ev.data().as_string()
            && let Ok(event) = serde_json::from_str::<ingang_api::chat::MessageEvent>(&text)
        {
            on_message(event);
        }
    });
    let _ = source.add_event_listener_with_callback("message", messages.as_ref().unchecked_ref());
    let opened = Closure::<dyn Fn(web_sys::Event)>::new(move |_: web_sys::Event| api.retry());
    let _ = source.add_event_listener_with_callback("open", opened.as_ref().unchecked_ref());
    let held = StoredValue::new_local(Some((source, handler, messages, opened)));
    on_cleanup(move || {
        if let Some((source, _handler, _messages, _opened)) = held.try_update_value(|h| h.take()).flatten() {
            source.close();
        }
    });
}

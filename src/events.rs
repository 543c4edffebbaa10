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
    use_events(
        api,
        move || api.retry(),
        vec![
            (
                "case",
                Box::new(move |text: String| {
                    if let Ok(event) = serde_json::from_str::<CaseEvent>(&text) {
                        on_case(event);
                    }
                }),
            ),
            (
                "message",
                Box::new(move |text: String| {
                    if let Ok(event) = serde_json::from_str::<ingang_api::chat::MessageEvent>(&text) {
                        on_message(event);
                    }
                }),
            ),
        ],
    );
}

/// Calls `on_inbox` for every `inbox` event (a new message in the inbox of the user or one of
/// their children), and when the stream (re)opens, while the current owner lives: the unread
/// count follows at once.
pub fn use_inbox_events(api: Api, on_inbox: impl Fn() + Clone + 'static) {
    let on_open = on_inbox.clone();
    use_events(api, on_open, vec![("inbox", Box::new(move |_| on_inbox()))]);
}

type Listener = Box<dyn Fn(String)>;

/// One `EventSource` while the current owner lives, handing the data of each named event to its
/// listener; `on_open` runs each time it (re)opens (to read again what may have been missed).
fn use_events(api: Api, on_open: impl Fn() + 'static, listeners: Vec<(&'static str, Listener)>) {
    let init = web_sys::EventSourceInit::new();
    let url = api.url("/events");
    init.set_with_credentials(url.starts_with("http"));
    let Ok(source) = web_sys::EventSource::new_with_event_source_init_dict(&url, &init) else { return };
    let mut held = Vec::new();
    for (kind, listener) in listeners {
        let handler = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            if let Some(text) = ev.data().as_string() {
                listener(text);
            }
        });
        let _ = source.add_event_listener_with_callback(kind, handler.as_ref().unchecked_ref());
        held.push(handler);
    }
    let opened = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |_: web_sys::MessageEvent| on_open());
    let _ = source.add_event_listener_with_callback("open", opened.as_ref().unchecked_ref());
    held.push(opened);
    let held = StoredValue::new_local(Some((source, held)));
    on_cleanup(move || {
        if let Some((source, _handlers)) = held.try_update_value(|h| h.take()).flatten() {
            source.close();
        }
    });
}

//! The chat of a case with care staff. History loads a page at a time; new messages come from
//! the event stream (the case screen hands them in as `live`). What the user writes goes to an
//! outbox kept encrypted on the device (per user and case) before it is sent, so a message
//! written offline, or whose send failed, survives reload and a new login; each carries a
//! client-made id, so a retry never duplicates. Network failures are retried with backoff and
//! when the browser is back online; other failures show "Försök igen".

use ingang_api::{
    cases::TextProblem,
    chat::{Author, Message, NewMessage, check_message},
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{
    api::{ApiError, use_api},
    auth::use_auth,
    drafts::Drafts,
    i18n::use_i18n,
    t,
};

/// A message not yet confirmed by the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pending {
    pub client_id: String,
    pub body: String,
    /// The server refused it (not a network failure): the user decides to try again.
    #[serde(default)]
    pub failed: bool,
}

/// The messages to show: server messages once each (by id, in order), then what is still on
/// its way, minus anything the server already has (by client id). Pure, tested.
pub fn merge(server: impl IntoIterator<Item = Message>, pending: &[Pending]) -> (Vec<Message>, Vec<Pending>) {
    let mut all: Vec<Message> = server.into_iter().collect();
    all.sort_by_key(|m| m.id);
    all.dedup_by_key(|m| m.id);
    let rest = pending
        .iter()
        .filter(|p| !all.iter().any(|m| m.client_id.as_deref() == Some(p.client_id.as_str())))
        .cloned()
        .collect();
    (all, rest)
}

/// The wait before the n-th retry after a network failure: 1, 2, 4 … up to 30 seconds.
pub fn backoff_ms(attempt: u32) -> u64 {
    (1000u64 << attempt.min(5)).min(30_000)
}

/// "14:05" today, "2026-11-20 14:05" another day, in the user's language (Intl).
fn time_text(seconds: i64, locale: &str) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(seconds as f64 * 1000.0));
    let today = js_sys::Date::new_0().to_date_string() == date.to_date_string();
    let options = js_sys::Object::new();
    if !today {
        let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"short".into());
    }
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    date.to_locale_string(locale, &options).into()
}

/// Loads the encrypted outbox and the message being typed, then shows the chat.
#[component]
pub fn Chat(case_id: String, open: Signal<bool>, live: RwSignal<Vec<Message>>) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let id = case_id.clone();
    let stored = LocalResource::new(move || {
        let id = id.clone();
        async move {
            let key = auth.seal_key_ready().await;
            let outbox = key.clone().map(|k| Drafts::Sealed(k, format!("outbox/{id}")));
            let typing = key.map(|k| Drafts::Sealed(k, format!("chat/{id}")));
            let pending: Vec<Pending> = match &outbox {
                Some(d) => d.load_json().await.unwrap_or_default(),
                None => Vec::new(),
            };
            let text: String = match &typing {
                Some(d) => d.load_json().await.unwrap_or_default(),
                None => String::new(),
            };
            (outbox, typing, pending, text)
        }
    });
    view! {
        <section class="chat" aria-labelledby="chat-heading">
            <h2 id="chat-heading">{t!(i18n.chat_heading)}</h2>
            <details class="chat__rules">
                <summary>{t!(i18n.chat_rules)}</summary>
                <ul class="rules">
                    <li>{t!(i18n.rules_tone)}</li>
                    <li>{t!(i18n.rules_only_this)}</li>
                </ul>
                <p>{t!(i18n.rules_consequence)}</p>
            </details>
            <Suspense fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
                {move || {
                    let case_id = case_id.clone();
                    Suspend::new(async move {
                        let (outbox, typing, pending, text) = stored.await;
                        view! { <Conversation case_id open live outbox typing pending text /> }
                    })
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn Conversation(
    case_id: String,
    open: Signal<bool>,
    live: RwSignal<Vec<Message>>,
    outbox: Option<Drafts>,
    typing: Option<Drafts>,
    pending: Vec<Pending>,
    text: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let case_id = StoredValue::new(case_id);
    let outbox = StoredValue::new_local(outbox);
    let typing = StoredValue::new_local(typing);
    let pending = RwSignal::new(pending);
    let text = RwSignal::new(text);
    let problem = RwSignal::new(None::<TextProblem>);
    // history: the newest page (a read), older pages as the user asks for them
    let newest = LocalResource::new(move || {
        api.epoch();
        async move { api.messages(&case_id.get_value(), None).await }
    });
    let older = RwSignal::new(Vec::<Message>::new());
    let older_more = RwSignal::new(None::<bool>);
    let confirmed = RwSignal::new(Vec::<Message>::new());
    let shown = Memo::new(move |_| {
        let first = newest.get().and_then(|r| r.ok()).map(|p| p.messages).unwrap_or_default();
        let server = older.get().into_iter().chain(first).chain(live.get()).chain(confirmed.get());
        pending.with(|p| merge(server, p))
    });
    let has_more =
        move || older_more.get().unwrap_or_else(|| newest.get().and_then(|r| r.ok()).is_some_and(|p| p.has_more));
    let load_older = Action::new_local(move |_: &()| async move {
        let first = shown.get_untracked().0.first().map(|m| m.id);
        let page = api.messages(&case_id.get_value(), first).await;
        if let Ok(page) = &page {
            older.update(|o| o.splice(0..0, page.messages.iter().cloned()).for_each(drop));
            older_more.set(Some(page.has_more));
        }
        page.map(|_| ())
    });
    let persist = move || {
        if let (Some(Some(d)), Some(p)) = (outbox.try_get_value(), pending.try_get_untracked()) {
            d.save_json(&p);
        }
    };
    // sending: one at a time, in order; network failures wait and try again
    let busy = StoredValue::new(false);
    let attempt = StoredValue::new(0u32);
    let flush = StoredValue::new_local(None::<std::rc::Rc<dyn Fn()>>);
    // (the screen may be gone when a send returns: `try_` everything touched afterwards)
    let run_flush = move || {
        if let Some(f) = flush.try_get_value().flatten() {
            f();
        }
    };
    flush.set_value(Some(std::rc::Rc::new(move || {
        if busy.get_value() {
            return;
        }
        let Some(next) = pending.get_untracked().into_iter().find(|p| !p.failed) else { return };
        busy.set_value(true);
        leptos::task::spawn_local(async move {
            let sent = api
                .send_message(
                    &case_id.get_value(),
                    &NewMessage { client_id: next.client_id.clone(), body: next.body.clone() },
                )
                .await;
            if busy.try_set_value(false).is_some() {
                return; // disposed: the outbox on the device is sent the next time
            }
            match sent {
                Ok(message) => {
                    attempt.try_set_value(0);
                    confirmed.try_update(|c| c.push(message));
                    pending.try_update(|p| p.retain(|x| x.client_id != next.client_id));
                    persist();
                    run_flush();
                }
                Err(ApiError::Network) => {
                    let n = attempt.try_get_value().unwrap_or_default();
                    attempt.try_set_value(n + 1);
                    set_timeout(run_flush, std::time::Duration::from_millis(backoff_ms(n)));
                }
                Err(_) => {
                    pending.try_update(|p| {
                        if let Some(x) = p.iter_mut().find(|x| x.client_id == next.client_id) {
                            x.failed = true;
                        }
                    });
                    persist();
                    run_flush();
                }
            }
        });
    })));
    // back online: try at once
    let online = window_event_listener(leptos::ev::online, move |_| {
        attempt.set_value(0);
        run_flush();
    });
    on_cleanup(move || online.remove());
    run_flush();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match check_message(&text.get_untracked()) {
            Ok(body) => {
                pending.update(|p| p.push(Pending { client_id: crate::browser::random_uuid(), body, failed: false }));
                persist();
                text.set(String::new());
                if let Some(d) = typing.get_value() {
                    d.clear();
                }
                run_flush();
            }
            Err(p) => {
                problem.set(Some(p));
                crate::browser::focus_id_later("chat-text".into());
            }
        }
    };
    let retry = move |client_id: String| {
        pending.update(|p| {
            if let Some(x) = p.iter_mut().find(|x| x.client_id == client_id) {
                x.failed = false;
            }
        });
        persist();
        attempt.set_value(0);
        run_flush();
    };
    // the newest message from care staff, for screen readers (polite)
    let announcement = move || {
        live.with(|l| l.iter().rev().find(|m| m.author == Author::Staff).cloned()).map(|m| {
            i18n.t().chat_new.replace("{name}", m.author_name.as_deref().unwrap_or_default()).replace("{body}", &m.body)
        })
    };
    let problem_text = move || {
        problem.get().map(|p| match p {
            TextProblem::Empty => i18n.t().chat_empty_message.to_owned(),
            TextProblem::TooLong => i18n.t().chat_too_long.replace("{max}", &ingang_api::chat::MESSAGE_MAX.to_string()),
        })
    };
    view! {
        <p class="visually-hidden" aria-live="polite" data-testid="chat-announce">{announcement}</p>
        <Show when=has_more>
            <p><button type="button" class="button button--secondary" on:click=move |_| { load_older.dispatch(()); }>
                {t!(i18n.chat_older)}
            </button></p>
        </Show>
        <ol class="chat__messages" data-testid="chat-messages">
            {move || {
                let (messages, waiting) = shown.get();
                let lang = i18n.locale().code();
                let t = i18n.t();
                let mut rows: Vec<AnyView> = messages.into_iter().map(|m| {
                    let mine = m.author == Author::Patient;
                    let who = if mine {
                        t.chat_you.to_owned()
                    } else {
                        match (&m.author_name, &m.author_role) {
                            (Some(n), Some(r)) => format!("{n}, {r}"),
                            (Some(n), None) => n.clone(),
                            _ => t.chat_staff.to_owned(),
                        }
                    };
                    let class = if mine { "chat__message chat__message--mine" } else { "chat__message" };
                    view! {
                        <li class=class>
                            <p class="chat__meta"><strong>{who}</strong>" · "<span>{time_text(m.created_at, lang)}</span></p>
                            <p class="chat__body">{m.body}</p>
                        </li>
                    }.into_any()
                }).collect();
                rows.extend(waiting.into_iter().map(|p| {
                    let failed = p.failed;
                    let cid = p.client_id.clone();
                    view! {
                        <li class="chat__message chat__message--mine chat__message--pending" data-testid="chat-pending">
                            <p class="chat__meta"><strong>{t.chat_you}</strong>" · "
                                <span>{if failed { t.chat_failed } else { t.chat_sending }}</span>
                            </p>
                            <p class="chat__body">{p.body}</p>
                            {failed.then(|| view! {
                                <button type="button" class="button button--secondary" on:click=move |_| retry(cid.clone())>
                                    {t.chat_retry}
                                </button>
                            })}
                        </li>
                    }.into_any()
                }));
                rows
            }}
        </ol>
        <Show
            when=move || open.get()
            fallback=move || view! { <p class="notice" data-testid="chat-closed">{t!(i18n.chat_closed)}</p> }
        >
            <form class="form chat__form" on:submit=submit novalidate>
                <label for="chat-text" class="q-label">{t!(i18n.chat_label)}</label>
                <p class="q-help" id="chat-help">{t!(i18n.chat_language)}</p>
                <textarea id="chat-text" rows="3" aria-describedby="chat-help chat-error"
                    aria-invalid=move || problem.get().is_some().then_some("true")
                    prop:value=move || text.get()
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        if let Some(d) = typing.get_value() {
                            d.save_json(&value);
                        }
                        text.set(value);
                        problem.set(None);
                    }
                ></textarea>
                <p class="error-text" id="chat-error" role="alert">{problem_text}</p>
                <button type="submit" class="button">{t!(i18n.chat_send)}</button>
            </form>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(id: i64, client: Option<&str>) -> Message {
        Message {
            id,
            client_id: client.map(Into::into),
            case_id: "c".into(),
            author: Author::Patient,
            author_name: None,
            author_role: None,
            body: format!("m{id}"),
            created_at: id,
        }
    }

    #[test]
    fn each_message_once_in_order_and_pending_until_the_server_has_it() {
        let pending = vec![
            Pending { client_id: "a".into(), body: "x".into(), failed: false },
            Pending { client_id: "b".into(), body: "y".into(), failed: true },
        ];
        let (shown, waiting) = merge(vec![msg(3, None), msg(1, None), msg(3, None), msg(2, Some("a"))], &pending);
        assert_eq!(shown.iter().map(|m| m.id).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(waiting.iter().map(|p| p.client_id.as_str()).collect::<Vec<_>>(), ["b"]);
    }

    #[test]
    fn backoff_doubles_up_to_thirty_seconds() {
        assert_eq!([0, 1, 2, 5, 9].map(backoff_ms), [1000, 2000, 4000, 30_000, 30_000]);
    }
}

//! The chat of a case with care staff. History loads a page at a time; new messages come from
//! the event stream (the case screen hands them in as `live`). What the user writes goes to an
//! outbox kept encrypted on the device (per user and case) before it is sent, so a message
//! written offline, or whose send failed, survives reload and a new login; each carries a
//! client-made id, so a retry never duplicates. Network failures are retried with backoff and
//! when the browser is back online; other failures show "Försök igen".
//!
//! Pictures: each picked photo is converted on the phone ([`crate::photo`]: oriented, scaled,
//! re-encoded without metadata), sealed with the user's key and kept in IndexedDB
//! ([`crate::blobs`]) until the server has it, so a picture survives reload and going offline
//! like the text does. Uploads show their progress; each picture has the client's id, so a
//! repeated upload is harmless.

use ingang_api::{
    cases::TextProblem,
    chat::{Author, Message, NewMessage, check_message_with},
    pictures::{PictureLimits, PictureProblem},
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{
    api::{ApiError, use_api},
    auth::use_auth,
    crypto::SealKey,
    drafts::Drafts,
    i18n::use_i18n,
    t,
};

/// A picture on the device, waiting to be sent (bytes sealed in IndexedDB).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingPicture {
    /// The client's id for it, also its upload id.
    pub id: String,
    pub width: u32,
    pub height: u32,
    /// The server has it (the message may still be on its way).
    #[serde(default)]
    pub uploaded: bool,
}

/// What is being written: the text and the pictures chosen (kept sealed on the device).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Composer {
    text: String,
    pictures: Vec<PendingPicture>,
}

/// Where a picture's sealed bytes live in IndexedDB.
fn blob_key(key: &SealKey, picture: &str) -> String {
    format!("pic.{}.{picture}", key.id)
}

pub(crate) async fn keep_picture(key: &SealKey, id: &str, jpeg: &[u8]) -> bool {
    match key.seal_bytes(jpeg).await {
        Some(sealed) => crate::blobs::put(&blob_key(key, id), &sealed).await,
        None => false,
    }
}

pub(crate) async fn kept_picture(key: &SealKey, id: &str) -> Option<Vec<u8>> {
    key.open_bytes(&crate::blobs::get(&blob_key(key, id)).await?).await
}

pub(crate) fn forget_pictures(key: Option<SealKey>, ids: Vec<String>) {
    let Some(key) = key else { return };
    leptos::task::spawn_local(async move {
        for id in ids {
            crate::blobs::delete(&blob_key(&key, &id)).await;
        }
    });
}

/// A message not yet confirmed by the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pending {
    pub client_id: String,
    pub body: String,
    #[serde(default)]
    pub pictures: Vec<PendingPicture>,
    /// The server refused it (not a network failure): the user decides to try again.
    #[serde(default)]
    pub failed: bool,
    /// The server's error code when it refused (e.g. `too_large`).
    #[serde(default)]
    pub reason: Option<String>,
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

/// Loads the encrypted outbox and the message being typed, then shows the chat.
#[component]
pub fn Chat(case_id: String, open: Signal<bool>, live: RwSignal<Vec<Message>>) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let api = use_api();
    let id = case_id.clone();
    let stored = LocalResource::new(move || {
        let id = id.clone();
        async move {
            let key = auth.seal_key_ready().await;
            let outbox = key.clone().map(|k| Drafts::Sealed(k, format!("outbox/{id}")));
            let typing = key.clone().map(|k| Drafts::Sealed(k, format!("chat/{id}")));
            let pending: Vec<Pending> = match &outbox {
                Some(d) => d.load_json().await.unwrap_or_default(),
                None => Vec::new(),
            };
            let composer: Composer = match &typing {
                Some(d) => d.load_json().await.unwrap_or_default(),
                None => Composer::default(),
            };
            let limits = api.picture_limits().await;
            (key, outbox, typing, pending, composer, limits)
        }
    });
    view! {
        <section class="chat" aria-labelledby="chat-heading">
            <h2 id="chat-heading" tabindex="-1">{t!(i18n.chat_heading)}</h2>
            <details class="chat__rules">
                <summary>{t!(i18n.chat_rules)}</summary>
                <ul class="rules">
                    <li>{t!(i18n.rules_tone)}</li>
                    <li>{t!(i18n.rules_only_this)}</li>
                </ul>
                <p>{t!(i18n.rules_consequence)}</p>
            </details>
            <Transition fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
                {move || {
                    let case_id = case_id.clone();
                    Suspend::new(async move {
                        let (key, outbox, typing, pending, composer, limits) = stored.await;
                        view! { <Conversation case_id open live key outbox typing pending composer limits /> }
                    })
                }}
            </Transition>
        </section>
    }
}

/// A case screen without a connection (a reload offline): the case itself is not kept on the
/// device (health data stays on the server), but what the user wrote is: the messages waiting
/// to be sent and the text being typed, opened with the user's key.
#[component]
pub fn Unsent(case_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let kept = LocalResource::new(move || {
        let id = case_id.clone();
        async move {
            let Some(key) = auth.seal_key_ready().await else { return (Vec::new(), false) };
            let pending: Vec<Pending> =
                Drafts::Sealed(key.clone(), format!("outbox/{id}")).load_json().await.unwrap_or_default();
            let typing: Composer = Drafts::Sealed(key, format!("chat/{id}")).load_json().await.unwrap_or_default();
            (pending, !typing.text.is_empty() || !typing.pictures.is_empty())
        }
    });
    view! {
        <p class="notice" role="status" data-testid="case-offline">{t!(i18n.case_offline)}</p>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let (pending, typing) = kept.await;
                let t = i18n.t();
                let waiting = (!pending.is_empty()).then(|| view! {
                    <p>{t.case_offline_outbox}</p>
                    <ul class="chat__messages" data-testid="case-offline-outbox">
                        {pending.into_iter().map(|p| {
                            let pictures = p.pictures.len();
                            view! {
                                <li class="chat__message chat__message--mine chat__message--pending">
                                    {(!p.body.is_empty()).then(|| view! { <p class="chat__body">{p.body}</p> })}
                                    {(pictures > 0).then(|| view! {
                                        <p class="chat__meta">{t.chat_pictures_chosen}": "{pictures}</p>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                });
                view! {
                    {waiting}
                    {typing.then(|| view! { <p>{t.case_offline_typing}</p> })}
                }
            })}
        </Transition>
    }
}

/// The user's words for why a picture cannot be sent.
pub(crate) fn problem_text(
    t: &crate::i18n::Strings,
    name: &str,
    size: f64,
    problem: PictureProblem,
    limits: &PictureLimits,
) -> String {
    let text = match problem {
        PictureProblem::WrongType => t.chat_picture_wrong_type.to_owned(),
        PictureProblem::TooLarge => t
            .chat_picture_too_large
            .replace("{size}", &ingang_api::pictures::megabytes(size as u64))
            .replace("{max}", &(limits.max_source_bytes / (1024 * 1024)).to_string()),
        PictureProblem::Unreadable => t.chat_picture_unreadable.to_owned(),
        PictureProblem::TooMany => t.chat_picture_too_many.replace("{max}", &limits.max_per_message.to_string()),
    };
    if name.is_empty() { text } else { format!("{name}: {text}") }
}

/// Why the server refused a message or its pictures, in the user's words.
fn reason_text(t: &crate::i18n::Strings, reason: Option<&str>) -> &'static str {
    match reason {
        Some("too_large" | "too_many_pixels") => t.chat_refused_too_large,
        Some("unsupported_type" | "undecodable") => t.chat_refused_picture,
        Some("missing_picture") => t.chat_refused_missing,
        Some("chat_closed") => t.chat_refused_closed,
        _ => t.chat_failed,
    }
}

/// A picture kept on the device (chosen, or waiting to be sent).
#[component]
pub(crate) fn LocalPicture(key: SealKey, id: String, alt: String) -> impl IntoView {
    let url = LocalResource::new(move || {
        let (key, id) = (key.clone(), id.clone());
        async move { kept_picture(&key, &id).await.and_then(|jpeg| crate::photo::object_url(&jpeg)) }
    });
    let made = StoredValue::new(None::<String>);
    on_cleanup(move || {
        if let Some(u) = made.try_get_value().flatten() {
            crate::photo::revoke(&u);
        }
    });
    view! {
        <Transition fallback=|| ()>
            {move || {
                let alt = alt.clone();
                Suspend::new(async move {
                    let src = url.await;
                    made.set_value(src.clone());
                    src.map(|src| view! { <img class="chat__picture" src=src alt=alt /> })
                })
            }}
        </Transition>
    }
}

/// A picture the server has: the thumbnail, and the full picture on request.
#[component]
pub(crate) fn ServerPicture(picture: ingang_api::pictures::Picture, alt: String) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let full = RwSignal::new(false);
    let (thumb_url, full_url) = (picture.thumbnail_url.clone(), picture.url.clone());
    let src = LocalResource::new(move || {
        let url = if full.get() { full_url.clone() } else { thumb_url.clone() };
        async move { api.picture_object_url(&url).await.ok() }
    });
    let made = StoredValue::new(Vec::<String>::new());
    on_cleanup(move || {
        for u in made.try_get_value().unwrap_or_default() {
            crate::photo::revoke(&u);
        }
    });
    view! {
        <figure class="chat__figure">
            <Transition fallback=move || view! { <span class="chat__picture chat__picture--loading">{t!(i18n.loading)}</span> }>
                {
                    let alt = alt.clone();
                    move || {
                        let alt = alt.clone();
                        Suspend::new(async move {
                            let url = src.await;
                            if let Some(u) = &url {
                                made.update_value(|m| m.push(u.clone()));
                            }
                            url.map(|u| view! { <img class="chat__picture" src=u alt=alt data-testid="chat-picture" /> })
                        })
                    }
                }
            </Transition>
            <figcaption>
                <button type="button" class="link-button" aria-pressed=move || full.get().to_string()
                    on:click=move |_| full.update(|f| *f = !*f)>
                    {move || if full.get() { i18n.t().chat_picture_small } else { i18n.t().chat_picture_full }}
                </button>
            </figcaption>
        </figure>
    }
}

#[component]
#[allow(clippy::too_many_arguments)]
fn Conversation(
    case_id: String,
    open: Signal<bool>,
    live: RwSignal<Vec<Message>>,
    key: Option<SealKey>,
    outbox: Option<Drafts>,
    typing: Option<Drafts>,
    pending: Vec<Pending>,
    composer: Composer,
    limits: PictureLimits,
) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let case_id = StoredValue::new(case_id);
    let key = StoredValue::new_local(key);
    let outbox = StoredValue::new_local(outbox);
    let typing = StoredValue::new_local(typing);
    let limits = StoredValue::new(limits);
    let pending = RwSignal::new(pending);
    let text = RwSignal::new(composer.text);
    let chosen = RwSignal::new(composer.pictures);
    let problem = RwSignal::new(None::<TextProblem>);
    let picture_problems = RwSignal::new(Vec::<String>::new());
    let preparing = RwSignal::new(false);
    // (client id of the message, share of its current picture sent)
    let uploading = RwSignal::new(None::<(String, f64)>);
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
        // (`live` and `open` belong to the case screen, which may be rebuilt first: `try_`)
        let server =
            older.get().into_iter().chain(first).chain(live.try_get().unwrap_or_default()).chain(confirmed.get());
        pending.with(|p| merge(server, p))
    });
    let has_more =
        move || older_more.get().unwrap_or_else(|| newest.get().and_then(|r| r.ok()).is_some_and(|p| p.has_more));
    let load_older = Action::new_local(move |_: &()| async move {
        let first = shown.get_untracked().0.first().map(|m| m.id);
        // keep the message the user was looking at where it is on the screen
        let anchor = first.and_then(|id| message_top(id).map(|top| (id, top)));
        let page = api.messages(&case_id.get_value(), first).await;
        if let Ok(page) = &page {
            older.update(|o| o.splice(0..0, page.messages.iter().cloned()).for_each(drop));
            older_more.set(Some(page.has_more));
            if let Some((id, before)) = anchor {
                request_animation_frame(move || {
                    if let (Some(after), Some(w)) = (message_top(id), web_sys::window()) {
                        w.scroll_by_with_x_and_y(0.0, after - before);
                    }
                    if !has_more() {
                        crate::browser::focus_id_in_place("chat-heading");
                    }
                });
            }
        }
        page.map(|_| ())
    });
    // what is kept is what the server does not have yet (a message whose answer was lost may
    // already have come back through the event stream)
    let persist = move || {
        if let (Some(Some(d)), Some((_, rest))) = (outbox.try_get_value(), shown.try_get_untracked()) {
            d.save_json(&rest);
        }
    };
    let save_composer = move || {
        if let (Some(Some(d)), Some(text), Some(pictures)) =
            (typing.try_get_value(), text.try_get_untracked(), chosen.try_get_untracked())
        {
            if text.is_empty() && pictures.is_empty() {
                d.clear();
            } else {
                d.save_json(&Composer { text, pictures });
            }
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
    let refuse = move |client_id: String, reason: Option<String>| {
        pending.try_update(|p| {
            if let Some(x) = p.iter_mut().find(|x| x.client_id == client_id) {
                x.failed = true;
                x.reason = reason;
            }
        });
        persist();
        run_flush();
    };
    let network_wait = move || {
        let n = attempt.try_get_value().unwrap_or_default();
        attempt.try_set_value(n + 1);
        set_timeout(run_flush, std::time::Duration::from_millis(backoff_ms(n)));
    };
    flush.set_value(Some(std::rc::Rc::new(move || {
        if busy.get_value() {
            return;
        }
        let Some(next) = shown.get_untracked().1.into_iter().find(|p| !p.failed) else { return };
        busy.set_value(true);
        // the key is taken now: the screen may be gone when the send returns, and the sent
        // pictures must still be forgotten on the device
        let (sealed, case) = (key.get_value(), case_id.get_value());
        leptos::task::spawn_local(async move {
            let cid = next.client_id.clone();
            // 1. the pictures, each once (a retry of an upload the server has is harmless)
            for picture in next.pictures.iter().filter(|p| !p.uploaded) {
                let bytes = match &sealed {
                    Some(k) => kept_picture(k, &picture.id).await,
                    None => None,
                };
                let Some(jpeg) = bytes else {
                    busy.try_set_value(false);
                    refuse(cid, Some("missing_picture".into()));
                    return;
                };
                uploading.try_set(Some((cid.clone(), 0.0)));
                let share_for = cid.clone();
                let sent = api
                    .upload_picture(&case, &picture.id, &jpeg, move |share| {
                        uploading.try_set(Some((share_for.clone(), share)));
                    })
                    .await;
                uploading.try_set(None);
                if busy.try_set_value(false).is_some() {
                    return; // disposed: the outbox on the device is sent the next time
                }
                busy.set_value(true);
                match sent {
                    Ok(_) => {
                        pending.update(|p| {
                            if let Some(x) = p.iter_mut().find(|x| x.client_id == cid) {
                                for q in x.pictures.iter_mut().filter(|q| q.id == picture.id) {
                                    q.uploaded = true;
                                }
                            }
                        });
                        persist();
                    }
                    Err(ApiError::Network) => {
                        busy.set_value(false);
                        network_wait();
                        return;
                    }
                    Err(e) => {
                        busy.set_value(false);
                        refuse(cid, error_code(&e));
                        return;
                    }
                }
            }
            // 2. the message
            let ids: Vec<String> = next.pictures.iter().map(|p| p.id.clone()).collect();
            let sent = api
                .send_message(
                    &case,
                    &NewMessage { client_id: cid.clone(), body: next.body.clone(), picture_ids: ids.clone() },
                )
                .await;
            if busy.try_set_value(false).is_some() {
                return;
            }
            match sent {
                Ok(message) => {
                    attempt.try_set_value(0);
                    confirmed.try_update(|c| c.push(message));
                    pending.try_update(|p| p.retain(|x| x.client_id != cid));
                    persist();
                    forget_pictures(sealed, ids);
                    run_flush();
                }
                Err(ApiError::Network) => network_wait(),
                Err(e) => refuse(cid, error_code(&e)),
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

    let pick = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let files: Vec<web_sys::File> =
            input.files().map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect()).unwrap_or_default();
        input.set_value("");
        let Some(k) = key.get_value() else { return };
        picture_problems.set(Vec::new());
        preparing.set(true);
        leptos::task::spawn_local(async move {
            let limits = limits.get_value();
            let mut problems = Vec::new();
            for file in files {
                let t = i18n.t();
                if chosen.try_with_untracked(Vec::len).unwrap_or(usize::MAX) >= limits.max_per_message as usize {
                    problems.push(problem_text(t, "", 0.0, PictureProblem::TooMany, &limits));
                    break;
                }
                match crate::photo::prepare(&file, &limits).await {
                    Ok(prepared) => {
                        let id = crate::browser::random_uuid();
                        if keep_picture(&k, &id, &prepared.jpeg).await {
                            let picture =
                                PendingPicture { id, width: prepared.width, height: prepared.height, uploaded: false };
                            chosen.try_update(|c| c.push(picture));
                            save_composer();
                        } else {
                            problems.push(format!("{}: {}", file.name(), t.chat_picture_not_kept));
                        }
                    }
                    Err(p) => problems.push(problem_text(t, &file.name(), file.size(), p, &limits)),
                }
            }
            preparing.try_set(false);
            picture_problems.try_set(problems);
        });
    };
    let remove_chosen = move |id: String| {
        chosen.update(|c| c.retain(|p| p.id != id));
        save_composer();
        forget_pictures(key.get_value(), vec![id]);
        crate::browser::focus_id("chat-library-button");
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if preparing.get_untracked() {
            return;
        }
        let pictures = chosen.get_untracked();
        match check_message_with(&text.get_untracked(), pictures.len()) {
            Ok(body) => {
                pending.update(|p| {
                    p.push(Pending {
                        client_id: crate::browser::random_uuid(),
                        body,
                        pictures,
                        failed: false,
                        reason: None,
                    })
                });
                persist();
                text.set(String::new());
                chosen.set(Vec::new());
                picture_problems.set(Vec::new());
                save_composer();
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
                x.reason = None;
            }
        });
        persist();
        attempt.set_value(0);
        run_flush();
    };
    let discard = move |client_id: String| {
        let mut gone = Vec::new();
        pending.update(|p| {
            if let Some(x) = p.iter().find(|x| x.client_id == client_id) {
                gone = x.pictures.iter().map(|q| q.id.clone()).collect();
            }
            p.retain(|x| x.client_id != client_id);
        });
        persist();
        forget_pictures(key.get_value(), gone);
        crate::browser::focus_id("chat-text");
    };
    let open_library = || crate::browser::click_id("chat-library");
    let open_camera = || crate::browser::click_id("chat-camera");
    // the newest message from care staff, for screen readers (polite)
    let announcement = move || {
        live.try_with(|l| l.iter().rev().find(|m| m.author == Author::Staff).cloned()).flatten().map(|m| {
            let mut said = i18n
                .t()
                .chat_new
                .replace("{name}", m.author_name.as_deref().unwrap_or_default())
                .replace("{body}", &m.body);
            if m.asks_for_picture {
                said.push(' ');
                said.push_str(i18n.t().chat_asks_for_picture);
            }
            said
        })
    };
    let problem_text_of = move || {
        problem.get().map(|p| match p {
            TextProblem::Empty => i18n.t().chat_empty_message.to_owned(),
            TextProblem::TooLong => i18n.t().chat_too_long.replace("{max}", &ingang_api::chat::MESSAGE_MAX.to_string()),
        })
    };
    let accept = "image/*";
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
                let can_write = open.try_get().unwrap_or(false);
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
                    let count = m.pictures.len();
                    let pictures = m.pictures.into_iter().enumerate().map(|(n, p)| {
                        let alt = t.chat_picture_alt.replace("{n}", &(n + 1).to_string()).replace("{count}", &count.to_string());
                        view! { <ServerPicture picture=p alt /> }
                    }).collect_view();
                    let ask = (m.asks_for_picture && can_write).then(|| view! {
                        <p><button type="button" class="button button--secondary" on:click=move |_| open_library()>
                            {t.chat_pictures_add}
                        </button></p>
                    });
                    view! {
                        <li class=class data-id=m.id.to_string() id=format!("message-{}", m.id)>
                            <p class="chat__meta"><strong>{who}</strong>" · "<span>{crate::browser::message_time_text(m.created_at, lang)}</span></p>
                            {(!m.body.is_empty()).then(|| view! { <p class="chat__body">{m.body}</p> })}
                            <div class="chat__pictures">{pictures}</div>
                            {ask}
                        </li>
                    }.into_any()
                }).collect();
                rows.extend(waiting.into_iter().map(|p| {
                    let failed = p.failed;
                    let cid = p.client_id.clone();
                    let cid2 = p.client_id.clone();
                    let cid3 = p.client_id.clone();
                    let reason = p.reason.clone();
                    let count = p.pictures.len();
                    let pictures = key.get_value().map(|k| p.pictures.iter().enumerate().map(|(n, q)| {
                        let alt = t.chat_picture_alt.replace("{n}", &(n + 1).to_string()).replace("{count}", &count.to_string());
                        view! { <LocalPicture key=k.clone() id=q.id.clone() alt /> }
                    }).collect_view());
                    // (a whole percent: an f64 written as text brings core's float formatter,
                    // about 7 KB brotli, into the case's first load)
                    let progress = move || uploading.get().filter(|(c, _)| *c == cid3).map(|(_, share)| view! {
                        <label class="chat__progress">
                            <span>{i18n.t().chat_uploading}</span>
                            <progress max="100" value=((share * 100.0).round() as u32).to_string()></progress>
                        </label>
                    });
                    view! {
                        <li class="chat__message chat__message--mine chat__message--pending" data-testid="chat-pending">
                            <p class="chat__meta"><strong>{t.chat_you}</strong>" · "
                                <span>{if failed { reason_text(t, reason.as_deref()) } else { t.chat_sending }}</span>
                            </p>
                            {(!p.body.is_empty()).then(|| view! { <p class="chat__body">{p.body.clone()}</p> })}
                            <div class="chat__pictures">{pictures}</div>
                            {progress}
                            {failed.then(|| view! {
                                <p class="chat__actions">
                                    <button type="button" class="button button--secondary" on:click=move |_| retry(cid.clone())>
                                        {t.chat_retry}
                                    </button>
                                    <button type="button" class="button button--secondary" on:click=move |_| discard(cid2.clone())>
                                        {t.chat_discard}
                                    </button>
                                </p>
                            })}
                        </li>
                    }.into_any()
                }));
                rows
            }}
        </ol>
        <Show
            when=move || open.try_get().unwrap_or(false)
            fallback=move || view! { <p class="notice" data-testid="chat-closed">{t!(i18n.chat_closed)}</p> }
        >
            <form class="form chat__form" on:submit=submit novalidate>
                <label for="chat-text" class="q-label">{t!(i18n.chat_label)}</label>
                <p class="q-help" id="chat-help">{t!(i18n.chat_language)}</p>
                <textarea id="chat-text" rows="3" aria-describedby="chat-help chat-error"
                    aria-invalid=move || problem.get().is_some().then_some("true")
                    prop:value=move || text.get()
                    on:input=move |ev| {
                        text.set(event_target_value(&ev));
                        save_composer();
                        problem.set(None);
                    }
                ></textarea>
                <p class="error-text" id="chat-error" role="alert">{problem_text_of}</p>
                <div class="chat__picker">
                    <input type="file" id="chat-camera" accept=accept capture="environment" hidden tabindex="-1"
                        on:change=pick />
                    <input type="file" id="chat-library" accept=accept multiple hidden tabindex="-1"
                        on:change=pick data-testid="chat-file" />
                    <button type="button" class="button button--secondary only-touch" on:click=move |_| open_camera()>
                        {t!(i18n.chat_pictures_camera)}
                    </button>
                    <button type="button" id="chat-library-button" class="button button--secondary"
                        aria-describedby="chat-picture-help" on:click=move |_| open_library()>
                        {t!(i18n.chat_pictures_add)}
                    </button>
                    <p class="q-help" id="chat-picture-help">{move || {
                        let l = limits.get_value();
                        i18n.t().chat_pictures_help
                            .replace("{count}", &l.max_per_message.to_string())
                            .replace("{max}", &(l.max_source_bytes / (1024 * 1024)).to_string())
                    }}</p>
                </div>
                <p role="status" class="chat__preparing">{move || preparing.get().then(|| i18n.t().chat_pictures_preparing)}</p>
                <div class="error-text chat__picture-problems" role="alert" data-testid="chat-picture-problems">
                    {move || {
                        let list = picture_problems.get();
                        (!list.is_empty()).then(|| view! {
                            <ul>{list.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                        })
                    }}
                </div>
                <Show when=move || !chosen.with(Vec::is_empty)>
                    <ul class="chat__chosen" aria-label=move || i18n.t().chat_pictures_chosen data-testid="chat-chosen">
                        {move || {
                            let list = chosen.get();
                            let count = list.len();
                            key.get_value().map(|k| list.into_iter().enumerate().map(|(n, q)| {
                                let t = i18n.t();
                                let alt = t.chat_picture_alt.replace("{n}", &(n + 1).to_string()).replace("{count}", &count.to_string());
                                let label = t.chat_picture_remove.replace("{n}", &(n + 1).to_string());
                                let id = q.id.clone();
                                view! {
                                    <li>
                                        <LocalPicture key=k.clone() id=q.id.clone() alt />
                                        <button type="button" class="button button--secondary" on:click=move |_| remove_chosen(id.clone())>
                                            {label}
                                        </button>
                                    </li>
                                }
                            }).collect_view())
                        }}
                    </ul>
                </Show>
                <button type="submit" class="button" aria-disabled=move || preparing.get().then_some("true")>{t!(i18n.chat_send)}</button>
            </form>
        </Show>
    }
}

/// The server's error code of a refusal.
fn error_code(e: &ApiError) -> Option<String> {
    match e {
        ApiError::Status { body: Some(b), .. } => Some(b.code.clone()),
        ApiError::Status { status: 413, .. } => Some("too_large".into()),
        _ => None,
    }
}

/// Where message `id` is on the screen (its top, in CSS pixels from the viewport's top).
fn message_top(id: i64) -> Option<f64> {
    let el = web_sys::window()?.document()?.get_element_by_id(&format!("message-{id}"))?;
    Some(el.get_bounding_client_rect().top())
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
            pictures: vec![],
            asks_for_picture: false,
            created_at: id,
        }
    }

    #[test]
    fn each_message_once_in_order_and_pending_until_the_server_has_it() {
        let pending = vec![
            Pending { client_id: "a".into(), body: "x".into(), pictures: vec![], failed: false, reason: None },
            Pending { client_id: "b".into(), body: "y".into(), pictures: vec![], failed: true, reason: None },
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

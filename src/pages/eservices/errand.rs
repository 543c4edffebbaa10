//! One e-service errand (`/e-arende/:id`): what it is, its state, the clinic's answer once it has
//! come, the messages after it (the user writes back, with pictures and PDF documents, until the
//! clinic closes the errand; text and attachments are kept sealed until sent, one client id per
//! message and per attachment so a retry never adds anything twice), and what was sent. `?skickat=1` (after sending) says where it went and when to expect an
//! answer.

use ingang_api::{
    eservices::{Attachment, Errand, ErrandList, ErrandMessage, ErrandStatus},
    pictures::{PDF, Picture, PictureLimits, PictureProblem, is_pdf},
};
use leptos::prelude::*;
use leptos_router::{
    components::A,
    hooks::{use_params_map, use_query_map},
};

use super::answer_time;
use crate::{
    api::{ApiError, use_api},
    auth::use_auth,
    chunks::SentAnswers,
    components::{answers::SentArgs, page::Page, protected::Protected},
    drafts::Drafts,
    i18n::{Strings, use_i18n},
    pages::cases::{
        chat::{LocalPicture, ServerPicture},
        date_text,
    },
    t,
};
use serde::{Deserialize, Serialize};

pub fn status_text(status: ErrandStatus, t: &Strings) -> &'static str {
    match status {
        ErrandStatus::Answered => t.eservices_errand_status_answered,
        _ => t.eservices_errand_status_sent,
    }
}

#[component]
pub fn ErrandPage() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let params = use_params_map();
    let query = use_query_map();
    let just_sent = move || query.with_untracked(|q| q.get("skickat")).is_some();
    view! {
        <Page title=|t| t.eservices_errand_title>
            <Protected>
                {move || {
                    let id = params.with(|p| p.get("id")).unwrap_or_default();
                    let errand = LocalResource::new(move || {
                        api.epoch();
                        let id = id.clone();
                        async move { api.errand(&id).await }
                    });
                    view! {
                        <Transition fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
                            <ErrorBoundary fallback=move |_| view! { <p class="error-text" role="alert">{t!(i18n.eservices_errand_not_found)}</p> }>
                                {move || Suspend::new(async move {
                                    errand.await.map(|errand| view! { <ErrandView errand just_sent=just_sent() /> })
                                })}
                            </ErrorBoundary>
                        </Transition>
                    }
                }}
                <p><A href="/arenden">{t!(i18n.eservices_errand_back)}</A></p>
            </Protected>
        </Page>
    }
}

#[component]
fn ErrandView(errand: Errand, just_sent: bool) -> impl IntoView {
    let i18n = use_i18n();
    let e = StoredValue::new(errand.clone());
    // (the status changes when the user writes back: the errand waits for the clinic again)
    let status = RwSignal::new(errand.status);
    let (created, days) = (errand.created_at, errand.answer_within_days);
    let sent_note = just_sent.then(|| {
        let unit = errand.unit_name.clone();
        view! {
            <div class="notice notice--success" role="status" data-testid="errand-sent">
                <p>{move || i18n.t().eservices_errand_sent.replace("{unit}", &unit)}</p>
                <p>{move || answer_time(days, i18n.t())}</p>
            </div>
        }
    });
    let answer = match (&errand.answer, errand.answered_at) {
        (Some(text), Some(at)) => {
            let (text, by) = (text.clone(), errand.answered_by.clone().unwrap_or_default());
            view! {
                <h2>{t!(i18n.eservices_errand_answer_heading)}</h2>
                <p class="message-body" data-testid="errand-answer">{text}</p>
                <p class="visit-item__meta">
                    {move || i18n.t().eservices_errand_answered_by.replace("{name}", &by).replace("{date}", &date_text(at, i18n.locale().code()))}
                </p>
            }
            .into_any()
        }
        _ => view! { <p>{t!(i18n.eservices_errand_waiting)}</p> }.into_any(),
    };
    let sent = e.with_value(|e| SentArgs {
        unit: e.unit_id.clone(),
        service: e.e_service_id.clone(),
        person: e.person_id.clone(),
        response: e.response.clone(),
    });
    view! {
        {sent_note}
        <h2>{e.with_value(|e| e.title.clone())}</h2>
        <dl class="case-facts">
            <dt>{t!(i18n.eservices_status)}</dt><dd data-testid="errand-status">{move || status_text(status.get(), i18n.t())}</dd>
            <dt>{t!(i18n.eservices_person)}</dt><dd>{e.with_value(|e| e.person_name.clone())}</dd>
            <dt>{t!(i18n.eservices_unit)}</dt><dd>{e.with_value(|e| e.unit_name.clone())}</dd>
            <dt>{t!(i18n.eservices_sent_at)}</dt><dd>{move || date_text(created, i18n.locale().code())}</dd>
        </dl>
        {answer}
        <Conversation id=errand.id.clone() person=errand.person_id.clone() messages=errand.messages.clone() closed=errand.closed status />
        <h2>{t!(i18n.eservices_errand_sent_heading)}</h2>
        <SentAnswers args=sent />
    }
}

/// Why a message was not sent.
#[derive(Clone, Copy, PartialEq)]
enum SendProblem {
    Empty,
    TooLong,
    Offline,
    Closed,
    /// The server refused an attachment (type, size, a broken file), or its bytes are gone.
    Attachment,
    Failed,
}

impl SendProblem {
    fn of(e: &ApiError) -> SendProblem {
        match e {
            ApiError::Network => SendProblem::Offline,
            ApiError::Status { body: Some(b), .. } if b.code == "errand_closed" => SendProblem::Closed,
            _ => SendProblem::Failed,
        }
    }
}

/// An attachment chosen for the next message; its bytes wait sealed on the device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Chosen {
    /// The client's id, also its upload id.
    id: String,
    /// `image/jpeg` (a picture, converted on the phone) or `application/pdf`.
    content_type: String,
    size: u64,
}

/// What is being written, kept sealed until sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Composer {
    text: String,
    #[serde(default)]
    attachments: Vec<Chosen>,
}

/// "12" kB, rounded up (a 1-byte file is 1 kB, not 0).
fn kilobytes(size: u64) -> String {
    size.div_ceil(1024).to_string()
}

/// A picture or a document picked for an errand, ready to keep: its type and bytes, or the
/// user's words for why not.
async fn prepare_file(
    file: &web_sys::File,
    limits: &PictureLimits,
    t: &Strings,
) -> Result<(&'static str, Vec<u8>), String> {
    let name = file.name();
    let kind = file.type_().to_ascii_lowercase();
    let document = limits.document_types.iter().any(|d| d == PDF)
        && (kind == PDF || (kind.is_empty() && name.to_ascii_lowercase().ends_with(".pdf")));
    if !document {
        return match crate::photo::prepare(file, limits).await {
            Ok(p) => Ok(("image/jpeg", p.jpeg)),
            Err(PictureProblem::WrongType) => Err(format!("{name}: {}", t.eservices_errand_wrong_type)),
            Err(p) => Err(crate::pages::cases::chat::problem_text(t, &name, file.size(), p, limits)),
        };
    }
    if file.size() > limits.max_upload_bytes as f64 {
        return Err(format!(
            "{name}: {}",
            t.eservices_errand_pdf_too_large
                .replace("{size}", &ingang_api::pictures::megabytes(file.size() as u64))
                .replace("{max}", &(limits.max_upload_bytes / (1024 * 1024)).to_string())
        ));
    }
    let unreadable = || format!("{name}: {}", t.eservices_errand_pdf_unreadable);
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await.map_err(|_| unreadable())?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    if !is_pdf(&bytes) {
        return Err(unreadable());
    }
    Ok((PDF, bytes))
}

/// Saves a downloaded object URL as a file (the browser's download), then lets it go.
fn save_as(object_url: &str, name: &str) {
    use wasm_bindgen::JsCast;
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    if let Some(a) = document.create_element("a").ok().and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok()) {
        a.set_href(object_url);
        a.set_download(name);
        a.click();
    }
    let url = object_url.to_owned();
    set_timeout(move || crate::photo::revoke(&url), std::time::Duration::from_secs(60));
}

/// A document on a message: downloaded with the session when asked for.
#[component]
fn DocumentLink(url: String, label: String) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let url = StoredValue::new(url);
    let fetch = Action::new_local(move |_: &()| async move {
        let object = api.picture_object_url(&url.get_value()).await;
        if let Ok(object) = &object {
            save_as(object, "dokument.pdf");
        }
        object.is_ok()
    });
    view! {
        <p class="errand-document">
            <button type="button" class="link-button" data-testid="errand-document"
                aria-disabled=move || fetch.pending().get().then_some("true")
                on:click=move |_| { if !fetch.pending().get_untracked() { fetch.dispatch(()); } }>
                {label}
            </button>
            <span class="error-text" role="alert">
                {move || (fetch.value().get() == Some(false)).then(|| i18n.t().eservices_errand_document_failed)}
            </span>
        </p>
    }
}

/// The attachments of a sent message: pictures as in the chat, documents as downloads.
fn attachment_views(attachments: Vec<Attachment>, t: &'static Strings) -> impl IntoView + use<> {
    let count = attachments.len();
    attachments
        .into_iter()
        .enumerate()
        .map(|(n, a)| {
            let (n, of) = ((n + 1).to_string(), count.to_string());
            if a.is_picture() {
                let alt = t.chat_picture_alt.replace("{n}", &n).replace("{count}", &of);
                let picture = Picture {
                    thumbnail_url: a.thumbnail_url.clone().unwrap_or_else(|| a.url.clone()),
                    id: a.id,
                    case_id: String::new(),
                    content_type: a.content_type,
                    size: a.size,
                    width: a.width.unwrap_or_default(),
                    height: a.height.unwrap_or_default(),
                    url: a.url,
                };
                view! { <ServerPicture picture alt /> }.into_any()
            } else {
                let label = t
                    .eservices_errand_document_download
                    .replace("{n}", &n)
                    .replace("{count}", &of)
                    .replace("{size}", &kilobytes(a.size));
                view! { <DocumentLink url=a.url label /> }.into_any()
            }
        })
        .collect_view()
}

/// The messages after the clinic's answer, and the user's reply (text, pictures and PDF
/// documents) until the errand is closed. What is being written, attachments too, is kept
/// sealed on the device until it is sent; each attachment and message has the client's id, so
/// a retry never adds anything twice.
#[component]
fn Conversation(
    id: String,
    person: String,
    messages: Vec<ErrandMessage>,
    closed: bool,
    status: RwSignal<ErrandStatus>,
) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let auth = use_auth();
    let messages = RwSignal::new(messages);
    let closed = RwSignal::new(closed);
    let text = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<Chosen>::new());
    let problem = RwSignal::new(None::<SendProblem>);
    let file_problems = RwSignal::new(Vec::<String>::new());
    let preparing = RwSignal::new(false);
    let sent_note = RwSignal::new(false);
    let id = StoredValue::new(id);
    let limits = LocalResource::new(move || async move { api.picture_limits().await });
    let limits_now = move || limits.get().unwrap_or_default();
    // the reply is kept sealed on the device until it is sent (reload, offline, session end)
    let draft = LocalResource::new(move || {
        let name = format!("{person}/e-arende/{}", id.get_value());
        async move { auth.seal_key_ready().await.map(|k| (k.clone(), Drafts::Sealed(k, name))) }
    });
    let key = move || draft.get_untracked().flatten().map(|(k, _)| k);
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        let Some(Some((_, d))) = draft.get() else { return false };
        leptos::task::spawn_local(async move {
            // (a draft of before attachments is its text alone)
            let saved = match d.load_json::<Composer>().await {
                Some(c) => Some(c),
                None => d.load_text().await.map(|text| Composer { text, attachments: Vec::new() }),
            };
            if let Some(saved) = saved
                && text.try_get_untracked().is_some_and(|t| t.is_empty())
                && chosen.try_with_untracked(Vec::is_empty) == Some(true)
            {
                text.set(saved.text);
                chosen.set(saved.attachments);
            }
        });
        true
    });
    let save_composer = move || {
        if let (Some(Some(Some((_, d)))), Some(text), Some(attachments)) =
            (draft.try_get_untracked(), text.try_get_untracked(), chosen.try_get_untracked())
        {
            if text.is_empty() && attachments.is_empty() {
                d.clear();
            } else {
                d.save_json(&Composer { text, attachments });
            }
        }
    };
    let client_key = move || format!("errand-message.{}", id.get_value());
    let send = Action::new_local(move |(body, files): &(String, Vec<Chosen>)| {
        let (body, files) = (body.clone(), files.clone());
        async move {
            let errand = id.get_value();
            // 1. the attachments, each under its own id (the server keeps one per id)
            for file in &files {
                let bytes = match key() {
                    Some(k) => crate::pages::cases::chat::kept_picture(&k, &file.id).await,
                    None => None,
                };
                let bytes = bytes.ok_or(SendProblem::Attachment)?;
                api.upload_attachment(&errand, &file.id, &file.content_type, &bytes).await.map_err(|e| {
                    match SendProblem::of(&e) {
                        SendProblem::Failed => SendProblem::Attachment,
                        p => p,
                    }
                })?;
            }
            // 2. the message: one client id per message, kept until it is sent
            let client_id = crate::storage::idempotency_key(&client_key());
            let ids = files.iter().map(|f| f.id.clone()).collect();
            let result = api.errand_message(&errand, &body, &client_id, ids).await;
            if result.is_ok() {
                crate::storage::remove(&client_key());
            }
            result.map_err(|e| SendProblem::of(&e))
        }
    });
    Effect::new(move |_| match send.value().get() {
        Some(Ok(errand)) => {
            status.set(errand.status);
            messages.set(errand.messages);
            closed.set(errand.closed);
            text.set(String::new());
            let gone = chosen.get_untracked().into_iter().map(|c| c.id).collect();
            chosen.set(Vec::new());
            crate::pages::cases::chat::forget_pictures(key(), gone);
            save_composer();
            problem.set(None);
            sent_note.set(true);
        }
        Some(Err(p)) => {
            if p == SendProblem::Closed {
                closed.set(true);
            }
            problem.set(Some(p));
            crate::browser::focus_id_later("errand-reply-problem".into());
        }
        None => {}
    });
    let pick = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let files: Vec<web_sys::File> =
            input.files().map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect()).unwrap_or_default();
        input.set_value("");
        let Some(k) = key() else { return };
        file_problems.set(Vec::new());
        preparing.set(true);
        leptos::task::spawn_local(async move {
            let limits = api.picture_limits().await;
            let mut problems = Vec::new();
            for file in files {
                let t = i18n.t();
                if chosen.try_with_untracked(Vec::len).unwrap_or(usize::MAX) >= limits.max_per_message as usize {
                    problems.push(t.eservices_errand_too_many.replace("{max}", &limits.max_per_message.to_string()));
                    break;
                }
                match prepare_file(&file, &limits, t).await {
                    Ok((content_type, bytes)) => {
                        let id = crate::browser::random_uuid();
                        if crate::pages::cases::chat::keep_picture(&k, &id, &bytes).await {
                            let size = bytes.len() as u64;
                            chosen.try_update(|c| c.push(Chosen { id, content_type: content_type.to_owned(), size }));
                            save_composer();
                        } else {
                            problems.push(format!("{}: {}", file.name(), t.chat_picture_not_kept));
                        }
                    }
                    Err(p) => problems.push(p),
                }
            }
            preparing.try_set(false);
            file_problems.try_set(problems);
        });
    };
    let remove = move |id: String| {
        chosen.update(|c| c.retain(|x| x.id != id));
        save_composer();
        crate::pages::cases::chat::forget_pictures(key(), vec![id]);
        crate::browser::focus_id("errand-attach-button");
    };
    let open_picker = || crate::browser::click_id("errand-file");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        sent_note.set(false);
        if preparing.get_untracked() {
            return;
        }
        let files = chosen.get_untracked();
        let checked = match ingang_api::cases::check_text(&text.get_untracked(), 4000) {
            Err(ingang_api::cases::TextProblem::Empty) if !files.is_empty() => Ok(String::new()),
            checked => checked,
        };
        match checked {
            Ok(body) if !send.pending().get_untracked() => {
                send.dispatch((body, files));
            }
            Ok(_) => {}
            Err(p) => {
                problem.set(Some(match p {
                    ingang_api::cases::TextProblem::Empty => SendProblem::Empty,
                    ingang_api::cases::TextProblem::TooLong => SendProblem::TooLong,
                }));
                crate::browser::focus_id_later("errand-reply".into());
            }
        }
    };
    let problem_text = move || {
        let t = i18n.t();
        problem.get().map(|p| match p {
            SendProblem::Empty => t.eservices_errand_reply_empty,
            SendProblem::TooLong => t.eservices_errand_reply_too_long,
            SendProblem::Offline => t.eservices_errand_reply_offline,
            SendProblem::Closed => t.eservices_errand_closed,
            SendProblem::Attachment => t.eservices_errand_attachment_refused,
            SendProblem::Failed => t.eservices_errand_reply_failed,
        })
    };
    let items = move || {
        let t = i18n.t();
        messages
            .get()
            .into_iter()
            .map(|m| {
                let at = m.created_at;
                let who = m.author.clone();
                view! {
                    <li class=if m.from_clinic { "message message--staff" } else { "message message--mine" }>
                        {(!m.body.is_empty()).then(|| view! { <p class="message-body">{m.body.clone()}</p> })}
                        <div class="chat__pictures">{attachment_views(m.attachments, t)}</div>
                        <p class="visit-item__meta">
                            {move || format!("{} · {}", who.clone().unwrap_or_else(|| i18n.t().eservices_errand_from_you.to_owned()), date_text(at, i18n.locale().code()))}
                        </p>
                    </li>
                }
            })
            .collect_view()
    };
    let accept = move || {
        let documents = limits_now().document_types.iter().any(|d| d == PDF);
        if documents { "image/*,application/pdf,.pdf" } else { "image/*" }
    };
    view! {
        <Show when=move || !messages.with(Vec::is_empty)>
            <h2>{t!(i18n.eservices_errand_messages_heading)}</h2>
            <ul class="messages" data-testid="errand-messages">{items}</ul>
        </Show>
        <p role="status">{move || sent_note.get().then(|| i18n.t().eservices_errand_reply_sent)}</p>
        <Show
            when=move || !closed.get()
            fallback=move || view! { <p class="notice" data-testid="errand-closed">{t!(i18n.eservices_errand_closed)}</p> }
        >
            <form class="form" on:submit=submit novalidate>
                <div class="field">
                    <label for="errand-reply" class="q-label">{t!(i18n.eservices_errand_reply_label)}</label>
                    <p class="q-help" id="errand-reply-help">{t!(i18n.eservices_errand_reply_help)}</p>
                    <textarea id="errand-reply" rows="4" aria-describedby="errand-reply-help errand-reply-problem"
                        aria-invalid=move || matches!(problem.get(), Some(SendProblem::Empty | SendProblem::TooLong)).then_some("true")
                        prop:value=move || text.get()
                        on:input=move |ev| {
                            text.set(event_target_value(&ev));
                            save_composer();
                        }
                    ></textarea>
                </div>
                <div class="chat__picker">
                    <input type="file" id="errand-file" accept=accept multiple hidden tabindex="-1"
                        on:change=pick data-testid="errand-file" />
                    <button type="button" id="errand-attach-button" class="button button--secondary"
                        aria-describedby="errand-attach-help" on:click=move |_| open_picker()>
                        {t!(i18n.eservices_errand_attach)}
                    </button>
                    <p class="q-help" id="errand-attach-help">{move || {
                        let l = limits_now();
                        i18n.t().eservices_errand_attach_help
                            .replace("{count}", &l.max_per_message.to_string())
                            .replace("{max}", &(l.max_source_bytes / (1024 * 1024)).to_string())
                            .replace("{doc}", &(l.max_upload_bytes / (1024 * 1024)).to_string())
                    }}</p>
                </div>
                <p role="status" class="chat__preparing">{move || preparing.get().then(|| i18n.t().eservices_errand_preparing)}</p>
                <div class="error-text chat__picture-problems" role="alert" data-testid="errand-file-problems">
                    {move || {
                        let list = file_problems.get();
                        (!list.is_empty()).then(|| view! {
                            <ul>{list.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                        })
                    }}
                </div>
                <Show when=move || !chosen.with(Vec::is_empty)>
                    <ul class="chat__chosen" aria-label=move || i18n.t().eservices_errand_attached data-testid="errand-chosen">
                        {move || {
                            let list = chosen.get();
                            let count = list.len();
                            let k = key();
                            list.into_iter().enumerate().map(|(n, c)| {
                                let t = i18n.t();
                                let (n, of) = ((n + 1).to_string(), count.to_string());
                                let shown = if c.content_type == PDF {
                                    view! {
                                        <span>{t.eservices_errand_document.replace("{n}", &n).replace("{count}", &of).replace("{size}", &kilobytes(c.size))}</span>
                                    }.into_any()
                                } else {
                                    let alt = t.chat_picture_alt.replace("{n}", &n).replace("{count}", &of);
                                    k.clone().map(|k| view! { <LocalPicture key=k id=c.id.clone() alt /> }).into_any()
                                };
                                let id = c.id.clone();
                                view! {
                                    <li>
                                        {shown}
                                        <button type="button" class="button button--secondary" on:click=move |_| remove(id.clone())>
                                            {t.eservices_errand_attachment_remove.replace("{n}", &n)}
                                        </button>
                                    </li>
                                }
                            }).collect_view()
                        }}
                    </ul>
                </Show>
                <p class="error-text" id="errand-reply-problem" tabindex="-1" role="alert">{problem_text}</p>
                <button type="submit" class="button" disabled=move || send.pending().get()
                    aria-disabled=move || preparing.get().then_some("true")>
                    {move || {
                        let t = i18n.t();
                        if !send.pending().get() {
                            t.eservices_errand_reply_send
                        } else if chosen.with(Vec::is_empty) {
                            t.eservices_errand_reply_sending
                        } else {
                            t.eservices_errand_uploading
                        }
                    }}
                </button>
            </form>
        </Show>
    }
}

/// Mina ärenden's part for e-services: the errands, newest first.
#[component]
pub fn ErrandList() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let list = LocalResource::new(move || {
        api.epoch();
        async move { api.errands().await }
    });
    view! {
        <h2 id="errands-heading">{t!(i18n.eservices_errands_heading)}</h2>
        <Transition fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
            <ErrorBoundary fallback=move |_| view! { <p class="error-text" role="alert">{t!(i18n.eservices_errands_error)}</p> }>
                {move || Suspend::new(async move {
                    list.await.map(|ErrandList { errands }| {
                        if errands.is_empty() {
                            return view! { <p>{t!(i18n.eservices_errands_empty)}</p> }.into_any();
                        }
                        let items = errands.into_iter().map(|e| {
                            let href = format!("/e-arende/{}", e.id);
                            let (status, created) = (e.status, e.created_at);
                            view! {
                                <li class="case-item" data-errand=e.id.clone()>
                                    <A href=href attr:class="case-item__title">{e.title.clone()}</A>
                                    <span class="case-item__meta">
                                        {move || status_text(status, i18n.t())}
                                        " · " {e.person_name.clone()} " · " {e.unit_name.clone()} " · "
                                        {move || date_text(created, i18n.locale().code())}
                                    </span>
                                </li>
                            }
                        }).collect_view();
                        view! { <ul class="cases" data-testid="errands">{items}</ul> }.into_any()
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

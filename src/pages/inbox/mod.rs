//! Inkorg: messages from the clinics to the user and their children up to 12 (`/inkorg`), and one
//! message (`/inkorg/:id`, [`message`]): information only, or questions answered once. Read and
//! answered state come from the server, so every device shows the same.

pub mod message;

use ingang_api::eservices::{InboxKind, InboxMessage};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::{
    api::use_api,
    components::{page::Page, protected::Protected},
    i18n::{Strings, use_i18n},
    pages::cases::date_text,
    t,
};

/// "Du har 2 olästa meddelanden."
pub fn unread_text(n: u32, t: &Strings) -> String {
    match n {
        0 => t.inbox_all_read.to_owned(),
        n => crate::i18n::plural(t, t.inbox_unread_count, u64::from(n)).replace("{n}", &n.to_string()),
    }
}

#[component]
pub fn InboxPage() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    view! {
        <Page title=|t| t.inbox_title>
            <Protected>
                {move || {
                    let inbox = LocalResource::new(move || {
                        api.epoch();
                        async move { api.inbox().await }
                    });
                    view! {
                        <p class="lead">{t!(i18n.inbox_lead)}</p>
                        <p><A href="/e-tjanster">{t!(i18n.inbox_eservices_link)}</A></p>
                        <Transition fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
                            <ErrorBoundary fallback=move |_| view! { <p class="error-text" role="alert">{t!(i18n.inbox_error)}</p> }>
                                {move || Suspend::new(async move {
                                    inbox.await.map(|inbox| {
                                        let unread = inbox.unread;
                                        let list = if inbox.messages.is_empty() {
                                            view! { <p data-testid="inbox-empty">{t!(i18n.inbox_empty)}</p> }.into_any()
                                        } else {
                                            let items = inbox.messages.into_iter().map(|m| view! { <InboxItem message=m /> }).collect_view();
                                            view! { <ul class="visits" data-testid="inbox">{items}</ul> }.into_any()
                                        };
                                        view! {
                                            <p data-testid="unread-count">{move || unread_text(unread, i18n.t())}</p>
                                            {list}
                                        }
                                    })
                                })}
                            </ErrorBoundary>
                        </Transition>
                    }
                }}
            </Protected>
        </Page>
    }
}

#[component]
fn InboxItem(message: InboxMessage) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/inkorg/{}", message.id);
    let unread = message.read_at.is_none();
    let m = StoredValue::new(message);
    let kind = move || {
        m.with_value(|m| match (m.kind, m.answered_at) {
            (InboxKind::Questions, None) => Some(i18n.t().inbox_kind_questions),
            (InboxKind::Questions, Some(_)) => Some(i18n.t().inbox_kind_answered),
            _ => None,
        })
    };
    view! {
        <li class="visit-item" class:inbox-item--unread=unread data-message=m.with_value(|m| m.id.clone())>
            <A href=href attr:class="visit-item__title">
                {unread.then(|| view! { <span class="visually-hidden">{move || format!("{}: ", i18n.t().inbox_unread)}</span> })}
                {m.with_value(|m| m.subject.clone())}
            </A>
            <span class="visit-item__meta">
                {move || m.with_value(|m| {
                    let mut parts = vec![m.unit_name.clone(), date_text(m.created_at, i18n.locale().code())];
                    parts.push(i18n.t().inbox_for_person.replace("{name}", &m.person_name));
                    parts.join(" · ")
                })}
            </span>
            {move || kind().map(|k| view! { <span class="inbox-item__kind">{k}</span> })}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    #[test]
    fn the_unread_count_is_a_sentence() {
        let (sv, en) = (Locale::SV.strings(), Locale::EN.strings());
        assert_eq!(unread_text(0, sv), "Du har inga olästa meddelanden.");
        assert_eq!(unread_text(1, sv), "Du har 1 oläst meddelande.");
        assert_eq!(unread_text(3, sv), "Du har 3 olästa meddelanden.");
        assert_eq!(unread_text(3, en), "You have 3 unread messages.");
    }
}

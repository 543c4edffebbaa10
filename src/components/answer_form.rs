//! A questionnaire to fill in and send once: the runner with drafts (kept on the device until
//! the server has the answers), then the caller's send action. While sending it says so; a
//! failure is announced and focused, the answers stay, and finishing again retries with the
//! caller's same idempotency key.

use ingang_questionnaire::{Questionnaire, QuestionnaireResponse};
use leptos::prelude::*;

use crate::{
    api::ApiError,
    components::questionnaire::{self, QuestionnaireRunner},
    drafts::Drafts,
    i18n::{Strings, use_i18n},
};

#[component]
pub fn AnswerForm(
    questionnaire: Questionnaire,
    /// Where the draft lives (`None`: not kept).
    drafts: Option<Drafts>,
    /// The draft found on the device, if any.
    draft: Option<QuestionnaireResponse>,
    finish_label: fn(&Strings) -> &'static str,
    sending_label: fn(&Strings) -> &'static str,
    /// Sends the completed answers; the caller reacts to success.
    send: Action<QuestionnaireResponse, Result<(), ApiError>>,
    /// What to say when sending failed.
    error_text: fn(&ApiError, &Strings) -> &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let (first, was_restored, _warnings) = questionnaire::start(&questionnaire, None, draft);
    let handle = RwSignal::new(first);
    let restored = RwSignal::new(was_restored);
    let on_complete = Callback::new(move |response: QuestionnaireResponse| {
        if !send.pending().get_untracked() {
            send.dispatch(response);
        }
    });
    Effect::new(move |_| {
        if let Some(Err(_)) = send.value().get() {
            crate::browser::focus_id_later("send-error".into());
        }
    });
    view! {
        <QuestionnaireRunner
            questionnaire
            handle
            restored
            drafts
            one_group_per_step=false
            finish_label
            on_complete
            keep_draft_on_complete=true
        />
        <p role="status">{move || send.pending().get().then(|| sending_label(i18n.t()))}</p>
        {move || match send.value().get() {
            Some(Err(e)) => Some(view! {
                <p class="notice notice--danger" role="alert" id="send-error" tabindex="-1">{move || error_text(&e, i18n.t())}</p>
            }),
            _ => None,
        }}
    }
}

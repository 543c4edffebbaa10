//! What was answered, read-only: the questions and answers of a sent response, in the
//! questionnaire's order and texts (an errand the user sent, or questions they answered).
//!
//! An errand's sent answers ([`sent_answers`]) come from a chunk of their own
//! (`chunks::SentAnswers`): reading a questionnaire and laying out its answers is the form
//! engine, and without the split every case and errand screen carried it in its first load.

use ingang_questionnaire::{Form, Questionnaire, QuestionnaireResponse};
use leptos::prelude::*;

use crate::{api::use_api, i18n::use_i18n};

#[component]
pub fn AnswerList(questionnaire: Questionnaire, response: QuestionnaireResponse) -> impl IntoView {
    let i18n = use_i18n();
    let (form, _) = Form::with_response(questionnaire, response);
    let form = StoredValue::new(form);
    move || {
        let lang = i18n.locale().code();
        let (yes, no) = (i18n.t().questionnaire_yes, i18n.t().questionnaire_no);
        let rows = form
            .with_value(|f| f.review(lang, (yes, no)))
            .into_iter()
            .map(|l| {
                let class = format!("depth-{}", l.depth.min(3));
                view! { <li class=class><span class="review__q">{l.text}</span>" "<strong>{l.answers.join(", ")}</strong></li> }
            })
            .collect_view();
        view! { <ul class="review__answers" data-testid="sent-answers">{rows}</ul> }
    }
}

/// The answers sent with an errand: the e-service's form it was sent on, and the response
/// as the API keeps it.
#[derive(Clone, Debug)]
pub struct SentArgs {
    pub unit: String,
    pub service: String,
    pub person: String,
    pub response: serde_json::Value,
}

/// The sent answers of an errand: the e-service's questionnaire is read, the response laid
/// out in its order; nothing while the form loads or when it cannot be read (the errand's own
/// facts above say what was sent).
pub fn sent_answers(args: SentArgs) -> AnyView {
    let api = use_api();
    let args = StoredValue::new(args);
    let sent = LocalResource::new(move || {
        let SentArgs { unit, service, person, response } = args.get_value();
        async move {
            let (q, _) = api.e_service_questionnaire(&unit, &service, &person).await.ok()?;
            let r = serde_json::from_value::<QuestionnaireResponse>(response).ok()?;
            Some((q, r))
        }
    });
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                sent.await.map(|(questionnaire, response)| view! { <AnswerList questionnaire response /> })
            })}
        </Transition>
    }
    .into_any()
}

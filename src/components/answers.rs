//! What was answered, read-only: the questions and answers of a sent response, in the
//! questionnaire's order and texts (an errand the user sent, or questions they answered).

use ingang_questionnaire::{Form, Questionnaire, QuestionnaireResponse};
use leptos::prelude::*;

use crate::i18n::use_i18n;

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

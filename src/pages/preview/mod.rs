//! `/forhandsgranska`: form preview for clinics authoring questionnaires (and for our tests).
//! Loads `?questionnaire=<url>` (and `&response=<url>`), or files the user picks, renders the
//! form, and shows the live QuestionnaireResponse and the unsupported features beside it.

use ingang_questionnaire::{LoadError, LoadWarning, Questionnaire, QuestionnaireResponse};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use wasm_bindgen::JsCast;

use crate::{
    api::http,
    browser,
    components::{
        page::Page,
        questionnaire::{self, QuestionnaireRunner},
    },
    i18n::{Strings, use_i18n},
    t,
};

/// Why the preview cannot show a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PreviewError {
    Network(String),
    Status(u16, String),
    Load(LoadError),
    /// The saved response is some other resource.
    WrongResponse(String),
}

impl PreviewError {
    /// The message in the current language (pure: tested on the host).
    pub fn message(&self, t: &Strings) -> String {
        match self {
            Self::Network(url) => t.preview_error_network.replace("{url}", url),
            Self::Status(status, url) => {
                t.preview_error_status.replace("{status}", &status.to_string()).replace("{url}", url)
            }
            Self::Load(LoadError::Json(detail)) => t.preview_error_json.replace("{detail}", detail),
            Self::Load(LoadError::WrongResource(found)) if found.is_empty() => {
                t.preview_error_no_resource_type.to_owned()
            }
            Self::Load(LoadError::WrongResource(found)) => t.preview_error_wrong_resource.replace("{found}", found),
            Self::Load(LoadError::Invalid(detail)) => t.preview_error_invalid.replace("{detail}", detail),
            Self::WrongResponse(found) => t.preview_error_wrong_response.replace("{found}", found),
        }
    }
}

/// A form ready to show.
#[derive(Clone)]
struct Loaded {
    questionnaire: Questionnaire,
    response: Option<QuestionnaireResponse>,
    response_error: Option<PreviewError>,
    /// Where it came from (draft key).
    source: String,
}

async fn fetch(url: &str) -> Result<String, PreviewError> {
    match http::fetch_text("GET", url, None, &[]).await {
        Ok((200..=299, text)) => Ok(text),
        Ok((status, _)) => Err(PreviewError::Status(status, url.to_owned())),
        Err(_) => Err(PreviewError::Network(url.to_owned())),
    }
}

/// Picked files win over URLs.
async fn load(
    q_url: Option<String>,
    r_url: Option<String>,
    picked: Option<(String, String)>,
    picked_response: Option<String>,
) -> Option<Result<Loaded, PreviewError>> {
    let (source, text) = match (picked, q_url) {
        (Some((name, text)), _) => (format!("file:{name}"), text),
        (None, Some(url)) => match fetch(&url).await {
            Ok(text) => (url, text),
            Err(e) => return Some(Err(e)),
        },
        (None, None) => return None,
    };
    let questionnaire = match Questionnaire::from_json(&text) {
        Ok(q) => q,
        Err(e) => return Some(Err(PreviewError::Load(e))),
    };
    let response_text = match (picked_response, r_url) {
        (Some(text), _) => Some(Ok(text)),
        (None, Some(url)) => Some(fetch(&url).await),
        (None, None) => None,
    };
    let (response, response_error) = match response_text {
        None => (None, None),
        Some(Err(e)) => (None, Some(e)),
        Some(Ok(text)) => match QuestionnaireResponse::from_json(&text) {
            Ok(r) => (Some(r), None),
            Err(LoadError::WrongResource(found)) => (None, Some(PreviewError::WrongResponse(found))),
            Err(e) => (None, Some(PreviewError::Load(e))),
        },
    };
    Some(Ok(Loaded { questionnaire, response, response_error, source }))
}

fn picked_file(ev: &leptos::ev::Event) -> Option<web_sys::File> {
    ev.target()?.dyn_into::<web_sys::HtmlInputElement>().ok()?.files()?.get(0)
}

#[component]
pub fn PreviewPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let picked = RwSignal::new(None::<(String, String)>);
    let picked_response = RwSignal::new(None::<String>);
    let source = LocalResource::new(move || {
        let q_url = query.with(|q| q.get("questionnaire"));
        let r_url = query.with(|q| q.get("response"));
        let picked = picked.get();
        let picked_response = picked_response.get();
        async move { load(q_url, r_url, picked, picked_response).await }
    });
    let on_pick = move |ev: leptos::ev::Event| {
        if let Some(file) = picked_file(&ev) {
            leptos::task::spawn_local(async move {
                if let Ok(text) = browser::read_file_text(&file).await {
                    picked.set(Some((file.name(), text)));
                }
            });
        }
    };
    let on_pick_response = move |ev: leptos::ev::Event| {
        if let Some(file) = picked_file(&ev) {
            leptos::task::spawn_local(async move {
                if let Ok(text) = browser::read_file_text(&file).await {
                    picked_response.set(Some(text));
                }
            });
        }
    };
    view! {
        <Page title=|t| t.preview_title>
            <p class="lead">{t!(i18n.preview_lead)}</p>
            <div class="preview-pickers">
                <p>
                    <label for="preview-file">{t!(i18n.preview_file_label)}</label>
                    <input id="preview-file" type="file" accept=".json,application/json,application/fhir+json" on:change=on_pick />
                </p>
                <p>
                    <label for="preview-response-file">{t!(i18n.preview_response_file_label)}</label>
                    <input id="preview-response-file" type="file" accept=".json,application/json,application/fhir+json" on:change=on_pick_response />
                </p>
            </div>
            <Transition fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
                {move || Suspend::new(async move {
                    match source.await {
                        None => view! { <p class="preview-empty">{t!(i18n.preview_empty)}</p> }.into_any(),
                        Some(Err(e)) => view! {
                            <div class="notice notice--danger" role="alert" data-testid="preview-error">
                                <h2>{t!(i18n.preview_error_heading)}</h2>
                                <p>{move || e.message(i18n.t())}</p>
                            </div>
                        }.into_any(),
                        Some(Ok(loaded)) => view! { <Preview loaded /> }.into_any(),
                    }
                })}
            </Transition>
        </Page>
    }
}

#[component]
fn Preview(loaded: Loaded) -> impl IntoView {
    let i18n = use_i18n();
    let Loaded { questionnaire, response, response_error, source } = loaded;
    let drafts = crate::drafts::Drafts::preview(&source);
    let (first, was_restored, warnings) = questionnaire::start(&questionnaire, response, drafts.load_plain());
    let handle = RwSignal::new(first);
    let restored = RwSignal::new(was_restored);
    let one_group_per_step = RwSignal::new(false);
    let completed_at = RwSignal::new(None::<(u64, QuestionnaireResponse)>);
    let unsupported = handle.get_untracked().with(|f| f.unsupported().to_vec());
    let unsupported_count = unsupported.len().to_string();

    let json = move || {
        let h = handle.get();
        let rev = h.revision.get();
        let response = match completed_at.get() {
            Some((at, r)) if at == rev => r,
            _ => h.with(|f| f.response()),
        };
        serde_json::to_string_pretty(&response).unwrap_or_default()
    };
    let copied = RwSignal::new(false);
    let copy = move |_| {
        let text = json();
        leptos::task::spawn_local(async move {
            copied.set(browser::copy_text(&text).await);
        });
    };
    let download = move |_| browser::download("questionnaire-response.json", "application/fhir+json", &json());
    let on_complete = Callback::new(move |r: QuestionnaireResponse| {
        completed_at.set(Some((handle.get_untracked().revision.get_untracked(), r)));
    });
    let done = move || {
        let h = handle.get();
        completed_at.get().is_some_and(|(at, _)| at == h.revision.get())
    };
    let warning_text = move |w: &LoadWarning| {
        let t = i18n.t();
        let (text, link) = match w {
            LoadWarning::UnknownLinkId(l) => (t.preview_warning_unknown, l),
            LoadWarning::WrongType(l) => (t.preview_warning_type, l),
            LoadWarning::TooManyAnswers(l) => (t.preview_warning_too_many, l),
            LoadWarning::DisabledAnswered(l) => (t.preview_warning_disabled, l),
            LoadWarning::Recalculated(l) => (t.preview_warning_recalculated, l),
        };
        text.replace("{link}", link)
    };
    let title = questionnaire.title.clone().or(questionnaire.name.clone()).unwrap_or_default();
    // the variables and calculated items, live, so an author sees why a number came out
    let has_expressions = handle.get_untracked().with(|f| f.has_expressions());
    let calculations = move || {
        let h = handle.get();
        h.revision.track();
        h.with(|f| f.calculations())
            .into_iter()
            .map(|(name, value)| view! { <tr><th scope="row"><code>{name}</code></th><td>{value}</td></tr> })
            .collect_view()
    };

    view! {
        {response_error.map(|e| view! {
            <div class="notice notice--warning" role="alert"><p>{move || i18n.t().preview_response_error.replace("{detail}", &e.message(i18n.t()))}</p></div>
        })}
        {(!warnings.is_empty()).then(|| view! {
            <div class="notice notice--warning" data-testid="response-warnings">
                <h2>{t!(i18n.preview_warnings_heading)}</h2>
                <ul>{warnings.iter().map(|w| {
                    let w = w.clone();
                    view! { <li>{move || warning_text(&w)}</li> }
                }).collect_view()}</ul>
            </div>
        })}
        <div class="preview">
            <section class="preview__form" aria-labelledby="preview-form-heading">
                <h2 id="preview-form-heading">{t!(i18n.preview_form_heading)}": "{title}</h2>
                <p>
                    <input type="checkbox" id="preview-steps" prop:checked=move || one_group_per_step.get()
                        on:change=move |ev| one_group_per_step.set(event_target_checked(&ev)) />
                    <label for="preview-steps">{t!(i18n.preview_step_mode)}</label>
                </p>
                <QuestionnaireRunner
                    questionnaire
                    handle
                    restored
                    drafts=Some(drafts)
                    one_group_per_step
                    finish_label=|t| t.preview_finish
                    on_complete
                />
                <Show when=done>
                    <p class="notice notice--success" role="status">{t!(i18n.preview_done)}</p>
                </Show>
            </section>
            <aside class="preview__side" aria-labelledby="preview-response-heading">
                <h2 id="preview-response-heading">{t!(i18n.preview_response_heading)}</h2>
                <p class="preview__actions">
                    <button type="button" class="button button--secondary button--small" on:click=copy>{t!(i18n.preview_copy)}</button>
                    " "
                    <button type="button" class="button button--secondary button--small" on:click=download>{t!(i18n.preview_download)}</button>
                    <span role="status" class="preview__copied">{move || copied.get().then(|| i18n.t().preview_copied)}</span>
                </p>
                <pre class="preview__json" data-testid="questionnaire-response" tabindex="0" aria-labelledby="preview-response-heading">{json}</pre>
                {has_expressions.then(|| view! {
                    <h2 id="preview-expressions-heading">{t!(i18n.preview_expressions_heading)}</h2>
                    <p>{t!(i18n.preview_expressions_lead)}</p>
                    <table class="preview__calculations" data-testid="calculations">
                        <thead><tr>
                            <th scope="col">{t!(i18n.preview_expressions_variable)}</th>
                            <th scope="col">{t!(i18n.preview_expressions_value)}</th>
                        </tr></thead>
                        <tbody>{calculations}</tbody>
                    </table>
                    {move || {
                        let h = handle.get();
                        h.revision.track();
                        let notes = h.with(|f| f.expression_notes().to_vec());
                        (!notes.is_empty()).then(|| view! {
                            <p>{t!(i18n.preview_expressions_notes)}</p>
                            <ul data-testid="expression-notes">
                                {notes.into_iter().map(|n| view! { <li><code>{n}</code></li> }).collect_view()}
                            </ul>
                        })
                    }}
                })}
                <h2 id="preview-unsupported-heading">{t!(i18n.preview_unsupported_heading)}</h2>
                <div data-testid="unsupported-features" data-count=unsupported_count>
                    {if unsupported.is_empty() {
                        view! { <p>{t!(i18n.preview_unsupported_none)}</p> }.into_any()
                    } else {
                        view! {
                            <ul>
                                {unsupported.into_iter().map(|u| {
                                    let items = u.link_ids.join(", ");
                                    view! {
                                        <li>
                                            <code>{u.feature}</code>
                                            {(!items.is_empty()).then(|| view! { " – "{move || i18n.t().preview_unsupported_items.replace("{items}", &items)} })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </div>
            </aside>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Locale, SV};

    #[test]
    fn errors_are_explained_in_swedish_and_english() {
        let e = PreviewError::Load(LoadError::WrongResource("Patient".into()));
        assert_eq!(e.message(&SV), "Filen är inte ett Questionnaire utan Patient.");
        assert!(e.message(Locale::EN.strings()).contains("Patient"));
        let e = PreviewError::Status(404, "/forms/x.json".into());
        assert!(e.message(&SV).contains("404") && e.message(&SV).contains("/forms/x.json"));
        assert!(!PreviewError::Load(LoadError::WrongResource(String::new())).message(&SV).contains("{"));
        assert_eq!(
            PreviewError::WrongResponse("Questionnaire".into()).message(&SV),
            "Filen är inte ett QuestionnaireResponse utan Questionnaire."
        );
    }
}

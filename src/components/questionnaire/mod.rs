//! The questionnaire renderer: turns a FHIR R4 Questionnaire into an accessible Swedish form.
//!
//! - [`handle`]: the engine's form plus per-item signals (a keystroke re-renders one item);
//! - [`item`]: groups, display texts and questions; [`controls`]: one native control per type;
//! - [`rich_text`]: sanitised markdown/xhtml as DOM nodes;
//! - this file: paging ("Steg 2 av 5"), the error summary, the score, drafts ([`QuestionnaireRunner`]).
//!
//! The engine (`ingang-questionnaire`) decides everything that can be decided without a DOM.

pub mod controls;
pub mod handle;
pub mod item;
pub mod rich_text;

use ingang_questionnaire::{Form, LoadWarning, NodeId, Questionnaire, QuestionnaireResponse};
use leptos::{html, prelude::*};

pub use handle::FormHandle;
use item::ItemView;

use crate::{
    browser,
    drafts::Drafts,
    i18n::{Strings, use_i18n},
};

/// Item nodes rendered per animation frame in a long form.
const CHUNK: usize = 120;

/// One entry of the error summary.
#[derive(Debug, Clone, PartialEq)]
struct Problem {
    item: NodeId,
    label: String,
    message: String,
}

/// Errors of every enabled item in scope (`None`: the whole form), parse errors included.
fn problems(handle: FormHandle, scope: Option<NodeId>, lang: &str) -> Vec<Problem> {
    let items: Vec<NodeId> = handle.with(|f| f.subtree(scope).into_iter().filter(|&n| f.is_enabled(n)).collect());
    let mut out = Vec::new();
    for item in items {
        for message in handle.errors_now(item, lang) {
            let label = handle.with(|f| {
                let d = f.def(item);
                let t = d.text(lang);
                if t.is_empty() { d.link_id.clone() } else { t }
            });
            out.push(Problem { item, label, message });
        }
    }
    out
}

/// A filled-in form: items (one step at a time when paged), error summary, navigation.
#[component]
pub fn FormView(
    handle: FormHandle,
    /// Show one top-level group per step even when the form does not ask for pages.
    #[prop(into)]
    one_group_per_step: Signal<bool>,
    /// Label of the last button.
    finish_label: fn(&Strings) -> &'static str,
    /// Called with the completed response when every rule holds.
    on_complete: Callback<QuestionnaireResponse>,
) -> impl IntoView {
    let i18n = use_i18n();
    let steps: Vec<NodeId> = handle.with(|f| f.items(f.root()).iter().copied().filter(|&n| !f.def(n).hidden).collect());
    let form_pages = handle.with(|f| f.pages().is_some());
    let step_count = steps.len().max(1);
    let paged = Signal::derive(move || (form_pages || one_group_per_step.get()) && step_count > 1);
    let step = RwSignal::new(0usize);
    let summary = RwSignal::new(Vec::<Problem>::new());
    let summary_ref = NodeRef::<html::Div>::new();
    // Long forms render progressively: the first screenful at once, the rest in chunks of about
    // CHUNK item nodes per animation frame, so the form is usable before all of it exists.
    let sizes: Vec<usize> = handle.with(|f| steps.iter().map(|&s| f.subtree(Some(s)).len()).collect());
    let sizes = StoredValue::new(sizes);
    let chunk_end = move |from: usize| {
        let sizes = sizes.get_value();
        let mut total = 0;
        let mut k = from;
        while k < sizes.len() && (k == from || total + sizes[k] <= CHUNK) {
            total += sizes[k];
            k += 1;
        }
        k
    };
    let shown = RwSignal::new(chunk_end(0));
    fn more(shown: RwSignal<usize>, len: usize, next: impl Fn(usize) -> usize + Copy + 'static) {
        if shown.get_untracked() < len {
            request_animation_frame(move || {
                if let Some(now) = shown.try_get_untracked() {
                    shown.set(next(now));
                    more(shown, len, next);
                }
            });
        }
    }
    let step_len = steps.len();
    more(shown, step_len, chunk_end);
    let steps_for_view = steps.clone();
    let visible = move || {
        if paged.get() {
            let k = step.get().min(steps_for_view.len().saturating_sub(1));
            steps_for_view.get(k).copied().into_iter().collect::<Vec<_>>()
        } else {
            steps_for_view[..shown.get().min(steps_for_view.len())].to_vec()
        }
    };
    let is_last = move || !paged.get() || step.get() + 1 >= step_count;
    let form_lang = handle.with(|f| f.language().to_owned());
    let translated = Memo::new(move |_| handle.with(|f| f.available_in(i18n.locale().code())));
    let steps_for_advance = steps.clone();
    let advance = move || {
        let lang = i18n.locale_untracked().code();
        let scope = if paged.get_untracked() { steps_for_advance.get(step.get_untracked()).copied() } else { None };
        let mut found = problems(handle, scope, lang);
        if scope.is_some() && is_last() {
            found = problems(handle, None, lang);
        }
        if !found.is_empty() {
            handle.show_all_errors.set(true);
            summary.set(found);
            request_animation_frame(move || {
                if let Some(el) = summary_ref.get_untracked() {
                    let _ = el.focus();
                }
            });
            return;
        }
        summary.set(Vec::new());
        if paged.get_untracked() && step.get_untracked() + 1 < step_count {
            handle.show_all_errors.set(false);
            step.update(|s| *s += 1);
            browser::focus_id_later("q-progress".into());
        } else {
            let mut response = handle.with(|f| f.response());
            response.status = "completed".into();
            on_complete.run(response);
        }
    };
    let steps_for_links = StoredValue::new(steps.clone());
    let go_to = move |item: NodeId| {
        if paged.get_untracked() {
            let top = handle.with(|f| f.top_item(item));
            if let Some(k) = steps_for_links.with_value(|s| s.iter().position(|&s| s == top)) {
                step.set(k);
            }
        }
        let id = format!("q{item}");
        request_animation_frame(move || browser::focus_first_control_in(&id));
    };
    let score = move || {
        handle.revision.track();
        handle.with(|f| f.score(None))
    };
    view! {
        <form class="q-form" novalidate on:submit=move |ev| {
            ev.prevent_default();
            advance();
        }>
            <Show when=move || !summary.get().is_empty()>
                <div class="q-summary" role="alert" tabindex="-1" node_ref=summary_ref aria-labelledby="q-summary-heading">
                    <h2 id="q-summary-heading">{move || i18n.t().questionnaire_summary_heading}</h2>
                    <ul>
                        {move || summary.get().into_iter().map(|p| {
                            let item = p.item;
                            view! {
                                <li>
                                    <a href=format!("#q{item}") on:click=move |ev| {
                                        ev.prevent_default();
                                        go_to(item);
                                    }>{p.label}" – "{p.message}</a>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </div>
            </Show>
            // said once, above the form, in the user's language: the items below stay as written
            {move || (!translated.get()).then(|| view! { <p class="notice">{i18n.t().questionnaire_only_swedish}</p> })}
            <Show when=move || paged.get()>
                <p class="q-progress" id="q-progress" tabindex="-1">
                    {move || i18n.t().questionnaire_step.replace("{n}", &(step.get() + 1).to_string()).replace("{total}", &step_count.to_string())}
                </p>
            </Show>
            // untranslated items are in the form's language: marked so (a screen reader reads
            // them in Swedish) and laid out left to right inside an Arabic page
            <div class="q-items" lang=move || (!translated.get()).then(|| form_lang.clone()) dir=move || (!translated.get()).then_some("ltr")>
                <For each=visible key=|id| *id let:id>
                    <ItemView handle id />
                </For>
            </div>
            {move || score().map(|s| view! {
                <p class="q-score" aria-live="polite">
                    {i18n.t().questionnaire_score.replace("{score}", &ingang_questionnaire::value::format_decimal(s))}
                </p>
            })}
            <div class="q-nav">
                <Show when=move || { paged.get() && step.get() > 0 }>
                    <button type="button" class="button button--secondary" on:click=move |_| {
                        summary.set(Vec::new());
                        step.update(|s| *s = s.saturating_sub(1));
                        browser::focus_id_later("q-progress".into());
                    }>{move || i18n.t().questionnaire_back}</button>
                </Show>
                <button type="submit" class="button">
                    {move || if is_last() { finish_label(i18n.t()) } else { i18n.t().questionnaire_next }}
                </button>
            </div>
        </form>
    }
}

/// Starts a form: from `response` when given, else from the saved `draft`, else empty.
/// Returns the handle, whether a draft was restored, and what did not fit.
pub fn start(
    questionnaire: &Questionnaire,
    response: Option<QuestionnaireResponse>,
    draft: Option<QuestionnaireResponse>,
) -> (FormHandle, bool, Vec<LoadWarning>) {
    let draft = if response.is_none() { draft } else { None };
    let restored = draft.is_some();
    let (form, warnings) = match response.or(draft) {
        Some(r) => Form::with_response(questionnaire.clone(), r),
        None => (Form::new(questionnaire.clone()), Vec::new()),
    };
    (FormHandle::new(form), restored, warnings)
}

/// A form with drafts: saves answers on the device as the user types, restores them after a
/// reload or a new login (saying so, with "Börja om"), and clears them on completion.
#[component]
pub fn QuestionnaireRunner(
    questionnaire: Questionnaire,
    /// The current form; the caller reads the live response from it.
    handle: RwSignal<FormHandle>,
    /// Whether `handle` was started from a draft.
    restored: RwSignal<bool>,
    /// Where drafts are kept (`None`: no drafts).
    drafts: Option<Drafts>,
    #[prop(into)] one_group_per_step: Signal<bool>,
    finish_label: fn(&Strings) -> &'static str,
    on_complete: Callback<QuestionnaireResponse>,
    /// Keep the draft after completion (the caller clears it once the answers are sent).
    #[prop(optional)]
    keep_draft_on_complete: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    // Save after a short pause in typing, and at once when the page is hidden or unloaded.
    let pending = StoredValue::new_local(None::<TimeoutHandle>);
    let has_drafts = drafts.is_some();
    let key = StoredValue::new_local(drafts);
    let save_now = move || {
        if let Some(t) = pending.try_update_value(|p| p.take()).flatten() {
            t.clear();
        }
        // also called by a timer and by page events, which may come after this form is gone
        if let (Some(Some(k)), Some(h)) = (key.try_get_value(), handle.try_get_untracked())
            && h.revision.try_get_untracked().is_some_and(|r| r > 0)
            && let Some(response) = h.try_with(|f| f.response())
        {
            k.save(&response);
        }
    };
    Effect::new(move |_| {
        let h = handle.get();
        if h.revision.get() == 0 || key.try_with_value(Option::is_none).unwrap_or(true) {
            return;
        }
        if let Some(t) = pending.try_update_value(|p| p.take()).flatten() {
            t.clear();
        }
        if let Ok(t) = set_timeout_with_handle(save_now, std::time::Duration::from_millis(300)) {
            pending.set_value(Some(t));
        }
    });
    let hide = window_event_listener(leptos::ev::pagehide, move |_| save_now());
    let vis = window_event_listener(leptos::ev::visibilitychange, move |_| {
        if document().visibility_state() == web_sys::VisibilityState::Hidden {
            save_now();
        }
    });
    on_cleanup(move || {
        hide.remove();
        vis.remove();
        if let Some(t) = pending.try_update_value(|p| p.take()).flatten() {
            t.clear();
        }
    });

    let q = StoredValue::new(questionnaire);
    let owner = StoredValue::new_local(Owner::current().expect("components run under an owner"));
    let start_over = move |_| {
        if let Some(t) = pending.try_update_value(|p| p.take()).flatten() {
            t.clear();
        }
        if let Some(k) = key.get_value() {
            k.clear();
        }
        // Created under the runner's owner: the click comes from the notice that is about to
        // disappear, and signals owned by it would be disposed with it.
        let fresh = owner.with_value(|o| o.with(|| FormHandle::new(Form::new(q.get_value()))));
        handle.set(fresh);
        restored.set(false);
        browser::focus_id_later("q-form-start".into());
    };
    let complete = Callback::new(move |response: QuestionnaireResponse| {
        if let Some(t) = pending.try_update_value(|p| p.take()).flatten() {
            t.clear();
        }
        if keep_draft_on_complete {
            save_now();
        } else if let Some(k) = key.get_value() {
            k.clear();
        }
        on_complete.run(response);
    });
    view! {
        <div class="q-runner" id="q-form-start" tabindex="-1">
            <Show when=move || restored.get()>
                <div class="notice q-restored" role="status">
                    <p>{move || i18n.t().questionnaire_draft_restored}</p>
                    <button type="button" class="button button--secondary button--small" on:click=start_over>
                        {move || i18n.t().questionnaire_start_over}
                    </button>
                </div>
            </Show>
            {has_drafts.then(|| view! { <p class="q-saved-note">{move || i18n.t().questionnaire_saved_locally}</p> })}
            // Keyed on the handle's generation: "Börja om" mounts a fresh form instead of
            // patching the old one in place.
            <For each=move || [handle.get().generation] key=|g| *g let:_generation>
                <FormView handle=handle.get_untracked() one_group_per_step finish_label on_complete=complete />
            </For>
        </div>
    }
}

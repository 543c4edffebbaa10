//! One questionnaire item: a group, a display text, or a question with its answers. Each item
//! view subscribes only to its own node's signals.

use std::sync::Arc;

use ingang_questionnaire::{Def, NodeId, Urgency, model::ItemType};
use leptos::prelude::*;

use super::{
    controls::{Control, Ctx, checkboxes, instance_control},
    handle::FormHandle,
    rich_text,
};
use crate::{browser, i18n::use_i18n};

/// Label content: prefix, text (rich text as phrasing), required marker.
fn label_view(d: Arc<Def>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let lang = i18n.locale().code();
        let prefix = d.prefix(lang).map(|p| view! { <span class="q-prefix">{p}" "</span> });
        let text: Vec<AnyView> = match d.rich_text(lang) {
            Some(rt) => rich_text::phrasing(rt),
            // A question without text still needs an accessible name: its linkId, for screen readers.
            None if d.text(lang).trim().is_empty() && prefix.is_none() => {
                vec![view! { <span class="visually-hidden">{d.link_id.clone()}</span> }.into_any()]
            }
            None => vec![d.text(lang).into_any()],
        };
        let required =
            d.required.then(|| view! { " "<span class="q-required">{i18n.t().questionnaire_required}</span> });
        view! { {prefix}{text}{required} }
    }
}

/// Help texts: help/flyover display children, the entry format, file rules.
fn help_view(handle: FormHandle, d: Arc<Def>, id: String) -> Option<AnyView> {
    let i18n = use_i18n();
    let has_help = !d.help.is_empty()
        || d.entry_format.is_some()
        || (d.kind == ItemType::Attachment && (!d.mime_types.is_empty() || d.max_size.is_some()));
    if !has_help {
        return None;
    }
    let content = move || {
        let lang = i18n.locale().code();
        let t = i18n.t();
        let mut out: Vec<AnyView> = handle.with(|f| {
            d.help
                .iter()
                .map(|&h| {
                    let hd = f.def_by_id(h);
                    match hd.rich_text(lang) {
                        Some(rt) => rich_text::blocks(rt).into_any(),
                        None => view! { <p>{hd.text(lang)}</p> }.into_any(),
                    }
                })
                .collect()
        });
        if let Some(fmt) = d.entry_format_in(lang) {
            out.push(view! { <p>{fmt}</p> }.into_any());
        }
        if d.kind == ItemType::Attachment {
            if !d.mime_types.is_empty() {
                let types = d
                    .mime_types
                    .iter()
                    .map(|m| m.rsplit('/').next().unwrap_or(m).to_uppercase())
                    .collect::<Vec<_>>()
                    .join(", ");
                out.push(view! { <p>{t.questionnaire_file_hint.replace("{types}", &types)}</p> }.into_any());
            }
            if d.max_size.is_some() || !d.mime_types.is_empty() {
                let max = super::controls::pick_limit(&d);
                let mb = ingang_questionnaire::value::format_decimal((max / 1_048_576.0 * 10.0).round() / 10.0);
                let size = if ingang_questionnaire::validate::decimal_comma(lang) {
                    format!("{} MB", mb.replace('.', ","))
                } else {
                    format!("{mb} MB")
                };
                out.push(view! { <p>{t.questionnaire_file_size_hint.replace("{size}", &size)}</p> }.into_any());
            }
        }
        out
    };
    Some(view! { <div class="q-help" id=id>{content}</div> }.into_any())
}

/// An item node, shown while it is enabled.
#[component]
pub fn ItemView(handle: FormHandle, id: NodeId) -> impl IntoView {
    let (hidden, kind) = handle.with(|f| (f.def(id).hidden, f.def(id).kind.clone()));
    if hidden {
        return ().into_any();
    }
    let version = handle.sig(id).version;
    let enabled = move || {
        version.track();
        handle.with(|f| f.is_enabled(id))
    };
    // A plain closure, not <Show>: cheaper per item, and long forms have hundreds.
    let view = move || {
        let kind = kind.clone();
        enabled().then(move || match kind {
            ItemType::Group => view! { <GroupView handle id /> }.into_any(),
            ItemType::Display => view! { <DisplayView handle id /> }.into_any(),
            _ => view! { <QuestionView handle id /> }.into_any(),
        })
    };
    view.into_any()
}

/// Item nodes under an instance.
fn children(handle: FormHandle, instance: NodeId) -> impl IntoView {
    let items = handle.with(|f| f.items(instance).to_vec());
    items.into_iter().map(|id| view! { <ItemView handle id /> }).collect_view()
}

#[component]
fn DisplayView(handle: FormHandle, id: NodeId) -> impl IntoView {
    let i18n = use_i18n();
    let d = handle.with(|f| f.def_arc(id));
    let content = move || {
        let lang = i18n.locale().code();
        match d.rich_text(lang) {
            Some(rt) => rich_text::blocks(rt).into_any(),
            None => {
                let prefix = d.prefix(lang).map(|p| format!("{p} ")).unwrap_or_default();
                view! { <p>{prefix}{d.text(lang)}</p> }.into_any()
            }
        }
    };
    let link = handle.with(|f| f.def(id).link_id.clone());
    view! { <div class="q-display" id=format!("q{id}") data-link-id=link>{content}</div> }
}

#[component]
fn GroupView(handle: FormHandle, id: NodeId) -> impl IntoView {
    let i18n = use_i18n();
    let d = handle.with(|f| f.def_arc(id));
    let sig = handle.sig(id);
    let version = sig.version.clone();
    let instances = move || {
        version.track();
        handle.with(|f| f.instances(id).to_vec())
    };
    let has_text = !d.text("sv").is_empty() || d.rich_text("sv").is_some();
    let help_id = format!("q{id}-help");
    let help = help_view(handle, d.clone(), help_id.clone());
    let err_id = format!("q{id}-err");
    let errors = move || handle.visible_errors(id, i18n.locale().code());
    let describedby = format!("{}{err_id}", if help.is_some() { format!("{help_id} ") } else { String::new() });
    let repeats = d.repeats;
    let name = {
        let d = d.clone();
        move || d.text(i18n.locale().code())
    };
    let list = {
        let instances = instances.clone();
        let name = name.clone();
        let version = sig.version.clone();
        move || {
            let name = name.clone();
            let version = version.clone();
            view! {
                <For each=instances.clone() key=|i| *i let:inst>
                    {
                        let name = name.clone();
                        let version = version.clone();
                        let remove = repeats.then(move || {
                            let label = Signal::derive(move || {
                                version.track();
                                let n = handle.with(|f| f.instances(id).iter().position(|&i| i == inst)).unwrap_or(0) + 1;
                                i18n.t().questionnaire_remove_group.replace("{name}", &name()).replace("{n}", &n.to_string())
                            });
                            remove_button(handle, id, inst, label)
                        });
                        view! { <div class="q-instance" id=format!("q{inst}")>{children(handle, inst)}{remove}</div> }
                    }
                </For>
            }
        }
    };
    // A non-repeating group has one repetition for its whole life: no keyed list needed.
    let list = move || {
        if repeats {
            list().into_any()
        } else {
            handle.with(|f| f.instances(id).first().copied()).map(|inst| children(handle, inst)).into_any()
        }
    };
    let add = repeats.then(|| {
        let label = Signal::derive(move || i18n.t().questionnaire_add_group.replace("{name}", &name()));
        add_button(handle, id, "button button--secondary q-add", label)
    });
    let body = view! {
        {help}
        {list}
        {add}
        <div class="q-error" id=err_id aria-live="polite">
            {move || errors().into_iter().map(|e| view! { <p>{e}</p> }).collect_view()}
        </div>
    };
    if has_text {
        view! {
            <fieldset class="q-group" id=format!("q{id}") data-link-id=d.link_id.clone() tabindex="-1" aria-describedby=describedby>
                <legend class="q-legend">{label_view(d.clone())}</legend>
                {body}
            </fieldset>
        }
        .into_any()
    } else {
        view! { <div class="q-group q-group--plain" id=format!("q{id}") data-link-id=d.link_id.clone() tabindex="-1">{body}</div> }.into_any()
    }
}

/// "Ta bort" for one repetition or answer (shown while more than the minimum remain), named by
/// `label` for screen readers; focus goes to the add button afterwards.
fn remove_button(handle: FormHandle, id: NodeId, inst: NodeId, label: Signal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let version = handle.sig(id).version;
    let can = move || {
        version.track();
        handle.with(|f| f.can_remove(id))
    };
    view! {
        <Show when=can>
            <button type="button" class="button button--small button--secondary q-remove" aria-label=label
                on:click=move |_| {
                    handle.edit(id, |f| f.remove_instance(id, inst));
                    browser::focus_id_later(format!("q{id}-add"));
                }>
                {move || i18n.t().questionnaire_remove}
            </button>
        </Show>
    }
}

/// "Lägg till": a new repetition (group) or answer (question), focused once it exists.
fn add_button(handle: FormHandle, id: NodeId, class: &'static str, label: Signal<String>) -> impl IntoView {
    let version = handle.sig(id).version;
    let can = move || {
        version.track();
        handle.with(|f| f.can_add(id))
    };
    view! {
        <button type="button" class=class id=format!("q{id}-add") disabled=move || !can()
            on:click=move |_| {
                let mut added = None;
                handle.edit(id, |f| match f.add_instance(id) {
                    Some((inst, changes)) => {
                        added = Some(inst);
                        changes
                    }
                    None => Default::default(),
                });
                if let Some(inst) = added {
                    let target = format!("q{inst}");
                    request_animation_frame(move || browser::focus_first_control_in(&target));
                }
            }>
            {label}
        </button>
    }
}

/// The alert under a question whose chosen answer carries an urgency marker.
fn urgency_view(handle: FormHandle, id: NodeId) -> Option<impl IntoView> {
    let i18n = use_i18n();
    // Most questions have no red flags: no subscription for them.
    if !handle.with(|f| f.def(id).choices.iter().any(|c| c.urgency.is_some())) {
        return None;
    }
    let sig = handle.sig(id);
    let urgency = move || {
        sig.edited.track();
        sig.version.track();
        handle.with(|f| {
            let d = f.def(id);
            f.values(id).into_iter().filter_map(|v| d.choice_for(v).and_then(|c| c.urgency)).max()
        })
    };
    Some(move || match urgency() {
        Some(Urgency::Emergency) => Some(
            view! {
                <div class="notice notice--danger q-urgency" role="alert">
                    <p><strong>{i18n.t().questionnaire_emergency_alert}</strong></p>
                    <p><a class="button button--danger" href="tel:112">{i18n.t().questionnaire_call_112}</a></p>
                </div>
            }
            .into_any(),
        ),
        Some(Urgency::Urgent) => Some(
            view! {
                <div class="notice notice--warning q-urgency" role="alert">
                    <p>{i18n.t().questionnaire_urgent_alert}</p>
                    <p><a href="tel:1177">{i18n.t().questionnaire_call_1177}</a></p>
                </div>
            }
            .into_any(),
        ),
        None => None,
    })
}

#[component]
fn QuestionView(handle: FormHandle, id: NodeId) -> impl IntoView {
    let i18n = use_i18n();
    let d = handle.with(|f| f.def_arc(id));
    let control = Control::choose(&d);
    let sig = handle.sig(id);
    let label_id = format!("q{id}-label");
    let help_id = format!("q{id}-help");
    let err_id = format!("q{id}-err");
    let unit_id = format!("q{id}-unit");
    // a `warning` constraint: said under the item, never blocking (only forms with constraints)
    let warn_id = d.has_constraints().then(|| format!("q{id}-warn"));
    let help = help_view(handle, d.clone(), help_id.clone());
    let fixed_unit = (d.kind != ItemType::Quantity && d.unit.is_some()).then(|| {
        let d = d.clone();
        move || d.unit_label(i18n.locale().code())
    });
    let mut described = Vec::new();
    if help.is_some() {
        described.push(help_id.clone());
    }
    if fixed_unit.is_some() {
        described.push(unit_id.clone());
    }
    described.push(err_id.clone());
    described.extend(warn_id.clone());
    let describedby = described.join(" ");
    let errors = Memo::new(move |_| handle.visible_errors(id, i18n.locale().code()));
    let invalid = Signal::derive(move || !errors.get().is_empty());
    let version = sig.version.clone();
    let instances = move || {
        version.track();
        handle.with(|f| f.instances(id).to_vec())
    };
    let first = handle.with(|f| f.instances(id).first().copied());
    let has_children = !d.children.is_empty();
    let ctx = Ctx { handle, item: id, def: d.clone(), describedby: describedby.clone(), labelledby: None, invalid };

    let answers: AnyView = if d.choices.is_empty() && matches!(control, Control::Radios | Control::Checkboxes) {
        // an answerExpression's options, none yet: say where they come from
        view! { <p class="q-note">{move || i18n.t().questionnaire_no_options}</p> }.into_any()
    } else if control == Control::Unsupported {
        // an item type this engine does not know has no answers to show
        view! { <p class="q-note">{move || i18n.t().questionnaire_unsupported_type}</p> }.into_any()
    } else if control == Control::Checkboxes {
        // one group of check boxes; nested items per chosen option
        let per_answer = has_children.then(|| {
            let d = d.clone();
            view! {
                <For each=instances.clone() key=|i| *i let:inst>
                    {
                        let d = d.clone();
                        let label = move || {
                            let lang = i18n.locale().code();
                            handle.with(|f| f.value(inst).map(|v| d.choice_for(v).map(|c| c.label(lang)).unwrap_or_else(|| v.display())))
                        };
                        view! {
                            <div class="q-children">
                                <p class="q-children__for">{label}</p>
                                {children(handle, inst)}
                            </div>
                        }
                    }
                </For>
            }
        });
        view! { {checkboxes(ctx.clone())}{per_answer} }.into_any()
    } else {
        let repeats = d.repeats && d.kind != ItemType::Display;
        let label_id2 = label_id.clone();
        let ctx2 = ctx.clone();
        let d_for_remove = d.clone();
        let render = move |inst: NodeId| {
            let mut ctx = ctx2.clone();
            if Some(inst) != first {
                ctx.labelledby = Some(label_id2.clone());
            }
            let value_version = handle.sig(id).version;
            let has_value = move || {
                value_version.track();
                handle.with(|f| f.is_alive(inst) && f.value(inst).is_some())
            };
            let nested = has_children.then(|| {
                view! {
                    <Show when=has_value.clone()>
                        <div class="q-children">{children(handle, inst)}</div>
                    </Show>
                }
            });
            let remove = repeats.then(|| {
                let version = handle.sig(id).version;
                let d = d_for_remove.clone();
                let label = Signal::derive(move || {
                    version.track();
                    let n = handle.with(|f| f.instances(id).iter().position(|&i| i == inst)).unwrap_or(0) + 1;
                    let name = d.text(i18n.locale().code());
                    i18n.t().questionnaire_remove_answer.replace("{n}", &n.to_string()).replace("{name}", &name)
                });
                remove_button(handle, id, inst, label)
            });
            view! {
                <div class="q-answer">
                    {instance_control(ctx, inst, control)}
                    {remove}
                </div>
                {nested}
            }
        };
        // A non-repeating question has one answer slot for its whole life: no keyed list needed.
        let list = if repeats {
            view! { <For each=instances.clone() key=|i| *i children=move |inst| render.clone()(inst) /> }.into_any()
        } else {
            first.map(render).into_any()
        };
        let add = repeats.then(|| {
            let label = Signal::derive(move || i18n.t().questionnaire_add_answer.to_owned());
            add_button(handle, id, "button button--small button--secondary q-add", label)
        });
        view! { {list}{add} }.into_any()
    };

    let unit = fixed_unit.map(|u| view! { <p class="q-unit" id=unit_id.clone()>{u}</p> });
    let error_view = view! {
        <div class="q-error" id=err_id.clone() aria-live="polite">
            {move || errors.get().into_iter().map(|e| view! { <p>{e}</p> }).collect_view()}
        </div>
    };
    let warning_view = warn_id.map(|warn_id| {
        let warnings = Memo::new(move |_| handle.visible_warnings(id, i18n.locale().code()));
        view! {
            <div class="q-warning" id=warn_id aria-live="polite">
                {move || warnings.get().into_iter().map(|e| view! { <p>{e}</p> }).collect_view()}
            </div>
        }
    });
    let on_leave = move |_| handle.touch(id);
    let wrapper_class = move || if invalid.get() { "q-item q-item--invalid" } else { "q-item" };
    if control.grouped() {
        view! {
            <fieldset class=wrapper_class id=format!("q{id}") data-link-id=d.link_id.clone() aria-describedby=describedby on:focusout=on_leave>
                <legend class="q-label" id=label_id>{label_view(d.clone())}</legend>
                {help}
                {error_view}
                {warning_view}
                {answers}
                {urgency_view(handle, id)}
            </fieldset>
        }
        .into_any()
    } else {
        let target = first.map(|i| format!("i{i}"));
        view! {
            <div class=wrapper_class id=format!("q{id}") data-link-id=d.link_id.clone() on:focusout=on_leave>
                <label class="q-label" id=label_id for=target>{label_view(d.clone())}</label>
                {help}
                {error_view}
                {warning_view}
                {answers}
                {unit}
                {urgency_view(handle, id)}
            </div>
        }
        .into_any()
    }
}

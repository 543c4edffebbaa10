//! The native control for one answer of a question, chosen by item type and itemControl.

use std::sync::Arc;

use ingang_questionnaire::{
    Def, NodeId, ValidationError, Value, base64_encode, input,
    model::{Attachment, Coding, ItemType, Quantity},
    value::parse_swedish_number,
};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::handle::FormHandle;
use crate::{browser, i18n::use_i18n};

/// Which control a question gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Radio buttons, one answer (also open-choice with an "other" field).
    Radios,
    /// Check boxes, several answers (repeating choice).
    Checkboxes,
    Select,
    Autocomplete,
    /// Boolean as "Ja" / "Nej" radio buttons.
    YesNo,
    /// Boolean as one check box (itemControl check-box).
    Checkbox,
    Slider,
    /// `<input type=…>` with an inputmode.
    Input(&'static str, &'static str),
    TextArea,
    Quantity,
    Attachment,
    /// A value computed by FHIRPath (not supported yet): shown read-only with a note.
    Computed,
    Unsupported,
}

impl Control {
    pub fn choose(d: &Def) -> Control {
        if d.expression.is_some() {
            return Control::Computed;
        }
        let control = d.control.as_deref();
        match &d.kind {
            // (options an answerExpression gives may be none at the moment: still a choice)
            ItemType::Choice | ItemType::OpenChoice if d.has_options() => {
                if d.repeats {
                    Control::Checkboxes
                } else {
                    match control {
                        Some("drop-down") => Control::Select,
                        Some("autocomplete") => Control::Autocomplete,
                        Some("radio-button" | "check-box") => Control::Radios,
                        _ if d.choices.len() <= 6 => Control::Radios,
                        _ => Control::Select,
                    }
                }
            }
            ItemType::Choice | ItemType::OpenChoice => Control::Input("text", "text"),
            ItemType::Boolean if control == Some("check-box") => Control::Checkbox,
            ItemType::Boolean => Control::YesNo,
            ItemType::Integer | ItemType::Decimal if control == Some("slider") => Control::Slider,
            ItemType::Integer => Control::Input("text", "numeric"),
            ItemType::Decimal => Control::Input("text", "decimal"),
            ItemType::Date => Control::Input("date", "text"),
            ItemType::DateTime => Control::Input("datetime-local", "text"),
            ItemType::Time => Control::Input("time", "text"),
            ItemType::Url => Control::Input("url", "url"),
            ItemType::String | ItemType::Reference => Control::Input("text", "text"),
            ItemType::Text => Control::TextArea,
            ItemType::Quantity => Control::Quantity,
            ItemType::Attachment => Control::Attachment,
            _ => Control::Unsupported,
        }
    }

    /// Controls made of several inputs sit in a fieldset with a legend.
    pub fn grouped(self) -> bool {
        matches!(self, Control::Radios | Control::Checkboxes | Control::YesNo)
    }
}

/// Attributes every control shares.
#[derive(Clone)]
pub struct Ctx {
    pub handle: FormHandle,
    pub item: NodeId,
    pub def: Arc<Def>,
    pub describedby: String,
    /// `aria-labelledby` for inputs without their own `<label for>` (second and later answers).
    pub labelledby: Option<String>,
    pub invalid: Signal<bool>,
}

/// The control for instance `inst` of the question.
pub fn instance_control(ctx: Ctx, inst: NodeId, control: Control) -> AnyView {
    match control {
        Control::Radios => radios(ctx, inst),
        Control::YesNo => yes_no(ctx, inst),
        Control::Select => select(ctx, inst),
        Control::Autocomplete => autocomplete(ctx, inst),
        Control::Checkbox => checkbox(ctx, inst),
        Control::Slider => slider(ctx, inst),
        Control::Input(ty, mode) => text_input(ctx, inst, ty, mode),
        Control::TextArea => text_area(ctx, inst),
        Control::Quantity => quantity(ctx, inst),
        Control::Attachment => attachment(ctx, inst),
        Control::Computed => computed(ctx, inst),
        Control::Unsupported => {
            let i18n = use_i18n();
            view! { <p class="q-note">{move || i18n.t().questionnaire_unsupported_type}</p> }.into_any()
        }
        Control::Checkboxes => ().into_any(),
    }
}

fn current(ctx: &Ctx, inst: NodeId) -> impl Fn() -> Option<Value> + Send + Sync + 'static + Clone {
    let ext = ctx.handle.sig(ctx.item).external;
    let handle = ctx.handle;
    move || {
        ext.track();
        handle.with(|f| if f.is_alive(inst) { f.value(inst).cloned() } else { None })
    }
}

fn set(ctx: &Ctx, inst: NodeId, value: Option<Value>) {
    ctx.handle.edit(ctx.item, |f| f.set_value(inst, value));
}

fn text_input(ctx: Ctx, inst: NodeId, ty: &'static str, mode: &'static str) -> AnyView {
    let i18n = use_i18n();
    let value = current(&ctx, inst);
    let kind = ctx.def.kind.clone();
    let max = ctx.def.max_length.map(|m| m.to_string());
    let on_input = {
        let ctx = ctx.clone();
        move |ev: leptos::ev::Event| {
            let text = event_target_value(&ev);
            let parsed = input::parse(&kind, &text, browser::tz_offset_minutes());
            let (value, error) = match parsed {
                Ok(v) => (v, None),
                Err(e) => (None, Some(e)),
            };
            ctx.handle.set_parse_error(inst, error);
            set(&ctx, inst, value);
        }
    };
    let shown = move || value().map(|v| input::format(&v, i18n.locale().code())).unwrap_or_default();
    view! {
        <input
            class="q-input"
            type=ty
            inputmode=mode
            id=format!("i{inst}")
            aria-labelledby=ctx.labelledby.clone()
            aria-describedby=ctx.describedby.clone()
            aria-invalid=move || ctx.invalid.get().then_some("true")
            aria-required=ctx.def.required.then_some("true")
            readonly=ctx.def.read_only
            maxlength=max
            autocomplete="off"
            prop:value=shown
            on:input=on_input
        />
    }
    .into_any()
}

fn text_area(ctx: Ctx, inst: NodeId) -> AnyView {
    let value = current(&ctx, inst);
    let max = ctx.def.max_length.map(|m| m.to_string());
    let on_input = {
        let ctx = ctx.clone();
        move |ev: leptos::ev::Event| {
            let text = event_target_value(&ev);
            set(&ctx, inst, (!text.trim().is_empty()).then_some(Value::String(text)));
        }
    };
    view! {
        <textarea
            class="q-input q-textarea"
            id=format!("i{inst}")
            rows="4"
            aria-labelledby=ctx.labelledby.clone()
            aria-describedby=ctx.describedby.clone()
            aria-invalid=move || ctx.invalid.get().then_some("true")
            aria-required=ctx.def.required.then_some("true")
            readonly=ctx.def.read_only
            maxlength=max
            prop:value=move || value().map(|v| v.display()).unwrap_or_default()
            on:input=on_input
        ></textarea>
    }
    .into_any()
}

fn option_label(d: &Def, k: usize, lang: &str) -> String {
    let c = &d.choices[k];
    match &c.prefix {
        Some(p) => format!("{p} {}", c.label(lang)),
        None => c.label(lang),
    }
}

fn radios(ctx: Ctx, inst: NodeId) -> AnyView {
    let i18n = use_i18n();
    let value = current(&ctx, inst);
    let d = ctx.def.clone();
    let open = d.kind == ItemType::OpenChoice;
    let selected = {
        let (value, d) = (value.clone(), d.clone());
        move || value().and_then(|v| d.choices.iter().position(|c| c.value.same_as(&v)))
    };
    let other_text = {
        let value = value.clone();
        let d = d.clone();
        move || value().filter(|v| d.choice_for(v).is_none()).map(|v| v.display())
    };
    let other_on = RwSignal::new(other_text().is_some());
    let disabled = d.read_only;
    let name = format!("n{inst}");
    let options = (0..d.choices.len())
        .map(|k| {
            let ctx = ctx.clone();
            let selected = selected.clone();
            let d = d.clone();
            let label_d = d.clone();
            view! {
                <div class="q-option">
                    <input
                        type="radio"
                        id=format!("i{inst}-{k}")
                        name=name.clone()
                        disabled=disabled
                        prop:checked=move || selected() == Some(k) && !other_on.get()
                        on:change=move |_| {
                            other_on.set(false);
                            set(&ctx, inst, Some(d.choices[k].value.clone()));
                        }
                    />
                    <label for=format!("i{inst}-{k}")>{move || option_label(&label_d, k, i18n.locale().code())}</label>
                </div>
            }
        })
        .collect_view();
    let other = open.then(|| {
        let ctx2 = ctx.clone();
        let ctx3 = ctx.clone();
        let other_text = other_text.clone();
        view! {
            <div class="q-option">
                <input
                    type="radio"
                    id=format!("i{inst}-other")
                    name=name.clone()
                    disabled=disabled
                    prop:checked=move || other_on.get()
                    on:change=move |_| {
                        other_on.set(true);
                        set(&ctx2, inst, None);
                    }
                />
                <label for=format!("i{inst}-other")>{move || i18n.t().questionnaire_other}</label>
            </div>
            <Show when=move || other_on.get()>
                {
                    let ctx3 = ctx3.clone();
                    let other_text = other_text.clone();
                    view! {
                        <label class="q-other-label" for=format!("i{inst}-other-text")>
                            {move || i18n.t().questionnaire_other_specify}
                        </label>
                        <input
                            class="q-input"
                            type="text"
                            id=format!("i{inst}-other-text")
                            prop:value=move || other_text().unwrap_or_default()
                            on:input=move |ev| {
                                let t = event_target_value(&ev);
                                set(&ctx3, inst, (!t.trim().is_empty()).then_some(Value::String(t)));
                            }
                        />
                    }
                }
            </Show>
        }
    });
    view! { <div class=if d.horizontal { "q-options q-options--row" } else { "q-options" }>{options}{other}</div> }
        .into_any()
}

fn yes_no(ctx: Ctx, inst: NodeId) -> AnyView {
    let i18n = use_i18n();
    let value = current(&ctx, inst);
    let name = format!("n{inst}");
    let disabled = ctx.def.read_only;
    let option = move |b: bool| {
        let ctx = ctx.clone();
        let value = value.clone();
        let id = format!("i{inst}-{}", if b { 0 } else { 1 });
        view! {
            <div class="q-option">
                <input
                    type="radio"
                    id=id.clone()
                    name=name.clone()
                    disabled=disabled
                    prop:checked=move || value() == Some(Value::Boolean(b))
                    on:change=move |_| set(&ctx, inst, Some(Value::Boolean(b)))
                />
                <label for=id>
                    {move || if b { i18n.t().questionnaire_yes } else { i18n.t().questionnaire_no }}
                </label>
            </div>
        }
    };
    let (yes, no) = (option.clone()(true), option(false));
    view! { <div class="q-options q-options--row">{yes}{no}</div> }.into_any()
}

fn checkbox(ctx: Ctx, inst: NodeId) -> AnyView {
    let value = current(&ctx, inst);
    view! {
        <input
            type="checkbox"
            class="q-checkbox"
            id=format!("i{inst}")
            aria-describedby=ctx.describedby.clone()
            disabled=ctx.def.read_only
            prop:checked=move || value() == Some(Value::Boolean(true))
            on:change=move |ev| {
                let on = event_target_checked(&ev);
                set(&ctx, inst, on.then_some(Value::Boolean(true)));
            }
        />
    }
    .into_any()
}

fn select(ctx: Ctx, inst: NodeId) -> AnyView {
    let i18n = use_i18n();
    let value = current(&ctx, inst);
    let d = ctx.def.clone();
    let selected = {
        let d = d.clone();
        move || value().and_then(|v| d.choices.iter().position(|c| c.value.same_as(&v)))
    };
    let options = (0..d.choices.len())
        .map(|k| {
            let selected = selected.clone();
            let d = d.clone();
            view! {
                <option value=k.to_string() prop:selected=move || selected() == Some(k)>
                    {move || option_label(&d, k, i18n.locale().code())}
                </option>
            }
        })
        .collect_view();
    let none_selected = selected.clone();
    let on_change = {
        let ctx = ctx.clone();
        let d = d.clone();
        move |ev: leptos::ev::Event| {
            let v =
                event_target_value(&ev).parse::<usize>().ok().and_then(|k| d.choices.get(k)).map(|c| c.value.clone());
            set(&ctx, inst, v);
        }
    };
    view! {
        <select
            class="q-input q-select"
            id=format!("i{inst}")
            aria-labelledby=ctx.labelledby.clone()
            aria-describedby=ctx.describedby.clone()
            aria-invalid=move || ctx.invalid.get().then_some("true")
            aria-required=ctx.def.required.then_some("true")
            disabled=d.read_only
            on:change=on_change
        >
            <option value="" prop:selected=move || none_selected().is_none()>
                {move || i18n.t().questionnaire_choose}
            </option>
            {options}
        </select>
    }
    .into_any()
}

fn autocomplete(ctx: Ctx, inst: NodeId) -> AnyView {
    let i18n = use_i18n();
    let value = current(&ctx, inst);
    let d = ctx.def.clone();
    let list_id = format!("i{inst}-list");
    let options = {
        let d = d.clone();
        move || {
            let lang = i18n.locale().code();
            (0..d.choices.len()).map(|k| view! { <option value=option_label(&d, k, lang)></option> }).collect_view()
        }
    };
    let on_input = {
        let ctx = ctx.clone();
        let d = d.clone();
        move |ev: leptos::ev::Event| {
            let text = event_target_value(&ev);
            let lang = i18n.locale_untracked().code();
            let t = text.trim().to_lowercase();
            let hit = (0..d.choices.len()).find(|&k| option_label(&d, k, lang).to_lowercase() == t);
            let (v, err) = match hit {
                Some(k) => (Some(d.choices[k].value.clone()), None),
                None if t.is_empty() => (None, None),
                None if d.kind == ItemType::OpenChoice => (Some(Value::String(text.trim().to_owned())), None),
                None => (None, Some(ValidationError::NotAnOption)),
            };
            ctx.handle.set_parse_error(inst, err);
            set(&ctx, inst, v);
        }
    };
    let shown = {
        let d = d.clone();
        move || {
            let lang = i18n.locale().code();
            value()
                .map(|v| match d.choices.iter().position(|c| c.value.same_as(&v)) {
                    Some(k) => option_label(&d, k, lang),
                    None => v.display(),
                })
                .unwrap_or_default()
        }
    };
    view! {
        <input
            class="q-input"
            type="text"
            id=format!("i{inst}")
            list=list_id.clone()
            autocomplete="off"
            aria-labelledby=ctx.labelledby.clone()
            aria-describedby=ctx.describedby.clone()
            aria-invalid=move || ctx.invalid.get().then_some("true")
            aria-required=ctx.def.required.then_some("true")
            readonly=d.read_only
            prop:value=shown
            on:input=on_input
        />
        <datalist id=list_id>{options}</datalist>
    }
    .into_any()
}

fn number_of(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(i) => Some(*i as f64),
        Value::Decimal(d) => Some(*d),
        _ => None,
    }
}

fn slider(ctx: Ctx, inst: NodeId) -> AnyView {
    let i18n = use_i18n();
    let value = current(&ctx, inst);
    let d = ctx.def.clone();
    let min = d.min_value.as_ref().and_then(number_of).unwrap_or(0.0);
    let max = d.max_value.as_ref().and_then(number_of).unwrap_or(100.0);
    let step = d.slider_step.unwrap_or(if d.kind == ItemType::Integer { 1.0 } else { 0.1 });
    let integer = d.kind == ItemType::Integer;
    let out_id = format!("i{inst}-out");
    let shown = {
        let value = value.clone();
        move || value().map(|v| input::format(&v, i18n.locale().code()))
    };
    let text = {
        let shown = shown.clone();
        move || match shown() {
            Some(v) => i18n.t().questionnaire_slider_value.replace("{value}", &v),
            None => i18n.t().questionnaire_slider_unset.to_owned(),
        }
    };
    let on_input = {
        let ctx = ctx.clone();
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev)
                .parse::<f64>()
                .ok()
                .map(|x| if integer { Value::Integer(x.round() as i64) } else { Value::Decimal(x) });
            set(&ctx, inst, v);
        }
    };
    view! {
        <div class="q-slider">
            <span class="q-slider__end" aria-hidden="true">{ingang_questionnaire::value::format_decimal(min)}</span>
            <input
                type="range"
                id=format!("i{inst}")
                min=min.to_string()
                max=max.to_string()
                step=step.to_string()
                aria-describedby=format!("{} {out_id}", ctx.describedby)
                aria-valuetext=shown
                disabled=d.read_only
                prop:value=move || value().as_ref().and_then(number_of).map(|x| x.to_string()).unwrap_or_else(|| ((min + max) / 2.0).to_string())
                on:input=on_input
            />
            <span class="q-slider__end" aria-hidden="true">{ingang_questionnaire::value::format_decimal(max)}</span>
        </div>
        <output id=out_id class="q-slider__value" for=format!("i{inst}")>{text}</output>
    }
    .into_any()
}

fn quantity(ctx: Ctx, inst: NodeId) -> AnyView {
    let i18n = use_i18n();
    let value = current(&ctx, inst);
    let d = ctx.def.clone();
    let units: Vec<Coding> =
        if d.unit_options.is_empty() { d.unit.clone().into_iter().collect() } else { d.unit_options.clone() };
    let initial_unit = value()
        .and_then(|v| match v {
            Value::Quantity(q) => {
                units.iter().position(|u| u.code == q.code || (q.code.is_none() && u.display == q.unit))
            }
            _ => None,
        })
        .unwrap_or(0);
    let unit_index = RwSignal::new(initial_unit);
    let units = Arc::new(units);
    let build = {
        let units = units.clone();
        move |number: Option<f64>, k: usize| {
            number.map(|n| {
                let u = units.get(k);
                Value::Quantity(Quantity {
                    value: Some(n),
                    unit: u.and_then(|u| u.display.clone().or_else(|| u.code.clone())),
                    system: u.and_then(|u| u.system.clone()),
                    code: u.and_then(|u| u.code.clone()),
                    ..Default::default()
                })
            })
        }
    };
    let number_text =
        RwSignal::new(value().map(|v| input::format(&v, i18n.locale_untracked().code())).unwrap_or_default());
    let on_input = {
        let ctx = ctx.clone();
        let build = build.clone();
        move |ev: leptos::ev::Event| {
            let text = event_target_value(&ev);
            number_text.set(text.clone());
            let n = parse_swedish_number(&text);
            let err = (!text.trim().is_empty() && n.is_none()).then_some(ValidationError::NotANumber);
            ctx.handle.set_parse_error(inst, err);
            set(&ctx, inst, build(n, unit_index.get_untracked()));
        }
    };
    let unit_view = match units.len() {
        0 => None,
        1 => Some(
            view! { <span class="q-unit">{units[0].display.clone().or_else(|| units[0].code.clone())}</span> }
                .into_any(),
        ),
        _ => {
            let ctx = ctx.clone();
            let opts = units
                .iter()
                .enumerate()
                .map(|(k, u)| {
                    view! {
                        <option value=k.to_string() prop:selected=move || unit_index.get() == k>
                            {u.display.clone().or_else(|| u.code.clone())}
                        </option>
                    }
                })
                .collect_view();
            Some(
                view! {
                    <select
                        class="q-input q-select q-unit-select"
                        aria-label=move || i18n.t().questionnaire_unit_label
                        on:change=move |ev| {
                            let k = event_target_value(&ev).parse::<usize>().unwrap_or(0);
                            unit_index.set(k);
                            let n = parse_swedish_number(&number_text.get_untracked());
                            set(&ctx, inst, build(n, k));
                        }
                    >
                        {opts}
                    </select>
                }
                .into_any(),
            )
        }
    };
    view! {
        <div class="q-with-unit">
            <input
                class="q-input q-input--number"
                type="text"
                inputmode="decimal"
                id=format!("i{inst}")
                aria-labelledby=ctx.labelledby.clone()
                aria-describedby=ctx.describedby.clone()
                aria-invalid=move || ctx.invalid.get().then_some("true")
                aria-required=ctx.def.required.then_some("true")
                readonly=d.read_only
                prop:value=move || number_text.get()
                on:input=on_input
            />
            {unit_view}
        </div>
    }
    .into_any()
}

/// A photo the picture pipeline handles: a raster image, where the item accepts JPEG.
fn is_photo(content_type: &str, accepted: &[String]) -> bool {
    let photo = content_type.starts_with("image/") && !matches!(content_type, "image/svg+xml" | "image/gif");
    let jpeg_ok = accepted.is_empty() || accepted.iter().any(|m| m == "image/jpeg" || m == "image/*");
    photo && jpeg_ok
}

/// Files larger than this are never read into memory: the chat's limit for a picture, so one
/// limit holds wherever a file is picked (pictures get their own pipeline).
const MAX_READ_BYTES: f64 = ingang_api::pictures::MAX_SOURCE_BYTES as f64;

/// The largest file the user may pick for an attachment item, as the hint states it: a photo is
/// shrunk before it is stored, so an item that takes only photos takes what the chat takes; any
/// other file is held to the item's `maxSize` (and never more than is read into memory).
pub fn pick_limit(d: &ingang_questionnaire::Def) -> f64 {
    let photos_only = !d.mime_types.is_empty() && d.mime_types.iter().all(|m| is_photo(m, &d.mime_types));
    if photos_only { MAX_READ_BYTES } else { d.max_size.unwrap_or(MAX_READ_BYTES).min(MAX_READ_BYTES) }
}

fn attachment(ctx: Ctx, inst: NodeId) -> AnyView {
    let i18n = use_i18n();
    let value = current(&ctx, inst);
    let d = ctx.def.clone();
    let accept = (!d.mime_types.is_empty()).then(|| d.mime_types.join(","));
    let on_change = {
        let ctx = ctx.clone();
        let d = d.clone();
        move |ev: leptos::ev::Event| {
            let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            let size = file.size();
            if is_photo(&file.type_(), &d.mime_types) {
                // a photo goes through the picture pipeline: oriented, scaled, re-encoded as
                // JPEG without metadata (no GPS position in the answer), then checked
                let ctx = ctx.clone();
                let d = d.clone();
                input.set_value("");
                leptos::task::spawn_local(async move {
                    let limits = ingang_api::pictures::PictureLimits::default();
                    let prepared = crate::photo::prepare(&file, &limits).await;
                    let (value, error) = match prepared {
                        Ok(p) => {
                            let stem = file.name().rsplit_once('.').map(|(s, _)| s.to_owned()).unwrap_or(file.name());
                            let v = Value::Attachment(Attachment {
                                content_type: Some("image/jpeg".into()),
                                size: Some(p.jpeg.len() as u64),
                                data: Some(base64_encode(&p.jpeg)),
                                title: Some(format!("{stem}.jpg")),
                                ..Default::default()
                            });
                            match ingang_questionnaire::validate::check_value(&d, &v, None).into_iter().next() {
                                Some(e) => (None, Some(e)),
                                None => (Some(v), None),
                            }
                        }
                        Err(ingang_api::pictures::PictureProblem::TooLarge) => {
                            (None, Some(ValidationError::MaxSize(limits.max_source_bytes as f64)))
                        }
                        // not a picture after all: the item's own checks say why, else its type
                        Err(_) => {
                            let meta = Value::Attachment(Attachment {
                                content_type: Some(file.type_()),
                                size: Some(file.size() as u64),
                                title: Some(file.name()),
                                ..Default::default()
                            });
                            let first = ingang_questionnaire::validate::check_value(&d, &meta, None).into_iter().next();
                            (None, Some(first.unwrap_or(ValidationError::WrongType)))
                        }
                    };
                    ctx.handle.set_parse_error(inst, error);
                    set(&ctx, inst, value);
                    ctx.handle.touch(ctx.item);
                });
                return;
            }
            let limit = pick_limit(&d);
            let meta = Value::Attachment(Attachment {
                content_type: Some(file.type_()),
                size: Some(size as u64),
                title: Some(file.name()),
                ..Default::default()
            });
            // Check size and type before reading: a 50 MB file is refused without loading it.
            let problems = ingang_questionnaire::validate::check_value(&d, &meta, None);
            if size > limit || !problems.is_empty() {
                let err = problems.into_iter().next().unwrap_or(ValidationError::MaxSize(limit));
                ctx.handle.set_parse_error(inst, Some(err));
                set(&ctx, inst, None);
                ctx.handle.touch(ctx.item);
                input.set_value("");
                return;
            }
            let ctx = ctx.clone();
            leptos::task::spawn_local(async move {
                match browser::read_file(&file).await {
                    Ok(bytes) => {
                        ctx.handle.set_parse_error(inst, None);
                        let v = Value::Attachment(Attachment {
                            content_type: Some(file.type_()),
                            data: Some(base64_encode(&bytes)),
                            size: Some(bytes.len() as u64),
                            title: Some(file.name()),
                            ..Default::default()
                        });
                        set(&ctx, inst, Some(v));
                    }
                    Err(_) => {
                        ctx.handle.set_parse_error(inst, Some(ValidationError::WrongType));
                        set(&ctx, inst, None);
                    }
                }
            });
        }
    };
    let edited = ctx.handle.sig(ctx.item).edited;
    let chosen = {
        let ctx = ctx.clone();
        move || {
            let ctx = ctx.clone();
            edited.track();
            value().and_then(|v| match v {
                Value::Attachment(a) => {
                    let name = a.title.clone().unwrap_or_default();
                    let size = a.size.map(|s| format!(" ({} kB)", s.div_ceil(1024))).unwrap_or_default();
                    let label = i18n.t().questionnaire_file_remove.replace("{name}", &name);
                    Some(view! {
                        <p class="q-file">
                            <span>{name.clone()}{size}</span>
                            " "
                            <button type="button" class="button button--small button--secondary" aria-label=label on:click=move |_| set(&ctx, inst, None)>
                                {move || i18n.t().questionnaire_remove}
                            </button>
                        </p>
                    })
                }
                _ => None,
            })
        }
    };
    view! {
        <input
            class="q-file-input"
            type="file"
            id=format!("i{inst}")
            accept=accept
            aria-labelledby=ctx.labelledby.clone()
            aria-describedby=ctx.describedby.clone()
            aria-invalid=move || ctx.invalid.get().then_some("true")
            aria-required=ctx.def.required.then_some("true")
            disabled=d.read_only
            on:change=on_change
        />
        {chosen}
    }
    .into_any()
}

fn computed(ctx: Ctx, inst: NodeId) -> AnyView {
    let i18n = use_i18n();
    let value = current(&ctx, inst);
    view! {
        <output class="q-computed" id=format!("i{inst}") aria-describedby=ctx.describedby.clone()>
            {move || value().map(|v| input::format(&v, i18n.locale().code())).unwrap_or_else(|| "–".into())}
        </output>
        <p class="q-note">{move || i18n.t().questionnaire_expression_note}</p>
    }
    .into_any()
}

/// Check boxes for a repeating choice: one per option, plus "Annat" for open-choice.
pub fn checkboxes(ctx: Ctx) -> AnyView {
    let i18n = use_i18n();
    let handle = ctx.handle;
    let item = ctx.item;
    let version = handle.sig(item).version;
    let d = ctx.def.clone();
    let values = {
        let version = version.clone();
        move || {
            version.track();
            handle.with(|f| f.values(item).into_iter().cloned().collect::<Vec<_>>())
        }
    };
    let options = (0..d.choices.len())
        .map(|k| {
            let d = d.clone();
            let label_d = d.clone();
            let check_d = d.clone();
            let values = values.clone();
            view! {
                <div class="q-option">
                    <input
                        type="checkbox"
                        id=format!("q{item}-{k}")
                        disabled=d.read_only
                        prop:checked=move || values().iter().any(|v| v.same_as(&check_d.choices[k].value))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            let v = d.choices[k].value.clone();
                            handle.edit(item, |f| f.toggle(item, &v, on));
                        }
                    />
                    <label for=format!("q{item}-{k}")>{move || option_label(&label_d, k, i18n.locale().code())}</label>
                </div>
            }
        })
        .collect_view();
    let other = (d.kind == ItemType::OpenChoice).then(|| {
        let d2 = d.clone();
        let initial = values().into_iter().find(|v| d2.choice_for(v).is_none()).map(|v| v.display());
        let other_on = RwSignal::new(initial.is_some());
        let text = RwSignal::new(initial.unwrap_or_default());
        view! {
            <div class="q-option">
                <input
                    type="checkbox"
                    id=format!("q{item}-other")
                    prop:checked=move || other_on.get()
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        other_on.set(on);
                        let t = if on { Some(text.get_untracked()) } else { None };
                        handle.edit(item, |f| f.set_other(item, t));
                    }
                />
                <label for=format!("q{item}-other")>{move || i18n.t().questionnaire_other}</label>
            </div>
            <Show when=move || other_on.get()>
                <label class="q-other-label" for=format!("q{item}-other-text")>
                    {move || i18n.t().questionnaire_other_specify}
                </label>
                <input
                    class="q-input"
                    type="text"
                    id=format!("q{item}-other-text")
                    prop:value=move || text.get()
                    on:input=move |ev| {
                        let t = event_target_value(&ev);
                        text.set(t.clone());
                        handle.edit(item, |f| f.set_other(item, Some(t)));
                    }
                />
            </Show>
        }
    });
    view! { <div class=if d.horizontal { "q-options q-options--row" } else { "q-options" }>{options}{other}</div> }
        .into_any()
}

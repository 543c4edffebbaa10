//! What the engine reads from a questionnaire item: its control, constraints, options and texts.
//! Built once per item when a form is created ([`Def::build`]), so per-keystroke work never
//! re-parses extensions.

use crate::model::{Coding, Extension, Item, ItemType, Json, Questionnaire, element_extensions};
use crate::value::Value;

/// Extension URLs the engine understands.
pub mod url {
    pub const ITEM_CONTROL: &str = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl";
    pub const HIDDEN: &str = "http://hl7.org/fhir/StructureDefinition/questionnaire-hidden";
    pub const MIN_OCCURS: &str = "http://hl7.org/fhir/StructureDefinition/questionnaire-minOccurs";
    pub const MAX_OCCURS: &str = "http://hl7.org/fhir/StructureDefinition/questionnaire-maxOccurs";
    pub const MIN_LENGTH: &str = "http://hl7.org/fhir/StructureDefinition/minLength";
    pub const MIN_VALUE: &str = "http://hl7.org/fhir/StructureDefinition/minValue";
    pub const MAX_VALUE: &str = "http://hl7.org/fhir/StructureDefinition/maxValue";
    pub const REGEX: &str = "http://hl7.org/fhir/StructureDefinition/regex";
    pub const MAX_DECIMAL_PLACES: &str = "http://hl7.org/fhir/StructureDefinition/maxDecimalPlaces";
    pub const MAX_SIZE: &str = "http://hl7.org/fhir/StructureDefinition/maxSize";
    pub const MIME_TYPE: &str = "http://hl7.org/fhir/StructureDefinition/mimeType";
    pub const UNIT: &str = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit";
    pub const UNIT_OPTION: &str = "http://hl7.org/fhir/StructureDefinition/questionnaire-unitOption";
    pub const ORDINAL_VALUE: &str = "http://hl7.org/fhir/StructureDefinition/ordinalValue";
    pub const ITEM_WEIGHT: &str = "http://hl7.org/fhir/StructureDefinition/itemWeight";
    pub const OPTION_PREFIX: &str = "http://hl7.org/fhir/StructureDefinition/questionnaire-optionPrefix";
    pub const TRANSLATION: &str = "http://hl7.org/fhir/StructureDefinition/translation";
    pub const MARKDOWN: &str = "http://hl7.org/fhir/StructureDefinition/rendering-markdown";
    pub const XHTML: &str = "http://hl7.org/fhir/StructureDefinition/rendering-xhtml";
    pub const STYLE: &str = "http://hl7.org/fhir/StructureDefinition/rendering-style";
    pub const ENTRY_FORMAT: &str = "http://hl7.org/fhir/StructureDefinition/entryFormat";
    pub const SLIDER_STEP: &str = "http://hl7.org/fhir/StructureDefinition/questionnaire-sliderStepValue";
    pub const CHOICE_ORIENTATION: &str = "http://hl7.org/fhir/StructureDefinition/questionnaire-choiceOrientation";
    pub const DISPLAY_CATEGORY: &str = "http://hl7.org/fhir/StructureDefinition/questionnaire-displayCategory";
    pub const SHORT_TEXT: &str = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-shortText";
    /// Ingång's own: an urgency marker on an answerOption (see README, "Urgency extension").
    pub const URGENCY: &str = "https://ingang.se/fhir/StructureDefinition/answer-urgency";

    /// SDC features that need an expression engine. Those the engine does not evaluate (another
    /// language, or not implemented) are listed, and an item whose value or options they decide
    /// is shown read-only.
    pub const FHIRPATH: [(&str, &str); 10] = [
        ("http://hl7.org/fhir/StructureDefinition/variable", "variable"),
        (
            "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression",
            "calculatedExpression",
        ),
        (
            "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression",
            "enableWhenExpression",
        ),
        ("http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-initialExpression", "initialExpression"),
        ("http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-answerExpression", "answerExpression"),
        ("http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-candidateExpression", "candidateExpression"),
        ("http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-contextExpression", "contextExpression"),
        ("http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-launchContext", "launchContext"),
        (
            "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-itemPopulationContext",
            "itemPopulationContext",
        ),
        (
            "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-answerOptionsToggleExpression",
            "answerOptionsToggleExpression",
        ),
    ];

    /// Extensions that are understood (used, or safely irrelevant to a patient-facing renderer).
    pub const KNOWN: [&str; 26] = [
        ITEM_CONTROL,
        HIDDEN,
        MIN_OCCURS,
        MAX_OCCURS,
        MIN_LENGTH,
        MIN_VALUE,
        MAX_VALUE,
        REGEX,
        MAX_DECIMAL_PLACES,
        MAX_SIZE,
        MIME_TYPE,
        UNIT,
        UNIT_OPTION,
        ORDINAL_VALUE,
        ITEM_WEIGHT,
        OPTION_PREFIX,
        TRANSLATION,
        MARKDOWN,
        XHTML,
        STYLE,
        ENTRY_FORMAT,
        SLIDER_STEP,
        CHOICE_ORIENTATION,
        DISPLAY_CATEGORY,
        SHORT_TEXT,
        URGENCY,
    ];
}

/// itemControl codes the renderer implements.
pub const SUPPORTED_CONTROLS: [&str; 13] = [
    "page",
    "radio-button",
    "check-box",
    "drop-down",
    "autocomplete",
    "slider",
    "help",
    "flyover",
    "prompt",
    "text-box",
    "spinner",
    "list",
    "legend",
];

/// How urgent an answer option is (Ingång's urgency extension).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Urgency {
    /// Advise calling 1177, let the user continue.
    Urgent,
    /// Stop the flow: call 112.
    Emergency,
}

/// One selectable answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub value: Value,
    /// Extensions of the option and of its coding's `_display` (for translations).
    display_ext: Vec<Extension>,
    pub weight: Option<f64>,
    pub prefix: Option<String>,
    pub initial_selected: bool,
    pub urgency: Option<Urgency>,
}

impl Choice {
    /// An option made from a value (an `answerExpression`'s result): labelled by its display.
    pub fn of(value: Value) -> Choice {
        Choice { value, display_ext: Vec::new(), weight: None, prefix: None, initial_selected: false, urgency: None }
    }

    /// The option's label in `lang` (translation extension, else display, else code).
    pub fn label(&self, lang: &str) -> String {
        translated(&self.display_ext, lang).unwrap_or_else(|| self.value.display())
    }
}

/// Index of an item definition in [`crate::Form`].
pub type DefId = usize;

/// An item definition, analysed.
#[derive(Debug, Clone)]
pub struct Def {
    pub link_id: String,
    pub kind: ItemType,
    /// The item as written, without its child items.
    pub item: Item,
    pub parent: Option<DefId>,
    /// Child definitions that hold answers or render as content (not help texts).
    pub children: Vec<DefId>,
    /// Display children that are help for this item (itemControl help/flyover/prompt/legend).
    pub help: Vec<DefId>,
    pub control: Option<String>,
    pub repeats: bool,
    pub required: bool,
    pub read_only: bool,
    pub hidden: bool,
    pub choices: Vec<Choice>,
    /// Options come from a value set the engine cannot read (e.g. a terminology server).
    pub external_value_set: bool,
    pub min_occurs: Option<u32>,
    pub max_occurs: Option<u32>,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub min_value: Option<Value>,
    pub max_value: Option<Value>,
    pub regex: Option<String>,
    pub max_decimal_places: Option<usize>,
    pub max_size: Option<f64>,
    pub mime_types: Vec<String>,
    pub unit: Option<Coding>,
    pub unit_options: Vec<Coding>,
    pub slider_step: Option<f64>,
    pub entry_format: Option<String>,
    /// Translations of the entry format (`_valueString` of the extension).
    entry_format_ext: Vec<Extension>,
    /// Translations of the unit's display (`valueCoding._display` of `questionnaire-unit`).
    unit_ext: Vec<Extension>,
    pub horizontal: bool,
    /// The FHIRPath feature that drives this item's value and is not evaluated
    /// (answerExpression): the item is read-only.
    pub expression: Option<&'static str>,
    /// The item carries an enableWhenExpression.
    pub enable_when_expression: bool,
    /// The SDC expressions the engine evaluates for this item ([`crate::expressions`]).
    pub sdc: Option<Box<crate::expressions::Compiled>>,
}

/// The `extension` list of a primitive's JSON element (`_valueString`, `_display`).
fn nested_extensions(element: Option<&Json>) -> Vec<Extension> {
    element.and_then(|e| e.get("extension")).and_then(|e| serde_json::from_value(e.clone()).ok()).unwrap_or_default()
}

fn find<'a>(exts: &'a [Extension], url: &str) -> Option<&'a Extension> {
    exts.iter().find(|e| e.url == url)
}

fn codeable_code(ext: &Extension) -> Option<String> {
    ext.raw("valueCodeableConcept")?
        .get("coding")?
        .as_array()?
        .iter()
        .find_map(|c| c.get("code")?.as_str())
        .map(Into::into)
}

fn int_of(ext: Option<&Extension>) -> Option<i64> {
    match ext?.value()? {
        Value::Integer(i) => Some(i),
        Value::Decimal(d) => Some(d as i64),
        _ => None,
    }
}

/// The `translation` extension content for `lang` ("sv" matches "sv-SE").
pub fn translated(exts: &[Extension], lang: &str) -> Option<String> {
    exts.iter().filter(|e| e.url == url::TRANSLATION).find_map(|e| {
        let l = e.nested_string("lang")?;
        let primary = l.split('-').next().unwrap_or(&l).to_ascii_lowercase();
        (primary == lang).then(|| e.nested_string("content")).flatten()
    })
}

fn weight_of(exts: &[Extension]) -> Option<f64> {
    [url::ITEM_WEIGHT, url::ORDINAL_VALUE].iter().find_map(|u| match find(exts, u)?.value()? {
        Value::Decimal(d) => Some(d),
        Value::Integer(i) => Some(i as f64),
        _ => None,
    })
}

fn urgency_of(exts: &[Extension]) -> Option<Urgency> {
    match find(exts, url::URGENCY)?.string_value()? {
        "emergency" => Some(Urgency::Emergency),
        "urgent" => Some(Urgency::Urgent),
        _ => None,
    }
}

/// Options of a contained ValueSet (`#id`): its expansion when present, else its compose.
fn value_set_choices(q: &Questionnaire, reference: &str) -> Option<Vec<Choice>> {
    let id = reference.strip_prefix('#')?;
    let vs = q.contained.iter().find(|r| {
        r.get("resourceType").and_then(Json::as_str) == Some("ValueSet")
            && r.get("id").and_then(Json::as_str) == Some(id)
    })?;
    let mut out = Vec::new();
    fn walk(contains: &[Json], out: &mut Vec<Choice>) {
        for c in contains {
            if c.get("code").is_some() {
                out.push(concept_choice(c, c.get("system").and_then(Json::as_str)));
            }
            if let Some(more) = c.get("contains").and_then(Json::as_array) {
                walk(more, out);
            }
        }
    }
    if let Some(contains) = vs.pointer("/expansion/contains").and_then(Json::as_array) {
        walk(contains, &mut out);
    } else if let Some(includes) = vs.pointer("/compose/include").and_then(Json::as_array) {
        for inc in includes {
            let system = inc.get("system").and_then(Json::as_str);
            for c in inc.get("concept").and_then(Json::as_array).into_iter().flatten() {
                out.push(concept_choice(c, system));
            }
        }
    }
    Some(out)
}

fn concept_choice(c: &Json, system: Option<&str>) -> Choice {
    let exts: Vec<Extension> =
        c.get("extension").and_then(|e| serde_json::from_value(e.clone()).ok()).unwrap_or_default();
    let coding = Coding {
        system: system.map(Into::into),
        code: c.get("code").and_then(Json::as_str).map(Into::into),
        display: c.get("display").and_then(Json::as_str).map(Into::into),
        ..Default::default()
    };
    let mut display_ext = exts.clone();
    if let Some(d) = c
        .get("_display")
        .and_then(|d| d.get("extension"))
        .and_then(|e| serde_json::from_value::<Vec<Extension>>(e.clone()).ok())
    {
        display_ext.extend(d);
    }
    Choice {
        value: Value::Coding(coding),
        display_ext,
        weight: weight_of(&exts),
        prefix: None,
        initial_selected: false,
        urgency: urgency_of(&exts),
    }
}

/// Features a form uses that the engine does not implement, with the items that use them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported {
    /// A short name (`calculatedExpression`, `itemControl:step`) or an extension URL.
    pub feature: String,
    pub link_ids: Vec<String>,
}

pub(crate) fn note_unsupported(list: &mut Vec<Unsupported>, feature: &str, link_id: Option<&str>) {
    let entry = match list.iter_mut().find(|u| u.feature == feature) {
        Some(e) => e,
        None => {
            list.push(Unsupported { feature: feature.to_owned(), link_ids: Vec::new() });
            list.last_mut().expect("just pushed")
        }
    };
    if let Some(id) = link_id
        && !entry.link_ids.iter().any(|l| l == id)
    {
        entry.link_ids.push(id.to_owned());
    }
}

/// Checks a list of extensions against what the engine knows.
pub(crate) fn check_extensions(exts: &[Extension], link_id: Option<&str>, out: &mut Vec<Unsupported>) {
    for e in exts {
        if crate::expressions::evaluated(e) {
            // evaluated by the engine (a syntax error is listed by `expressions::compile`)
        } else if let Some((_, name)) = url::FHIRPATH.iter().find(|(u, _)| *u == e.url) {
            note_unsupported(out, name, link_id);
        } else if !url::KNOWN.contains(&e.url.as_str()) {
            note_unsupported(out, &e.url, link_id);
        }
    }
}

impl Def {
    pub(crate) fn build(
        q: &Questionnaire,
        item: &Item,
        parent: Option<DefId>,
        unsupported: &mut Vec<Unsupported>,
    ) -> Def {
        let exts = &item.extension;
        let lid = Some(item.link_id.as_str());
        check_extensions(exts, lid, unsupported);
        for (k, v) in &item.extra {
            if k.starts_with('_')
                && let Some(e) =
                    v.get("extension").and_then(|e| serde_json::from_value::<Vec<Extension>>(e.clone()).ok())
            {
                check_extensions(&e, lid, unsupported);
            }
        }
        let control = find(exts, url::ITEM_CONTROL).and_then(codeable_code);
        if let Some(c) = &control
            && !SUPPORTED_CONTROLS.contains(&c.as_str())
        {
            note_unsupported(unsupported, &format!("itemControl:{c}"), lid);
        }
        if let ItemType::Other(t) = &item.kind {
            note_unsupported(unsupported, &format!("type:{t}"), lid);
        }
        let sdc = crate::expressions::compile(exts, &element_extensions(&item.extra, "text"), lid, unsupported);
        // an expression that is not evaluated (answerExpression, or one that did not parse)
        // leaves the item read-only
        let expression = url::FHIRPATH
            .iter()
            .filter(|(_, n)| matches!(*n, "calculatedExpression" | "initialExpression" | "answerExpression"))
            .find(|(u, _)| find(exts, u).is_some_and(|e| !crate::expressions::evaluated(e)))
            .map(|(_, n)| *n);
        let enable_when_expression = find(exts, url::FHIRPATH[2].0).is_some();

        let mut external_value_set = false;
        let mut choices: Vec<Choice> = item
            .answer_option
            .iter()
            .filter_map(|o| {
                let value = o.value.clone()?;
                let mut display_ext = o.extension.clone();
                let mut weight = weight_of(&o.extension);
                let mut urgency = urgency_of(&o.extension);
                if let Value::Coding(c) = &value {
                    let cext = c.extensions();
                    weight = weight.or_else(|| weight_of(&cext));
                    urgency = urgency.or_else(|| urgency_of(&cext));
                    display_ext.extend(element_extensions(&c.extra, "display"));
                }
                if let Value::String(_) = &value {
                    display_ext.extend(element_extensions(&o.extra, "valueString"));
                }
                Some(Choice {
                    value,
                    display_ext,
                    weight,
                    prefix: find(&o.extension, url::OPTION_PREFIX).and_then(|e| e.string_value().map(Into::into)),
                    initial_selected: o.initial_selected.unwrap_or(false),
                    urgency,
                })
            })
            .collect();
        if choices.is_empty()
            && let Some(vs) = &item.answer_value_set
        {
            match value_set_choices(q, vs) {
                Some(c) => choices = c,
                None => {
                    external_value_set = true;
                    note_unsupported(unsupported, "answerValueSet (external)", lid);
                }
            }
        }
        let value_of = |u: &str| find(exts, u).and_then(Extension::value);
        let coding_of =
            |e: &Extension| e.raw("valueCoding").and_then(|c| serde_json::from_value::<Coding>(c.clone()).ok());
        Def {
            link_id: item.link_id.clone(),
            kind: item.kind.clone(),
            item: Item { item: Vec::new(), ..item.clone() },
            parent,
            children: Vec::new(),
            help: Vec::new(),
            repeats: item.repeats.unwrap_or(false),
            required: item.required.unwrap_or(false),
            read_only: item.read_only.unwrap_or(false) || expression.is_some(),
            hidden: find(exts, url::HIDDEN)
                .and_then(|e| e.raw("valueBoolean"))
                .and_then(Json::as_bool)
                .unwrap_or(false),
            choices,
            external_value_set,
            min_occurs: int_of(find(exts, url::MIN_OCCURS)).map(|i| i.max(0) as u32),
            max_occurs: int_of(find(exts, url::MAX_OCCURS)).map(|i| i.max(0) as u32),
            min_length: int_of(find(exts, url::MIN_LENGTH)).map(|i| i.max(0) as usize),
            max_length: item.max_length.map(|i| i.max(0) as usize),
            min_value: value_of(url::MIN_VALUE),
            max_value: value_of(url::MAX_VALUE),
            regex: find(exts, url::REGEX).and_then(|e| e.string_value().map(Into::into)),
            max_decimal_places: int_of(find(exts, url::MAX_DECIMAL_PLACES)).map(|i| i.max(0) as usize),
            max_size: match value_of(url::MAX_SIZE) {
                Some(Value::Decimal(d)) => Some(d),
                Some(Value::Integer(i)) => Some(i as f64),
                _ => None,
            },
            mime_types: exts
                .iter()
                .filter(|e| e.url == url::MIME_TYPE)
                .filter_map(|e| e.string_value().map(Into::into))
                .collect(),
            unit: find(exts, url::UNIT).and_then(coding_of),
            unit_options: exts.iter().filter(|e| e.url == url::UNIT_OPTION).filter_map(coding_of).collect(),
            slider_step: match value_of(url::SLIDER_STEP) {
                Some(Value::Integer(i)) => Some(i as f64),
                Some(Value::Decimal(d)) => Some(d),
                _ => None,
            },
            entry_format: find(exts, url::ENTRY_FORMAT).and_then(|e| e.string_value().map(Into::into)),
            entry_format_ext: find(exts, url::ENTRY_FORMAT)
                .map(|e| nested_extensions(e.raw("_valueString")))
                .unwrap_or_default(),
            unit_ext: find(exts, url::UNIT)
                .map(|e| nested_extensions(e.raw("valueCoding").and_then(|c| c.get("_display"))))
                .unwrap_or_default(),
            horizontal: find(exts, url::CHOICE_ORIENTATION).and_then(|e| e.string_value()) == Some("horizontal"),
            control,
            expression,
            enable_when_expression,
            sdc: (!sdc.is_empty()).then(|| Box::new(sdc)),
        }
    }

    /// The item text in `lang`: the translation extension when it has one, else `text`.
    /// Does the item's text have a translation to `lang`?
    pub fn has_translation(&self, lang: &str) -> bool {
        translated(&element_extensions(&self.item.extra, "text"), lang).is_some()
    }

    pub fn text(&self, lang: &str) -> String {
        translated(&element_extensions(&self.item.extra, "text"), lang)
            .or_else(|| self.item.text.clone())
            .unwrap_or_default()
    }

    /// The entry format hint ("t.ex. 38,5") in `lang`: its translation, else as written.
    pub fn entry_format_in(&self, lang: &str) -> Option<String> {
        let own = self.entry_format.as_ref()?;
        Some(translated(&self.entry_format_ext, lang).unwrap_or_else(|| own.clone()))
    }

    /// The unit's label ("år") in `lang`: its translation, else its display, else its code.
    pub fn unit_label(&self, lang: &str) -> Option<String> {
        let unit = self.unit.as_ref()?;
        translated(&self.unit_ext, lang).or_else(|| unit.display.clone()).or_else(|| unit.code.clone())
    }

    /// Rich text (rendering-xhtml, else rendering-markdown), sanitised; `None` for plain text.
    pub fn rich_text(&self, lang: &str) -> Option<crate::text::RichText> {
        let exts = element_extensions(&self.item.extra, "text");
        // A translation is plain text and wins over rich text in another language.
        if lang != "sv" && translated(&exts, lang).is_some() {
            return None;
        }
        if let Some(x) = find(&exts, url::XHTML).and_then(Extension::string_value) {
            return Some(crate::text::from_xhtml(x));
        }
        find(&exts, url::MARKDOWN).and_then(Extension::string_value).map(crate::text::from_markdown)
    }

    pub fn prefix(&self, lang: &str) -> Option<String> {
        translated(&element_extensions(&self.item.extra, "prefix"), lang).or_else(|| self.item.prefix.clone())
    }

    /// A question (carries answers).
    pub fn is_question(&self) -> bool {
        self.kind.is_question()
    }

    /// Answers are chosen from options, one instance per chosen option (check boxes).
    pub fn is_multi_select(&self) -> bool {
        self.repeats && matches!(self.kind, ItemType::Choice | ItemType::OpenChoice) && self.has_options()
    }

    /// A choice question answered from options: written ones, or an `answerExpression`'s
    /// (which may be none at the moment).
    pub fn has_options(&self) -> bool {
        !self.choices.is_empty() || self.options_computed()
    }

    /// The options come from an `answerExpression`.
    pub fn options_computed(&self) -> bool {
        self.sdc.as_ref().is_some_and(|x| x.answer.is_some())
    }

    /// The item carries `targetConstraint`s.
    pub fn has_constraints(&self) -> bool {
        self.sdc.as_ref().is_some_and(|x| !x.constraints.is_empty())
    }

    /// Help shown as a control (display item with itemControl help/flyover/prompt/legend).
    pub(crate) fn is_help_display(&self) -> bool {
        self.kind == ItemType::Display
            && matches!(self.control.as_deref(), Some("help" | "flyover" | "prompt" | "legend"))
    }

    /// A choice option matching `value`.
    pub fn choice_for(&self, value: &Value) -> Option<&Choice> {
        self.choices.iter().find(|c| c.value.same_as(value))
    }

    /// The item is a page of a paged form.
    pub fn is_page(&self) -> bool {
        self.kind == ItemType::Group && matches!(self.control.as_deref(), Some("page"))
    }
}

//! The SDC expressions the engine evaluates with [`crate::fhirpath`]: `variable` (on the
//! questionnaire and on items, visible to the item and everything under it; on a repeating
//! group, one value per repetition), `calculatedExpression`, `initialExpression` and
//! `enableWhenExpression`. They are parsed once, when the form is built; a syntax error is
//! listed among the form's unsupported features. What an evaluation cannot do (a function not
//! implemented, a cycle) becomes a note ([`crate::Form::expression_notes`]), never a panic or a
//! frozen page.

use crate::{
    def::{Unsupported, note_unsupported},
    model::Extension,
    value::Value,
};

pub const VARIABLE: &str = "http://hl7.org/fhir/StructureDefinition/variable";
pub const CALCULATED: &str = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression";
pub const INITIAL: &str = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-initialExpression";
pub const ENABLE_WHEN: &str = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression";

/// The expressions of one item (or of the questionnaire: variables only), as written. They
/// are parsed by the evaluator when it is installed (so a renderer that never needs it never
/// carries the parser); a syntax error is then a note.
#[derive(Debug, Clone, Default)]
pub struct Compiled {
    pub variables: Vec<(String, String)>,
    pub calculated: Option<String>,
    pub initial: Option<String>,
    pub enable_when: Option<String>,
}

impl Compiled {
    pub fn is_empty(&self) -> bool {
        self.variables.is_empty() && self.calculated.is_none() && self.initial.is_none() && self.enable_when.is_none()
    }

    /// Every expression text.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.variables
            .iter()
            .map(|(_, t)| t.as_str())
            .chain(self.calculated.as_deref())
            .chain(self.initial.as_deref())
            .chain(self.enable_when.as_deref())
    }
}

/// `valueExpression` of an extension: its name, language and text.
fn expression_of(e: &Extension) -> Option<(Option<&str>, &str, &str)> {
    let v = e.raw("valueExpression")?;
    let language = v.get("language").and_then(serde_json::Value::as_str).unwrap_or("text/fhirpath");
    let text = v.get("expression").and_then(serde_json::Value::as_str)?;
    Some((v.get("name").and_then(serde_json::Value::as_str), language, text))
}

/// Whether an extension is one the engine evaluates (so it is not listed as unsupported).
pub fn evaluated(e: &Extension) -> bool {
    [VARIABLE, CALCULATED, INITIAL, ENABLE_WHEN].contains(&e.url.as_str())
        && expression_of(e).is_some_and(|(_, language, _)| language == "text/fhirpath")
}

/// The evaluated expressions among `exts`; another language goes to `unsupported`.
pub fn compile(exts: &[Extension], link_id: Option<&str>, unsupported: &mut Vec<Unsupported>) -> Compiled {
    let mut out = Compiled::default();
    for e in exts {
        if ![VARIABLE, CALCULATED, INITIAL, ENABLE_WHEN].contains(&e.url.as_str()) {
            continue;
        }
        let Some((name, language, text)) = expression_of(e) else { continue };
        if language != "text/fhirpath" {
            note_unsupported(unsupported, &format!("expression language {language}"), link_id);
            continue;
        }
        let text = text.to_owned();
        match e.url.as_str() {
            VARIABLE => match name {
                Some(n) => out.variables.push((n.to_owned(), text)),
                None => note_unsupported(unsupported, "variable without a name", link_id),
            },
            CALCULATED => out.calculated = Some(text),
            INITIAL => out.initial = Some(text),
            _ => out.enable_when = Some(text),
        }
    }
    out
}

/// An expression's result as answers to an item of `kind` (a whole decimal for an integer
/// item, any value as text for a string item); what does not fit is left out.
pub fn answers_for(kind: &crate::model::ItemType, result: &[crate::fhirpath::Val<'_>]) -> Vec<Value> {
    use crate::model::ItemType as T;
    result
        .iter()
        .filter_map(|v| {
            let (key, json) = crate::fhirpath::eval::to_answer(v)?;
            let value = Value::from_json(key.strip_prefix("value")?, json).ok()?;
            Some(match (kind, value) {
                (T::Decimal, Value::Integer(i)) => Value::Decimal(i as f64),
                (T::Integer, Value::Decimal(d)) if d.fract() == 0.0 && d.abs() < 9.0e15 => Value::Integer(d as i64),
                (T::Integer, v @ Value::Integer(_)) | (T::Decimal, v @ Value::Decimal(_)) => v,
                (T::String | T::Text, v) => Value::String(v.display()),
                (T::Boolean, v @ Value::Boolean(_)) => v,
                (T::Date, v @ Value::Date(_)) | (T::DateTime, v @ (Value::DateTime(_) | Value::Date(_))) => v,
                (T::Time, v @ Value::Time(_)) => v,
                (T::Choice | T::OpenChoice, v @ Value::Coding(_)) => v,
                (T::OpenChoice, Value::String(s)) => Value::String(s),
                (T::Quantity, v @ Value::Quantity(_)) => v,
                _ => return None,
            })
        })
        .collect()
}

/// [`answers_for`] as `initial` entries of a questionnaire item (`{"valueInteger": 4}`), for
/// a server that pre-populates a form.
pub fn initial_json(kind: &crate::model::ItemType, result: &[crate::fhirpath::Val<'_>]) -> Vec<serde_json::Value> {
    answers_for(kind, result)
        .into_iter()
        .map(|v| {
            let mut o = serde_json::Map::new();
            o.insert(format!("value{}", v.suffix()), v.to_json());
            serde_json::Value::Object(o)
        })
        .collect()
}

/// The evaluator a [`crate::Form`] calls on every change once installed
/// ([`crate::Form::install_expressions`]).
pub fn hook() -> crate::form::ExpressionHook {
    crate::Form::apply_expressions
}

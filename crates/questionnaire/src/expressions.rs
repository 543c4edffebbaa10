//! The SDC expressions the engine evaluates with [`crate::fhirpath`]: `variable` (on the
//! questionnaire and on items, visible to the item and everything under it; on a repeating
//! group, one value per repetition; any other expression with a `name` is one too), `calculatedExpression`, `initialExpression`,
//! `enableWhenExpression`, `answerExpression` (the options come from the expression),
//! `answerOptionsToggleExpression` (options listed in a toggle are offered only while its
//! expression is true), `cqf-expression` on an item's text, and `targetConstraint` (and the
//! older `questionnaire-constraint`) with its human message. They are parsed by the evaluator
//! when it is installed; what an evaluation cannot do (a syntax error, a function not
//! implemented, a cycle) becomes a note ([`crate::Form::expression_notes`]), never a panic or
//! a frozen page.

use crate::{
    def::{Unsupported, note_unsupported},
    model::Extension,
    value::Value,
};

pub const VARIABLE: &str = "http://hl7.org/fhir/StructureDefinition/variable";
pub const CALCULATED: &str = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression";
pub const INITIAL: &str = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-initialExpression";
pub const ENABLE_WHEN: &str = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression";
pub const ANSWER: &str = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-answerExpression";
pub const TOGGLE: &str =
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-answerOptionsToggleExpression";
/// On an element's `_text` (here: an item's text, computed).
pub const CQF: &str = "http://hl7.org/fhir/StructureDefinition/cqf-expression";
pub const TARGET_CONSTRAINT: &str = "http://hl7.org/fhir/StructureDefinition/targetConstraint";
/// The older name of the same constraint (its expression is a `valueString`).
pub const QUESTIONNAIRE_CONSTRAINT: &str = "http://hl7.org/fhir/StructureDefinition/questionnaire-constraint";

/// A `targetConstraint`: the answers must make `expression` true (an empty result is not a
/// violation: the answers it needs are not there yet).
#[derive(Debug, Clone, PartialEq)]
pub struct Constraint {
    pub key: String,
    /// `severity` error (blocks sending); a warning is shown and does not block.
    pub error: bool,
    pub expression: String,
    /// The `human` message as written (the form's language, Swedish for ours), and its
    /// translations (`translation` extensions on `_valueString`).
    pub human: String,
    pub human_ext: Vec<Extension>,
    /// For a questionnaire-level constraint: FHIRPath on the response naming the item(s) the
    /// message belongs to.
    pub location: Option<String>,
}

impl Constraint {
    /// The message in `lang`: its translation, else as written.
    pub fn message(&self, lang: &str) -> String {
        crate::def::translated(&self.human_ext, lang).unwrap_or_else(|| self.human.clone())
    }
}

/// The expressions of one item (or of the questionnaire: variables only), as written. They
/// are parsed by the evaluator when it is installed (so a renderer that never needs it never
/// carries the parser); a syntax error is then a note.
#[derive(Debug, Clone, Default)]
pub struct Compiled {
    pub variables: Vec<(String, String)>,
    pub calculated: Option<String>,
    pub initial: Option<String>,
    pub enable_when: Option<String>,
    pub answer: Option<String>,
    /// `answerOptionsToggleExpression`s: the options each one governs, and its expression.
    pub toggles: Vec<(Vec<Value>, String)>,
    /// `cqf-expression` on the item's text.
    pub text: Option<String>,
    pub constraints: Vec<Constraint>,
}

impl Compiled {
    pub fn is_empty(&self) -> bool {
        self.variables.is_empty()
            && self.calculated.is_none()
            && self.initial.is_none()
            && self.enable_when.is_none()
            && self.answer.is_none()
            && self.toggles.is_empty()
            && self.text.is_none()
            && self.constraints.is_empty()
    }

    /// Every expression text.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.variables
            .iter()
            .map(|(_, t)| t.as_str())
            .chain(self.calculated.as_deref())
            .chain(self.initial.as_deref())
            .chain(self.enable_when.as_deref())
            .chain(self.answer.as_deref())
            .chain(self.toggles.iter().map(|(_, t)| t.as_str()))
            .chain(self.text.as_deref())
            .chain(
                self.constraints
                    .iter()
                    .flat_map(|c| std::iter::once(c.expression.as_str()).chain(c.location.as_deref())),
            )
    }
}

/// `valueExpression` of an extension: its name, language and text.
fn expression_of(e: &Extension) -> Option<(Option<&str>, &str, &str)> {
    let v = e.raw("valueExpression")?;
    let language = v.get("language").and_then(serde_json::Value::as_str).unwrap_or("text/fhirpath");
    let text = v.get("expression").and_then(serde_json::Value::as_str)?;
    Some((v.get("name").and_then(serde_json::Value::as_str), language, text))
}

/// The nested `expression` of a complex extension (a toggle or a constraint): its language
/// and text (`valueString` is FHIRPath).
fn nested_expression(e: &Extension) -> Option<(String, String)> {
    let x = e.nested().into_iter().find(|n| n.url == "expression")?;
    if let Some(v) = x.raw("valueExpression") {
        let language = v.get("language").and_then(serde_json::Value::as_str).unwrap_or("text/fhirpath");
        let text = v.get("expression").and_then(serde_json::Value::as_str)?;
        return Some((language.to_owned(), text.to_owned()));
    }
    Some(("text/fhirpath".to_owned(), x.raw("valueString")?.as_str()?.to_owned()))
}

const SIMPLE: [&str; 6] = [VARIABLE, CALCULATED, INITIAL, ENABLE_WHEN, ANSWER, CQF];

/// Whether an extension is one the engine evaluates (so it is not listed as unsupported).
pub fn evaluated(e: &Extension) -> bool {
    let url = e.url.as_str();
    if SIMPLE.contains(&url) {
        expression_of(e).is_some_and(|(_, language, _)| language == "text/fhirpath")
    } else if [TOGGLE, TARGET_CONSTRAINT, QUESTIONNAIRE_CONSTRAINT].contains(&url) {
        nested_expression(e).is_some_and(|(language, _)| language == "text/fhirpath")
    } else {
        false
    }
}

fn constraint(e: &Extension, expression: String) -> Constraint {
    let nested = e.nested();
    let find = |u: &str| nested.iter().find(|n| n.url == u);
    Constraint {
        key: find("key").and_then(|k| k.string_value()).unwrap_or_default().to_owned(),
        error: find("severity").and_then(|k| k.string_value()) != Some("warning"),
        expression,
        human: find("human").and_then(|k| k.string_value()).unwrap_or_default().to_owned(),
        human_ext: find("human").map(|h| crate::model::element_extensions(&h.rest, "valueString")).unwrap_or_default(),
        location: find("location").and_then(|k| k.string_value()).map(str::to_owned),
    }
}

/// The evaluated expressions among an item's (or the questionnaire's) `exts` and its text's
/// `text_exts`; another language goes to `unsupported`.
pub fn compile(
    exts: &[Extension],
    text_exts: &[Extension],
    link_id: Option<&str>,
    unsupported: &mut Vec<Unsupported>,
) -> Compiled {
    let mut out = Compiled::default();
    let other_language = |language: &str, unsupported: &mut Vec<Unsupported>| {
        note_unsupported(unsupported, &format!("expression language {language}"), link_id);
    };
    for e in exts.iter().chain(text_exts.iter().filter(|e| e.url == CQF)) {
        let url = e.url.as_str();
        if [TOGGLE, TARGET_CONSTRAINT, QUESTIONNAIRE_CONSTRAINT].contains(&url) {
            let Some((language, text)) = nested_expression(e) else { continue };
            if language != "text/fhirpath" {
                other_language(&language, unsupported);
            } else if url == TOGGLE {
                let options = e.nested().into_iter().filter(|n| n.url == "option").filter_map(|n| n.value()).collect();
                out.toggles.push((options, text));
            } else {
                out.constraints.push(constraint(e, text));
            }
            continue;
        }
        if !SIMPLE.contains(&url) {
            continue;
        }
        let Some((name, language, text)) = expression_of(e) else { continue };
        if language != "text/fhirpath" {
            other_language(language, unsupported);
            continue;
        }
        let text = text.to_owned();
        // a named expression is also a variable, seen by its item and everything under it
        // (SDC's named expressions; LHC-Forms' `named-expressions` test form)
        if url != VARIABLE
            && let Some(n) = name
        {
            out.variables.push((n.to_owned(), text.clone()));
        }
        match url {
            VARIABLE => match name {
                Some(n) => out.variables.push((n.to_owned(), text)),
                None => note_unsupported(unsupported, "variable without a name", link_id),
            },
            CALCULATED => out.calculated = Some(text),
            INITIAL => out.initial = Some(text),
            ANSWER => out.answer = Some(text),
            CQF => out.text = Some(text),
            _ => out.enable_when = Some(text),
        }
    }
    out
}

/// An expression's result as answer options (`answerExpression`): every value an answer can
/// hold.
pub fn options_of(result: &[crate::fhirpath::Val<'_>]) -> Vec<Value> {
    result
        .iter()
        .filter_map(|v| {
            let (key, json) = crate::fhirpath::eval::to_answer(v)?;
            Value::from_json(key.strip_prefix("value")?, json).ok()
        })
        .collect()
}

/// An expression's result as text (`cqf-expression` on an item's text): its values joined.
pub fn text_of(result: &[crate::fhirpath::Val<'_>]) -> Option<String> {
    let parts: Vec<String> =
        answers_for(&crate::model::ItemType::String, result).into_iter().map(|v| v.display()).collect();
    (!parts.is_empty()).then(|| parts.join(", "))
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

//! Serde types for the parts of FHIR R4 `Questionnaire` and `QuestionnaireResponse` the engine uses.
//!
//! Every struct keeps the fields it does not know in `extra` (`#[serde(flatten)]`), so a resource
//! read and written again loses nothing: ids, meta, `_text` primitive extensions, vendor fields.
//! Polymorphic `value[x]` / `answer[x]` / `initial[x]` fields are read into [`Value`].

use serde::{Deserialize, Serialize};

use crate::value::{Value, put_value, take_value, take_value_lenient};

pub type Json = serde_json::Value;
pub type Object = serde_json::Map<String, Json>;

fn is_false(b: &Option<bool>) -> bool {
    b.is_none()
}

/// Booleans as real-world forms write them: `true`, or the string `"true"` (seen in LHC-Forms'
/// own test data). Written back as a JSON boolean.
fn lenient_bool<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    match Option::<Json>::deserialize(d)? {
        None | Some(Json::Null) => Ok(None),
        Some(Json::Bool(b)) => Ok(Some(b)),
        Some(Json::String(s)) if s == "true" => Ok(Some(true)),
        Some(Json::String(s)) if s == "false" => Ok(Some(false)),
        Some(other) => Err(serde::de::Error::custom(format!("expected a boolean, got {other}"))),
    }
}

/// A FHIR extension: `url` plus a `value[x]` or nested `extension`s (kept as raw JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Extension {
    pub url: String,
    #[serde(flatten)]
    pub rest: Object,
}

impl Extension {
    /// The raw JSON of `value<suffix>`, e.g. `value("String")`.
    pub fn raw(&self, key: &str) -> Option<&Json> {
        self.rest.get(key)
    }

    /// The `value[x]` of this extension, whatever its type.
    pub fn value(&self) -> Option<Value> {
        let mut copy = self.rest.clone();
        take_value(&mut copy, "value").ok().flatten()
    }

    /// Any string-like `value[x]` (`valueString`, `valueCode`, `valueMarkdown`, `valueUri`, ...).
    pub fn string_value(&self) -> Option<&str> {
        self.rest.iter().find(|(k, v)| k.starts_with("value") && v.is_string()).and_then(|(_, v)| v.as_str())
    }

    /// Nested extensions (complex extensions such as `translation`).
    pub fn nested(&self) -> Vec<Extension> {
        self.rest
            .get("extension")
            .and_then(|v| serde_json::from_value::<Vec<Extension>>(v.clone()).ok())
            .unwrap_or_default()
    }

    /// The first nested extension's string value with this `url`.
    pub fn nested_string(&self, url: &str) -> Option<String> {
        self.nested().into_iter().find(|e| e.url == url).and_then(|e| e.string_value().map(str::to_owned))
    }
}

/// Reads the `extension` array of a primitive element such as `_text` from an object's extra fields.
pub fn element_extensions(extra: &Object, element: &str) -> Vec<Extension> {
    extra
        .get(&format!("_{element}"))
        .and_then(|e| e.get("extension"))
        .and_then(|v| serde_json::from_value::<Vec<Extension>>(v.clone()).ok())
        .unwrap_or_default()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Coding {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
    #[serde(flatten)]
    pub extra: Object,
}

impl Coding {
    /// FHIR coding equality: same code and, when both name one, the same system.
    /// Codings without a code compare by display text.
    pub fn matches(&self, other: &Coding) -> bool {
        match (&self.code, &other.code) {
            (Some(a), Some(b)) => {
                a == b
                    && match (&self.system, &other.system) {
                        (Some(x), Some(y)) => x == y,
                        _ => true,
                    }
            }
            (None, None) => self.display.is_some() && self.display == other.display,
            _ => false,
        }
    }

    pub fn extensions(&self) -> Vec<Extension> {
        self.extra
            .get("extension")
            .and_then(|v| serde_json::from_value::<Vec<Extension>>(v.clone()).ok())
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Quantity {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(flatten)]
    pub extra: Object,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Base64 content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Size in bytes (before base64).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(flatten)]
    pub extra: Object,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Reference {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
    #[serde(flatten)]
    pub extra: Object,
}

/// `Questionnaire.item.type`; unknown codes are kept as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum ItemType {
    Group,
    Display,
    Boolean,
    Decimal,
    Integer,
    Date,
    DateTime,
    Time,
    String,
    Text,
    Url,
    Choice,
    OpenChoice,
    Attachment,
    Reference,
    Quantity,
    /// Not an R4 type (e.g. R5 `coding`, or a typo); rendered as unsupported.
    Other(std::string::String),
}

impl From<std::string::String> for ItemType {
    fn from(s: std::string::String) -> Self {
        match s.as_str() {
            "group" => Self::Group,
            "display" => Self::Display,
            "boolean" => Self::Boolean,
            "decimal" => Self::Decimal,
            "integer" => Self::Integer,
            "date" => Self::Date,
            "dateTime" => Self::DateTime,
            "time" => Self::Time,
            "string" => Self::String,
            "text" => Self::Text,
            "url" => Self::Url,
            "choice" => Self::Choice,
            "open-choice" => Self::OpenChoice,
            "attachment" => Self::Attachment,
            "reference" => Self::Reference,
            "quantity" => Self::Quantity,
            _ => Self::Other(s),
        }
    }
}

impl From<ItemType> for std::string::String {
    fn from(t: ItemType) -> Self {
        t.code().to_owned()
    }
}

impl ItemType {
    pub fn code(&self) -> &str {
        match self {
            Self::Group => "group",
            Self::Display => "display",
            Self::Boolean => "boolean",
            Self::Decimal => "decimal",
            Self::Integer => "integer",
            Self::Date => "date",
            Self::DateTime => "dateTime",
            Self::Time => "time",
            Self::String => "string",
            Self::Text => "text",
            Self::Url => "url",
            Self::Choice => "choice",
            Self::OpenChoice => "open-choice",
            Self::Attachment => "attachment",
            Self::Reference => "reference",
            Self::Quantity => "quantity",
            Self::Other(s) => s,
        }
    }

    /// Items that carry answers.
    pub fn is_question(&self) -> bool {
        !matches!(self, Self::Group | Self::Display | Self::Other(_))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum EnableBehavior {
    #[default]
    All,
    Any,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Operator {
    #[serde(rename = "exists")]
    Exists,
    #[serde(rename = "=")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "<=")]
    Le,
}

/// Implements serde for a struct with a polymorphic `<prefix>[x]` via a JSON object.
macro_rules! polymorphic {
    ($ty:ident, $prefix:literal, { $($field:ident : $key:literal => $fty:ty),* $(,)? }) => {
        impl TryFrom<Object> for $ty {
            type Error = std::string::String;
            fn try_from(mut obj: Object) -> Result<Self, Self::Error> {
                let value = take_value_lenient(&mut obj, $prefix);
                $(
                    let $field: $fty = match obj.remove($key) {
                        Some(v) => serde_json::from_value(v).map_err(|e| format!("{}: {e}", $key))?,
                        None => Default::default(),
                    };
                )*
                Ok(Self { value, $($field,)* extra: obj })
            }
        }
        impl From<$ty> for Object {
            fn from(s: $ty) -> Object {
                let mut obj = Object::new();
                $(
                    let v = serde_json::to_value(&s.$field).unwrap_or(Json::Null);
                    if !(v.is_null() || v.as_array().is_some_and(|a| a.is_empty())) {
                        obj.insert($key.into(), v);
                    }
                )*
                if let Some(value) = &s.value {
                    put_value(&mut obj, $prefix, value);
                }
                for (k, v) in s.extra {
                    obj.insert(k, v);
                }
                obj
            }
        }
    };
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Object", into = "Object")]
pub struct AnswerOption {
    pub value: Option<Value>,
    pub initial_selected: Option<bool>,
    pub extension: Vec<Extension>,
    pub extra: Object,
}
polymorphic!(AnswerOption, "value", { initial_selected: "initialSelected" => Option<bool>, extension: "extension" => Vec<Extension> });

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Object", into = "Object")]
pub struct Initial {
    pub value: Option<Value>,
    pub extra: Object,
}
polymorphic!(Initial, "value", {});

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Object", into = "Object")]
pub struct EnableWhen {
    pub value: Option<Value>,
    pub question: String,
    pub operator: Option<Operator>,
    pub extra: Object,
}
polymorphic!(EnableWhen, "answer", { question: "question" => String, operator: "operator" => Option<Operator> });

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    pub link_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub code: Vec<Coding>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(rename = "type")]
    pub kind: ItemType,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enable_when: Vec<EnableWhen>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_behavior: Option<EnableBehavior>,
    #[serde(default, skip_serializing_if = "is_false", deserialize_with = "lenient_bool")]
    pub required: Option<bool>,
    #[serde(default, skip_serializing_if = "is_false", deserialize_with = "lenient_bool")]
    pub repeats: Option<bool>,
    #[serde(default, skip_serializing_if = "is_false", deserialize_with = "lenient_bool")]
    pub read_only: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_value_set: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answer_option: Vec<AnswerOption>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub initial: Vec<Initial>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item: Vec<Item>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(flatten)]
    pub extra: Object,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Questionnaire {
    pub resource_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contained: Vec<Json>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item: Vec<Item>,
    #[serde(flatten)]
    pub extra: Object,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Object", into = "Object")]
pub struct Answer {
    pub value: Option<Value>,
    pub item: Vec<ResponseItem>,
    pub extra: Object,
}
polymorphic!(Answer, "value", { item: "item" => Vec<ResponseItem> });

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResponseItem {
    pub link_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answer: Vec<Answer>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item: Vec<ResponseItem>,
    #[serde(flatten)]
    pub extra: Object,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuestionnaireResponse {
    pub resource_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub questionnaire: Option<String>,
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authored: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item: Vec<ResponseItem>,
    #[serde(flatten)]
    pub extra: Object,
}

/// Why a JSON document could not be used as a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// Not JSON at all.
    Json(String),
    /// JSON, but `resourceType` is not the expected one (holds what it was).
    WrongResource(String),
    /// The right resource type, but a field has the wrong shape.
    Invalid(String),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Json(e) => write!(f, "not valid JSON: {e}"),
            Self::WrongResource(t) => write!(f, "unexpected resourceType {t:?}"),
            Self::Invalid(e) => write!(f, "invalid resource: {e}"),
        }
    }
}

impl std::error::Error for LoadError {}

fn parse_resource<T: serde::de::DeserializeOwned>(text: &str, expected: &str) -> Result<T, LoadError> {
    let json: Json = serde_json::from_str(text).map_err(|e| LoadError::Json(e.to_string()))?;
    match json.get("resourceType").and_then(Json::as_str) {
        Some(t) if t == expected => {}
        Some(t) => return Err(LoadError::WrongResource(t.to_owned())),
        None => return Err(LoadError::WrongResource(String::new())),
    }
    serde_json::from_value(json).map_err(|e| LoadError::Invalid(e.to_string()))
}

impl Questionnaire {
    pub fn from_json(text: &str) -> Result<Self, LoadError> {
        parse_resource(text, "Questionnaire")
    }

    /// Whom the form is for by age, in years (`low`, `high`, both inclusive), from
    /// `useContext` with code `age` (system `http://terminology.hl7.org/CodeSystem/usage-context-type`)
    /// and a `valueRange` whose quantities are in UCUM `a` (years) or `mo` (months).
    /// `(None, None)` when the form states no age.
    pub fn age_range(&self) -> (Option<f64>, Option<f64>) {
        let contexts = self.extra.get("useContext").and_then(Json::as_array).map(Vec::as_slice).unwrap_or_default();
        let is_age = |c: &&Json| {
            let code = &c["code"];
            code["code"] == "age"
                && code.get("system").is_none_or(|s| s == "http://terminology.hl7.org/CodeSystem/usage-context-type")
        };
        let Some(range) = contexts.iter().find(is_age).and_then(|c| c.get("valueRange")) else { return (None, None) };
        let years = |q: &Json| -> Option<f64> {
            let value = q.get("value")?.as_f64()?;
            let unit = q.get("code").or_else(|| q.get("unit")).and_then(Json::as_str).unwrap_or("a");
            match unit {
                "mo" => Some(value / 12.0),
                "wk" => Some(value / 52.0),
                "d" => Some(value / 365.0),
                _ => Some(value),
            }
        };
        (range.get("low").and_then(years), range.get("high").and_then(years))
    }

    /// The canonical reference a response uses (`url|version`), or `Questionnaire/<id>`.
    pub fn canonical(&self) -> Option<String> {
        match (&self.url, &self.version, &self.id) {
            (Some(url), Some(v), _) => Some(format!("{url}|{v}")),
            (Some(url), None, _) => Some(url.clone()),
            (None, _, Some(id)) => Some(format!("Questionnaire/{id}")),
            _ => None,
        }
    }
}

impl QuestionnaireResponse {
    pub fn from_json(text: &str) -> Result<Self, LoadError> {
        parse_resource(text, "QuestionnaireResponse")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_context(context: &str) -> Questionnaire {
        Questionnaire::from_json(&format!(
            r#"{{"resourceType":"Questionnaire","status":"active","useContext":{context}}}"#
        ))
        .expect("valid")
    }

    #[test]
    fn age_range_from_use_context() {
        let q = with_context(
            r#"[{"code":{"system":"http://terminology.hl7.org/CodeSystem/usage-context-type","code":"age"},
                 "valueRange":{"low":{"value":6,"unit":"månader","system":"http://unitsofmeasure.org","code":"mo"},
                               "high":{"value":17,"system":"http://unitsofmeasure.org","code":"a"}}}]"#,
        );
        assert_eq!(q.age_range(), (Some(0.5), Some(17.0)));
        let adults = with_context(r#"[{"code":{"code":"age"},"valueRange":{"low":{"value":18,"code":"a"}}}]"#);
        assert_eq!(adults.age_range(), (Some(18.0), None));
        let other = with_context(r#"[{"code":{"code":"gender"},"valueCodeableConcept":{"text":"x"}}]"#);
        assert_eq!(other.age_range(), (None, None));
        let none = Questionnaire::from_json(r#"{"resourceType":"Questionnaire","status":"active"}"#).unwrap();
        assert_eq!(none.age_range(), (None, None));
    }
}

//! Validation rules and their Swedish and English messages.

use std::cmp::Ordering;

use crate::def::Def;
use crate::form::{Form, NodeId};
use crate::model::ItemType;
use crate::value::{Value, decimal_places, format_decimal, is_valid_date, is_valid_time, swedish_decimal};

/// One broken rule. `message(lang)` gives the text shown to the patient.
#[derive(Debug, Clone, PartialEq)]
pub enum ValidationError {
    Required,
    MinLength(usize),
    MaxLength(usize),
    /// Smaller/earlier than the item's minValue (held as shown to the user).
    MinValue(Value),
    MaxValue(Value),
    Regex,
    MaxDecimalPlaces(usize),
    /// Attachment larger than maxSize bytes.
    MaxSize(f64),
    /// Attachment of a type not in the list.
    MimeType(Vec<String>),
    MinOccurs(u32),
    MaxOccurs(u32),
    /// Typed text that is not a number.
    NotANumber,
    /// Typed text that is not a whole number.
    NotAnInteger,
    InvalidDate,
    InvalidTime,
    InvalidUrl,
    /// An answer that is not one of the options (only a tampered response has this).
    NotAnOption,
    /// An answer of the wrong type for the item (only a tampered response has this).
    WrongType,
    /// A `targetConstraint` the answers break: its message in the form's language (Swedish)
    /// and in English when the form has it.
    Constraint {
        sv: String,
        en: String,
    },
}

fn value_text(v: &Value, lang: &str) -> String {
    match v {
        Value::Decimal(d) if decimal_comma(lang) => swedish_decimal(*d),
        Value::Quantity(q) if decimal_comma(lang) => {
            let n = q.value.map(swedish_decimal).unwrap_or_default();
            q.unit.as_ref().map(|u| format!("{n} {u}")).unwrap_or(n)
        }
        Value::Date(d) => d.clone(),
        other => other.display(),
    }
}

fn size_text(bytes: f64) -> String {
    if bytes >= 1_048_576.0 {
        format!("{} MB", format_decimal((bytes / 1_048_576.0 * 10.0).round() / 10.0))
    } else if bytes >= 1024.0 {
        format!("{} kB", format_decimal((bytes / 1024.0).round()))
    } else {
        format!("{} B", format_decimal(bytes))
    }
}

/// The languages the engine's own messages are written in, in this order; any other language
/// gets English. The reference server answers in these too (`Accept-Language`).
pub const LANGUAGES: [&str; 4] = ["sv", "en", "fi", "ar"];

/// Does `lang` write decimals with a comma (38,5)? Swedish and Finnish do.
pub fn decimal_comma(lang: &str) -> bool {
    matches!(lang, "sv" | "fi")
}

impl ValidationError {
    /// The message in `lang` (`sv`, `en`, `fi` or `ar`; English for any other).
    pub fn message(&self, lang: &str) -> String {
        let column = LANGUAGES.iter().position(|l| *l == lang).unwrap_or(1);
        let t = |texts: [&str; 4]| texts[column].to_owned();
        let with = |texts: [&str; 4], value: &str| texts[column].replace("{x}", value);
        match self {
            Self::Required => t([
                "Du behöver svara på frågan.",
                "This question needs an answer.",
                "Vastaa kysymykseen.",
                "يجب الإجابة عن هذا السؤال.",
            ]),
            Self::MinLength(n) => with(
                [
                    "Skriv minst {x} tecken.",
                    "Write at least {x} characters.",
                    "Kirjoita vähintään {x} merkkiä.",
                    "اكتب {x} أحرف على الأقل.",
                ],
                &n.to_string(),
            ),
            Self::MaxLength(n) => with(
                [
                    "Skriv högst {x} tecken.",
                    "Write at most {x} characters.",
                    "Kirjoita enintään {x} merkkiä.",
                    "اكتب {x} أحرف على الأكثر.",
                ],
                &n.to_string(),
            ),
            Self::MinValue(v @ (Value::Date(_) | Value::DateTime(_))) => with(
                [
                    "Ange ett datum från och med {x}.",
                    "Enter a date on or after {x}.",
                    "Anna päivämäärä {x} tai sen jälkeen.",
                    "أدخل تاريخًا في {x} أو بعده.",
                ],
                &value_text(v, lang),
            ),
            Self::MinValue(v) => with(
                [
                    "Ange ett värde som är minst {x}.",
                    "Enter a value of at least {x}.",
                    "Anna arvo, joka on vähintään {x}.",
                    "أدخل قيمة لا تقل عن {x}.",
                ],
                &value_text(v, lang),
            ),
            Self::MaxValue(v @ (Value::Date(_) | Value::DateTime(_))) => with(
                [
                    "Ange ett datum till och med {x}.",
                    "Enter a date on or before {x}.",
                    "Anna päivämäärä {x} tai sitä ennen.",
                    "أدخل تاريخًا في {x} أو قبله.",
                ],
                &value_text(v, lang),
            ),
            Self::MaxValue(v) => with(
                [
                    "Ange ett värde som är högst {x}.",
                    "Enter a value of at most {x}.",
                    "Anna arvo, joka on enintään {x}.",
                    "أدخل قيمة لا تزيد على {x}.",
                ],
                &value_text(v, lang),
            ),
            Self::Regex => t([
                "Svaret har inte rätt format.",
                "The answer is not in the expected format.",
                "Vastaus ei ole oikeassa muodossa.",
                "الإجابة ليست بالصيغة المطلوبة.",
            ]),
            Self::MaxDecimalPlaces(0) => t([
                "Ange ett heltal, utan decimaler.",
                "Enter a whole number, without decimals.",
                "Anna kokonaisluku ilman desimaaleja.",
                "أدخل عددًا صحيحًا بدون كسور عشرية.",
            ]),
            Self::MaxDecimalPlaces(n) => with(
                [
                    "Använd högst {x} decimaler.",
                    "Use at most {x} decimals.",
                    "Käytä enintään {x} desimaalia.",
                    "استخدم {x} منازل عشرية على الأكثر.",
                ],
                &n.to_string(),
            ),
            Self::MaxSize(b) => with(
                [
                    "Filen är för stor. Den får vara högst {x}.",
                    "The file is too large. The limit is {x}.",
                    "Tiedosto on liian suuri. Enimmäiskoko on {x}.",
                    "الملف كبير جدًا. الحد الأقصى هو {x}.",
                ],
                &size_text(*b),
            ),
            Self::MimeType(types) => {
                let list = types
                    .iter()
                    .map(|t| t.rsplit('/').next().unwrap_or(t).to_uppercase())
                    .collect::<Vec<_>>()
                    .join(", ");
                with(
                    [
                        "Filtypen stöds inte. Välj en fil av typen {x}.",
                        "That file type is not supported. Choose a {x} file.",
                        "Tiedostotyyppiä ei tueta. Valitse tiedosto, jonka tyyppi on {x}.",
                        "نوع الملف غير مدعوم. اختر ملفًا من النوع {x}.",
                    ],
                    &list,
                )
            }
            Self::MinOccurs(n) => with(
                [
                    "Ange minst {x} svar.",
                    "Give at least {x} answers.",
                    "Anna vähintään {x} vastausta.",
                    "أعطِ {x} إجابات على الأقل.",
                ],
                &n.to_string(),
            ),
            Self::MaxOccurs(n) => with(
                [
                    "Ange högst {x} svar.",
                    "Give at most {x} answers.",
                    "Anna enintään {x} vastausta.",
                    "أعطِ {x} إجابات على الأكثر.",
                ],
                &n.to_string(),
            ),
            Self::NotANumber => t([
                "Skriv ett tal, till exempel 38,5.",
                "Enter a number, for example 38.5.",
                "Kirjoita luku, esimerkiksi 38,5.",
                "اكتب رقمًا، مثلًا 38.5.",
            ]),
            Self::NotAnInteger => t([
                "Skriv ett heltal, till exempel 12.",
                "Enter a whole number, for example 12.",
                "Kirjoita kokonaisluku, esimerkiksi 12.",
                "اكتب عددًا صحيحًا، مثلًا 12.",
            ]),
            Self::InvalidDate => t([
                "Ange ett giltigt datum (ÅÅÅÅ-MM-DD).",
                "Enter a valid date (YYYY-MM-DD).",
                "Anna kelvollinen päivämäärä (VVVV-KK-PP).",
                "أدخل تاريخًا صحيحًا (YYYY-MM-DD).",
            ]),
            Self::InvalidTime => t([
                "Ange en giltig tid (TT:MM).",
                "Enter a valid time (HH:MM).",
                "Anna kelvollinen kellonaika (TT:MM).",
                "أدخل وقتًا صحيحًا (HH:MM).",
            ]),
            Self::InvalidUrl => t([
                "Ange en webbadress som börjar med https:// eller http://.",
                "Enter a web address starting with https:// or http://.",
                "Anna verkko-osoite, joka alkaa https:// tai http://.",
                "أدخل عنوان ويب يبدأ بـ https:// أو http://.",
            ]),
            Self::NotAnOption => t([
                "Välj ett av svarsalternativen.",
                "Choose one of the options.",
                "Valitse yksi vastausvaihtoehdoista.",
                "اختر أحد الخيارات.",
            ]),
            Self::WrongType => t([
                "Svaret har fel typ för frågan.",
                "The answer has the wrong type for this question.",
                "Vastaus on väärää tyyppiä tähän kysymykseen.",
                "نوع الإجابة غير مناسب لهذا السؤال.",
            ]),
            // the form's own text: English when asked for and the form has it, otherwise the
            // form's language (Swedish), as for the rest of a form without a translation
            Self::Constraint { sv: s, en } => {
                if lang == "en" && !en.is_empty() {
                    en.clone()
                } else {
                    s.clone()
                }
            }
        }
    }
}

/// Does a value of this type belong in this item?
pub fn type_fits(d: &Def, v: &Value) -> bool {
    match (&d.kind, v) {
        (ItemType::Boolean, Value::Boolean(_))
        | (ItemType::Decimal, Value::Decimal(_) | Value::Integer(_))
        | (ItemType::Integer, Value::Integer(_))
        | (ItemType::Date, Value::Date(_))
        | (ItemType::DateTime, Value::DateTime(_) | Value::Date(_))
        | (ItemType::Time, Value::Time(_))
        | (ItemType::String | ItemType::Text, Value::String(_))
        | (ItemType::Url, Value::Uri(_) | Value::String(_))
        | (ItemType::Attachment, Value::Attachment(_))
        | (ItemType::Reference, Value::Reference(_))
        | (ItemType::Quantity, Value::Quantity(_)) => true,
        (ItemType::Choice | ItemType::OpenChoice, v) if d.options_computed() => {
            // the options are what an expression gives: any value an option can hold
            !matches!(v, Value::Attachment(_) | Value::Quantity(_) | Value::Boolean(_))
        }
        (ItemType::Choice, v) => {
            matches!(v, Value::Coding(_))
                || d.choices.iter().any(|c| c.value.suffix() == v.suffix())
                || (d.external_value_set && matches!(v, Value::String(_)))
        }
        (ItemType::OpenChoice, v) => {
            matches!(v, Value::Coding(_) | Value::String(_)) || d.choices.iter().any(|c| c.value.suffix() == v.suffix())
        }
        _ => false,
    }
}

fn url_ok(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && s.split("//").nth(1).is_some_and(|h| !h.is_empty() && !h.starts_with('/'))
        && !s.contains(char::is_whitespace)
}

fn attachment_size(a: &crate::model::Attachment) -> Option<f64> {
    a.size.map(|s| s as f64).or_else(|| {
        a.data.as_ref().map(|d| {
            let pad = d.bytes().rev().take_while(|&b| b == b'=').count();
            (d.len() / 4 * 3).saturating_sub(pad) as f64
        })
    })
}

fn mime_ok(allowed: &[String], actual: &str) -> bool {
    let actual = actual.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    allowed.iter().any(|a| {
        let a = a.to_ascii_lowercase();
        a == actual || a.strip_suffix("/*").is_some_and(|p| actual.starts_with(&format!("{p}/")))
    })
}

/// The rules that apply to one value of a question.
pub fn check_value(d: &Def, v: &Value, regex: Option<crate::form::RegexFn>) -> Vec<ValidationError> {
    let mut out = Vec::new();
    if !type_fits(d, v) {
        out.push(ValidationError::WrongType);
        return out;
    }
    // open-choice: free text is a string; a coding must still be one of the options
    let coded = matches!(d.kind, ItemType::Choice) || (d.kind == ItemType::OpenChoice && matches!(v, Value::Coding(_)));
    if coded && d.has_options() && d.choice_for(v).is_none() {
        out.push(ValidationError::NotAnOption);
    }
    let text = match v {
        Value::String(s) | Value::Uri(s) => Some(s.as_str()),
        _ => None,
    };
    if let Some(s) = text {
        let n = s.chars().count();
        if let Some(min) = d.min_length
            && n < min
        {
            out.push(ValidationError::MinLength(min));
        }
        if let Some(max) = d.max_length
            && n > max
        {
            out.push(ValidationError::MaxLength(max));
        }
        if let (Some(p), Some(f)) = (&d.regex, regex)
            && f(p, s) == Some(false)
        {
            out.push(ValidationError::Regex);
        }
        if d.kind == ItemType::Url && !url_ok(s) {
            out.push(ValidationError::InvalidUrl);
        }
    }
    match v {
        Value::Date(s) if !is_valid_date(s) => out.push(ValidationError::InvalidDate),
        Value::DateTime(s) if !is_valid_date(s.split('T').next().unwrap_or("")) => {
            out.push(ValidationError::InvalidDate)
        }
        Value::Time(s) if !is_valid_time(s) => out.push(ValidationError::InvalidTime),
        _ => {}
    }
    if let Some(min) = &d.min_value
        && v.compare(min) == Some(Ordering::Less)
    {
        out.push(ValidationError::MinValue(min.clone()));
    }
    if let Some(max) = &d.max_value
        && v.compare(max) == Some(Ordering::Greater)
    {
        out.push(ValidationError::MaxValue(max.clone()));
    }
    let number = match v {
        Value::Decimal(x) => Some(*x),
        Value::Quantity(q) => q.value,
        _ => None,
    };
    if let (Some(x), Some(places)) = (number, d.max_decimal_places)
        && decimal_places(x) > places
    {
        out.push(ValidationError::MaxDecimalPlaces(places));
    }
    if let Value::Attachment(a) = v {
        if let (Some(max), Some(size)) = (d.max_size, attachment_size(a))
            && size > max
        {
            out.push(ValidationError::MaxSize(max));
        }
        if !d.mime_types.is_empty() && !a.content_type.as_deref().is_some_and(|ct| mime_ok(&d.mime_types, ct)) {
            out.push(ValidationError::MimeType(d.mime_types.clone()));
        }
    }
    out
}

pub(crate) fn item(form: &Form, item: NodeId) -> Vec<ValidationError> {
    let mut out = rules(form, item);
    // a broken constraint is shown even on a calculated item (its inputs are what to change)
    out.extend(form.violations(item).into_iter().filter(|(error, _)| *error).map(|(_, e)| e));
    out
}

fn rules(form: &Form, item: NodeId) -> Vec<ValidationError> {
    let d = form.def(item);
    if d.hidden || d.read_only || d.expression.is_some() {
        return Vec::new();
    }
    let mut out = Vec::new();
    match d.kind {
        ItemType::Display | ItemType::Other(_) => {}
        ItemType::Group => {
            if d.required && !has_answer_below(form, item) {
                out.push(ValidationError::Required);
            }
            occurs(d, form.instances(item).len() as u32, &mut out);
        }
        _ => {
            let values = form.values(item);
            if d.required && values.is_empty() {
                out.push(ValidationError::Required);
            }
            if d.repeats && !values.is_empty() {
                occurs(d, values.len() as u32, &mut out);
            }
            for v in values {
                for e in check_value(d, v, form.regex_fn()) {
                    if !out.contains(&e) {
                        out.push(e);
                    }
                }
            }
        }
    }
    out
}

fn occurs(d: &Def, n: u32, out: &mut Vec<ValidationError>) {
    if let Some(min) = d.min_occurs
        && n < min
    {
        out.push(ValidationError::MinOccurs(min));
    }
    if let Some(max) = d.max_occurs
        && n > max
    {
        out.push(ValidationError::MaxOccurs(max));
    }
}

fn has_answer_below(form: &Form, item: NodeId) -> bool {
    form.instances(item).iter().any(|&i| {
        form.items(i).iter().any(|&k| form.is_enabled(k) && (!form.values(k).is_empty() || has_answer_below(form, k)))
    })
}

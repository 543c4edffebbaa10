//! Answer values (`value[x]`), their comparison for enableWhen, and parsing of typed input.

use std::cmp::Ordering;

use crate::model::{Attachment, Coding, Json, Object, Quantity, Reference};

/// A FHIR answer value of any type an R4 questionnaire can hold.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Boolean(bool),
    Decimal(f64),
    Integer(i64),
    Date(String),
    DateTime(String),
    Time(String),
    String(String),
    Uri(String),
    Coding(Coding),
    Quantity(Quantity),
    Attachment(Attachment),
    Reference(Reference),
}

const SUFFIXES: [&str; 12] = [
    "Boolean",
    "Decimal",
    "Integer",
    "Date",
    "DateTime",
    "Time",
    "String",
    "Uri",
    "Coding",
    "Quantity",
    "Attachment",
    "Reference",
];

impl Value {
    /// The `[x]` suffix: `valueCoding` has suffix `Coding`.
    pub fn suffix(&self) -> &'static str {
        match self {
            Self::Boolean(_) => "Boolean",
            Self::Decimal(_) => "Decimal",
            Self::Integer(_) => "Integer",
            Self::Date(_) => "Date",
            Self::DateTime(_) => "DateTime",
            Self::Time(_) => "Time",
            Self::String(_) => "String",
            Self::Uri(_) => "Uri",
            Self::Coding(_) => "Coding",
            Self::Quantity(_) => "Quantity",
            Self::Attachment(_) => "Attachment",
            Self::Reference(_) => "Reference",
        }
    }

    pub(crate) fn to_json(&self) -> Json {
        match self {
            Self::Boolean(b) => Json::Bool(*b),
            Self::Decimal(d) => serde_json::Number::from_f64(*d).map(Json::Number).unwrap_or(Json::Null),
            Self::Integer(i) => Json::from(*i),
            Self::Date(s) | Self::DateTime(s) | Self::Time(s) | Self::String(s) | Self::Uri(s) => Json::from(s.clone()),
            Self::Coding(c) => serde_json::to_value(c).unwrap_or(Json::Null),
            Self::Quantity(q) => serde_json::to_value(q).unwrap_or(Json::Null),
            Self::Attachment(a) => serde_json::to_value(a).unwrap_or(Json::Null),
            Self::Reference(r) => serde_json::to_value(r).unwrap_or(Json::Null),
        }
    }

    pub(crate) fn from_json(suffix: &str, v: Json) -> Result<Self, String> {
        let bad = |what: &str| format!("{what} expected for {suffix}");
        Ok(match suffix {
            "Boolean" => Self::Boolean(v.as_bool().ok_or_else(|| bad("boolean"))?),
            "Decimal" => Self::Decimal(v.as_f64().ok_or_else(|| bad("number"))?),
            "Integer" => Self::Integer(v.as_i64().ok_or_else(|| bad("integer"))?),
            "Date" => Self::Date(v.as_str().ok_or_else(|| bad("string"))?.to_owned()),
            "DateTime" => Self::DateTime(v.as_str().ok_or_else(|| bad("string"))?.to_owned()),
            "Time" => Self::Time(v.as_str().ok_or_else(|| bad("string"))?.to_owned()),
            "String" => Self::String(v.as_str().ok_or_else(|| bad("string"))?.to_owned()),
            "Uri" => Self::Uri(v.as_str().ok_or_else(|| bad("string"))?.to_owned()),
            "Coding" => Self::Coding(serde_json::from_value(v).map_err(|e| e.to_string())?),
            "Quantity" => Self::Quantity(serde_json::from_value(v).map_err(|e| e.to_string())?),
            "Attachment" => Self::Attachment(serde_json::from_value(v).map_err(|e| e.to_string())?),
            "Reference" => Self::Reference(serde_json::from_value(v).map_err(|e| e.to_string())?),
            _ => return Err(format!("unknown type {suffix}")),
        })
    }

    /// A short human text for the value (for summaries and open-choice fields).
    pub fn display(&self) -> String {
        match self {
            Self::Boolean(b) => b.to_string(),
            Self::Decimal(d) => format_decimal(*d),
            Self::Integer(i) => i.to_string(),
            Self::Date(s) | Self::DateTime(s) | Self::Time(s) | Self::String(s) | Self::Uri(s) => s.clone(),
            Self::Coding(c) => c.display.clone().or_else(|| c.code.clone()).unwrap_or_default(),
            Self::Quantity(q) => {
                let v = q.value.map(format_decimal).unwrap_or_default();
                match &q.unit {
                    Some(u) => format!("{v} {u}"),
                    None => v,
                }
            }
            Self::Attachment(a) => a.title.clone().unwrap_or_default(),
            Self::Reference(r) => r.display.clone().or_else(|| r.reference.clone()).unwrap_or_default(),
        }
    }

    fn number(&self) -> Option<f64> {
        match self {
            Self::Decimal(d) => Some(*d),
            Self::Integer(i) => Some(*i as f64),
            Self::Quantity(q) => q.value,
            _ => None,
        }
    }

    /// Equality as enableWhen `=` means it: numbers across integer/decimal, codings by system+code,
    /// dates by instant, quantities by value and unit.
    pub fn same_as(&self, other: &Value) -> bool {
        match (self, other) {
            (Self::Coding(a), Self::Coding(b)) => a.matches(b),
            (Self::Quantity(a), Self::Quantity(b)) => {
                a.value == b.value && (a.code == b.code || a.unit == b.unit || a.code.is_none() || b.code.is_none())
            }
            (Self::Reference(a), Self::Reference(b)) => a.reference == b.reference,
            (Self::Attachment(a), Self::Attachment(b)) => a.url == b.url && a.data == b.data,
            (Self::Boolean(a), Self::Boolean(b)) => a == b,
            // open-choice answers may be strings compared to a coding's display/code
            (Self::String(s), Self::Coding(c)) | (Self::Coding(c), Self::String(s)) => {
                c.code.as_deref() == Some(s) || c.display.as_deref() == Some(s)
            }
            _ => self.compare(other) == Some(Ordering::Equal),
        }
    }

    /// Ordering for `<`, `>`, `<=`, `>=`; `None` when the types cannot be ordered.
    pub fn compare(&self, other: &Value) -> Option<Ordering> {
        if let (Some(a), Some(b)) = (self.number(), other.number()) {
            return a.partial_cmp(&b);
        }
        match (self, other) {
            (Self::Date(a) | Self::DateTime(a), Self::Date(b) | Self::DateTime(b)) => compare_dates(a, b),
            (Self::Time(a), Self::Time(b)) => Some(normalize_time(a).cmp(&normalize_time(b))),
            (Self::String(a) | Self::Uri(a), Self::String(b) | Self::Uri(b)) => Some(a.cmp(b)),
            (Self::Boolean(a), Self::Boolean(b)) => Some(a.cmp(b)),
            (Self::Coding(a), Self::Coding(b)) if a.matches(b) => Some(Ordering::Equal),
            _ => None,
        }
    }
}

/// Formats a decimal without a trailing `.0` noise beyond what the number has.
pub fn format_decimal(d: f64) -> String {
    if d.fract() == 0.0 && d.abs() < 1e15 { format!("{}", d as i64) } else { format!("{d}") }
}

/// Removes `<prefix><Type>` from `obj` and returns it as a [`Value`].
pub fn take_value(obj: &mut Object, prefix: &str) -> Result<Option<Value>, String> {
    for suffix in SUFFIXES {
        let key = format!("{prefix}{suffix}");
        if let Some(v) = obj.remove(&key) {
            return Value::from_json(suffix, v).map(Some);
        }
    }
    Ok(None)
}

/// Like [`take_value`], but a malformed value (`"answerInteger": "2022-09"` exists in real forms)
/// stays in `obj` untouched and reads as no value, so the resource still loads and round-trips.
pub fn take_value_lenient(obj: &mut Object, prefix: &str) -> Option<Value> {
    for suffix in SUFFIXES {
        let key = format!("{prefix}{suffix}");
        if let Some(v) = obj.get(&key) {
            let parsed = Value::from_json(suffix, v.clone()).ok()?;
            obj.remove(&key);
            return Some(parsed);
        }
    }
    None
}

/// Inserts `<prefix><Type>` for `value` into `obj`.
pub fn put_value(obj: &mut Object, prefix: &str, value: &Value) {
    obj.insert(format!("{prefix}{}", value.suffix()), value.to_json());
}

/// Splits a FHIR date/dateTime into (seconds since 0000-01-01 UTC-ish, precision) for comparison.
fn instant(s: &str) -> Option<(i64, usize)> {
    let (date, rest) = s.split_at(s.find('T').unwrap_or(s.len()));
    let mut parts = date.split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next().map(str::parse).transpose().ok()?.unwrap_or(1);
    let d: i64 = parts.next().map(str::parse).transpose().ok()?.unwrap_or(1);
    let precision = date.split('-').count();
    let days = days_from_civil(y, m, d);
    let mut secs = days * 86_400;
    if let Some(time) = rest.strip_prefix('T') {
        let (clock, offset) = match time.find(['Z', '+', '-']) {
            Some(i) => time.split_at(i),
            None => (time, ""),
        };
        secs += time_seconds(clock)?;
        if let Some(off) = offset.strip_prefix(['+', '-']) {
            let sign = if offset.starts_with('-') { -1 } else { 1 };
            let mut hm = off.split(':');
            let h: i64 = hm.next()?.parse().ok()?;
            let mi: i64 = hm.next().unwrap_or("0").parse().ok()?;
            secs -= sign * (h * 3600 + mi * 60);
        }
        return Some((secs, 4));
    }
    Some((secs, precision))
}

fn time_seconds(clock: &str) -> Option<i64> {
    let mut it = clock.split(':');
    let h: i64 = it.next()?.parse().ok()?;
    let m: i64 = it.next().unwrap_or("0").parse().ok()?;
    let s: f64 = it.next().unwrap_or("0").parse().ok()?;
    Some(h * 3600 + m * 60 + s as i64)
}

fn normalize_time(t: &str) -> i64 {
    time_seconds(t).unwrap_or(0)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn compare_dates(a: &str, b: &str) -> Option<Ordering> {
    let (x, px) = instant(a)?;
    let (y, py) = instant(b)?;
    if px != py && px < 4 && py < 4 {
        // different precision (2020 vs 2020-05): compare on the common prefix
        let n = px.min(py);
        let cut = |s: &str| s.split('-').take(n).collect::<Vec<_>>().join("-");
        return Some(cut(a).cmp(&cut(b)));
    }
    if (px == 4) != (py == 4) {
        // date against dateTime: compare the calendar days
        return Some((x.div_euclid(86_400)).cmp(&y.div_euclid(86_400)));
    }
    Some(x.cmp(&y))
}

/// Is `s` a valid FHIR `date` (YYYY, YYYY-MM or YYYY-MM-DD)?
pub fn is_valid_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let ok_num = |p: &str, len: usize| p.len() == len && p.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [y] => ok_num(y, 4),
        [y, m] => ok_num(y, 4) && ok_num(m, 2) && (1..=12).contains(&m.parse::<u32>().unwrap_or(0)),
        [y, m, d] => {
            if !(ok_num(y, 4) && ok_num(m, 2) && ok_num(d, 2)) {
                return false;
            }
            let (y, m, d): (i64, u32, u32) = (y.parse().unwrap_or(0), m.parse().unwrap_or(0), d.parse().unwrap_or(0));
            let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
            let max = match m {
                1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
                4 | 6 | 9 | 11 => 30,
                2 if leap => 29,
                2 => 28,
                _ => 0,
            };
            (1..=max).contains(&d)
        }
        _ => false,
    }
}

/// Is `s` a valid `time` (hh:mm or hh:mm:ss)?
pub fn is_valid_time(s: &str) -> bool {
    let parts: Vec<&str> = s.split(':').collect();
    let num = |p: &str, max: u32| p.len() == 2 && p.parse::<u32>().is_ok_and(|n| n <= max);
    match parts.as_slice() {
        [h, m] => num(h, 23) && num(m, 59),
        [h, m, s] => {
            num(h, 23) && num(m, 59) && (num(s, 59) || s.parse::<f64>().is_ok_and(|x| (0.0..60.0).contains(&x)))
        }
        _ => false,
    }
}

/// Parses a number as a Swedish user types it: decimal comma or point, spaces (also no-break)
/// as thousands separators, a leading minus or the Unicode minus sign.
pub fn parse_swedish_number(input: &str) -> Option<f64> {
    let cleaned: String = input
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .map(|c| match c {
            ',' => '.',
            '\u{2212}' => '-',
            c => c,
        })
        .collect();
    if cleaned.is_empty() || cleaned.matches('.').count() > 1 {
        return None;
    }
    let body = cleaned.strip_prefix(['-', '+']).unwrap_or(&cleaned);
    if body.is_empty() || body == "." || !body.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    cleaned.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// Parses an integer typed by a user (spaces allowed as thousands separators).
pub fn parse_swedish_integer(input: &str) -> Option<i64> {
    let cleaned: String = input
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .map(|c| if c == '\u{2212}' { '-' } else { c })
        .collect();
    cleaned.parse::<i64>().ok()
}

/// Number of decimals in the shortest representation of `d`.
pub fn decimal_places(d: f64) -> usize {
    let s = format!("{d}");
    s.split_once('.').map(|(_, f)| f.len()).unwrap_or(0)
}

/// A decimal in Swedish notation (decimal comma), for showing stored values in inputs.
pub fn swedish_decimal(d: f64) -> String {
    format_decimal(d).replace('.', ",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_numbers() {
        assert_eq!(parse_swedish_number("3,5"), Some(3.5));
        assert_eq!(parse_swedish_number(" 1 234,25 "), Some(1234.25));
        assert_eq!(parse_swedish_number("\u{2212}2,0"), Some(-2.0));
        assert_eq!(parse_swedish_number("1.5"), Some(1.5));
        assert_eq!(parse_swedish_number("1,2,3"), None);
        assert_eq!(parse_swedish_number("abc"), None);
        assert_eq!(parse_swedish_number(""), None);
        assert_eq!(parse_swedish_number("1e5"), None);
        assert_eq!(parse_swedish_integer("12 000"), Some(12000));
        assert_eq!(parse_swedish_integer("1,5"), None);
        assert_eq!(swedish_decimal(38.5), "38,5");
        assert_eq!(decimal_places(1.25), 2);
        assert_eq!(decimal_places(3.0), 0);
    }

    #[test]
    fn dates_compare_across_precision_and_zones() {
        let d = |s: &str| Value::Date(s.into());
        let dt = |s: &str| Value::DateTime(s.into());
        assert_eq!(d("2020-01-02").compare(&d("2020-01-10")), Some(Ordering::Less));
        assert_eq!(d("2020-02-29").compare(&d("2020-02-29")), Some(Ordering::Equal));
        assert_eq!(dt("2020-01-01T10:00:00+01:00").compare(&dt("2020-01-01T09:00:00Z")), Some(Ordering::Equal));
        assert_eq!(dt("2020-01-01T10:00:00Z").compare(&d("2020-01-01")), Some(Ordering::Equal));
        assert_eq!(d("2020").compare(&d("2020-05-01")), Some(Ordering::Equal));
        assert!(Value::Time("09:30".into()).compare(&Value::Time("10:00:00".into())) == Some(Ordering::Less));
        assert!(is_valid_date("2024-02-29") && !is_valid_date("2023-02-29") && !is_valid_date("2023-13-01"));
        assert!(is_valid_time("23:59") && !is_valid_time("24:00"));
    }

    #[test]
    fn numbers_and_codings() {
        assert!(Value::Integer(2).same_as(&Value::Decimal(2.0)));
        assert_eq!(Value::Integer(2).compare(&Value::Decimal(2.5)), Some(Ordering::Less));
        let c = |s: Option<&str>, c: &str| {
            Value::Coding(Coding { system: s.map(Into::into), code: Some(c.into()), ..Default::default() })
        };
        assert!(c(Some("a"), "1").same_as(&c(None, "1")));
        assert!(!c(Some("a"), "1").same_as(&c(Some("b"), "1")));
        assert!(!c(Some("a"), "1").same_as(&c(Some("a"), "2")));
    }

    #[test]
    fn value_json_round_trip() {
        let mut obj: Object =
            serde_json::from_str(r#"{"valueCoding":{"code":"x","userSelected":true},"id":"1"}"#).unwrap();
        let v = take_value(&mut obj, "value").unwrap().unwrap();
        assert!(matches!(&v, Value::Coding(c) if c.code.as_deref() == Some("x")));
        put_value(&mut obj, "value", &v);
        assert_eq!(obj["valueCoding"]["userSelected"], Json::Bool(true));
    }
}

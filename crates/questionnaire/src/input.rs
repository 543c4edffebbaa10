//! Turning what a user types into answer values and back, the Swedish way (decimal comma).
//! Pure, so the app's controls stay thin and the rules are tested here.

use crate::model::{ItemType, Reference};
use crate::validate::ValidationError;
use crate::value::{Value, is_valid_date, is_valid_time, parse_swedish_integer, parse_swedish_number, swedish_decimal};

/// Parses the text of an input for an item of `kind`. Empty text is no answer (`Ok(None)`).
/// `tz_offset_minutes` is the device's UTC offset (e.g. +60 in Swedish winter time), used to
/// give `dateTime` answers the time zone FHIR requires.
// The error holds the bound it broke (a `Value`); parse errors are rare and never hot.
#[allow(clippy::result_large_err)]
pub fn parse(kind: &ItemType, text: &str, tz_offset_minutes: i32) -> Result<Option<Value>, ValidationError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let t = text.trim();
    Ok(Some(match kind {
        ItemType::Integer => Value::Integer(parse_swedish_integer(t).ok_or(ValidationError::NotAnInteger)?),
        ItemType::Decimal => Value::Decimal(parse_swedish_number(t).ok_or(ValidationError::NotANumber)?),
        ItemType::Date => {
            if !is_valid_date(t) {
                return Err(ValidationError::InvalidDate);
            }
            Value::Date(t.to_owned())
        }
        ItemType::DateTime => {
            let (date, time) = t.split_once('T').ok_or(ValidationError::InvalidDate)?;
            if !is_valid_date(date) || date.len() != 10 {
                return Err(ValidationError::InvalidDate);
            }
            if !is_valid_time(time) {
                return Err(ValidationError::InvalidTime);
            }
            let time = if time.len() == 5 { format!("{time}:00") } else { time.to_owned() };
            let sign = if tz_offset_minutes < 0 { '-' } else { '+' };
            let off = tz_offset_minutes.unsigned_abs();
            Value::DateTime(format!("{date}T{time}{sign}{:02}:{:02}", off / 60, off % 60))
        }
        ItemType::Time => {
            if !is_valid_time(t) {
                return Err(ValidationError::InvalidTime);
            }
            Value::Time(if t.len() == 5 { format!("{t}:00") } else { t.to_owned() })
        }
        ItemType::Url => Value::Uri(t.to_owned()),
        ItemType::Reference => Value::Reference(Reference { display: Some(t.to_owned()), ..Default::default() }),
        // free text keeps what was typed (line breaks and inner spaces included)
        _ => Value::String(text.to_owned()),
    }))
}

/// The text an input shows for a stored value (Swedish and Finnish use a decimal comma).
pub fn format(value: &Value, lang: &str) -> String {
    match value {
        Value::Decimal(d) if crate::validate::decimal_comma(lang) => swedish_decimal(*d),
        // datetime-local and time inputs take local wall-clock text without zone or seconds
        Value::DateTime(s) => s.get(..16).unwrap_or(s).to_owned(),
        Value::Time(s) => s.get(..5).unwrap_or(s).to_owned(),
        Value::Quantity(q) => match q.value {
            Some(v) if crate::validate::decimal_comma(lang) => swedish_decimal(v),
            Some(v) => crate::value::format_decimal(v),
            None => String::new(),
        },
        other => other.display(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_input() {
        assert_eq!(parse(&ItemType::Decimal, "38,5", 0), Ok(Some(Value::Decimal(38.5))));
        assert_eq!(parse(&ItemType::Decimal, "38,", 0), Ok(Some(Value::Decimal(38.0))));
        assert_eq!(parse(&ItemType::Decimal, "tre", 0), Err(ValidationError::NotANumber));
        assert_eq!(parse(&ItemType::Integer, "3,5", 0), Err(ValidationError::NotAnInteger));
        assert_eq!(parse(&ItemType::Integer, "  ", 0), Ok(None));
        assert_eq!(parse(&ItemType::Date, "2024-02-30", 0), Err(ValidationError::InvalidDate));
        assert_eq!(
            parse(&ItemType::DateTime, "2024-03-01T10:15", 60),
            Ok(Some(Value::DateTime("2024-03-01T10:15:00+01:00".into())))
        );
        assert_eq!(parse(&ItemType::Time, "07:30", 0), Ok(Some(Value::Time("07:30:00".into()))));
        assert_eq!(parse(&ItemType::String, " hej ", 0), Ok(Some(Value::String(" hej ".into()))));
        assert_eq!(format(&Value::Decimal(38.5), "sv"), "38,5");
        assert_eq!(format(&Value::Decimal(38.5), "en"), "38.5");
        assert_eq!(format(&Value::DateTime("2024-03-01T10:15:00+01:00".into()), "sv"), "2024-03-01T10:15");
    }
}

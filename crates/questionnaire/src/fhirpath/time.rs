//! FHIRPath dates, date-times and times with partial precision (`@2014`, `@2014-01-25T14:30`),
//! their comparison (empty where precision makes the answer unknown) and calendar arithmetic
//! (`today() - 18 years`, with the day clamped to the month's end).

use std::cmp::Ordering;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Date,
    DateTime,
    Time,
}

/// Precision levels: year 1, month 2, day 3, hour 4, minute 5, second 6 (seconds and
/// milliseconds are one level, as in the specification).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    pub kind: Kind,
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub milli: u32,
    /// Whether milliseconds were written.
    pub has_milli: bool,
    pub precision: u8,
    /// Offset from UTC in minutes, if given.
    pub tz: Option<i32>,
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((y + i64::from(m <= 2)) as i32, m, d)
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn num(s: &str, len: usize) -> Option<u32> {
    (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

impl Moment {
    fn empty(kind: Kind) -> Moment {
        Moment {
            kind,
            year: 0,
            month: 1,
            day: 1,
            hour: 0,
            minute: 0,
            second: 0,
            milli: 0,
            has_milli: false,
            precision: 0,
            tz: None,
        }
    }

    /// A literal without its `@` (`2014-01-25T14:30:14.559+01:00`, `2015T`, `T14:30`), or a
    /// FHIR JSON string (`2014-01-25`, `2014-01-25T14:30:00Z`, `14:30:00` when `time` is set).
    pub fn parse(text: &str) -> Option<Moment> {
        if let Some(t) = text.strip_prefix('T') {
            return Moment::parse_time(t, Moment::empty(Kind::Time)).filter(|m| m.tz.is_none());
        }
        let (date, time) = match text.split_once('T') {
            Some((d, t)) => (d, Some(t)),
            None => (text, None),
        };
        let mut m = Moment::empty(if time.is_some() { Kind::DateTime } else { Kind::Date });
        let mut parts = date.split('-');
        m.year = num(parts.next()?, 4)? as i32;
        m.precision = 1;
        if let Some(p) = parts.next() {
            m.month = num(p, 2).filter(|v| (1..=12).contains(v))?;
            m.precision = 2;
            if let Some(p) = parts.next() {
                m.day = num(p, 2).filter(|v| *v >= 1 && *v <= days_in_month(m.year, m.month))?;
                m.precision = 3;
            }
        }
        if parts.next().is_some() {
            return None;
        }
        match time {
            None => Some(m),
            // `@2015T`: a date-time with date precision
            Some("") => Some(m),
            Some(t) if m.precision == 3 => Moment::parse_time(t, m),
            Some(_) => None,
        }
    }

    /// A FHIR `time` (`14:30:00`), as JSON holds it.
    pub fn parse_plain_time(text: &str) -> Option<Moment> {
        Moment::parse_time(text, Moment::empty(Kind::Time)).filter(|m| m.tz.is_none())
    }

    fn parse_time(text: &str, mut m: Moment) -> Option<Moment> {
        let (clock, tz) = if let Some(c) = text.strip_suffix('Z') {
            (c, Some(0))
        } else if let Some(i) = text.rfind(['+', '-']) {
            let (c, z) = text.split_at(i);
            let sign = if z.starts_with('-') { -1 } else { 1 };
            let (h, mi) = z[1..].split_once(':')?;
            (c, Some(sign * (num(h, 2)? as i32 * 60 + num(mi, 2)? as i32)))
        } else {
            (text, None)
        };
        let mut parts = clock.split(':');
        m.hour = num(parts.next()?, 2).filter(|v| *v < 24)?;
        m.precision = 4;
        if let Some(p) = parts.next() {
            m.minute = num(p, 2).filter(|v| *v < 60)?;
            m.precision = 5;
            if let Some(p) = parts.next() {
                let (s, ms) = p.split_once('.').unwrap_or((p, ""));
                m.second = num(s, 2).filter(|v| *v < 60)?;
                m.precision = 6;
                if !ms.is_empty() {
                    if ms.len() > 9 || !ms.bytes().all(|b| b.is_ascii_digit()) {
                        return None;
                    }
                    m.milli = format!("{ms:0<3}")[..3].parse().ok()?;
                    m.has_milli = true;
                }
            }
        }
        if parts.next().is_some() {
            return None;
        }
        m.tz = tz;
        Some(m)
    }

    /// Minutes since the epoch for the clock part (UTC when the offset is known).
    fn utc_fields(&self) -> Moment {
        let Some(tz) = self.tz else { return *self };
        if self.kind != Kind::DateTime || self.precision < 4 || tz == 0 {
            return *self;
        }
        let days = days_from_civil(self.year, self.month, self.day);
        let minutes = days * 1440 + i64::from(self.hour) * 60 + i64::from(self.minute) - i64::from(tz);
        let (y, mo, d) = civil_from_days(minutes.div_euclid(1440));
        let in_day = minutes.rem_euclid(1440);
        Moment {
            year: y,
            month: mo,
            day: d,
            hour: (in_day / 60) as u32,
            minute: (in_day % 60) as u32,
            tz: Some(0),
            ..*self
        }
    }

    fn fields(&self) -> [i64; 6] {
        let ms = i64::from(self.second) * 1000 + i64::from(self.milli);
        match self.kind {
            Kind::Time => [i64::from(self.hour), i64::from(self.minute), ms, 0, 0, 0],
            _ => [
                i64::from(self.year),
                i64::from(self.month),
                i64::from(self.day),
                i64::from(self.hour),
                i64::from(self.minute),
                ms,
            ],
        }
    }

    fn levels(&self) -> usize {
        match self.kind {
            Kind::Time => usize::from(self.precision).saturating_sub(3),
            _ => usize::from(self.precision),
        }
    }

    /// `None` when the answer depends on what precision leaves out (`@2012 < @2012-03`), or
    /// for a date against a time.
    pub fn compare(&self, other: &Moment) -> Option<Ordering> {
        if (self.kind == Kind::Time) != (other.kind == Kind::Time) {
            return None;
        }
        // a zone on one side only: unknown once the clock is part of both
        if self.kind == Kind::DateTime
            && other.kind == Kind::DateTime
            && self.precision >= 4
            && other.precision >= 4
            && self.tz.is_some() != other.tz.is_some()
        {
            return None;
        }
        let (a, b) = if self.tz.is_some() && other.tz.is_some() {
            (self.utc_fields(), other.utc_fields())
        } else {
            (*self, *other)
        };
        let (fa, fb) = (a.fields(), b.fields());
        let (la, lb) = (a.levels(), b.levels());
        for i in 0..la.min(lb) {
            match fa[i].cmp(&fb[i]) {
                Ordering::Equal => {}
                o => return Some(o),
            }
        }
        if la == lb { Some(Ordering::Equal) } else { None }
    }

    /// Adds `amount` of a calendar unit (`year` … `millisecond`); `None` when it cannot apply.
    pub fn add(&self, amount: i64, unit: &str) -> Option<Moment> {
        let mut m = *self;
        match unit {
            "year" | "month" => {
                if m.kind == Kind::Time {
                    return None;
                }
                let months = if unit == "year" { amount.checked_mul(12)? } else { amount };
                if unit == "month" && m.precision < 2 {
                    // a year-precision date moves by whole years only
                    let total = i64::from(m.year) + months / 12;
                    m.year = i32::try_from(total).ok()?;
                } else {
                    let total = i64::from(m.year) * 12 + i64::from(m.month) - 1 + months;
                    m.year = i32::try_from(total.div_euclid(12)).ok()?;
                    m.month = (total.rem_euclid(12) + 1) as u32;
                }
                m.day = m.day.min(days_in_month(m.year, m.month));
            }
            "week" | "day" => {
                if m.kind == Kind::Time {
                    return None;
                }
                let days = if unit == "week" { amount.checked_mul(7)? } else { amount };
                if m.precision < 3 {
                    return Some(m);
                }
                let (y, mo, d) = civil_from_days(days_from_civil(m.year, m.month, m.day) + days);
                (m.year, m.month, m.day) = (y, mo, d);
            }
            "hour" | "minute" | "second" | "millisecond" => {
                if m.kind == Kind::Date {
                    return None;
                }
                let ms = amount.checked_mul(match unit {
                    "hour" => 3_600_000,
                    "minute" => 60_000,
                    "second" => 1000,
                    _ => 1,
                })?;
                let day_ms = 86_400_000i64;
                let clock = i64::from(m.hour) * 3_600_000
                    + i64::from(m.minute) * 60_000
                    + i64::from(m.second) * 1000
                    + i64::from(m.milli)
                    + ms;
                let (days, in_day) = (clock.div_euclid(day_ms), clock.rem_euclid(day_ms));
                m.hour = (in_day / 3_600_000) as u32;
                m.minute = (in_day / 60_000 % 60) as u32;
                m.second = (in_day / 1000 % 60) as u32;
                m.milli = (in_day % 1000) as u32;
                if m.kind == Kind::DateTime && days != 0 {
                    let (y, mo, d) = civil_from_days(days_from_civil(m.year, m.month, m.day) + days);
                    (m.year, m.month, m.day) = (y, mo, d);
                }
            }
            _ => return None,
        }
        Some(m)
    }

    /// As written in FHIR (no `@`).
    pub fn text(&self) -> String {
        let mut out = String::new();
        if self.kind != Kind::Time {
            out.push_str(&format!("{:04}", self.year));
            if self.precision >= 2 {
                out.push_str(&format!("-{:02}", self.month));
            }
            if self.precision >= 3 {
                out.push_str(&format!("-{:02}", self.day));
            }
            if self.kind == Kind::DateTime {
                out.push('T');
            }
        }
        if self.precision >= 4 {
            out.push_str(&format!("{:02}", self.hour));
        }
        if self.precision >= 5 {
            out.push_str(&format!(":{:02}", self.minute));
        }
        if self.precision >= 6 {
            out.push_str(&format!(":{:02}", self.second));
            if self.has_milli {
                out.push_str(&format!(".{:03}", self.milli));
            }
        }
        if let Some(tz) = self.tz.filter(|_| self.kind == Kind::DateTime && self.precision >= 4) {
            if tz == 0 {
                out.push('Z');
            } else {
                let sign = if tz < 0 { '-' } else { '+' };
                out.push_str(&format!("{sign}{:02}:{:02}", tz.abs() / 60, tz.abs() % 60));
            }
        }
        out
    }

    /// A date-time for `now()` from milliseconds since the epoch and the local offset.
    pub fn from_epoch_ms(ms: i64, tz_minutes: i32) -> Moment {
        let local = ms + i64::from(tz_minutes) * 60_000;
        let (y, mo, d) = civil_from_days(local.div_euclid(86_400_000));
        let in_day = local.rem_euclid(86_400_000);
        Moment {
            kind: Kind::DateTime,
            year: y,
            month: mo,
            day: d,
            hour: (in_day / 3_600_000) as u32,
            minute: (in_day / 60_000 % 60) as u32,
            second: (in_day / 1000 % 60) as u32,
            milli: (in_day % 1000) as u32,
            has_milli: true,
            precision: 6,
            tz: Some(tz_minutes),
        }
    }

    /// The date part (`today()`), or the moment cut to `precision`.
    pub fn as_date(&self) -> Moment {
        Moment { kind: Kind::Date, precision: self.precision.min(3), tz: None, ..*self }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Moment {
        Moment::parse(s).unwrap_or_else(|| panic!("{s}"))
    }

    #[test]
    fn partial_precision_and_arithmetic() {
        assert_eq!(m("2012").compare(&m("2012-03")), None);
        assert_eq!(m("2011").compare(&m("2012-03")), Some(Ordering::Less));
        assert_eq!(m("2012-01-01T10:00:00+01:00").compare(&m("2012-01-01T09:00:00Z")), Some(Ordering::Equal));
        assert_eq!(m("2024-02-29").add(1, "year").unwrap().text(), "2025-02-28");
        assert_eq!(m("2024-01-31").add(1, "month").unwrap().text(), "2024-02-29");
        assert_eq!(m("2026-12-05").add(-18, "year").unwrap().text(), "2008-12-05");
        assert_eq!(m("2026-12-31").add(1, "day").unwrap().text(), "2027-01-01");
        assert_eq!(m("2026-12-31T23:30:00Z").add(45, "minute").unwrap().text(), "2027-01-01T00:15:00Z");
        assert_eq!(m("T14:30").text(), "14:30");
        assert_eq!(m("2015T").kind, Kind::DateTime);
        assert!(Moment::parse("2015-13").is_none());
        assert!(Moment::parse("2015-02-30").is_none());
        assert_eq!(m("2014-01-25T14:30:14.559+01:00").text(), "2014-01-25T14:30:14.559+01:00");
        assert_eq!(civil_from_days(days_from_civil(1974, 12, 25)), (1974, 12, 25));
    }
}

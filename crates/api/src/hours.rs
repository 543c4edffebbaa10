//! Staffed hours of a unit and "is it open now?".
//!
//! Hours are local wall-clock times in the unit's time zone (`Unit::time_zone`, in practice
//! `Europe/Stockholm`). This module never converts time zones: the caller passes the current
//! local weekday and time *in that zone* (the app asks the browser's `Intl` for them, so
//! daylight-saving changes are the browser's business and no zone database ships in the wasm).

use serde::{Deserialize, Serialize};

/// The hours of one weekday. A day without an entry is closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DayHours {
    /// ISO 8601 weekday: 1 = Monday … 7 = Sunday.
    pub day: u8,
    /// Local opening time, `HH:MM` (24-hour).
    pub opens: String,
    /// Local closing time, `HH:MM`; after `opens` (no hours past midnight).
    pub closes: String,
}

impl DayHours {
    pub fn new(day: u8, opens: &str, closes: &str) -> Self {
        Self { day, opens: opens.into(), closes: closes.into() }
    }

    /// `(opens, closes)` in minutes after midnight, when the entry makes sense.
    fn minutes(&self) -> Option<(u16, u16)> {
        let (o, c) = (minutes(&self.opens)?, minutes(&self.closes)?);
        ((1..=7).contains(&self.day) && o < c).then_some((o, c))
    }
}

/// Minutes after midnight of `HH:MM`.
pub fn minutes(hhmm: &str) -> Option<u16> {
    let (h, m) = hhmm.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// A moment in the unit's local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalTime {
    /// ISO weekday, 1 = Monday.
    pub weekday: u8,
    /// Minutes after midnight.
    pub minute: u16,
}

/// Whether a unit is staffed at a moment, and when that changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenState {
    /// Staffed now, until `closes` today.
    Open { closes: String },
    /// Closed now; opens `in_days` days from today (0 = later today) on ISO weekday `day` at `at`.
    Opens { in_days: u8, day: u8, at: String },
    /// No staffed hours at all.
    Never,
}

/// The state of `hours` at local time `now`.
pub fn state(hours: &[DayHours], now: LocalTime) -> OpenState {
    let today: Vec<(&DayHours, (u16, u16))> = valid(hours).filter(|(h, _)| h.day == now.weekday).collect();
    if let Some((h, _)) = today.iter().find(|(_, (o, c))| (*o..*c).contains(&now.minute)) {
        return OpenState::Open { closes: h.closes.clone() };
    }
    if let Some((h, _)) = today.iter().filter(|(_, (o, _))| *o > now.minute).min_by_key(|(_, (o, _))| *o) {
        return OpenState::Opens { in_days: 0, day: h.day, at: h.opens.clone() };
    }
    for in_days in 1..=7u8 {
        let day = (now.weekday - 1 + in_days) % 7 + 1;
        if let Some((h, _)) = valid(hours).filter(|(h, _)| h.day == day).min_by_key(|(_, (o, _))| *o) {
            return OpenState::Opens { in_days, day, at: h.opens.clone() };
        }
    }
    OpenState::Never
}

/// Wall-clock minutes from `now` until `work` minutes of staffed time have passed: a queue
/// moves only while the unit is staffed, so a wait that starts at night starts at opening, and
/// one that outlasts the day goes on the next staffed day. `None` when the unit has no staffed
/// hours (or the work does not fit in the coming eight weeks).
pub fn staffed_wait(hours: &[DayHours], now: LocalTime, work: u32) -> Option<u32> {
    let mut left = work;
    for day_offset in 0..56u32 {
        let day = ((u32::from(now.weekday) - 1 + day_offset) % 7 + 1) as u8;
        let mut spans: Vec<(u16, u16)> = valid(hours).filter(|(h, _)| h.day == day).map(|(_, m)| m).collect();
        spans.sort_unstable();
        for (opens, closes) in spans {
            let start = if day_offset == 0 { opens.max(now.minute) } else { opens };
            if start >= closes {
                continue;
            }
            let span = u32::from(closes - start);
            if left <= span {
                return Some(day_offset * 1440 + u32::from(start) + left - u32::from(now.minute));
            }
            left -= span;
        }
    }
    None
}

fn valid(hours: &[DayHours]) -> impl Iterator<Item = (&DayHours, (u16, u16))> {
    hours.iter().filter_map(|h| h.minutes().map(|m| (h, m)))
}

/// Consecutive weekdays with the same hours, for display: `(first day, last day, opens, closes)`,
/// e.g. Monday–Friday 08:00–18:00, Saturday–Sunday 09:00–15:00.
pub fn runs(hours: &[DayHours]) -> Vec<(u8, u8, String, String)> {
    let mut days: Vec<&DayHours> = valid(hours).map(|(h, _)| h).collect();
    days.sort_by_key(|h| (h.day, minutes(&h.opens)));
    let mut out: Vec<(u8, u8, String, String)> = Vec::new();
    for h in days {
        match out.last_mut() {
            Some((_, last, o, c)) if *last + 1 == h.day && *o == h.opens && *c == h.closes => *last = h.day,
            _ => out.push((h.day, h.day, h.opens.clone(), h.closes.clone())),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn health_centre() -> Vec<DayHours> {
        let mut h: Vec<DayHours> = (1..=5).map(|d| DayHours::new(d, "08:00", "18:00")).collect();
        h.extend((6..=7).map(|d| DayHours::new(d, "09:00", "15:00")));
        h
    }

    fn dental() -> Vec<DayHours> {
        let mut h: Vec<DayHours> = (1..=4).map(|d| DayHours::new(d, "07:30", "15:00")).collect();
        h.push(DayHours::new(5, "07:30", "14:00"));
        h
    }

    fn at(weekday: u8, hhmm: &str) -> LocalTime {
        LocalTime { weekday, minute: minutes(hhmm).unwrap() }
    }

    #[test]
    fn open_from_opening_until_closing() {
        assert_eq!(state(&health_centre(), at(3, "08:00")), OpenState::Open { closes: "18:00".into() });
        assert_eq!(state(&health_centre(), at(3, "17:59")), OpenState::Open { closes: "18:00".into() });
        assert_eq!(
            state(&health_centre(), at(3, "18:00")),
            OpenState::Opens { in_days: 1, day: 4, at: "08:00".into() }
        );
        assert_eq!(state(&health_centre(), at(7, "09:30")), OpenState::Open { closes: "15:00".into() });
    }

    #[test]
    fn closed_says_when_it_opens() {
        assert_eq!(
            state(&health_centre(), at(6, "08:30")),
            OpenState::Opens { in_days: 0, day: 6, at: "09:00".into() }
        );
        // Folktandvården: Friday afternoon → Monday 07:30
        assert_eq!(state(&dental(), at(5, "14:00")), OpenState::Opens { in_days: 3, day: 1, at: "07:30".into() });
        assert_eq!(state(&dental(), at(6, "10:00")), OpenState::Opens { in_days: 2, day: 1, at: "07:30".into() });
        assert_eq!(state(&dental(), at(7, "23:59")), OpenState::Opens { in_days: 1, day: 1, at: "07:30".into() });
        assert_eq!(state(&dental(), at(5, "14:01")), OpenState::Opens { in_days: 3, day: 1, at: "07:30".into() });
    }

    #[test]
    fn one_day_a_week_and_never() {
        let once = vec![DayHours::new(2, "10:00", "12:00")];
        assert_eq!(state(&once, at(2, "12:00")), OpenState::Opens { in_days: 7, day: 2, at: "10:00".into() });
        assert_eq!(state(&[], at(2, "12:00")), OpenState::Never);
        let nonsense = vec![DayHours::new(8, "10:00", "12:00"), DayHours::new(1, "12:00", "10:00")];
        assert_eq!(state(&nonsense, at(1, "11:00")), OpenState::Never);
    }

    #[test]
    fn runs_group_equal_consecutive_days() {
        assert_eq!(
            runs(&health_centre()),
            vec![(1, 5, "08:00".into(), "18:00".into()), (6, 7, "09:00".into(), "15:00".into())]
        );
        assert_eq!(
            runs(&dental()),
            vec![(1, 4, "07:30".into(), "15:00".into()), (5, 5, "07:30".into(), "14:00".into())]
        );
    }

    #[test]
    fn a_wait_follows_the_staffed_hours() {
        // open: the wait is the work itself
        assert_eq!(staffed_wait(&health_centre(), at(3, "10:00"), 10), Some(10));
        // 02:15 on a Wednesday: nothing moves until 08:00, then ten minutes
        assert_eq!(staffed_wait(&health_centre(), at(3, "02:15"), 10), Some(5 * 60 + 45 + 10));
        // 17:55 with 20 minutes of work: 5 today, 15 from 08:00 tomorrow
        assert_eq!(staffed_wait(&health_centre(), at(3, "17:55"), 20), Some(5 + 14 * 60 + 15));
        // Folktandvården, Friday 14:30: Monday 07:30 plus ten minutes
        assert_eq!(staffed_wait(&dental(), at(5, "14:30"), 10), Some(9 * 60 + 30 + 2 * 1440 + 7 * 60 + 30 + 10));
        // no work: until it opens (0 when open)
        assert_eq!(staffed_wait(&health_centre(), at(3, "10:00"), 0), Some(0));
        assert_eq!(staffed_wait(&health_centre(), at(6, "08:30"), 0), Some(30));
        assert_eq!(staffed_wait(&[], at(3, "10:00"), 10), None);
        // two spans a day (lunch closed)
        let split = vec![DayHours::new(1, "08:00", "12:00"), DayHours::new(1, "13:00", "16:00")];
        assert_eq!(staffed_wait(&split, at(1, "11:50"), 20), Some(10 + 60 + 10));
    }

    #[test]
    fn times_must_be_hh_mm() {
        assert_eq!(minutes("07:30"), Some(450));
        assert_eq!(minutes("7:30"), None);
        assert_eq!(minutes("24:00"), None);
        assert_eq!(minutes("12:60"), None);
    }
}

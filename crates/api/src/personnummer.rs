//! Swedish personal identity numbers (personnummer) and coordination numbers (samordningsnummer).
//!
//! Accepted input: `YYMMDD-NNNC`, `YYMMDD+NNNC` (the `+` from the year the person turns 100),
//! `YYMMDDNNNC`, `YYYYMMDDNNNC` and `YYYYMMDD-NNNC`; spaces are ignored. `C` is a Luhn check
//! digit over the nine digits `YYMMDDNNN`. A samordningsnummer adds 60 to the day. Some official
//! test samordningsnummer have impossible dates (month 00, day 60): they are accepted, with no
//! birth date.
//!
//! Pure and allocation-light: used by the app (validation as you type) and the server.

use std::fmt;

/// A calendar date (proleptic Gregorian), enough for ages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    pub const fn new(year: i32, month: u32, day: u32) -> Self {
        Self { year, month, day }
    }

    fn is_valid(self) -> bool {
        (1..=12).contains(&self.month) && self.day >= 1 && self.day <= days_in_month(self.year, self.month)
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Personnummer,
    Samordningsnummer,
}

/// Why a number was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PnrError {
    /// Not 10 or 12 digits with an optional separator.
    Format,
    /// The Luhn check digit does not match.
    Checksum,
    /// The date part is not a real date.
    Date,
    /// Born after today.
    Future,
}

impl PnrError {
    /// A message for the user, in Swedish (the server's error text; the app has its own in
    /// every UI language).
    pub fn message_sv(self) -> &'static str {
        match self {
            Self::Format => "Skriv personnumret med 12 siffror, till exempel 19800113-9297.",
            Self::Checksum => "Personnumret stämmer inte. Kontrollera de fyra sista siffrorna.",
            Self::Date => "Personnumret har ett datum som inte finns. Kontrollera födelsedatumet.",
            Self::Future => "Personnumret har ett födelsedatum i framtiden.",
        }
    }
}

/// A valid personnummer or samordningsnummer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Personnummer {
    century: u8,
    /// The ten digits `YYMMDDNNNC`.
    digits: [u8; 10],
}

/// Luhn check digit over nine digits.
pub fn luhn_check_digit(nine: &[u8]) -> u8 {
    let sum: u32 = nine
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            let x = u32::from(d) * if i % 2 == 0 { 2 } else { 1 };
            if x > 9 { x - 9 } else { x }
        })
        .sum();
    ((10 - (sum % 10)) % 10) as u8
}

impl Personnummer {
    /// Parses user input. `today` decides the century of 10-digit numbers (and refuses future dates).
    pub fn parse(input: &str, today: Date) -> Result<Self, PnrError> {
        let s: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        let plus = s.contains('+');
        let digits: Vec<u8> = s
            .chars()
            .filter(|c| *c != '-' && *c != '+')
            .map(|c| c.to_digit(10).map(|d| d as u8).ok_or(PnrError::Format))
            .collect::<Result<_, _>>()?;
        // one separator at most, and only before the last four digits
        let seps = s.chars().filter(|c| *c == '-' || *c == '+').count();
        if seps > 1 || (seps == 1 && !matches!(s.find(['-', '+']), Some(i) if i == s.len() - 5)) {
            return Err(PnrError::Format);
        }
        let (century, ten): (Option<u8>, [u8; 10]) = match digits.len() {
            12 => (Some(digits[0] * 10 + digits[1]), digits[2..].try_into().map_err(|_| PnrError::Format)?),
            10 => (None, digits[..].try_into().map_err(|_| PnrError::Format)?),
            _ => return Err(PnrError::Format),
        };
        let yy = i32::from(ten[0] * 10 + ten[1]);
        let month = u32::from(ten[2] * 10 + ten[3]);
        let raw_day = u32::from(ten[4] * 10 + ten[5]);
        let samordning = raw_day > 60;
        let day = if samordning { raw_day - 60 } else { raw_day };
        let century = match century {
            Some(c) => c,
            None => {
                // the latest century that does not put the birth after today; `+` means 100 more years
                let mut year = (today.year / 100) * 100 + yy;
                let md = (month.max(1), day.max(1));
                if (year, md.0, md.1) > (today.year, today.month, today.day) {
                    year -= 100;
                }
                if plus {
                    year -= 100;
                }
                (year / 100) as u8
            }
        };
        let pnr = Personnummer { century, digits: ten };
        let date = Date::new(i32::from(century) * 100 + yy, month, day);
        if !date.is_valid() {
            // official test samordningsnummer may have impossible dates: accept them
            if !(samordning || raw_day == 60) {
                return Err(PnrError::Date);
            }
        } else if date > today {
            return Err(PnrError::Future);
        }
        // the date first: a month of 13 is a wrong date, not a wrong check digit
        if luhn_check_digit(&ten[..9]) != ten[9] {
            return Err(PnrError::Checksum);
        }
        Ok(pnr)
    }

    pub fn kind(&self) -> Kind {
        if self.digits[4] * 10 + self.digits[5] >= 60 { Kind::Samordningsnummer } else { Kind::Personnummer }
    }

    /// The birth date, when the number holds a real one.
    pub fn birth_date(&self) -> Option<Date> {
        let yy = i32::from(self.digits[0] * 10 + self.digits[1]);
        let month = u32::from(self.digits[2] * 10 + self.digits[3]);
        let raw = u32::from(self.digits[4] * 10 + self.digits[5]);
        let d = Date::new(i32::from(self.century) * 100 + yy, month, if raw > 60 { raw - 60 } else { raw });
        d.is_valid().then_some(d)
    }

    /// Age in whole years on `on`.
    pub fn age_on(&self, on: Date) -> Option<u32> {
        let b = self.birth_date()?;
        let mut age = on.year - b.year;
        if (on.month, on.day) < (b.month, b.day) {
            age -= 1;
        }
        u32::try_from(age).ok()
    }

    /// The 12 digits `YYYYMMDDNNNC` (what BankID returns; the canonical form for storage).
    pub fn twelve_digits(&self) -> String {
        let mut s = format!("{:02}", self.century);
        s.extend(self.digits.iter().map(|d| char::from(b'0' + d)));
        s
    }

    /// The usual display form `YYYYMMDD-NNNC`.
    pub fn display_form(&self) -> String {
        let t = self.twelve_digits();
        format!("{}-{}", &t[..8], &t[8..])
    }

    /// The 10-digit form with the separator right for `today` (`+` from the year of turning 100).
    pub fn ten_digit_form(&self, today: Date) -> String {
        let t = self.twelve_digits();
        let born = i32::from(self.century) * 100 + i32::from(self.digits[0] * 10 + self.digits[1]);
        let sep = if today.year - born >= 100 { '+' } else { '-' };
        format!("{}{sep}{}", &t[2..8], &t[8..])
    }
}

impl fmt::Display for Personnummer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display_form())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: Date = Date::new(2026, 11, 22);

    #[test]
    fn reference_numbers_from_domain_md() {
        for (input, kind) in [
            ("198001139297", Kind::Personnummer),
            ("201401202385", Kind::Personnummer),
            ("202210112385", Kind::Personnummer),
            ("199407712380", Kind::Samordningsnummer),
        ] {
            let p = Personnummer::parse(input, TODAY).unwrap_or_else(|e| panic!("{input}: {e:?}"));
            assert_eq!(p.twelve_digits(), input);
            assert_eq!(p.kind(), kind);
        }
        let child = Personnummer::parse("201401202385", TODAY).unwrap();
        assert_eq!(child.age_on(TODAY), Some(12));
        let infant = Personnummer::parse("202210112385", TODAY).unwrap();
        assert_eq!(infant.age_on(TODAY), Some(4));
        let s = Personnummer::parse("199407712380", TODAY).unwrap();
        assert_eq!(s.birth_date(), Some(Date::new(1994, 7, 11)));
    }

    #[test]
    fn forms_and_separators() {
        let a = Personnummer::parse("800113-9297", TODAY).unwrap();
        assert_eq!(a.twelve_digits(), "198001139297");
        assert_eq!(a.display_form(), "19800113-9297");
        assert_eq!(Personnummer::parse("8001139297", TODAY).unwrap(), a);
        assert_eq!(Personnummer::parse("19800113-9297", TODAY).unwrap(), a);
        assert_eq!(Personnummer::parse(" 19800113 9297 ", TODAY).unwrap(), a);
        // the same ten digits with `+` are a person born a century earlier
        let old = Personnummer::parse("800113+9297", TODAY).unwrap();
        assert_eq!(old.twelve_digits(), "188001139297");
        assert_eq!(old.ten_digit_form(TODAY), "800113+9297");
        assert_eq!(a.ten_digit_form(TODAY), "800113-9297");
    }

    #[test]
    fn refusals() {
        assert_eq!(Personnummer::parse("198001139298", TODAY), Err(PnrError::Checksum));
        // a month of 13 (and a day of 32) is a date that does not exist, whatever the check digit
        assert_eq!(Personnummer::parse("19801313-9297", TODAY), Err(PnrError::Date));
        assert_eq!(Personnummer::parse("19800132-9297", TODAY), Err(PnrError::Date));
        assert_eq!(Personnummer::parse("19800113929", TODAY), Err(PnrError::Format));
        assert_eq!(Personnummer::parse("1980-0113-9297", TODAY), Err(PnrError::Format));
        assert_eq!(Personnummer::parse("abc", TODAY), Err(PnrError::Format));
        // 2023-02-29 does not exist
        let nine = [2, 3, 0, 2, 2, 9, 1, 2, 3];
        let c = luhn_check_digit(&nine);
        let s = format!("20230229123{c}");
        assert_eq!(Personnummer::parse(&s, TODAY), Err(PnrError::Date));
        // born next year
        let nine = [2, 7, 0, 1, 0, 1, 1, 2, 3];
        let s = format!("20270101123{}", luhn_check_digit(&nine));
        assert_eq!(Personnummer::parse(&s, TODAY), Err(PnrError::Future));
    }

    #[test]
    fn lenient_test_samordningsnummer() {
        // month 00, day 60: impossible date, still accepted (Skatteverket's test numbers have them)
        let nine = [9, 0, 0, 0, 6, 0, 1, 2, 3];
        let s = format!("19900060123{}", luhn_check_digit(&nine));
        let p = Personnummer::parse(&s, TODAY).unwrap();
        assert_eq!(p.birth_date(), None);
        assert_eq!(p.age_on(TODAY), None);
    }

    #[test]
    fn generated_numbers_round_trip() {
        // every day of 1950-2025, one serial each: parse(12 digits) and parse(10 digits) agree
        let mut n = 0;
        for year in (1950..2026).step_by(3) {
            for month in 1..=12u32 {
                for day in 1..=days_in_month(year, month) {
                    let yy = (year % 100) as u8;
                    let nine = [
                        yy / 10,
                        yy % 10,
                        (month / 10) as u8,
                        (month % 10) as u8,
                        (day / 10) as u8,
                        (day % 10) as u8,
                        4,
                        2,
                        (day % 10) as u8,
                    ];
                    let c = luhn_check_digit(&nine);
                    let twelve = format!("{year}{month:02}{day:02}42{}{c}", day % 10);
                    let p = Personnummer::parse(&twelve, TODAY).unwrap_or_else(|e| panic!("{twelve}: {e:?}"));
                    assert_eq!(p.twelve_digits(), twelve);
                    assert_eq!(Personnummer::parse(&p.ten_digit_form(TODAY), TODAY), Ok(p));
                    assert_eq!(p.birth_date(), Some(Date::new(year, month, day)));
                    // a wrong check digit is always caught
                    let bad = format!("{}{}", &twelve[..11], (c + 1) % 10);
                    assert_eq!(Personnummer::parse(&bad, TODAY), Err(PnrError::Checksum));
                    n += 1;
                }
            }
        }
        assert!(n > 9000);
    }
}

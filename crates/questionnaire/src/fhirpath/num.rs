//! Exact decimals for FHIRPath: a mantissa and a number of decimal places, so `0.1 + 0.2` is
//! `0.3` and `1.0` keeps its precision (which equivalence and `toString()` use). Division gives
//! at most [`DIVISION_PLACES`] places.

use std::cmp::Ordering;

/// Places kept by a division that does not end (`1 / 3`).
pub const DIVISION_PLACES: u32 = 8;
/// The most places any result keeps (products of long decimals are rounded to it).
const MAX_PLACES: u32 = 16;

/// `m / 10^s`.
#[derive(Debug, Clone, Copy)]
pub struct Dec {
    m: i128,
    s: u32,
}

fn pow10(n: u32) -> Option<i128> {
    10i128.checked_pow(n)
}

impl Dec {
    pub const ZERO: Dec = Dec { m: 0, s: 0 };

    pub fn from_int(i: i64) -> Dec {
        Dec { m: i128::from(i), s: 0 }
    }

    /// `-12.340`, `5`, and (for JSON numbers) `1e-7`, `1.5E3`.
    pub fn parse(text: &str) -> Option<Dec> {
        let (mantissa, exp) = match text.find(['e', 'E']) {
            Some(i) => (&text[..i], text[i + 1..].parse::<i32>().ok()?),
            None => (text, 0),
        };
        let (neg, digits) = match mantissa.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
        };
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if digits.contains('.') && frac.is_empty() {
            return None;
        }
        if int.len() + frac.len() > 36 {
            return None;
        }
        let mut m: i128 = format!("{int}{frac}").parse().ok()?;
        let mut s = frac.len() as i64 - i64::from(exp);
        while s < 0 {
            m = m.checked_mul(10)?;
            s += 1;
        }
        if neg {
            m = -m;
        }
        Some(Dec { m, s: u32::try_from(s).ok()? }.limited())
    }

    pub fn from_f64(f: f64) -> Option<Dec> {
        if !f.is_finite() {
            return None;
        }
        Dec::parse(&format!("{f}"))
    }

    pub fn to_f64(self) -> f64 {
        self.to_string().parse().unwrap_or(f64::NAN)
    }

    /// Places after the point as written (`1.50` has 2).
    pub fn scale(self) -> u32 {
        self.s
    }

    fn limited(self) -> Dec {
        if self.s > MAX_PLACES { self.round(MAX_PLACES) } else { self }
    }

    fn rescale(self, s: u32) -> Option<i128> {
        self.m.checked_mul(pow10(s.checked_sub(self.s)?)?)
    }

    fn aligned(a: Dec, b: Dec) -> Option<(i128, i128, u32)> {
        let s = a.s.max(b.s);
        Some((a.rescale(s)?, b.rescale(s)?, s))
    }

    pub fn plus(self, other: Dec) -> Option<Dec> {
        let (a, b, s) = Dec::aligned(self, other)?;
        Some(Dec { m: a.checked_add(b)?, s })
    }

    pub fn minus(self, other: Dec) -> Option<Dec> {
        self.plus(other.negated())
    }

    pub fn negated(self) -> Dec {
        Dec { m: -self.m, s: self.s }
    }

    pub fn times(self, other: Dec) -> Option<Dec> {
        Some(Dec { m: self.m.checked_mul(other.m)?, s: self.s + other.s }.limited())
    }

    /// `None` for a division by zero (FHIRPath: empty).
    pub fn divided(self, other: Dec) -> Option<Dec> {
        if other.m == 0 {
            return None;
        }
        // scale the dividend so the quotient has DIVISION_PLACES + 1 places, then round
        let places = DIVISION_PLACES + 1;
        let shift = (places + other.s).checked_sub(self.s);
        let (num, den) = match shift {
            Some(k) => (self.m.checked_mul(pow10(k)?)?, other.m),
            None => (self.m, other.m.checked_mul(pow10(self.s - places - other.s)?)?),
        };
        let q = Dec { m: num / den, s: places };
        let exact = num % den == 0;
        let r = q.round(DIVISION_PLACES);
        Some(if exact { r.trimmed() } else { r })
    }

    /// Without trailing zeros after the point.
    pub fn trimmed(self) -> Dec {
        let mut d = self;
        while d.s > 0 && d.m % 10 == 0 {
            d.m /= 10;
            d.s -= 1;
        }
        d
    }

    /// Integer division, truncated toward zero; `None` for zero.
    pub fn div_trunc(self, other: Dec) -> Option<Dec> {
        let (a, b, _) = Dec::aligned(self, other)?;
        if b == 0 {
            return None;
        }
        Some(Dec { m: a / b, s: 0 })
    }

    /// The remainder of [`Dec::div_trunc`]; `None` for zero.
    pub fn remainder(self, other: Dec) -> Option<Dec> {
        let (a, b, s) = Dec::aligned(self, other)?;
        if b == 0 {
            return None;
        }
        Some(Dec { m: a % b, s })
    }

    /// Half away from zero, to `places` places.
    pub fn round(self, places: u32) -> Dec {
        if self.s <= places {
            return Dec { m: self.m * pow10(places - self.s).unwrap_or(1), s: places };
        }
        let f = pow10(self.s - places).unwrap_or(1);
        let (q, r) = (self.m / f, self.m % f);
        let q = if r.abs() * 2 >= f { q + self.m.signum() } else { q };
        Dec { m: q, s: places }
    }

    pub fn trunc(self) -> Dec {
        Dec { m: self.m / pow10(self.s).unwrap_or(1), s: 0 }
    }

    pub fn floor(self) -> Dec {
        let t = self.trunc();
        if self.m < 0 && t.compare(self) != Ordering::Equal { Dec { m: t.m - 1, s: 0 } } else { t }
    }

    pub fn ceil(self) -> Dec {
        let t = self.trunc();
        if self.m > 0 && t.compare(self) != Ordering::Equal { Dec { m: t.m + 1, s: 0 } } else { t }
    }

    pub fn abs(self) -> Dec {
        Dec { m: self.m.abs(), s: self.s }
    }

    pub fn is_negative(self) -> bool {
        self.m < 0
    }

    pub fn is_zero(self) -> bool {
        self.m == 0
    }

    /// The value as an integer, if it is one.
    pub fn to_i64(self) -> Option<i64> {
        let t = self.trimmed();
        if t.s == 0 { i64::try_from(t.m).ok() } else { None }
    }

    pub fn compare(self, other: Dec) -> Ordering {
        match Dec::aligned(self, other) {
            Some((a, b, _)) => a.cmp(&b),
            None => self.to_f64().partial_cmp(&other.to_f64()).unwrap_or(Ordering::Equal),
        }
    }
}

impl PartialEq for Dec {
    fn eq(&self, other: &Dec) -> bool {
        self.compare(*other) == Ordering::Equal
    }
}

impl std::fmt::Display for Dec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let digits = self.m.unsigned_abs().to_string();
        let sign = if self.m < 0 { "-" } else { "" };
        if self.s == 0 {
            return write!(f, "{sign}{digits}");
        }
        let s = self.s as usize;
        let padded = if digits.len() <= s { format!("{}{digits}", "0".repeat(s + 1 - digits.len())) } else { digits };
        let (int, frac) = padded.split_at(padded.len() - s);
        write!(f, "{sign}{int}.{frac}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Dec {
        Dec::parse(s).unwrap()
    }

    #[test]
    fn exact_where_floats_are_not() {
        assert_eq!(d("0.1").plus(d("0.2")).unwrap(), d("0.3"));
        assert_eq!(d("0.1").plus(d("0.2")).unwrap().to_string(), "0.3");
        assert_eq!(d("1.0").to_string(), "1.0");
        assert_eq!(d("1.2").divided(d("1.8")).unwrap().round(2).to_string(), "0.67");
        assert_eq!(d("1").divided(d("3")).unwrap().to_string(), "0.33333333");
        assert_eq!(d("4").divided(d("2")).unwrap().to_string(), "2");
        assert_eq!(d("1").divided(d("0")), None);
        assert_eq!(d("-5.5").div_trunc(d("0.7")).unwrap().to_string(), "-7");
        assert_eq!(d("5.5").remainder(d("0.7")).unwrap().to_string(), "0.6");
        assert_eq!(d("-1.5").round(0).to_string(), "-2");
        assert_eq!(d("3.14159").round(3).to_string(), "3.142");
        assert_eq!(d("-1.1").floor().to_string(), "-2");
        assert_eq!(d("1.1").ceil().to_string(), "2");
        assert_eq!(d("1e-7").to_string(), "0.0000001");
        assert_eq!(d("1.5E3").to_i64(), Some(1500));
        assert_eq!(Dec::parse("1."), None);
        assert_eq!(Dec::parse("abc"), None);
        assert_eq!(d("70").divided(d("1.75")).unwrap().divided(d("1.75")).unwrap().round(1).to_string(), "22.9");
    }
}

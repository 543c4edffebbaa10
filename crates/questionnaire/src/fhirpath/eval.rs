//! Evaluation of a parsed expression: collections in, collections out.

use std::cmp::Ordering;

use serde_json::Value;

use super::{
    Env, Error,
    num::Dec,
    parse::{Expr, Literal},
    time::{Kind, Moment},
};

/// One item of a collection.
#[derive(Debug, Clone)]
pub enum Val<'a> {
    Bool(bool),
    Int(i64),
    Dec(Dec),
    Str(String),
    Moment(Moment),
    /// A value and its unit (a UCUM code, or a calendar word in the singular).
    Quantity(Dec, String),
    /// A JSON object of the input (a resource, an item, a Coding).
    Node(&'a Value),
}

type Out<'a> = Result<Vec<Val<'a>>, Error>;

fn unsupported(what: &str) -> Error {
    Error::Unsupported(what.to_owned())
}

fn execution(what: impl Into<String>) -> Error {
    Error::Execution(what.into())
}

/// The suffixes of FHIR choice elements (`value[x]`): `value` finds `valueCoding`.
const CHOICE_TYPES: [&str; 34] = [
    "Boolean",
    "Integer",
    "Decimal",
    "String",
    "Date",
    "DateTime",
    "Time",
    "Instant",
    "Uri",
    "Url",
    "Canonical",
    "Code",
    "Id",
    "Oid",
    "Uuid",
    "Markdown",
    "UnsignedInt",
    "PositiveInt",
    "Base64Binary",
    "Coding",
    "CodeableConcept",
    "Quantity",
    "Reference",
    "Attachment",
    "Period",
    "Range",
    "Ratio",
    "Identifier",
    "Age",
    "Duration",
    "Money",
    "HumanName",
    "Address",
    "Expression",
];

fn dated(key: &str) -> bool {
    key == "date" || key.ends_with("Date") || key.ends_with("DateTime") || key.ends_with("Instant")
}

/// A JSON value as a collection (arrays flattened, null dropped).
pub fn from_json(v: &Value) -> Vec<Val<'_>> {
    let mut out = Vec::new();
    push_json(v, None, &mut out);
    out
}

fn push_json<'a>(v: &'a Value, key: Option<&str>, out: &mut Vec<Val<'a>>) {
    match v {
        Value::Null => {}
        Value::Bool(b) => out.push(Val::Bool(*b)),
        Value::Number(n) => out.push(match n.as_i64() {
            Some(i) => Val::Int(i),
            None => n.as_f64().and_then(Dec::from_f64).map(Val::Dec).unwrap_or(Val::Str(n.to_string())),
        }),
        Value::String(s) => {
            let moment = match key {
                Some(k) if k.ends_with("Time") && !k.ends_with("DateTime") => Moment::parse_plain_time(s),
                Some(k) if dated(k) => Moment::parse(s),
                _ => None,
            };
            out.push(moment.map(Val::Moment).unwrap_or_else(|| Val::Str(s.clone())));
        }
        Value::Array(items) => items.iter().for_each(|i| push_json(i, key, out)),
        Value::Object(_) => {
            // a Quantity is a value with a unit
            out.push(Val::Node(v));
        }
    }
}

/// A node's member (or the `name[x]` choice element it names).
fn member<'a>(v: &'a Value, name: &str, out: &mut Vec<Val<'a>>) {
    let Some(obj) = v.as_object() else { return };
    if let Some(found) = obj.get(name) {
        push_json(found, Some(name), out);
        return;
    }
    for t in CHOICE_TYPES {
        let key = format!("{name}{t}");
        if let Some(found) = obj.get(&key) {
            push_json(found, Some(&key), out);
            return;
        }
    }
}

/// A FHIR Quantity (a JSON node with a number `value` and a `code` or `unit`) as a quantity.
fn quantity_of(v: &Value) -> Option<(Dec, String)> {
    let d = match v.get("value")? {
        Value::Number(n) => n.as_i64().map(Dec::from_int).or_else(|| n.as_f64().and_then(Dec::from_f64))?,
        _ => return None,
    };
    let unit = v.get("code").or_else(|| v.get("unit")).and_then(Value::as_str)?;
    Some((d, unit.to_owned()))
}

/// The item with a FHIR Quantity node read as a [`Val::Quantity`] (for comparison and
/// arithmetic; navigation keeps the node, so `.unit` is the unit as written).
fn norm<'v, 'a>(v: &'v Val<'a>) -> std::borrow::Cow<'v, Val<'a>> {
    match v {
        Val::Node(n) => match quantity_of(n) {
            Some((d, u)) => std::borrow::Cow::Owned(Val::Quantity(d, u)),
            None => std::borrow::Cow::Borrowed(v),
        },
        _ => std::borrow::Cow::Borrowed(v),
    }
}

/// A quantity in its dimension's base unit, for the common UCUM units and the definite
/// calendar durations (a week is 7 days; years and months have no fixed length).
fn in_base(d: Dec, unit: &str) -> Option<(Dec, &'static str)> {
    let (factor, dim) = match unit {
        "kg" => ("1000", "g"),
        "g" => ("1", "g"),
        "mg" => ("0.001", "g"),
        "ug" => ("0.000001", "g"),
        "[lb_av]" => ("453.59237", "g"),
        "[oz_av]" => ("28.349523125", "g"),
        "km" => ("1000", "m"),
        "m" => ("1", "m"),
        "cm" => ("0.01", "m"),
        "mm" => ("0.001", "m"),
        "[in_i]" => ("0.0254", "m"),
        "[ft_i]" => ("0.3048", "m"),
        "L" | "l" => ("1", "L"),
        "dL" => ("0.1", "L"),
        "mL" => ("0.001", "L"),
        "week" | "wk" => ("604800", "s"),
        "day" | "d" => ("86400", "s"),
        "hour" | "h" => ("3600", "s"),
        "minute" | "min" => ("60", "s"),
        "second" | "s" => ("1", "s"),
        "millisecond" | "ms" => ("0.001", "s"),
        _ => return None,
    };
    Some((d.times(Dec::parse(factor)?)?, dim))
}

/// Two quantities in one unit, if they can be (the same unit, or the same dimension).
fn same_unit(x: Dec, u: &str, y: Dec, v: &str) -> Option<(Dec, Dec)> {
    if u == v {
        return Some((x, y));
    }
    let ((a, da), (b, db)) = (in_base(x, u)?, in_base(y, v)?);
    (da == db).then_some((a, b))
}

/// A collection as one Boolean: empty is `None`, one Boolean is itself, one other item is
/// true, more is an error.
fn truth(c: &[Val<'_>]) -> Result<Option<bool>, Error> {
    match c {
        [] => Ok(None),
        [Val::Bool(b)] => Ok(Some(*b)),
        [_] => Ok(Some(true)),
        _ => Err(execution("a Boolean was expected, a collection was found")),
    }
}

fn single<'v, 'a>(c: &'v [Val<'a>]) -> Result<Option<&'v Val<'a>>, Error> {
    match c {
        [] => Ok(None),
        [v] => Ok(Some(v)),
        _ => Err(execution("one item was expected, several were found")),
    }
}

fn boolean<'a>(b: Option<bool>) -> Vec<Val<'a>> {
    b.map(|b| vec![Val::Bool(b)]).unwrap_or_default()
}

/// The calendar unit a quantity's unit names, if any (`'a'`, `years`, `'mo'` …).
fn calendar_unit(unit: &str) -> Option<&'static str> {
    Some(match unit {
        "year" | "years" | "a" => "year",
        "month" | "months" | "mo" => "month",
        "week" | "weeks" | "wk" => "week",
        "day" | "days" | "d" => "day",
        "hour" | "hours" | "h" => "hour",
        "minute" | "minutes" | "min" => "minute",
        "second" | "seconds" | "s" => "second",
        "millisecond" | "milliseconds" | "ms" => "millisecond",
        _ => return None,
    })
}

fn as_moment(v: &Val<'_>) -> Option<Moment> {
    match v {
        Val::Moment(m) => Some(*m),
        Val::Str(s) => Moment::parse(s).or_else(|| Moment::parse_plain_time(s)),
        _ => None,
    }
}

fn as_dec(v: &Val<'_>) -> Option<Dec> {
    match v {
        Val::Int(i) => Some(Dec::from_int(*i)),
        Val::Dec(d) => Some(*d),
        _ => None,
    }
}

/// `=` of two items: `None` where the answer is unknown (dates of different precision).
fn equal(a: &Val<'_>, b: &Val<'_>) -> Option<bool> {
    let (a, b) = (norm(a), norm(b));
    let (a, b) = (a.as_ref(), b.as_ref());
    match (a, b) {
        (Val::Bool(x), Val::Bool(y)) => Some(x == y),
        (Val::Str(x), Val::Str(y)) => Some(x == y),
        (Val::Int(_) | Val::Dec(_), Val::Int(_) | Val::Dec(_)) => Some(as_dec(a)? == as_dec(b)?),
        (Val::Moment(_), _) | (_, Val::Moment(_)) => {
            let (x, y) = (as_moment(a)?, as_moment(b)?);
            if (x.kind == Kind::Time) != (y.kind == Kind::Time) {
                return Some(false);
            }
            x.compare(&y).map(|o| o == Ordering::Equal)
        }
        (Val::Quantity(x, u), Val::Quantity(y, v)) => match same_unit(*x, u, *y, v) {
            Some((p, q)) => Some(p == q),
            // a calendar year or month is no fixed number of days
            None if calendar_unit(u).is_some() && calendar_unit(v).is_some() => None,
            None => Some(false),
        },
        (Val::Node(x), Val::Node(y)) => Some(x == y),
        _ => Some(false),
    }
}

fn normalized(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// `~` of two items.
fn equivalent(a: &Val<'_>, b: &Val<'_>) -> bool {
    let (a, b) = (norm(a), norm(b));
    let (a, b) = (a.as_ref(), b.as_ref());
    match (a, b) {
        (Val::Quantity(x, u), Val::Quantity(y, v)) => match same_unit(*x, u, *y, v) {
            Some((p, q)) => {
                let places = x.scale().min(y.scale());
                p.round(places) == q.round(places)
            }
            None => false,
        },
        (Val::Str(x), Val::Str(y)) => normalized(x) == normalized(y),
        (Val::Int(_) | Val::Dec(_), Val::Int(_) | Val::Dec(_)) => {
            let (Some(x), Some(y)) = (as_dec(a), as_dec(b)) else { return false };
            let places = x.scale().min(y.scale());
            x.round(places) == y.round(places)
        }
        (Val::Moment(_), _) | (_, Val::Moment(_)) => match (as_moment(a), as_moment(b)) {
            (Some(x), Some(y)) => x.precision == y.precision && x.compare(&y) == Some(Ordering::Equal),
            _ => false,
        },
        (Val::Node(x), Val::Node(y)) => x == y,
        _ => equal(a, b).unwrap_or(false),
    }
}

fn compare(a: &Val<'_>, b: &Val<'_>) -> Result<Option<Ordering>, Error> {
    let (a, b) = (norm(a), norm(b));
    let (a, b) = (a.as_ref(), b.as_ref());
    Ok(match (a, b) {
        (Val::Int(_) | Val::Dec(_), Val::Int(_) | Val::Dec(_)) => as_dec(a).zip(as_dec(b)).map(|(x, y)| x.compare(y)),
        (Val::Str(x), Val::Str(y)) => Some(x.cmp(y)),
        (Val::Moment(_), _) | (_, Val::Moment(_)) => match (as_moment(a), as_moment(b)) {
            (Some(x), Some(y)) => x.compare(&y),
            _ => return Err(execution("a date can only be compared with a date")),
        },
        (Val::Quantity(x, u), Val::Quantity(y, v)) => match same_unit(*x, u, *y, v) {
            Some((p, q)) => Some(p.compare(q)),
            None => return Err(unsupported(&format!("comparing '{u}' with '{v}' (UCUM)"))),
        },
        _ => return Err(execution("these values cannot be compared")),
    })
}

fn type_name(v: &Val<'_>) -> &'static str {
    match v {
        Val::Bool(_) => "Boolean",
        Val::Int(_) => "Integer",
        Val::Dec(_) => "Decimal",
        Val::Str(_) => "String",
        Val::Moment(m) => match m.kind {
            Kind::Date => "Date",
            Kind::DateTime => "DateTime",
            Kind::Time => "Time",
        },
        Val::Quantity(..) => "Quantity",
        Val::Node(_) => "",
    }
}

/// Whether an item is of the named type (`Integer`, `System.String`, `FHIR.Patient`, `date`).
fn is_type(v: &Val<'_>, name: &str) -> bool {
    let bare = name.strip_prefix("System.").or_else(|| name.strip_prefix("FHIR.")).unwrap_or(name);
    if let Val::Node(n) = v {
        return n.get("resourceType").and_then(Value::as_str) == Some(bare)
            || (bare == "Quantity"
                && n.get("value").is_some()
                && (n.get("unit").is_some() || n.get("code").is_some()))
            || (bare == "Coding" && n.get("code").is_some() && n.get("system").is_some());
    }
    let t = type_name(v);
    if t == bare {
        return true;
    }
    // FHIR primitive names for values read from JSON
    matches!(
        (t, bare),
        ("Boolean", "boolean")
            | ("Integer", "integer" | "positiveInt" | "unsignedInt")
            | ("Decimal", "decimal")
            | ("String", "string" | "code" | "id" | "uri" | "url" | "canonical" | "markdown" | "oid" | "uuid")
            | ("Date", "date")
            | ("DateTime", "dateTime" | "instant")
            | ("Time", "time")
    )
}

fn to_text(v: &Val<'_>) -> Option<String> {
    let v = norm(v);
    Some(match v.as_ref() {
        Val::Bool(b) => b.to_string(),
        Val::Int(i) => i.to_string(),
        Val::Dec(d) => d.to_string(),
        Val::Str(s) => s.clone(),
        Val::Moment(m) => m.text(),
        Val::Quantity(d, u) => {
            if calendar_unit(u).is_some() && !u.chars().all(|c| c.is_ascii_lowercase() && u.len() <= 3) {
                format!("{d} {u}")
            } else {
                format!("{d} '{u}'")
            }
        }
        Val::Node(_) => return None,
    })
}

fn to_integer(v: &Val<'_>) -> Option<i64> {
    match v {
        Val::Int(i) => Some(*i),
        Val::Bool(b) => Some(i64::from(*b)),
        Val::Str(s) => {
            let t = s.strip_prefix('+').unwrap_or(s);
            if !t.is_empty() && t.trim_start_matches('-').bytes().all(|b| b.is_ascii_digit()) {
                t.parse().ok()
            } else {
                None
            }
        }
        _ => None,
    }
}

fn to_decimal(v: &Val<'_>) -> Option<Dec> {
    match v {
        Val::Int(i) => Some(Dec::from_int(*i)),
        Val::Dec(d) => Some(*d),
        Val::Bool(b) => Some(Dec::from_int(i64::from(*b))),
        Val::Str(s) if !s.contains(['e', 'E']) => Dec::parse(s),
        _ => None,
    }
}

fn to_boolean(v: &Val<'_>) -> Option<bool> {
    match v {
        Val::Bool(b) => Some(*b),
        Val::Int(1) => Some(true),
        Val::Int(0) => Some(false),
        Val::Dec(d) if d.is_zero() => Some(false),
        Val::Dec(d) if *d == Dec::from_int(1) => Some(true),
        Val::Str(s) => match s.to_lowercase().as_str() {
            "true" | "t" | "yes" | "y" | "1" | "1.0" => Some(true),
            "false" | "f" | "no" | "n" | "0" | "0.0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn to_quantity(v: &Val<'_>) -> Option<Val<'static>> {
    match v {
        Val::Int(_) | Val::Dec(_) => Some(Val::Quantity(as_dec(v)?, "1".into())),
        Val::Quantity(d, u) => Some(Val::Quantity(*d, u.clone())),
        Val::Str(s) => {
            let s = s.trim();
            let (n, unit) = s.split_once(' ').unwrap_or((s, "'1'"));
            let d = Dec::parse(n)?;
            let unit = unit.trim();
            let u = if let Some(q) = unit.strip_prefix('\'').and_then(|u| u.strip_suffix('\'')) {
                q.to_owned()
            } else if super::parse::CALENDAR.contains(&unit) {
                calendar_unit(unit)?.to_owned()
            } else {
                return None;
            };
            Some(Val::Quantity(d, u))
        }
        _ => None,
    }
}

fn distinct<'a>(c: Vec<Val<'a>>) -> Vec<Val<'a>> {
    let mut out: Vec<Val<'a>> = Vec::new();
    for v in c {
        if !out.iter().any(|o| equal(o, &v) == Some(true)) {
            out.push(v);
        }
    }
    out
}

fn contains<'a>(c: &[Val<'a>], v: &Val<'a>) -> bool {
    c.iter().any(|o| equal(o, v) == Some(true))
}

/// Arithmetic on two single items.
fn arithmetic<'a>(op: &str, a: &Val<'a>, b: &Val<'a>) -> Out<'a> {
    let (a, b) = (norm(a).into_owned(), norm(b).into_owned());
    let (a, b) = (&a, &b);
    let some = |v: Option<Val<'a>>| Ok(v.into_iter().collect());
    match (op, a, b) {
        ("+", Val::Str(x), Val::Str(y)) => return some(Some(Val::Str(format!("{x}{y}")))),
        ("+" | "-", Val::Moment(m), Val::Quantity(d, u)) => {
            // UCUM's 'a' and 'mo' are mean lengths, not calendar years and months
            let Some(unit) = calendar_unit(u).filter(|_| u != "a" && u != "mo") else {
                return Err(execution(format!("'{u}' cannot be added to a date")));
            };
            let amount = d.trunc().to_i64().ok_or_else(|| execution("too large a duration"))?;
            let amount = if op == "-" { -amount } else { amount };
            return some(m.add(amount, unit).map(Val::Moment));
        }
        (_, Val::Quantity(x, u), Val::Quantity(y, v)) => {
            return match op {
                "+" | "-" if u == v => {
                    some(if op == "+" { x.plus(*y) } else { x.minus(*y) }.map(|d| Val::Quantity(d, u.clone())))
                }
                "*" if u == "1" || v == "1" => {
                    some(x.times(*y).map(|d| Val::Quantity(d, if u == "1" { v.clone() } else { u.clone() })))
                }
                "/" if u == v => some(x.divided(*y).map(|d| Val::Quantity(d, "1".into()))),
                "/" if v == "1" => some(x.divided(*y).map(|d| Val::Quantity(d, u.clone()))),
                _ => Err(unsupported("arithmetic on quantities of different units (UCUM)")),
            };
        }
        ("*" | "/", Val::Quantity(x, u), n @ (Val::Int(_) | Val::Dec(_))) => {
            let y = as_dec(n).unwrap_or(Dec::ZERO);
            return some(if op == "*" { x.times(y) } else { x.divided(y) }.map(|d| Val::Quantity(d, u.clone())));
        }
        ("*", n @ (Val::Int(_) | Val::Dec(_)), Val::Quantity(x, u)) => {
            return some(as_dec(n).and_then(|y| x.times(y)).map(|d| Val::Quantity(d, u.clone())));
        }
        _ => {}
    }
    match (a, b) {
        (Val::Int(x), Val::Int(y)) => some(match op {
            "+" => x.checked_add(*y).map(Val::Int),
            "-" => x.checked_sub(*y).map(Val::Int),
            "*" => x.checked_mul(*y).map(Val::Int),
            "/" => Dec::from_int(*x).divided(Dec::from_int(*y)).map(Val::Dec),
            "div" => (*y != 0).then(|| x.checked_div(*y)).flatten().map(Val::Int),
            "mod" => (*y != 0).then(|| x.checked_rem(*y)).flatten().map(Val::Int),
            _ => None,
        }),
        (Val::Int(_) | Val::Dec(_), Val::Int(_) | Val::Dec(_)) => {
            let (x, y) = (as_dec(a).unwrap_or(Dec::ZERO), as_dec(b).unwrap_or(Dec::ZERO));
            some(
                match op {
                    "+" => x.plus(y),
                    "-" => x.minus(y),
                    "*" => x.times(y),
                    "/" => x.divided(y),
                    "div" => x.div_trunc(y),
                    "mod" => x.remainder(y),
                    _ => None,
                }
                .map(|d| if op == "div" { d.to_i64().map(Val::Int).unwrap_or(Val::Dec(d)) } else { Val::Dec(d) }),
            )
        }
        _ => Err(execution(format!("'{op}' cannot be applied to {} and {}", type_name(a), type_name(b)))),
    }
}

/// The scope an expression runs in: `$this`, `$index`, `$total`.
#[derive(Clone)]
struct Scope<'a, 's> {
    this: &'s [Val<'a>],
    index: Option<usize>,
    total: Option<&'s [Val<'a>]>,
}

/// Evaluates `expr` with `focus` as `$this`.
pub fn evaluate<'a>(expr: &Expr, focus: &[Val<'a>], env: &Env<'a>) -> Out<'a> {
    let scope = Scope { this: focus, index: None, total: None };
    Evaluator { env, depth: 0 }.eval(expr, &scope)
}

struct Evaluator<'e, 'a> {
    env: &'e Env<'a>,
    depth: usize,
}

impl<'a> Evaluator<'_, 'a> {
    fn eval(&mut self, e: &Expr, s: &Scope<'a, '_>) -> Out<'a> {
        self.depth += 1;
        if self.depth > 200 {
            return Err(execution("the expression nests too deeply"));
        }
        let out = self.eval_inner(e, s);
        self.depth -= 1;
        out
    }

    fn eval_inner(&mut self, e: &Expr, s: &Scope<'a, '_>) -> Out<'a> {
        match e {
            Expr::Literal(l) => literal(l),
            Expr::Empty => Ok(Vec::new()),
            Expr::This => Ok(s.this.to_vec()),
            Expr::IndexVar => Ok(s.index.map(|i| vec![Val::Int(i as i64)]).unwrap_or_default()),
            Expr::Total => Ok(s.total.map(<[Val<'a>]>::to_vec).unwrap_or_default()),
            Expr::External(name) => match name.as_str() {
                "ucum" => Ok(vec![Val::Str("http://unitsofmeasure.org".into())]),
                "sct" => Ok(vec![Val::Str("http://snomed.info/sct".into())]),
                "loinc" => Ok(vec![Val::Str("http://loinc.org".into())]),
                _ => match self.env.vars.get(name) {
                    Some(v) => Ok(v.clone()),
                    None => match (name.strip_prefix("vs-"), name.strip_prefix("ext-")) {
                        (Some(vs), _) => Ok(vec![Val::Str(format!("http://hl7.org/fhir/ValueSet/{vs}"))]),
                        (_, Some(ext)) => Ok(vec![Val::Str(format!("http://hl7.org/fhir/StructureDefinition/{ext}"))]),
                        _ => Err(execution(format!("%{name} is not defined"))),
                    },
                },
            },
            Expr::Member(target, name) => {
                let input = match target {
                    Some(t) => self.eval(t, s)?,
                    None => {
                        // `Patient.name`: a type name at the start filters the focus
                        if name.starts_with(|c: char| c.is_ascii_uppercase()) {
                            let typed: Vec<Val<'a>> = s.this.iter().filter(|v| is_type(v, name)).cloned().collect();
                            if !typed.is_empty()
                                || s.this.iter().any(|v| matches!(v, Val::Node(n) if n.get("resourceType").is_some()))
                            {
                                return Ok(typed);
                            }
                        }
                        s.this.to_vec()
                    }
                };
                let mut out = Vec::new();
                for v in &input {
                    match v {
                        Val::Node(n) => member(n, name, &mut out),
                        Val::Quantity(d, u) => match name.as_str() {
                            "value" => out.push(Val::Dec(*d)),
                            "unit" | "code" => out.push(Val::Str(u.clone())),
                            _ => {}
                        },
                        _ => {}
                    }
                }
                Ok(out)
            }
            Expr::Index(target, index) => {
                let input = self.eval(target, s)?;
                let i = self.eval(index, s)?;
                match single(&i)? {
                    Some(Val::Int(i)) => {
                        Ok(usize::try_from(*i).ok().and_then(|i| input.get(i).cloned()).into_iter().collect())
                    }
                    None => Ok(Vec::new()),
                    _ => Err(execution("an index must be an integer")),
                }
            }
            Expr::Negate(inner) => {
                let v = self.eval(inner, s)?;
                match single(&v)? {
                    None => Ok(Vec::new()),
                    Some(Val::Int(i)) => Ok(i.checked_neg().map(Val::Int).into_iter().collect()),
                    Some(Val::Dec(d)) => Ok(vec![Val::Dec(d.negated())]),
                    Some(Val::Quantity(d, u)) => Ok(vec![Val::Quantity(d.negated(), u.clone())]),
                    Some(_) => Err(execution("only a number can be negated")),
                }
            }
            Expr::Type(op, inner, name) => {
                let v = self.eval(inner, s)?;
                let Some(item) = single(&v)? else { return Ok(Vec::new()) };
                let is = is_type(item, name);
                Ok(if op == "is" {
                    vec![Val::Bool(is)]
                } else if is {
                    vec![item.clone()]
                } else {
                    Vec::new()
                })
            }
            Expr::Binary(op, l, r) => self.binary(op, l, r, s),
            Expr::Call(target, name, args) => {
                let input = match target {
                    Some(t) => self.eval(t, s)?,
                    None => s.this.to_vec(),
                };
                self.call(name, input, args, s)
            }
        }
    }

    fn binary(&mut self, op: &str, l: &Expr, r: &Expr, s: &Scope<'a, '_>) -> Out<'a> {
        match op {
            "and" | "or" | "xor" | "implies" => {
                let a = truth(&self.eval(l, s)?)?;
                // short circuits the specification allows
                match (op, a) {
                    ("and", Some(false)) => return Ok(boolean(Some(false))),
                    ("or", Some(true)) => return Ok(boolean(Some(true))),
                    ("implies", Some(false)) => return Ok(boolean(Some(true))),
                    _ => {}
                }
                let b = truth(&self.eval(r, s)?)?;
                return Ok(boolean(match op {
                    "and" => match (a, b) {
                        (_, Some(false)) => Some(false),
                        (Some(true), Some(true)) => Some(true),
                        _ => None,
                    },
                    "or" => match (a, b) {
                        (_, Some(true)) => Some(true),
                        (Some(false), Some(false)) => Some(false),
                        _ => None,
                    },
                    "xor" => a.zip(b).map(|(x, y)| x != y),
                    _ => match (a, b) {
                        (Some(true), b) => b,
                        (None, Some(true)) => Some(true),
                        _ => None,
                    },
                }));
            }
            _ => {}
        }
        let a = self.eval(l, s)?;
        let b = self.eval(r, s)?;
        match op {
            "|" => {
                let mut all = a;
                all.extend(b);
                Ok(distinct(all))
            }
            "=" | "!=" => {
                if a.is_empty() || b.is_empty() {
                    return Ok(Vec::new());
                }
                let eq = if a.len() != b.len() {
                    Some(false)
                } else {
                    let mut result = Some(true);
                    for (x, y) in a.iter().zip(&b) {
                        match equal(x, y) {
                            Some(true) => {}
                            Some(false) => {
                                result = Some(false);
                                break;
                            }
                            None => result = None,
                        }
                    }
                    result
                };
                Ok(boolean(if op == "=" { eq } else { eq.map(|e| !e) }))
            }
            "~" | "!~" => {
                let eq = a.len() == b.len()
                    && a.iter().all(|x| b.iter().any(|y| equivalent(x, y)))
                    && b.iter().all(|y| a.iter().any(|x| equivalent(x, y)));
                Ok(vec![Val::Bool(if op == "~" { eq } else { !eq })])
            }
            "<" | ">" | "<=" | ">=" => {
                let (Some(x), Some(y)) = (single(&a)?, single(&b)?) else { return Ok(Vec::new()) };
                let Some(o) = compare(x, y)? else { return Ok(Vec::new()) };
                Ok(vec![Val::Bool(match op {
                    "<" => o == Ordering::Less,
                    ">" => o == Ordering::Greater,
                    "<=" => o != Ordering::Greater,
                    _ => o != Ordering::Less,
                })])
            }
            "in" | "contains" => {
                let (item, list) = if op == "in" { (&a, &b) } else { (&b, &a) };
                let Some(item) = single(item)? else { return Ok(Vec::new()) };
                Ok(vec![Val::Bool(contains(list, item))])
            }
            "&" => {
                let text =
                    |c: &[Val<'a>]| -> Result<String, Error> { Ok(single(c)?.and_then(to_text).unwrap_or_default()) };
                Ok(vec![Val::Str(format!("{}{}", text(&a)?, text(&b)?))])
            }
            _ => {
                let (Some(x), Some(y)) = (single(&a)?, single(&b)?) else { return Ok(Vec::new()) };
                arithmetic(op, x, y)
            }
        }
    }

    /// Evaluates an argument with the function's input as `$this` (each item for the
    /// functions that iterate).
    fn arg(&mut self, args: &[Expr], i: usize, s: &Scope<'a, '_>) -> Out<'a> {
        match args.get(i) {
            Some(e) => self.eval(e, s),
            None => Err(execution("an argument is missing")),
        }
    }

    fn int_arg(&mut self, args: &[Expr], i: usize, s: &Scope<'a, '_>) -> Result<Option<i64>, Error> {
        match single(&self.arg(args, i, s)?)? {
            None => Ok(None),
            Some(Val::Int(n)) => Ok(Some(*n)),
            Some(_) => Err(execution("an integer argument was expected")),
        }
    }

    fn str_arg(&mut self, args: &[Expr], i: usize, s: &Scope<'a, '_>) -> Result<Option<String>, Error> {
        match single(&self.arg(args, i, s)?)? {
            None => Ok(None),
            Some(Val::Str(t)) => Ok(Some(t.clone())),
            Some(_) => Err(execution("a string argument was expected")),
        }
    }

    /// Runs `criteria` once per item, with the item as `$this` and its place as `$index`.
    fn each(&mut self, input: &[Val<'a>], criteria: &Expr) -> Result<Vec<Vec<Val<'a>>>, Error> {
        let mut out = Vec::with_capacity(input.len());
        for (i, item) in input.iter().enumerate() {
            let one = std::slice::from_ref(item);
            let scope = Scope { this: one, index: Some(i), total: None };
            out.push(self.eval(criteria, &scope)?);
        }
        Ok(out)
    }

    fn call(&mut self, name: &str, input: Vec<Val<'a>>, args: &[Expr], s: &Scope<'a, '_>) -> Out<'a> {
        let arity = |n: usize| -> Result<(), Error> {
            if args.len() == n { Ok(()) } else { Err(execution(format!("{name}() takes {n} argument(s)"))) }
        };
        // the input as `$this` for arguments that are not evaluated per item
        let here = Scope { this: s.this, index: s.index, total: s.total };
        Ok(match name {
            // existence
            "empty" => vec![Val::Bool(input.is_empty())],
            "exists" => {
                if args.is_empty() {
                    vec![Val::Bool(!input.is_empty())]
                } else {
                    let found = self.each(&input, &args[0])?.iter().any(|r| truth(r).ok().flatten() == Some(true));
                    vec![Val::Bool(found)]
                }
            }
            "all" => {
                arity(1)?;
                let all = self.each(&input, &args[0])?.iter().all(|r| truth(r).ok().flatten() == Some(true));
                vec![Val::Bool(all)]
            }
            "allTrue" | "anyTrue" | "allFalse" | "anyFalse" => {
                let bools =
                    input
                        .iter()
                        .map(|v| {
                            if let Val::Bool(b) = v {
                                Ok(*b)
                            } else {
                                Err(execution(format!("{name}() needs Booleans")))
                            }
                        })
                        .collect::<Result<Vec<bool>, Error>>()?;
                vec![Val::Bool(match name {
                    "allTrue" => bools.iter().all(|b| *b),
                    "anyTrue" => bools.iter().any(|b| *b),
                    "allFalse" => bools.iter().all(|b| !*b),
                    _ => bools.iter().any(|b| !*b),
                })]
            }
            "count" => vec![Val::Int(input.len() as i64)],
            "distinct" => distinct(input),
            "isDistinct" => vec![Val::Bool(distinct(input.clone()).len() == input.len())],
            "subsetOf" | "supersetOf" => {
                let other = self.arg(args, 0, &here)?;
                let (small, big) = if name == "subsetOf" { (&input, &other) } else { (&other, &input) };
                vec![Val::Bool(small.iter().all(|v| contains(big, v)))]
            }
            // filtering and projection
            "where" => {
                arity(1)?;
                let keep = self.each(&input, &args[0])?;
                let mut out = Vec::new();
                for (item, r) in input.into_iter().zip(keep) {
                    if truth(&r)? == Some(true) {
                        out.push(item);
                    }
                }
                out
            }
            "select" => {
                arity(1)?;
                self.each(&input, &args[0])?.into_iter().flatten().collect()
            }
            "repeat" => {
                arity(1)?;
                let mut out: Vec<Val<'a>> = Vec::new();
                let mut next = input;
                let mut rounds = 0;
                while !next.is_empty() {
                    rounds += 1;
                    if rounds > 1000 {
                        return Err(execution("repeat() does not end"));
                    }
                    let found: Vec<Val<'a>> = self.each(&next, &args[0])?.into_iter().flatten().collect();
                    next = Vec::new();
                    for v in found {
                        if !contains(&out, &v) {
                            out.push(v.clone());
                            next.push(v);
                        }
                    }
                }
                out
            }
            "ofType" => {
                arity(1)?;
                let t = match &args[0] {
                    Expr::Member(None, n) => n.clone(),
                    Expr::Member(Some(ns), n) => match ns.as_ref() {
                        Expr::Member(None, space) => format!("{space}.{n}"),
                        _ => return Err(execution("ofType() takes a type name")),
                    },
                    _ => return Err(execution("ofType() takes a type name")),
                };
                input.into_iter().filter(|v| is_type(v, &t)).collect()
            }
            "is" | "as" => {
                arity(1)?;
                let t = match &args[0] {
                    Expr::Member(None, n) => n.clone(),
                    _ => return Err(execution(format!("{name}() takes a type name"))),
                };
                let Some(item) = single(&input)? else { return Ok(Vec::new()) };
                let is = is_type(item, &t);
                if name == "is" {
                    vec![Val::Bool(is)]
                } else if is {
                    vec![item.clone()]
                } else {
                    Vec::new()
                }
            }
            // subsetting
            "single" => single(&input)?.cloned().into_iter().collect(),
            "first" => input.into_iter().take(1).collect(),
            "last" => input.last().cloned().into_iter().collect(),
            "tail" => input.into_iter().skip(1).collect(),
            "skip" => {
                let n = self.int_arg(args, 0, &here)?.unwrap_or(0);
                input.into_iter().skip(usize::try_from(n).unwrap_or(0)).collect()
            }
            "take" => {
                let n = self.int_arg(args, 0, &here)?.unwrap_or(0);
                input.into_iter().take(usize::try_from(n).unwrap_or(0)).collect()
            }
            "intersect" | "exclude" | "union" | "combine" => {
                let other = self.arg(args, 0, &here)?;
                match name {
                    "intersect" => distinct(input.into_iter().filter(|v| contains(&other, v)).collect()),
                    "exclude" => input.into_iter().filter(|v| !contains(&other, v)).collect(),
                    "union" => distinct(input.into_iter().chain(other).collect()),
                    _ => input.into_iter().chain(other).collect(),
                }
            }
            // conditionals and logic
            "iif" => {
                if !(2..=3).contains(&args.len()) {
                    return Err(execution("iif() takes 2 or 3 arguments"));
                }
                if input.len() > 1 {
                    return Err(execution("iif() on a collection"));
                }
                // `$this` in the criterion and the results is the input
                let own =
                    Scope { this: if input.is_empty() { s.this } else { &input }, index: s.index, total: s.total };
                let cond = truth(&self.eval(&args[0], &own)?)?;
                if cond == Some(true) {
                    self.eval(&args[1], &own)?
                } else if let Some(other) = args.get(2) {
                    self.eval(other, &own)?
                } else {
                    Vec::new()
                }
            }
            "not" => boolean(truth(&input)?.map(|b| !b)),
            "trace" => input,
            "children" | "descendants" => {
                let mut out = Vec::new();
                let mut next = input;
                loop {
                    let mut found = Vec::new();
                    for v in &next {
                        if let Val::Node(Value::Object(map)) = v {
                            for (k, child) in map {
                                push_json(child, Some(k), &mut found);
                            }
                        }
                    }
                    if name == "children" || found.is_empty() {
                        out.extend(found);
                        break;
                    }
                    out.extend(found.iter().cloned());
                    next = found;
                }
                out
            }
            "extension" => {
                let url = self.str_arg(args, 0, &here)?.unwrap_or_default();
                let mut out = Vec::new();
                for v in &input {
                    if let Val::Node(n) = v {
                        for e in n.get("extension").and_then(Value::as_array).into_iter().flatten() {
                            if e.get("url").and_then(Value::as_str) == Some(url.as_str()) {
                                out.push(Val::Node(e));
                            }
                        }
                    }
                }
                out
            }
            "hasValue" => vec![Val::Bool(matches!(single(&input)?, Some(v) if !matches!(v, Val::Node(_))))],
            // conversions
            "toInteger" | "toDecimal" | "toString" | "toBoolean" | "toDate" | "toDateTime" | "toTime"
            | "toQuantity" => {
                let Some(v) = single(&input)? else { return Ok(Vec::new()) };
                let converted: Option<Val<'a>> = match name {
                    "toInteger" => to_integer(v).map(Val::Int),
                    "toDecimal" => to_decimal(v).map(Val::Dec),
                    "toString" => to_text(v).map(Val::Str),
                    "toBoolean" => to_boolean(v).map(Val::Bool),
                    "toDate" => as_moment(v).filter(|m| m.kind != Kind::Time).map(|m| Val::Moment(m.as_date())),
                    "toDateTime" => as_moment(v)
                        .filter(|m| m.kind != Kind::Time)
                        .map(|m| Val::Moment(super::time::Moment { kind: Kind::DateTime, ..m })),
                    "toTime" => match v {
                        Val::Str(t) => Moment::parse_plain_time(t).map(Val::Moment),
                        Val::Moment(m) if m.kind == Kind::Time => Some(v.clone()),
                        _ => None,
                    },
                    _ => to_quantity(v),
                };
                converted.into_iter().collect()
            }
            "convertsToInteger" | "convertsToDecimal" | "convertsToString" | "convertsToBoolean" | "convertsToDate"
            | "convertsToDateTime" | "convertsToTime" | "convertsToQuantity" => {
                let Some(v) = single(&input)? else { return Ok(Vec::new()) };
                let ok = match name {
                    "convertsToInteger" => to_integer(v).is_some(),
                    "convertsToDecimal" => to_decimal(v).is_some(),
                    "convertsToString" => to_text(v).is_some(),
                    "convertsToBoolean" => to_boolean(v).is_some(),
                    "convertsToDate" => as_moment(v).is_some_and(|m| m.kind != Kind::Time),
                    "convertsToDateTime" => as_moment(v).is_some_and(|m| m.kind != Kind::Time),
                    "convertsToTime" => match v {
                        Val::Str(t) => Moment::parse_plain_time(t).is_some(),
                        Val::Moment(m) => m.kind == Kind::Time,
                        _ => false,
                    },
                    _ => to_quantity(v).is_some(),
                };
                vec![Val::Bool(ok)]
            }
            // strings
            "length" | "upper" | "lower" | "trim" | "toChars" | "startsWith" | "endsWith" | "contains" | "indexOf"
            | "substring" | "replace" | "split" | "matches" | "matchesFull" | "replaceMatches" | "encode"
            | "decode" | "escape" | "unescape" | "lastIndexOf" => {
                let text = match single(&input)? {
                    None => return Ok(Vec::new()),
                    Some(Val::Str(t)) => t.clone(),
                    Some(v) if name == "contains" || name == "length" => match to_text(v) {
                        Some(t) if !matches!(v, Val::Node(_)) => t,
                        _ => return Err(execution(format!("{name}() needs a string"))),
                    },
                    Some(_) => return Err(execution(format!("{name}() needs a string"))),
                };
                self.string_fn(name, &text, args, &here)?
            }
            "join" => {
                let sep =
                    if args.is_empty() { String::new() } else { self.str_arg(args, 0, &here)?.unwrap_or_default() };
                let parts: Vec<String> = input.iter().filter_map(to_text).collect();
                vec![Val::Str(parts.join(&sep))]
            }
            // maths
            "abs" | "ceiling" | "floor" | "truncate" | "round" | "sqrt" | "ln" | "exp" | "log" | "power" => {
                let Some(v) = single(&input)? else { return Ok(Vec::new()) };
                self.math(name, v, args, &here)?
            }
            // aggregates
            "sum" | "min" | "max" | "avg" => aggregate_fn(name, &input)?,
            "aggregate" => {
                if args.is_empty() || args.len() > 2 {
                    return Err(execution("aggregate() takes 1 or 2 arguments"));
                }
                let mut total = match args.get(1) {
                    Some(init) => self.eval(init, &here)?,
                    None => Vec::new(),
                };
                for (i, item) in input.iter().enumerate() {
                    let one = std::slice::from_ref(item);
                    let scope = Scope { this: one, index: Some(i), total: Some(&total) };
                    let next = self.eval(&args[0], &scope)?;
                    total = next;
                }
                total
            }
            // time
            "today" | "now" | "timeOfDay" if self.env.now_ms == super::NO_CLOCK => {
                return Err(unsupported(&format!("{name}() without a clock")));
            }
            "today" => vec![Val::Moment(Moment::from_epoch_ms(self.env.now_ms, self.env.tz_minutes).as_date())],
            "now" => vec![Val::Moment(Moment::from_epoch_ms(self.env.now_ms, self.env.tz_minutes))],
            "timeOfDay" => {
                let n = Moment::from_epoch_ms(self.env.now_ms, self.env.tz_minutes);
                vec![Val::Moment(Moment { kind: Kind::Time, tz: None, ..n })]
            }
            // SDC
            "answers" => {
                // every answer of the items in the input, nested ones included
                let mut out = Vec::new();
                let mut stack: Vec<&'a Value> =
                    input.iter().filter_map(|v| if let Val::Node(n) = v { Some(*n) } else { None }).collect();
                while let Some(n) = stack.pop() {
                    for a in n.get("answer").and_then(Value::as_array).into_iter().flatten() {
                        out.push(Val::Node(a));
                        stack.extend(a.get("item").and_then(Value::as_array).into_iter().flatten());
                    }
                    stack.extend(n.get("item").and_then(Value::as_array).into_iter().flatten());
                }
                out
            }
            "ordinal" | "weight" => {
                // the ordinalValue / itemWeight of each Coding (or answer holding one)
                let mut out = Vec::new();
                for v in &input {
                    let Val::Node(n) = v else { continue };
                    let coding = n.get("valueCoding").unwrap_or(n);
                    let weight = coding.get("extension").and_then(Value::as_array).into_iter().flatten().find(|e| {
                        matches!(
                            e.get("url").and_then(Value::as_str),
                            Some(
                                "http://hl7.org/fhir/StructureDefinition/ordinalValue"
                                    | "http://hl7.org/fhir/StructureDefinition/itemWeight"
                                    | "http://hl7.org/fhir/StructureDefinition/iso21090-CO-value"
                            )
                        )
                    });
                    if let Some(w) = weight.and_then(|e| e.get("valueDecimal").or_else(|| e.get("valueInteger"))) {
                        push_json(w, None, &mut out);
                    }
                }
                out
            }
            "resolve" | "memberOf" | "subsumes" | "subsumedBy" | "htmlChecks" | "conformsTo" | "type"
            | "defineVariable" | "lowBoundary" | "highBoundary" | "precision" | "comparable" | "sort" => {
                return Err(unsupported(&format!("{name}()")));
            }
            _ => return Err(unsupported(&format!("{name}()"))),
        })
    }

    fn string_fn(&mut self, name: &str, text: &str, args: &[Expr], s: &Scope<'a, '_>) -> Out<'a> {
        let chars: Vec<char> = text.chars().collect();
        let find = |hay: &[char], needle: &[char]| -> Option<usize> {
            if needle.is_empty() {
                return Some(0);
            }
            hay.windows(needle.len()).position(|w| w == needle)
        };
        Ok(match name {
            "length" => vec![Val::Int(chars.len() as i64)],
            "upper" => vec![Val::Str(text.to_uppercase())],
            "lower" => vec![Val::Str(text.to_lowercase())],
            "trim" => vec![Val::Str(text.trim().to_owned())],
            "toChars" => chars.iter().map(|c| Val::Str(c.to_string())).collect(),
            "startsWith" | "endsWith" | "contains" => {
                let Some(arg) = self.str_arg(args, 0, s)? else { return Ok(Vec::new()) };
                vec![Val::Bool(match name {
                    "startsWith" => text.starts_with(&arg),
                    "endsWith" => text.ends_with(&arg),
                    _ => text.contains(&arg),
                })]
            }
            "indexOf" | "lastIndexOf" => {
                let Some(arg) = self.str_arg(args, 0, s)? else { return Ok(Vec::new()) };
                let needle: Vec<char> = arg.chars().collect();
                let at = if name == "indexOf" {
                    find(&chars, &needle)
                } else if needle.is_empty() {
                    Some(chars.len())
                } else {
                    chars.windows(needle.len()).rposition(|w| w == needle.as_slice())
                };
                vec![Val::Int(at.map(|i| i as i64).unwrap_or(-1))]
            }
            "substring" => {
                let Some(start) = self.int_arg(args, 0, s)? else { return Ok(Vec::new()) };
                let len = if args.len() > 1 { self.int_arg(args, 1, s)? } else { None };
                if start < 0 || start as usize >= chars.len() {
                    return Ok(Vec::new());
                }
                let start = start as usize;
                let end = match len {
                    Some(l) => start.saturating_add(usize::try_from(l.max(0)).unwrap_or(0)).min(chars.len()),
                    None => chars.len(),
                };
                vec![Val::Str(chars[start..end].iter().collect())]
            }
            "replace" => {
                let (Some(from), Some(to)) = (self.str_arg(args, 0, s)?, self.str_arg(args, 1, s)?) else {
                    return Ok(Vec::new());
                };
                let replaced = if from.is_empty() {
                    // between every character, and at both ends
                    let mut out = to.clone();
                    for c in &chars {
                        out.push(*c);
                        out.push_str(&to);
                    }
                    out
                } else {
                    text.replace(&from, &to)
                };
                vec![Val::Str(replaced)]
            }
            "split" => {
                let Some(sep) = self.str_arg(args, 0, s)? else { return Ok(Vec::new()) };
                text.split(sep.as_str()).map(|p| Val::Str(p.to_owned())).collect()
            }
            "matches" | "matchesFull" => {
                let Some(pattern) = self.str_arg(args, 0, s)? else { return Ok(Vec::new()) };
                let Some(regex) = self.env.regex else { return Err(unsupported(&format!("{name}()"))) };
                // the caller's regex matches the whole text; `matches` looks within it
                let pattern = if name == "matches" { format!("[\\s\\S]*(?:{pattern})[\\s\\S]*") } else { pattern };
                match regex(&pattern, text) {
                    Some(m) => vec![Val::Bool(m)],
                    None => return Err(execution("a regular expression that does not compile")),
                }
            }
            _ => return Err(unsupported(&format!("{name}()"))),
        })
    }

    fn math(&mut self, name: &str, v: &Val<'a>, args: &[Expr], s: &Scope<'a, '_>) -> Out<'a> {
        if let Val::Quantity(d, u) = v {
            return Ok(match name {
                "abs" => vec![Val::Quantity(d.abs(), u.clone())],
                _ => return Err(execution(format!("{name}() needs a number"))),
            });
        }
        let Some(d) = as_dec(v) else { return Err(execution(format!("{name}() needs a number"))) };
        let int = matches!(v, Val::Int(_));
        let float =
            |f: f64| -> Vec<Val<'a>> { Dec::from_f64(f).map(|d| Val::Dec(d.round(8).trimmed())).into_iter().collect() };
        Ok(match name {
            "abs" => vec![if let Val::Int(i) = v { Val::Int(i.abs()) } else { Val::Dec(d.abs()) }],
            "ceiling" => d.ceil().to_i64().map(Val::Int).into_iter().collect(),
            "floor" => d.floor().to_i64().map(Val::Int).into_iter().collect(),
            "truncate" => d.trunc().to_i64().map(Val::Int).into_iter().collect(),
            "round" => {
                let places = if args.is_empty() { 0 } else { self.int_arg(args, 0, s)?.unwrap_or(0) };
                if places < 0 {
                    return Err(execution("round() needs a precision of 0 or more"));
                }
                vec![Val::Dec(d.round(places as u32))]
            }
            "sqrt" => {
                if d.is_negative() {
                    Vec::new()
                } else {
                    float(d.to_f64().sqrt())
                }
            }
            "ln" => {
                if d.is_negative() || d.is_zero() {
                    Vec::new()
                } else {
                    float(d.to_f64().ln())
                }
            }
            "exp" => float(d.to_f64().exp()),
            "log" => {
                let base = single(&self.arg(args, 0, s)?)?.and_then(as_dec);
                match base {
                    Some(b) if !d.is_negative() && !d.is_zero() => float(d.to_f64().ln() / b.to_f64().ln()),
                    _ => Vec::new(),
                }
            }
            _ => {
                let exp = single(&self.arg(args, 0, s)?)?.cloned();
                match exp {
                    None => Vec::new(),
                    Some(Val::Int(e)) if int && e >= 0 => {
                        let base = if let Val::Int(i) = v { *i } else { 0 };
                        u32::try_from(e).ok().and_then(|e| base.checked_pow(e)).map(Val::Int).into_iter().collect()
                    }
                    Some(e) => {
                        let e = as_dec(&e).ok_or_else(|| execution("power() needs a number"))?;
                        let r = d.to_f64().powf(e.to_f64());
                        if r.is_nan() { Vec::new() } else { float(r) }
                    }
                }
            }
        })
    }
}

fn aggregate_fn<'a>(name: &str, input: &[Val<'a>]) -> Out<'a> {
    if input.is_empty() {
        return Ok(if name == "sum" { vec![Val::Int(0)] } else { Vec::new() });
    }
    match name {
        "sum" | "avg" => {
            let mut total = input[0].clone();
            for v in &input[1..] {
                total = arithmetic("+", &total, v)?.into_iter().next().ok_or_else(|| execution("sum() overflows"))?;
            }
            if name == "sum" {
                return Ok(vec![total]);
            }
            arithmetic("/", &total, &Val::Int(input.len() as i64))
        }
        _ => {
            let mut best = input[0].clone();
            for v in &input[1..] {
                let o = compare(v, &best)?;
                if (name == "min" && o == Some(Ordering::Less)) || (name == "max" && o == Some(Ordering::Greater)) {
                    best = v.clone();
                }
            }
            Ok(vec![best])
        }
    }
}

fn literal<'a>(l: &Literal) -> Out<'a> {
    Ok(vec![match l {
        Literal::Bool(b) => Val::Bool(*b),
        Literal::Str(s) => Val::Str(s.clone()),
        Literal::Int(i) => Val::Int(*i),
        Literal::Dec(d) => Val::Dec(Dec::parse(d).ok_or_else(|| execution(format!("{d} is not a number")))?),
        Literal::Moment(m) => Val::Moment(Moment::parse(m).ok_or_else(|| execution(format!("@{m} is not a date")))?),
        Literal::Quantity(n, u) => {
            let d = Dec::parse(n).ok_or_else(|| execution(format!("{n} is not a number")))?;
            let unit = if super::parse::CALENDAR.contains(&u.as_str()) {
                calendar_unit(u).unwrap_or("day").to_owned()
            } else {
                u.clone()
            };
            Val::Quantity(d, unit)
        }
    }])
}

/// A collection as a form author reads it: `22.9`, `'text'`, `[1, 2]`, `{}`.
pub fn describe(c: &[Val<'_>]) -> String {
    let one = |v: &Val<'_>| match v {
        Val::Str(s) => format!("'{s}'"),
        Val::Node(n) => match n.get("code").and_then(Value::as_str) {
            Some(code) => format!("Coding {code}"),
            None => "{…}".to_owned(),
        },
        other => to_text(other).unwrap_or_default(),
    };
    match c {
        [] => "{}".to_owned(),
        [v] => one(v),
        many => format!("[{}]", many.iter().map(one).collect::<Vec<_>>().join(", ")),
    }
}

/// An answer value for a QuestionnaireResponse from one result item (`valueInteger`,
/// `valueDecimal`, `valueCoding` …), or `None` for what no answer can hold.
pub fn to_answer(v: &Val<'_>) -> Option<(&'static str, Value)> {
    Some(match v {
        Val::Bool(b) => ("valueBoolean", Value::Bool(*b)),
        Val::Int(i) => ("valueInteger", Value::from(*i)),
        Val::Dec(d) => ("valueDecimal", serde_json::from_str(&d.to_string()).ok()?),
        Val::Str(s) => ("valueString", Value::String(s.clone())),
        Val::Moment(m) => (
            match m.kind {
                Kind::Date => "valueDate",
                Kind::DateTime => "valueDateTime",
                Kind::Time => "valueTime",
            },
            Value::String(m.text()),
        ),
        Val::Quantity(d, u) => (
            "valueQuantity",
            serde_json::json!({ "value": serde_json::from_str::<Value>(&d.to_string()).ok()?, "unit": u, "system": "http://unitsofmeasure.org", "code": u }),
        ),
        Val::Node(n) if n.get("code").is_some() => ("valueCoding", (*n).clone()),
        Val::Node(_) => return None,
    })
}

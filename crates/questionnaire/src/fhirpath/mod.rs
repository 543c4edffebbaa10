//! A FHIRPath evaluator over the JSON the engine already holds (FHIRPath N1 with the SDC
//! additions), written for forms: pure Rust, no FHIR type model, no regex or date crate, and
//! the same code in the app and on the server, so a score is the same on both.
//!
//! - [`parse`]: the whole grammar; a syntax error is [`Error::Syntax`], never a panic.
//! - [`Env`] and [`evaluate`]: collections, paths and choice types (`answer.value` finds
//!   `valueCoding`), functions, boolean logic with empty propagation, exact decimal arithmetic
//!   ([`num::Dec`]), dates with partial precision and calendar durations ([`time::Moment`]),
//!   quantities in their own units, `%variables`, `$this`/`$index`/`$total`.
//! - What is not implemented is [`Error::Unsupported`] with its name, which the engine lists
//!   among a form's unsupported features; it never gives a wrong answer silently.
//!
//! Without a type model, a JSON string is a string until it meets a date, date-time or time
//! (compared, or converted with `toDate()` etc.), when it is read as one; `is`/`as`/`ofType`
//! know the System types and a resource's `resourceType`.

pub mod eval;
pub mod num;
pub mod parse;
pub mod time;

use std::collections::HashMap;

pub use eval::{Val, evaluate};
pub use parse::{Expr, parse};
use serde_json::Value;

/// Why an expression gives no answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// Not FHIRPath (the message says where).
    Syntax(String),
    /// Valid, but uses something not implemented here (its name).
    Unsupported(String),
    /// Fails when run: a single item expected and several found, a wrong argument type.
    Execution(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Syntax(m) => write!(f, "syntax error: {m}"),
            Error::Unsupported(m) => write!(f, "not supported: {m}"),
            Error::Execution(m) => write!(f, "evaluation error: {m}"),
        }
    }
}

/// `Env::now_ms` when no clock was given: `now()` and `today()` are then unsupported.
pub const NO_CLOCK: i64 = i64::MIN;

/// What an evaluation sees besides its focus: named values (`%resource`, `%patient`,
/// variables) and the moment `now()` and `today()` give, fixed for one evaluation pass.
pub struct Env<'a> {
    pub vars: HashMap<String, Vec<Val<'a>>>,
    /// Milliseconds since the epoch, and the local offset in minutes.
    pub now_ms: i64,
    pub tz_minutes: i32,
    /// The caller's regular expressions (`matches`, `replaceMatches`); without one those are
    /// unsupported.
    pub regex: Option<fn(&str, &str) -> Option<bool>>,
}

impl<'a> Env<'a> {
    pub fn new(now_ms: i64, tz_minutes: i32) -> Env<'a> {
        Env { vars: HashMap::new(), now_ms, tz_minutes, regex: None }
    }

    /// Binds `%name` to a JSON resource (or any JSON value).
    pub fn with_json(mut self, name: &str, value: &'a Value) -> Env<'a> {
        self.vars.insert(name.to_owned(), eval::from_json(value));
        self
    }

    pub fn set(&mut self, name: &str, value: Vec<Val<'a>>) {
        self.vars.insert(name.to_owned(), value);
    }
}

/// Parses and evaluates `expression` with `focus` as its input (`$this`).
pub fn run<'a>(expression: &str, focus: &'a Value, env: &Env<'a>) -> Result<Vec<Val<'a>>, Error> {
    evaluate(&parse(expression)?, &eval::from_json(focus), env)
}

//! The FHIRPath grammar (N1, normative): a lexer and a precedence-climbing parser into
//! [`Expr`]. Every expression of the grammar parses; what the evaluator does not implement is
//! reported when it is evaluated, never here.

use super::Error;

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Bool(bool),
    Str(String),
    /// Digits as written (`5`, `5L`).
    Int(i64),
    /// As written (`1.50`).
    Dec(String),
    /// `@2014-01-25`, `@2014-01-25T14:30`, `@T14:30` without the `@`.
    Moment(String),
    /// A number and its unit: a UCUM code in quotes, or a calendar word (`year`, `days`).
    Quantity(String, String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Literal(Literal),
    /// `{}`
    Empty,
    /// A name at the start of an expression or after a dot; `None` target means the focus.
    Member(Option<Box<Expr>>, String),
    /// A function call; `None` target means the focus.
    Call(Option<Box<Expr>>, String, Vec<Expr>),
    Index(Box<Expr>, Box<Expr>),
    /// `%name`
    External(String),
    This,
    IndexVar,
    Total,
    Negate(Box<Expr>),
    Binary(String, Box<Expr>, Box<Expr>),
    /// `is` / `as` with a type name (`System.Integer`, `Quantity`).
    Type(String, Box<Expr>, String),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    /// A `backtick` name (never a keyword).
    Quoted(String),
    Str(String),
    Num(String),
    Moment(String),
    External(String),
    Special(String),
    Sym(&'static str),
}

const SYMS: [&str; 22] =
    ["<=", ">=", "!=", "!~", "(", ")", "[", "]", "{", "}", ".", ",", "|", "+", "-", "*", "/", "&", "=", "~", "<", ">"];

fn syntax(msg: impl Into<String>) -> Error {
    Error::Syntax(msg.into())
}

fn unescape(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>, end: char) -> Result<String, Error> {
    let mut out = String::new();
    loop {
        let Some((_, c)) = chars.next() else { return Err(syntax("an unfinished string")) };
        match c {
            c if c == end => return Ok(out),
            '\\' => {
                let Some((_, e)) = chars.next() else { return Err(syntax("an unfinished escape")) };
                match e {
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    'f' => out.push('\u{c}'),
                    'u' => {
                        let hex: String = (0..4).filter_map(|_| chars.next().map(|(_, c)| c)).collect();
                        let code = u32::from_str_radix(&hex, 16).map_err(|_| syntax("a bad \\u escape"))?;
                        out.push(char::from_u32(code).ok_or_else(|| syntax("a bad \\u escape"))?);
                    }
                    other => out.push(other),
                }
            }
            c => out.push(c),
        }
    }
}

fn lex(src: &str) -> Result<Vec<Tok>, Error> {
    let mut out = Vec::new();
    let mut chars = src.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let rest = &src[i..];
        if rest.starts_with("//") {
            while chars.peek().is_some_and(|&(_, c)| c != '\n') {
                chars.next();
            }
            continue;
        }
        if let Some(body) = rest.strip_prefix("/*") {
            let Some(end) = body.find("*/") else { return Err(syntax("an unfinished comment")) };
            let stop = i + 2 + end + 2;
            while chars.peek().is_some_and(|&(j, _)| j < stop) {
                chars.next();
            }
            continue;
        }
        if c == '\'' {
            chars.next();
            out.push(Tok::Str(unescape(&mut chars, '\'')?));
            continue;
        }
        if c == '`' {
            chars.next();
            out.push(Tok::Quoted(unescape(&mut chars, '`')?));
            continue;
        }
        if c == '@' {
            chars.next();
            let mut text = String::new();
            while let Some(&(_, c)) = chars.peek() {
                if c.is_ascii_alphanumeric() || matches!(c, '-' | ':' | '.' | '+') {
                    // a `.` ends the literal unless a digit follows (`@2014.x` is a path)
                    if c == '.' {
                        let mut ahead = chars.clone();
                        ahead.next();
                        if !ahead.peek().is_some_and(|&(_, d)| d.is_ascii_digit()) {
                            break;
                        }
                    }
                    // a `-`/`+` after a complete date-time time part is its zone; after a
                    // date it would be arithmetic, but dates carry no zone, so stop only
                    // where the text is a whole date already followed by an operator space
                    text.push(c);
                    chars.next();
                } else {
                    break;
                }
            }
            if text.is_empty() {
                return Err(syntax("a lone @"));
            }
            out.push(Tok::Moment(text));
            continue;
        }
        if c.is_ascii_digit() {
            let mut text = String::new();
            while let Some(&(_, c)) = chars.peek() {
                if c.is_ascii_digit() {
                    text.push(c);
                    chars.next();
                } else if c == '.' && !text.contains('.') {
                    let mut ahead = chars.clone();
                    ahead.next();
                    if ahead.peek().is_some_and(|&(_, d)| d.is_ascii_digit()) {
                        text.push(c);
                        chars.next();
                    } else {
                        break;
                    }
                } else {
                    break;
                }
            }
            if chars.peek().is_some_and(|&(_, c)| c == 'L') {
                chars.next();
                text.push('L');
            }
            out.push(Tok::Num(text));
            continue;
        }
        if c == '%' {
            chars.next();
            match chars.peek() {
                Some(&(_, '`')) => {
                    chars.next();
                    out.push(Tok::External(unescape(&mut chars, '`')?));
                }
                Some(&(_, '\'')) => {
                    chars.next();
                    out.push(Tok::External(unescape(&mut chars, '\'')?));
                }
                _ => {
                    // FHIR's own constants have hyphens (`%vs-administrative-gender`,
                    // `%ext-…`), and so may an SDC variable's name (an `id`): `%has-fever` is
                    // one name (a subtraction is written with spaces)
                    let mut name = ident(&mut chars);
                    while name.chars().next().is_some_and(char::is_alphabetic) {
                        let mut look = chars.clone();
                        if look.next().map(|(_, c)| c) == Some('-')
                            && look.peek().is_some_and(|&(_, c)| c.is_alphanumeric())
                        {
                            chars.next();
                            name.push('-');
                            name.push_str(&ident(&mut chars));
                        } else {
                            break;
                        }
                    }
                    if name.is_empty() {
                        return Err(syntax("a lone %"));
                    }
                    out.push(Tok::External(name));
                }
            }
            continue;
        }
        if c == '$' {
            chars.next();
            let name = ident(&mut chars);
            out.push(Tok::Special(name));
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            out.push(Tok::Ident(ident(&mut chars)));
            continue;
        }
        let Some(sym) = SYMS.iter().find(|s| rest.starts_with(**s)) else {
            return Err(syntax(format!("an unexpected character '{c}'")));
        };
        for _ in 0..sym.chars().count() {
            chars.next();
        }
        out.push(Tok::Sym(sym));
    }
    Ok(out)
}

fn ident(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>) -> String {
    let mut name = String::new();
    while let Some(&(_, c)) = chars.peek() {
        if c.is_alphanumeric() || c == '_' {
            name.push(c);
            chars.next();
        } else {
            break;
        }
    }
    name
}

/// Calendar words a number may carry as its unit.
pub const CALENDAR: [&str; 16] = [
    "year",
    "years",
    "month",
    "months",
    "week",
    "weeks",
    "day",
    "days",
    "hour",
    "hours",
    "minute",
    "minutes",
    "second",
    "seconds",
    "millisecond",
    "milliseconds",
];

struct Parser {
    toks: Vec<Tok>,
    at: usize,
    /// Nesting of parentheses and calls (a limit keeps the stack safe).
    depth: usize,
}

/// The deepest nesting an expression may have.
const MAX_DEPTH: usize = 64;

/// Binary operators by precedence, loosest first.
const LEVELS: [&[&str]; 10] = [
    &["implies"],
    &["or", "xor"],
    &["and"],
    &["in", "contains"],
    &["=", "~", "!=", "!~"],
    &["<", ">", "<=", ">="],
    &["|"],
    &["is", "as"],
    &["+", "-", "&"],
    &["*", "/", "div", "mod"],
];

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn eat(&mut self, sym: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Sym(s)) if *s == sym) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, sym: &str) -> Result<(), Error> {
        if self.eat(sym) { Ok(()) } else { Err(syntax(format!("expected '{sym}'"))) }
    }

    fn operator_at(&self, level: usize) -> Option<String> {
        let word = match self.peek()? {
            Tok::Sym(s) => (*s).to_owned(),
            Tok::Ident(s) => s.clone(),
            _ => return None,
        };
        LEVELS[level].contains(&word.as_str()).then_some(word)
    }

    fn expr(&mut self, level: usize) -> Result<Expr, Error> {
        if level == 0 {
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return Err(syntax("the expression nests too deeply"));
            }
            let e = self.expr(1);
            self.depth -= 1;
            return e.and_then(|first| self.rest(0, first));
        }
        if level == LEVELS.len() {
            return self.unary();
        }
        let left = self.expr(level + 1)?;
        self.rest(level, left)
    }

    /// The operators of `level` after its first operand.
    fn rest(&mut self, level: usize, first: Expr) -> Result<Expr, Error> {
        let mut left = first;
        while let Some(op) = self.operator_at(level) {
            self.at += 1;
            if op == "is" || op == "as" {
                let name = self.type_name()?;
                left = Expr::Type(op, Box::new(left), name);
            } else {
                let right = self.expr(level + 1)?;
                left = Expr::Binary(op, Box::new(left), Box::new(right));
            }
        }
        Ok(left)
    }

    fn type_name(&mut self) -> Result<String, Error> {
        let mut name = match self.next() {
            Some(Tok::Ident(s) | Tok::Quoted(s)) => s,
            _ => return Err(syntax("expected a type name")),
        };
        while self.eat(".") {
            match self.next() {
                Some(Tok::Ident(s) | Tok::Quoted(s)) => {
                    name.push('.');
                    name.push_str(&s);
                }
                _ => return Err(syntax("expected a type name")),
            }
        }
        Ok(name)
    }

    fn unary(&mut self) -> Result<Expr, Error> {
        if self.eat("-") {
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return Err(syntax("the expression nests too deeply"));
            }
            let inner = self.unary();
            self.depth -= 1;
            return Ok(Expr::Negate(Box::new(inner?)));
        }
        if self.eat("+") {
            return self.unary();
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Result<Expr, Error> {
        let mut e = self.term()?;
        loop {
            if self.eat(".") {
                let name = match self.next() {
                    Some(Tok::Ident(s) | Tok::Quoted(s)) => s,
                    _ => return Err(syntax("expected a name after '.'")),
                };
                e = if self.eat("(") {
                    Expr::Call(Some(Box::new(e)), name, self.args()?)
                } else {
                    Expr::Member(Some(Box::new(e)), name)
                };
            } else if self.eat("[") {
                let index = self.expr(0)?;
                self.expect("]")?;
                e = Expr::Index(Box::new(e), Box::new(index));
            } else {
                return Ok(e);
            }
        }
    }

    fn args(&mut self) -> Result<Vec<Expr>, Error> {
        let mut args = Vec::new();
        if self.eat(")") {
            return Ok(args);
        }
        loop {
            args.push(self.expr(0)?);
            if self.eat(")") {
                return Ok(args);
            }
            self.expect(",")?;
        }
    }

    fn term(&mut self) -> Result<Expr, Error> {
        match self.next() {
            Some(Tok::Num(n)) => {
                if let Some(digits) = n.strip_suffix('L') {
                    return digits
                        .parse()
                        .map(|i| Expr::Literal(Literal::Int(i)))
                        .map_err(|_| syntax("a long too large"));
                }
                // a quantity: a number and a unit
                match self.peek().cloned() {
                    Some(Tok::Str(unit)) => {
                        self.at += 1;
                        return Ok(Expr::Literal(Literal::Quantity(n, unit)));
                    }
                    Some(Tok::Ident(word)) if CALENDAR.contains(&word.as_str()) => {
                        self.at += 1;
                        return Ok(Expr::Literal(Literal::Quantity(n, word)));
                    }
                    _ => {}
                }
                if n.contains('.') {
                    Ok(Expr::Literal(Literal::Dec(n)))
                } else {
                    // an integer literal too large for 64 bits is a decimal
                    Ok(Expr::Literal(n.parse().map(Literal::Int).unwrap_or(Literal::Dec(n))))
                }
            }
            Some(Tok::Str(s)) => Ok(Expr::Literal(Literal::Str(s))),
            Some(Tok::Moment(m)) => {
                if super::time::Moment::parse(&m).is_none() {
                    return Err(syntax(format!("@{m} is not a date, date-time or time")));
                }
                Ok(Expr::Literal(Literal::Moment(m)))
            }
            Some(Tok::External(name)) => Ok(Expr::External(name)),
            Some(Tok::Special(name)) => match name.as_str() {
                "this" => Ok(Expr::This),
                "index" => Ok(Expr::IndexVar),
                "total" => Ok(Expr::Total),
                _ => Err(syntax(format!("${name} is not defined"))),
            },
            Some(Tok::Sym("(")) => {
                let e = self.expr(0)?;
                self.expect(")")?;
                Ok(e)
            }
            Some(Tok::Sym("{")) => {
                self.expect("}")?;
                Ok(Expr::Empty)
            }
            Some(Tok::Ident(name)) => {
                if self.eat("(") {
                    return Ok(Expr::Call(None, name, self.args()?));
                }
                match name.as_str() {
                    "true" => Ok(Expr::Literal(Literal::Bool(true))),
                    "false" => Ok(Expr::Literal(Literal::Bool(false))),
                    _ => Ok(Expr::Member(None, name)),
                }
            }
            Some(Tok::Quoted(name)) => Ok(Expr::Member(None, name)),
            Some(t) => Err(syntax(format!("unexpected {t:?}"))),
            None => Err(syntax("the expression ends too early")),
        }
    }
}

/// Parses a whole expression.
pub fn parse(src: &str) -> Result<Expr, Error> {
    let toks = lex(src)?;
    if toks.is_empty() {
        return Err(syntax("an empty expression"));
    }
    let mut p = Parser { toks, at: 0, depth: 0 };
    let e = p.expr(0)?;
    if p.at < p.toks.len() {
        return Err(syntax(format!("unexpected {:?}", p.toks[p.at])));
    }
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grammar_parses() {
        for ok in [
            "Patient.name.where(use = 'official').given.first()",
            "%resource.item.where(linkId='a').answer.value",
            "(%weight / (%height * %height)).round(1)",
            "today() - 18 years",
            "4.0 'g' / 2.0 'm'",
            "iif(%a > 2, 'x', {})",
            "a is System.Integer and b as Quantity",
            "x.`div` | y[0] implies -z",
            "@2014-01-25T14:30:14.559+01:00 > @T10:00",
            "%`vs-name`.code",
            "5L + $this.length() // note",
        ] {
            assert!(parse(ok).is_ok(), "{ok}: {:?}", parse(ok));
        }
        assert!(parse(&format!("{}1{}", "(".repeat(5000), ")".repeat(5000))).is_err(), "deep nesting is refused");
        assert!(parse(&"-".repeat(5000)).is_err());
        for bad in ["2 + 2 /", "2 + 2 /* not finished", "a.(", "'open", "@", "x[1", "1 +", "@2015-13-01"] {
            assert!(matches!(parse(bad), Err(Error::Syntax(_))), "{bad}");
        }
    }

    #[test]
    fn precedence() {
        let e = parse("1 + 2 * 3 = 7 and true").unwrap();
        let Expr::Binary(op, ..) = e else { panic!() };
        assert_eq!(op, "and");
        let e = parse("-1.abs()").unwrap();
        assert!(matches!(e, Expr::Negate(_)));
    }
}

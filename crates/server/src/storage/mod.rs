//! The storage layer: SQL written once for both backends (issue 21).
//!
//! A [`Conn`] is a SQLite connection or a PostgreSQL connection ([`PgConn`]) behind one small
//! interface in `rusqlite`'s shape: [`Conn::execute`], [`Conn::query_row`], [`Conn::query_map`],
//! [`Conn::prepare`], transactions as guards ([`Conn::begin`]). Statements are written in the SQL
//! both databases understand, with numbered parameters `?1`, `?2`, … (PostgreSQL is given `$1`,
//! `$2`, …; a `?` in a string literal or a quoted name is left alone). Values cross as [`Value`]
//! (SQLite's five storage classes) and are read back from a [`Row`] by column name. On
//! PostgreSQL a value is converted to the type the server inferred for its parameter and a
//! column is read by its type; a type with no meaning in SQLite (NUMERIC, JSON, ...) is an error,
//! so a statement that works on one backend and not the other fails its test.
//!
//! Where the two dialects differ, a statement uses the common form (`CASE` for SQLite's two-
//! argument `MAX`, `ON CONFLICT` for `INSERT OR IGNORE`, `CAST(.. AS BIGINT)` for sums).
//!
//! The modules here are the server's areas, each a set of functions over a [`Conn`] that take
//! and return typed rows, tested on both backends (`tests::on_both`). They are the only place
//! with SQL (`cargo xtask test` checks it: `xtask/src/layers.rs`); the rules that decide (who may
//! see what, fees, places in the queue) are in `crate::domain`.

pub mod bankid_collects;
pub mod bankid_simulated;
pub mod cases;
pub mod chat;
pub mod errands;
pub mod events;
pub mod forms;
pub mod inbox;
pub mod kiosk;
pub mod login_orders;
pub mod payments;
pub mod people;
pub mod push;
pub mod rate_limits;
pub mod reach;
pub mod sessions;
pub mod sms;
pub mod staff_sessions;
pub mod units;
pub mod visits;

use std::{fmt, sync::Arc};

use postgres::types::{ToSql, Type};

/// A value as SQLite stores it; PostgreSQL's are converted to and from these.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// A value that can be a statement's parameter, read by reference (as `rusqlite::ToSql`).
pub trait ToValue {
    fn to_value(&self) -> Value;
}

macro_rules! to_value_as {
    ($($t:ty => $v:expr),* $(,)?) => {$(
        impl ToValue for $t {
            fn to_value(&self) -> Value {
                let f: fn(&$t) -> Value = $v;
                f(self)
            }
        }
    )*};
}
to_value_as!(
    i64 => |v| Value::Int(*v),
    i32 => |v| Value::Int((*v).into()),
    i16 => |v| Value::Int((*v).into()),
    u8 => |v| Value::Int((*v).into()),
    u16 => |v| Value::Int((*v).into()),
    u32 => |v| Value::Int((*v).into()),
    u64 => |v| Value::Int(*v as i64),
    usize => |v| Value::Int(*v as i64),
    bool => |v| Value::Int((*v).into()),
    f64 => |v| Value::Real(*v),
    str => |v| Value::Text(v.to_owned()),
    String => |v| Value::Text(v.clone()),
    [u8] => |v| Value::Blob(v.to_vec()),
    Vec<u8> => |v| Value::Blob(v.clone()),
    Value => |v| v.clone(),
);

impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}

impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Null, ToValue::to_value)
    }
}

/// The parameters of a statement, in order: `params![a, b]` (each read by reference, as
/// `rusqlite::params!` does).
#[macro_export]
macro_rules! params {
    ($($v:expr),* $(,)?) => {{
        let values: Vec<$crate::storage::Value> = vec![$($crate::storage::ToValue::to_value(&$v)),*];
        values
    }};
}
pub use params;

/// Why a statement failed.
#[derive(Debug)]
pub enum Error {
    Sqlite(rusqlite::Error),
    Postgres(postgres::Error),
    /// A value or column of a type the other backend cannot give, a missing column, a bad
    /// placeholder: a mistake in the statement, found by its tests.
    Mismatch(String),
    /// [`Conn::query_row`] found no row ([`OptionalExtension::optional`] makes it `None`).
    NoRows,
}

/// `query_row(..).optional()`: no row is `None`, not an error.
pub trait OptionalExtension<T> {
    fn optional(self) -> Result<Option<T>>;
}

impl<T> OptionalExtension<T> for Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(Error::NoRows) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(e) => write!(f, "sqlite: {e}"),
            Self::Postgres(e) => match e.as_db_error() {
                Some(db) => write!(
                    f,
                    "postgres: {} ({}){}",
                    db.message(),
                    db.code().code(),
                    db.detail().map(|d| format!(": {d}")).unwrap_or_default()
                ),
                None => write!(f, "postgres: {e}"),
            },
            Self::Mismatch(e) => write!(f, "storage: {e}"),
            Self::NoRows => write!(f, "storage: no row"),
        }
    }
}

impl std::error::Error for Error {}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Self::Sqlite(e)
    }
}
impl From<postgres::Error> for Error {
    fn from(e: postgres::Error) -> Self {
        Self::Postgres(e)
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// A row, read by column name.
#[derive(Debug, Clone)]
pub struct Row {
    names: Arc<[String]>,
    values: Vec<Value>,
}

impl Row {
    /// The column `name`, as `T`.
    pub fn get<T: FromValue>(&self, name: &str) -> Result<T> {
        let i = self
            .names
            .iter()
            .position(|n| n == name)
            .ok_or_else(|| Error::Mismatch(format!("no column {name} in {:?}", self.names)))?;
        T::from_value(&self.values[i]).map_err(|e| Error::Mismatch(format!("column {name}: {e}")))
    }
}

/// A Rust type a [`Value`] can be read as.
pub trait FromValue: Sized {
    fn from_value(v: &Value) -> std::result::Result<Self, String>;
}

impl FromValue for i64 {
    fn from_value(v: &Value) -> std::result::Result<Self, String> {
        match v {
            Value::Int(i) => Ok(*i),
            other => Err(format!("{other:?} is not an integer")),
        }
    }
}
macro_rules! narrow_ints {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            fn from_value(v: &Value) -> std::result::Result<Self, String> {
                let n = i64::from_value(v)?;
                <$t>::try_from(n).map_err(|_| format!("{n} does not fit {}", stringify!($t)))
            }
        }
    )*};
}
narrow_ints!(i32, u32, u16, u8, u64, usize);

impl FromValue for bool {
    fn from_value(v: &Value) -> std::result::Result<Self, String> {
        i64::from_value(v).map(|i| i != 0)
    }
}
impl FromValue for f64 {
    fn from_value(v: &Value) -> std::result::Result<Self, String> {
        match v {
            Value::Real(r) => Ok(*r),
            Value::Int(i) => Ok(*i as f64),
            other => Err(format!("{other:?} is not a number")),
        }
    }
}
impl FromValue for String {
    fn from_value(v: &Value) -> std::result::Result<Self, String> {
        match v {
            Value::Text(s) => Ok(s.clone()),
            other => Err(format!("{other:?} is not text")),
        }
    }
}
impl FromValue for Vec<u8> {
    fn from_value(v: &Value) -> std::result::Result<Self, String> {
        match v {
            Value::Blob(b) => Ok(b.clone()),
            other => Err(format!("{other:?} is not bytes")),
        }
    }
}
impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: &Value) -> std::result::Result<Self, String> {
        match v {
            Value::Null => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
}

/// A PostgreSQL connection as the storage layer uses it: the client, and how deep in
/// transactions it is (BEGIN at the top, savepoints inside), which the server does not tell.
pub struct PgConn {
    client: postgres::Client,
    depth: u32,
    /// Statements prepared on this connection, by their SQL (as SQLite's `prepare_cached`):
    /// a statement run again costs one round trip, not two.
    prepared: std::collections::HashMap<String, postgres::Statement>,
}

impl PgConn {
    pub fn new(client: postgres::Client) -> Self {
        Self { client, depth: 0, prepared: Default::default() }
    }

    /// The statement for `sql` (as written, with `?1` parameters), prepared once per
    /// connection, and `params` as the types PostgreSQL inferred for it.
    fn bind(&mut self, sql: &str, params: &[Value]) -> Result<(postgres::Statement, Vec<PgParam>)> {
        let statement = match self.prepared.get(sql) {
            Some(statement) => statement.clone(),
            None => {
                // a server builds its statements from a few hundred texts; this only guards
                // against a caller that makes new ones without end
                if self.prepared.len() >= 1024 {
                    self.prepared.clear();
                }
                let statement = self.client.prepare(&numbered_as_dollars(sql)?)?;
                self.prepared.insert(sql.to_owned(), statement.clone());
                statement
            }
        };
        let owned = to_postgres(statement.params(), params)?;
        Ok((statement, owned))
    }

    /// Connects with `config`, plainly (tests; the server connects through
    /// `crate::db::postgres::Target`, with TLS when its URL asks).
    pub fn connect(config: &postgres::Config) -> Result<Self> {
        Ok(Self::new(config.connect(postgres::NoTls)?))
    }

    /// The client itself (migrations, LISTEN).
    pub fn client(&mut self) -> &mut postgres::Client {
        &mut self.client
    }

    /// Not inside a transaction, and the connection is still open: fit to go back to a pool.
    pub fn reusable(&self) -> bool {
        self.depth == 0 && !self.client.is_closed()
    }
}

/// A connection of either backend./// A connection of either backend.
pub enum Conn<'a> {
    Sqlite(&'a rusqlite::Connection),
    Postgres(&'a mut PgConn),
}

impl<'a> Conn<'a> {
    /// Runs a statement; returns how many rows it changed (for an INSERT .. ON CONFLICT ..
    /// WHERE: 1 when the row was written, 0 when the condition kept it).
    pub fn execute<P: AsParams>(&mut self, sql: &str, params: P) -> Result<usize> {
        let params = &params.values()[..];
        match self {
            Self::Sqlite(conn) => {
                Ok(conn.prepare_cached(sql)?.execute(rusqlite::params_from_iter(params.iter().map(to_sqlite)))?)
            }
            Self::Postgres(pg) => {
                let (statement, owned) = pg.bind(sql, params)?;
                Ok(pg.client.execute(&statement, &refs(&owned))? as usize)
            }
        }
    }

    /// The rows of a query, in its order.
    pub fn query<P: AsParams>(&mut self, sql: &str, params: P) -> Result<Vec<Row>> {
        let params = &params.values()[..];
        match self {
            Self::Sqlite(conn) => {
                let mut statement = conn.prepare_cached(sql)?;
                let names: Arc<[String]> = statement.column_names().into_iter().map(str::to_owned).collect();
                let width = names.len();
                let mut rows = statement.query(rusqlite::params_from_iter(params.iter().map(to_sqlite)))?;
                let mut out = Vec::new();
                while let Some(row) = rows.next()? {
                    let values =
                        (0..width).map(|i| row.get_ref(i).map(from_sqlite)).collect::<rusqlite::Result<_>>()?;
                    out.push(Row { names: names.clone(), values });
                }
                Ok(out)
            }
            Self::Postgres(pg) => {
                let (statement, owned) = pg.bind(sql, params)?;
                let names: Arc<[String]> = statement.columns().iter().map(|c| c.name().to_owned()).collect();
                pg.client
                    .query(&statement, &refs(&owned))?
                    .iter()
                    .map(|row| {
                        let values = (0..names.len()).map(|i| from_postgres(row, i)).collect::<Result<_>>()?;
                        Ok(Row { names: names.clone(), values })
                    })
                    .collect()
            }
        }
    }

    /// Runs `f` in a transaction: all of it is kept, or (on an error) none of it. Inside
    /// another transaction, `f` is a savepoint of it.
    pub fn transaction<R>(&mut self, f: impl FnOnce(&mut Conn<'_>) -> Result<R>) -> Result<R> {
        let mut tx = self.begin()?;
        let r = f(&mut tx)?;
        tx.commit()?;
        Ok(r)
    }

    /// Starts a transaction (a savepoint inside another): kept by [`Tx::commit`], undone when
    /// the [`Tx`] is dropped without it (an early return, an error).
    pub fn begin(&mut self) -> Result<Tx<'_, 'a>> {
        static SAVEPOINTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let nested = match self {
            Self::Sqlite(conn) => !conn.is_autocommit(),
            Self::Postgres(pg) => pg.depth > 0,
        };
        let savepoint =
            nested.then(|| format!("ingang_{}", SAVEPOINTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)));
        self.batch(&match &savepoint {
            Some(name) => format!("SAVEPOINT {name}"),
            None => "BEGIN".into(),
        })?;
        if let Self::Postgres(pg) = self {
            pg.depth += 1;
        }
        Ok(Tx { conn: self, savepoint, open: true })
    }

    /// A statement to run (see [`Stmt`]).
    pub fn prepare(&mut self, sql: &str) -> Result<Stmt<'_, 'a>> {
        Ok(Stmt { conn: self, sql: sql.to_owned() })
    }

    /// The same as [`Conn::prepare`] (SQLite caches every statement).
    pub fn prepare_cached(&mut self, sql: &str) -> Result<Stmt<'_, 'a>> {
        self.prepare(sql)
    }

    /// Statements without parameters or rows (transaction control).
    fn batch(&mut self, sql: &str) -> Result<()> {
        match self {
            Self::Sqlite(conn) => conn.execute_batch(sql)?,
            Self::Postgres(pg) => pg.client.batch_execute(sql)?,
        }
        Ok(())
    }

    /// From here to the end of the transaction, other transactions that call this with the
    /// same `key` wait: what they write after it commits after what this one writes. SQLite
    /// has one writer at a time already; PostgreSQL takes a transaction-level advisory lock.
    /// Call inside [`Conn::transaction`] (outside one, PostgreSQL would let go at once).
    pub fn in_commit_order(&mut self, key: i64) -> Result<()> {
        match self {
            Self::Sqlite(_) => Ok(()),
            Self::Postgres(_) => {
                self.execute("SELECT pg_advisory_xact_lock(?1)", params![key])?;
                Ok(())
            }
        }
    }

    /// Tells every process listening on `channel` (see `Db::on_notice`), once this transaction
    /// commits: PostgreSQL's NOTIFY. Nothing on SQLite, whose processes look for new rows.
    pub fn notify(&mut self, channel: &str) -> Result<()> {
        match self {
            Self::Sqlite(_) => Ok(()),
            Self::Postgres(_) => {
                self.execute("SELECT pg_notify(?1, '')", params![channel])?;
                Ok(())
            }
        }
    }

    /// The first row of a query, as `f` reads it; [`Error::NoRows`] without one.
    pub fn query_row<T, P: AsParams>(&mut self, sql: &str, params: P, f: impl FnOnce(&Row) -> Result<T>) -> Result<T> {
        let row = self.query_opt(sql, params)?.ok_or(Error::NoRows)?;
        f(&row)
    }

    /// Every row of a query, as `f` reads it.
    pub fn query_map<T, P: AsParams>(
        &mut self,
        sql: &str,
        params: P,
        f: impl FnMut(&Row) -> Result<T>,
    ) -> Result<Vec<T>> {
        self.query(sql, params)?.iter().map(f).collect()
    }

    /// The first row of a query, if any.
    pub fn query_opt<P: AsParams>(&mut self, sql: &str, params: P) -> Result<Option<Row>> {
        Ok(self.query(sql, params)?.into_iter().next())
    }
}

/// Parameters as `rusqlite` takes them: a slice of [`Value`]s (`params![..]`) or an array.
pub trait AsParams {
    fn values(&self) -> Vec<Value>;
}

impl AsParams for &[Value] {
    fn values(&self) -> Vec<Value> {
        self.to_vec()
    }
}

impl AsParams for Vec<Value> {
    fn values(&self) -> Vec<Value> {
        self.clone()
    }
}

/// `n` placeholders for an `IN (..)` list: `?, ?, ?`; for none, `NULL` (PostgreSQL has no empty
/// list, and `x IN (NULL)` holds for no row, as SQLite's `x IN ()`).
pub fn placeholders(n: usize) -> String {
    if n == 0 { "NULL".into() } else { vec!["?"; n].join(", ") }
}

/// The values of an iterator as parameters (`IN (?1, ?2, ...)` lists).
pub fn params_from_iter<I>(iter: I) -> Vec<Value>
where
    I: IntoIterator,
    I::Item: ToValue,
{
    iter.into_iter().map(|v| v.to_value()).collect()
}

impl<T: ToValue, const N: usize> AsParams for [T; N] {
    fn values(&self) -> Vec<Value> {
        self.iter().map(ToValue::to_value).collect()
    }
}

/// A statement to run one or more times, in `rusqlite`'s shape (`conn.prepare(sql)?
/// .query_map(params, f)?`). SQLite caches the prepared statement; PostgreSQL prepares it on
/// each run.
pub struct Stmt<'c, 'a> {
    conn: &'c mut Conn<'a>,
    sql: String,
}

impl Stmt<'_, '_> {
    /// Every row, as `f` reads it.
    pub fn query_map<T, P: AsParams>(
        &mut self,
        params: P,
        f: impl FnMut(&Row) -> Result<T>,
    ) -> Result<std::vec::IntoIter<Result<T>>> {
        Ok(self.conn.query(&self.sql, params.values())?.iter().map(f).collect::<Vec<_>>().into_iter())
    }

    /// Runs it; returns how many rows it changed.
    pub fn execute<P: AsParams>(&mut self, params: P) -> Result<usize> {
        self.conn.execute(&self.sql, params.values())
    }

    /// The first row, as `f` reads it; [`Error::NoRows`] without one.
    pub fn query_row<T, P: AsParams>(&mut self, params: P, f: impl FnOnce(&Row) -> Result<T>) -> Result<T> {
        self.conn.query_row(&self.sql, params.values(), f)
    }
}

/// A transaction in progress on a [`Conn`] (see [`Conn::begin`]); used as the connection.
pub struct Tx<'c, 'a> {
    conn: &'c mut Conn<'a>,
    savepoint: Option<String>,
    open: bool,
}

impl<'a> std::ops::Deref for Tx<'_, 'a> {
    type Target = Conn<'a>;
    fn deref(&self) -> &Conn<'a> {
        self.conn
    }
}

impl<'a> std::ops::DerefMut for Tx<'_, 'a> {
    fn deref_mut(&mut self) -> &mut Conn<'a> {
        self.conn
    }
}

impl Tx<'_, '_> {
    /// Keeps what the transaction wrote.
    pub fn commit(mut self) -> Result<()> {
        self.end(true)
    }

    fn end(&mut self, keep: bool) -> Result<()> {
        if !self.open {
            return Ok(());
        }
        self.open = false;
        if let Conn::Postgres(pg) = &mut *self.conn {
            pg.depth = pg.depth.saturating_sub(1);
        }
        let sql = match (&self.savepoint, keep) {
            (Some(name), true) => format!("RELEASE {name}"),
            (Some(name), false) => format!("ROLLBACK TO {name}; RELEASE {name}"),
            (None, true) => "COMMIT".into(),
            (None, false) => "ROLLBACK".into(),
        };
        self.conn.batch(&sql)
    }
}

impl Drop for Tx<'_, '_> {
    fn drop(&mut self) {
        if self.open
            && let Err(e) = self.end(false)
        {
            tracing::warn!("a transaction could not be rolled back: {e}");
        }
    }
}

fn to_sqlite(v: &Value) -> rusqlite::types::Value {
    use rusqlite::types::Value as S;
    match v {
        Value::Null => S::Null,
        Value::Int(i) => S::Integer(*i),
        Value::Real(r) => S::Real(*r),
        Value::Text(t) => S::Text(t.clone()),
        Value::Blob(b) => S::Blob(b.clone()),
    }
}

fn from_sqlite(v: rusqlite::types::ValueRef<'_>) -> Value {
    use rusqlite::types::ValueRef as S;
    match v {
        S::Null => Value::Null,
        S::Integer(i) => Value::Int(i),
        S::Real(r) => Value::Real(r),
        S::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        S::Blob(b) => Value::Blob(b.to_vec()),
    }
}

type PgParam = Box<dyn ToSql + Sync>;

/// The parameters as the client takes them.
fn refs(owned: &[PgParam]) -> Vec<&(dyn ToSql + Sync)> {
    owned.iter().map(|b| b.as_ref() as &(dyn ToSql + Sync)).collect()
}

/// Each value as the type PostgreSQL inferred for its parameter.
fn to_postgres(types: &[Type], values: &[Value]) -> Result<Vec<PgParam>> {
    if types.len() != values.len() {
        return Err(Error::Mismatch(format!("{} parameters given, the statement has {}", values.len(), types.len())));
    }
    types
        .iter()
        .zip(values)
        .enumerate()
        .map(|(i, (ty, v))| {
            let mismatch = || Error::Mismatch(format!("parameter ?{}: {v:?} is no {ty}", i + 1));
            let int = |v: &Value| match v {
                Value::Int(n) => Ok(Some(*n)),
                Value::Null => Ok(None),
                _ => Err(mismatch()),
            };
            Ok(match *ty {
                Type::INT8 => Box::new(int(v)?) as PgParam,
                Type::INT4 => Box::new(int(v)?.map(i32::try_from).transpose().map_err(|_| mismatch())?),
                Type::INT2 => Box::new(int(v)?.map(i16::try_from).transpose().map_err(|_| mismatch())?),
                Type::BOOL => Box::new(int(v)?.map(|n| n != 0)),
                Type::FLOAT8 => Box::new(match v {
                    Value::Real(r) => Some(*r),
                    Value::Int(n) => Some(*n as f64),
                    Value::Null => None,
                    _ => return Err(mismatch()),
                }),
                Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => Box::new(match v {
                    Value::Text(t) => Some(t.clone()),
                    Value::Int(n) => Some(n.to_string()),
                    Value::Null => None,
                    _ => return Err(mismatch()),
                }),
                Type::BYTEA => Box::new(match v {
                    Value::Blob(b) => Some(b.clone()),
                    Value::Null => None,
                    _ => return Err(mismatch()),
                }),
                _ => return Err(mismatch()),
            })
        })
        .collect()
}

/// Column `i` of a PostgreSQL row as a [`Value`].
fn from_postgres(row: &postgres::Row, i: usize) -> Result<Value> {
    let ty = row.columns()[i].type_().clone();
    let v = match ty {
        Type::INT8 => row.try_get::<_, Option<i64>>(i)?.map(Value::Int),
        Type::INT4 => row.try_get::<_, Option<i32>>(i)?.map(|n| Value::Int(n.into())),
        Type::INT2 => row.try_get::<_, Option<i16>>(i)?.map(|n| Value::Int(n.into())),
        Type::BOOL => row.try_get::<_, Option<bool>>(i)?.map(|b| Value::Int(b.into())),
        Type::FLOAT8 => row.try_get::<_, Option<f64>>(i)?.map(Value::Real),
        Type::FLOAT4 => row.try_get::<_, Option<f32>>(i)?.map(|r| Value::Real(r.into())),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME => row.try_get::<_, Option<String>>(i)?.map(Value::Text),
        Type::BYTEA => row.try_get::<_, Option<Vec<u8>>>(i)?.map(Value::Blob),
        other => {
            return Err(Error::Mismatch(format!(
                "column {} is {other}, which SQLite has not (CAST it)",
                row.columns()[i].name()
            )));
        }
    };
    Ok(v.unwrap_or(Value::Null))
}

/// `?1` → `$1`, outside string literals and quoted names. A bare `?` takes the number after
/// the largest so far, as in SQLite (`IN (?, ?, ?)` lists).
fn numbered_as_dollars(sql: &str) -> Result<String> {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    let mut quote: Option<char> = None;
    let mut largest = 0_u32;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => {
                quote = None;
                out.push(c);
            }
            (Some(_), c) => out.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                out.push(c);
            }
            (None, '?') => {
                let mut digits = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    digits.push(*d);
                    chars.next();
                }
                let n = if digits.is_empty() {
                    largest + 1
                } else {
                    digits.parse().map_err(|_| Error::Mismatch(format!("a parameter number too large in {sql:?}")))?
                };
                largest = largest.max(n);
                out.push_str(&format!("${n}"));
            }
            (None, c) => out.push(c),
        }
    }
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Runs `f` on a SQLite connection with the whole schema, then on a PostgreSQL database with
    /// it (when the test cluster is there), so every storage test holds on both backends.
    pub(crate) fn on_both(test: &str, f: impl Fn(&mut Conn<'_>)) {
        let mut sqlite = rusqlite::Connection::open_in_memory().unwrap();
        crate::db::migrations().to_latest(&mut sqlite).unwrap();
        f(&mut Conn::Sqlite(&sqlite));
        if let Some(config) = crate::db::postgres::test_database(test).unwrap() {
            let mut pg = PgConn::connect(&config).unwrap();
            crate::db::postgres::migrate(pg.client(), 0).unwrap();
            f(&mut Conn::Postgres(&mut pg));
        }
    }

    #[test]
    fn placeholders_are_numbered_for_postgres_outside_quotes() {
        assert_eq!(
            numbered_as_dollars("SELECT ?2, '?1', \"a?1\" WHERE x = ?10").unwrap(),
            "SELECT $2, '?1', \"a?1\" WHERE x = $10"
        );
        assert_eq!(numbered_as_dollars("SELECT ?2, ?, ? IN (?)").unwrap(), "SELECT $2, $3, $4 IN ($5)");
    }

    /// Each kind of value goes in and comes out the same on both backends, read by name, NULLs
    /// included; parameters may be used out of order and twice.
    #[test]
    fn values_make_the_round_trip_on_both_backends() {
        on_both("round_trip", |conn| {
            conn.execute(
                "INSERT INTO units (id, name, kind, address, city, phone) VALUES (?1, ?2, 'dental', ?3, ?3, ?4)",
                params!["u1", "Tandvården Luleå", "Storgatan 1 ?1", None::<String>],
            )
            .unwrap();
            conn.execute("INSERT INTO rate_limits (key, tat_ms) VALUES (?1, ?2)", params!["k", i64::MAX]).unwrap();
            let unit = conn
                .query_opt(
                    "SELECT name, address, phone, check_in_minutes, reschedulable FROM units WHERE id = ?1",
                    params!["u1"],
                )
                .unwrap()
                .unwrap();
            assert_eq!(unit.get::<String>("name").unwrap(), "Tandvården Luleå");
            assert_eq!(unit.get::<String>("address").unwrap(), "Storgatan 1 ?1");
            assert_eq!(unit.get::<Option<String>>("phone").unwrap(), None);
            assert_eq!(unit.get::<i64>("check_in_minutes").unwrap(), 30);
            assert!(unit.get::<bool>("reschedulable").unwrap());
            assert!(unit.get::<i64>("name").is_err(), "text is not read as a number");
            assert!(unit.get::<String>("nothing").is_err());
            let max = conn.query_opt("SELECT tat_ms FROM rate_limits WHERE key = ?1", params!["k"]).unwrap().unwrap();
            assert_eq!(max.get::<i64>("tat_ms").unwrap(), i64::MAX);
            // a count is BIGINT on both
            let n = conn.query("SELECT COUNT(*) AS n FROM units", crate::params![]).unwrap();
            assert_eq!(n[0].get::<i64>("n").unwrap(), 1);
            assert!(conn.query_opt("SELECT id FROM units WHERE id = ?1", params!["u2"]).unwrap().is_none());
        });
    }

    /// Bytes, as a picture's, are kept exactly.
    #[test]
    fn bytes_are_kept_exactly_on_both_backends() {
        on_both("bytes", |conn| {
            let bytes: Vec<u8> = (0..=255).collect();
            conn.execute(
                "INSERT INTO units (id, name, kind, address, city) VALUES ('u', 'U', 'dental', 'a', 'c')",
                params![],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO cases (id, owner, patient, unit_id, questionnaire_id, title, response, priority, status, created_at, idempotency_key)
                 VALUES ('c', 'o', 'p', 'u', 'q', 't', '{}', 1, 'waiting', 0, 'k')",
                params![],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO pictures (id, case_id, uploader, content_type, width, height, bytes, thumbnail, created_at)
                 VALUES (?1, 'c', 'o', 'image/png', 1, 1, ?2, ?2, 0)",
                params!["p", bytes.clone()],
            )
            .unwrap();
            let row = conn.query_opt("SELECT bytes FROM pictures WHERE id = 'p'", crate::params![]).unwrap().unwrap();
            assert_eq!(row.get::<Vec<u8>>("bytes").unwrap(), bytes);
        });
    }
}

//! The storage layer: SQL written once for both backends (issue 21).
//!
//! A [`Conn`] is a SQLite connection or a PostgreSQL client (or transaction) behind one small
//! interface: [`Conn::execute`], [`Conn::query`], [`Conn::query_opt`]. Statements are written
//! in the SQL both databases understand, with numbered parameters `?1`, `?2`, … (PostgreSQL is
//! given `$1`, `$2`, …; a `?` in a string literal or a quoted name is left alone). Values cross
//! as [`Value`] (SQLite's five storage classes) and are read back from a [`Row`] by column name.
//! On PostgreSQL a value is converted to the type the server inferred for its parameter and a
//! column is read by its type; a type with no meaning in SQLite (NUMERIC, JSON, ...) is an error,
//! so a statement that works on one backend and not the other fails its test.
//!
//! Where the two dialects differ, a statement uses the common form (`CASE` for SQLite's two-
//! argument `MAX`, `ON CONFLICT` for `INSERT OR IGNORE`, `CAST(.. AS BIGINT)` for sums), and the
//! tests of each area run it on both backends.
//!
//! Areas move here one by one, each a module whose functions take a [`Conn`] ([`rate_limits`]
//! first); the rest of the server still runs its SQL on `rusqlite` in `domain/` and `routes/`.

pub mod bankid_collects;
pub mod events;
pub mod kiosk;
pub mod login_orders;
pub mod rate_limits;
pub mod sessions;

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

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Self::Int(v)
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Self {
        Self::Int(v.into())
    }
}
impl From<u32> for Value {
    fn from(v: u32) -> Self {
        Self::Int(v.into())
    }
}
impl From<usize> for Value {
    fn from(v: usize) -> Self {
        Self::Int(v as i64)
    }
}
impl From<u64> for Value {
    fn from(v: u64) -> Self {
        Self::Int(v as i64)
    }
}
impl From<u8> for Value {
    fn from(v: u8) -> Self {
        Self::Int(v.into())
    }
}
impl From<u16> for Value {
    fn from(v: u16) -> Self {
        Self::Int(v.into())
    }
}
impl From<&i64> for Value {
    fn from(v: &i64) -> Self {
        Self::Int(*v)
    }
}
impl From<&Vec<u8>> for Value {
    fn from(v: &Vec<u8>) -> Self {
        Self::Blob(v.clone())
    }
}
impl From<&&str> for Value {
    fn from(v: &&str) -> Self {
        Self::Text((*v).to_owned())
    }
}
impl<T: Clone + Into<Value>> From<&Option<T>> for Value {
    fn from(v: &Option<T>) -> Self {
        v.clone().into()
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Self::Int(v.into())
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Self::Real(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Self::Text(v.to_owned())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Self::Text(v)
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Self::Text(v.clone())
    }
}
impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Self::Blob(v)
    }
}
impl From<&[u8]> for Value {
    fn from(v: &[u8]) -> Self {
        Self::Blob(v.to_vec())
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Self::Null, Into::into)
    }
}

/// The parameters of a statement, in order: `params![a, b]`.
#[macro_export]
macro_rules! params {
    ($($v:expr),* $(,)?) => { &[$($crate::storage::Value::from($v)),*][..] };
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
            Self::Postgres(e) => write!(f, "postgres: {e}"),
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
/// For the callers still on `rusqlite` (areas not moved yet): a storage function's error in
/// their `rusqlite::Result`.
impl From<Error> for rusqlite::Error {
    fn from(e: Error) -> Self {
        match e {
            Error::Sqlite(e) => e,
            other => rusqlite::Error::ToSqlConversionFailure(Box::new(other)),
        }
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

/// What a PostgreSQL [`Conn`] runs on: a client or a transaction.
pub trait PgClient {
    fn pg_prepare(&mut self, sql: &str) -> std::result::Result<postgres::Statement, postgres::Error>;
    fn pg_query(
        &mut self,
        statement: &postgres::Statement,
        params: &[&(dyn ToSql + Sync)],
    ) -> std::result::Result<Vec<postgres::Row>, postgres::Error>;
    fn pg_execute(
        &mut self,
        statement: &postgres::Statement,
        params: &[&(dyn ToSql + Sync)],
    ) -> std::result::Result<u64, postgres::Error>;
    fn pg_transaction(&mut self) -> std::result::Result<postgres::Transaction<'_>, postgres::Error>;
}

impl PgClient for postgres::Client {
    fn pg_prepare(&mut self, sql: &str) -> std::result::Result<postgres::Statement, postgres::Error> {
        self.prepare(sql)
    }
    fn pg_query(
        &mut self,
        statement: &postgres::Statement,
        params: &[&(dyn ToSql + Sync)],
    ) -> std::result::Result<Vec<postgres::Row>, postgres::Error> {
        self.query(statement, params)
    }
    fn pg_execute(
        &mut self,
        statement: &postgres::Statement,
        params: &[&(dyn ToSql + Sync)],
    ) -> std::result::Result<u64, postgres::Error> {
        self.execute(statement, params)
    }
    fn pg_transaction(&mut self) -> std::result::Result<postgres::Transaction<'_>, postgres::Error> {
        self.transaction()
    }
}

impl PgClient for postgres::Transaction<'_> {
    fn pg_prepare(&mut self, sql: &str) -> std::result::Result<postgres::Statement, postgres::Error> {
        self.prepare(sql)
    }
    fn pg_query(
        &mut self,
        statement: &postgres::Statement,
        params: &[&(dyn ToSql + Sync)],
    ) -> std::result::Result<Vec<postgres::Row>, postgres::Error> {
        self.query(statement, params)
    }
    fn pg_execute(
        &mut self,
        statement: &postgres::Statement,
        params: &[&(dyn ToSql + Sync)],
    ) -> std::result::Result<u64, postgres::Error> {
        self.execute(statement, params)
    }
    fn pg_transaction(&mut self) -> std::result::Result<postgres::Transaction<'_>, postgres::Error> {
        self.transaction()
    }
}

/// A connection of either backend.
pub enum Conn<'a> {
    Sqlite(&'a rusqlite::Connection),
    Postgres(&'a mut dyn PgClient),
}

impl Conn<'_> {
    /// Runs a statement; returns how many rows it changed (for an INSERT .. ON CONFLICT ..
    /// WHERE: 1 when the row was written, 0 when the condition kept it).
    pub fn execute(&mut self, sql: &str, params: &[Value]) -> Result<usize> {
        match self {
            Self::Sqlite(conn) => {
                Ok(conn.prepare_cached(sql)?.execute(rusqlite::params_from_iter(params.iter().map(to_sqlite)))?)
            }
            Self::Postgres(client) => {
                let statement = client.pg_prepare(&numbered_as_dollars(sql)?)?;
                let owned = to_postgres(statement.params(), params)?;
                let refs: Vec<&(dyn ToSql + Sync)> = owned.iter().map(|b| b.as_ref() as &(dyn ToSql + Sync)).collect();
                Ok(client.pg_execute(&statement, &refs)? as usize)
            }
        }
    }

    /// The rows of a query, in its order.
    pub fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
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
            Self::Postgres(client) => {
                let statement = client.pg_prepare(&numbered_as_dollars(sql)?)?;
                let owned = to_postgres(statement.params(), params)?;
                let refs: Vec<&(dyn ToSql + Sync)> = owned.iter().map(|b| b.as_ref() as &(dyn ToSql + Sync)).collect();
                let names: Arc<[String]> = statement.columns().iter().map(|c| c.name().to_owned()).collect();
                client
                    .pg_query(&statement, &refs)?
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
    /// another transaction, `f` becomes part of it (SQLite) or a savepoint (PostgreSQL).
    pub fn transaction<R>(&mut self, f: impl FnOnce(&mut Conn<'_>) -> Result<R>) -> Result<R> {
        match self {
            Self::Sqlite(conn) if !conn.is_autocommit() => f(&mut Conn::Sqlite(conn)),
            Self::Sqlite(conn) => {
                let tx = conn.unchecked_transaction()?;
                let r = f(&mut Conn::Sqlite(&tx))?;
                tx.commit()?;
                Ok(r)
            }
            Self::Postgres(client) => {
                let mut tx = client.pg_transaction()?;
                let r = f(&mut Conn::Postgres(&mut tx))?;
                tx.commit()?;
                Ok(r)
            }
        }
    }

    /// From here to the end of the transaction, other transactions that call this with the
    /// same `key` wait: what they write after it commits after what this one writes. SQLite
    /// has one writer at a time already; PostgreSQL takes a transaction-level advisory lock.
    /// Call inside [`Conn::transaction`] (outside one, PostgreSQL would let go at once).
    pub fn in_commit_order(&mut self, key: i64) -> Result<()> {
        match self {
            Self::Sqlite(_) => Ok(()),
            Self::Postgres(_) => {
                self.query("SELECT pg_advisory_xact_lock(?1) IS NULL AS waited", params![key])?;
                Ok(())
            }
        }
    }

    /// The first row of a query, as `f` reads it; [`Error::NoRows`] without one.
    pub fn query_row<T>(&mut self, sql: &str, params: &[Value], f: impl FnOnce(&Row) -> Result<T>) -> Result<T> {
        let row = self.query_opt(sql, params)?.ok_or(Error::NoRows)?;
        f(&row)
    }

    /// Every row of a query, as `f` reads it.
    pub fn query_map<T>(&mut self, sql: &str, params: &[Value], f: impl FnMut(&Row) -> Result<T>) -> Result<Vec<T>> {
        self.query(sql, params)?.iter().map(f).collect()
    }

    /// The first row of a query, if any.
    pub fn query_opt(&mut self, sql: &str, params: &[Value]) -> Result<Option<Row>> {
        Ok(self.query(sql, params)?.into_iter().next())
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
        Type::INT4 => row.try_get::<_, Option<i32>>(i)?.map(Value::from),
        Type::INT2 => row.try_get::<_, Option<i16>>(i)?.map(|n| Value::Int(n.into())),
        Type::BOOL => row.try_get::<_, Option<bool>>(i)?.map(Value::from),
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

/// `?1` → `$1`, outside string literals and quoted names. A bare `?` is refused: PostgreSQL
/// numbers every parameter.
fn numbered_as_dollars(sql: &str) -> Result<String> {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    let mut quote: Option<char> = None;
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
                if !chars.peek().is_some_and(char::is_ascii_digit) {
                    return Err(Error::Mismatch(format!("a bare ? in {sql:?}: number it (?1)")));
                }
                out.push('$');
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
        if let Some(config) = crate::db::postgres::test_database(test) {
            let mut client = config.connect(postgres::NoTls).unwrap();
            crate::db::postgres::migrate(&mut client, 0).unwrap();
            f(&mut Conn::Postgres(&mut client));
        }
    }

    #[test]
    fn placeholders_are_numbered_for_postgres_outside_quotes() {
        assert_eq!(
            numbered_as_dollars("SELECT ?2, '?1', \"a?1\" WHERE x = ?10").unwrap(),
            "SELECT $2, '?1', \"a?1\" WHERE x = $10"
        );
        assert!(numbered_as_dollars("SELECT ?").is_err());
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
            let n = conn.query("SELECT COUNT(*) AS n FROM units", &[]).unwrap();
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
                &[],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO cases (id, owner, patient, unit_id, questionnaire_id, title, response, priority, status, created_at, idempotency_key)
                 VALUES ('c', 'o', 'p', 'u', 'q', 't', '{}', 1, 'waiting', 0, 'k')",
                &[],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO pictures (id, case_id, uploader, content_type, width, height, bytes, thumbnail, created_at)
                 VALUES (?1, 'c', 'o', 'image/png', 1, 1, ?2, ?2, 0)",
                params!["p", bytes.clone()],
            )
            .unwrap();
            let row = conn.query_opt("SELECT bytes FROM pictures WHERE id = 'p'", &[]).unwrap().unwrap();
            assert_eq!(row.get::<Vec<u8>>("bytes").unwrap(), bytes);
        });
    }
}

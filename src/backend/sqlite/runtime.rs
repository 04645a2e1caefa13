//! The SQLite runtime: the backend marker generated code is specialised on, the
//! connection kinds it accepts, transactions through BEGIN / SAVEPOINT, and the few
//! helpers generated statements share.

use rusqlite::ErrorCode;

use crate::model::{Catalog, Schema};
use crate::runtime::{Backend, Connection, Constraint, Ddl, Error, Isolation, Migration, plan};

/// The SQLite backend. Generated stores implement their SQLite operations on
/// `Store<'_, Sqlite>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sqlite {}

/// An open SQLite transaction, or a savepoint inside one. Rolls back when dropped
/// without a commit, so a panic or an early return leaves the database as it was.
pub type Transaction<'c> = crate::runtime::transaction::Open<&'c rusqlite::Connection>;

impl crate::runtime::transaction::Session for &rusqlite::Connection {
    fn control(&mut self, operation: &'static str, sql: &str) -> Result<(), Error> {
        self.execute_batch(sql).map_err(|e| unscoped(operation, e))
    }
}

impl Backend for Sqlite {
    const KIND: crate::backend::BackendKind = crate::backend::BackendKind::Sqlite;

    type Raw<'c> = &'c rusqlite::Connection;
    type DriverError = rusqlite::Error;
    type Transaction<'c> = Transaction<'c>;

    fn in_transaction(raw: &mut Self::Raw<'_>) -> bool {
        !raw.is_autocommit()
    }

    fn reborrow<'a>(raw: &'a mut Self::Raw<'_>) -> Self::Raw<'a> {
        *raw
    }

    fn store_error(
        store: &'static str,
        operation: &'static str,
        fields: &'static [&'static str],
        error: Self::DriverError,
    ) -> Error {
        crate::runtime::DatabaseError::from_driver(Some(store), operation, fields, error)
    }

    fn begin<'c>(
        conn: Self::Raw<'c>,
        isolation: Option<Isolation>,
    ) -> Result<Self::Transaction<'c>, Error> {
        // SQLite is serializable whatever the level. A transaction takes the write lock
        // at once, waiting for it as long as the busy timeout allows: one that read
        // first and wrote later would fail at once instead (two readers can't both
        // upgrade their locks, so SQLite doesn't wait), where a server waits. A
        // read-only connection can't take it, and needs no lock to wait for.
        let begin = if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false) {
            "BEGIN"
        } else {
            "BEGIN IMMEDIATE"
        };
        let depth = usize::from(!conn.is_autocommit());
        Transaction::begin(conn, depth, isolation, &[begin])
    }

    fn commit(tx: Transaction<'_>) -> Result<(), Error> {
        // SQLite's COMMIT either commits or leaves the transaction open.
        tx.commit(|_| false)
    }

    fn rollback(tx: Transaction<'_>) -> Result<(), Error> {
        tx.rollback()
    }

    fn migrate(
        conn: &rusqlite::Connection,
        ddl: &Ddl,
        schema: &Schema,
    ) -> Result<Migration, Error> {
        let statements = ddl.statements(Self::KIND).ok_or(Error::NotGenerated {
            backend: crate::backend::BackendKind::Sqlite,
        })?;
        let fail = |e| unscoped("migrate", e);
        let outermost = conn.is_autocommit();
        if outermost {
            // Foreign keys are off in SQLite unless each connection turns them on, and
            // the pragma is a no-op inside a transaction.
            conn.execute_batch("PRAGMA foreign_keys = ON")
                .map_err(fail)?;
        }
        // BEGIN IMMEDIATE: one migrating connection at a time.
        let isolation = outermost.then_some(Isolation::Serializable);
        let tx = Sqlite::begin(conn, isolation)?;
        let catalog = Sqlite::introspect(conn, schema)?;
        let (run, mut report) = plan(schema, &catalog, statements)?;
        for statement in run {
            conn.execute_batch(statement.sql).map_err(fail)?;
        }
        conn.execute_batch(MIGRATIONS_TABLE).map_err(fail)?;
        let seen: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM storegen_migrations WHERE schema_name = ?1 AND schema_hash = ?2",
                rusqlite::params![ddl.schema, ddl.hash],
                |row| row.get(0),
            )
            .map_err(fail)?;
        if report.changed() || seen == 0 {
            conn.execute(
                "INSERT INTO storegen_migrations (schema_name, schema_hash, storegen_version, created) \
                 VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![ddl.schema, ddl.hash, crate::VERSION, report.summary()],
            )
            .map_err(fail)?;
            report.recorded = true;
        }
        Sqlite::commit(tx)?;
        Ok(report)
    }

    const LEDGER: crate::runtime::Ledger = crate::runtime::Ledger {
        create: MIGRATIONS_TABLE,
        has_version: "SELECT 1 FROM pragma_table_info('storegen_migrations') WHERE name = 'version'",
        add_columns: &[
            "ALTER TABLE storegen_migrations ADD COLUMN version INTEGER",
            "ALTER TABLE storegen_migrations ADD COLUMN name TEXT",
            "ALTER TABLE storegen_migrations ADD COLUMN checksum TEXT",
            "ALTER TABLE storegen_migrations ADD COLUMN statements_done INTEGER",
            "ALTER TABLE storegen_migrations ADD COLUMN finished INTEGER",
        ],
        read: "SELECT version, name, checksum, statements_done, finished, applied_at \
               FROM storegen_migrations WHERE version IS NOT NULL ORDER BY version",
        transactional: true,
        // A table rebuild drops tables others reference: foreign keys are off while the
        // migration runs (the pragma is a no-op inside a transaction), and checked before
        // it commits.
        before: &["PRAGMA foreign_keys = OFF"],
        check: Some("PRAGMA foreign_key_check"),
        after: &["PRAGMA foreign_keys = ON"],
    };

    fn execute(conn: &rusqlite::Connection, sql: &str) -> Result<(), Error> {
        conn.execute_batch(sql).map_err(|e| unscoped("migrate", e))
    }

    fn query_text(
        conn: &rusqlite::Connection,
        sql: &str,
    ) -> Result<Vec<Vec<Option<String>>>, Error> {
        use rusqlite::types::ValueRef;
        let fail = |e| unscoped("migrate", e);
        let mut statement = conn.prepare(sql).map_err(fail)?;
        let columns = statement.column_count();
        let mut rows = statement.query([]).map_err(fail)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(fail)? {
            let mut values = Vec::with_capacity(columns);
            for i in 0..columns {
                values.push(match row.get_ref(i).map_err(fail)? {
                    ValueRef::Null => None,
                    ValueRef::Integer(n) => Some(n.to_string()),
                    ValueRef::Real(x) => Some(x.to_string()),
                    ValueRef::Text(t) | ValueRef::Blob(t) => {
                        Some(String::from_utf8_lossy(t).into_owned())
                    }
                });
            }
            out.push(values);
        }
        Ok(out)
    }

    fn lock_migrations(_conn: &rusqlite::Connection) -> Result<(), Error> {
        Ok(())
    }

    fn unlock_migrations(_conn: &rusqlite::Connection) -> Result<(), Error> {
        Ok(())
    }

    fn ping(conn: &rusqlite::Connection) -> Result<(), Error> {
        conn.execute_batch("SELECT 1")
            .map_err(|e| unscoped("ping", e))
    }

    fn introspect(conn: &rusqlite::Connection, schema: &Schema) -> Result<Catalog, Error> {
        let tables: Vec<&str> = schema.stores.iter().map(|s| s.table.as_str()).collect();
        let mut catalog =
            super::introspect::introspect(conn, &tables).map_err(|e| unscoped("verify", e))?;
        // The application's own connection: generated code writes through it. (The
        // build's is read-only by design, so only here.)
        if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false) {
            catalog.denied = catalog
                .tables
                .iter()
                .map(|table| crate::model::Denied {
                    table: table.name.clone(),
                    column: None,
                    privilege: "write".into(),
                    object: format!(
                        "to table `{}`: the database is read-only (opened read-only, or its file or folder isn't writable)",
                        table.name
                    ),
                    user: String::new(),
                    grant: "open the database read-write, with its file and folder writable by the service's user".into(),
                })
                .collect();
        }
        Ok(catalog)
    }
}

fn unscoped(operation: &'static str, source: rusqlite::Error) -> Error {
    crate::runtime::DatabaseError::from_driver(None, operation, &[], source)
}

/// The result column a decoding error is about.
pub(crate) fn column_index(error: &rusqlite::Error) -> Option<usize> {
    match error {
        rusqlite::Error::FromSqlConversionFailure(i, ..)
        | rusqlite::Error::IntegralValueOutOfRange(i, _)
        | rusqlite::Error::Utf8Error(i, _)
        | rusqlite::Error::InvalidColumnType(i, ..) => Some(*i),
        _ => None,
    }
}

impl Connection for rusqlite::Connection {
    type Backend = Sqlite;
    fn raw(&mut self) -> &rusqlite::Connection {
        self
    }
}

impl Connection for rusqlite::Transaction<'_> {
    type Backend = Sqlite;
    fn raw(&mut self) -> &rusqlite::Connection {
        self
    }
}

impl Connection for rusqlite::Savepoint<'_> {
    type Backend = Sqlite;
    fn raw(&mut self) -> &rusqlite::Connection {
        self
    }
}

impl Connection for Transaction<'_> {
    type Backend = Sqlite;
    fn raw(&mut self) -> &rusqlite::Connection {
        self.conn
    }
}

/// The table `migrate` records its runs in.
const MIGRATIONS_TABLE: &str = "CREATE TABLE IF NOT EXISTS storegen_migrations (\
     id INTEGER PRIMARY KEY, \
     schema_name TEXT NOT NULL, \
     schema_hash TEXT NOT NULL, \
     storegen_version TEXT NOT NULL, \
     applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')), \
     created TEXT NOT NULL, \
     version INTEGER, \
     name TEXT, \
     checksum TEXT, \
     statements_done INTEGER, \
     finished INTEGER)";

/// Whether running the transaction again may succeed: the database was busy or locked.
pub(crate) fn retryable(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

/// The constraint a failed SQLite write violated.
pub(crate) fn constraint(error: &rusqlite::Error) -> Option<Constraint> {
    let rusqlite::Error::SqliteFailure(failure, _) = error else {
        return None;
    };
    if failure.code != ErrorCode::ConstraintViolation {
        return None;
    }
    use rusqlite::ffi;
    Some(match failure.extended_code {
        ffi::SQLITE_CONSTRAINT_UNIQUE => Constraint::Unique,
        ffi::SQLITE_CONSTRAINT_PRIMARYKEY | ffi::SQLITE_CONSTRAINT_ROWID => Constraint::PrimaryKey,
        ffi::SQLITE_CONSTRAINT_FOREIGNKEY => Constraint::ForeignKey,
        ffi::SQLITE_CONSTRAINT_NOTNULL => Constraint::NotNull,
        ffi::SQLITE_CONSTRAINT_CHECK => Constraint::Check,
        _ => return None,
    })
}

/// Floats SQLite can store as they are: NaN it would turn into NULL.
#[doc(hidden)]
pub trait Finite: Sized {
    fn is_storable(&self) -> bool;
}

impl Finite for f64 {
    fn is_storable(&self) -> bool {
        !self.is_nan()
    }
}

impl Finite for f32 {
    fn is_storable(&self) -> bool {
        !self.is_nan()
    }
}

impl<T: Finite> Finite for Option<T> {
    fn is_storable(&self) -> bool {
        self.as_ref().is_none_or(Finite::is_storable)
    }
}

impl<T: Finite> Finite for &T {
    fn is_storable(&self) -> bool {
        (**self).is_storable()
    }
}

/// The value, or an error naming the field when SQLite can't store it: NaN, which
/// SQLite stores as NULL. (Infinities it keeps.)
#[doc(hidden)]
pub fn finite<T: Finite>(value: T, field: &'static str) -> rusqlite::Result<T> {
    if value.is_storable() {
        Ok(value)
    } else {
        Err(rusqlite::Error::ToSqlConversionFailure(
            format!("field `{field}`: SQLite cannot store NaN (it would become NULL)").into(),
        ))
    }
}

/// A JSON field's parameter: always its text, so a JSON `null` or number is stored as
/// JSON and reads back as what it was (rusqlite's own conversion stores them as SQL
/// NULL and numbers).
#[cfg(feature = "json")]
#[doc(hidden)]
pub fn json<T: AsJson + ?Sized>(value: &T) -> Option<String> {
    value.as_json().map(serde_json::Value::to_string)
}

/// A typed JSON field's parameter (`rust = "..."` on a json field): the value as JSON
/// text, or an error naming the field when it doesn't serialise.
#[cfg(feature = "json")]
#[doc(hidden)]
pub fn json_typed<T: serde::Serialize + ?Sized>(value: &T) -> rusqlite::Result<String> {
    serde_json::to_string(value).map_err(|e| rusqlite::Error::ToSqlConversionFailure(e.into()))
}

/// A nullable typed JSON field's parameter: `None` is SQL NULL.
#[cfg(feature = "json")]
#[doc(hidden)]
pub fn json_typed_opt<T: serde::Serialize>(value: &Option<T>) -> rusqlite::Result<Option<String>> {
    value.as_ref().map(json_typed).transpose()
}

/// A typed JSON column's value, deserialised from its text.
#[cfg(feature = "json")]
#[doc(hidden)]
pub struct JsonTyped<T>(pub T);

#[cfg(feature = "json")]
impl<T: serde::de::DeserializeOwned> rusqlite::types::FromSql for JsonTyped<T> {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        let text = value.as_bytes()?;
        serde_json::from_slice(text)
            .map(JsonTyped)
            .map_err(|e| rusqlite::types::FromSqlError::Other(e.into()))
    }
}

/// A JSON field's value, present or not.
#[cfg(feature = "json")]
#[doc(hidden)]
pub trait AsJson {
    fn as_json(&self) -> Option<&serde_json::Value>;
}

#[cfg(feature = "json")]
impl AsJson for serde_json::Value {
    fn as_json(&self) -> Option<&serde_json::Value> {
        Some(self)
    }
}

#[cfg(feature = "json")]
impl AsJson for Option<serde_json::Value> {
    fn as_json(&self) -> Option<&serde_json::Value> {
        self.as_ref()
    }
}

/// A decimal field's parameter: its text at the column's scale (checked to fit before).
#[cfg(feature = "decimal")]
#[doc(hidden)]
pub fn decimal<T: crate::runtime::decimal::AsDecimal>(value: T, scale: u32) -> Option<String> {
    value
        .as_decimal()
        .map(|v| crate::runtime::decimal::at_scale(v, scale).to_string())
}

/// A decimal column's value, read from its text (or an integer another program wrote).
#[cfg(feature = "decimal")]
#[doc(hidden)]
pub struct DecimalText(pub rust_decimal::Decimal);

#[cfg(feature = "decimal")]
impl rusqlite::types::FromSql for DecimalText {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        use rusqlite::types::{FromSqlError, ValueRef};
        match value {
            ValueRef::Text(text) => std::str::from_utf8(text)
                .ok()
                .and_then(|t| rust_decimal::Decimal::from_str_exact(t.trim()).ok())
                .map(DecimalText)
                .ok_or_else(|| {
                    FromSqlError::Other(
                        format!(
                            "`{}` is not a decimal rust_decimal can hold (28 significant digits)",
                            String::from_utf8_lossy(text)
                        )
                        .into(),
                    )
                }),
            ValueRef::Integer(n) => Ok(DecimalText(n.into())),
            _ => Err(FromSqlError::InvalidType),
        }
    }
}

/// A decimal at its field's scale. storegen keeps decimals as text, but a NUMERIC or REAL
/// column (an existing database's), arithmetic and aggregates (`SUM`, `AVG`) hold them
/// as floats. Text and integers are read exactly; a real is rounded to the scale (exact
/// while the value has at most 15 significant digits, which is why such columns take
/// decimals of 15 digits at most).
#[cfg(feature = "decimal")]
#[doc(hidden)]
pub struct DecimalComputed<const SCALE: u32>(pub rust_decimal::Decimal);

#[cfg(feature = "decimal")]
impl<const SCALE: u32> rusqlite::types::FromSql for DecimalComputed<SCALE> {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        decimal_computed(value, SCALE).map(DecimalComputed)
    }
}

/// A decimal column's value at `scale` (see [`DecimalComputed`]).
#[cfg(feature = "decimal")]
pub(crate) fn decimal_computed(
    value: rusqlite::types::ValueRef<'_>,
    scale: u32,
) -> rusqlite::types::FromSqlResult<rust_decimal::Decimal> {
    use rusqlite::types::{FromSql, FromSqlError, ValueRef};
    match value {
        ValueRef::Real(x) => rust_decimal::Decimal::from_f64_retain(x)
            .map(|d| d.round_dp(scale).normalize_to_scale(scale))
            .ok_or_else(|| FromSqlError::Other(format!("{x} is not a decimal").into())),
        other => DecimalText::column_result(other).map(|d| d.0.normalize_to_scale(scale)),
    }
}

/// `value` with exactly `scale` digits after the point (`1.5` at scale 2: `1.50`).
#[cfg(feature = "decimal")]
trait ToScale {
    fn normalize_to_scale(self, scale: u32) -> Self;
}

#[cfg(feature = "decimal")]
impl ToScale for rust_decimal::Decimal {
    fn normalize_to_scale(mut self, scale: u32) -> Self {
        if self.scale() < scale {
            self.rescale(scale);
        }
        self
    }
}

/// A uuid field kept as text: its hyphenated lower-case form.
#[cfg(feature = "uuid")]
#[doc(hidden)]
pub fn uuid_text<T: crate::runtime::uuids::AsUuid>(value: T) -> Option<String> {
    crate::runtime::uuids::text(value)
}

/// A timestamp read from ISO-8601 text, as storegen writes it, or from unix seconds in
/// an INTEGER cell (what some programs write to a `DATETIME` column), taken in UTC.
#[doc(hidden)]
pub struct UnixOr<T>(pub T);

/// A timestamp type that unix seconds convert to.
#[doc(hidden)]
pub trait FromUnix: Sized {
    /// The UTC date and time `seconds` after 1970-01-01 00:00:00.
    fn from_unix(seconds: i64) -> Option<Self>;
}

#[cfg(feature = "chrono")]
impl FromUnix for chrono::NaiveDateTime {
    fn from_unix(seconds: i64) -> Option<Self> {
        chrono::DateTime::from_timestamp(seconds, 0).map(|t| t.naive_utc())
    }
}

#[cfg(feature = "time")]
impl FromUnix for time::PrimitiveDateTime {
    fn from_unix(seconds: i64) -> Option<Self> {
        let t = time::OffsetDateTime::from_unix_timestamp(seconds).ok()?;
        Some(time::PrimitiveDateTime::new(t.date(), t.time()))
    }
}

impl<T: rusqlite::types::FromSql + FromUnix> rusqlite::types::FromSql for UnixOr<T> {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        match value {
            rusqlite::types::ValueRef::Integer(seconds) => T::from_unix(seconds)
                .map(UnixOr)
                .ok_or(rusqlite::types::FromSqlError::OutOfRange(seconds)),
            other => T::column_result(other).map(UnixOr),
        }
    }
}

/// A uuid column kept as text, read (or the 16 bytes, if another program wrote those).
#[cfg(feature = "uuid")]
#[doc(hidden)]
pub struct UuidText(pub uuid::Uuid);

#[cfg(feature = "uuid")]
impl rusqlite::types::FromSql for UuidText {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        use rusqlite::types::{FromSqlError, ValueRef};
        match value {
            ValueRef::Text(text) => crate::runtime::uuids::parse(text)
                .map(UuidText)
                .map_err(|e| FromSqlError::Other(e.into())),
            ValueRef::Blob(bytes) => uuid::Uuid::from_slice(bytes)
                .map(UuidText)
                .map_err(|e| FromSqlError::Other(e.into())),
            _ => Err(FromSqlError::InvalidType),
        }
    }
}

/// A generated enum read from its text.
#[doc(hidden)]
pub fn enum_from_sql<T: crate::Enum>(
    value: rusqlite::types::ValueRef<'_>,
) -> rusqlite::types::FromSqlResult<T> {
    match value {
        rusqlite::types::ValueRef::Text(text) => crate::runtime::parse_enum(text)
            .map_err(|e| rusqlite::types::FromSqlError::Other(e.into())),
        _ => Err(rusqlite::types::FromSqlError::InvalidType),
    }
}

/// The INSERT for the columns present in one row: a generated store passes every
/// insertable column with whether the row gives it a value. Columns left out take the
/// database's default.
#[doc(hidden)]
pub fn insert_sql(
    table: &str,
    columns: &[&str],
    present: &[bool],
    returning: Option<&str>,
) -> String {
    super::DIALECT.insert(table, columns, present, 1, returning)
}

impl crate::runtime::DriverError for rusqlite::Error {
    const BACKEND: crate::backend::BackendKind = crate::backend::BackendKind::Sqlite;

    fn kind(&self) -> crate::runtime::ErrorKind {
        crate::runtime::kind_of(constraint(self), retryable(self))
    }

    fn column(&self) -> Option<usize> {
        column_index(self)
    }

    /// SQLite names a broken constraint's columns (`UNIQUE constraint failed:
    /// customers.email`), or a CHECK's name or expression.
    fn violation(&self) -> Option<crate::runtime::violation::Violation> {
        let constraint = constraint(self)?;
        let rusqlite::Error::SqliteFailure(_, Some(text)) = self else {
            return None;
        };
        let mut v = crate::runtime::violation::Violation::default();
        if let Some((_, rest)) = text.split_once("constraint failed: ") {
            if constraint == crate::runtime::Constraint::Check {
                // storegen's own length check, `length("title") <= 200`, says what
                // the other backends' column types do.
                let length = rest
                    .strip_prefix("length(\"")
                    .and_then(|r| r.split_once("\") <= "));
                match length {
                    Some((column, limit)) => {
                        v.columns = vec![column.to_owned()];
                        v.too_long = Some(format!("at most {limit} characters"));
                    }
                    None => v.name = Some(rest.to_owned()),
                }
            } else {
                v.columns = rest
                    .split(", ")
                    .map(|c| c.rsplit_once('.').map_or(c, |(_, c)| c).to_owned())
                    .collect();
            }
        }
        Some(v)
    }

    /// A broken constraint as every backend says it.
    fn message(&self) -> String {
        match (constraint(self), self.violation()) {
            (Some(constraint), Some(v)) => v.message(constraint),
            _ => self.to_string(),
        }
    }
}

#[cfg(all(test, feature = "decimal"))]
mod tests {
    use super::DecimalComputed;

    /// Every float SQLite may hold for a decimal of up to 15 digits reads back as that
    /// decimal, at the field's scale.
    #[test]
    fn decimals_kept_as_floats_read_back_exactly_up_to_15_digits() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let read = |sql: &str| -> String {
            conn.query_row(sql, [], |row| row.get::<_, DecimalComputed<2>>(0))
                .unwrap()
                .0
                .to_string()
        };
        assert_eq!(
            read("SELECT CAST('1234567890123.45' AS REAL)"),
            "1234567890123.45"
        );
        assert_eq!(
            read("SELECT CAST('-9999999999999.99' AS REAL)"),
            "-9999999999999.99"
        );
        assert_eq!(read("SELECT 0.1 + 0.2"), "0.30");
        assert_eq!(read("SELECT 10"), "10.00");
        assert_eq!(read("SELECT '7.5'"), "7.50");
    }
}

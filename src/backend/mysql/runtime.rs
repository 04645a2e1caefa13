//! The MySQL/MariaDB runtime: the connection kinds generated stores accept, transactions
//! through START TRANSACTION / SAVEPOINT, and statement execution. The mysql crate keeps
//! a per-connection cache of prepared statements, keyed by SQL text, so each statement
//! is prepared once per connection.

use mysql::prelude::Queryable;
use mysql::{Params, Row, Value};

use crate::model::{Catalog, Schema};
use crate::runtime::{Backend, Connection, Constraint, Ddl, Error, Isolation, Migration, plan};

/// The MySQL/MariaDB backend. Generated stores implement their operations on
/// `Store<'_, Mysql>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mysql {}

/// What storegen needs of a MySQL connection; implemented for `mysql::Conn`,
/// `mysql::PooledConn` and `mysql::Transaction` (`Queryable` itself is generic, so not
/// usable as an object).
#[doc(hidden)]
pub trait MyClient {
    fn exec_rows(&mut self, sql: &str, params: Vec<Value>) -> Result<Vec<Row>, mysql::Error>;
    /// Runs a statement; returns the rows it changed and the id it generated.
    fn exec_write(
        &mut self,
        sql: &str,
        params: Vec<Value>,
    ) -> Result<(u64, Option<u64>), mysql::Error>;
    fn query_drop(&mut self, sql: &str) -> Result<(), mysql::Error>;
    /// (major, minor, patch), when the connection can tell.
    fn server_version(&self) -> Option<(u16, u16, u16)>;
}

/// "Rows matched: 1  Changed: 0  Warnings: 0" → 1.
fn matched(info: &str) -> Option<u64> {
    info.strip_prefix("Rows matched: ")?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn params(values: Vec<Value>) -> Params {
    if values.is_empty() {
        Params::Empty
    } else {
        Params::Positional(values)
    }
}

macro_rules! my_client {
    ($ty:ty, |$this:ident| $version:expr) => {
        impl MyClient for $ty {
            fn exec_rows(
                &mut self,
                sql: &str,
                values: Vec<Value>,
            ) -> Result<Vec<Row>, mysql::Error> {
                self.exec(sql, params(values))
            }
            fn exec_write(
                &mut self,
                sql: &str,
                values: Vec<Value>,
            ) -> Result<(u64, Option<u64>), mysql::Error> {
                let result = self.exec_iter(sql, params(values))?;
                // An UPDATE's affected rows count only the rows it changed; its info
                // ("Rows matched: 1  Changed: 0") says how many it found, which is what
                // a generated update reports.
                let written = matched(&result.info_str()).unwrap_or(result.affected_rows());
                let written = (written, result.last_insert_id());
                drop(result);
                Ok(written)
            }
            fn query_drop(&mut self, sql: &str) -> Result<(), mysql::Error> {
                Queryable::query_drop(self, sql)
            }
            fn server_version(&self) -> Option<(u16, u16, u16)> {
                let $this = self;
                $version
            }
        }
    };
}
my_client!(mysql::Conn, |conn| Some(mysql::Conn::server_version(conn)));
my_client!(mysql::PooledConn, |conn| Some(mysql::Conn::server_version(
    conn
)));
// A transaction doesn't expose its connection's version.
my_client!(mysql::Transaction<'_>, |_tx| None);

/// A borrowed MySQL connection, as generated code sees it.
pub struct MyConn<'c> {
    client: &'c mut (dyn MyClient + 'c),
    returning: bool,
    /// How many transactions and savepoints are open on the connection: each nested one
    /// is a savepoint named after its depth, since MySQL replaces a savepoint that is
    /// set again under the same name.
    depth: u32,
}

impl<'c> MyConn<'c> {
    fn new(client: &'c mut (dyn MyClient + 'c), in_transaction: bool) -> Self {
        // MariaDB 10.5 and later have INSERT ... RETURNING; MySQL (versions below 10)
        // has not, and a connection that can't tell gets the portable path. MariaDB
        // announces itself as "5.5.5-10.x" for old clients' sake, and the driver reports
        // the 5.5.5: those servers try RETURNING, and the generated insert falls back
        // to the portable path on a syntax error (MariaDB before 10.5).
        let returning = client
            .server_version()
            .is_some_and(|version| version >= (10, 5, 0) || version == (5, 5, 5));
        MyConn {
            client,
            returning,
            depth: u32::from(in_transaction),
        }
    }

    /// A shorter borrow of the same connection.
    pub fn reborrow(&mut self) -> MyConn<'_> {
        MyConn {
            client: &mut *self.client,
            returning: self.returning,
            depth: self.depth,
        }
    }

    /// Whether this server returns inserted rows (`INSERT ... RETURNING`).
    pub fn returning(&self) -> bool {
        self.returning
    }

    /// Forces the portable insert path (`LAST_INSERT_ID()`, then a select), as on MySQL.
    #[doc(hidden)]
    pub fn without_returning(mut self) -> Self {
        self.returning = false;
        self
    }

    /// Runs a query with positional parameters and returns every row.
    pub fn query(&mut self, sql: &str, params: Vec<Value>) -> Result<Vec<Row>, mysql::Error> {
        self.client.exec_rows(sql, params)
    }

    /// Runs a statement; returns the rows it wrote (an UPDATE: the rows it found) and
    /// the id it generated.
    pub fn execute(
        &mut self,
        sql: &str,
        params: Vec<Value>,
    ) -> Result<(u64, Option<u64>), mysql::Error> {
        self.client.exec_write(sql, params)
    }
}

/// Whether the server rejected a statement's syntax (ER_PARSE_ERROR): a MariaDB older
/// than 10.5 given INSERT ... RETURNING.
#[doc(hidden)]
pub fn is_syntax_error(error: &mysql::Error) -> bool {
    matches!(error, mysql::Error::MySqlError(e) if e.code == 1064)
}

/// Takes column `index` of a row as `T`, saying which column could not be converted.
#[doc(hidden)]
pub fn take<T: mysql::prelude::FromValue>(row: &mut Row, index: usize) -> Result<T, mysql::Error> {
    match row.take_opt::<T, usize>(index) {
        Some(Ok(value)) => Ok(value),
        Some(Err(e)) => Err(decoding(
            index,
            &format!("{:?} does not convert to the field's type", e.0),
        )),
        None => Err(decoding(index, "the row has no such column")),
    }
}

fn decoding(index: usize, message: &str) -> mysql::Error {
    mysql::Error::IoError(std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!("error decoding column {index}: {message}"),
    ))
}

/// An open MySQL transaction, or a savepoint inside one. Rolls back when dropped
/// without a commit.
pub type Transaction<'c> = crate::runtime::transaction::Open<MyConn<'c>>;

impl crate::runtime::transaction::Session for MyConn<'_> {
    fn control(&mut self, operation: &'static str, sql: &str) -> Result<(), Error> {
        self.client
            .query_drop(sql)
            .map_err(|e| unscoped(operation, e))
    }
}

impl Backend for Mysql {
    const KIND: crate::backend::BackendKind = crate::backend::BackendKind::Mysql;

    type Raw<'c> = MyConn<'c>;
    type DriverError = mysql::Error;
    type Transaction<'c> = Transaction<'c>;

    fn in_transaction(raw: &mut Self::Raw<'_>) -> bool {
        raw.depth > 0
    }

    fn reborrow<'a>(raw: &'a mut Self::Raw<'_>) -> Self::Raw<'a> {
        raw.reborrow()
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
        // The level applies to the next transaction only.
        let set;
        let begin: &[&str] = match isolation {
            Some(level) => {
                set = format!("SET TRANSACTION ISOLATION LEVEL {}", level.sql());
                &[set.as_str(), "START TRANSACTION"]
            }
            None => &["START TRANSACTION"],
        };
        let depth = conn.depth as usize;
        let mut tx = Transaction::begin(conn, depth, isolation, begin)?;
        tx.conn.depth += 1;
        Ok(tx)
    }

    fn commit(tx: Transaction<'_>) -> Result<(), Error> {
        tx.commit(|error| {
            // No answer from the server (the connection broke): the outcome is unknown.
            // (1053: the server shutting down; 1927: the connection killed.)
            crate::runtime::DatabaseError::driver::<mysql::Error>(error).is_some_and(|e| match e {
                mysql::Error::MySqlError(server) => matches!(server.code, 1053 | 1927),
                _ => true,
            })
        })
    }

    fn rollback(tx: Transaction<'_>) -> Result<(), Error> {
        tx.rollback()
    }

    fn migrate(mut conn: MyConn<'_>, ddl: &Ddl, schema: &Schema) -> Result<Migration, Error> {
        let statements = ddl.statements(Self::KIND).ok_or(Error::NotGenerated {
            backend: crate::backend::BackendKind::Mysql,
        })?;
        let fail = |e| unscoped("migrate", e);
        // One migrating session at a time. MySQL commits DDL statement by statement, so
        // no transaction can hold it: a failed run leaves what it created, and the next
        // run creates the rest.
        take_migrate_lock(conn.reborrow())?;
        let result = (|| {
            let catalog = Mysql::introspect(conn.reborrow(), schema)?;
            let (run, mut report) = plan(schema, &catalog, statements)?;
            let recorded_before = conn
                .query(
                    "SELECT COUNT(*) FROM information_schema.TABLES \
                     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'storegen_migrations'",
                    Vec::new(),
                )
                .map_err(fail)?
                .into_iter()
                .next()
                .map(|mut row| take::<u64>(&mut row, 0))
                .transpose()
                .map_err(fail)?
                .unwrap_or(0)
                > 0;
            if conn.depth > 0 && (!run.is_empty() || !recorded_before) {
                // DDL would commit the caller's transaction behind its back.
                return Err(Error::Unsupported(
                    "MySQL commits DDL implicitly: run migrate outside a transaction".into(),
                ));
            }
            // Tables compare text as the other backends do: binary, and without padding
            // (`utf8mb4_bin` pads, so `'k'` and `'k '` would be one key): the server's
            // NO PAD binary collation where it has one (MariaDB 10.2+, MySQL 8).
            for statement in run {
                let sql = no_pad(conn.reborrow(), statement.sql)?;
                conn.client.query_drop(&sql).map_err(fail)?;
            }
            if !recorded_before {
                conn.client.query_drop(MIGRATIONS_TABLE).map_err(fail)?;
            }
            let seen = conn
                .query(
                    "SELECT COUNT(*) FROM storegen_migrations WHERE schema_name = ? AND schema_hash = ?",
                    vec![Value::from(ddl.schema), Value::from(ddl.hash)],
                )
                .map_err(fail)?;
            let seen: u64 = match seen.into_iter().next() {
                Some(mut row) => take(&mut row, 0).map_err(fail)?,
                None => 0,
            };
            if report.changed() || seen == 0 {
                conn.execute(
                    "INSERT INTO storegen_migrations (schema_name, schema_hash, storegen_version, created) \
                     VALUES (?, ?, ?, ?)",
                    vec![
                        Value::from(ddl.schema),
                        Value::from(ddl.hash),
                        Value::from(crate::VERSION),
                        Value::from(report.summary()),
                    ],
                )
                .map_err(fail)?;
                report.recorded = true;
            }
            Ok(report)
        })();
        let _ = conn
            .client
            .query_drop("DO RELEASE_LOCK('storegen_migrate')");
        result
    }

    const LEDGER: crate::runtime::Ledger = crate::runtime::Ledger {
        create: MIGRATIONS_TABLE,
        has_version: "SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() \
                      AND TABLE_NAME = 'storegen_migrations' AND COLUMN_NAME = 'version'",
        add_columns: &[
            "ALTER TABLE storegen_migrations ADD COLUMN version BIGINT, \
             ADD COLUMN name VARCHAR(255), ADD COLUMN checksum VARCHAR(100), \
             ADD COLUMN statements_done BIGINT, ADD COLUMN finished TINYINT",
        ],
        read: "SELECT version, name, checksum, statements_done, finished, applied_at \
               FROM storegen_migrations WHERE version IS NOT NULL ORDER BY version",
        transactional: false,
        before: &[],
        check: None,
        after: &[],
    };

    fn execute(mut conn: MyConn<'_>, sql: &str) -> Result<(), Error> {
        let sql = no_pad(conn.reborrow(), sql)?;
        conn.client
            .query_drop(&sql)
            .map_err(|e| unscoped("migrate", e))
    }

    fn query_text(conn: MyConn<'_>, sql: &str) -> Result<Vec<Vec<Option<String>>>, Error> {
        let rows = conn
            .client
            .exec_rows(sql, Vec::new())
            .map_err(|e| unscoped("migrate", e))?;
        Ok(rows
            .into_iter()
            .map(|row| {
                row.unwrap()
                    .into_iter()
                    .map(|value| match value {
                        Value::NULL => None,
                        Value::Bytes(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
                        Value::Int(n) => Some(n.to_string()),
                        Value::UInt(n) => Some(n.to_string()),
                        other => Some(other.as_sql(true).trim_matches('\'').to_owned()),
                    })
                    .collect()
            })
            .collect())
    }

    fn lock_migrations(conn: MyConn<'_>) -> Result<(), Error> {
        take_migrate_lock(conn)
    }

    fn unlock_migrations(conn: MyConn<'_>) -> Result<(), Error> {
        conn.client
            .query_drop("DO RELEASE_LOCK('storegen_migrate')")
            .map_err(|e| unscoped("migrate", e))
    }

    fn ping(conn: MyConn<'_>) -> Result<(), Error> {
        conn.client
            .query_drop("SELECT 1")
            .map_err(|e| unscoped("ping", e))
    }

    fn introspect(conn: MyConn<'_>, schema: &Schema) -> Result<Catalog, Error> {
        let tables: Vec<&str> = schema.stores.iter().map(|s| s.table.as_str()).collect();
        let rows = conn
            .client
            .exec_rows("SELECT DATABASE()", Vec::new())
            .map_err(|e| unscoped("verify", e))?;
        // NULL when the connection names no database.
        let database = match rows.into_iter().next() {
            Some(mut row) => {
                take::<Option<String>>(&mut row, 0).map_err(|e| unscoped("verify", e))?
            }
            None => None,
        };
        let database = database.ok_or_else(|| {
            Error::Unexpected("verify: the MySQL connection has no current database".into())
        })?;
        super::introspect::introspect(conn.client, &database, &tables)
            .map_err(|e| unscoped("verify", e))
    }
}

/// `sql` with storegen's `COLLATE=utf8mb4_bin` made the server's NO PAD binary
/// collation where it has one (MariaDB 10.2+, MySQL 8): tables compare text as the other
/// backends do, binary and without padding (`utf8mb4_bin` pads, so `'k'` and `'k '`
/// would be one key).
fn no_pad<'s>(mut conn: MyConn<'_>, sql: &'s str) -> Result<std::borrow::Cow<'s, str>, Error> {
    if !sql.contains("utf8mb4_bin") {
        return Ok(std::borrow::Cow::Borrowed(sql));
    }
    let fail = |e| unscoped("migrate", e);
    let collation = conn
        .query(
            "SELECT COLLATION_NAME FROM information_schema.COLLATIONS \
             WHERE COLLATION_NAME IN ('utf8mb4_0900_bin', 'utf8mb4_nopad_bin') \
             ORDER BY COLLATION_NAME LIMIT 1",
            Vec::new(),
        )
        .map_err(fail)?
        .into_iter()
        .next()
        .map(|mut row| take::<String>(&mut row, 0))
        .transpose()
        .map_err(fail)?;
    Ok(match collation {
        Some(collation) => super::with_collation(sql, &collation),
        None => std::borrow::Cow::Borrowed(sql),
    })
}

/// Waits (up to 60 s) for the session lock migrating sessions share.
fn take_migrate_lock(mut conn: MyConn<'_>) -> Result<(), Error> {
    let fail = |e| unscoped("migrate", e);
    // 1 when taken; 0 after the timeout, NULL on an error.
    let locked = conn
        .query("SELECT GET_LOCK('storegen_migrate', 60)", Vec::new())
        .map_err(fail)?
        .into_iter()
        .next()
        .map(|mut row| take::<Option<i64>>(&mut row, 0))
        .transpose()
        .map_err(fail)?
        .flatten();
    if locked == Some(1) {
        Ok(())
    } else {
        Err(Error::Unexpected(
            "migrate: another session held the MySQL lock `storegen_migrate` for 60 s".into(),
        ))
    }
}

pub(crate) fn unscoped(operation: &'static str, source: mysql::Error) -> Error {
    crate::runtime::DatabaseError::from_driver(None, operation, &[], source)
}

impl Connection for mysql::Conn {
    type Backend = Mysql;
    fn raw(&mut self) -> MyConn<'_> {
        MyConn::new(self, false)
    }
}

impl Connection for mysql::PooledConn {
    type Backend = Mysql;
    fn raw(&mut self) -> MyConn<'_> {
        MyConn::new(self, false)
    }
}

impl Connection for mysql::Transaction<'_> {
    type Backend = Mysql;
    fn raw(&mut self) -> MyConn<'_> {
        MyConn::new(self, true)
    }
}

impl Connection for Transaction<'_> {
    type Backend = Mysql;
    fn raw(&mut self) -> MyConn<'_> {
        self.conn.reborrow()
    }
}

/// The table `migrate` records its runs in.
const MIGRATIONS_TABLE: &str = "CREATE TABLE IF NOT EXISTS storegen_migrations (\
     id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, \
     schema_name VARCHAR(255) NOT NULL, \
     schema_hash VARCHAR(100) NOT NULL, \
     storegen_version VARCHAR(40) NOT NULL, \
     applied_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), \
     created LONGTEXT NOT NULL, \
     version BIGINT, \
     name VARCHAR(255), \
     checksum VARCHAR(100), \
     statements_done BIGINT, \
     finished TINYINT\
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";

/// Whether running the transaction again may succeed: a deadlock or a lock wait timeout
/// (InnoDB rolls the transaction back on a deadlock).
pub(crate) fn retryable(error: &mysql::Error) -> bool {
    matches!(error, mysql::Error::MySqlError(e) if e.code == 1213 || e.code == 1205)
}

/// The constraint a failed MySQL write violated, by server error code.
pub(crate) fn constraint(error: &mysql::Error) -> Option<Constraint> {
    let mysql::Error::MySqlError(e) = error else {
        return None;
    };
    Some(match e.code {
        // ER_DUP_ENTRY names the key: 'PRIMARY' for the primary key.
        1062 if e.message.ends_with("'PRIMARY'") || e.message.contains(".PRIMARY'") => {
            Constraint::PrimaryKey
        }
        1062 | 1586 => Constraint::Unique,
        1451 | 1452 | 1216 | 1217 => Constraint::ForeignKey,
        1048 | 1364 => Constraint::NotNull,
        3819 | 4025 | 1406 => Constraint::Check,
        // A character the column's character set lacks (strict mode; without it the
        // server would store `?`).
        1366 if e.message.starts_with("Incorrect string value") => Constraint::Check,
        _ => return None,
    })
}

/// What MySQL says of a broken constraint, from its message: `Duplicate entry 'a@b.c'
/// for key 'customers_email_key'`, `… CONSTRAINT `fk` FOREIGN KEY (`c`) REFERENCES `t` …`,
/// `Column 'name' cannot be null`, `Data too long for column 'name' at row 1`.
fn violation(code: u16, message: &str) -> crate::runtime::violation::Violation {
    use crate::runtime::violation::{Violation, between};
    let mut v = Violation::default();
    match code {
        1062 | 1586 => {
            v.values = between(message, "Duplicate entry ", " for key").map(str::to_owned);
            let key = message
                .rsplit_once(" for key '")
                .map(|(_, k)| k.trim_end_matches('\''));
            // MySQL 8 writes `table.key`.
            let key = key.map(|k| k.rsplit_once('.').map_or(k, |(_, k)| k));
            v.name = key.filter(|k| *k != "PRIMARY").map(str::to_owned);
        }
        1451 | 1452 | 1216 | 1217 => {
            v.name = between(message, "CONSTRAINT `", "`").map(str::to_owned);
            v.columns = between(message, "FOREIGN KEY (`", "`)")
                .map(|c| c.split("`, `").map(str::to_owned).collect())
                .unwrap_or_default();
            v.referenced = matches!(code, 1451 | 1217);
            v.table = if v.referenced {
                // `db`.`child`, CONSTRAINT …: the table whose rows reference the row.
                between(message, "`.`", "`").map(str::to_owned)
            } else {
                between(message, "REFERENCES `", "`").map(str::to_owned)
            };
            if v.referenced {
                v.columns.clear();
            }
        }
        1048 | 1364 => {
            v.columns = between(message, "'", "'")
                .map(|c| vec![c.to_owned()])
                .unwrap_or_default();
        }
        1406 => {
            v.columns = between(message, "column '", "'")
                .map(|c| vec![c.to_owned()])
                .unwrap_or_default();
            v.too_long = Some(String::new());
        }
        // MySQL: `… for column 'name' at row 1`; MariaDB: `… for column `db`.`t`.`name``.
        1366 => {
            v.bad_characters =
                between(message, "Incorrect string value: ", " for column").map(str::to_owned);
            let column = between(message, "for column '", "'").or_else(|| {
                let rest = message.split_once("for column ")?.1;
                rest.rsplit_once("` at row")
                    .map(|(path, _)| path)
                    .and_then(|path| path.rsplit("`.`").next())
                    .map(|c| c.trim_matches('`'))
            });
            v.columns = column.map(|c| vec![c.to_owned()]).unwrap_or_default();
        }
        _ => {
            v.name = between(message, "CONSTRAINT `", "`")
                .or_else(|| between(message, "constraint '", "'"))
                .map(str::to_owned);
        }
    }
    v
}

/// The result column a decoding error is about.
pub(crate) fn column_index(error: &mysql::Error) -> Option<usize> {
    let text = error.to_string();
    let rest = text.split("error decoding column ").nth(1)?;
    rest.split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// Writes row `i`'s values into `out`: one per insertable column, `None` for a column
/// left to its default. A store's generated code gives one; the insert functions below
/// are compiled once for every store.
pub type Values<'a> = &'a dyn Fn(usize, &mut Vec<Option<Value>>) -> Result<(), mysql::Error>;

/// Inserts row 0 of `values`. Returns the `RETURNING` rows if asked for, and the id the
/// insert generated.
#[doc(hidden)]
pub fn insert(
    conn: &mut MyConn<'_>,
    table: &str,
    columns: &[&str],
    values: Values<'_>,
    returning: Option<&str>,
) -> Result<(Vec<Row>, Option<u64>), mysql::Error> {
    let mut row = Vec::with_capacity(columns.len());
    values(0, &mut row)?;
    let present: Vec<bool> = row.iter().map(Option::is_some).collect();
    let params: Vec<Value> = row.into_iter().flatten().collect();
    let sql = super::DIALECT.insert(table, columns, &present, 1, returning);
    if returning.is_some() {
        Ok((conn.query(&sql, params)?, None))
    } else {
        let (_, id) = conn.execute(&sql, params)?;
        Ok((Vec::new(), id))
    }
}

/// One row inserted with `RETURNING` its `columns`, where the server has it (MariaDB
/// 10.5 and later), and the rows that returned. `None` means nothing was written: the
/// caller inserts the row the portable way (insert, then select).
#[doc(hidden)]
pub fn insert_returning(
    conn: &mut MyConn<'_>,
    table: &str,
    columns: &[&str],
    values: Values<'_>,
    returning: &str,
) -> Result<Option<Vec<Row>>, mysql::Error> {
    if !conn.returning() {
        return Ok(None);
    }
    match insert(conn, table, columns, values, Some(returning)) {
        // A server without RETURNING fails to parse the statement: nothing ran.
        Err(e) if is_syntax_error(&e) => Ok(None),
        Err(e) => Err(e),
        Ok((rows, _)) => Ok(Some(rows)),
    }
}

/// The first row of `rows`, read.
#[doc(hidden)]
#[inline]
pub fn first<R>(
    rows: Vec<Row>,
    read: fn(Row) -> Result<R, mysql::Error>,
) -> Result<Option<R>, mysql::Error> {
    rows.into_iter().next().map(read).transpose()
}

/// Every row of `rows`, read.
#[doc(hidden)]
#[inline]
pub fn all<R>(
    rows: Vec<Row>,
    read: fn(Row) -> Result<R, mysql::Error>,
) -> Result<Vec<R>, mysql::Error> {
    rows.into_iter().map(read).collect()
}

/// A uuid field kept as text (CHAR(36)): its hyphenated lower-case form, or NULL.
#[cfg(feature = "uuid")]
#[doc(hidden)]
pub fn uuid_text<T: crate::runtime::uuids::AsUuid>(value: T) -> Value {
    match crate::runtime::uuids::text(value) {
        Some(text) => Value::Bytes(text.into_bytes()),
        None => Value::NULL,
    }
}

/// A uuid column kept as text, read.
#[cfg(feature = "uuid")]
#[doc(hidden)]
pub struct UuidText(pub uuid::Uuid);

#[cfg(feature = "uuid")]
impl TryFrom<Value> for UuidText {
    type Error = mysql::FromValueError;

    fn try_from(value: Value) -> Result<Self, Self::Error> {
        match &value {
            Value::Bytes(text) => match crate::runtime::uuids::parse(text) {
                Ok(uuid) => Ok(UuidText(uuid)),
                Err(_) => Err(mysql::FromValueError(value)),
            },
            _ => Err(mysql::FromValueError(value)),
        }
    }
}

#[cfg(feature = "uuid")]
impl mysql::prelude::FromValue for UuidText {
    type Intermediate = UuidText;
}

/// A typed JSON field's parameter (`rust = "..."` on a json field): its JSON text.
#[cfg(feature = "json")]
#[doc(hidden)]
pub fn json_typed<T: serde::Serialize + ?Sized>(value: &T) -> Result<Value, mysql::Error> {
    serde_json::to_vec(value).map(Value::Bytes).map_err(|e| {
        mysql::Error::IoError(std::io::Error::new(std::io::ErrorKind::InvalidInput, e))
    })
}

/// A nullable typed JSON field's parameter: `None` is NULL.
#[cfg(feature = "json")]
#[doc(hidden)]
pub fn json_typed_opt<T: serde::Serialize>(value: &Option<T>) -> Result<Value, mysql::Error> {
    match value {
        Some(value) => json_typed(value),
        None => Ok(Value::NULL),
    }
}

/// A typed JSON column's value, deserialised from its text.
#[cfg(feature = "json")]
#[doc(hidden)]
pub struct JsonTyped<T>(pub T);

#[cfg(feature = "json")]
impl<T: serde::de::DeserializeOwned> TryFrom<Value> for JsonTyped<T> {
    type Error = mysql::FromValueError;

    fn try_from(value: Value) -> Result<Self, Self::Error> {
        match &value {
            Value::Bytes(text) => match serde_json::from_slice(text) {
                Ok(parsed) => Ok(JsonTyped(parsed)),
                Err(_) => Err(mysql::FromValueError(value)),
            },
            _ => Err(mysql::FromValueError(value)),
        }
    }
}

#[cfg(feature = "json")]
impl<T: serde::de::DeserializeOwned> mysql::prelude::FromValue for JsonTyped<T> {
    type Intermediate = JsonTyped<T>;
}

/// An instant (the time crate's) as MySQL keeps it: its UTC date and time.
#[cfg(feature = "time")]
#[doc(hidden)]
pub fn utc_primitive(value: time::OffsetDateTime) -> time::PrimitiveDateTime {
    let utc = value.to_offset(time::UtcOffset::UTC);
    time::PrimitiveDateTime::new(utc.date(), utc.time())
}

/// An instant (the time crate's) as a parameter: its UTC date and time.
#[cfg(feature = "time")]
#[doc(hidden)]
pub fn utc_datetime(value: time::OffsetDateTime) -> Value {
    Value::from(utc_primitive(value))
}

/// How a generated enum is read: its text, parsed (mysql's `FromValue` intermediate).
#[doc(hidden)]
pub struct EnumIr<T>(pub T);

impl<T: crate::Enum> TryFrom<Value> for EnumIr<T> {
    type Error = mysql::FromValueError;

    fn try_from(value: Value) -> Result<Self, Self::Error> {
        match &value {
            Value::Bytes(text) => match crate::runtime::parse_enum(text) {
                Ok(variant) => Ok(EnumIr(variant)),
                Err(_) => Err(mysql::FromValueError(value)),
            },
            _ => Err(mysql::FromValueError(value)),
        }
    }
}

impl<T: crate::Enum> mysql::prelude::FromValue for EnumIr<T> {
    type Intermediate = EnumIr<T>;
}

/// A generated enum as a parameter: its text.
#[doc(hidden)]
pub fn enum_value<T: crate::Enum>(value: T) -> Value {
    Value::Bytes(value.as_str().as_bytes().to_vec())
}

/// Why an insert that leaves a key field to its default is refused without RETURNING
/// (MySQL 8): the row couldn't be read back, so nothing is written.
#[doc(hidden)]
pub fn key_needed(field: &str) -> mysql::Error {
    mysql::Error::IoError(std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        format!(
            "field `{field}`: this server has no INSERT ... RETURNING, so a row whose key the database chooses can't be read back; give the key"
        ),
    ))
}

/// A store's `count`: `sql` is its `SELECT COUNT(*)`.
#[doc(hidden)]
pub fn count(conn: &mut MyConn<'_>, sql: &str, params: Vec<Value>) -> Result<u64, mysql::Error> {
    match conn.query(sql, params)?.into_iter().next() {
        Some(mut row) => take::<u64>(&mut row, 0),
        None => Ok(0),
    }
}

/// Inserts `count` rows of `values` in multi-row statements of up to 1,000 rows (and
/// 65,535 placeholders), each row's values taken as the statement is built. The caller
/// holds the transaction that makes it all or nothing.
#[doc(hidden)]
pub fn insert_many(
    conn: &mut MyConn<'_>,
    table: &str,
    columns: &[&str],
    count: usize,
    values: Values<'_>,
) -> Result<u64, mysql::Error> {
    let width = columns.len();
    let per_statement = (u16::MAX as usize / width.max(1)).clamp(1, 1000);
    let mut row = Vec::with_capacity(width);
    let mut start = 0;
    while start < count {
        let end = (start + per_statement).min(count);
        let (mut present, mut params) = (
            Vec::with_capacity((end - start) * width),
            Vec::with_capacity((end - start) * width),
        );
        for i in start..end {
            row.clear();
            values(i, &mut row)?;
            for value in row.drain(..) {
                present.push(value.is_some());
                params.extend(value);
            }
        }
        let sql = super::DIALECT.insert(table, columns, &present, end - start, None);
        conn.execute(&sql, params)?;
        start = end;
    }
    Ok(count as u64)
}

/// A connection the server closed under a statement.
const CLOSED: &str = "the server closed the connection (it ended the session, or a value was larger than its max_allowed_packet)";

impl crate::runtime::DriverError for mysql::Error {
    const BACKEND: crate::backend::BackendKind = crate::backend::BackendKind::Mysql;

    fn kind(&self) -> crate::runtime::ErrorKind {
        crate::runtime::kind_of(constraint(self), retryable(self))
    }

    fn column(&self) -> Option<usize> {
        column_index(self)
    }

    /// storegen's own decoding and encoding errors travel as `IoError`s of bad data,
    /// whose `Display` would wrap them in `IoError { .. }`: their message alone.
    /// The driver's `Display` wraps its variants in their debug names (`MySqlError {
    /// ERROR 1062 … }`, `IoError { … }`, `DriverError { … }`): the message alone, with
    /// the server's error code.
    fn violation(&self) -> Option<crate::runtime::violation::Violation> {
        constraint(self)?;
        match self {
            mysql::Error::MySqlError(server) => Some(violation(server.code, &server.message)),
            _ => None,
        }
    }

    fn message(&self) -> String {
        match self {
            mysql::Error::MySqlError(server) => match constraint(self) {
                Some(c) => violation(server.code, &server.message).message(c),
                None => format!("{} (error {})", server.message, server.code),
            },
            // The server ended the session, or closed it on a packet larger than its
            // limit: the driver can't tell which.
            // The codec wraps an I/O error: a closed connection, or (TLS) a refusal.
            mysql::Error::CodecError(e) => {
                let text = e.to_string();
                let inner = crate::runtime::violation::between(&text, "`", "'").unwrap_or(&text);
                let lower = inner.to_ascii_lowercase();
                // (Out of sync: the server's error packet, or its closing, came while
                // the driver was still writing.)
                if [
                    "broken pipe",
                    "connection reset",
                    "unexpected end",
                    "eof",
                    "out of sync",
                ]
                .iter()
                .any(|w| lower.contains(w))
                {
                    CLOSED.to_owned()
                } else {
                    inner.to_owned()
                }
            }
            mysql::Error::IoError(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::BrokenPipe
                        | std::io::ErrorKind::ConnectionReset
                        | std::io::ErrorKind::ConnectionAborted
                        | std::io::ErrorKind::UnexpectedEof
                ) =>
            {
                CLOSED.to_owned()
            }
            mysql::Error::IoError(e) => e.to_string(),
            mysql::Error::DriverError(mysql::DriverError::PacketOutOfSync) => CLOSED.to_owned(),
            mysql::Error::DriverError(mysql::DriverError::PacketTooLarge) => {
                "a value is larger than the server's max_allowed_packet".into()
            }
            mysql::Error::DriverError(e) => e.to_string(),
            mysql::Error::UrlError(e) => e.to_string(),
            other => other.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_updates_info_says_how_many_rows_it_found() {
        assert_eq!(matched("Rows matched: 3  Changed: 0  Warnings: 0"), Some(3));
        assert_eq!(matched(""), None);
        assert_eq!(matched("Records: 2  Duplicates: 0  Warnings: 0"), None);
    }

    #[test]
    fn a_character_the_columns_set_lacks_names_the_column_on_both_servers() {
        let expected = "check: Name can't hold '\\xF0\\x9F\\x98\\x80': the column's character set has no 4-byte characters (MySQL's utf8mb3); emoji and other characters beyond the Basic Multilingual Plane need utf8mb4";
        for message in [
            "Incorrect string value: '\\xF0\\x9F\\x98\\x80' for column `shop`.`Artist`.`Name` at row 1",
            "Incorrect string value: '\\xF0\\x9F\\x98\\x80' for column 'Name' at row 1",
        ] {
            assert_eq!(
                violation(1366, message).message(Constraint::Check),
                expected
            );
        }
    }
}

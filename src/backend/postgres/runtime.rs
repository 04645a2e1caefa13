//! The PostgreSQL runtime: the connection kinds generated stores accept, transactions
//! through BEGIN / SAVEPOINT, and statement execution.
//!
//! Statements: a [`CachedClient`] (and a transaction opened on one) prepares each
//! statement once per connection and reuses it. A bare `postgres::Client` or
//! `postgres::Transaction` has nowhere to keep prepared statements, so there each
//! statement goes out with its parameter types in one round trip (`query_typed`),
//! parsed by the server every time.

use std::collections::HashMap;

use postgres::types::{ToSql, Type};
use postgres::{Row, Statement};

use crate::model::{Catalog, Schema};
use crate::runtime::{Backend, Connection, Constraint, Ddl, Error, Isolation, Migration, plan};

/// The PostgreSQL backend. Generated stores implement their PostgreSQL operations on
/// `Store<'_, Postgres>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Postgres {}

/// A parameter as generated code hands it over.
pub type Param<'a> = &'a (dyn ToSql + Sync);

/// What storegen needs of a PostgreSQL client; implemented for `postgres::Client` and
/// `postgres::Transaction` (whose own methods are generic, so not usable as an object).
#[doc(hidden)]
pub trait PgClient {
    fn prepare_typed(&mut self, sql: &str, types: &[Type]) -> Result<Statement, postgres::Error>;
    fn query_statement(
        &mut self,
        statement: &Statement,
        params: &[Param<'_>],
    ) -> Result<Vec<Row>, postgres::Error>;
    fn execute_statement(
        &mut self,
        statement: &Statement,
        params: &[Param<'_>],
    ) -> Result<u64, postgres::Error>;
    fn query_typed(
        &mut self,
        sql: &str,
        params: &[(Param<'_>, Type)],
    ) -> Result<Vec<Row>, postgres::Error>;
    fn execute_typed(
        &mut self,
        sql: &str,
        params: &[(Param<'_>, Type)],
    ) -> Result<u64, postgres::Error>;
    fn query(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Row>, postgres::Error>;
    fn batch_execute(&mut self, sql: &str) -> Result<(), postgres::Error>;
}

macro_rules! pg_client {
    ($($ty:ty),*) => {$(
        impl PgClient for $ty {
            fn prepare_typed(&mut self, sql: &str, types: &[Type]) -> Result<Statement, postgres::Error> {
                <$ty>::prepare_typed(self, sql, types)
            }
            fn query_statement(&mut self, statement: &Statement, params: &[Param<'_>]) -> Result<Vec<Row>, postgres::Error> {
                <$ty>::query(self, statement, params)
            }
            fn execute_statement(&mut self, statement: &Statement, params: &[Param<'_>]) -> Result<u64, postgres::Error> {
                <$ty>::execute(self, statement, params)
            }
            fn query_typed(&mut self, sql: &str, params: &[(Param<'_>, Type)]) -> Result<Vec<Row>, postgres::Error> {
                <$ty>::query_typed(self, sql, params)
            }
            fn execute_typed(&mut self, sql: &str, params: &[(Param<'_>, Type)]) -> Result<u64, postgres::Error> {
                <$ty>::execute_typed(self, sql, params)
            }
            fn query(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Row>, postgres::Error> {
                <$ty>::query(self, sql, params)
            }
            fn batch_execute(&mut self, sql: &str) -> Result<(), postgres::Error> {
                <$ty>::batch_execute(self, sql)
            }
        }
    )*};
}
pg_client!(postgres::Client, postgres::Transaction<'_>);

/// Prepared statements of one connection, by SQL text.
#[derive(Debug, Default)]
pub struct StatementCache {
    statements: HashMap<String, Statement>,
}

impl StatementCache {
    /// Statements with SQL built per call (batch inserts of many shapes) are cached up to
    /// this many; past it new ones still run, unprepared (one round trip each).
    const LIMIT: usize = 512;
}

/// A `postgres::Client` with a cache of prepared statements: every statement a
/// generated store runs on it is prepared once and reused. Derefs to the client.
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use storegen::postgres::{Client, NoTls};
/// let client = Client::connect("postgres://app@127.0.0.1/shop", NoTls)?;
/// let mut conn = storegen::backend::postgres::CachedClient::new(client);
/// // db::customers(&mut conn).get(1)?; ... prepared once, reused after.
/// # Ok(()) }
/// ```
pub struct CachedClient {
    client: postgres::Client,
    cache: StatementCache,
}

impl CachedClient {
    /// Wraps a client, with an empty statement cache.
    pub fn new(client: postgres::Client) -> Self {
        CachedClient {
            client,
            cache: StatementCache::default(),
        }
    }

    /// The client back, dropping the cached statements.
    pub fn into_inner(self) -> postgres::Client {
        self.client
    }
}

impl std::ops::Deref for CachedClient {
    type Target = postgres::Client;
    fn deref(&self) -> &postgres::Client {
        &self.client
    }
}

impl std::ops::DerefMut for CachedClient {
    fn deref_mut(&mut self) -> &mut postgres::Client {
        &mut self.client
    }
}

/// A borrowed PostgreSQL connection, as generated code sees it.
pub struct PgConn<'c> {
    client: &'c mut (dyn PgClient + 'c),
    cache: Option<&'c mut StatementCache>,
    in_transaction: bool,
}

impl<'c> PgConn<'c> {
    fn new(
        client: &'c mut (dyn PgClient + 'c),
        cache: Option<&'c mut StatementCache>,
        in_transaction: bool,
    ) -> Self {
        PgConn {
            client,
            cache,
            in_transaction,
        }
    }

    /// A shorter borrow of the same connection.
    pub fn reborrow(&mut self) -> PgConn<'_> {
        PgConn {
            client: &mut *self.client,
            cache: self.cache.as_deref_mut(),
            in_transaction: self.in_transaction,
        }
    }

    fn statement(
        &mut self,
        sql: &str,
        types: &[Type],
    ) -> Result<Option<Statement>, postgres::Error> {
        let Some(cache) = self.cache.as_deref_mut() else {
            return Ok(None);
        };
        if let Some(statement) = cache.statements.get(sql) {
            return Ok(Some(statement.clone()));
        }
        // A full cache: one round trip unprepared beats preparing for a single use.
        if cache.statements.len() >= StatementCache::LIMIT {
            return Ok(None);
        }
        let statement = self.client.prepare_typed(sql, types)?;
        cache.statements.insert(sql.to_owned(), statement.clone());
        Ok(Some(statement))
    }

    /// The cached statement under `key`, prepared from `build()` the first time; `None`
    /// on a connection without a cache.
    fn statement_by_key(
        &mut self,
        key: &str,
        build: impl FnOnce() -> (String, Vec<Type>),
    ) -> Result<Option<Statement>, postgres::Error> {
        let Some(cache) = self.cache.as_deref_mut() else {
            return Ok(None);
        };
        if let Some(statement) = cache.statements.get(key) {
            return Ok(Some(statement.clone()));
        }
        if cache.statements.len() >= StatementCache::LIMIT {
            return Ok(None);
        }
        let (sql, types) = build();
        let statement = self.client.prepare_typed(&sql, &types)?;
        cache.statements.insert(key.to_owned(), statement.clone());
        Ok(Some(statement))
    }

    /// Runs a query: `types[i]` is the PostgreSQL type of `params[i]`.
    pub fn query(
        &mut self,
        sql: &str,
        types: &[Type],
        params: &[Param<'_>],
    ) -> Result<Vec<Row>, postgres::Error> {
        match self.statement(sql, types)? {
            Some(statement) => self.client.query_statement(&statement, params),
            None => self.client.query_typed(sql, &typed(types, params)),
        }
    }

    /// Runs a query whose rows hold a type the driver may not know yet (a native enum):
    /// prepared first where the connection has no cache, so the driver looks the type
    /// up before the rows arrive rather than in their midst, where a long result
    /// deadlocks it (tokio-postgres's `query_typed`). One round trip more there.
    pub fn query_prepared(
        &mut self,
        sql: &str,
        types: &[Type],
        params: &[Param<'_>],
    ) -> Result<Vec<Row>, postgres::Error> {
        let statement = match self.statement(sql, types)? {
            Some(statement) => statement,
            None => self.client.prepare_typed(sql, types)?,
        };
        self.client.query_statement(&statement, params)
    }

    /// Runs a statement and returns the number of rows it changed.
    pub fn execute(
        &mut self,
        sql: &str,
        types: &[Type],
        params: &[Param<'_>],
    ) -> Result<u64, postgres::Error> {
        match self.statement(sql, types)? {
            Some(statement) => self.client.execute_statement(&statement, params),
            None => self.client.execute_typed(sql, &typed(types, params)),
        }
    }

    /// Runs SQL text of one or more statements, without parameters or preparing
    /// (DDL, `SET`).
    pub fn batch_execute(&mut self, sql: &str) -> Result<(), postgres::Error> {
        self.client.batch_execute(sql)
    }
}

fn typed<'a>(types: &[Type], params: &[Param<'a>]) -> Vec<(Param<'a>, Type)> {
    params.iter().copied().zip(types.iter().cloned()).collect()
}

/// An open PostgreSQL transaction, or a savepoint inside one. Rolls back when dropped
/// without a commit.
pub type Transaction<'c> = crate::runtime::transaction::Open<PgConn<'c>>;

impl crate::runtime::transaction::Session for PgConn<'_> {
    fn control(&mut self, operation: &'static str, sql: &str) -> Result<(), Error> {
        self.batch_execute(sql).map_err(|e| unscoped(operation, e))
    }
}

impl Backend for Postgres {
    const KIND: crate::backend::BackendKind = crate::backend::BackendKind::Postgres;

    type Raw<'c> = PgConn<'c>;
    type DriverError = postgres::Error;
    type Transaction<'c> = Transaction<'c>;

    fn in_transaction(raw: &mut Self::Raw<'_>) -> bool {
        raw.in_transaction
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
        let begin: std::borrow::Cow<'_, str> = match isolation {
            None => "BEGIN".into(),
            Some(level) => format!("BEGIN ISOLATION LEVEL {}", level.sql()).into(),
        };
        let depth = usize::from(conn.in_transaction);
        let mut tx = Transaction::begin(conn, depth, isolation, &[&begin])?;
        tx.conn.in_transaction = true;
        Ok(tx)
    }

    fn commit(tx: Transaction<'_>) -> Result<(), Error> {
        tx.commit(|error| {
            // No answer from the server (the connection broke), or the session ended
            // under it (terminated, the server shutting down): the COMMIT may have
            // been made durable before the answer was lost.
            crate::runtime::DatabaseError::driver::<postgres::Error>(error).is_some_and(|e| {
                e.as_db_error().is_none_or(|db| {
                    let class = &db.code().code()[..2];
                    matches!(db.severity(), "FATAL" | "PANIC") || class == "08" || class == "57"
                })
            })
        })
    }

    fn rollback(tx: Transaction<'_>) -> Result<(), Error> {
        tx.rollback()
    }

    fn migrate(conn: PgConn<'_>, ddl: &Ddl, schema: &Schema) -> Result<Migration, Error> {
        let statements = ddl.statements(Self::KIND).ok_or(Error::NotGenerated {
            backend: crate::backend::BackendKind::Postgres,
        })?;
        let fail = |e| unscoped("migrate", e);
        // PostgreSQL runs DDL in transactions: all of it or none.
        let mut tx = Postgres::begin(conn, None)?;
        // One migrating session at a time, until this transaction ends.
        tx.conn
            .batch_execute("SELECT pg_advisory_xact_lock(7461646) /* storegen migrate */")
            .map_err(fail)?;
        let catalog = Postgres::introspect(tx.conn.reborrow(), schema)?;
        let (run, mut report) = plan(schema, &catalog, statements)?;
        for statement in run {
            tx.conn.batch_execute(statement.sql).map_err(fail)?;
        }
        tx.conn.batch_execute(MIGRATIONS_TABLE).map_err(fail)?;
        let text = [Type::TEXT, Type::TEXT];
        let seen = tx
            .conn
            .query(
                "SELECT COUNT(*) FROM storegen_migrations WHERE schema_name = $1 AND schema_hash = $2",
                &text,
                &[&ddl.schema, &ddl.hash],
            )
            .map_err(fail)?;
        let seen: i64 = seen
            .first()
            .map(|r| r.try_get(0))
            .transpose()
            .map_err(fail)?
            .unwrap_or(0);
        if report.changed() || seen == 0 {
            let summary = report.summary();
            tx.conn
                .execute(
                    "INSERT INTO storegen_migrations (schema_name, schema_hash, storegen_version, created) \
                     VALUES ($1, $2, $3, $4)",
                    &[Type::TEXT, Type::TEXT, Type::TEXT, Type::TEXT],
                    &[&ddl.schema, &ddl.hash, &crate::VERSION, &summary],
                )
                .map_err(fail)?;
            report.recorded = true;
        }
        Postgres::commit(tx)?;
        Ok(report)
    }

    const LEDGER: crate::runtime::Ledger = crate::runtime::Ledger {
        create: MIGRATIONS_TABLE,
        has_version: "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() \
                      AND table_name = 'storegen_migrations' AND column_name = 'version'",
        add_columns: &[
            "ALTER TABLE storegen_migrations ADD COLUMN IF NOT EXISTS version BIGINT, \
             ADD COLUMN IF NOT EXISTS name TEXT, ADD COLUMN IF NOT EXISTS checksum TEXT, \
             ADD COLUMN IF NOT EXISTS statements_done BIGINT, ADD COLUMN IF NOT EXISTS finished SMALLINT",
        ],
        read: "SELECT version::text, name, checksum, statements_done::text, finished::text, applied_at::text \
               FROM storegen_migrations WHERE version IS NOT NULL ORDER BY version",
        transactional: true,
        before: &[],
        check: None,
        after: &[],
    };

    fn execute(mut conn: PgConn<'_>, sql: &str) -> Result<(), Error> {
        conn.batch_execute(sql).map_err(|e| unscoped("migrate", e))
    }

    fn query_text(conn: PgConn<'_>, sql: &str) -> Result<Vec<Vec<Option<String>>>, Error> {
        let fail = |e| unscoped("migrate", e);
        let rows = conn.client.query(sql, &[]).map_err(fail)?;
        // Text, integers and booleans: what the ledger holds.
        let value = |row: &Row, i: usize| -> Result<Option<String>, postgres::Error> {
            match *row.columns()[i].type_() {
                Type::INT2 => Ok(row.try_get::<_, Option<i16>>(i)?.map(|n| n.to_string())),
                Type::INT4 => Ok(row.try_get::<_, Option<i32>>(i)?.map(|n| n.to_string())),
                Type::INT8 => Ok(row.try_get::<_, Option<i64>>(i)?.map(|n| n.to_string())),
                Type::BOOL => Ok(row.try_get::<_, Option<bool>>(i)?.map(|b| b.to_string())),
                _ => row.try_get::<_, Option<String>>(i),
            }
        };
        rows.iter()
            .map(|row| {
                (0..row.len())
                    .map(|i| value(row, i).map_err(fail))
                    .collect()
            })
            .collect()
    }

    fn lock_migrations(mut conn: PgConn<'_>) -> Result<(), Error> {
        // The key `migrate`'s transaction-scoped lock takes too.
        conn.batch_execute("SELECT pg_advisory_lock(7461646) /* storegen migrate */")
            .map_err(|e| unscoped("migrate", e))
    }

    fn unlock_migrations(mut conn: PgConn<'_>) -> Result<(), Error> {
        conn.batch_execute("SELECT pg_advisory_unlock(7461646)")
            .map_err(|e| unscoped("migrate", e))
    }

    fn ping(mut conn: PgConn<'_>) -> Result<(), Error> {
        conn.batch_execute("SELECT 1")
            .map_err(|e| unscoped("ping", e))
    }

    fn introspect(conn: PgConn<'_>, schema: &Schema) -> Result<Catalog, Error> {
        let tables: Vec<&str> = schema.stores.iter().map(|s| s.table.as_str()).collect();
        let search_path = conn
            .client
            .query("SELECT current_schema()::text", &[])
            .map_err(|e| unscoped("verify", e))?;
        let namespace: String = search_path
            .first()
            .and_then(|row| row.try_get(0).ok())
            .unwrap_or_else(|| "public".to_owned());
        super::introspect::introspect(conn.client, &namespace, &tables)
            .map_err(|e| unscoped("verify", e))
    }
}

pub(crate) fn unscoped(operation: &'static str, source: postgres::Error) -> Error {
    crate::runtime::DatabaseError::from_driver(None, operation, &[], source)
}

impl Connection for postgres::Client {
    type Backend = Postgres;
    fn raw(&mut self) -> PgConn<'_> {
        PgConn::new(self, None, false)
    }
}

impl Connection for postgres::Transaction<'_> {
    type Backend = Postgres;
    fn raw(&mut self) -> PgConn<'_> {
        PgConn::new(self, None, true)
    }
}

impl Connection for CachedClient {
    type Backend = Postgres;
    fn raw(&mut self) -> PgConn<'_> {
        PgConn::new(&mut self.client, Some(&mut self.cache), false)
    }
}

impl Connection for Transaction<'_> {
    type Backend = Postgres;
    fn raw(&mut self) -> PgConn<'_> {
        self.conn.reborrow()
    }
}

/// The table `migrate` records its runs in.
const MIGRATIONS_TABLE: &str = "CREATE TABLE IF NOT EXISTS storegen_migrations (\
     id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, \
     schema_name TEXT NOT NULL, \
     schema_hash TEXT NOT NULL, \
     storegen_version TEXT NOT NULL, \
     applied_at TIMESTAMPTZ NOT NULL DEFAULT now(), \
     created TEXT NOT NULL, \
     version BIGINT, \
     name TEXT, \
     checksum TEXT, \
     statements_done BIGINT, \
     finished SMALLINT)";

/// Whether running the transaction again may succeed: a serialization failure or a
/// deadlock.
pub(crate) fn retryable(error: &postgres::Error) -> bool {
    use postgres::error::SqlState;
    error.code().is_some_and(|c| {
        *c == SqlState::T_R_SERIALIZATION_FAILURE || *c == SqlState::T_R_DEADLOCK_DETECTED
    })
}

/// The constraint a failed PostgreSQL write violated, by SQLSTATE.
pub(crate) fn constraint(error: &postgres::Error) -> Option<Constraint> {
    use postgres::error::SqlState;
    let code = error.code()?;
    Some(if *code == SqlState::UNIQUE_VIOLATION {
        // The primary key is a unique index too; its constraint is named `<table>_pkey`.
        match error.as_db_error().and_then(|e| e.constraint()) {
            Some(name) if name.ends_with("_pkey") => Constraint::PrimaryKey,
            _ => Constraint::Unique,
        }
    } else if *code == SqlState::FOREIGN_KEY_VIOLATION {
        Constraint::ForeignKey
    } else if *code == SqlState::NOT_NULL_VIOLATION {
        Constraint::NotNull
    } else if *code == SqlState::CHECK_VIOLATION || *code == SqlState::STRING_DATA_RIGHT_TRUNCATION
    {
        Constraint::Check
    } else {
        return None;
    })
}

/// The result column a decoding error is about.
pub(crate) fn column_index(error: &postgres::Error) -> Option<usize> {
    let text = error.to_string();
    let rest = text.split("error deserializing column ").nth(1)?;
    rest.split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// The buffer a `ToSql` writes to, for generated enums' conversions.
#[doc(hidden)]
pub use bytes::BytesMut;

/// Whether a generated enum converts to and from a column of this type: an enum type,
/// or text.
#[doc(hidden)]
pub fn enum_accepts(ty: &postgres::types::Type) -> bool {
    use postgres::types::{Kind, Type};
    matches!(ty.kind(), Kind::Enum(_))
        || [
            Type::TEXT,
            Type::VARCHAR,
            Type::BPCHAR,
            Type::NAME,
            Type::UNKNOWN,
        ]
        .contains(ty)
}

/// A generated enum's value as a parameter: its text (an enum type's binary form too).
/// The type was checked by `to_sql_checked`, with [`enum_accepts`].
#[doc(hidden)]
pub fn enum_to_sql<T: crate::Enum>(
    value: T,
    _ty: &postgres::types::Type,
    out: &mut BytesMut,
) -> Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
    out.extend_from_slice(value.as_str().as_bytes());
    Ok(postgres::types::IsNull::No)
}

/// `ToSql::to_sql_checked` of a generated enum: its type checked with [`enum_accepts`],
/// then [`enum_to_sql`]. (postgres-types' `to_sql_checked!` names `Box` bare, which a
/// record named `Box` beside the enum would take.)
#[doc(hidden)]
pub fn enum_to_sql_checked<T: crate::Enum>(
    value: T,
    ty: &postgres::types::Type,
    out: &mut BytesMut,
) -> Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
    if !enum_accepts(ty) {
        return Err(Box::new(postgres::types::WrongType::new::<T>(ty.clone())));
    }
    enum_to_sql(value, ty, out)
}

/// A generated enum read from its text.
#[doc(hidden)]
pub fn enum_from_sql<T: crate::Enum>(
    raw: &[u8],
) -> Result<T, Box<dyn std::error::Error + Sync + Send>> {
    crate::runtime::parse_enum(raw).map_err(Into::into)
}

/// The first of `rows`, read.
#[doc(hidden)]
#[inline]
pub fn first<R>(
    rows: &[Row],
    read: fn(&Row) -> Result<R, postgres::Error>,
) -> Result<Option<R>, postgres::Error> {
    rows.first().map(read).transpose()
}

/// Every one of `rows`, read.
#[doc(hidden)]
#[inline]
pub fn all<R>(
    rows: &[Row],
    read: fn(&Row) -> Result<R, postgres::Error>,
) -> Result<Vec<R>, postgres::Error> {
    rows.iter().map(read).collect()
}

/// A store's `count` or `count_by_…`: `sql` is its `SELECT COUNT(*)`.
#[doc(hidden)]
pub fn count(
    conn: &mut PgConn<'_>,
    sql: &str,
    types: &[Type],
    params: &[Param<'_>],
) -> Result<u64, postgres::Error> {
    let rows = conn.query(sql, types, params)?;
    let n: i64 = match rows.first() {
        Some(row) => row.try_get(0)?,
        None => 0,
    };
    Ok(n.unsigned_abs())
}

/// Inserts one row (`rows == 1`) or several in one statement; `values` holds every
/// insertable column of each row in turn, `None` for a column left to its default.
/// Returns the `RETURNING` rows, if asked for.
#[doc(hidden)]
pub fn insert(
    conn: &mut PgConn<'_>,
    table: &str,
    columns: &[&str],
    types: &[Type],
    values: &[Option<Param<'_>>],
    rows: usize,
    returning: Option<&str>,
) -> Result<Vec<Row>, postgres::Error> {
    // The common shape, every column given: a prepared statement found by a short key,
    // without building the (for a batch, long) SQL text again.
    if values.iter().all(Option::is_some) {
        let key = format!("insert {rows} {} {table}", returning.is_some());
        let build = || {
            let present = vec![true; values.len()];
            let types: Vec<Type> = types.iter().cycle().take(values.len()).cloned().collect();
            (
                super::DIALECT.insert(table, columns, &present, rows, returning),
                types,
            )
        };
        if let Some(statement) = conn.statement_by_key(&key, build)? {
            let params: Vec<Param<'_>> = values.iter().flatten().copied().collect();
            return if returning.is_some() {
                conn.client.query_statement(&statement, &params)
            } else {
                conn.client
                    .execute_statement(&statement, &params)
                    .map(|_| Vec::new())
            };
        }
    }
    let present: Vec<bool> = values.iter().map(Option::is_some).collect();
    let sql = super::DIALECT.insert(table, columns, &present, rows, returning);
    let mut params = Vec::with_capacity(values.len());
    let mut param_types = Vec::with_capacity(values.len());
    for (value, ty) in values.iter().zip(types.iter().cycle()) {
        if let Some(value) = value {
            params.push(*value);
            param_types.push(ty.clone());
        }
    }
    if returning.is_some() {
        conn.query(&sql, &param_types, &params)
    } else {
        conn.execute(&sql, &param_types, &params)
            .map(|_| Vec::new())
    }
}

/// Inserts `rows` rows in multi-row statements of up to 1,000 rows (and PostgreSQL's
/// 65,535 parameters). The caller holds the transaction that makes it all or nothing.
#[doc(hidden)]
pub fn insert_many(
    conn: &mut PgConn<'_>,
    table: &str,
    columns: &[&str],
    types: &[Type],
    values: &[Option<Param<'_>>],
    rows: usize,
) -> Result<u64, postgres::Error> {
    if columns.is_empty() {
        for _ in 0..rows {
            insert(conn, table, columns, types, &[], 1, None)?;
        }
        return Ok(rows as u64);
    }
    let per_statement = (u16::MAX as usize / columns.len()).clamp(1, 1000);
    for chunk in values.chunks(per_statement * columns.len()) {
        insert(
            conn,
            table,
            columns,
            types,
            chunk,
            chunk.len() / columns.len(),
            None,
        )?;
    }
    Ok(rows as u64)
}

impl crate::runtime::DriverError for postgres::Error {
    const BACKEND: crate::backend::BackendKind = crate::backend::BackendKind::Postgres;

    fn kind(&self) -> crate::runtime::ErrorKind {
        crate::runtime::kind_of(constraint(self), retryable(self))
    }

    fn column(&self) -> Option<usize> {
        column_index(self)
    }

    /// With its cause: the driver's own text is only the kind ("db error", "error
    /// serializing parameter 2"); the cause says what happened.
    fn violation(&self) -> Option<crate::runtime::violation::Violation> {
        constraint(self)?;
        self.as_db_error().map(violation)
    }

    fn message(&self) -> String {
        if let (Some(constraint), Some(db)) = (constraint(self), self.as_db_error()) {
            return violation(db).message(constraint);
        }
        if self.is_closed() {
            return "the server closed the connection".into();
        }
        match std::error::Error::source(self) {
            Some(cause) => format!("{self}: {cause}"),
            None => self.to_string(),
        }
    }
}

/// What PostgreSQL says of a broken constraint: its name, and in its detail the key
/// (`Key (email)=(a@b.c) already exists.`) and a foreign key's table.
fn violation(db: &postgres::error::DbError) -> crate::runtime::violation::Violation {
    use crate::runtime::violation::{Violation, between};
    let detail = db.detail().unwrap_or_default();
    let key = detail.strip_prefix("Key (").and_then(|rest| {
        let (columns, rest) = rest.split_once(")=(")?;
        let end = rest.rfind(") ")?;
        Some((columns, &rest[..end]))
    });
    let mut v = Violation {
        name: db.constraint().map(str::to_owned),
        ..Violation::default()
    };
    if let Some((columns, values)) = key {
        v.columns = columns.split(", ").map(str::to_owned).collect();
        v.values = Some(if v.columns.len() > 1 {
            format!("({values})")
        } else {
            values.to_owned()
        });
    } else if let Some(column) = db.column() {
        v.columns = vec![column.to_owned()];
    }
    v.referenced = detail.contains("is still referenced from table");
    v.table = between(detail, "table \"", "\"").map(str::to_owned);
    if *db.code() == postgres::error::SqlState::STRING_DATA_RIGHT_TRUNCATION {
        v.too_long = Some(
            db.message()
                .rsplit_once("for type ")
                .map_or_else(String::new, |(_, ty)| ty.to_owned()),
        );
    }
    v
}

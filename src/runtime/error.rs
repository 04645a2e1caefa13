use std::fmt;
use std::path::PathBuf;

use crate::backend::BackendKind;
use crate::drift::Drift;

/// Everything that can go wrong in storegen, at build time and at run time.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Problems in a blueprint or drift found at build time, each located in the
    /// blueprint. `Display` renders them as a compiler would.
    #[cfg(feature = "codegen")]
    Blueprint(crate::build::Report),
    /// The database's schema differs from the one compiled into the generated module.
    Drift(Vec<Drift>),
    /// A SQLite call failed. `store` and `operation` say which generated call made it,
    /// when one did.
    #[cfg(feature = "sqlite")]
    Sqlite {
        store: Option<&'static str>,
        operation: &'static str,
        /// The store's fields in column order, to name the one a decoding error is about.
        fields: &'static [&'static str],
        source: rusqlite::Error,
    },
    /// A PostgreSQL call failed.
    #[cfg(feature = "postgres")]
    Postgres {
        store: Option<&'static str>,
        operation: &'static str,
        fields: &'static [&'static str],
        source: postgres::Error,
    },
    /// A MySQL or MariaDB call failed.
    #[cfg(feature = "mysql")]
    Mysql {
        store: Option<&'static str>,
        operation: &'static str,
        fields: &'static [&'static str],
        source: mysql::Error,
    },
    /// A file could not be read or written.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The generated module has no code for the backend of the connection it was given.
    NotGenerated { backend: BackendKind },
    /// A value its column can't hold as it is (a decimal with more digits than the
    /// column keeps): the operation wrote nothing.
    Value {
        store: &'static str,
        operation: &'static str,
        field: &'static str,
        message: String,
    },
    /// The database answered something the generated code cannot use.
    Unexpected(String),
    /// A call storegen cannot make as asked.
    Unsupported(String),
}

/// The kind of constraint a failed write violated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Constraint {
    Unique,
    PrimaryKey,
    ForeignKey,
    NotNull,
    Check,
}

impl Error {
    /// The constraint a failed write violated, if that is why it failed.
    pub fn constraint(&self) -> Option<Constraint> {
        match self {
            #[cfg(feature = "sqlite")]
            Error::Sqlite { source, .. } => crate::backend::sqlite::constraint(source),
            #[cfg(feature = "postgres")]
            Error::Postgres { source, .. } => crate::backend::postgres::constraint(source),
            #[cfg(feature = "mysql")]
            Error::Mysql { source, .. } => crate::backend::mysql::constraint(source),
            _ => None,
        }
    }

    /// A write failed on a UNIQUE or PRIMARY KEY constraint.
    pub fn is_unique_violation(&self) -> bool {
        matches!(
            self.constraint(),
            Some(Constraint::Unique | Constraint::PrimaryKey)
        )
    }

    /// The transaction may succeed if run again: a serialization failure, a deadlock,
    /// a busy database. [`transaction_retry`](crate::transaction_retry) retries these.
    pub fn is_retryable(&self) -> bool {
        match self {
            #[cfg(feature = "sqlite")]
            Error::Sqlite { source, .. } => crate::backend::sqlite::retryable(source),
            #[cfg(feature = "postgres")]
            Error::Postgres { source, .. } => crate::backend::postgres::retryable(source),
            #[cfg(feature = "mysql")]
            Error::Mysql { source, .. } => crate::backend::mysql::retryable(source),
            _ => false,
        }
    }

    #[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
    pub(crate) fn nested_isolation() -> Error {
        Error::Unsupported(
            "an isolation level can only be chosen for an outermost transaction, not inside an open one"
                .into(),
        )
    }

    /// A write failed on a FOREIGN KEY constraint.
    pub fn is_foreign_key_violation(&self) -> bool {
        self.constraint() == Some(Constraint::ForeignKey)
    }

    #[cfg(feature = "postgres")]
    #[doc(hidden)]
    pub fn postgres(
        store: &'static str,
        operation: &'static str,
        fields: &'static [&'static str],
        source: postgres::Error,
    ) -> Self {
        Error::Postgres {
            store: Some(store),
            operation,
            fields,
            source,
        }
    }

    #[cfg(feature = "mysql")]
    #[doc(hidden)]
    pub fn mysql(
        store: &'static str,
        operation: &'static str,
        fields: &'static [&'static str],
        source: mysql::Error,
    ) -> Self {
        Error::Mysql {
            store: Some(store),
            operation,
            fields,
            source,
        }
    }

    #[cfg(feature = "sqlite")]
    #[doc(hidden)]
    pub fn sqlite(
        store: &'static str,
        operation: &'static str,
        fields: &'static [&'static str],
        source: rusqlite::Error,
    ) -> Self {
        Error::Sqlite {
            store: Some(store),
            operation,
            fields,
            source,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            #[cfg(feature = "codegen")]
            Error::Blueprint(report) => fmt::Display::fmt(report, f),
            Error::Drift(drifts) => {
                write!(
                    f,
                    "the database schema differs from the blueprint ({} difference{})",
                    drifts.len(),
                    if drifts.len() == 1 { "" } else { "s" }
                )?;
                for drift in drifts {
                    write!(f, "\n  {drift}")?;
                }
                Ok(())
            }
            #[cfg(feature = "sqlite")]
            Error::Sqlite {
                store,
                operation,
                fields,
                source,
            } => driver(
                f,
                *store,
                operation,
                fields,
                crate::backend::sqlite::column_index(source),
                source,
            ),
            #[cfg(feature = "postgres")]
            Error::Postgres {
                store,
                operation,
                fields,
                source,
            } => driver(
                f,
                *store,
                operation,
                fields,
                crate::backend::postgres::column_index(source),
                &PostgresText(source),
            ),
            #[cfg(feature = "mysql")]
            Error::Mysql {
                store,
                operation,
                fields,
                source,
            } => driver(
                f,
                *store,
                operation,
                fields,
                crate::backend::mysql::column_index(source),
                &MysqlText(source),
            ),
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::NotGenerated { backend } => write!(
                f,
                "this store module has no code for the {backend} backend: add \"{backend}\" to `[database] backends`"
            ),
            Error::Value {
                store,
                operation,
                field,
                message,
            } => write!(f, "{store}.{operation}: field `{field}`: {message}"),
            Error::Unexpected(message) | Error::Unsupported(message) => f.write_str(message),
        }
    }
}

/// A PostgreSQL error with its cause: the driver's own text is only the kind ("db
/// error", "error serializing parameter 2"); the cause says what happened.
#[cfg(feature = "postgres")]
struct PostgresText<'a>(&'a postgres::Error);

#[cfg(feature = "postgres")]
impl fmt::Display for PostgresText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        match std::error::Error::source(self.0) {
            Some(cause) => write!(f, ": {cause}"),
            None => Ok(()),
        }
    }
}

/// A MySQL error as a message: storegen's own decoding and encoding errors travel as
/// `IoError`s of bad data, whose `Display` would wrap them in `IoError { .. }`.
#[cfg(feature = "mysql")]
struct MysqlText<'a>(&'a mysql::Error);

#[cfg(feature = "mysql")]
impl fmt::Display for MysqlText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            mysql::Error::IoError(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::InvalidData | std::io::ErrorKind::InvalidInput
                ) =>
            {
                write!(f, "{e}")
            }
            other => write!(f, "{other}"),
        }
    }
}

/// `store.operation: field `f`: driver message`, with what is known.
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
fn driver(
    f: &mut fmt::Formatter<'_>,
    store: Option<&str>,
    operation: &str,
    fields: &[&str],
    column: Option<usize>,
    source: &dyn fmt::Display,
) -> fmt::Result {
    match store {
        Some(store) => write!(f, "{store}.{operation}: ")?,
        None => write!(f, "{operation}: ")?,
    }
    match column.and_then(|i| fields.get(i)) {
        Some(field) => write!(f, "field `{field}`: {source}"),
        None => write!(f, "{source}"),
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            #[cfg(feature = "sqlite")]
            Error::Sqlite { source, .. } => Some(source),
            #[cfg(feature = "postgres")]
            Error::Postgres { source, .. } => Some(source),
            #[cfg(feature = "mysql")]
            Error::Mysql { source, .. } => Some(source),
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

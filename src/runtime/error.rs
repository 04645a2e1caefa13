use std::fmt;

use crate::backend::BackendKind;
use crate::drift::Drift;

/// Everything that can go wrong in storegen's runtime: what generated code and the
/// functions it calls return. (The build side has its own, `storegen::BuildError`.)
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A database call failed: what storegen was doing, and what the driver said.
    Database(DatabaseError),
    /// The database's schema differs from the one compiled into the generated module.
    Drift(Vec<Drift>),
    /// The generated module has no code for the backend of the connection it was given.
    NotGenerated {
        /// The connection's backend.
        backend: BackendKind,
    },
    /// A value its column can't hold as it is (a decimal with more digits than the
    /// column keeps): the operation wrote nothing.
    Value {
        /// The store whose method refused the value.
        store: &'static str,
        /// The operation: `insert`, `update`, …
        operation: &'static str,
        /// The field holding the value.
        field: &'static str,
        /// Why it doesn't fit (digits the column would round away or overflow).
        message: String,
    },
    /// `update` found the row with the record's key, but with another version than the
    /// record's: another writer changed it since it was read (optimistic locking, a
    /// `version = true` field). Nothing was written.
    VersionConflict {
        /// The store.
        store: &'static str,
        /// The operation: `update`.
        operation: &'static str,
    },
    /// A versioned migration can't be applied: its script changed since it was applied,
    /// the database has migrations this build doesn't know, or a statement failed.
    Migration {
        /// The migration (`0004_add_phone`), or the unknown ones.
        migration: String,
        /// What is wrong, and what to do.
        message: String,
        /// The database's error, when a statement failed.
        source: Option<Box<Error>>,
    },
    /// The database answered something the generated code cannot use.
    Unexpected(String),
    /// A call storegen cannot make as asked.
    Unsupported(String),
}

/// A failed database call, whatever the backend: the operation it was part of, the
/// field it is about when the driver says, what kind of failure it is, and the driver's
/// own error as its [`source`](std::error::Error::source) (downcast it to
/// `rusqlite::Error`, `postgres::Error` or `mysql::Error` for what storegen doesn't
/// read).
#[derive(Debug)]
pub struct DatabaseError {
    /// The backend whose driver failed.
    pub backend: BackendKind,
    /// The store whose generated method made the call, when one did.
    pub store: Option<&'static str>,
    /// What was being done: `insert`, `begin`, `verify`, …
    pub operation: &'static str,
    /// The field a conversion error is about, when the driver names its column.
    pub field: Option<&'static str>,
    kind: ErrorKind,
    message: String,
    source: Box<dyn std::error::Error + Send + Sync + 'static>,
    /// A COMMIT whose answer was lost: the transaction may have committed or not.
    commit_unknown: bool,
    /// The broken constraint's name, where the database says it.
    constraint_name: Option<String>,
}

/// What kind of failure a database error is, the same on every backend (sqlx's
/// `ErrorKind` is the model): branch on this rather than on driver error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A write broke a constraint.
    Constraint(Constraint),
    /// Running the transaction again may succeed: a serialization failure, a deadlock,
    /// a busy or locked database. [`transaction_retry`](crate::transaction_retry)
    /// retries these.
    Retryable,
    /// A value read from the database doesn't fit its field's type.
    Decode,
    /// Anything else: the connection, the server, the statement.
    Other,
}

/// What storegen reads from one driver's error; each backend folder implements it for
/// its driver.
#[cfg(feature = "__backend")]
pub(crate) trait DriverError: std::error::Error + Send + Sync + Sized + 'static {
    const BACKEND: BackendKind;
    /// The kind of failure.
    fn kind(&self) -> ErrorKind;
    /// The result column a decoding error is about.
    fn column(&self) -> Option<usize>;
    /// The message to show: the driver's, with its cause where its own is only a kind.
    fn message(&self) -> String {
        self.to_string()
    }
    /// A broken constraint's name and columns, as far as the database says them.
    fn violation(&self) -> Option<super::violation::Violation> {
        None
    }
}

/// The kind of a driver's error, from what its backend reads of it.
#[cfg(feature = "__backend")]
pub(crate) fn kind_of(constraint: Option<Constraint>, retryable: bool) -> ErrorKind {
    match constraint {
        Some(c) => ErrorKind::Constraint(c),
        None if retryable => ErrorKind::Retryable,
        None => ErrorKind::Other,
    }
}

impl DatabaseError {
    /// The driver's error from `operation` (on `store`, whose fields in column order
    /// name the one a decoding error is about).
    #[cfg(feature = "__backend")]
    pub(crate) fn from_driver<E: DriverError>(
        store: Option<&'static str>,
        operation: &'static str,
        fields: &'static [&'static str],
        source: E,
    ) -> Error {
        let kind = source.kind();
        let violation = source.violation();
        // A broken constraint on one column names its field, where the column is one:
        // the same name, or the one name it is once case and underscores are set aside
        // (`ArtistId` is `artist_id`).
        let violated = violation.as_ref().and_then(|v| match v.columns.as_slice() {
            [column] => fields.iter().find(|f| **f == column).copied().or_else(|| {
                let loose = |name: &str| -> String {
                    name.chars()
                        .filter(|c| *c != '_')
                        .flat_map(char::to_lowercase)
                        .collect()
                };
                let wanted = loose(column);
                let mut alike = fields.iter().filter(|f| loose(f) == wanted);
                match (alike.next(), alike.next()) {
                    (Some(one), None) => Some(*one),
                    _ => None,
                }
            }),
            _ => None,
        });
        let field = source
            .column()
            .and_then(|i| fields.get(i).copied())
            .or(violated);
        Error::Database(DatabaseError {
            backend: E::BACKEND,
            store,
            operation,
            field,
            kind: if kind == ErrorKind::Other && field.is_some() {
                ErrorKind::Decode
            } else {
                kind
            },
            constraint_name: violation.and_then(|v| v.name),
            message: source.message(),
            source: Box::new(source),
            commit_unknown: false,
        })
    }

    /// The driver's own error inside `error`, if it is one of type `E`.
    #[cfg(feature = "__server")]
    pub(crate) fn driver<E: std::error::Error + 'static>(error: &Error) -> Option<&E> {
        match error {
            Error::Database(e) => e.source.downcast_ref::<E>(),
            _ => None,
        }
    }

    /// `error`, from a COMMIT whose answer was lost (the connection failed, not the
    /// server refusing it): marked so that [`Error::is_commit_unknown`] says so.
    #[cfg(feature = "__backend")]
    pub(crate) fn commit_unknown(error: Error) -> Error {
        match error {
            Error::Database(mut e) => {
                e.commit_unknown = true;
                Error::Database(e)
            }
            other => other,
        }
    }

    /// An I/O failure of storegen's own around a driver's call (a connect that ran out
    /// of time).
    #[cfg(all(feature = "pool", feature = "postgres"))]
    pub(crate) fn from_io(
        backend: BackendKind,
        operation: &'static str,
        source: std::io::Error,
    ) -> Error {
        Error::Database(DatabaseError {
            backend,
            store: None,
            operation,
            field: None,
            kind: ErrorKind::Other,
            message: source.to_string(),
            source: Box::new(source),
            commit_unknown: false,
            constraint_name: None,
        })
    }

    /// The broken constraint's name (or a unique index's), where the database says it:
    /// `customers_email_key`. Its field, when it is about one column of the store, is
    /// [`field`](Self::field).
    pub fn constraint_name(&self) -> Option<&str> {
        self.constraint_name.as_deref()
    }

    /// What kind of failure it is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The driver's message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for DatabaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.store {
            Some(store) => write!(f, "{store}.{}: ", self.operation)?,
            None => write!(f, "{}: ", self.operation)?,
        }
        // A broken constraint's message names its columns already.
        match self.field {
            Some(field) if !matches!(self.kind, ErrorKind::Constraint(_)) => {
                write!(f, "field `{field}`: {}", self.message)?
            }
            _ => f.write_str(&self.message)?,
        }
        if self.commit_unknown {
            f.write_str(" (whether the transaction committed is unknown)")?;
        }
        Ok(())
    }
}

impl std::error::Error for DatabaseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

/// The kind of constraint a failed write violated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Constraint {
    /// A unique constraint or index: another row holds the value.
    Unique,
    /// The primary key: a row with this key exists.
    PrimaryKey,
    /// A foreign key: the referenced row doesn't exist, or rows still reference the
    /// one deleted.
    ForeignKey,
    /// NOT NULL: a value is missing.
    NotNull,
    /// A CHECK constraint (an enum's values, a text's length); on MySQL also a value
    /// too long for its column.
    Check,
}

impl Error {
    /// The database failure's kind; `None` for errors that are not the database's.
    pub fn kind(&self) -> Option<ErrorKind> {
        match self {
            Error::Database(e) => Some(e.kind),
            _ => None,
        }
    }

    /// The constraint a failed write violated, if that is why it failed.
    pub fn constraint(&self) -> Option<Constraint> {
        match self.kind() {
            Some(ErrorKind::Constraint(c)) => Some(c),
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
        self.kind() == Some(ErrorKind::Retryable)
    }

    #[cfg(feature = "__backend")]
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

    /// An `update` of a record whose version another writer has raised since it was
    /// read: read the row again, and decide.
    pub fn is_version_conflict(&self) -> bool {
        matches!(self, Error::VersionConflict { .. })
    }

    /// A COMMIT failed without the server's answer (the connection broke while it
    /// ran): the transaction may have committed, or not. Don't run it again blindly;
    /// check whether its effects are there, or make it idempotent. A COMMIT the server
    /// refuses (a serialization failure, a deferred constraint) is not this: it rolled
    /// back. Never on SQLite, whose COMMIT is in the process.
    pub fn is_commit_unknown(&self) -> bool {
        matches!(self, Error::Database(e) if e.commit_unknown)
    }
}

/// A driver's error from SQL of your own (run on [`Connection::raw`](crate::Connection)),
/// as storegen's: `?` works in a transaction's closure. Its operation is `sql`.
macro_rules! from_driver_error {
    ($($feature:literal => $ty:ty),*) => {$(
        #[cfg(feature = $feature)]
        impl From<$ty> for Error {
            fn from(error: $ty) -> Error {
                DatabaseError::from_driver(None, "sql", &[], error)
            }
        }
    )*};
}
from_driver_error!("sqlite" => rusqlite::Error, "postgres" => postgres::Error, "mysql" => mysql::Error);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Database(e) => fmt::Display::fmt(e, f),
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
            Error::VersionConflict { store, operation } => write!(
                f,
                "{store}.{operation}: version conflict: the row changed since the record was read"
            ),
            Error::Migration {
                migration,
                message,
                source,
            } => {
                write!(f, "migration {migration}: {message}")?;
                match source {
                    Some(source) => write!(f, ": {source}"),
                    None => Ok(()),
                }
            }
            Error::Unexpected(message) | Error::Unsupported(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Database(e) => e.source(),
            Error::Migration {
                source: Some(source),
                ..
            } => Some(source.as_ref()),
            _ => None,
        }
    }
}

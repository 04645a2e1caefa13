//! Backends: what each database knows — its type rules, quoting and names here; its
//! introspection, runtime glue, DDL and code generation in its own folder.
//!
//! [`BackendKind`] is the one place that dispatches on the backend. Adding a backend adds
//! a folder and a variant here, nothing else.

use std::fmt;

use crate::model::{CatalogColumn, LogicalType};

pub mod sqlite;

/// A database backend storegen generates code for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BackendKind {
    Sqlite,
    Postgres,
    Mysql,
}

impl BackendKind {
    /// Every backend, in the order the blueprint reference lists them.
    pub const ALL: [BackendKind; 3] = [
        BackendKind::Sqlite,
        BackendKind::Postgres,
        BackendKind::Mysql,
    ];

    /// The blueprint's and the feature's name for the backend.
    pub fn name(self) -> &'static str {
        match self {
            BackendKind::Sqlite => "sqlite",
            BackendKind::Postgres => "postgres",
            BackendKind::Mysql => "mysql",
        }
    }

    pub fn from_name(name: &str) -> Option<BackendKind> {
        BackendKind::ALL.into_iter().find(|b| b.name() == name)
    }

    /// Whether storegen can generate code for this backend yet.
    pub fn supported(self) -> bool {
        matches!(self, BackendKind::Sqlite)
    }

    /// Whether two SQL identifiers name the same object on this backend.
    pub fn same_identifier(self, a: &str, b: &str) -> bool {
        match self {
            BackendKind::Sqlite => sqlite::types::same_identifier(a, b),
            BackendKind::Postgres | BackendKind::Mysql => a == b,
        }
    }

    /// Whether an auto-assigned key column conflicts with a blueprint that supplies the
    /// key itself. SQLite's rowid alias takes explicit values and keeps assigning past
    /// the largest one, so there it does not; a server's sequence would fall behind.
    pub fn explicit_keys_conflict_with_auto_increment(self) -> bool {
        !matches!(self, BackendKind::Sqlite)
    }

    /// Whether a column of this SQL type holds the logical type without loss; the error
    /// says why not.
    pub fn accepts(self, ty: &LogicalType, column: &CatalogColumn) -> Result<(), String> {
        match self {
            BackendKind::Sqlite => sqlite::types::accepts(ty, column),
            BackendKind::Postgres | BackendKind::Mysql => {
                Err(format!("the {} backend is not supported yet", self.name()))
            }
        }
    }

    /// The SQL type the backend's DDL declares for the logical type.
    pub fn ddl_type(self, ty: &LogicalType) -> String {
        match self {
            BackendKind::Sqlite => sqlite::types::ddl_type(ty).to_owned(),
            BackendKind::Postgres | BackendKind::Mysql => String::new(),
        }
    }
}

impl fmt::Display for BackendKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Quotes an SQL identifier with double quotes (SQLite and PostgreSQL; MySQL in ANSI mode
/// would take it too, but the MySQL backend uses backticks).
pub fn quote_double(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

/// Quotes an SQL string literal with single quotes.
pub fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

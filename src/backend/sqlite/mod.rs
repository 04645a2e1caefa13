//! SQLite: type affinity rules, introspection through rusqlite, DDL, the runtime glue the
//! generated code calls, and the backend half of code generation.

pub mod types;

use crate::sql::{Dialect, EmptyInsert, Placeholder, Returning, Upsert};

/// How SQLite spells SQL.
pub const DIALECT: Dialect = Dialect {
    identifier_quote: '"',
    backslash_escapes: false,
    placeholder: Placeholder::NumberedQuestion,
    // SQLite has no DEFAULT in a VALUES row.
    default_in_values: false,
    empty_insert: EmptyInsert::DefaultValues,
    returning: Returning::Always,
    upsert: Upsert::OnConflict,
};

#[cfg(feature = "codegen")]
pub(crate) mod codegen;
#[cfg(feature = "codegen")]
pub mod ddl;
#[cfg(feature = "sqlite")]
pub mod introspect;
#[cfg(feature = "sqlite")]
mod runtime;

#[cfg(feature = "sqlite")]
pub use runtime::*;

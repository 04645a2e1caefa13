//! PostgreSQL: type rules, introspection through `pg_catalog`, DDL, the runtime glue the
//! generated code calls, and the backend half of code generation.

pub mod types;

use crate::sql::{Dialect, EmptyInsert, Placeholder, Returning, Upsert};

/// How PostgreSQL spells SQL.
pub const DIALECT: Dialect = Dialect {
    identifier_quote: '"',
    backslash_escapes: false,
    placeholder: Placeholder::Dollar,
    default_in_values: true,
    empty_insert: EmptyInsert::DefaultValues,
    returning: Returning::Always,
    upsert: Upsert::OnConflict,
};

#[cfg(feature = "codegen")]
pub(crate) mod codegen;
#[cfg(feature = "codegen")]
pub mod ddl;
#[cfg(feature = "postgres")]
pub mod introspect;
#[cfg(feature = "postgres")]
mod runtime;

#[cfg(feature = "postgres")]
pub use runtime::*;

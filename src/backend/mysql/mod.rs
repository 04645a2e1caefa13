//! MySQL 8 and MariaDB: type rules (with their differences normalised), introspection
//! through `information_schema`, DDL, the runtime glue the generated code calls, and the
//! backend half of code generation.

pub mod types;

use crate::sql::{Dialect, EmptyInsert, Placeholder, Returning, Upsert};

/// How MySQL and MariaDB spell SQL.
pub const DIALECT: Dialect = Dialect {
    identifier_quote: '`',
    // Unless the session sets NO_BACKSLASH_ESCAPES, which storegen doesn't assume.
    backslash_escapes: true,
    placeholder: Placeholder::Question,
    default_in_values: true,
    empty_insert: EmptyInsert::EmptyRows,
    // MariaDB 10.5 has INSERT … RETURNING; MySQL has none.
    returning: Returning::ServerDependent,
    upsert: Upsert::OnDuplicateKey,
};

#[cfg(feature = "codegen")]
pub(crate) mod codegen;
#[cfg(feature = "codegen")]
pub mod ddl;
#[cfg(feature = "mysql")]
pub mod introspect;
#[cfg(feature = "mysql")]
mod runtime;

#[cfg(feature = "mysql")]
pub use runtime::*;

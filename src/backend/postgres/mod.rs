//! PostgreSQL: type rules, introspection through `pg_catalog`, DDL, the runtime glue the
//! generated code calls, and the backend half of code generation.

pub mod types;

use crate::backend::Rules;
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
    nulls_smallest: false,
    null_column_in_order: true,
    row_locks: true,
    long_foreign_key_names: None,
    reads_as_text: true,
};

#[cfg(feature = "codegen")]
pub(crate) mod codegen;
#[cfg(feature = "codegen")]
mod connect;
#[cfg(feature = "codegen")]
pub mod ddl;
#[cfg(all(feature = "codegen", feature = "postgres"))]
mod describe;
#[cfg(feature = "postgres")]
pub mod introspect;
#[cfg(all(feature = "pool", feature = "postgres"))]
pub(crate) mod pool;
#[cfg(feature = "codegen")]
mod rules;
#[cfg(feature = "postgres")]
mod runtime;
#[cfg(feature = "postgres")]
pub mod store;

#[cfg(feature = "postgres")]
pub use runtime::*;

/// Its names, for messages and URLs.
const ABOUT: crate::backend::About = crate::backend::About {
    display_name: "PostgreSQL",
    url_schemes: &["postgres", "postgresql"],
    url_example: "postgres://",
};

/// What storegen knows about PostgreSQL, for `BackendKind::rules`.
pub(crate) struct PostgresRules;

impl Rules for PostgresRules {
    #[cfg(feature = "codegen")]
    fn enum_type_problem(
        &self,
        ty: &crate::model::LogicalType,
        values: &[String],
        schema: &crate::model::Schema,
    ) -> Option<String> {
        rules::enum_type_problem(ty, values, schema)
    }

    #[cfg(feature = "codegen")]
    fn check_blueprint(
        &self,
        schema: &crate::model::Schema,
        spans: &crate::build::blueprint::Spans,
    ) -> Vec<crate::build::diagnostics::Diagnostic> {
        rules::check_limits(schema, spans)
    }

    crate::backend::served_by_folder!();
}

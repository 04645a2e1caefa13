//! SQLite: type affinity rules, introspection through rusqlite, DDL, the runtime glue the
//! generated code calls, and the backend half of code generation.

pub mod types;

use crate::backend::Rules;
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
    nulls_smallest: true,
    null_column_in_order: true,
    row_locks: false,
    long_foreign_key_names: None,
    reads_as_text: false,
};

#[cfg(feature = "codegen")]
pub(crate) mod codegen;
#[cfg(feature = "codegen")]
mod connect;
#[cfg(feature = "codegen")]
pub mod ddl;
#[cfg(all(feature = "codegen", feature = "sqlite"))]
mod describe;
#[cfg(feature = "sqlite")]
pub mod introspect;
#[cfg(feature = "sqlite")]
#[doc(hidden)]
pub mod ops;
#[cfg(all(feature = "pool", feature = "sqlite"))]
pub(crate) mod pool;
#[cfg(feature = "sqlite")]
mod runtime;
#[cfg(feature = "sqlite")]
pub mod store;

#[cfg(feature = "sqlite")]
pub use runtime::*;

/// Its names, for messages and URLs.
const ABOUT: crate::backend::About = crate::backend::About {
    display_name: "SQLite",
    url_schemes: &["sqlite"],
    url_example: "sqlite:",
};

/// What storegen knows about SQLite, for `BackendKind::rules`.
pub(crate) struct SqliteRules;

impl Rules for SqliteRules {
    fn same_identifier(&self, a: &str, b: &str) -> bool {
        types::same_identifier(a, b)
    }

    /// SQLite's rowid alias takes explicit values and keeps assigning past the largest
    /// one.
    fn explicit_keys_conflict_with_auto_increment(&self) -> bool {
        false
    }

    /// SQLite keeps names starting with `sqlite_` for itself.
    #[cfg(feature = "codegen")]
    fn check_blueprint(
        &self,
        schema: &crate::model::Schema,
        spans: &crate::build::blueprint::Spans,
    ) -> Vec<crate::build::diagnostics::Diagnostic> {
        let reserved = |name: &str| name.to_ascii_lowercase().starts_with("sqlite_");
        let mut out = Vec::new();
        for (store, store_spans) in schema.stores.iter().zip(&spans.stores) {
            let mut names = vec![(store.table.as_str(), Some(store_spans.name.clone()))];
            names.extend(
                store
                    .indexes
                    .iter()
                    .zip(&store_spans.indexes)
                    .map(|(ix, span)| (ix.name.as_str(), Some(span.clone()))),
            );
            for (name, span) in names.into_iter().filter(|(n, _)| reserved(n)) {
                out.push(
                    crate::build::diagnostics::Diagnostic::error(
                        span,
                        format!(
                            "store `{}`: `{name}` starts with `sqlite_`, which SQLite keeps for itself",
                            store.name
                        ),
                    )
                    .help("choose another name (`table`, or the index's `name`)"),
                );
            }
        }
        out
    }

    crate::backend::served_by_folder!();
}

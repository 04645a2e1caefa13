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
    hash_comments: false,
    dollar_quotes: false,
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

/// What `storegen new` writes for a service on this backend.
#[cfg(feature = "codegen")]
const SCAFFOLD: crate::backend::Scaffold = crate::backend::Scaffold {
    example_url: "sqlite:{name}.db",
    pool_type: "storegen::pool::SqliteManager",
    manager: "storegen::pool::SqliteManager::file(config.sqlite_path()?)\n        .statement_timeout(config.statement_timeout)",
    compose: "  app:\n    build: .\n    environment:\n      DATABASE_URL: sqlite:/data/{name}.db\n      LISTEN_ADDR: 0.0.0.0:8080\n      AUTO_MIGRATE: \"true\"\n    ports:\n      - \"8080:8080\"\n    volumes:\n      - data:/data\n\nvolumes:\n  data:\n",
};

/// What storegen knows about SQLite, for `BackendKind::rules`.
pub(crate) struct SqliteRules;

/// Its [`Rules`], for `BackendKind::rules`.
pub(crate) const RULES: &dyn Rules = &SqliteRules;

impl Rules for SqliteRules {
    /// Any integer in any integer column (SQLite keeps 64 bits whatever the declared
    /// type), a decimal as text, and what other backends without native types keep.
    #[cfg(feature = "codegen")]
    fn keeps_in_query(
        &self,
        declared: &crate::model::LogicalType,
        described: &crate::model::LogicalType,
    ) -> bool {
        use crate::build::queries::resolve::{kept_as_plainer_type, width};
        use crate::model::LogicalType as T;
        (width(declared) > 0 && width(described) > 0)
            || matches!((declared, described), (T::Decimal { .. }, T::Text { .. }))
            || kept_as_plainer_type(declared, described)
    }

    #[cfg(feature = "queries")]
    fn sql_parser(&self) -> &'static dyn sqlparser::dialect::Dialect {
        &sqlparser::dialect::SQLiteDialect {}
    }

    /// `migrate` runs a script in a transaction with foreign keys off.
    #[cfg(feature = "codegen")]
    fn migration_runs(&self) -> &'static str {
        "`migrate` runs it in one transaction, with foreign keys off until it has checked\n\
         -- them (PRAGMA foreign_key_check) just before COMMIT."
    }

    /// The migration runs in a transaction with foreign keys off (see
    /// `storegen::migrate`): a rebuild's own switches have no place in it.
    #[cfg(feature = "codegen")]
    fn versioned_steps(
        &self,
        mut steps: Vec<crate::backend::ddl::Step>,
    ) -> Vec<crate::backend::ddl::Step> {
        steps.retain(|s| {
            !matches!(
                s.sql.as_str(),
                "BEGIN" | "COMMIT" | "PRAGMA foreign_keys = OFF" | "PRAGMA foreign_keys = ON"
            )
        });
        steps
    }

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

/// Generated code with this backend's code checks that its feature is on: a store
/// module for it fails to compile, saying which feature to add, without.
#[cfg(feature = "sqlite")]
#[doc(hidden)]
#[macro_export]
macro_rules! __storegen_requires_sqlite {
    () => {};
}

#[cfg(not(feature = "sqlite"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __storegen_requires_sqlite {
    () => {
        ::core::compile_error!(
            "this store module has the SQLite backend's code: add \"sqlite\" to storegen's features in [dependencies]"
        );
    };
}

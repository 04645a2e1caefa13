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
    hash_comments: false,
    dollar_quotes: true,
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

/// What `storegen new` writes for a service on this backend.
#[cfg(feature = "codegen")]
const SCAFFOLD: crate::backend::Scaffold = crate::backend::Scaffold {
    example_url: "postgres://postgres@127.0.0.1:5432/{name}",
    pool_type: "storegen::pool::PostgresManager",
    manager: "storegen::pool::PostgresManager::new(&config.database_url)?\n        .connect_timeout(config.connect_timeout)\n        .statement_timeout(config.statement_timeout)",
    compose: "  db:\n    image: postgres:16\n    environment:\n      POSTGRES_USER: app\n      POSTGRES_PASSWORD: app\n      POSTGRES_DB: {name}\n    healthcheck:\n      test: [\"CMD-SHELL\", \"pg_isready -U app -d {name}\"]\n      interval: 5s\n      timeout: 3s\n      retries: 20\n\n  app:\n    build: .\n    environment:\n      DATABASE_URL: postgres://app:app@db:5432/{name}\n      LISTEN_ADDR: 0.0.0.0:8080\n      AUTO_MIGRATE: \"true\"\n    ports:\n      - \"8080:8080\"\n    depends_on:\n      db:\n        condition: service_healthy\n",
};

/// What storegen knows about PostgreSQL, for `BackendKind::rules`.
pub(crate) struct PostgresRules;

/// Its [`Rules`], for `BackendKind::rules`.
pub(crate) const RULES: &dyn Rules = &PostgresRules;

impl Rules for PostgresRules {
    #[cfg(feature = "queries")]
    fn sql_parser(&self) -> &'static dyn sqlparser::dialect::Dialect {
        &sqlparser::dialect::PostgreSqlDialect {}
    }

    #[cfg(feature = "codegen")]
    fn migration_runs(&self) -> &'static str {
        "`migrate` runs it in one transaction: all of it or none."
    }

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

/// Generated code with this backend's code checks that its feature is on: a store
/// module for it fails to compile, saying which feature to add, without.
#[cfg(feature = "postgres")]
#[doc(hidden)]
#[macro_export]
macro_rules! __storegen_requires_postgres {
    () => {};
}

#[cfg(not(feature = "postgres"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __storegen_requires_postgres {
    () => {
        ::core::compile_error!(
            "this store module has the PostgreSQL backend's code: add \"postgres\" to storegen's features in [dependencies]"
        );
    };
}

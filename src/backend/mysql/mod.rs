//! MySQL 8 and MariaDB: type rules (with their differences normalised), introspection
//! through `information_schema`, DDL, the runtime glue the generated code calls, and the
//! backend half of code generation.

pub mod types;

use crate::backend::Rules;
use crate::model::OnDelete;
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
    nulls_smallest: true,
    null_column_in_order: false,
    row_locks: true,
    long_foreign_key_names: Some(64),
    hash_comments: true,
    dollar_quotes: false,
    reads_as_text: false,
};

/// storegen's DDL names `utf8mb4_bin`, which every MySQL and MariaDB has; this is the
/// server's NO PAD binary collation, which compares text as the other backends do
/// (`utf8mb4_bin` pads: `'k'` and `'k '` would be one key), from `SELECT VERSION()` as
/// introspection keeps it (`10.11.19-MariaDB`, `8.0.36`). None: the server has none
/// (MySQL 5.7).
pub fn no_pad_collation(server_version: &str) -> Option<&'static str> {
    if server_version.contains("MariaDB") {
        return Some("utf8mb4_nopad_bin");
    }
    let major: u32 = server_version.split('.').next()?.parse().ok()?;
    (major >= 8).then_some("utf8mb4_0900_bin")
}

/// `sql` with storegen's `utf8mb4_bin` (a table's `COLLATE=utf8mb4_bin`, a converted
/// column's `CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`) made `collation`; a collation a
/// field declares is left as it is.
pub fn with_collation<'s>(sql: &'s str, collation: &str) -> std::borrow::Cow<'s, str> {
    const TABLE: &str = "COLLATE=utf8mb4_bin";
    const COLUMN: &str = "CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";
    if !sql.contains(TABLE) && !sql.contains(COLUMN) {
        return std::borrow::Cow::Borrowed(sql);
    }
    std::borrow::Cow::Owned(sql.replace(TABLE, &format!("COLLATE={collation}")).replace(
        COLUMN,
        &format!("CHARACTER SET utf8mb4 COLLATE {collation}"),
    ))
}

#[cfg(feature = "codegen")]
pub(crate) mod codegen;
#[cfg(feature = "codegen")]
mod connect;
#[cfg(feature = "codegen")]
pub mod ddl;
#[cfg(all(feature = "codegen", feature = "mysql"))]
mod describe;
#[cfg(feature = "mysql")]
pub mod introspect;
#[cfg(all(feature = "pool", feature = "mysql"))]
pub(crate) mod pool;
#[cfg(feature = "codegen")]
mod rules;
#[cfg(feature = "mysql")]
mod runtime;
#[cfg(feature = "mysql")]
pub mod store;

#[cfg(feature = "mysql")]
pub use runtime::*;

/// Its names, for messages and URLs.
const ABOUT: crate::backend::About = crate::backend::About {
    display_name: "MySQL",
    url_schemes: &["mysql", "mariadb"],
    url_example: "mysql://",
};

/// What `storegen new` writes for a service on this backend.
#[cfg(feature = "codegen")]
const SCAFFOLD: crate::backend::Scaffold = crate::backend::Scaffold {
    example_url: "mysql://root@127.0.0.1:3306/{name}",
    pool_type: "storegen::pool::MysqlManager",
    manager: "storegen::pool::MysqlManager::new(&config.database_url)?\n        .connect_timeout(config.connect_timeout)\n        .statement_timeout(config.statement_timeout)",
    compose: "  db:\n    image: mariadb:11\n    environment:\n      MARIADB_USER: app\n      MARIADB_PASSWORD: app\n      MARIADB_DATABASE: {name}\n      MARIADB_RANDOM_ROOT_PASSWORD: \"yes\"\n    healthcheck:\n      test: [\"CMD\", \"healthcheck.sh\", \"--connect\", \"--innodb_initialized\"]\n      interval: 5s\n      timeout: 3s\n      retries: 20\n\n  app:\n    build: .\n    environment:\n      DATABASE_URL: mysql://app:app@db:3306/{name}\n      LISTEN_ADDR: 0.0.0.0:8080\n      AUTO_MIGRATE: \"true\"\n    ports:\n      - \"8080:8080\"\n    depends_on:\n      db:\n        condition: service_healthy\n",
};

/// What storegen knows about MySQL, for `BackendKind::rules`.
pub(crate) struct MysqlRules;

/// Its [`Rules`], for `BackendKind::rules`.
pub(crate) const RULES: &dyn Rules = &MysqlRules;

impl Rules for MysqlRules {
    #[cfg(feature = "codegen")]
    fn keeps_in_query(
        &self,
        declared: &crate::model::LogicalType,
        described: &crate::model::LogicalType,
    ) -> bool {
        crate::build::queries::resolve::kept_as_plainer_type(declared, described)
    }

    fn has_collations(&self) -> bool {
        true
    }

    #[cfg(feature = "codegen")]
    fn for_server(&self, script: String, server_version: &str) -> String {
        match no_pad_collation(server_version) {
            Some(collation) => with_collation(&script, collation).into_owned(),
            None => script,
        }
    }

    /// Saying above the first statement that `utf8mb4_bin` pads.
    #[cfg(feature = "codegen")]
    fn ddl_text(&self, script: String) -> String {
        if !script.contains("COLLATE=utf8mb4_bin") {
            return script;
        }
        format!(
            "-- `utf8mb4_bin`, which every MySQL and MariaDB has, pads: 'k' and 'k ' are one key.\n\
             -- `migrate` uses the server's NO PAD binary collation instead; for the same here, say\n\
             -- `--collation utf8mb4_nopad_bin` (MariaDB) or `--collation utf8mb4_0900_bin` (MySQL 8).\n{script}"
        )
    }

    /// `collation` in place of `utf8mb4_bin`.
    #[cfg(feature = "codegen")]
    fn recollate(&self, script: String, collation: &str) -> Result<String, String> {
        Ok(with_collation(&script, collation).into_owned())
    }

    #[cfg(feature = "codegen")]
    fn reports_defaults_as_text(&self) -> bool {
        true
    }

    #[cfg(feature = "queries")]
    fn sql_parser(&self) -> &'static dyn sqlparser::dialect::Dialect {
        &sqlparser::dialect::MySqlDialect {}
    }

    #[cfg(feature = "codegen")]
    fn migration_runs(&self) -> &'static str {
        "MySQL commits each DDL statement itself: `migrate` runs it statement by\n\
         -- statement and records each one that succeeds. After a failure, fix the failing\n\
         -- statement (or the data it tripped on) and run `migrate` again: it resumes there.\n\
         -- Where a table says `COLLATE=utf8mb4_bin`, `migrate` uses the server's NO PAD binary\n\
         -- collation (utf8mb4_nopad_bin, utf8mb4_0900_bin): 'k' and 'k ' stay two values."
    }

    /// Column names are not case-sensitive; table names are on Linux, and
    /// introspection has already matched those exactly.
    fn same_identifier(&self, a: &str, b: &str) -> bool {
        a.eq_ignore_ascii_case(b)
    }

    /// InnoDB treats NO ACTION as RESTRICT, and reports it so.
    fn same_on_delete(&self, a: OnDelete, b: OnDelete) -> bool {
        use OnDelete::{NoAction, Restrict};
        a == b || matches!((a, b), (NoAction, Restrict) | (Restrict, NoAction))
    }

    #[cfg(feature = "codegen")]
    fn has_unsigned(&self) -> bool {
        true
    }

    #[cfg(feature = "codegen")]
    fn check_blueprint(
        &self,
        schema: &crate::model::Schema,
        spans: &crate::build::blueprint::Spans,
    ) -> Vec<crate::build::diagnostics::Diagnostic> {
        let mut out = rules::check_indexable(schema, spans);
        out.extend(rules::check_limits(schema, spans));
        out
    }

    crate::backend::served_by_folder!();
}

/// Generated code with this backend's code checks that its feature is on: a store
/// module for it fails to compile, saying which feature to add, without.
#[cfg(feature = "mysql")]
#[doc(hidden)]
#[macro_export]
macro_rules! __storegen_requires_mysql {
    () => {};
}

#[cfg(not(feature = "mysql"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __storegen_requires_mysql {
    () => {
        ::core::compile_error!(
            "this store module has the MySQL backend's code: add \"mysql\" to storegen's features in [dependencies]"
        );
    };
}

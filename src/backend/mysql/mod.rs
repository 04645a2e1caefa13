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

/// What storegen knows about MySQL, for `BackendKind::rules`.
pub(crate) struct MysqlRules;

impl Rules for MysqlRules {
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

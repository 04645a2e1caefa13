//! SQL text, built in one place: each backend's [`Dialect`] (what differs) and the
//! statement builder every backend's generated code and runtime share.

mod dialect;
#[cfg_attr(not(feature = "codegen"), allow(dead_code))]
pub(crate) mod statements;

pub use dialect::{Dialect, EmptyInsert, Placeholder, Returning, Upsert};

/// A patch's statement: the one written at build time when it sets one field (`one`
/// holds them, in column order), else built for the fields it sets.
#[doc(hidden)]
pub fn patch_sql(
    dialect: &Dialect,
    table: &str,
    version: Option<&str>,
    columns: &[&str],
    set: &[bool],
    key: &[&str],
    one: &'static [&'static str],
) -> std::borrow::Cow<'static, str> {
    let mut given = set.iter().enumerate().filter(|(_, s)| **s).map(|(i, _)| i);
    match (given.next(), given.next()) {
        (Some(i), None) if i < one.len() => std::borrow::Cow::Borrowed(one[i]),
        _ => std::borrow::Cow::Owned(dialect.patch_versioned(table, version, columns, set, key)),
    }
}

/// A patch's statement from a store's built statements: the one kept for a single
/// field, else built for the fields `set` gives (a count of the key's row when none).
#[doc(hidden)]
pub fn patch_sql_built(
    dialect: &Dialect,
    sql: &'static statements::StoreSql,
    set: &[bool],
) -> std::borrow::Cow<'static, str> {
    let mut given = set.iter().enumerate().filter(|(_, s)| **s).map(|(i, _)| i);
    match (given.next(), given.next()) {
        (Some(i), None) if i < sql.patch_one.len() => std::borrow::Cow::Borrowed(&sql.patch_one[i]),
        _ => {
            let columns: Vec<&str> = sql.value_columns.iter().map(String::as_str).collect();
            let key: Vec<&str> = sql.key_columns.iter().map(String::as_str).collect();
            std::borrow::Cow::Owned(dialect.patch_versioned(
                &sql.table,
                sql.version.as_deref(),
                &columns,
                set,
                &key,
            ))
        }
    }
}

/// Each backend's `patch_sql` and `patch_sql_versioned`, which generated code calls
/// (`__private::<backend>::patch_sql(…)`): [`patch_sql`] with the backend's `DIALECT`.
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
macro_rules! patch_sql_fns {
    () => {
        /// A store's `patch`: the UPDATE of the fields a patch gives (see
        /// [`crate::sql::Dialect::patch`]); `one` holds the statement of each field set
        /// alone.
        #[doc(hidden)]
        pub fn patch_sql(
            table: &str,
            columns: &[&str],
            set: &[bool],
            key: &[&str],
            one: &'static [&'static str],
        ) -> std::borrow::Cow<'static, str> {
            crate::sql::patch_sql(&super::DIALECT, table, None, columns, set, key, one)
        }

        /// [`patch_sql`] of a store with a version column: a patch raises it too.
        #[doc(hidden)]
        pub fn patch_sql_versioned(
            table: &str,
            version: &str,
            columns: &[&str],
            set: &[bool],
            key: &[&str],
            one: &'static [&'static str],
        ) -> std::borrow::Cow<'static, str> {
            crate::sql::patch_sql(
                &super::DIALECT,
                table,
                Some(version),
                columns,
                set,
                key,
                one,
            )
        }
    };
}
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
pub(crate) use patch_sql_fns;

//! SQL text, built in one place: each backend's [`Dialect`] (what differs) and the
//! statement builder every backend's generated code and runtime share.

mod dialect;
#[cfg_attr(not(feature = "codegen"), allow(dead_code))]
pub(crate) mod statements;

pub use dialect::{Dialect, EmptyInsert, Placeholder, Returning, Upsert};

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

//! What SQLite says about a custom query: each result column's declared type and, for a
//! table's column, where it comes from and whether it is NOT NULL. SQLite types no
//! parameter and no expression: the query's header and aliases declare those.

use rusqlite::Connection;

use crate::backend::connect::ToDescribe;
use crate::build::queries::resolve::{DescribeError, Described, DescribedColumn};
use crate::model::LogicalType;

/// Prepares (never runs) the statement on the read-only connection.
pub(crate) fn describe(conn: &Connection, query: &ToDescribe) -> Result<Described, DescribeError> {
    let stmt = conn.prepare(&query.sql).map_err(|e| match e {
        rusqlite::Error::SqlInputError { msg, offset, .. } => DescribeError {
            message: msg,
            position: usize::try_from(offset).ok(),
        },
        rusqlite::Error::MultipleStatement => DescribeError {
            message: "a query holds one statement; this text holds more".into(),
            position: None,
        },
        other => DescribeError {
            message: other.to_string(),
            position: None,
        },
    })?;
    let mut columns = Vec::with_capacity(stmt.column_count());
    for i in 0..stmt.column_count() {
        let name = stmt.column_name(i).map(str::to_owned).unwrap_or_default();
        // A table's column: where it comes from, its declared type, NOT NULL. An
        // expression has none of these.
        let (origin, decl, not_null) = metadata(&stmt, i);
        columns.push(DescribedColumn {
            name,
            ty: decl.as_deref().and_then(affinity_type),
            sql_type: decl.unwrap_or_default(),
            not_null,
            origin,
        });
    }
    Ok(Described {
        params: vec![None; query.params.len()],
        columns,
    })
}

/// A result column's table and column, declared type and NOT NULL, when it comes
/// straight from a table (SQLite's column metadata, built with the `queries` feature).
#[cfg(feature = "queries")]
fn metadata(
    stmt: &rusqlite::Statement<'_>,
    i: usize,
) -> (Option<(String, String)>, Option<String>, Option<bool>) {
    match stmt.column_metadata(i) {
        Ok(Some((_, table, column, decl, _, not_null, _, _))) => (
            Some((
                table.to_string_lossy().into_owned(),
                column.to_string_lossy().into_owned(),
            )),
            decl.map(|d| d.to_string_lossy().into_owned()),
            Some(not_null),
        ),
        _ => (None, None, None),
    }
}

#[cfg(not(feature = "queries"))]
fn metadata(
    _: &rusqlite::Statement<'_>,
    _: usize,
) -> (Option<(String, String)>, Option<String>, Option<bool>) {
    (None, None, None)
}

/// The type a declared column type's affinity holds (SQLite's rules, in their order);
/// `None` for NUMERIC affinity, which holds integers, reals or text.
fn affinity_type(declared: &str) -> Option<LogicalType> {
    let upper = declared.to_ascii_uppercase();
    if upper.contains("INT") {
        Some(LogicalType::Int64)
    } else if ["CHAR", "CLOB", "TEXT"].iter().any(|w| upper.contains(w)) {
        Some(LogicalType::Text { max_length: None })
    } else if upper.contains("BLOB") || upper.is_empty() {
        Some(LogicalType::Bytes)
    } else if ["REAL", "FLOA", "DOUB"].iter().any(|w| upper.contains(w)) {
        Some(LogicalType::Float64)
    } else {
        None
    }
}

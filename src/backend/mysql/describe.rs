//! What MySQL and MariaDB say about a custom query: each result column's type, NOT NULL
//! flag and, for a table's column, which one it is. Neither types a parameter: the
//! query's header declares them.

use mysql::consts::{ColumnFlags, ColumnType};
use mysql::prelude::Queryable;

use crate::backend::connect::ToDescribe;
use crate::build::queries::resolve::{DescribeError, Described, DescribedColumn};
use crate::model::LogicalType;

/// Prepares (never runs) the statement. The outer error is the connection's; a
/// statement the server refuses is the inner one.
pub(crate) fn describe(
    conn: &mut mysql::Conn,
    query: &ToDescribe,
) -> Result<Result<Described, DescribeError>, mysql::Error> {
    let stmt = match conn.prep(&query.sql) {
        Ok(stmt) => stmt,
        Err(mysql::Error::MySqlError(server)) => {
            return Ok(Err(DescribeError {
                position: line_position(&query.sql, &server.message),
                message: server.message,
            }));
        }
        Err(other) => return Err(other),
    };
    let columns = stmt
        .columns()
        .iter()
        .map(|c| {
            let table = c.org_table_str();
            let flags = c.flags();
            DescribedColumn {
                name: c.name_str().into_owned(),
                ty: read_type(c),
                sql_type: format!("{:?}", c.column_type())
                    .trim_start_matches("MYSQL_TYPE_")
                    .to_owned(),
                not_null: Some(flags.contains(ColumnFlags::NOT_NULL_FLAG)),
                origin: (!table.is_empty())
                    .then(|| (table.into_owned(), c.org_name_str().into_owned())),
            }
        })
        .collect();
    conn.close(stmt)?;
    Ok(Ok(Described {
        params: vec![None; query.params.len()],
        columns,
    }))
}

/// "… near 'FORM t' at line 2": the start of that line of the statement.
fn line_position(sql: &str, message: &str) -> Option<usize> {
    let line: usize = message.rsplit("at line ").next()?.trim().parse().ok()?;
    if line <= 1 {
        return Some(0);
    }
    sql.match_indices('\n').nth(line - 2).map(|(i, _)| i + 1)
}

/// The logical type a column's type is read as, if storegen reads it.
fn read_type(c: &mysql::Column) -> Option<LogicalType> {
    use ColumnType::*;
    let unsigned = c.flags().contains(ColumnFlags::UNSIGNED_FLAG);
    let binary = c.character_set() == 63;
    Some(match c.column_type() {
        MYSQL_TYPE_TINY if c.column_length() == 1 => LogicalType::Bool,
        MYSQL_TYPE_TINY | MYSQL_TYPE_SHORT if unsigned => LogicalType::UInt16,
        MYSQL_TYPE_TINY | MYSQL_TYPE_SHORT => LogicalType::Int16,
        MYSQL_TYPE_INT24 | MYSQL_TYPE_LONG if unsigned => LogicalType::UInt32,
        MYSQL_TYPE_INT24 | MYSQL_TYPE_LONG => LogicalType::Int32,
        MYSQL_TYPE_LONGLONG if unsigned => LogicalType::UInt64,
        MYSQL_TYPE_LONGLONG => LogicalType::Int64,
        MYSQL_TYPE_FLOAT => LogicalType::Float32,
        MYSQL_TYPE_DOUBLE => LogicalType::Float64,
        MYSQL_TYPE_NEWDECIMAL | MYSQL_TYPE_DECIMAL => {
            let scale = u32::from(c.decimals());
            let precision = c
                .column_length()
                .saturating_sub(u32::from(scale > 0))
                .saturating_sub(u32::from(!unsigned));
            LogicalType::Decimal { precision, scale }
        }
        MYSQL_TYPE_DATE | MYSQL_TYPE_NEWDATE => LogicalType::Date,
        MYSQL_TYPE_TIME | MYSQL_TYPE_TIME2 => LogicalType::Time,
        MYSQL_TYPE_DATETIME
        | MYSQL_TYPE_DATETIME2
        | MYSQL_TYPE_TIMESTAMP
        | MYSQL_TYPE_TIMESTAMP2 => LogicalType::Timestamp,
        MYSQL_TYPE_JSON => LogicalType::Json,
        MYSQL_TYPE_TINY_BLOB
        | MYSQL_TYPE_MEDIUM_BLOB
        | MYSQL_TYPE_LONG_BLOB
        | MYSQL_TYPE_BLOB
        | MYSQL_TYPE_VAR_STRING
        | MYSQL_TYPE_STRING
        | MYSQL_TYPE_VARCHAR => {
            if binary {
                LogicalType::Bytes
            } else {
                LogicalType::Text { max_length: None }
            }
        }
        MYSQL_TYPE_ENUM => LogicalType::Text { max_length: None },
        _ => return None,
    })
}

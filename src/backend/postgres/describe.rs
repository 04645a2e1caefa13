//! What PostgreSQL says about a custom query: every parameter's and column's type, and
//! for a table's column, which one it is (so storegen knows the store field, or whether
//! the column is NOT NULL). All the queries are prepared on the build's one connection;
//! the columns' tables are read in one more round trip.

use std::collections::HashMap;

use postgres::types::{Kind, Type};

use super::runtime::PgClient;
use crate::backend::connect::ToDescribe;
use crate::build::queries::resolve::{DescribeError, Described, DescribedColumn};
use crate::model::LogicalType;

const ATTRIBUTES: &str = "SELECT a.attrelid, a.attnum, c.relname::text, a.attname::text, a.attnotnull \
     FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid \
     WHERE a.attrelid = ANY($1) AND a.attnum > 0";

/// Describes every query; the outer error is the connection's, the inner ones the
/// queries'.
pub(crate) fn describe_all(
    client: &mut dyn PgClient,
    queries: &[ToDescribe],
    enums: &[LogicalType],
) -> Result<Vec<Result<Described, DescribeError>>, postgres::Error> {
    let mut out = Vec::with_capacity(queries.len());
    // Each column's table and attribute number, to look up once for all.
    let mut origins: Vec<Vec<Option<(u32, i16)>>> = Vec::with_capacity(queries.len());
    for query in queries {
        let types: Vec<Type> = query
            .params
            .iter()
            .map(|p| p.as_ref().map_or(Type::UNKNOWN, param_type))
            .collect();
        match client.prepare_typed(&query.sql, &types) {
            Ok(stmt) => {
                let params = stmt.params().iter().map(|t| read_type(t, enums)).collect();
                let columns = stmt
                    .columns()
                    .iter()
                    .map(|c| DescribedColumn {
                        name: c.name().to_owned(),
                        ty: read_type(c.type_(), enums),
                        sql_type: c.type_().name().to_owned(),
                        not_null: None,
                        origin: None,
                    })
                    .collect();
                origins.push(
                    stmt.columns()
                        .iter()
                        .map(|c| c.table_oid().zip(c.column_id()))
                        .collect(),
                );
                out.push(Ok(Described { params, columns }));
            }
            Err(e) => {
                let Some(db) = e.as_db_error() else {
                    return Err(e);
                };
                let position = match db.position() {
                    Some(postgres::error::ErrorPosition::Original(p)) => query
                        .sql
                        .char_indices()
                        .nth((*p as usize).saturating_sub(1))
                        .map(|(i, _)| i),
                    _ => None,
                };
                out.push(Err(DescribeError {
                    message: db.message().to_owned(),
                    position,
                }));
                origins.push(Vec::new());
            }
        }
    }
    let tables: Vec<u32> = {
        let mut t: Vec<u32> = origins
            .iter()
            .flatten()
            .flatten()
            .map(|(t, _)| *t)
            .collect();
        t.sort_unstable();
        t.dedup();
        t
    };
    if tables.is_empty() {
        return Ok(out);
    }
    let mut attributes: HashMap<(u32, i16), (String, String, bool)> = HashMap::new();
    for row in client.query(ATTRIBUTES, &[&tables])? {
        attributes.insert(
            (row.try_get(0)?, row.try_get(1)?),
            (row.try_get(2)?, row.try_get(3)?, row.try_get(4)?),
        );
    }
    for (described, origins) in out.iter_mut().zip(&origins) {
        let Ok(described) = described else { continue };
        for (column, origin) in described.columns.iter_mut().zip(origins) {
            if let Some((table, name, not_null)) = origin.and_then(|o| attributes.get(&o)) {
                column.origin = Some((table.clone(), name.clone()));
                column.not_null = Some(*not_null);
            }
        }
    }
    Ok(out)
}

/// The type a parameter of the logical type is sent as (the generated code's).
fn param_type(ty: &LogicalType) -> Type {
    match super::types::param_type(ty) {
        "BOOL" => Type::BOOL,
        "INT2" => Type::INT2,
        "INT4" => Type::INT4,
        "INT8" => Type::INT8,
        "FLOAT4" => Type::FLOAT4,
        "FLOAT8" => Type::FLOAT8,
        "TEXT" => Type::TEXT,
        "BYTEA" => Type::BYTEA,
        "DATE" => Type::DATE,
        "TIME" => Type::TIME,
        "TIMESTAMP" => Type::TIMESTAMP,
        "TIMESTAMPTZ" => Type::TIMESTAMPTZ,
        "UUID" => Type::UUID,
        "JSONB" => Type::JSONB,
        "NUMERIC" => Type::NUMERIC,
        _ => Type::UNKNOWN,
    }
}

/// The logical type a PostgreSQL type is read as, if storegen reads it. A numeric says
/// no digits here: any decimal declaration fits it.
fn read_type(ty: &Type, enums: &[LogicalType]) -> Option<LogicalType> {
    Some(match *ty {
        Type::BOOL => LogicalType::Bool,
        Type::INT2 => LogicalType::Int16,
        Type::INT4 => LogicalType::Int32,
        Type::INT8 => LogicalType::Int64,
        Type::FLOAT4 => LogicalType::Float32,
        Type::FLOAT8 => LogicalType::Float64,
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME => {
            LogicalType::Text { max_length: None }
        }
        Type::BYTEA => LogicalType::Bytes,
        Type::DATE => LogicalType::Date,
        Type::TIME => LogicalType::Time,
        Type::TIMESTAMP => LogicalType::Timestamp,
        Type::TIMESTAMPTZ => LogicalType::TimestampTz,
        Type::UUID => LogicalType::Uuid,
        Type::JSON | Type::JSONB => LogicalType::Json,
        Type::NUMERIC => LogicalType::Decimal {
            precision: 0,
            scale: 0,
        },
        _ if matches!(ty.kind(), Kind::Enum(_)) => enums
            .iter()
            .find(|e| e.enum_type_name().as_deref() == Some(ty.name()))?
            .clone(),
        _ => return None,
    })
}

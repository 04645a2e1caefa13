//! PostgreSQL's blueprint rules: what a native enum type may be called and hold.

use crate::model::{LogicalType, Schema};

/// Types PostgreSQL has built in (in `pg_catalog`, searched first): an enum type of the
/// same name would never be the one a column gets.
const POSTGRES_TYPES: &[&str] = &[
    "bigint",
    "bit",
    "bool",
    "boolean",
    "box",
    "bpchar",
    "bytea",
    "char",
    "character",
    "cidr",
    "circle",
    "date",
    "decimal",
    "float4",
    "float8",
    "inet",
    "int",
    "int2",
    "int4",
    "int8",
    "integer",
    "interval",
    "json",
    "jsonb",
    "line",
    "lseg",
    "macaddr",
    "money",
    "name",
    "numeric",
    "oid",
    "path",
    "point",
    "polygon",
    "real",
    "record",
    "smallint",
    "text",
    "time",
    "timestamp",
    "timestamptz",
    "timetz",
    "tsquery",
    "tsvector",
    "uuid",
    "varbit",
    "varchar",
    "void",
    "xml",
];

/// Why a native enum's PostgreSQL type can't be created as the blueprint has it.
pub(crate) fn enum_type_problem(
    ty: &LogicalType,
    values: &[String],
    schema: &Schema,
) -> Option<String> {
    let type_name = ty.enum_type_name()?;
    if POSTGRES_TYPES.contains(&type_name.as_str()) {
        return Some(format!(
            "the PostgreSQL type `{type_name}` is one PostgreSQL has built in"
        ));
    }
    if type_name.len() > 63 {
        return Some(format!(
            "the PostgreSQL type `{type_name}` is longer than 63 bytes, which PostgreSQL would truncate"
        ));
    }
    if let Some(store) = schema
        .stores
        .iter()
        .find(|s| s.table.eq_ignore_ascii_case(&type_name))
    {
        return Some(format!(
            "the PostgreSQL type `{type_name}` would clash with store `{}`'s table: tables and types share their names",
            store.name
        ));
    }
    values.iter().find(|v| v.len() > 63).map(|v| {
        format!("enum value `{v}` is longer than the 63 bytes a PostgreSQL enum label holds")
    })
}

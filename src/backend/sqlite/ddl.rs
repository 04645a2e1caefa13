//! SQLite DDL: the CREATE script `migrate` runs, from the schema model. Pure.

use crate::backend::{quote_double as quote, quote_literal};
use crate::model::{DefaultValue, Field, LogicalType, OnDelete, Schema};

use super::types::ddl_type;
use crate::backend::ddl::{create_indexes, create_table};

/// `CREATE TABLE IF NOT EXISTS` for every store, then `CREATE INDEX IF NOT EXISTS` for
/// every index, in blueprint order. SQLite resolves foreign keys when rows are written,
/// `CREATE TABLE IF NOT EXISTS` for every store, then `CREATE INDEX IF NOT EXISTS` for
/// every index, in blueprint order. SQLite resolves foreign keys when rows are written,
/// not when tables are created, so declaration order is enough.
pub fn create_script(schema: &Schema) -> String {
    let mut out = String::new();
    for store in &schema.stores {
        out.push_str(&create_table(store, quote, column, true, Vec::new(), ""));
    }
    out.push_str(&create_indexes(&schema.stores, quote));
    out
}

fn column(field: &Field, sole_key: bool) -> String {
    let name = quote(&field.column);
    if sole_key && field.generated {
        // Exactly "INTEGER PRIMARY KEY": an alias for the rowid, assigned by SQLite.
        return format!("{name} INTEGER PRIMARY KEY");
    }
    let mut sql = format!("{name} {}", ddl_type(&field.ty));
    if !field.nullable {
        sql.push_str(" NOT NULL");
    }
    if sole_key {
        sql.push_str(" PRIMARY KEY");
    }
    if field.unique {
        sql.push_str(" UNIQUE");
    }
    if let Some(default) = &field.default {
        sql.push_str(" DEFAULT ");
        sql.push_str(&default_sql(default));
    }
    if let LogicalType::Text {
        max_length: Some(max),
    } = field.ty
    {
        // SQLite ignores VARCHAR(n); the check makes it hold the limit as servers do.
        sql.push_str(&format!(" CHECK (length({name}) <= {max})"));
    }
    if let Some(reference) = &field.references {
        sql.push_str(&format!(
            " REFERENCES {} ({})",
            quote(&reference.table),
            quote(&reference.column)
        ));
        if reference.on_delete != OnDelete::NoAction {
            sql.push_str(" ON DELETE ");
            sql.push_str(reference.on_delete.sql());
        }
    }
    sql
}

fn default_sql(default: &DefaultValue) -> String {
    match default {
        DefaultValue::Bool(b) => u8::from(*b).to_string(),
        DefaultValue::Int(n) => n.to_string(),
        DefaultValue::Float(x) => format!("{x:?}"),
        DefaultValue::Text(text) => quote_literal(text),
    }
}

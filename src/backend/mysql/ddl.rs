//! MySQL/MariaDB DDL, from the schema model. Pure.
//!
//! Indexes and foreign keys go inside CREATE TABLE: MySQL has no
//! `CREATE INDEX IF NOT EXISTS`, and it ignores a column's inline `REFERENCES`.
//! Tables are utf8mb4 with a binary collation, so text compares as on the other
//! backends: case-sensitively, every character kept.

use crate::backend::quote_backtick as quote;
use crate::model::{DefaultValue, Field, LogicalType, OnDelete, Schema, Store};

use super::types::ddl_type;
use crate::backend::ddl::create_table;

pub fn create_script(schema: &Schema) -> String {
    crate::backend::creation_order(schema)
        .into_iter()
        .map(table)
        .collect()
}

fn table(store: &Store) -> String {
    let mut extra = Vec::new();
    for index in &store.indexes {
        let columns: Vec<String> = index
            .fields
            .iter()
            .map(|&i| quote(&store.fields[i].column))
            .collect();
        extra.push(format!(
            "{}INDEX {} ({})",
            if index.unique { "UNIQUE " } else { "" },
            quote(&index.name),
            columns.join(", ")
        ));
    }
    for field in &store.fields {
        if let Some(reference) = &field.references {
            let mut line = format!(
                "FOREIGN KEY ({}) REFERENCES {} ({})",
                quote(&field.column),
                quote(&reference.table),
                quote(&reference.column)
            );
            if reference.on_delete != OnDelete::NoAction {
                line.push_str(" ON DELETE ");
                line.push_str(reference.on_delete.sql());
            }
            extra.push(line);
        }
    }
    create_table(
        store,
        quote,
        |field, _| column(field),
        false,
        extra,
        " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
    )
}

fn column(field: &Field) -> String {
    let mut sql = format!("{} {}", quote(&field.column), ddl_type(&field.ty));
    if !field.nullable {
        sql.push_str(" NOT NULL");
    }
    if field.generated {
        sql.push_str(" AUTO_INCREMENT");
    }
    if field.unique {
        sql.push_str(" UNIQUE");
    }
    if let Some(default) = &field.default {
        sql.push_str(" DEFAULT ");
        sql.push_str(&match default {
            DefaultValue::Bool(b) => u8::from(*b).to_string(),
            DefaultValue::Int(n) => n.to_string(),
            DefaultValue::Float(x) => format!("{x:?}"),
            // A LONGTEXT default must be an expression, in parentheses (MySQL 8).
            DefaultValue::Text(text) if field.ty == (LogicalType::Text { max_length: None }) => {
                format!("({})", quote_literal(text))
            }
            DefaultValue::Text(text) => quote_literal(text),
        });
    }
    sql
}

/// A MySQL string literal: quotes doubled, and backslashes too, since MySQL reads them
/// as escapes unless NO_BACKSLASH_ESCAPES is set.
fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn literals_escape_quotes_and_backslashes() {
        assert_eq!(
            super::quote_literal(r"O'Brien \ C:\x"),
            r"'O''Brien \\ C:\\x'"
        );
    }
}

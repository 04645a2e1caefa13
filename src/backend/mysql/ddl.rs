//! MySQL/MariaDB DDL, from the schema model. Pure.
//!
//! Indexes and foreign keys go inside CREATE TABLE: MySQL has no
//! `CREATE INDEX IF NOT EXISTS`, and it ignores a column's inline `REFERENCES`.
//! Tables are utf8mb4 with a binary collation, so text compares as on the other
//! backends: case-sensitively, every character kept.

use crate::backend::quote_backtick as quote;
use crate::model::{DefaultValue, Field, LogicalType, OnDelete, Schema, Store};

use super::types::ddl_type;

pub fn create_script(schema: &Schema) -> String {
    let mut out = String::new();
    for store in crate::backend::creation_order(schema) {
        create_table(store, &mut out);
    }
    out
}

fn create_table(store: &Store, out: &mut String) {
    out.push_str(&format!(
        "CREATE TABLE IF NOT EXISTS {} (\n",
        quote(&store.table)
    ));
    let mut lines: Vec<String> = store.fields.iter().map(column).collect();
    let key: Vec<String> = store.key_fields().map(|f| quote(&f.column)).collect();
    lines.push(format!("PRIMARY KEY ({})", key.join(", ")));
    for index in &store.indexes {
        let columns: Vec<String> = index
            .fields
            .iter()
            .map(|&i| quote(&store.fields[i].column))
            .collect();
        lines.push(format!(
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
            lines.push(line);
        }
    }
    out.push_str("    ");
    out.push_str(&lines.join(",\n    "));
    out.push_str("\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;\n");
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

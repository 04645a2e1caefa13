//! MySQL/MariaDB DDL, from the schema model. Pure.
//!
//! Foreign keys go inside CREATE TABLE (MySQL ignores a column's inline `REFERENCES`);
//! indexes follow as CREATE INDEX, without IF NOT EXISTS, which MySQL lacks: `migrate`
//! runs only the statements for what is missing.
//! Tables are utf8mb4 with a binary collation, so text compares as on the other
//! backends: case-sensitively, every character kept.

use crate::backend::ddl::{Step, drift_target};
use crate::drift::{Drift, DriftKind};
use crate::model::{Catalog, DefaultValue, Field, LogicalType, OnDelete, Schema, Store};

use super::types::ddl_type;
use crate::backend::ddl::{Statement, create_index, create_table};

/// The SQL spelling of every statement here.
const D: &crate::sql::Dialect = &super::DIALECT;

/// The CREATE script's statements, each with what it creates.
pub fn statements(schema: &Schema) -> Vec<Statement> {
    crate::backend::ddl::statements(
        crate::backend::creation_order(schema),
        &schema.stores,
        table,
        D,
        false,
    )
}

fn table(store: &Store) -> String {
    let mut extra = Vec::new();
    for field in &store.fields {
        if let Some(reference) = &field.references {
            extra.push(foreign_key(&field.column, reference));
        }
    }
    create_table(
        store,
        D,
        |field, _| column(field),
        false,
        Vec::new(),
        extra,
        " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
    )
}

fn column(field: &Field) -> String {
    column_def(field, true)
}

/// A column's definition; `unique` adds its UNIQUE (MODIFY COLUMN must not: it would
/// add a second unique index).
fn column_def(field: &Field, unique: bool) -> String {
    let mut sql = format!("{} {}", D.quote(&field.column), ddl_type(&field.ty));
    if !field.nullable {
        sql.push_str(" NOT NULL");
    }
    if field.generated {
        sql.push_str(" AUTO_INCREMENT");
    }
    if field.unique && unique {
        sql.push_str(" UNIQUE");
    }
    if let Some(default) = &field.default {
        sql.push_str(" DEFAULT ");
        sql.push_str(&match default {
            DefaultValue::Bool(b) => u8::from(*b).to_string(),
            DefaultValue::Int(n) => n.to_string(),
            DefaultValue::Float(x) => format!("{x:?}"),
            DefaultValue::Decimal(d) => d.clone(),
            // An instant is kept as its UTC date and time.
            DefaultValue::DateTime(d) => D.literal(d),
            // A LONGTEXT default must be an expression, in parentheses (MySQL 8).
            DefaultValue::Text(text) if field.ty == (LogicalType::Text { max_length: None }) => {
                format!("({})", D.literal(text))
            }
            DefaultValue::Text(text) => D.literal(text),
            // In UTC, as the instants are.
            DefaultValue::Now => match field.ty {
                LogicalType::Date => "(UTC_DATE())",
                LogicalType::Time => "(UTC_TIME(6))",
                _ => "(UTC_TIMESTAMP(6))",
            }
            .to_owned(),
        });
    }
    sql
}

fn foreign_key(column: &str, reference: &crate::model::Reference) -> String {
    let mut sql = format!(
        "FOREIGN KEY ({}) REFERENCES {} ({})",
        D.quote(column),
        D.quote(&reference.table),
        D.quote(&reference.column)
    );
    if reference.on_delete != OnDelete::NoAction {
        sql.push_str(" ON DELETE ");
        sql.push_str(reference.on_delete.sql());
    }
    sql
}

/// The statements that bring a MySQL database to the blueprint, from the drift between
/// them: missing tables first (referenced ones first), then each table's changes.
/// MySQL commits each DDL statement on its own: a failed step leaves those before it.
pub fn migration(schema: &Schema, catalog: &Catalog, drifts: &[Drift]) -> Vec<Step> {
    let mut steps = Vec::new();
    let missing: Vec<&str> = drifts
        .iter()
        .filter_map(|d| match &d.kind {
            DriftKind::MissingTable { .. } => Some(d.location.store()),
            _ => None,
        })
        .collect();
    for store in crate::backend::creation_order(schema) {
        if missing.contains(&store.name.as_str()) {
            steps.push(Step::safe(table(store)));
            for index in &store.indexes {
                steps.push(Step::safe(create_index(store, index, D, false)));
            }
        }
    }
    for drift in drifts {
        let Some((store, field, table)) = drift_target(schema, catalog, &drift.location) else {
            continue;
        };
        let t = D.quote(&store.table);
        let alter = |what: String| Step::safe(format!("ALTER TABLE {t} {what}"));
        // Type, nullability and AUTO_INCREMENT change together: MODIFY restates the
        // whole column.
        let modify = |field: &Field| alter(format!("MODIFY COLUMN {}", column_def(field, false)));
        match &drift.kind {
            DriftKind::MissingTable { .. } => {}
            DriftKind::MissingColumn { .. } => {
                if let Some(field) = field {
                    let mut step = alter(format!("ADD COLUMN {}", column(field)));
                    step.note = crate::backend::ddl::needs_backfill(&store.table, field);
                    steps.push(step);
                    if let Some(reference) = &field.references {
                        steps.push(alter(format!(
                            "ADD {}",
                            foreign_key(&field.column, reference)
                        )));
                    }
                }
            }
            DriftKind::Type { .. } | DriftKind::Nullable { .. } | DriftKind::Generated { .. } => {
                if let Some(field) = field {
                    let step = modify(field);
                    // One MODIFY covers every change to the column.
                    if !steps.contains(&step) {
                        steps.push(step);
                    }
                }
            }
            // MODIFY restates the ENUM with the blueprint's values; rows holding a value
            // it drops would be emptied.
            DriftKind::EnumValues {
                extra,
                unchecked: false,
                ..
            } => {
                if let Some(field) = field {
                    let mut step = modify(field);
                    if !steps.contains(&step) {
                        step.destructive = !extra.is_empty();
                        steps.push(step);
                    }
                }
            }
            DriftKind::EnumValues { .. } => {}
            DriftKind::PrimaryKey { expected, actual } => {
                let key: Vec<String> = expected.iter().map(|c| D.quote(c)).collect();
                // A table without a key has none to drop (MySQL error 1091).
                let drop = if actual.is_empty() {
                    ""
                } else {
                    "DROP PRIMARY KEY, "
                };
                steps.push(alter(format!("{drop}ADD PRIMARY KEY ({})", key.join(", "))));
            }
            DriftKind::Unique {
                column: c,
                expected: true,
            } => {
                steps.push(alter(format!("ADD UNIQUE ({})", D.quote(c))));
            }
            DriftKind::Unique {
                column: c,
                expected: false,
            } => {
                for index in table.into_iter().flat_map(|t| &t.indexes) {
                    if index.unique
                        && index.columns.len() == 1
                        && index.columns[0].eq_ignore_ascii_case(c)
                    {
                        steps.push(alter(format!("DROP INDEX {}", D.quote(&index.name))));
                    }
                }
            }
            DriftKind::UnknownColumn {
                column: c,
                sql_type,
                required,
                ..
            } => {
                if *required {
                    // Inserts that leave it out work once it may be NULL.
                    steps.push(alter(format!(
                        "MODIFY COLUMN {} {sql_type} NULL",
                        D.quote(c)
                    )));
                }
                steps.push(Step::destructive(format!(
                    "ALTER TABLE {t} DROP COLUMN {}",
                    D.quote(c)
                )));
            }
            DriftKind::MissingIndex {
                columns, unique, ..
            } => {
                let crate::drift::Location::Index {
                    index: position, ..
                } = &drift.location
                else {
                    continue;
                };
                let Some(index) = store.indexes.get(*position) else {
                    continue;
                };
                let cols: Vec<String> = columns.iter().map(|c| D.quote(c)).collect();
                steps.push(Step::safe(format!(
                    "CREATE {}INDEX {} ON {t} ({})",
                    if *unique { "UNIQUE " } else { "" },
                    D.quote(&index.name),
                    cols.join(", ")
                )));
            }
            DriftKind::MissingForeignKey { column: c, .. } => {
                if let Some(reference) = field.and_then(|f| f.references.as_ref()) {
                    steps.push(alter(format!("ADD {}", foreign_key(c, reference))));
                }
            }
            DriftKind::OnDelete { column: c, .. } => {
                let existing = table
                    .into_iter()
                    .flat_map(|t| &t.foreign_keys)
                    .find(|k| k.columns.len() == 1 && k.columns[0].eq_ignore_ascii_case(c));
                if let (Some(existing), Some(reference)) =
                    (existing, field.and_then(|f| f.references.as_ref()))
                {
                    steps.push(alter(format!(
                        "DROP FOREIGN KEY {}",
                        D.quote(&existing.name)
                    )));
                    steps.push(alter(format!("ADD {}", foreign_key(c, reference))));
                }
            }
        }
    }
    steps
}

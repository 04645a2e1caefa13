//! MySQL/MariaDB DDL, from the schema model. Pure.
//!
//! Foreign keys go inside CREATE TABLE (MySQL ignores a column's inline `REFERENCES`);
//! indexes follow as CREATE INDEX, without IF NOT EXISTS, which MySQL lacks: `migrate`
//! runs only the statements for what is missing.
//! Tables are utf8mb4 with a binary collation, so text compares as on the other
//! backends: case-sensitively, every character kept.

use crate::backend::ddl::Step;
use crate::backend::migration::{Group, Migrate, Table, foreign_key};
use crate::drift::DriftKind;
use crate::model::{DefaultValue, Field, LogicalType, Schema, Store};

use crate::backend::ddl::{ColumnDef, Statement, create_index, create_table};

/// The SQL spelling of every statement here.
const D: &crate::sql::Dialect = &super::DIALECT;

/// MySQL's names: `PRIMARY`, a UNIQUE column's index named as the column, foreign keys
/// `<table>_ibfk_<n>` (or storegen's own name where that is too long); types as
/// `COLUMN_TYPE` spells them.
pub(crate) const NAMING: crate::backend::created::Naming = crate::backend::created::Naming {
    backend: crate::model::BackendKind::Mysql,
    column_type: super::types::catalog_type,
    primary_index: |_| Some("PRIMARY".into()),
    unique_index: |_, column, _| column.to_owned(),
    foreign_key: |table, column, nth| {
        crate::backend::migration::own_foreign_key_name(D, table, column)
            .unwrap_or_else(|| format!("{table}_ibfk_{nth}"))
    },
};

/// The CREATE script's statements, each with what it creates.
pub fn statements(schema: &Schema) -> Vec<Statement> {
    let deferred = crate::backend::Deferred::new(schema);
    crate::backend::ddl::statements(
        crate::backend::creation_order(schema),
        &schema.stores,
        |store| table(store, &deferred.fields_of(store)) + &deferred.keys_to(store, D),
        D,
        false,
    )
}

/// The CREATE TABLE, with every foreign key but the `deferred` fields' (a reference
/// that closes a cycle is added after the table it references exists).
fn table(store: &Store, deferred: &[&str]) -> String {
    let mut extra = Vec::new();
    for field in &store.fields {
        if let Some(reference) = &field.references
            && !deferred.contains(&field.name.as_str())
        {
            extra.push(foreign_key(D, &store.table, &field.column, reference));
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
    column_def_collated(field, unique, None)
}

/// The column's definition; `convert` (`CHARACTER SET … COLLATE …`) in place of the
/// field's own collation, when given.
fn column_def_collated(field: &Field, unique: bool, convert: Option<&str>) -> String {
    let mut ty = super::types::column_type(field);
    // A collation the blueprint accepts; else the table's (binary, NO PAD).
    match (convert, &field.collation) {
        (Some(clause), _) => {
            ty.push(' ');
            ty.push_str(clause);
        }
        (None, Some(collation)) => {
            ty.push_str(" COLLATE ");
            ty.push_str(collation);
        }
        (None, None) => {}
    }
    ColumnDef {
        field,
        ty,
        after_null: if field.generated {
            " AUTO_INCREMENT"
        } else {
            ""
        },
        primary_key: false,
        unique: field.unique && unique,
        default: field.default.as_ref().map(|d| default_sql(d, field)),
        checks: String::new(),
        // MySQL ignores a column's inline REFERENCES: the table declares its keys.
        references: false,
    }
    .sql(D)
}

fn default_sql(default: &DefaultValue, field: &Field) -> String {
    match default {
        DefaultValue::Bool(b) => u8::from(*b).to_string(),
        DefaultValue::Int(n) => n.to_string(),
        DefaultValue::Float(x) => format!("{x:?}"),
        DefaultValue::Decimal(d) => d.clone(),
        // An instant is kept as its UTC date and time.
        DefaultValue::DateTime(d) => D.literal(d),
        // A LONGTEXT default must be an expression, in parentheses (MySQL 8).
        DefaultValue::Text(text) if super::types::column_type(field).ends_with("TEXT") => {
            format!("({})", D.literal(text))
        }
        DefaultValue::Text(text) => D.literal(text),
        // In UTC, as the instants are.
        // The clock read to the digits of a second the column keeps.
        DefaultValue::Now => match field.ty {
            LogicalType::Date => "(UTC_DATE())".to_owned(),
            LogicalType::Time => format!("(UTC_TIME({}))", field.fraction_digits()),
            _ => format!("(UTC_TIMESTAMP({}))", field.fraction_digits()),
        },
    }
}

/// The planner of the statements that bring a MySQL database to the blueprint, from the drift between
/// them: missing tables first (referenced ones first), then each table's changes.
/// MySQL commits each DDL statement on its own: a failed step leaves those before it.
pub(crate) const PLANNER: &dyn Migrate = &Mysql;

struct Mysql;

impl Migrate for Mysql {
    fn backend(&self) -> crate::model::BackendKind {
        crate::model::BackendKind::Mysql
    }

    fn create_table(&self, store: &Store, deferred: &[&str]) -> Vec<Step> {
        let mut steps = vec![Step::safe(table(store, deferred))];
        for index in &store.indexes {
            steps.push(Step::safe(create_index(store, index, D, false)));
        }
        steps
    }

    fn add_column(&self, table: &Table<'_>, field: &Field) -> Vec<Group> {
        let mut step = table.alter(format!("ADD COLUMN {}", column(field)));
        step.note = crate::backend::ddl::needs_backfill(&table.store.table, field);
        let mut steps = vec![step];
        if let Some(reference) = &field.references {
            steps.push(table.alter(format!(
                "ADD {}",
                foreign_key(D, &table.store.table, &field.column, reference)
            )));
        }
        vec![steps.into()]
    }

    /// Type, nullability and AUTO_INCREMENT change together: one MODIFY restates the
    /// whole column. With an ENUM's values, it restates them as the blueprint has them;
    /// rows holding a value it drops would be emptied.
    fn change_column(&self, table: &Table<'_>, field: &Field, change: &DriftKind) -> Vec<Group> {
        // A padding column to storegen's binary collation, which `diff --sql` and
        // `migrate` make the server's NO PAD one.
        let convert = match (change, &field.collation) {
            (DriftKind::Collation { .. }, None) => {
                let charset = field
                    .charset
                    .unwrap_or(crate::model::Charset::Utf8mb4)
                    .name();
                Some(format!("CHARACTER SET {charset} COLLATE {charset}_bin"))
            }
            _ => None,
        };
        let def = column_def_collated(field, false, convert.as_deref());
        let mut step = table.alter(format!("MODIFY COLUMN {def}"));
        match change {
            DriftKind::EnumValues {
                unchecked: true, ..
            } => return Vec::new(),
            DriftKind::EnumValues { extra, .. } => step.destructive = !extra.is_empty(),
            _ => {}
        }
        vec![Group {
            key: Some(format!("modify {}.{}", table.store.table, field.column)),
            steps: vec![step],
        }]
    }

    fn set_primary_key(
        &self,
        table: &Table<'_>,
        expected: &[String],
        actual: &[String],
    ) -> Vec<Group> {
        let key: Vec<String> = expected.iter().map(|c| D.quote(c)).collect();
        // A table without a key has none to drop (MySQL error 1091).
        let drop = if actual.is_empty() {
            ""
        } else {
            "DROP PRIMARY KEY, "
        };
        vec![
            table
                .alter(format!("{drop}ADD PRIMARY KEY ({})", key.join(", ")))
                .into(),
        ]
    }

    fn drop_unique_index(&self, table: &Table<'_>, index: &str) -> Group {
        table.alter(format!("DROP INDEX {}", D.quote(index))).into()
    }

    fn allow_null(&self, table: &Table<'_>, column: &str, sql_type: &str) -> Vec<Group> {
        // Inserts that leave it out work once it may be NULL.
        vec![
            table
                .alter(format!("MODIFY COLUMN {} {sql_type} NULL", D.quote(column)))
                .into(),
        ]
    }

    fn index_if_not_exists(&self) -> bool {
        false
    }

    fn drop_index(&self, table: &Table<'_>, name: &str) -> Step {
        table.alter(format!("DROP INDEX {}", D.quote(name)))
    }

    fn drop_index_if_exists(&self, table: &Table<'_>, name: &str) -> Step {
        self.drop_index(table, name)
    }

    fn drop_foreign_key(&self, name: &str) -> String {
        format!("DROP FOREIGN KEY {}", D.quote(name))
    }
}

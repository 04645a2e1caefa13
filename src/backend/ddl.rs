//! The shape every backend's CREATE script shares; each backend supplies its columns.

use crate::model::{Field, Store};
use crate::sql::Dialect;

/// `CREATE TABLE IF NOT EXISTS <table> (<lines>)<suffix>;`. The fields' columns come
/// first, then `more_columns` (written out already). A single-field key is declared on
/// its column when `inline_key` (the column function is told so), otherwise as a
/// `PRIMARY KEY (...)` line after the columns; the `constraints` lines end the table.
pub(crate) fn create_table(
    store: &Store,
    dialect: &Dialect,
    column: impl Fn(&Field, bool) -> String,
    inline_key: bool,
    more_columns: Vec<String>,
    constraints: Vec<String>,
    suffix: &str,
) -> String {
    let inline = inline_key && store.primary_key.len() == 1;
    let mut lines: Vec<String> = store
        .fields
        .iter()
        .enumerate()
        .map(|(i, field)| column(field, inline && store.is_key(i)))
        .collect();
    lines.extend(more_columns);
    if !inline {
        let key: Vec<String> = store
            .key_fields()
            .map(|f| dialect.quote(&f.column))
            .collect();
        lines.push(format!("PRIMARY KEY ({})", key.join(", ")));
    }
    lines.extend(constraints);
    format!(
        "CREATE TABLE IF NOT EXISTS {} (\n    {}\n){suffix};\n",
        dialect.quote(&store.table),
        lines.join(",\n    ")
    )
}

/// One column's definition, its parts in the order every backend writes them:
/// `<name> <type> [NOT NULL] [<after_null>] [PRIMARY KEY] [UNIQUE] [DEFAULT <default>]
/// <checks> [REFERENCES <table> (<column>) [ON DELETE …]]`. A backend fills in what it
/// spells its own way (the type with whatever follows it — PostgreSQL's identity, MySQL's
/// collation —, the default, the checks); the assembly is here, once.
pub(crate) struct ColumnDef<'f> {
    pub field: &'f Field,
    /// The column type and whatever the backend writes right after it.
    pub ty: String,
    /// Written after NOT NULL (MySQL's `AUTO_INCREMENT`).
    pub after_null: &'static str,
    pub primary_key: bool,
    pub unique: bool,
    /// The default's SQL, when the field has one.
    pub default: Option<String>,
    /// Each ` CHECK (…)`, with its leading space.
    pub checks: String,
    /// Whether the field's foreign key is declared on the column.
    pub references: bool,
}

impl ColumnDef<'_> {
    /// The definition, in `dialect`'s spelling.
    pub(crate) fn sql(&self, dialect: &Dialect) -> String {
        let field = self.field;
        let mut sql = format!("{} {}", dialect.quote(&field.column), self.ty);
        if !field.nullable {
            sql.push_str(" NOT NULL");
        }
        sql.push_str(self.after_null);
        if self.primary_key {
            sql.push_str(" PRIMARY KEY");
        }
        if self.unique {
            sql.push_str(" UNIQUE");
        }
        if let Some(default) = &self.default {
            sql.push_str(" DEFAULT ");
            sql.push_str(default);
        }
        sql.push_str(&self.checks);
        if let Some(reference) = field.references.as_ref().filter(|_| self.references) {
            sql.push_str(&format!(
                " REFERENCES {} ({}){}",
                dialect.quote(&reference.table),
                dialect.quote(&reference.column),
                on_delete(reference)
            ));
        }
        sql
    }
}

/// ` ON DELETE <action>` for a foreign key that has one; empty for NO ACTION.
pub(crate) fn on_delete(reference: &crate::model::Reference) -> String {
    match reference.on_delete {
        crate::model::OnDelete::NoAction => String::new(),
        action => format!(" ON DELETE {}", action.sql()),
    }
}

/// `CREATE [UNIQUE] INDEX [IF NOT EXISTS] <name> ON <table> (<columns>);`
pub(crate) fn create_index(
    store: &Store,
    index: &crate::model::Index,
    dialect: &Dialect,
    if_not_exists: bool,
) -> String {
    let columns: Vec<String> = index
        .columns(store)
        .iter()
        .map(|c| {
            let column = dialect.quote(&store.fields[c.field].column);
            dialect.order_term(&column, c.descending, c.nulls_matter)
        })
        .collect();
    format!(
        "CREATE {}INDEX {}{} ON {} ({});\n",
        if index.unique { "UNIQUE " } else { "" },
        if if_not_exists { "IF NOT EXISTS " } else { "" },
        dialect.quote(&index.name),
        dialect.quote(&store.table),
        columns.join(", ")
    )
}

/// One statement of a CREATE script, and what it creates: a table, or an index of one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub table: String,
    pub index: Option<String>,
    /// The statement, `;`-terminated, with a final newline.
    pub sql: String,
}

/// Every store's CREATE TABLE (in `order`), then every index's CREATE INDEX.
pub(crate) fn statements<'s>(
    order: impl IntoIterator<Item = &'s Store>,
    stores: &[Store],
    table: impl Fn(&Store) -> String,
    dialect: &Dialect,
    if_not_exists: bool,
) -> Vec<Statement> {
    let mut out: Vec<Statement> = order
        .into_iter()
        .map(|store| Statement {
            table: store.table.clone(),
            index: None,
            sql: table(store),
        })
        .collect();
    for store in stores {
        for index in &store.indexes {
            out.push(Statement {
                table: store.table.clone(),
                index: Some(index.name.clone()),
                sql: create_index(store, index, dialect, if_not_exists),
            });
        }
    }
    out
}

/// The statements as one script.
pub(crate) fn script(statements: &[Statement]) -> String {
    statements.iter().map(|s| s.sql.as_str()).collect()
}

/// One statement that moves a database toward its blueprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub sql: String,
    /// Loses data (drops a column): written as a comment unless destructive steps are
    /// allowed.
    pub destructive: bool,
    /// What the reader must know before running it, written as comments above it (a
    /// line each).
    pub note: Option<String>,
}

impl Step {
    pub fn safe(sql: impl Into<String>) -> Step {
        Step {
            sql: sql.into(),
            destructive: false,
            note: None,
        }
    }

    pub fn destructive(sql: impl Into<String>) -> Step {
        Step {
            sql: sql.into(),
            destructive: true,
            note: None,
        }
    }

    pub fn noted(mut self, note: impl Into<String>) -> Step {
        self.note = Some(note.into());
        self
    }
}

/// The note for adding `field` to `table` when the column can't be filled by itself:
/// NOT NULL, no default, not assigned by the database.
pub fn needs_backfill(table: &str, field: &crate::model::Field) -> Option<String> {
    (!field.nullable && field.default.is_none() && !field.generated).then(|| {
        format!(
            "`{}` is NOT NULL without a default: this fails if `{table}` has rows; \
             give the field a `default`, or add the column nullable, fill it, then make it NOT NULL",
            field.column
        )
    })
}

/// The steps as a script: one statement a line, `;`-terminated; destructive ones
/// commented out unless allowed.
pub fn render_steps(steps: &[Step], allow_destructive: bool) -> String {
    let mut out = String::new();
    for step in steps {
        for note in step.note.iter().flat_map(|n| n.lines()) {
            out.push_str("-- note: ");
            out.push_str(note);
            out.push('\n');
        }
        let sql = step.sql.trim_end().trim_end_matches(';');
        if step.destructive && !allow_destructive {
            out.push_str("-- destructive, left out (run with --allow-destructive to include):\n");
            for line in sql.lines() {
                out.push_str("-- ");
                out.push_str(line);
                out.push('\n');
            }
            // A comment line ends the statement for a reader; keep the `;` visible.
            out.truncate(out.len() - 1);
            out.push_str(";\n");
        } else {
            out.push_str(sql);
            out.push_str(";\n");
        }
    }
    out
}

/// The store and field a drift is about, and the table as the database holds it.
pub(crate) fn drift_target<'s>(
    schema: &'s crate::model::Schema,
    catalog: &'s crate::model::Catalog,
    location: &crate::drift::Location,
) -> Option<(
    &'s Store,
    Option<&'s Field>,
    Option<&'s crate::model::CatalogTable>,
)> {
    let store = schema.store(location.store())?;
    let field = match location {
        crate::drift::Location::Field { field, .. } => store.field(field),
        _ => None,
    };
    Some((store, field, catalog.table(&store.table)))
}

/// ` CHECK ("status" IN ('new', 'paid'))`: an enum kept as text, limited to its values.
pub fn enum_check(field: &crate::model::Field, dialect: &Dialect) -> String {
    match &field.ty {
        crate::model::LogicalType::Enum { values, .. } => {
            let list: Vec<String> = values.iter().map(|v| dialect.literal(v)).collect();
            format!(
                " CHECK ({} IN ({}))",
                dialect.quote(&field.column),
                list.join(", ")
            )
        }
        _ => String::new(),
    }
}

/// The column type storegen's DDL declares for a field: its logical type's (`ddl_type`),
/// a padded text's `CHAR(n)`, or a time's with the digits of a second it keeps — `names`
/// are the backend's time, timestamp and instant types.
pub(crate) fn column_type(
    field: &crate::model::Field,
    names: [&str; 3],
    ddl_type: impl Fn(&crate::model::LogicalType) -> String,
) -> String {
    use crate::model::LogicalType;
    match (&field.ty, field.precision) {
        (
            LogicalType::Text {
                max_length: Some(n),
            },
            _,
        ) if field.padded => format!("CHAR({n})"),
        (LogicalType::Time, Some(p)) => format!("{}({p})", names[0]),
        (LogicalType::Timestamp, Some(p)) => format!("{}({p})", names[1]),
        (LogicalType::TimestampTz, Some(p)) => format!("{}({p})", names[2]),
        (ty, _) => ddl_type(ty),
    }
}

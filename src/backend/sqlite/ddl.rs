//! SQLite DDL: the CREATE script `migrate` runs, from the schema model. Pure.

use crate::backend::ddl::Step;
use crate::backend::migration::{Group, Migrate, Table};
use crate::drift::DriftKind;
use crate::model::{DefaultValue, Field, LogicalType, Schema, Store};

use crate::backend::ddl::{ColumnDef, Statement, create_index, create_table};

/// The SQL spelling of every statement here.
const D: &crate::sql::Dialect = &super::DIALECT;

/// SQLite's names: `sqlite_autoindex_<table>_<n>` for UNIQUE columns, unnamed foreign
/// keys, the type as declared.
pub(crate) const NAMING: crate::backend::created::Naming = crate::backend::created::Naming {
    backend: crate::model::BackendKind::Sqlite,
    column_type: |field| {
        if field.generated {
            "INTEGER".into()
        } else {
            super::types::column_type(field)
        }
    },
    primary_index: |_| None,
    unique_index: |table, _, nth| format!("sqlite_autoindex_{table}_{nth}"),
    foreign_key: |_, _, _| String::new(),
};

/// `CREATE TABLE IF NOT EXISTS` for every store, then `CREATE INDEX IF NOT EXISTS` for
/// every index, in blueprint order. SQLite resolves foreign keys when rows are written,
/// not when tables are created, so declaration order is enough.
pub fn statements(schema: &Schema) -> Vec<Statement> {
    crate::backend::ddl::statements(
        &schema.stores,
        &schema.stores,
        |store| create_table(store, D, column, true, Vec::new(), Vec::new(), ""),
        D,
        true,
    )
}

fn column(field: &Field, sole_key: bool) -> String {
    if sole_key && field.generated {
        // Exactly "INTEGER PRIMARY KEY": an alias for the rowid, assigned by SQLite.
        return format!("{} INTEGER PRIMARY KEY", D.quote(&field.column));
    }
    let mut checks = String::new();
    if let LogicalType::Text {
        max_length: Some(max),
    } = field.ty
    {
        // SQLite ignores VARCHAR(n); the check makes it hold the limit as servers do.
        checks = format!(" CHECK (length({}) <= {max})", D.quote(&field.column));
    }
    checks.push_str(&crate::backend::ddl::enum_check(field, D));
    ColumnDef {
        field,
        ty: super::types::column_type(field),
        after_null: "",
        primary_key: sole_key,
        unique: field.unique,
        default: field.default.as_ref().map(|d| default_sql(d, field)),
        checks,
        references: true,
    }
    .sql(D)
}

fn default_sql(default: &DefaultValue, field: &Field) -> String {
    let ty = &field.ty;
    match default {
        DefaultValue::Bool(b) => u8::from(*b).to_string(),
        DefaultValue::Int(n) => n.to_string(),
        DefaultValue::Float(x) => format!("{x:?}"),
        // Kept as text, like every decimal there.
        DefaultValue::Decimal(d) => D.literal(d),
        // The text the drivers write: an instant with its UTC offset.
        DefaultValue::DateTime(d) if *ty == LogicalType::TimestampTz => {
            D.literal(&format!("{d}+00:00"))
        }
        DefaultValue::DateTime(d) => D.literal(d),
        DefaultValue::Text(text) => D.literal(text),
        // The same text rusqlite writes for chrono's types, in UTC, to the millisecond
        // (SQLite's clock), or to the fewer digits of a second the field keeps.
        DefaultValue::Now => {
            // `%f` is the seconds with three digits: cut to the field's, if fewer.
            let (format, zone, seconds_end) = match ty {
                LogicalType::Date => return "(strftime('%Y-%m-%d', 'now'))".to_owned(),
                LogicalType::Time => ("%H:%M:%f", "", 8),
                LogicalType::TimestampTz => ("%Y-%m-%d %H:%M:%f", "+00:00", 19),
                _ => ("%Y-%m-%d %H:%M:%f", "", 19),
            };
            match field.fraction_digits() {
                digits @ 0..=2 => {
                    let keep = seconds_end
                        + if digits > 0 {
                            1 + usize::from(digits)
                        } else {
                            0
                        };
                    let cut = format!("substr(strftime('{format}', 'now'), 1, {keep})");
                    if zone.is_empty() {
                        format!("({cut})")
                    } else {
                        format!("({cut} || '{zone}')")
                    }
                }
                _ => format!("(strftime('{format}{zone}', 'now'))"),
            }
        }
    }
}

/// The planner of the statements that bring an SQLite database to the blueprint. SQLite alters little
/// in place, so a table with any drift but a missing index is rebuilt: a new table as
/// the blueprint declares it, the rows copied across (SQLite converts them to the new
/// column types), the old table dropped, the new one renamed — in one transaction,
/// with foreign keys off while it runs. Columns the blueprint doesn't declare are kept
/// (made nullable) unless destructive steps are allowed.
pub(crate) const PLANNER: &dyn Migrate = &Sqlite;

struct Sqlite;

impl Sqlite {
    /// The table rebuilt, once whatever changed in it; `note` goes above its first step.
    fn rebuilt(table: &Table<'_>, note: Option<String>) -> Vec<Group> {
        let Some(catalog) = table.catalog else {
            return Vec::new();
        };
        let mut steps = rebuild(table.store, catalog);
        if let (Some(note), Some(first)) = (note, steps.first_mut()) {
            first.note = Some(note);
        }
        vec![Group {
            key: Some(format!("rebuild {}", table.store.table)),
            steps,
        }]
    }
}

impl Migrate for Sqlite {
    /// SQLite names a UNIQUE column's index after its table, and renames it with it.
    fn rename_index(&self, _table: &str, _from: &str, _to: &str) -> Option<Step> {
        None
    }

    /// The column keeps the backfill as its default: dropping it takes a rebuild.
    fn drop_default(&self, _table: &Table<'_>, _column: &str) -> Vec<Group> {
        Vec::new()
    }

    fn backend(&self) -> crate::model::BackendKind {
        crate::model::BackendKind::Sqlite
    }

    /// SQLite resolves foreign keys when rows are written: tables come in drift order.
    fn creates_first(&self) -> bool {
        false
    }

    fn create_table(&self, store: &Store, _deferred: &[&str]) -> Vec<Step> {
        let mut steps = vec![Step::safe(create_table(
            store,
            D,
            column,
            true,
            Vec::new(),
            Vec::new(),
            "",
        ))];
        for index in &store.indexes {
            steps.push(Step::safe(create_index(store, index, D, true)));
        }
        steps
    }

    fn finish(&self, steps: Vec<Step>) -> Vec<Step> {
        let rebuilt: Vec<String> = steps
            .iter()
            .filter_map(|s| {
                let rest = s
                    .sql
                    .strip_prefix("CREATE TABLE IF NOT EXISTS \"storegen_rebuild_")?;
                Some(format!(
                    "ALTER TABLE \"{}\" ADD COLUMN ",
                    rest.split_once('"')?.0
                ))
            })
            .collect();
        steps
            .into_iter()
            .filter(|s| {
                !rebuilt
                    .iter()
                    .any(|prefix| s.sql.starts_with(prefix.as_str()))
            })
            .collect()
    }

    /// In place where SQLite's ADD COLUMN allows it (not UNIQUE, a constant default or
    /// none, NOT NULL only with a default, a foreign key only with NULL for the rows
    /// there); otherwise the table is rebuilt.
    fn add_column(&self, table: &Table<'_>, field: &Field) -> Vec<Group> {
        let in_place = !field.unique
            && !field.generated
            && !matches!(field.default, Some(DefaultValue::Now))
            && (field.nullable || field.default.is_some())
            && (field.references.is_none() || (field.nullable && field.default.is_none()));
        if in_place && table.catalog.is_some() {
            vec![
                table
                    .alter(format!("ADD COLUMN {}", column(field, false)))
                    .into(),
            ]
        } else {
            Sqlite::rebuilt(table, None)
        }
    }

    fn change_column(&self, table: &Table<'_>, _: &Field, change: &DriftKind) -> Vec<Group> {
        // The new table's CHECK refuses rows holding values the enum lacks: the copy then
        // fails, and the transaction undoes the rebuild.
        let note = match change {
            DriftKind::EnumValues {
                column,
                extra,
                unchecked,
                ..
            } if *unchecked || !extra.is_empty() => Some(format!(
                "rows whose `{column}` holds a value the enum lacks make this rebuild fail: change them first"
            )),
            _ => None,
        };
        Sqlite::rebuilt(table, note)
    }

    fn set_primary_key(&self, table: &Table<'_>, _: &[String], _: &[String]) -> Vec<Group> {
        Sqlite::rebuilt(table, None)
    }

    fn add_unique(&self, table: &Table<'_>, _: &str) -> Vec<Group> {
        Sqlite::rebuilt(table, None)
    }

    fn drop_unique(&self, table: &Table<'_>, _: &str) -> Vec<Group> {
        Sqlite::rebuilt(table, None)
    }

    /// A required column stops every insert: the rebuild keeps it, nullable.
    fn allow_null(&self, table: &Table<'_>, _: &str, _: &str) -> Vec<Group> {
        Sqlite::rebuilt(table, None)
    }

    fn add_foreign_key(
        &self,
        table: &Table<'_>,
        _: &str,
        _: &crate::model::Reference,
    ) -> Vec<Group> {
        Sqlite::rebuilt(table, None)
    }

    fn remove_foreign_key(&self, table: &Table<'_>, _: &str) -> Vec<Group> {
        Sqlite::rebuilt(table, None)
    }

    fn replace_foreign_key(
        &self,
        table: &Table<'_>,
        _: &str,
        _: &crate::model::Reference,
    ) -> Vec<Group> {
        Sqlite::rebuilt(table, None)
    }
}

fn rebuild(store: &Store, table: &crate::model::CatalogTable) -> Vec<Step> {
    let temporary = format!("storegen_rebuild_{}", store.table);
    let mut shape = store.clone();
    shape.table = temporary.clone();
    // Columns the blueprint doesn't know stay, nullable, so no insert depends on them.
    let kept: Vec<&crate::model::CatalogColumn> = table
        .columns
        .iter()
        .filter(|c| {
            !store
                .fields
                .iter()
                .any(|f| f.column.eq_ignore_ascii_case(&c.name))
        })
        .filter(|c| c.default.as_deref() != Some("GENERATED ALWAYS"))
        .collect();
    let extra: Vec<String> = kept
        .iter()
        .map(|c| {
            let mut line = format!("{} {}", D.quote(&c.name), c.sql_type);
            if let Some(default) = &c.default {
                line.push_str(&format!(" DEFAULT {default}"));
            }
            line
        })
        .collect();
    let create = create_table(&shape, D, column, true, extra, Vec::new(), "");
    let copied: Vec<String> = store
        .fields
        .iter()
        .filter(|f| {
            table
                .columns
                .iter()
                .any(|c| c.name.eq_ignore_ascii_case(&f.column))
        })
        .map(|f| D.quote(&f.column))
        .chain(kept.iter().map(|c| D.quote(&c.name)))
        .collect();
    let copied = copied.join(", ");
    // A new column nothing fills: the copy fails if the table has rows.
    let unfilled: Vec<String> = store
        .fields
        .iter()
        .filter(|f| {
            !table
                .columns
                .iter()
                .any(|c| c.name.eq_ignore_ascii_case(&f.column))
        })
        .filter_map(|f| crate::backend::ddl::needs_backfill(&store.table, f))
        .collect();
    let mut copy = Step::safe(format!(
        "INSERT INTO {} ({copied}) SELECT {copied} FROM {}",
        D.quote(&temporary),
        D.quote(&store.table)
    ));
    if !unfilled.is_empty() {
        copy = copy.noted(unfilled.join("\n"));
    }
    let mut steps = vec![
        Step::safe("PRAGMA foreign_keys = OFF"),
        Step::safe("BEGIN"),
        Step::safe(create),
        copy,
        Step::safe(format!("DROP TABLE {}", D.quote(&store.table))),
        Step::safe(format!(
            "ALTER TABLE {} RENAME TO {}",
            D.quote(&temporary),
            D.quote(&store.table)
        )),
    ];
    for index in &store.indexes {
        steps.push(Step::safe(create_index(store, index, D, true)));
    }
    steps.push(Step::safe("COMMIT"));
    steps.push(Step::safe("PRAGMA foreign_keys = ON"));
    steps
}

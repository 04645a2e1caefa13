//! One migration planner for every backend: it walks the drift between a blueprint and
//! a database once, and asks the backend's [`Migrate`] for the statements each change
//! takes. What backends share (adding a UNIQUE, an index, a foreign key, dropping a
//! column) is written here once; a backend overrides only what it spells differently.

use super::ddl::{Step, create_index, drift_target};
use crate::drift::{Drift, DriftKind, Location};
use crate::model::{BackendKind, Catalog, CatalogTable, Field, Index, Reference, Schema, Store};
use crate::sql::Dialect;

/// A table the planner changes: the store as the blueprint declares it, and the table
/// as the database has it (when it has it).
pub(crate) struct Table<'a> {
    pub store: &'a Store,
    pub catalog: Option<&'a CatalogTable>,
    /// `ALTER TABLE <table> `, quoted.
    alter: String,
}

impl Table<'_> {
    /// `ALTER TABLE <table> <what>`.
    pub fn alter(&self, what: impl AsRef<str>) -> Step {
        Step::safe(format!("{}{}", self.alter, what.as_ref()))
    }
}

/// The statements one change takes. A group with a key already planned is left out: one
/// MODIFY restates a column whatever changed in it, one rebuild remakes a table.
pub(crate) struct Group {
    pub key: Option<String>,
    pub steps: Vec<Step>,
}

impl From<Vec<Step>> for Group {
    fn from(steps: Vec<Step>) -> Group {
        Group { key: None, steps }
    }
}

impl From<Step> for Group {
    fn from(step: Step) -> Group {
        Group::from(vec![step])
    }
}

/// What a versioned migration does beyond the drift between two schemas: renames
/// (before anything else), the values new required columns get for existing rows, and
/// drops (after everything else). `storegen diff --sql` has none.
#[derive(Debug, Clone, Default)]
pub(crate) struct Evolve {
    /// Renames, in order.
    pub renames: Vec<Rename>,
    /// (store, field, value): a NOT NULL column added to a table with rows gets `value`.
    pub backfills: Vec<(String, String, crate::model::DefaultValue)>,
    /// Columns whose new type holds less than the old (fewer digits, a shorter text,
    /// fewer enum values): (table, column, what is lost). Their changes are marked
    /// destructive.
    pub narrowing: Vec<(String, String, String)>,
    /// Foreign keys the blueprint no longer declares: (table, column).
    pub drop_foreign_keys: Vec<(String, String)>,
    /// Indexes to drop before anything else changes (they cover a column that goes:
    /// MySQL drops an index with its last column, SQLite won't drop an indexed column):
    /// (table, index).
    pub drop_indexes_first: Vec<(String, String)>,
    /// Indexes to drop once everything else is in place (a new index may be needed by a
    /// foreign key first, on MySQL): (table, index).
    pub drop_indexes: Vec<(String, String)>,
    /// Tables to drop, in order (referencing tables first).
    pub drop_tables: Vec<String>,
}

/// One rename a migration makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Rename {
    /// `ALTER TABLE <from> RENAME TO <to>`.
    Table { from: String, to: String },
    /// `ALTER TABLE <table> RENAME COLUMN <from> TO <to>`.
    Column {
        table: String,
        from: String,
        to: String,
    },
    /// An index the server named after its table, renamed as the new table's would be.
    Index {
        table: String,
        from: String,
        to: String,
    },
    /// A constraint the server named after its table (a foreign key), likewise.
    Constraint {
        table: String,
        from: String,
        to: String,
    },
}

/// What a backend writes for each change.
pub(crate) trait Migrate {
    /// The backend it writes for: its dialect and identifier rules are its `Rules`'.
    fn backend(&self) -> BackendKind;

    /// How the backend spells SQL.
    fn dialect(&self) -> &'static Dialect {
        self.backend().dialect()
    }

    /// Whether two identifiers name the same column here.
    fn same_identifier(&self, a: &str, b: &str) -> bool {
        self.backend().same_identifier(a, b)
    }

    /// Whether missing tables are created before any other change, referenced tables
    /// first (the backend checks a foreign key's table when it is created); otherwise
    /// they are created where their drift comes.
    fn creates_first(&self) -> bool {
        true
    }

    /// A missing table: its types, the table, its indexes.
    /// A missing table: its types, the table, its indexes. The `deferred` fields'
    /// foreign keys are left out: they close a cycle, and the planner adds them once
    /// every table exists (SQLite, which checks foreign keys only when rows change,
    /// keeps them).
    fn create_table(&self, store: &Store, deferred: &[&str]) -> Vec<Step>;

    /// A column the table lacks.
    fn add_column(&self, table: &Table<'_>, field: &Field) -> Vec<Group>;

    /// A column whose type, nullability, generation or enum values differ (`change`
    /// says which).
    fn change_column(&self, table: &Table<'_>, field: &Field, change: &DriftKind) -> Vec<Group>;

    /// A primary key of other columns.
    fn set_primary_key(
        &self,
        table: &Table<'_>,
        expected: &[String],
        actual: &[String],
    ) -> Vec<Group>;

    /// A column that should be UNIQUE and isn't.
    fn add_unique(&self, table: &Table<'_>, column: &str) -> Vec<Group> {
        vec![
            table
                .alter(format!("ADD UNIQUE ({})", self.dialect().quote(column)))
                .into(),
        ]
    }

    /// A column that is UNIQUE and shouldn't be: the unique indexes on it alone.
    fn drop_unique(&self, table: &Table<'_>, column: &str) -> Vec<Group> {
        self.unique_indexes_on(table, column)
            .into_iter()
            .map(|index| self.drop_unique_index(table, index))
            .collect()
    }

    /// Drops one unique index: by default the constraint it stands for.
    fn drop_unique_index(&self, table: &Table<'_>, index: &str) -> Group {
        table
            .alter(format!("DROP CONSTRAINT {}", self.dialect().quote(index)))
            .into()
    }

    /// Lets inserts leave out a column the blueprint doesn't know (`required`: it is
    /// NOT NULL without a default), before it is dropped.
    fn allow_null(&self, table: &Table<'_>, column: &str, sql_type: &str) -> Vec<Group>;

    /// A column the blueprint doesn't know: nullable first when inserts would fail on
    /// it, then dropped (destructive).
    fn drop_column(
        &self,
        table: &Table<'_>,
        column: &str,
        sql_type: &str,
        required: bool,
    ) -> Vec<Group> {
        let mut groups = if required {
            self.allow_null(table, column, sql_type)
        } else {
            Vec::new()
        };
        groups.push(
            Step::destructive(format!(
                "{}DROP COLUMN {}",
                table.alter,
                self.dialect().quote(column)
            ))
            .into(),
        );
        groups
    }

    /// Whether CREATE INDEX takes IF NOT EXISTS.
    fn index_if_not_exists(&self) -> bool {
        true
    }

    /// An index the table lacks: created, after dropping an index of the same name and
    /// another shape.
    fn add_index(&self, table: &Table<'_>, index: &Index) -> Vec<Group> {
        let d = self.dialect();
        let mut steps = Vec::new();
        let taken = table.catalog.is_some_and(|t| {
            t.indexes
                .iter()
                .any(|ix| self.same_identifier(&ix.name, &index.name))
        });
        if taken {
            steps.push(self.drop_index(table, &index.name));
        }
        let create = create_index(table.store, index, d, self.index_if_not_exists());
        steps.push(Step::safe(create.trim_end().trim_end_matches(';')));
        vec![steps.into()]
    }

    /// Drops an index that isn't a constraint.
    fn drop_index(&self, _table: &Table<'_>, name: &str) -> Step {
        Step::safe(format!("DROP INDEX {}", self.dialect().quote(name)))
    }

    /// The plan's steps, last touches: SQLite leaves out columns added in place to a
    /// table it then rebuilds (the rebuild makes them).
    fn finish(&self, steps: Vec<Step>) -> Vec<Step> {
        steps
    }

    /// Drops an index a table may have lost already (a rebuilt SQLite table loses them).
    fn drop_index_if_exists(&self, _table: &Table<'_>, name: &str) -> Step {
        Step::safe(format!(
            "DROP INDEX IF EXISTS {}",
            self.dialect().quote(name)
        ))
    }

    /// Renames an index; `None` where the backend names it itself (SQLite).
    fn rename_index(&self, table: &str, from: &str, to: &str) -> Option<Step> {
        let d = self.dialect();
        Some(Step::safe(format!(
            "ALTER TABLE {} RENAME INDEX {} TO {}",
            d.quote(table),
            d.quote(from),
            d.quote(to)
        )))
    }

    /// Renames a constraint; `None` where the backend can't (MySQL's foreign keys, SQLite).
    fn rename_constraint(&self, _table: &str, _from: &str, _to: &str) -> Option<Step> {
        None
    }

    /// The default a backfilled column was added with, dropped again; nothing where the
    /// column keeps it (SQLite can't drop a default without rebuilding the table).
    fn drop_default(&self, table: &Table<'_>, column: &str) -> Vec<Group> {
        vec![
            table
                .alter(format!(
                    "ALTER COLUMN {} DROP DEFAULT",
                    self.dialect().quote(column)
                ))
                .into(),
        ]
    }

    /// A foreign key the table lacks.
    fn add_foreign_key(
        &self,
        table: &Table<'_>,
        column: &str,
        reference: &Reference,
    ) -> Vec<Group> {
        vec![
            table
                .alter(format!(
                    "ADD {}",
                    foreign_key(self.dialect(), &table.store.table, column, reference)
                ))
                .into(),
        ]
    }

    /// A foreign key on `column` the blueprint no longer declares: dropped.
    fn remove_foreign_key(&self, table: &Table<'_>, column: &str) -> Vec<Group> {
        table
            .catalog
            .into_iter()
            .flat_map(|t| &t.foreign_keys)
            .filter(|k| k.columns.len() == 1 && self.same_identifier(&k.columns[0], column))
            .map(|k| table.alter(self.drop_foreign_key(&k.name)).into())
            .collect()
    }

    /// `ALTER TABLE … <this>` drops the foreign key constraint `name`.
    fn drop_foreign_key(&self, name: &str) -> String {
        format!("DROP CONSTRAINT {}", self.dialect().quote(name))
    }

    /// A foreign key that does something else on delete: dropped and added again.
    fn replace_foreign_key(
        &self,
        table: &Table<'_>,
        column: &str,
        reference: &Reference,
    ) -> Vec<Group> {
        let existing = table
            .catalog
            .into_iter()
            .flat_map(|t| &t.foreign_keys)
            .find(|k| k.columns.len() == 1 && self.same_identifier(&k.columns[0], column));
        let Some(existing) = existing else {
            return Vec::new();
        };
        vec![
            vec![
                table.alter(self.drop_foreign_key(&existing.name)),
                table.alter(format!(
                    "ADD {}",
                    foreign_key(self.dialect(), &table.store.table, column, reference)
                )),
            ]
            .into(),
        ]
    }

    /// The names of the table's unique indexes on `column` alone.
    fn unique_indexes_on<'t>(&self, table: &Table<'t>, column: &str) -> Vec<&'t str> {
        table
            .catalog
            .into_iter()
            .flat_map(|t| &t.indexes)
            .filter(|i| {
                i.unique && i.columns.len() == 1 && self.same_identifier(&i.columns[0], column)
            })
            .map(|i| i.name.as_str())
            .collect()
    }
}

/// `FOREIGN KEY (<column>) REFERENCES <table> (<column>) [ON DELETE …]` for a foreign key
/// of `table`. Where the name the server would give it (`<table>_ibfk_<n>` on MySQL) is
/// longer than the dialect's names may be, the constraint gets one of its own:
/// `<table, cut>_<8 hex digits of table and column>_fk`.
pub(crate) fn foreign_key(d: &Dialect, table: &str, column: &str, reference: &Reference) -> String {
    let mut sql = String::new();
    if let Some(name) = own_foreign_key_name(d, table, column) {
        sql.push_str(&format!("CONSTRAINT {} ", d.quote(&name)));
    }
    sql.push_str(&format!(
        "FOREIGN KEY ({}) REFERENCES {} ({})",
        d.quote(column),
        d.quote(&reference.table),
        d.quote(&reference.column)
    ));
    sql + &crate::backend::ddl::on_delete(reference)
}

/// The name storegen gives a foreign key of `table` where the server's own name for it
/// would be too long (see [`foreign_key`]).
pub(crate) fn own_foreign_key_name(d: &Dialect, table: &str, column: &str) -> Option<String> {
    let limit = d.long_foreign_key_names?;
    if table.chars().count() + "_ibfk_".len() + 3 <= limit {
        return None;
    }
    // FNV-1a: stable across builds and platforms.
    let mut hash: u32 = 0x811c_9dc5;
    for byte in table.bytes().chain([0]).chain(column.bytes()) {
        hash = (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193);
    }
    let cut: String = table.chars().take(limit - "_00000000_fk".len()).collect();
    Some(format!("{cut}_{hash:08x}_fk"))
}

/// Drops indexes of tables the schema keeps.
fn drop_indexes(
    m: &dyn Migrate,
    schema: &Schema,
    catalog: &Catalog,
    indexes: &[(String, String)],
    steps: &mut Vec<Step>,
) {
    let d = m.dialect();
    for (table, index) in indexes {
        let Some(store) = schema
            .stores
            .iter()
            .find(|s| m.same_identifier(&s.table, table))
        else {
            continue;
        };
        let table = Table {
            store,
            catalog: catalog.table(table),
            alter: format!("ALTER TABLE {} ", d.quote(table)),
        };
        steps.push(m.drop_index_if_exists(&table, index));
    }
}

/// `store` with the backfill of each column `table` lacks as its default.
fn with_backfills(
    store: &Store,
    table: Option<&CatalogTable>,
    backfills: &[(String, String, crate::model::DefaultValue)],
) -> Store {
    let mut filled = store.clone();
    for (s, name, value) in backfills {
        if *s != store.name {
            continue;
        }
        if let Some(field) = filled.fields.iter_mut().find(|f| f.name == *name)
            && !table.is_some_and(|t| t.columns.iter().any(|c| c.name == field.column))
        {
            field.default = Some(value.clone());
        }
    }
    filled
}

/// The statements that bring a database to the blueprint, from the drift between
/// them: missing tables first where the backend wants them so, then each change in the
/// drift's order (blueprint order).
pub(crate) fn plan(
    m: &dyn Migrate,
    schema: &Schema,
    catalog: &Catalog,
    drifts: &[Drift],
    evolve: &Evolve,
) -> Vec<Step> {
    let d = m.dialect();
    let mut steps: Vec<Step> = evolve
        .renames
        .iter()
        .filter_map(|rename| match rename {
            Rename::Table { from, to } => Some(Step::safe(format!(
                "ALTER TABLE {} RENAME TO {}",
                d.quote(from),
                d.quote(to)
            ))),
            Rename::Column { table, from, to } => Some(Step::safe(format!(
                "ALTER TABLE {} RENAME COLUMN {} TO {}",
                d.quote(table),
                d.quote(from),
                d.quote(to)
            ))),
            Rename::Index { table, from, to } => m.rename_index(table, from, to),
            Rename::Constraint { table, from, to } => m.rename_constraint(table, from, to),
        })
        .collect();
    let missing: Vec<&str> = drifts
        .iter()
        .filter(|d| matches!(d.kind, DriftKind::MissingTable { .. }))
        .map(|d| d.location.store())
        .collect();
    let deferred = super::Deferred::new(schema);
    if m.creates_first() {
        for store in super::creation_order(schema) {
            if missing.contains(&store.name.as_str()) {
                steps.extend(m.create_table(store, &deferred.fields_of(store)));
            }
        }
        // The foreign keys that close a cycle, now that both their tables exist.
        for (store, field) in deferred.all() {
            if let (true, Some(reference)) = (
                missing.contains(&store.name.as_str()),
                field.references.as_ref(),
            ) {
                let table = Table {
                    store,
                    catalog: None,
                    alter: format!("ALTER TABLE {} ", m.dialect().quote(&store.table)),
                };
                for group in m.add_foreign_key(&table, &field.column, reference) {
                    steps.extend(group.steps);
                }
            }
        }
    }
    let mut planned: Vec<String> = Vec::new();
    // Foreign keys the blueprint dropped go first: MySQL won't drop a column (or a
    // table) a foreign key still needs.
    for (table_name, column) in &evolve.drop_foreign_keys {
        let Some(store) = schema
            .stores
            .iter()
            .find(|s| m.same_identifier(&s.table, table_name))
        else {
            continue;
        };
        let table = Table {
            store,
            catalog: catalog.table(table_name),
            alter: format!("ALTER TABLE {} ", d.quote(table_name)),
        };
        for group in m.remove_foreign_key(&table, column) {
            if let Some(key) = group.key {
                if planned.contains(&key) {
                    continue;
                }
                planned.push(key);
            }
            steps.extend(group.steps);
        }
    }
    drop_indexes(m, schema, catalog, &evolve.drop_indexes_first, &mut steps);
    for drift in drifts {
        let Some((store, field, catalog_table)) = drift_target(schema, catalog, &drift.location)
        else {
            continue;
        };
        // A table that gains backfilled columns: the store with each backfill as the
        // column's default, so whichever change adds them (a rebuild adds them all) fills
        // existing rows.
        let filled = with_backfills(store, catalog_table, &evolve.backfills);
        let backfilled = field.filter(|f| {
            matches!(drift.kind, DriftKind::MissingColumn { .. })
                && evolve
                    .backfills
                    .iter()
                    .any(|(s, name, _)| *s == store.name && *name == f.name)
        });
        let table = Table {
            store: &filled,
            catalog: catalog_table,
            alter: format!("ALTER TABLE {} ", m.dialect().quote(&store.table)),
        };
        let reference = field.and_then(|f| f.references.as_ref());
        let groups: Vec<Group> = match &drift.kind {
            DriftKind::MissingTable { .. } if m.creates_first() => Vec::new(),
            DriftKind::MissingTable { .. } => vec![m.create_table(store, &[]).into()],
            DriftKind::MissingColumn { .. } => match field {
                // Added with its backfill as the default, which is then dropped.
                Some(field) if backfilled.is_some() => {
                    let mut groups =
                        m.add_column(&table, filled.field(&field.name).unwrap_or(field));
                    groups.extend(m.drop_default(&table, &field.column));
                    groups
                }
                Some(field) => m.add_column(&table, field),
                None => Vec::new(),
            },
            DriftKind::Type { .. }
            | DriftKind::Nullable { .. }
            | DriftKind::Generated { .. }
            | DriftKind::EnumValues { .. }
            | DriftKind::Charset { .. }
            | DriftKind::Collation { .. } => match field {
                Some(field) => {
                    let mut groups = m.change_column(&table, field, &drift.kind);
                    let narrowed = evolve.narrowing.iter().find(|(t, c, _)| {
                        m.same_identifier(t, &store.table) && m.same_identifier(c, &field.column)
                    });
                    // The statement where values go (a rebuild's copy), else the first
                    // that runs.
                    let mut statements = groups.iter_mut().flat_map(|g| g.steps.iter_mut());
                    let runs = |s: &Step| {
                        !["--", "PRAGMA", "BEGIN", "COMMIT"]
                            .iter()
                            .any(|p| s.sql.starts_with(p))
                    };
                    let at = {
                        let all: Vec<&mut Step> = statements.by_ref().filter(|s| runs(s)).collect();
                        let copy = all.iter().position(|s| s.sql.starts_with("INSERT INTO"));
                        all.into_iter().nth(copy.unwrap_or(0))
                    };
                    if let (Some((_, _, loss)), Some(step)) = (narrowed, at) {
                        step.destructive = true;
                        step.note = Some(loss.clone());
                    }
                    groups
                }
                None => Vec::new(),
            },
            DriftKind::PrimaryKey { expected, actual } => {
                m.set_primary_key(&table, expected, actual)
            }
            DriftKind::Unique {
                column,
                expected: true,
            } => m.add_unique(&table, column),
            DriftKind::Unique {
                column,
                expected: false,
            } => m.drop_unique(&table, column),
            DriftKind::UnknownColumn {
                column,
                sql_type,
                required,
                ..
            } => m.drop_column(&table, column, sql_type, *required),
            DriftKind::MissingIndex { .. } => match &drift.location {
                Location::Index { index, .. } => match store.indexes.get(*index) {
                    Some(index) => m.add_index(&table, index),
                    None => Vec::new(),
                },
                _ => Vec::new(),
            },
            DriftKind::MissingForeignKey { column, .. } => match reference {
                Some(reference) => m.add_foreign_key(&table, column, reference),
                None => Vec::new(),
            },
            DriftKind::OnDelete { column, .. } => match reference {
                Some(reference) => m.replace_foreign_key(&table, column, reference),
                None => Vec::new(),
            },
            // A server's user lacks a privilege: the GRANT, for whoever may give it.
            DriftKind::Privilege { grant, user, .. } if !user.is_empty() => vec![
                Step::safe(grant.clone())
                    .noted(
                        "the connecting user lacks this privilege: run as a user who may grant it",
                    )
                    .into(),
            ],
            DriftKind::Privilege { .. } => Vec::new(),
        };
        for group in groups {
            if let Some(key) = group.key {
                if planned.contains(&key) {
                    continue;
                }
                planned.push(key);
            }
            steps.extend(group.steps);
        }
    }
    drop_indexes(m, schema, catalog, &evolve.drop_indexes, &mut steps);
    for table in &evolve.drop_tables {
        steps.push(Step::destructive(format!("DROP TABLE {}", d.quote(table))));
    }
    m.finish(steps)
}

use std::fmt;

use super::{Backend, Connection, Error};
use crate::backend::BackendKind;
use crate::drift::Drift;
use crate::model::Schema;

/// One statement of a schema's CREATE script, and what it creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DdlStatement {
    /// The table it creates, or whose index it creates.
    pub table: &'static str,
    /// The index it creates; `None` for the CREATE TABLE.
    pub index: Option<&'static str>,
    /// The statement's SQL text, semicolon included.
    pub sql: &'static str,
}

impl DdlStatement {
    /// The CREATE TABLE of `table`.
    pub const fn table(table: &'static str, sql: &'static str) -> Self {
        DdlStatement {
            table,
            index: None,
            sql,
        }
    }

    /// The CREATE INDEX of `index` on `table`.
    pub const fn index(table: &'static str, index: &'static str, sql: &'static str) -> Self {
        DdlStatement {
            table,
            index: Some(index),
            sql,
        }
    }
}

/// A schema's DDL, as statements, for each backend it was generated for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ddl {
    /// `[blueprint] name`.
    pub schema: &'static str,
    /// The blueprint's schema hash (`sha256:…`), as snapshots record it.
    pub hash: &'static str,
    /// Each backend's statements, for the backends it was generated for.
    pub backends: &'static [(BackendKind, &'static [DdlStatement])],
}

impl Ddl {
    /// A backend's statements, in the order to run them; `None` for a backend the
    /// schema wasn't generated for.
    pub fn statements(&self, backend: BackendKind) -> Option<&'static [DdlStatement]> {
        self.backends
            .iter()
            .find(|(kind, _)| *kind == backend)
            .map(|(_, statements)| *statements)
    }

    /// The whole CREATE script for a backend, to read or to run by hand.
    pub fn script(&self, backend: BackendKind) -> Option<String> {
        Some(
            self.statements(backend)?
                .iter()
                .map(|s| format!("{}\n", s.sql))
                .collect(),
        )
    }
}

/// What [`migrate`] did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Migration {
    /// The tables it created (SQL names), in creation order.
    pub created_tables: Vec<String>,
    /// The indexes it created (SQL names), in creation order.
    pub created_indexes: Vec<String>,
    /// The versioned migrations it applied (`0004_add_phone`), in order.
    pub applied: Vec<String>,
    /// Whether it wrote a row to `storegen_migrations`: it created something, or this
    /// schema hash had no row yet.
    pub recorded: bool,
    /// Drift it found and left alone because the generated code still works with it
    /// (a missing foreign key, a column the blueprint doesn't know that may be NULL).
    pub warnings: Vec<Drift>,
}

impl Migration {
    /// Whether it created anything.
    pub fn changed(&self) -> bool {
        !self.created_tables.is_empty()
            || !self.created_indexes.is_empty()
            || !self.applied.is_empty()
    }

    /// A one-line summary, as `storegen_migrations.created` records it.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if !self.created_tables.is_empty() {
            parts.push(format!("tables {}", self.created_tables.join(", ")));
        }
        if !self.created_indexes.is_empty() {
            parts.push(format!("indexes {}", self.created_indexes.join(", ")));
        }
        if !self.applied.is_empty() {
            parts.push(format!("migrations {}", self.applied.join(", ")));
        }
        if parts.is_empty() {
            "nothing".into()
        } else {
            parts.join("; ")
        }
    }
}

impl fmt::Display for Migration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.applied.is_empty() && self.created_tables.is_empty() {
            write!(f, "applied {}", self.summary())
        } else if self.changed() {
            write!(f, "created {}", self.summary())
        } else {
            f.write_str("the schema was in place: nothing to create")
        }
    }
}

/// Creates the tables and indexes of the schema that the database lacks — in one
/// transaction where the backend allows DDL in one (SQLite, PostgreSQL), serialized
/// against other migrating processes — and records the run in `storegen_migrations`
/// (schema, schema hash, storegen version, time, what it created). Running it again
/// changes nothing. When tables that exist drift from the schema in a way the generated
/// code can't work with, it changes nothing and returns the drift.
/// Generated modules wrap this as `migrate(&mut conn)`.
pub fn migrate<C: Connection + ?Sized>(
    conn: &mut C,
    ddl: &Ddl,
    schema: &Schema,
) -> Result<Migration, Error> {
    C::Backend::migrate(conn.raw(), ddl, schema)
}

/// What `migrate` must run: only the backends need it.
#[cfg(feature = "__backend")]
pub(crate) mod planning {
    use super::{DdlStatement, Error, Migration};
    use crate::drift::{self, DriftKind, Location, Severity};
    use crate::model::{Catalog, Schema};

    /// The statements `migrate` must run against `catalog`, and the report of what they
    /// create; `Err` when existing tables drift.
    pub(crate) fn plan(
        schema: &Schema,
        catalog: &Catalog,
        statements: &'static [DdlStatement],
    ) -> Result<(Vec<&'static DdlStatement>, Migration), Error> {
        let drifts = drift::compare(schema, catalog);
        let mut missing_tables = Vec::new();
        let mut missing_indexes = Vec::new();
        let mut report = Migration::default();
        let mut blocking = false;
        for drift in &drifts {
            match (&drift.kind, &drift.location) {
                (DriftKind::MissingTable { table }, _) => missing_tables.push(table.as_str()),
                (DriftKind::MissingIndex { table, .. }, Location::Index { store, index }) => {
                    let Some(index) = schema.store(store).and_then(|s| s.indexes.get(*index))
                    else {
                        continue;
                    };
                    // An index of that name and another shape is drift to resolve, not
                    // something CREATE INDEX IF NOT EXISTS would fix.
                    let taken = catalog.table(table).is_some_and(|t| {
                        t.indexes
                            .iter()
                            .any(|ix| catalog.backend.same_identifier(&ix.name, &index.name))
                    });
                    if taken {
                        blocking = true;
                    } else {
                        missing_indexes.push(index.name.as_str());
                    }
                }
                _ if drift.severity() == Severity::Error => blocking = true,
                _ => report.warnings.push(drift.clone()),
            }
        }
        if blocking {
            return Err(Error::Drift(drifts));
        }
        let run: Vec<&'static DdlStatement> = statements
            .iter()
            .filter(|s| match s.index {
                None => missing_tables.contains(&s.table),
                Some(index) => {
                    missing_tables.contains(&s.table) || missing_indexes.contains(&index)
                }
            })
            .collect();
        for statement in &run {
            match statement.index {
                None => report.created_tables.push(statement.table.to_owned()),
                Some(index) => report.created_indexes.push(index.to_owned()),
            }
        }
        Ok((run, report))
    }
}

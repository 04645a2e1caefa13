//! Versioned migrations at run time: the scripts `storegen migration new` wrote, embedded
//! by the build, applied once each, in order, under a lock, and recorded in
//! `storegen_migrations`.

use std::fmt;

use super::{Backend, Connection, Error, Migration};
use crate::backend::BackendKind;

/// One embedded migration: `<version>_<name>` and its script for each backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmbeddedMigration {
    /// The number its folder starts with.
    pub version: u32,
    /// The rest of its folder's name.
    pub name: &'static str,
    /// Each backend's script.
    pub scripts: &'static [MigrationScript],
}

impl EmbeddedMigration {
    /// `0004_add_phone`.
    pub fn label(&self) -> String {
        format!("{:04}_{}", self.version, self.name)
    }

    /// The script for a backend, if the migration has one.
    pub fn script(&self, backend: BackendKind) -> Option<&'static MigrationScript> {
        self.scripts.iter().find(|s| s.backend == backend)
    }
}

/// One backend's script of a migration, split into its statements at build time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MigrationScript {
    /// The backend.
    pub backend: BackendKind,
    /// `sha256:<hex>` of the file's text, as the build read it.
    pub checksum: &'static str,
    /// The statements, in order.
    pub statements: &'static [&'static str],
}

/// A schema's embedded migrations, in version order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Migrations {
    /// `[blueprint] name`.
    pub schema: &'static str,
    /// The migrations, by version.
    pub list: &'static [EmbeddedMigration],
}

/// How [`migrate_versioned`] treats what it finds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MigrateOptions {
    allow_newer: bool,
}

impl MigrateOptions {
    /// Proceed when the database has migrations this build doesn't know (newer code
    /// migrated it: a rolling deploy); they are left as they are.
    pub fn allow_newer() -> Self {
        MigrateOptions { allow_newer: true }
    }
}

/// A migration the database has recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedMigration {
    /// Its version.
    pub version: u32,
    /// Its name.
    pub name: String,
    /// The checksum of the script that was applied.
    pub checksum: String,
    /// When it finished (the database's clock, as its text).
    pub applied_at: Option<String>,
    /// Statements that ran (MySQL records them one by one).
    pub statements_done: u64,
    /// Whether every statement ran.
    pub finished: bool,
}

impl AppliedMigration {
    /// `0004_add_phone`.
    pub fn label(&self) -> String {
        format!("{:04}_{}", self.version, self.name)
    }
}

/// Which migrations a database has and lacks; see [`migration_status`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MigrationStatus {
    /// Applied (finished) migrations this build knows, in order.
    pub applied: Vec<AppliedMigration>,
    /// Embedded migrations not yet (or not completely) applied, in order.
    pub pending: Vec<EmbeddedMigration>,
    /// Applied migrations whose script changed since (checksum).
    pub changed: Vec<AppliedMigration>,
    /// Migrations the database has that this build doesn't.
    pub unknown: Vec<AppliedMigration>,
}

impl fmt::Display for MigrationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} applied, {} pending",
            self.applied.len(),
            self.pending.len()
        )?;
        if !self.changed.is_empty() {
            write!(f, ", {} changed since applied", self.changed.len())?;
        }
        if !self.unknown.is_empty() {
            write!(f, ", {} unknown to this build", self.unknown.len())?;
        }
        Ok(())
    }
}

/// What a backend needs for the ledger: its SQL, and how it runs a migration.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct Ledger {
    /// `CREATE TABLE IF NOT EXISTS storegen_migrations (…)`.
    pub create: &'static str,
    /// One row when the table has the `version` column (older storegens made it without).
    pub has_version: &'static str,
    /// The columns a table made by an older storegen lacks.
    pub add_columns: &'static [&'static str],
    /// `version, name, checksum, statements_done, finished, applied_at` of each
    /// versioned row, as text, by version.
    pub read: &'static str,
    /// Whether a migration runs in one transaction (else statement by statement, each
    /// recorded).
    pub transactional: bool,
    /// Run before a migration's transaction, outside it (SQLite: foreign keys off).
    pub before: &'static [&'static str],
    /// A query that returns a row for each problem, run before COMMIT (SQLite's
    /// `PRAGMA foreign_key_check`).
    pub check: Option<&'static str>,
    /// Run after the migration's transaction ends, however it ends.
    pub after: &'static [&'static str],
}

fn failed(migration: String, message: String, source: Option<Error>) -> Error {
    Error::Migration {
        migration,
        message,
        source: source.map(Box::new),
    }
}

/// Creates `storegen_migrations` if missing, and adds the columns an older storegen's
/// table lacks.
fn ensure_ledger<B: Backend>(raw: &mut B::Raw<'_>) -> Result<(), Error> {
    let ledger = B::LEDGER;
    B::execute(B::reborrow(raw), ledger.create)?;
    if B::query_text(B::reborrow(raw), ledger.has_version)?.is_empty() {
        for sql in ledger.add_columns {
            B::execute(B::reborrow(raw), sql)?;
        }
    }
    Ok(())
}

/// The recorded migrations, by version.
fn read_ledger<B: Backend>(raw: &mut B::Raw<'_>) -> Result<Vec<AppliedMigration>, Error> {
    let rows = B::query_text(B::reborrow(raw), B::LEDGER.read)?;
    let mut out = Vec::new();
    for row in rows {
        let text = |i: usize| row.get(i).cloned().flatten().unwrap_or_default();
        let number = |i: usize| text(i).trim().parse::<u64>().unwrap_or(0);
        out.push(AppliedMigration {
            version: u32::try_from(number(0)).unwrap_or(u32::MAX),
            name: text(1),
            checksum: text(2),
            statements_done: number(3),
            finished: matches!(text(4).trim(), "1" | "t" | "true"),
            applied_at: row.get(5).cloned().flatten(),
        });
    }
    Ok(out)
}

fn status_of(
    backend: BackendKind,
    migrations: &Migrations,
    recorded: Vec<AppliedMigration>,
) -> MigrationStatus {
    let mut status = MigrationStatus::default();
    for migration in migrations.list {
        let row = recorded.iter().find(|r| r.version == migration.version);
        match row {
            Some(row) if row.finished => {
                let same = migration
                    .script(backend)
                    .is_some_and(|s| s.checksum == row.checksum);
                if same {
                    status.applied.push(row.clone());
                } else {
                    status.changed.push(row.clone());
                }
            }
            _ => status.pending.push(*migration),
        }
    }
    status.unknown = recorded
        .into_iter()
        .filter(|r| !migrations.list.iter().any(|m| m.version == r.version))
        .collect();
    status
}

/// Which of the embedded migrations the database has applied, which are pending, and
/// what it has that this build doesn't know. Creates `storegen_migrations` if missing.
/// Generated modules wrap this as `migration_status(&mut conn)`.
pub fn migration_status<C: Connection + ?Sized>(
    conn: &mut C,
    migrations: &Migrations,
) -> Result<MigrationStatus, Error> {
    let mut raw = conn.raw();
    ensure_ledger::<C::Backend>(&mut raw)?;
    let recorded = read_ledger::<C::Backend>(&mut raw)?;
    Ok(status_of(
        <C::Backend as Backend>::KIND,
        migrations,
        recorded,
    ))
}

/// Applies the embedded migrations the database lacks, in order, each once; see the
/// README's "Migrations". Concurrent callers wait on a lock (PostgreSQL's advisory lock,
/// MySQL's `GET_LOCK`, SQLite's `BEGIN IMMEDIATE`) and find nothing left to do.
pub fn migrate_versioned<C: Connection + ?Sized>(
    conn: &mut C,
    migrations: &Migrations,
    options: MigrateOptions,
) -> Result<Migration, Error> {
    let mut raw = conn.raw();
    C::Backend::lock_migrations(C::Backend::reborrow(&mut raw))?;
    let result = apply::<C::Backend>(&mut raw, migrations, options);
    let unlocked = C::Backend::unlock_migrations(C::Backend::reborrow(&mut raw));
    let report = result?;
    unlocked?;
    Ok(report)
}

fn apply<B: Backend>(
    raw: &mut B::Raw<'_>,
    migrations: &Migrations,
    options: MigrateOptions,
) -> Result<Migration, Error> {
    let backend = B::KIND;
    ensure_ledger::<B>(raw)?;
    let recorded = read_ledger::<B>(raw)?;
    let status = status_of(backend, migrations, recorded.clone());
    if let Some(row) = status.changed.first() {
        return Err(failed(
            row.label(),
            "its script changed since it was applied (its checksum differs): \
             restore the applied script, and put the change in a new migration"
                .into(),
            None,
        ));
    }
    if !status.unknown.is_empty() && !options.allow_newer {
        let labels: Vec<String> = status.unknown.iter().map(|r| r.label()).collect();
        return Err(failed(
            labels.join(", "),
            format!(
                "the database has migration{} this build doesn't know: newer code migrated it. \
                 Deploy that code, or migrate with `MigrateOptions::allow_newer()` to proceed",
                if labels.len() == 1 { "" } else { "s" }
            ),
            None,
        ));
    }
    let mut report = Migration::default();
    for migration in &status.pending {
        let script = migration
            .script(backend)
            .ok_or(Error::NotGenerated { backend })?;
        let partial = recorded
            .iter()
            .find(|r| r.version == migration.version && !r.finished);
        let ran = if B::LEDGER.transactional {
            apply_in_transaction::<B>(raw, migrations, migration, script)?
        } else {
            apply_statement_by_statement::<B>(raw, migrations, migration, script, partial)?;
            true
        };
        if ran {
            report.applied.push(migration.label());
        }
    }
    report.recorded = !report.applied.is_empty();
    Ok(report)
}

/// The row that records a migration, `done` statements in, `finished` or not.
fn ledger_row(
    backend: BackendKind,
    migrations: &Migrations,
    migration: &EmbeddedMigration,
    script: &MigrationScript,
    done: usize,
    finished: bool,
) -> String {
    let d = backend.dialect();
    format!(
        "INSERT INTO storegen_migrations (schema_name, schema_hash, storegen_version, created, \
         version, name, checksum, statements_done, finished) VALUES ({}, {}, {}, {}, {}, {}, {}, {done}, {})",
        d.literal(migrations.schema),
        d.literal(""),
        d.literal(crate::VERSION),
        d.literal(&format!("migration {}", migration.label())),
        migration.version,
        d.literal(migration.name),
        d.literal(script.checksum),
        u8::from(finished)
    )
}

/// PostgreSQL and SQLite: the whole migration in one transaction, recorded in it;
/// `false` when another migrator applied it first.
fn apply_in_transaction<B: Backend>(
    raw: &mut B::Raw<'_>,
    migrations: &Migrations,
    migration: &EmbeddedMigration,
    script: &MigrationScript,
) -> Result<bool, Error> {
    let ledger = B::LEDGER;
    let outermost = !B::in_transaction(raw);
    if outermost {
        for sql in ledger.before {
            B::execute(B::reborrow(raw), sql)?;
        }
    }
    let result = (|| {
        // (SQLite's transactions take the write lock up front: one migrator at a time.)
        let mut tx = B::begin(B::reborrow(raw), None)?;
        let run = (|| {
            let mut inner = tx.raw();
            // Another migrator may have applied it while this one waited.
            let now = read_ledger::<B>(&mut inner)?;
            if now
                .iter()
                .any(|r| r.version == migration.version && r.finished)
            {
                return Ok(false);
            }
            for (i, statement) in script.statements.iter().enumerate() {
                B::execute(B::reborrow(&mut inner), statement).map_err(|e| {
                    failed(
                        migration.label(),
                        format!(
                            "statement {} of {} failed; nothing of the migration was kept",
                            i + 1,
                            script.statements.len()
                        ),
                        Some(e),
                    )
                })?;
            }
            if let Some(check) = ledger.check {
                let problems = B::query_text(B::reborrow(&mut inner), check)?;
                if let Some(first) = problems.first() {
                    let table = first.first().cloned().flatten().unwrap_or_default();
                    return Err(failed(
                        migration.label(),
                        format!(
                            "{} row{} would break a foreign key (the first in `{table}`); nothing of the migration was kept",
                            problems.len(),
                            if problems.len() == 1 { "" } else { "s" }
                        ),
                        None,
                    ));
                }
            }
            B::execute(
                B::reborrow(&mut inner),
                &ledger_row(
                    B::KIND,
                    migrations,
                    migration,
                    script,
                    script.statements.len(),
                    true,
                ),
            )?;
            Ok(true)
        })();
        match run {
            Ok(ran) => {
                B::commit(tx)?;
                Ok(ran)
            }
            Err(e) => {
                let _ = B::rollback(tx);
                Err(e)
            }
        }
    })();
    if outermost {
        for sql in ledger.after {
            let _ = B::execute(B::reborrow(raw), sql);
        }
    }
    result
}

/// MySQL: statement by statement, each recorded as it succeeds, resuming after the
/// last recorded one.
fn apply_statement_by_statement<B: Backend>(
    raw: &mut B::Raw<'_>,
    migrations: &Migrations,
    migration: &EmbeddedMigration,
    script: &MigrationScript,
    partial: Option<&AppliedMigration>,
) -> Result<(), Error> {
    if B::in_transaction(raw) {
        return Err(Error::Unsupported(
            "MySQL commits DDL implicitly: run migrate outside a transaction".into(),
        ));
    }
    let d = B::KIND.dialect();
    let start = match partial {
        Some(row) => usize::try_from(row.statements_done).unwrap_or(usize::MAX),
        None => {
            B::execute(
                B::reborrow(raw),
                &ledger_row(B::KIND, migrations, migration, script, 0, false),
            )?;
            0
        }
    };
    let progress = |done: usize, finished: bool| {
        format!(
            "UPDATE storegen_migrations SET statements_done = {done}, finished = {}, checksum = {} \
             WHERE version = {} AND finished = 0",
            u8::from(finished),
            d.literal(script.checksum),
            migration.version
        )
    };
    for (i, statement) in script.statements.iter().enumerate().skip(start) {
        B::execute(B::reborrow(raw), statement).map_err(|e| {
            failed(
                migration.label(),
                format!(
                    "statement {} of {} failed; the {i} before it ran and are recorded: \
                     fix it (or the data it tripped on) and migrate again to resume from it",
                    i + 1,
                    script.statements.len()
                ),
                Some(e),
            )
        })?;
        B::execute(B::reborrow(raw), &progress(i + 1, false))?;
    }
    B::execute(B::reborrow(raw), &progress(script.statements.len(), true))?;
    Ok(())
}

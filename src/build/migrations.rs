//! Versioned migrations: `storegen migration new` writes `<NNNN>_<name>/` with one
//! script per backend and the blueprint the migration ends in; builds embed the scripts
//! (see [`embedded`]) and check that the blueprint hasn't moved on without one.
//!
//! A migration's scripts come from the drift between the blueprint and the catalog the
//! previous migration's blueprint makes (`backend::created`), planned by the
//! same planner as `storegen diff --sql`, with the blueprint's `renamed_from` and
//! `backfill` applied.

use std::path::{Path, PathBuf};

use super::blueprint::{self, Blueprint};
use crate::backend::ddl::Step;
use crate::backend::migration::{Evolve, Rename};
use crate::drift::{self, DriftKind};
use crate::model::{BackendKind, Schema};

/// The file in a migration's folder that holds the blueprint it ends in.
pub const ENDS_IN: &str = "blueprint.toml";

/// One migration folder: `<version>_<name>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The number its folder starts with.
    pub version: u32,
    /// The rest of the folder's name.
    pub name: String,
    /// The folder.
    pub dir: PathBuf,
}

impl Entry {
    /// `0004_add_phone`.
    pub fn label(&self) -> String {
        format!("{:04}_{}", self.version, self.name)
    }

    /// The script for a backend.
    pub fn script(&self, backend: BackendKind) -> PathBuf {
        self.dir.join(format!("{}.sql", backend.name()))
    }
}

/// The migrations in `dir`, by version; no folder is no migrations. Folders not named
/// `<digits>_<name>` are an error, as are two of one version.
pub fn list(dir: &Path) -> Result<Vec<Entry>, String> {
    let read = match std::fs::read_dir(dir) {
        Ok(read) => read,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(format!(
                "cannot read the migrations folder `{}`: {e}",
                dir.display()
            ));
        }
    };
    let mut entries = Vec::new();
    for item in read {
        let item = item.map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
        let path = item.path();
        if !path.is_dir() {
            continue;
        }
        let folder = item.file_name().to_string_lossy().into_owned();
        let parsed = folder.split_once('_').and_then(|(digits, name)| {
            let version = (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
                .then(|| digits.parse::<u32>().ok())
                .flatten()?;
            (version > 0 && !name.is_empty()).then(|| (version, name.to_owned()))
        });
        let Some((version, name)) = parsed else {
            return Err(format!(
                "`{}` is not a migration: a migration's folder is `<number>_<name>`, e.g. `0001_init`",
                path.display()
            ));
        };
        entries.push(Entry {
            version,
            name,
            dir: path,
        });
    }
    entries.sort_by_key(|e| e.version);
    for pair in entries.windows(2) {
        if pair[0].version == pair[1].version {
            return Err(format!(
                "two migrations have version {}: `{}` and `{}`",
                pair[0].version,
                pair[0].dir.display(),
                pair[1].dir.display()
            ));
        }
    }
    Ok(entries)
}

/// The blueprint a migration ends in, read from its folder.
pub fn ending(entry: &Entry) -> Result<Blueprint, String> {
    let path = entry.dir.join(ENDS_IN);
    let source = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    blueprint::parse(&source)
        .map(|(b, _)| b)
        .map_err(|diagnostics| {
            let report = super::Report::new(path.display().to_string(), source, diagnostics);
            format!(
                "the blueprint migration {} ends in doesn't read:\n{}",
                entry.label(),
                report.render()
            )
        })
}

/// The blueprint's text as a migration keeps it: all of it but `[database] url`.
pub fn ending_text(source: &str, blueprint: &Blueprint, label: &str) -> String {
    // The text as written, but for the database's address, which may hold a password.
    let mut text = source.to_owned();
    if let Some((_, span)) = &blueprint.database.url
        && source.get(span.clone()).is_some()
    {
        text.replace_range(span.clone(), "\"\"");
    }
    format!(
        "# The blueprint migration {label} ends in, as `storegen migration new` copied it\n\
         # (without `[database] url`): the next migration is planned from it. Don't edit it.\n\n{text}"
    )
}

/// What one migration does on one backend.
#[derive(Debug, Clone)]
pub struct Script {
    /// The backend.
    pub backend: BackendKind,
    /// The statements, in order.
    pub steps: Vec<Step>,
}

/// The scripts that take a database from `old`'s schema (none: an empty database) to
/// `new`'s, for each backend `new` lists; `Err` lists what the migration can't do as
/// declared (a required field added to a table that may have rows, without a
/// `backfill`).
pub fn plan(old: Option<&Blueprint>, new: &Blueprint) -> Result<Vec<Script>, Vec<String>> {
    let mut scripts = Vec::new();
    let mut problems = Vec::new();
    for &backend in &new.schema.backends {
        let rules = backend.rules();
        let Some(old) = old else {
            let steps = rules
                .create_statements(&new.schema)
                .into_iter()
                .map(|s| Step::safe(s.sql.trim_end().trim_end_matches(';')))
                .collect();
            scripts.push(Script { backend, steps });
            continue;
        };
        let (before, evolve) = evolve(&old.schema, new, backend);
        let catalog = rules.created_catalog(&before);
        let drifts = drift::compare(&new.schema, &catalog);
        for d in &drifts {
            if let (DriftKind::MissingColumn { table, .. }, Some((store, Some(field), _))) = (
                &d.kind,
                crate::backend::ddl::drift_target(&new.schema, &catalog, &d.location),
            ) && crate::backend::ddl::needs_backfill(table, field).is_some()
                && !evolve
                    .backfills
                    .iter()
                    .any(|(s, f, _)| *s == store.name && *f == field.name)
            {
                let problem = format!(
                    "`{}.{}` is a new NOT NULL field without a default, and `{table}` may have rows: \
                     give it `backfill = <value>` (what existing rows get) or a `default`, or make it nullable",
                    store.name, field.name
                );
                if !problems.contains(&problem) {
                    problems.push(problem);
                }
            }
        }
        let mut steps = rules.migration(&new.schema, &catalog, &drifts, &evolve);
        steps = rules.versioned_steps(steps);
        scripts.push(Script { backend, steps });
    }
    if problems.is_empty() {
        Ok(scripts)
    } else {
        Err(problems)
    }
}

/// `old` with the renames `new` declares applied (what the database holds once they
/// have run), and what the migration does beyond the drift from it.
fn evolve(old: &Schema, new: &Blueprint, backend: BackendKind) -> (Schema, Evolve) {
    let rules = backend.rules();
    let same = |a: &str, b: &str| backend.same_identifier(a, b);
    let mut before = old.clone();
    let mut evolve = Evolve::default();
    let named_by_server = |schema: &Schema, table: &str| {
        let one = Schema {
            stores: schema
                .stores
                .iter()
                .filter(|s| s.table == table)
                .cloned()
                .collect(),
            ..schema.clone()
        };
        rules.created_catalog(&one).tables.into_iter().next()
    };
    let mut touched: Vec<(String, Option<crate::model::CatalogTable>)> = Vec::new();
    for (store_name, from) in &new.evolution.stores {
        let Some(store) = new.schema.store(store_name) else {
            continue;
        };
        if before.stores.iter().any(|s| same(&s.table, &store.table)) {
            continue; // renamed already, or never gone
        }
        let Some(position) = before.stores.iter().position(|s| s.name == *from) else {
            continue;
        };
        let old_table = before.stores[position].table.clone();
        touched.push((store.table.clone(), named_by_server(&before, &old_table)));
        evolve.renames.push(Rename::Table {
            from: old_table.clone(),
            to: store.table.clone(),
        });
        for s in &mut before.stores {
            for f in &mut s.fields {
                if let Some(r) = &mut f.references
                    && same(&r.table, &old_table)
                {
                    r.table = store.table.clone();
                    r.store = store.name.clone();
                }
            }
        }
        let renamed = &mut before.stores[position];
        renamed.name = store.name.clone();
        renamed.table = store.table.clone();
    }
    for (store_name, field_name, from) in &new.evolution.fields {
        let Some(store) = new.schema.store(store_name) else {
            continue;
        };
        let Some(field) = store.field(field_name) else {
            continue;
        };
        let Some(old_store) = before
            .stores
            .iter()
            .position(|s| same(&s.table, &store.table))
        else {
            continue;
        };
        if before.stores[old_store]
            .fields
            .iter()
            .any(|f| same(&f.column, &field.column))
        {
            continue;
        }
        let Some(old_field) = before.stores[old_store]
            .fields
            .iter()
            .position(|f| f.name == *from)
        else {
            continue;
        };
        if !touched.iter().any(|(t, _)| same(t, &store.table)) {
            touched.push((store.table.clone(), named_by_server(&before, &store.table)));
        }
        let old_column = before.stores[old_store].fields[old_field].column.clone();
        evolve.renames.push(Rename::Column {
            table: store.table.clone(),
            from: old_column.clone(),
            to: field.column.clone(),
        });
        for s in &mut before.stores {
            for f in &mut s.fields {
                if let Some(r) = &mut f.references
                    && same(&r.table, &store.table)
                    && same(&r.column, &old_column)
                {
                    r.column = field.column.clone();
                    r.field = field.name.clone();
                }
            }
        }
        let renamed = &mut before.stores[old_store].fields[old_field];
        renamed.name = field.name.clone();
        renamed.column = field.column.clone();
    }
    // What the server named after the old table or column, named as it would name it now.
    for (table, was) in touched {
        let (Some(was), Some(now)) = (was, named_by_server(&before, &table)) else {
            continue;
        };
        for (a, b) in was.indexes.iter().zip(&now.indexes) {
            if a.name != b.name {
                evolve.renames.push(Rename::Index {
                    table: table.clone(),
                    from: a.name.clone(),
                    to: b.name.clone(),
                });
            }
        }
        for (a, b) in was.foreign_keys.iter().zip(&now.foreign_keys) {
            if a.name != b.name && !a.name.is_empty() {
                evolve.renames.push(Rename::Constraint {
                    table: table.clone(),
                    from: a.name.clone(),
                    to: b.name.clone(),
                });
            }
        }
    }
    for (store, field, value) in &new.evolution.backfills {
        evolve
            .backfills
            .push((store.clone(), field.clone(), value.clone()));
    }
    // On the tables the blueprint keeps: columns whose type holds less than before, and
    // foreign keys it no longer declares.
    for old_store in &before.stores {
        let Some(store) = new
            .schema
            .stores
            .iter()
            .find(|s| same(&s.table, &old_store.table))
        else {
            continue;
        };
        for old_field in &old_store.fields {
            let field = store
                .fields
                .iter()
                .find(|f| same(&f.column, &old_field.column));
            if let Some(loss) = field.and_then(|f| narrowing(old_field, f)) {
                evolve
                    .narrowing
                    .push((store.table.clone(), old_field.column.clone(), loss));
            }
            let Some(reference) = &old_field.references else {
                continue;
            };
            let kept = field.and_then(|f| f.references.as_ref()).is_some_and(|r| {
                same(&r.table, &reference.table) && same(&r.column, &reference.column)
            });
            if !kept {
                evolve
                    .drop_foreign_keys
                    .push((store.table.clone(), old_field.column.clone()));
            }
        }
    }
    // Indexes the blueprint no longer declares (by name) on tables it keeps: dropped at
    // the end, and left out of what the database is taken to hold, so an index of the
    // same shape under its new name is created.
    for old_store in &mut before.stores {
        let Some(store) = new
            .schema
            .stores
            .iter()
            .find(|s| same(&s.table, &old_store.table))
        else {
            continue;
        };
        let fields = old_store.fields.clone();
        old_store.indexes.retain(|index| {
            let kept = store.indexes.iter().any(|i| same(&i.name, &index.name));
            if !kept {
                // An index over a column that goes is dropped before it goes.
                let loses_column = index
                    .fields
                    .iter()
                    .chain(index.order.iter().map(|o| &o.field))
                    .any(|&i| {
                        !store
                            .fields
                            .iter()
                            .any(|f| same(&f.column, &fields[i].column))
                    });
                let list = if loses_column {
                    &mut evolve.drop_indexes_first
                } else {
                    &mut evolve.drop_indexes
                };
                list.push((store.table.clone(), index.name.clone()));
            }
            kept
        });
    }
    // Tables the blueprint no longer declares: those that reference others first.
    let mut dropped: Vec<String> = crate::backend::creation_order(&before)
        .into_iter()
        .filter(|s| !new.schema.stores.iter().any(|n| same(&n.table, &s.table)))
        .map(|s| s.table.clone())
        .collect();
    dropped.reverse();
    evolve.drop_tables = dropped;
    (before, evolve)
}

/// What a column loses when its field's type changes from `old`'s to `new`'s: values
/// that don't fit fail the migration, or are rounded or cut, as the backend does.
fn narrowing(old: &crate::model::Field, new: &crate::model::Field) -> Option<String> {
    use crate::model::LogicalType as T;
    let column = &new.column;
    let rank = |ty: &T| match ty {
        T::Int16 | T::UInt16 => Some(1),
        T::Int32 | T::UInt32 => Some(2),
        T::Int64 | T::UInt64 => Some(3),
        _ => None,
    };
    let why = match (&old.ty, &new.ty) {
        (a, b) if rank(a).zip(rank(b)).is_some_and(|(a, b)| b < a) => {
            format!(
                "`{column}` becomes a smaller integer ({} → {})",
                a.name(),
                b.name()
            )
        }
        (T::Float64, T::Float32) => format!("`{column}` becomes float32: values lose precision"),
        (
            T::Text { max_length: a },
            T::Text {
                max_length: Some(b),
            },
        ) if a.is_none_or(|a| a > *b) => {
            format!("`{column}` holds at most {b} characters now: longer values fail or are cut")
        }
        (
            T::Decimal {
                precision: p1,
                scale: s1,
            },
            T::Decimal {
                precision: p2,
                scale: s2,
            },
        ) if s2 < s1 || p2 - s2 < p1 - s1 => format!(
            "`{column}` keeps fewer digits (decimal({p1}, {s1}) → decimal({p2}, {s2})): values are rounded or fail"
        ),
        (T::Enum { values: a, .. }, T::Enum { values: b, .. })
            if a.iter().any(|v| !b.contains(v)) =>
        {
            let gone: Vec<&str> = a
                .iter()
                .filter(|v| !b.contains(v))
                .map(String::as_str)
                .collect();
            format!(
                "`{column}` loses the enum value{} {}: rows holding one make this fail",
                if gone.len() == 1 { "" } else { "s" },
                gone.join(", ")
            )
        }
        (a, b) if a.is_temporal() && a == b && new.fraction_digits() < old.fraction_digits() => {
            format!(
                "`{column}` keeps {} digits of a second, not {}: values are rounded",
                new.fraction_digits(),
                old.fraction_digits()
            )
        }
        _ => return None,
    };
    Some(why)
}

/// A migration's script for one backend, as `migration new` writes it.
pub fn render(label: &str, schema: &str, script: &Script) -> String {
    let how = script.backend.rules().migration_runs();
    let mut out = format!(
        "-- storegen migration {label} for {}, of blueprint `{schema}`.\n\
         -- Written by `storegen migration new`: review it, edit it if you must (add a\n\
         -- backfill UPDATE, say), and commit it.\n-- {how}\n",
        script.backend.rules().about().display_name
    );
    for step in &script.steps {
        out.push('\n');
        for note in step.note.iter().flat_map(|n| n.lines()) {
            out.push_str("-- note: ");
            out.push_str(note);
            out.push('\n');
        }
        let sql = step.sql.trim_end().trim_end_matches(';');
        if step.destructive {
            out.push_str("-- destructive: ");
            out.push_str(&destructive_summary(sql));
            out.push('\n');
        }
        out.push_str(sql);
        out.push_str(";\n");
    }
    out
}

/// What a destructive statement loses, for the comment above it and stderr.
fn destructive_summary(sql: &str) -> String {
    let first = sql.lines().next().unwrap_or(sql);
    if first.starts_with("DROP TABLE") {
        format!("drops the table and its rows ({first})")
    } else if first.contains("DROP COLUMN") {
        format!("drops the column and its values ({first})")
    } else {
        format!("may lose data ({first})")
    }
}

/// What `migration new` did.
#[derive(Debug, Clone)]
pub enum Created {
    /// The blueprint is where the last migration left it: nothing written.
    Nothing {
        /// The last migration, if any.
        last: Option<String>,
    },
    /// A migration was written.
    Written {
        /// Its folder.
        dir: PathBuf,
        /// `0004_add_phone`.
        label: String,
        /// The files it wrote.
        files: Vec<PathBuf>,
        /// What its scripts lose, one line each (`postgres: drops …`).
        destructive: Vec<String>,
    },
}

/// Whether `name` may name a migration: lower-case letters, digits and `_`.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// `storegen migration new <name>`: the migration from the last one's blueprint to
/// `blueprint` (read from `source`), written into `dir`.
pub fn create(
    dir: &Path,
    name: &str,
    source: &str,
    blueprint: &Blueprint,
) -> Result<Created, String> {
    if !valid_name(name) {
        return Err(format!(
            "`{name}` can't name a migration: use lower-case letters, digits and `_` (e.g. `add_phone`)"
        ));
    }
    let entries = list(dir)?;
    let last = entries.last();
    let old = last.map(ending).transpose()?;
    let scripts = plan(old.as_ref(), blueprint).map_err(|problems| {
        format!(
            "the migration can't be written as the blueprint stands:\n{}",
            problems
                .iter()
                .map(|p| format!("  - {p}"))
                .collect::<Vec<_>>()
                .join("\n")
        )
    })?;
    if scripts.iter().all(|s| s.steps.is_empty()) {
        return Ok(Created::Nothing {
            last: last.map(Entry::label),
        });
    }
    let version = last.map_or(1, |e| e.version + 1);
    let label = format!("{version:04}_{name}");
    let folder = dir.join(&label);
    let io = |path: &Path, e: std::io::Error| format!("cannot write `{}`: {e}", path.display());
    std::fs::create_dir_all(&folder).map_err(|e| io(&folder, e))?;
    let mut files = Vec::new();
    let mut destructive = Vec::new();
    for script in &scripts {
        let path = folder.join(format!("{}.sql", script.backend.name()));
        std::fs::write(&path, render(&label, &blueprint.schema.name, script))
            .map_err(|e| io(&path, e))?;
        files.push(path);
        for step in script.steps.iter().filter(|s| s.destructive) {
            let what = match &step.note {
                Some(note) => note.clone(),
                None => destructive_summary(step.sql.trim_end().trim_end_matches(';')),
            };
            destructive.push(format!("{}: {what}", script.backend.name()));
        }
    }
    let path = folder.join(ENDS_IN);
    std::fs::write(&path, ending_text(source, blueprint, &label)).map_err(|e| io(&path, e))?;
    files.push(path);
    Ok(Created::Written {
        dir: folder,
        label,
        files,
        destructive,
    })
}

/// The last migration, when the blueprint differs from the one it ends in (`None` when
/// there are no migrations or the blueprint is where the last left it).
pub fn unrecorded(entries: &[Entry], blueprint: &Blueprint) -> Result<Option<String>, String> {
    let Some(last) = entries.last() else {
        return Ok(None);
    };
    let old = ending(last)?;
    let moved = match plan(Some(&old), blueprint) {
        Ok(scripts) => scripts.iter().any(|s| !s.steps.is_empty()),
        Err(_) => true,
    };
    Ok(moved.then(|| last.label()))
}

/// What a build embeds of the blueprint's migrations, with the files it read (for
/// `rerun-if-changed`); `Err` is the diagnostic's message and help.
pub fn embedded(
    dir: &Path,
    blueprint: &Blueprint,
    read: &mut Vec<PathBuf>,
) -> Result<Vec<super::codegen::EmbeddedData>, (String, String)> {
    use sha2::{Digest, Sha256};
    read.push(dir.to_path_buf());
    let entries = list(dir).map_err(|e| (e, "fix the migrations folder".to_owned()))?;
    let mut out = Vec::new();
    for entry in &entries {
        read.push(entry.dir.clone());
        let mut scripts = Vec::new();
        for &backend in &blueprint.schema.backends {
            let path = entry.script(backend);
            read.push(path.clone());
            let text = std::fs::read_to_string(&path).map_err(|e| {
                (
                    format!("migration {} has no readable {} script `{}`: {e}", entry.label(), backend.name(), path.display()),
                    "every migration needs a script for each backend the blueprint lists; write it, or remove the backend".to_owned(),
                )
            })?;
            let checksum = super::snapshot::sha256_text(&Sha256::digest(text.as_bytes()));
            scripts.push((backend, checksum, statements(&text, backend)));
        }
        out.push(super::codegen::EmbeddedData {
            version: entry.version,
            name: entry.name.clone(),
            scripts,
        });
    }
    match entries.last() {
        None => Err((
            format!(
                "`[database] migrations` names `{}`, which holds no migrations yet",
                dir.display()
            ),
            "write the first with `storegen migration new init`".to_owned(),
        )),
        Some(last) => {
            read.push(last.dir.join(ENDS_IN));
            match unrecorded(&entries, blueprint).map_err(|e| (e, String::new()))? {
                Some(label) => Err((
                    format!(
                        "the blueprint changed since migration {label}: the migrations no longer end in it"
                    ),
                    "write the migration for the change with `storegen migration new <name>`"
                        .to_owned(),
                )),
                None => Ok(out),
            }
        }
    }
}

/// Splits a script into its statements: `;` ends one outside quotes, comments and
/// PostgreSQL's dollar quotes. Comment-only pieces are left out; each statement keeps
/// the comments before it.
pub fn statements(script: &str, backend: BackendKind) -> Vec<String> {
    let bytes = script.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    let dialect = backend.dialect();
    let backslashes = dialect.backslash_escapes;
    while i < bytes.len() {
        match bytes[i] {
            quote @ (b'\'' | b'"' | b'`') => {
                i += 1;
                while i < bytes.len() {
                    if backslashes && bytes[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if bytes[i] == quote {
                        if bytes.get(i + 1) == Some(&quote) {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'#' if dialect.hash_comments => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 2;
            }
            b'$' if dialect.dollar_quotes => {
                // `$tag$ … $tag$`; a `$1` parameter has no closing `$` before a non-word byte.
                let tag_end = bytes[i + 1..]
                    .iter()
                    .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
                    .map(|p| i + 1 + p);
                match tag_end {
                    Some(end) if bytes[end] == b'$' => {
                        let tag = &script[i..=end];
                        match script[end + 1..].find(tag) {
                            Some(close) => i = end + 1 + close + tag.len(),
                            None => i = bytes.len(),
                        }
                    }
                    _ => i += 1,
                }
            }
            b';' => {
                push_statement(&mut out, &script[start..i]);
                i += 1;
                start = i;
            }
            _ => i += 1,
        }
    }
    push_statement(&mut out, &script[start.min(script.len())..]);
    out
}

fn push_statement(out: &mut Vec<String>, piece: &str) {
    let code = piece
        .lines()
        .map(|l| l.trim())
        .any(|l| !l.is_empty() && !l.starts_with("--") && !l.starts_with('#'));
    if code {
        out.push(piece.trim().to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_end_at_semicolons_outside_quotes_comments_and_dollar_quotes() {
        let script = "-- a comment; not an end\nCREATE TABLE \"a;b\" (x TEXT DEFAULT 'it''s;');\n\
                      DO $e$ BEGIN PERFORM 1; END $e$;\n/* c; */ SELECT 1;\n-- trailing comment\n";
        assert_eq!(
            statements(script, BackendKind::Postgres),
            vec![
                "-- a comment; not an end\nCREATE TABLE \"a;b\" (x TEXT DEFAULT 'it''s;')",
                "DO $e$ BEGIN PERFORM 1; END $e$",
                "/* c; */ SELECT 1",
            ]
        );
        assert_eq!(
            statements(
                "INSERT INTO t VALUES ('a\\';b'); # x;\nSELECT 2",
                BackendKind::Mysql
            ),
            vec!["INSERT INTO t VALUES ('a\\';b')", "# x;\nSELECT 2"]
        );
    }
}

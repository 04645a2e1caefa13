//! Choosing how a build checks its blueprint (live, snapshot, neither) and doing it.

use std::path::{Path, PathBuf};

use super::blueprint::{Blueprint, Span};
use super::diagnostics::{Diagnostic, line_col};
use super::queries::{Found, Query, Shape, analyze, recorded, resolve};
use super::{Checked, Validate, drift_diagnostics, live, snapshot, write_if_changed};
use crate::backend::BackendKind;
use crate::backend::connect::{Introspected, ToDescribe};
use crate::drift::Severity;
use crate::model::{Catalog, Schema};

/// Everything the check needs, resolved from the builder, the blueprint and the
/// environment.
pub(crate) struct Plan<'a> {
    pub blueprint: &'a Blueprint,
    /// The blueprint's folder: relative paths in it (sqlite: URLs) start here.
    pub base_dir: &'a Path,
    pub mode: Validate,
    /// The database URL, and where the blueprint wrote it.
    pub url: Option<(String, Option<Span>)>,
    /// The snapshot file: its path, the path as shown, where the blueprint names it.
    pub snapshot: Option<(PathBuf, String, Option<Span>)>,
    /// `STOREGEN_WRITE_SNAPSHOT=1`: a passing live check rewrites the snapshot.
    pub write_snapshot: bool,
    /// The custom queries, read from their files.
    pub queries: &'a [Query],
}

/// What checking found: how it checked, the blueprint's diagnostics, the query files',
/// and each query's shape (parallel to the plan's queries; `None` where it has errors).
pub(crate) struct Outcome {
    pub checked: Checked,
    pub diagnostics: Vec<Diagnostic>,
    pub found: Found,
    pub shapes: Vec<Option<Shape>>,
}

/// Checks the blueprint as the plan says; returns how, and what it found.
pub(crate) fn check(plan: &Plan<'_>, directives: &mut Vec<String>) -> Outcome {
    let mut found = Found::default();
    let mut shapes = vec![None; plan.queries.len()];
    let (checked, diagnostics) = check_with(plan, directives, &mut found, &mut shapes);
    if checked == Checked::Unchecked {
        for query in plan.queries {
            let at = &query.variants[0].name_place;
            found.at(
                at,
                Diagnostic::error(
                    Some(at.span.clone()),
                    format!(
                        "query `{}` was not described: the build checked against no database and no snapshot",
                        query.name
                    ),
                )
                .help("a custom query's Rust signature comes from the database: configure `[database] url`, or a snapshot taken with `storegen prepare`"),
            );
        }
    }
    Outcome {
        checked,
        diagnostics,
        found,
        shapes,
    }
}

/// The statements a backend prepares for the queries that have a text for it, and
/// those queries' positions.
pub(crate) fn statements(queries: &[Query], backend: BackendKind) -> (Vec<usize>, Vec<ToDescribe>) {
    let mut positions = Vec::new();
    let mut out = Vec::new();
    for (i, query) in queries.iter().enumerate() {
        if let Some(rewritten) = query.rewritten(backend) {
            positions.push(i);
            out.push(ToDescribe {
                sql: rewritten.sql,
                params: query
                    .params
                    .iter()
                    .map(|p| query.declared(p).map(|d| d.declared.ty.clone()))
                    .collect(),
            });
        }
    }
    (positions, out)
}

/// Each query's shape from the live database's descriptions.
pub(crate) fn describe_live(
    schema: &Schema,
    queries: &[Query],
    backend: BackendKind,
    introspected: &Introspected,
    found: &mut Found,
    shapes: &mut [Option<Shape>],
) {
    let name = backend.rules().about().display_name;
    let (positions, _) = statements(queries, backend);
    for (i, described) in positions.into_iter().zip(&introspected.described) {
        let query = &queries[i];
        let Some(variant) = query.variant(backend) else {
            continue;
        };
        let Some(rewritten) = query.rewritten(backend) else {
            continue;
        };
        match described {
            Err(e) => {
                let span = match e.position {
                    Some(p) => {
                        let at = variant.sql_place.span.start + rewritten.original(p);
                        at..at + 1
                    }
                    None => variant.sql_place.span.start..variant.sql_place.span.start,
                };
                let span = if e.position.is_none() {
                    variant.name_place.span.clone()
                } else {
                    span
                };
                found.in_file(
                    variant.name_place.file,
                    Diagnostic::error(
                        Some(span),
                        format!(
                            "query `{}` doesn't prepare on {name}: {}",
                            query.name, e.message
                        ),
                    ),
                );
            }
            Ok(described) => {
                let origins: Vec<Option<String>> = described
                    .columns
                    .iter()
                    .map(|c| c.origin.as_ref().map(|(t, _)| t.clone()))
                    .collect();
                let nullable = analyze::outer_join_nullable(&rewritten.sql, backend, &origins);
                let inferred = analyze::infer_params(
                    &rewritten.sql,
                    backend,
                    &rewritten.binds,
                    query.params.len(),
                    schema,
                );
                shapes[i] = resolve::resolve(
                    query, backend, described, &inferred, &nullable, schema, found,
                );
            }
        }
    }
}

/// Each query's shape from the snapshot: it must hold the query's current text.
pub(crate) fn describe_from_snapshot(
    schema: &Schema,
    queries: &[Query],
    snap: &snapshot::Snapshot,
    shown: &str,
    found: &mut Found,
    shapes: &mut [Option<Shape>],
) {
    for (i, query) in queries.iter().enumerate() {
        let at = &query.variants[0].name_place;
        let error = |message: String| Diagnostic::error(Some(at.span.clone()), message);
        let entries: Vec<&snapshot::QueryEntry> = snap
            .queries
            .iter()
            .filter(|e| e.name == query.name)
            .collect();
        if entries.is_empty() {
            found.at(
                at,
                error(format!(
                    "query `{}` is not in the snapshot `{shown}`",
                    query.name
                ))
                .help(REFRESH),
            );
            continue;
        }
        let current: Vec<&&snapshot::QueryEntry> =
            entries.iter().filter(|e| e.hash == query.hash).collect();
        if current.is_empty() {
            found.at(
                at,
                error(format!(
                    "query `{}` changed since the snapshot `{shown}` was taken",
                    query.name
                ))
                .help(REFRESH),
            );
            continue;
        }
        let mut read = Vec::new();
        for entry in &current {
            match recorded::shape(entry, schema) {
                Ok(shape) => read.push((entry.backend.as_str(), shape)),
                Err(message) => {
                    found.at(
                        at,
                        error(format!(
                            "the snapshot's record of query `{}` ({}) doesn't fit the blueprint: {message}",
                            query.name, entry.backend
                        ))
                        .help(REFRESH),
                    );
                }
            }
        }
        // The snapshot's own backend's description first: its store fields are the
        // ones the catalog holds.
        read.sort_by_key(|(backend, _)| *backend != snap.catalog.backend.name());
        if let Some((first_backend, first)) = read.first() {
            let mine = recorded::signature(first, schema);
            if let Some((other, _)) = read
                .iter()
                .find(|(_, s)| recorded::signature(s, schema) != mine)
            {
                found.at(
                    at,
                    error(format!(
                        "query `{}` has another signature on {other} than on {first_backend}",
                        query.name
                    ))
                    .help("a query's Rust function is the same on every backend: declare the types that differ (`-- param`, `AS \"name: type\"`)"),
                );
                continue;
            }
            shapes[i] = Some(first.clone());
        }
    }
}

/// A query's shape on this backend against other backends' in the snapshot, for the
/// same text: the signature must not depend on which database the build used.
pub(crate) fn compare_with_snapshot(
    schema: &Schema,
    queries: &[Query],
    backend: BackendKind,
    snap: &snapshot::Snapshot,
    found: &mut Found,
    shapes: &[Option<Shape>],
) {
    for (query, shape) in queries.iter().zip(shapes) {
        let Some(shape) = shape else { continue };
        for entry in &snap.queries {
            if entry.name != query.name
                || entry.hash != query.hash
                || entry.backend == backend.name()
            {
                continue;
            }
            let (params, columns) = recorded::signature(shape, schema);
            if let Ok(theirs) = recorded::shape(entry, schema)
                && recorded::signature(&theirs, schema) != (params.clone(), columns.clone())
            {
                let at = &query.variants[0].name_place;
                let (their_params, their_columns) = recorded::signature(&theirs, schema);
                found.at(
                    at,
                    Diagnostic::error(
                        Some(at.span.clone()),
                        format!(
                            "query `{}` has another signature on {} than on {} (in the snapshot): {} returning {} here, {} returning {} there",
                            query.name,
                            backend,
                            entry.backend,
                            bracket(&params),
                            bracket(&columns),
                            bracket(&their_params),
                            bracket(&their_columns)
                        ),
                    )
                    .help("a query's Rust function is the same on every backend: declare the types that differ (`-- param`, `AS \"name: type\"`)"),
                );
            }
        }
    }
}

/// After a live check, the queries the snapshot doesn't hold as they are now: a
/// warning each, so the next offline build's error doesn't come as a surprise.
fn stale_queries(queries: &[Query], snap: &snapshot::Snapshot, found: &mut Found) {
    for query in queries {
        if !snap
            .queries
            .iter()
            .any(|e| e.name == query.name && e.hash == query.hash)
        {
            let at = &query.variants[0].name_place;
            found.at(
                at,
                Diagnostic::warning(
                    Some(at.span.clone()),
                    format!(
                        "the snapshot is stale: it doesn't hold query `{}` as it is now",
                        query.name
                    ),
                )
                .help(REFRESH),
            );
        }
    }
}

fn bracket(items: &[String]) -> String {
    format!("({})", items.join(", "))
}

const REFRESH: &str = "refresh it: `storegen prepare --database <url>` against each backend the blueprint lists (or a build with a live database and STOREGEN_WRITE_SNAPSHOT=1)";

fn check_with(
    plan: &Plan<'_>,
    directives: &mut Vec<String>,
    found: &mut Found,
    shapes: &mut [Option<Shape>],
) -> (Checked, Vec<Diagnostic>) {
    let blueprint = plan.blueprint;
    let mut out = Vec::new();
    let snapshot_exists = plan
        .snapshot
        .as_ref()
        .is_some_and(|(path, _, _)| path.is_file());
    if snapshot_exists
        && !plan.write_snapshot
        && let Some((path, _, _)) = &plan.snapshot
    {
        directives.push(format!("cargo:rerun-if-changed={}", path.display()));
    }
    let database_span = || blueprint.spans.database.clone();
    let checked = match (plan.mode, &plan.url) {
        (Validate::Off, _) => {
            out.push(Diagnostic::warning(
                blueprint.database.validate.as_ref().map(|(_, s)| s.clone()),
                "validation is off: the schema was not checked against a database",
            ));
            Checked::Unchecked
        }
        (Validate::Snapshot, _) => against_snapshot(plan, Severity::Error, &mut out, found, shapes),
        (Validate::Live, None) => {
            out.push(
                Diagnostic::error(
                    database_span(),
                    "live validation needs a database URL, and none is configured",
                )
                .help(
                    "set `[database] url` (or the variable it names), or call `Builder::database`",
                ),
            );
            Checked::Unchecked
        }
        (Validate::Live | Validate::Auto, Some((url, span))) => {
            let queries = |backend| statements(plan.queries, backend).1;
            match live::introspect(
                url,
                plan.base_dir,
                &blueprint.schema,
                &blueprint.database,
                &queries,
            ) {
                Ok((backend, introspected)) => {
                    let catalog = &introspected.catalog;
                    let drift = drift_diagnostics(blueprint, catalog);
                    describe_live(
                        &blueprint.schema,
                        plan.queries,
                        backend,
                        &introspected,
                        found,
                        shapes,
                    );
                    let old = match &plan.snapshot {
                        Some((path, shown, _)) if snapshot_exists => {
                            read_snapshot(path, shown, &mut out)
                        }
                        _ => None,
                    };
                    if let Some(snap) = &old {
                        compare_with_snapshot(
                            &blueprint.schema,
                            plan.queries,
                            backend,
                            snap,
                            found,
                            shapes,
                        );
                    }
                    let passed = !drift.iter().any(Diagnostic::is_error) && !found.has_errors();
                    out.extend(drift);
                    match (&plan.snapshot, &old) {
                        (Some(file), _) if plan.write_snapshot && passed => {
                            let entries =
                                query_entries(plan.queries, backend, shapes, old.as_ref());
                            write_snapshot(plan, file, catalog, &entries, &mut out);
                        }
                        (Some(_), Some(snap)) => {
                            // A snapshot the build didn't use may still be stale: say so
                            // now rather than in the next offline build.
                            out.extend(snapshot::staleness(
                                &blueprint.schema,
                                &blueprint.spans,
                                snap,
                                Severity::Warning,
                            ));
                            stale_queries(plan.queries, snap, found);
                        }
                        _ => {}
                    }
                    Checked::Live
                }
                Err(message) if plan.mode == Validate::Auto && snapshot_exists => {
                    out.push(Diagnostic::warning(
                        span.clone().or_else(database_span),
                        format!("{message}; checked against the snapshot instead"),
                    ));
                    against_snapshot(plan, Severity::Error, &mut out, found, shapes)
                }
                Err(message) => {
                    out.push(Diagnostic::error(
                        span.clone().or_else(database_span),
                        message,
                    ));
                    Checked::Unchecked
                }
            }
        }
        (Validate::Auto, None) if snapshot_exists => {
            against_snapshot(plan, Severity::Error, &mut out, found, shapes)
        }
        (Validate::Auto, None) => {
            out.push(Diagnostic::warning(
                None,
                "no database URL is configured and there is no snapshot: the schema was not checked",
            ));
            Checked::Unchecked
        }
    };
    (checked, out)
}

/// Checks against the snapshot file: staleness first (at `stale`), then drift.
fn against_snapshot(
    plan: &Plan<'_>,
    stale: Severity,
    out: &mut Vec<Diagnostic>,
    found: &mut Found,
    shapes: &mut [Option<Shape>],
) -> Checked {
    let blueprint = plan.blueprint;
    let Some((path, shown, span)) = &plan.snapshot else {
        out.push(
            Diagnostic::error(
                blueprint.spans.database.clone(),
                "validation against a snapshot needs a snapshot file, and none is configured",
            )
            .help("set `[database] snapshot = \"storegen.snapshot.toml\"`, or call `Builder::snapshot`"),
        );
        return Checked::Unchecked;
    };
    if !path.is_file() {
        out.push(
            Diagnostic::error(span.clone(), format!("there is no snapshot at `{shown}`"))
                .help("take one with `storegen prepare`, or with a build that has a live database and STOREGEN_WRITE_SNAPSHOT=1"),
        );
        return Checked::Unchecked;
    }
    let Some(snap) = read_snapshot(path, shown, out) else {
        return Checked::Unchecked;
    };
    if !blueprint.schema.backends.contains(&snap.catalog.backend) {
        out.push(Diagnostic::error(
            span.clone(),
            format!(
                "the snapshot at `{shown}` was taken from {}, a backend the blueprint doesn't generate code for",
                snap.catalog.backend
            ),
        ));
        return Checked::Unchecked;
    }
    out.extend(snapshot::staleness(
        &blueprint.schema,
        &blueprint.spans,
        &snap,
        stale,
    ));
    out.extend(drift_diagnostics(blueprint, &snap.catalog));
    describe_from_snapshot(&blueprint.schema, plan.queries, &snap, shown, found, shapes);
    Checked::Snapshot
}

/// The snapshot's query records after a live check on `backend`: this backend's from
/// the shapes found, the other backends' kept from the old snapshot where they
/// described the same text.
pub(crate) fn query_entries(
    queries: &[Query],
    backend: BackendKind,
    shapes: &[Option<Shape>],
    old: Option<&snapshot::Snapshot>,
) -> Vec<snapshot::QueryEntry> {
    let mut entries: Vec<snapshot::QueryEntry> = queries
        .iter()
        .zip(shapes)
        .filter_map(|(q, s)| s.as_ref().map(|s| recorded::entry(q, backend, s)))
        .collect();
    if let Some(old) = old {
        entries.extend(
            old.queries
                .iter()
                .filter(|e| {
                    e.backend != backend.name()
                        && queries.iter().any(|q| q.name == e.name && q.hash == e.hash)
                })
                .cloned(),
        );
    }
    entries
}

fn read_snapshot(
    path: &Path,
    shown: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<snapshot::Snapshot> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            out.push(Diagnostic::error(
                None,
                format!("cannot read the snapshot `{shown}`: {e}"),
            ));
            return None;
        }
    };
    match snapshot::parse(&text) {
        Ok(snap) => Some(snap),
        Err(mut diagnostic) => {
            // The snapshot's own location goes into the message: the report's source is
            // the blueprint.
            let at = match diagnostic.span.take() {
                Some(span) => {
                    let (line, col) = line_col(&text, span.start);
                    format!("{shown}:{line}:{col}")
                }
                None => shown.to_owned(),
            };
            diagnostic.message = format!("{at}: {}", diagnostic.message);
            out.push(diagnostic);
            None
        }
    }
}

fn write_snapshot(
    plan: &Plan<'_>,
    (path, shown, span): &(PathBuf, String, Option<Span>),
    catalog: &Catalog,
    queries: &[snapshot::QueryEntry],
    out: &mut Vec<Diagnostic>,
) {
    let text = snapshot::render_with_queries(&plan.blueprint.schema, catalog, queries);
    match write_if_changed(path, &text) {
        Ok(true) => out.push(Diagnostic::warning(
            span.clone(),
            format!("wrote the snapshot `{shown}` (STOREGEN_WRITE_SNAPSHOT=1): commit it"),
        )),
        Ok(false) => {}
        Err(e) => out.push(Diagnostic::error(span.clone(), e.to_string())),
    }
}

//! Choosing how a build checks its blueprint (live, snapshot, neither) and doing it.

use std::path::{Path, PathBuf};

use super::blueprint::{Blueprint, Span};
use super::diagnostics::{Diagnostic, line_col};
use super::{Checked, Validate, drift_diagnostics, live, snapshot, write_if_changed};
use crate::drift::Severity;
use crate::model::Catalog;

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
}

/// Checks the blueprint as the plan says; returns how, and what it found.
pub(crate) fn check(plan: &Plan<'_>, directives: &mut Vec<String>) -> (Checked, Vec<Diagnostic>) {
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
        (Validate::Snapshot, _) => against_snapshot(plan, Severity::Error, &mut out),
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
            match live::introspect(url, plan.base_dir, &blueprint.schema, &blueprint.database) {
                Ok(catalog) => {
                    let drift = drift_diagnostics(blueprint, &catalog);
                    let passed = !drift.iter().any(Diagnostic::is_error);
                    out.extend(drift);
                    match &plan.snapshot {
                        Some(file) if plan.write_snapshot && passed => {
                            write_snapshot(plan, file, &catalog, &mut out);
                        }
                        Some((path, shown, _)) if snapshot_exists => {
                            // A snapshot the build didn't use may still be stale: say so
                            // now rather than in the next offline build.
                            if let Some(snap) = read_snapshot(path, shown, &mut out) {
                                out.extend(snapshot::staleness(
                                    &blueprint.schema,
                                    &blueprint.spans,
                                    &snap,
                                    Severity::Warning,
                                ));
                            }
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
                    against_snapshot(plan, Severity::Error, &mut out)
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
            against_snapshot(plan, Severity::Error, &mut out)
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
fn against_snapshot(plan: &Plan<'_>, stale: Severity, out: &mut Vec<Diagnostic>) -> Checked {
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
    Checked::Snapshot
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
    out: &mut Vec<Diagnostic>,
) {
    let text = snapshot::render(&plan.blueprint.schema, catalog);
    match write_if_changed(path, &text) {
        Ok(true) => out.push(Diagnostic::warning(
            span.clone(),
            format!("wrote the snapshot `{shown}` (STOREGEN_WRITE_SNAPSHOT=1): commit it"),
        )),
        Ok(false) => {}
        Err(e) => out.push(Diagnostic::error(span.clone(), e.to_string())),
    }
}

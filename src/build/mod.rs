//! The build-script face (feature `codegen`): [`Builder`] reads a blueprint, checks it
//! against a database, and writes the generated module into `OUT_DIR`.
//!
//! [`generate_in_memory`] is the same pipeline without the environment or the file
//! system, for tests and tools.

pub mod blueprint;
#[cfg(feature = "cli")]
pub mod cli;
pub mod codegen;
pub mod diagnostics;
pub mod diagram;
pub mod diff;
mod error;
pub mod introspect;
mod live;
pub mod migrations;
pub(crate) mod queries;
pub mod scaffold;
pub mod snapshot;
pub(crate) mod validate;

use std::path::{Path, PathBuf};

pub use blueprint::Blueprint;
pub use diagnostics::{Diagnostic, Report};
pub use error::BuildError;

use crate::drift;
use crate::model::Catalog;

/// How the build checks the blueprint against a database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validate {
    /// Connect to the configured database; it must answer.
    Live,
    /// Check against the committed snapshot; never connect. `STOREGEN_OFFLINE=1`
    /// forces this mode.
    Snapshot,
    /// Live when a URL is configured, else the snapshot when one exists, else generate
    /// unchecked with one warning. The default.
    Auto,
    /// Generate unchecked, with one warning.
    Off,
}

impl Validate {
    pub(crate) const NAMES: [&'static str; 4] = ["live", "snapshot", "auto", "off"];

    /// The mode a blueprint's `validate` names: `live`, `snapshot`, `auto` or `off`.
    pub fn from_name(name: &str) -> Option<Validate> {
        Some(match name {
            "live" => Validate::Live,
            "snapshot" => Validate::Snapshot,
            "auto" => Validate::Auto,
            "off" => Validate::Off,
            _ => return None,
        })
    }
}

/// Configures and runs generation from a `build.rs`.
///
/// ```no_run
/// // build.rs
/// storegen::Builder::new()
///     .blueprint("blueprint.toml")
///     .generate()
///     .unwrap_or_exit();
/// ```
#[derive(Debug, Clone)]
pub struct Builder {
    blueprint: PathBuf,
    database: Option<String>,
    snapshot: Option<PathBuf>,
    validate: Option<Validate>,
    out_dir: Option<PathBuf>,
    emit_cargo_directives: bool,
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new()
    }
}

impl Builder {
    /// A builder for `blueprint.toml` in the crate's directory.
    pub fn new() -> Self {
        Builder {
            blueprint: PathBuf::from("blueprint.toml"),
            database: None,
            snapshot: None,
            validate: None,
            out_dir: None,
            emit_cargo_directives: true,
        }
    }

    /// The blueprint file, relative to `CARGO_MANIFEST_DIR` (or absolute).
    pub fn blueprint(mut self, path: impl AsRef<Path>) -> Self {
        self.blueprint = path.as_ref().to_owned();
        self
    }

    /// The database to validate against, overriding the blueprint's `[database] url`.
    ///
    /// ```no_run
    /// storegen::Builder::new()
    ///     .database("sqlite:dev.db")
    ///     .generate()
    ///     .unwrap_or_exit();
    /// ```
    pub fn database(mut self, url: impl Into<String>) -> Self {
        self.database = Some(url.into());
        self
    }

    /// The schema snapshot file, overriding the blueprint's `[database] snapshot`;
    /// relative to `CARGO_MANIFEST_DIR`. Builds without a database check against it;
    /// `STOREGEN_WRITE_SNAPSHOT=1` makes a passing live check rewrite it.
    ///
    /// ```no_run
    /// storegen::Builder::new()
    ///     .snapshot("storegen.snapshot.toml")
    ///     .generate()
    ///     .unwrap_or_exit();
    /// ```
    pub fn snapshot(mut self, path: impl AsRef<Path>) -> Self {
        self.snapshot = Some(path.as_ref().to_owned());
        self
    }

    /// The validation mode, overriding the blueprint's `[database] validate`.
    ///
    /// ```no_run
    /// storegen::Builder::new()
    ///     .validate(storegen::Validate::Live)
    ///     .generate()
    ///     .unwrap_or_exit();
    /// ```
    pub fn validate(mut self, mode: Validate) -> Self {
        self.validate = Some(mode);
        self
    }

    /// Where to write the generated file; default `OUT_DIR`.
    pub fn out_dir(mut self, path: impl AsRef<Path>) -> Self {
        self.out_dir = Some(path.as_ref().to_owned());
        self
    }

    /// Whether to print `cargo:rerun-if-changed`, `cargo:rerun-if-env-changed` and
    /// `cargo:warning` lines; default true. The directives are in [`Generated`] either way.
    pub fn emit_cargo_directives(mut self, emit: bool) -> Self {
        self.emit_cargo_directives = emit;
        self
    }

    /// Reads the blueprint, validates it, and writes `<out_dir>/<name>.rs` when its
    /// content changed. Nothing is written when anything fails.
    pub fn generate(&self) -> Generation {
        let mut directives = Vec::new();
        let result = self.run(&mut directives);
        if self.emit_cargo_directives {
            for line in &directives {
                println!("{line}");
            }
            if let Ok(generated) = &result {
                for warning in &generated.warnings {
                    println!("cargo:warning={warning}");
                }
            }
        }
        Generation(result.map(|mut generated| {
            generated.directives = directives;
            generated
        }))
    }

    fn run(&self, directives: &mut Vec<String>) -> Result<Generated, BuildError> {
        let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
            .map(PathBuf::from)
            .unwrap_or_default();
        let path = manifest_dir.join(&self.blueprint);
        let blueprint_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let shown = self.blueprint.display().to_string();
        directives.push(format!("cargo:rerun-if-changed={}", path.display()));
        let source = std::fs::read_to_string(&path).map_err(|source| BuildError::Io {
            path: path.clone(),
            source,
        })?;
        let report = |diagnostics| {
            BuildError::Blueprint(Report::new(shown.clone(), source.clone(), diagnostics))
        };
        let (blueprint, mut diagnostics) = blueprint::parse(&source).map_err(report)?;
        let mut found = queries::Found::default();
        let files = queries::read_files(&blueprint.queries, &blueprint_dir, directives, &mut found);
        let parsed = queries::parse(&files, &blueprint.schema, &mut found);

        let offline = env_flag("STOREGEN_OFFLINE", directives);
        let write_snapshot = env_flag("STOREGEN_WRITE_SNAPSHOT", directives);
        let mode = if offline {
            Validate::Snapshot
        } else {
            self.validate
                .or(blueprint.database.validate.as_ref().map(|(m, _)| *m))
                .unwrap_or(Validate::Auto)
        };
        let url = match &self.database {
            Some(url) => Some((url.clone(), None)),
            None => match &blueprint.database.url {
                Some((written, span)) => {
                    let (url, read) = live::expand_env(written);
                    for var in read {
                        directives.push(format!("cargo:rerun-if-env-changed={var}"));
                    }
                    url.map(|u| (u, Some(span.clone())))
                }
                None => None,
            },
        };
        let snapshot =
            match &self.snapshot {
                Some(path) => Some((manifest_dir.join(path), path.display().to_string(), None)),
                // A path written in the blueprint is relative to the blueprint's folder.
                None => blueprint.database.snapshot.as_ref().map(|(path, span)| {
                    (blueprint_dir.join(path), path.clone(), Some(span.clone()))
                }),
            };
        let plan = validate::Plan {
            blueprint: &blueprint,
            base_dir: &blueprint_dir,
            mode,
            url,
            snapshot,
            write_snapshot,
            queries: &parsed,
        };
        let file_name = self
            .blueprint
            .file_name()
            .map_or_else(|| shown.clone(), |n| n.to_string_lossy().into_owned());
        // Versioned migrations: embedded, and the last must end in this blueprint.
        let embedded = match &blueprint.database.migrations {
            Some((dir, span)) => {
                let mut read = Vec::new();
                let result = migrations::embedded(&blueprint_dir.join(dir), &blueprint, &mut read);
                for path in read {
                    directives.push(format!("cargo:rerun-if-changed={}", path.display()));
                }
                match result {
                    Ok(embedded) => Some(embedded),
                    Err((message, help)) => {
                        let mut diagnostic = Diagnostic::error(Some(span.clone()), message);
                        if !help.is_empty() {
                            diagnostic = diagnostic.help(help);
                        }
                        diagnostics.push(diagnostic);
                        Some(Vec::new())
                    }
                }
            }
            None => None,
        };
        let versioned = embedded.is_some();
        // Generation needs only the parsed schema: it runs while validation waits on the
        // database, and is dropped if validation finds errors.
        let (outcome, code) = std::thread::scope(|scope| {
            let generation =
                scope.spawn(|| codegen::generate_with(&blueprint.schema, &file_name, versioned));
            let outcome = validate::check(&plan, directives);
            let code = generation.join().unwrap_or_else(|_| {
                Err("storegen's code generator panicked; please report this".into())
            });
            (outcome, code)
        });
        let checked = outcome.checked;
        diagnostics.extend(outcome.diagnostics);
        found.items.extend(outcome.found.items);
        let also = found.into_reports(&files, &mut diagnostics);
        let full = Report {
            also,
            ..Report::new(shown, source, diagnostics)
        };
        if full.has_errors() {
            return Err(BuildError::Blueprint(full));
        }
        let mut code = code.map_err(BuildError::Internal)?;
        let generated: Vec<codegen::queries::Generated<'_>> = parsed
            .iter()
            .zip(&outcome.shapes)
            .filter_map(|(query, shape)| {
                shape
                    .as_ref()
                    .map(|shape| codegen::queries::Generated { query, shape })
            })
            .collect();
        code.push_str(
            &codegen::queries_part(&blueprint.schema, &generated).map_err(BuildError::Internal)?,
        );
        if let Some(embedded) = &embedded {
            code.push_str(
                &codegen::migrations_part(embedded, &blueprint.schema)
                    .map_err(BuildError::Internal)?,
            );
        }
        let out_dir = match &self.out_dir {
            Some(dir) => manifest_dir.join(dir),
            None => std::env::var_os("OUT_DIR").map(PathBuf::from).ok_or_else(|| {
                BuildError::Environment(
                    "OUT_DIR is not set: run storegen from a build script, or call `Builder::out_dir`"
                        .into(),
                )
            })?,
        };
        let out = out_dir.join(format!("{}.rs", blueprint.schema.name));
        let written = write_if_changed(&out, &code)?;
        let warnings = full.short_all();
        Ok(Generated {
            name: blueprint.schema.name,
            path: out,
            written,
            checked,
            warnings,
            directives: Vec::new(),
        })
    }
}

/// Whether an environment variable is set to `1`; notes that the build read it.
fn env_flag(name: &str, directives: &mut Vec<String>) -> bool {
    directives.push(format!("cargo:rerun-if-env-changed={name}"));
    std::env::var(name).is_ok_and(|v| v == "1")
}

/// Drift between blueprint and database, as diagnostics located in the blueprint.
pub fn drift_diagnostics(blueprint: &Blueprint, catalog: &Catalog) -> Vec<Diagnostic> {
    diagnostics_of(blueprint, drift::compare(&blueprint.schema, catalog))
}

/// Drifts as diagnostics located in the blueprint.
pub fn diagnostics_of(blueprint: &Blueprint, drifts: Vec<drift::Drift>) -> Vec<Diagnostic> {
    drifts
        .into_iter()
        .map(|d| Diagnostic {
            severity: d.severity(),
            message: d.to_string(),
            span: blueprint.spans.locate(&blueprint.schema, &d.location),
            label: None,
            help: d.help(),
            related: Box::new([]),
        })
        .collect()
}

/// Writes `content` to `path` unless the file already holds exactly that, so an
/// unchanged output keeps its mtime and triggers no recompilation. Returns whether it
/// wrote.
pub fn write_if_changed(path: &Path, content: &str) -> Result<bool, BuildError> {
    if std::fs::read(path).is_ok_and(|existing| existing == content.as_bytes()) {
        return Ok(false);
    }
    let io = |source| BuildError::Io {
        path: path.to_owned(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    std::fs::write(path, content).map_err(io)?;
    Ok(true)
}

/// What generating from a blueprint produced, in memory.
#[derive(Debug, Clone)]
pub struct InMemory {
    /// `[blueprint] name`.
    pub name: String,
    /// The generated module's Rust source, formatted.
    pub code: String,
    /// Warnings, rendered.
    pub warnings: Option<Report>,
}

/// The whole pipeline without the environment or the file system: parse `source`
/// (shown as `path` in diagnostics), compare it with `catalog` when one is given, and
/// generate the module's text.
pub fn generate_in_memory(
    path: &str,
    source: &str,
    catalog: Option<&Catalog>,
) -> Result<InMemory, BuildError> {
    let report = |diagnostics| Report::new(path, source, diagnostics);
    let (blueprint, mut diagnostics) =
        blueprint::parse(source).map_err(|d| BuildError::Blueprint(report(d)))?;
    if let Some(catalog) = catalog {
        diagnostics.extend(drift_diagnostics(&blueprint, catalog));
    }
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(BuildError::Blueprint(report(diagnostics)));
    }
    let name = Path::new(path)
        .file_name()
        .map_or_else(|| path.to_owned(), |n| n.to_string_lossy().into_owned());
    let code = codegen::generate(&blueprint.schema, &name).map_err(BuildError::Internal)?;
    Ok(InMemory {
        name: blueprint.schema.name,
        code,
        warnings: (!diagnostics.is_empty()).then(|| report(diagnostics)),
    })
}

/// How the schema was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checked {
    /// Against a live database.
    Live,
    /// Against the snapshot file.
    Snapshot,
    /// Not at all (validation off, or nothing to validate against).
    Unchecked,
}

/// What [`Builder::generate`] produced.
#[derive(Debug, Clone)]
pub struct Generated {
    /// `[blueprint] name`: the module is `<out_dir>/<name>.rs`.
    pub name: String,
    /// The module file's path.
    pub path: PathBuf,
    /// Whether the file was written (false: it already held this content).
    pub written: bool,
    /// How the schema was checked.
    pub checked: Checked,
    /// Warnings, one line each (`file:line:col: warning: message`).
    pub warnings: Vec<String>,
    /// The cargo directives, printed when `emit_cargo_directives` is on.
    pub directives: Vec<String>,
}

/// The outcome of [`Builder::generate`]: call [`unwrap_or_exit`](Generation::unwrap_or_exit)
/// in a build script, or [`into_result`](Generation::into_result) to handle the error.
#[derive(Debug)]
#[must_use = "a build script should call `.unwrap_or_exit()` so a failure stops the build"]
pub struct Generation(Result<Generated, BuildError>);

impl Generation {
    /// The generated module, or: every diagnostic rendered to stderr and exit code 1.
    pub fn unwrap_or_exit(self) -> Generated {
        match self.0 {
            Ok(generated) => generated,
            Err(error) => {
                eprintln!("{}", render_error(&error));
                std::process::exit(1)
            }
        }
    }

    /// The generated module or the error, to handle it yourself.
    pub fn into_result(self) -> Result<Generated, BuildError> {
        self.0
    }

    /// Whether generation succeeded.
    pub fn is_ok(&self) -> bool {
        self.0.is_ok()
    }
}

impl From<Generation> for Result<Generated, BuildError> {
    fn from(generation: Generation) -> Self {
        generation.0
    }
}

/// An error as a build script should print it: diagnostics rendered, anything else
/// on one line.
pub fn render_error(error: &BuildError) -> String {
    match error {
        BuildError::Blueprint(report) => report.render(),
        other => format!("error: {other}"),
    }
}

//! The `storegen` command: the build's checks for pipelines and operators.
//!
//! ```text
//! storegen check   [--blueprint F] [--database URL] [--snapshot F] [--offline] [--format text|json]
//! storegen prepare [--blueprint F] [--database URL] [--snapshot F]
//! storegen diff --sql [--blueprint F] [--database URL] [--allow-destructive]
//! storegen ddl     [--blueprint F] [--backend sqlite|postgres|mysql] [--collation C]
//! storegen sql     [--blueprint F] [--backend sqlite|postgres|mysql]
//! storegen diagram [--blueprint F] [--format mermaid|dot]
//! storegen new     DIR [--backend sqlite|postgres|mysql] [--from-database URL] [--force]
//! storegen introspect URL [--schema S] [--tables a,b] [--style snake|keep] [--backends b,c] [--name N] [--snapshot F]
//! storegen migration new NAME [--blueprint F] [--dir D]
//! storegen migration check [--blueprint F] [--dir D] [--database URL]
//! ```

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::blueprint::{self, Blueprint};
use super::diagnostics::{Diagnostic, Report, line_col};
use super::queries::{self, Found, Query, QueryFile};
use super::{diff, drift_diagnostics, introspect, live, snapshot, validate};
use crate::backend::BackendKind;
use crate::backend::connect::Introspected;
use crate::drift::Severity;

const USAGE: &str = "\
storegen: check a blueprint against a database, take schema snapshots, write SQL.

usage:
  storegen check   [--blueprint F] [--database URL] [--snapshot F] [--offline] [--format text|json]
      the drift report: exit 0 when clean, 2 on drift, 1 on any other error.
      Checks the live database (--database, or the blueprint's [database] url), or with
      --offline (or no URL) the snapshot.
  storegen prepare [--blueprint F] [--database URL] [--snapshot F]
      write the snapshot from the live database.
  storegen diff --sql [--blueprint F] [--database URL] [--allow-destructive]
      the SQL that brings the database to the blueprint, in its dialect; dropping
      columns only as comments unless --allow-destructive.
  storegen ddl [--blueprint F] [--backend sqlite|postgres|mysql] [--collation C]
      the CREATE script for a backend (default: the blueprint's first); MySQL:
      --collation utf8mb4_nopad_bin (MariaDB) or utf8mb4_0900_bin (MySQL 8) for the
      NO PAD binary collation `migrate` uses, in place of utf8mb4_bin, which pads.
  storegen sql [--blueprint F] [--backend sqlite|postgres|mysql]
      every store's statements as its operations run them on a backend (default: the
      blueprint's first): the generated module builds them from its schema at run time.
  storegen introspect URL [--schema S] [--tables a,b] [--style snake|keep]
                          [--backends sqlite,postgres,mysql] [--name N] [--snapshot F]
      print a blueprint for an existing database: every table (or those named) as a
      store. --style keep: records named as the tables (default snake: singular).
      --backends: the blueprint's backends (default: the database's). --snapshot:
      also write its snapshot to F (and name F in the blueprint).
  storegen migration new NAME [--blueprint F] [--dir D]
      write the next versioned migration: <dir>/<NNNN>_NAME/ with a script for each
      backend the blueprint lists and the blueprint it ends in. No database needed.
      --dir: default the blueprint's [database] migrations, else migrations/ beside it.
  storegen new DIR [--backend sqlite|postgres|mysql] [--from-database URL] [--force]
      write a service crate that builds and runs: config from the environment, a pool,
      a start-up pre-flight (connect, migrate, verify), GET /health, graceful shutdown,
      sql/init.<backend>.sql, a Dockerfile and compose.yaml. Its blueprint is a starter
      (default backend sqlite), or introspected from --from-database. Existing files are
      listed and left alone unless --force.
  storegen diagram [--blueprint F] [--format mermaid|dot]
      the blueprint as an entity-relationship diagram: stores, fields with their types
      and keys, references with their cardinality (default: Mermaid's erDiagram).
  storegen migration check [--blueprint F] [--dir D] [--database URL]
      apply every migration to a scratch database (SQLite in memory; with --database a
      PostgreSQL or MySQL server URL, a throwaway database there, dropped after) and
      report any drift between the result and the blueprint: exit 0 when clean, 2 on
      drift, 1 on any other error.

  --blueprint F   default: blueprint.toml in the current directory
  --snapshot F    default: the blueprint's [database] snapshot, else storegen.snapshot.toml
                  next to the blueprint
Relative paths in the blueprint (the snapshot, sqlite: URLs) are relative to its folder.
";

/// What went wrong, and the exit code that says so.
struct Failure {
    code: i32,
    text: String,
    /// The blueprint's own diagnostics, when it was the blueprint that failed: `check
    /// --format json` lists them as entries.
    report: Option<Box<Report>>,
    /// A JSON document: it goes to stdout whatever the outcome.
    json: bool,
}

fn fail(text: impl Into<String>) -> Failure {
    Failure {
        code: 1,
        text: text.into(),
        report: None,
        json: false,
    }
}

#[derive(Default)]
struct Options {
    command: String,
    blueprint: Option<PathBuf>,
    database: Option<String>,
    snapshot: Option<PathBuf>,
    offline: bool,
    json: bool,
    sql: bool,
    allow_destructive: bool,
    backend: Option<BackendKind>,
    /// `introspect`'s URL.
    url: Option<String>,
    schema: Option<String>,
    tables: Option<Vec<String>>,
    style: introspect::Style,
    backends: Option<Vec<BackendKind>>,
    name: Option<String>,
    /// `migration`'s words after the command: `new NAME`.
    words: Vec<String>,
    /// `migration new --dir`.
    dir: Option<PathBuf>,
    /// `ddl --collation`: MySQL's binary collation in place of `utf8mb4_bin`.
    collation: Option<String>,
    /// `diagram --format`.
    diagram: Option<super::diagram::Format>,
    /// `new --force`: write over existing files.
    force: bool,
    /// `new --from-database URL`.
    from_database: Option<String>,
}

fn parse_args(args: Vec<OsString>) -> Result<Options, Failure> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args);
    let mut options = Options::default();
    let bad = |e: lexopt::Error| fail(format!("error: {e}\n\n{USAGE}"));
    while let Some(arg) = parser.next().map_err(bad)? {
        match arg {
            Long("blueprint") => options.blueprint = Some(parser.value().map_err(bad)?.into()),
            Long("database") => {
                options.database = Some(parser.value().map_err(bad)?.string().map_err(bad)?)
            }
            Long("snapshot") => options.snapshot = Some(parser.value().map_err(bad)?.into()),
            Long("dir") => options.dir = Some(parser.value().map_err(bad)?.into()),
            Long("collation") => {
                let name = parser.value().map_err(bad)?.string().map_err(bad)?;
                if !crate::model::is_collation_name(&name) {
                    return Err(fail(format!(
                        "error: --collation `{name}` is not a collation name (letters, digits and `_`)"
                    )));
                }
                options.collation = Some(name);
            }
            Long("offline") => options.offline = true,
            Long("force") => options.force = true,
            Long("from-database") => {
                options.from_database = Some(parser.value().map_err(bad)?.string().map_err(bad)?)
            }
            Long("sql") => options.sql = true,
            Long("allow-destructive") => options.allow_destructive = true,
            Long("format") => {
                let format = parser.value().map_err(bad)?.string().map_err(bad)?;
                options.json = match format.as_str() {
                    "json" => true,
                    "text" => false,
                    other => match super::diagram::Format::from_name(other) {
                        Some(diagram) => {
                            options.diagram = Some(diagram);
                            false
                        }
                        None => {
                            return Err(fail(format!(
                                "error: unknown --format `{other}`: expected text or json (check), mermaid or dot (diagram)"
                            )));
                        }
                    },
                };
            }
            Long("backend") => {
                let name = parser.value().map_err(bad)?.string().map_err(bad)?;
                options.backend = Some(BackendKind::from_name(&name).ok_or_else(|| {
                    fail(format!(
                        "error: unknown backend `{name}`: expected sqlite, postgres or mysql"
                    ))
                })?);
            }
            Long("schema") => {
                options.schema = Some(parser.value().map_err(bad)?.string().map_err(bad)?)
            }
            Long("name") => {
                options.name = Some(parser.value().map_err(bad)?.string().map_err(bad)?)
            }
            Long("tables") => {
                let list = parser.value().map_err(bad)?.string().map_err(bad)?;
                options.tables = Some(
                    list.split(',')
                        .map(str::trim)
                        .filter(|t| !t.is_empty())
                        .map(str::to_owned)
                        .collect(),
                );
            }
            Long("style") => {
                let style = parser.value().map_err(bad)?.string().map_err(bad)?;
                options.style = match style.as_str() {
                    "snake" => introspect::Style::Snake,
                    "keep" => introspect::Style::Keep,
                    other => {
                        return Err(fail(format!(
                            "error: unknown --style `{other}`: expected snake or keep"
                        )));
                    }
                };
            }
            Long("backends") => {
                let list = parser.value().map_err(bad)?.string().map_err(bad)?;
                let mut backends = Vec::new();
                for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                    let backend = BackendKind::from_name(name).ok_or_else(|| {
                        fail(format!(
                            "error: unknown backend `{name}`: expected sqlite, postgres or mysql"
                        ))
                    })?;
                    if !backends.contains(&backend) {
                        backends.push(backend);
                    }
                }
                options.backends = Some(backends);
            }
            Short('h') | Long("help") => {
                return Err(Failure {
                    code: 0,
                    text: USAGE.into(),
                    report: None,
                    json: false,
                });
            }
            Value(value) if options.command.is_empty() => {
                options.command = value.string().map_err(bad)?;
            }
            Value(value) if options.command == "migration" || options.command == "new" => {
                options.words.push(value.string().map_err(bad)?);
            }
            Value(value) if options.command == "introspect" && options.url.is_none() => {
                options.url = Some(value.string().map_err(bad)?);
            }
            other => return Err(bad(other.unexpected())),
        }
    }
    Ok(options)
}

/// A read, checked blueprint and where it lives.
struct Loaded {
    blueprint: Blueprint,
    report: Report,
    dir: PathBuf,
}

fn load(options: &Options) -> Result<Loaded, Failure> {
    let path = options
        .blueprint
        .clone()
        .unwrap_or_else(|| PathBuf::from("blueprint.toml"));
    let shown = path.display().to_string();
    let source = std::fs::read_to_string(&path)
        .map_err(|e| fail(format!("error: cannot read the blueprint `{shown}`: {e}")))?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let report = |diagnostics| Report::new(shown.clone(), source.clone(), diagnostics);
    match blueprint::parse(&source) {
        Ok((blueprint, warnings)) => Ok(Loaded {
            blueprint,
            report: report(warnings),
            dir,
        }),
        Err(diagnostics) => {
            let report = report(diagnostics);
            Err(Failure {
                code: 1,
                text: report.render(),
                report: Some(Box::new(report)),
                json: false,
            })
        }
    }
}

fn url(options: &Options, loaded: &Loaded) -> Option<String> {
    options.database.clone().or_else(|| {
        let (written, _) = loaded.blueprint.database.url.as_ref()?;
        live::expand_env(written).0
    })
}

fn snapshot_path(options: &Options, loaded: &Loaded) -> PathBuf {
    match (&options.snapshot, &loaded.blueprint.database.snapshot) {
        (Some(path), _) => path.clone(),
        (None, Some((path, _))) => loaded.dir.join(path),
        (None, None) => loaded.dir.join("storegen.snapshot.toml"),
    }
}

fn introspect(options: &Options, loaded: &Loaded) -> Result<crate::model::Catalog, Failure> {
    introspect_with(options, loaded, &[]).map(|(_, introspected)| introspected.catalog)
}

/// Introspects the database and describes the queries on the same connection.
fn introspect_with(
    options: &Options,
    loaded: &Loaded,
    queries: &[Query],
) -> Result<(BackendKind, Introspected), Failure> {
    let url = url(options, loaded).ok_or_else(|| {
        fail("error: no database URL: pass --database, or set the blueprint's [database] url")
    })?;
    live::introspect(
        &url,
        &loaded.dir,
        &loaded.blueprint.schema,
        &loaded.blueprint.database,
        &|backend| validate::statements(queries, backend).1,
    )
    .map_err(|message| fail(format!("error: {message}")))
}

/// The blueprint's query files, read and parsed, with what they hold wrong.
struct LoadedQueries {
    files: Vec<QueryFile>,
    queries: Vec<Query>,
    found: Found,
}

fn load_queries(loaded: &Loaded) -> LoadedQueries {
    let mut found = Found::default();
    let files = queries::read_files(
        &loaded.blueprint.queries,
        &loaded.dir,
        &mut Vec::new(),
        &mut found,
    );
    let queries = queries::parse(&files, &loaded.blueprint.schema, &mut found);
    LoadedQueries {
        files,
        queries,
        found,
    }
}

fn read_snapshot_file(path: &Path) -> Result<snapshot::Snapshot, Failure> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| fail(format!("error: cannot read the snapshot `{shown}`: {e}")))?;
    snapshot::parse(&text).map_err(|d| {
        let at = d.span.as_ref().map_or(shown.clone(), |s| {
            let (line, col) = line_col(&text, s.start);
            format!("{shown}:{line}:{col}")
        });
        fail(format!("error: {at}: {}", d.message))
    })
}

/// Runs the command with `args` (without the program name); returns the exit code.
pub fn run(args: Vec<OsString>, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let result = parse_args(args).and_then(|options| match options.command.as_str() {
        "check" if options.diagram.is_some() => Err(fail(
            "error: `storegen check` answers in --format text or json",
        )),
        "check" => check(&options, out),
        "prepare" => prepare(&options, out),
        "diff" if options.sql => {
            let loaded = load(&options)?;
            let catalog = introspect(&options, &loaded)?;
            let script = diff::sql(
                &loaded.blueprint.schema,
                &catalog,
                options.allow_destructive,
            );
            let script = if script.is_empty() {
                "-- the database matches the blueprint: nothing to do\n".to_owned()
            } else {
                script
            };
            write!(out, "{script}").map_err(|e| fail(e.to_string()))
        }
        "diff" => Err(fail(
            "error: `storegen diff` writes SQL: run `storegen diff --sql`",
        )),
        "ddl" => {
            let loaded = load(&options)?;
            let backend = options
                .backend
                .or_else(|| loaded.blueprint.schema.backends.first().copied())
                .unwrap_or(BackendKind::Sqlite);
            let script = diff::ddl_text(
                &loaded.blueprint.schema,
                backend,
                options.collation.as_deref(),
            )
            .map_err(|e| fail(format!("error: {e}")))?;
            write!(out, "{script}").map_err(|e| fail(e.to_string()))
        }
        "sql" => {
            let loaded = load(&options)?;
            let schema = &loaded.blueprint.schema;
            let backend = options
                .backend
                .or_else(|| schema.backends.first().copied())
                .unwrap_or(BackendKind::Sqlite);
            let script: Vec<String> = schema
                .stores
                .iter()
                .map(|store| {
                    crate::sql::statements::StoreSql::new(store, backend.dialect())
                        .script(&store.name)
                })
                .collect();
            write!(out, "{}", script.join("\n")).map_err(|e| fail(e.to_string()))
        }
        "diagram" if options.json => Err(fail(
            "error: `storegen diagram` writes --format mermaid or dot, not json",
        )),
        "diagram" => {
            let loaded = load(&options)?;
            let format = options.diagram.unwrap_or(super::diagram::Format::Mermaid);
            write!(
                out,
                "{}",
                super::diagram::render(&loaded.blueprint.schema, format)
            )
            .map_err(|e| fail(e.to_string()))
        }
        "introspect" => introspect_command(&options, out),
        "new" => new_command(&options, out),
        "migration" => migration_command(&options, out, err),
        "" => Err(fail(USAGE)),
        other => Err(fail(format!("error: unknown command `{other}`\n\n{USAGE}"))),
    });
    match result {
        Ok(()) => 0,
        Err(failure) => {
            // A report (clean or drifted) goes to stdout; errors to stderr.
            let stream: &mut dyn Write = if failure.code == 1 && !failure.json {
                err
            } else {
                out
            };
            let newline = if failure.text.ends_with('\n') {
                ""
            } else {
                "\n"
            };
            let _ = write!(stream, "{}{newline}", failure.text);
            failure.code
        }
    }
}

/// `migration new NAME`: the next migration's folder; what it loses, on stderr.
fn migration_command(
    options: &Options,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Failure> {
    let name = match options.words.as_slice() {
        [new, name] if new == "new" => name,
        [check] if check == "check" => return migration_check(options, out),
        [new] if new == "new" => {
            return Err(fail(
                "error: `storegen migration new` needs a name: `storegen migration new add_phone`",
            ));
        }
        _ => {
            return Err(fail(format!(
                "error: expected `migration new NAME` or `migration check`\n\n{USAGE}"
            )));
        }
    };
    let loaded = load(options)?;
    let dir = migrations_dir(options, &loaded);
    let path = options
        .blueprint
        .clone()
        .unwrap_or_else(|| PathBuf::from("blueprint.toml"));
    let source = std::fs::read_to_string(&path).map_err(|e| {
        fail(format!(
            "error: cannot read the blueprint `{}`: {e}",
            path.display()
        ))
    })?;
    let created = super::migrations::create(&dir, name, &source, &loaded.blueprint)
        .map_err(|e| fail(format!("error: {e}")))?;
    let io = |e: std::io::Error| fail(e.to_string());
    match created {
        super::migrations::Created::Nothing { last } => {
            let since = last.map_or_else(
                || "the blueprint declares nothing to create".to_owned(),
                |l| format!("the blueprint is as migration {l} left it"),
            );
            writeln!(out, "nothing to do: {since}; no migration written").map_err(io)
        }
        super::migrations::Created::Written {
            dir,
            label,
            files,
            destructive,
        } => {
            writeln!(out, "wrote migration {label} in {}:", dir.display()).map_err(io)?;
            for file in files {
                writeln!(out, "  {}", file.display()).map_err(io)?;
            }
            if !destructive.is_empty() {
                writeln!(
                    err,
                    "migration {label} loses data; review these before you commit it:"
                )
                .map_err(io)?;
                for line in destructive {
                    writeln!(err, "  destructive: {line}").map_err(io)?;
                }
            }
            Ok(())
        }
    }
}

/// The migrations folder: `--dir`, else the blueprint's `[database] migrations`, else
/// `migrations/` beside the blueprint.
fn migrations_dir(options: &Options, loaded: &Loaded) -> PathBuf {
    match (&options.dir, &loaded.blueprint.database.migrations) {
        (Some(dir), _) => dir.clone(),
        (None, Some((dir, _))) => loaded.dir.join(dir),
        (None, None) => loaded.dir.join("migrations"),
    }
}

/// `migration check`: the whole chain applied to scratch databases, compared with the
/// blueprint.
fn migration_check(options: &Options, out: &mut dyn Write) -> Result<(), Failure> {
    use crate::runtime::{EmbeddedMigration, MigrationScript, Migrations};
    let loaded = load(options)?;
    let dir = migrations_dir(options, &loaded);
    let blueprint = &loaded.blueprint;
    let embedded = super::migrations::embedded(&dir, blueprint, &mut Vec::new())
        .map_err(|(message, help)| fail(format!("error: {message}\n  = help: {help}")))?;
    // A command runs once: the embedded scripts may live as long as it does.
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let list: Vec<EmbeddedMigration> = embedded
        .into_iter()
        .map(|m| EmbeddedMigration {
            version: m.version,
            name: leak(m.name),
            scripts: Box::leak(
                m.scripts
                    .into_iter()
                    .map(|(backend, checksum, statements)| MigrationScript {
                        backend,
                        checksum: leak(checksum),
                        statements: Box::leak(
                            statements
                                .into_iter()
                                .map(leak)
                                .collect::<Vec<_>>()
                                .into_boxed_slice(),
                        ),
                    })
                    .collect::<Vec<_>>()
                    .into_boxed_slice(),
            ),
        })
        .collect();
    let set = Migrations {
        schema: leak(blueprint.schema.name.clone()),
        list: Box::leak(list.into_boxed_slice()),
    };
    let mut runs: Vec<(String, Result<Vec<crate::drift::Drift>, String>)> = Vec::new();
    if blueprint.schema.backends.contains(&BackendKind::Sqlite) {
        let result = rusqlite::Connection::open_in_memory()
            .map_err(|e| e.to_string())
            .and_then(|mut conn| apply_and_verify(&mut conn, &set, blueprint));
        runs.push(("SQLite, in memory".to_owned(), result));
    }
    if let Some(url) = &options.database {
        runs.push(scratch_server(url, &set, blueprint)?);
    }
    let mut text = String::new();
    let mut drifted = false;
    let mut failed = false;
    for (place, result) in runs {
        match result {
            Ok(drifts) if drifts.is_empty() => text.push_str(&format!(
                "{place}: {} migration{} applied; the result matches the blueprint\n",
                set.list.len(),
                if set.list.len() == 1 { "" } else { "s" }
            )),
            Ok(drifts) => {
                drifted = true;
                let report = Report::new(
                    loaded.report.path.clone(),
                    loaded.report.source.clone(),
                    super::diagnostics_of(blueprint, drifts),
                );
                text.push_str(&format!(
                    "{place}: the migrations end in a schema that differs from the blueprint:\n{}",
                    report.render()
                ));
            }
            Err(message) => {
                failed = true;
                text.push_str(&format!("{place}: {message}\n"));
            }
        }
    }
    if failed || drifted {
        return Err(Failure {
            code: if failed { 1 } else { 2 },
            text,
            report: None,
            json: false,
        });
    }
    write!(out, "{text}").map_err(|e| fail(e.to_string()))
}

/// Applies `set` on `conn` and reads back the drift from the blueprint.
fn apply_and_verify<C: crate::runtime::Connection>(
    conn: &mut C,
    set: &crate::runtime::Migrations,
    blueprint: &Blueprint,
) -> Result<Vec<crate::drift::Drift>, String> {
    crate::runtime::migrate_versioned(conn, set, crate::runtime::MigrateOptions::default())
        .map_err(|e| e.to_string())?;
    match crate::runtime::verify(conn, &blueprint.schema) {
        Ok(warnings) => Ok(warnings),
        Err(crate::runtime::Error::Drift(drifts)) => Ok(drifts),
        Err(e) => Err(e.to_string()),
    }
}

/// A throwaway database on the server `url` names: created, migrated, compared, dropped.
fn scratch_server(
    url: &str,
    set: &crate::runtime::Migrations,
    blueprint: &Blueprint,
) -> Result<(String, Result<Vec<crate::drift::Drift>, String>), Failure> {
    let shown = crate::backend::redact(url);
    let name = format!(
        "storegen_check_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos())
    );
    let cannot = |e: &dyn std::fmt::Display| fail(format!("error: cannot use `{shown}`: {e}"));
    let scheme = url.split_once("://").map_or("", |(scheme, _)| scheme);
    match scheme {
        "postgres" | "postgresql" => {
            let config: postgres::Config = url.parse().map_err(|e| cannot(&e))?;
            let mut admin = config.connect(postgres::NoTls).map_err(|e| cannot(&e))?;
            admin
                .batch_execute(&format!("CREATE DATABASE \"{name}\""))
                .map_err(|e| cannot(&e))?;
            let result = (|| {
                let mut scratch = config.clone();
                scratch.dbname(&name);
                let mut conn = scratch
                    .connect(postgres::NoTls)
                    .map_err(|e| e.to_string())?;
                apply_and_verify(&mut conn, set, blueprint)
            })();
            let dropped = admin.batch_execute(&format!("DROP DATABASE \"{name}\""));
            dropped.map_err(|e| cannot(&e))?;
            Ok((
                format!("PostgreSQL, scratch database {name} (dropped)"),
                result,
            ))
        }
        "mysql" | "mariadb" => {
            use mysql::prelude::Queryable;
            let url = url.replacen("mariadb://", "mysql://", 1);
            let opts = mysql::Opts::from_url(&url).map_err(|e| cannot(&e))?;
            let mut admin = mysql::Conn::new(opts.clone()).map_err(|e| cannot(&e))?;
            admin
                .query_drop(format!("CREATE DATABASE `{name}`"))
                .map_err(|e| cannot(&e))?;
            let result = (|| {
                let scratch = mysql::OptsBuilder::from_opts(opts.clone()).db_name(Some(&name));
                let mut conn = mysql::Conn::new(scratch).map_err(|e| e.to_string())?;
                apply_and_verify(&mut conn, set, blueprint)
            })();
            admin
                .query_drop(format!("DROP DATABASE `{name}`"))
                .map_err(|e| cannot(&e))?;
            Ok((format!("MySQL, scratch database {name} (dropped)"), result))
        }
        _ => Err(fail(format!(
            "error: `migration check --database` takes a PostgreSQL or MySQL server URL (SQLite is checked in memory always), not `{shown}`"
        ))),
    }
}

/// `introspect`: the blueprint of an existing database, on stdout. The blueprint is
/// read back as a build would read it; a problem there is storegen's, and said so.
fn introspect_command(options: &Options, out: &mut dyn Write) -> Result<(), Failure> {
    let url = options.url.clone().ok_or_else(|| {
        fail(format!(
            "error: `storegen introspect` needs the database's URL\n\n{USAGE}"
        ))
    })?;
    // A relative `sqlite:` path is the working directory's.
    let catalog = live::read_catalog(
        &url,
        Path::new(""),
        options.schema.clone(),
        options.tables.clone(),
    )
    .map_err(|message| fail(format!("error: {message}")))?;
    if let Some(wanted) = &options.tables {
        let missing: Vec<&str> = wanted
            .iter()
            .filter(|t| catalog.table(t).is_none())
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            return Err(fail(format!(
                "error: no table {} in the database",
                missing
                    .iter()
                    .map(|t| format!("`{t}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    let name = options.name.clone().unwrap_or_else(|| database_name(&url));
    let text = introspect::blueprint(
        &catalog,
        &introspect::Options {
            name,
            backends: options
                .backends
                .clone()
                .unwrap_or_else(|| vec![catalog.backend]),
            schema: options.schema.clone(),
            style: options.style,
            snapshot: options.snapshot.as_ref().map(|p| p.display().to_string()),
        },
    );
    let printed = match blueprint::parse(&text) {
        Ok((printed, _)) => printed,
        Err(diagnostics) => {
            let report = Report::new(
                "(introspected blueprint)".to_owned(),
                text.clone(),
                diagnostics,
            );
            return Err(fail(format!(
                "error: storegen wrote a blueprint it can't read back (a bug; please report it):\n{}",
                report.render()
            )));
        }
    };
    if let Some(path) = &options.snapshot {
        // The snapshot of the printed blueprint's tables, as `prepare` would take it.
        let mut catalog = catalog.clone();
        let schema = &printed.schema;
        catalog.tables.retain(|t| {
            schema
                .stores
                .iter()
                .any(|s| catalog.backend.same_identifier(&s.table, &t.name))
        });
        super::write_if_changed(path, &snapshot::render(schema, &catalog))
            .map_err(|e| fail(format!("error: {e}")))?;
    }
    write!(out, "{text}").map_err(|e| fail(e.to_string()))
}

/// `new DIR`: the service crate.
fn new_command(options: &Options, out: &mut dyn Write) -> Result<(), Failure> {
    use super::scaffold;
    let [dir] = options.words.as_slice() else {
        return Err(fail(format!(
            "error: `storegen new` takes the folder to write: `storegen new my-service`\n\n{USAGE}"
        )));
    };
    let dir = PathBuf::from(dir);
    let name = blueprint::names::snake_case(&scaffold::crate_name(&dir));
    let (text, backend, catalog) = match &options.from_database {
        Some(url) => {
            let catalog = live::read_catalog(url, Path::new(""), None, None)
                .map_err(|message| fail(format!("error: {message}")))?;
            if let Some(asked) = options.backend
                && asked != catalog.backend
            {
                return Err(fail(format!(
                    "error: --backend {} but --from-database is a {} database",
                    asked.name(),
                    catalog.backend.rules().about().display_name
                )));
            }
            let text = introspect::blueprint(
                &catalog,
                &introspect::Options {
                    name,
                    backends: vec![catalog.backend],
                    schema: None,
                    style: introspect::Style::default(),
                    snapshot: Some("storegen.snapshot.toml".to_owned()),
                },
            );
            (text, catalog.backend, Some(catalog))
        }
        None => {
            let backend = options.backend.unwrap_or(BackendKind::Sqlite);
            (scaffold::starter_blueprint(&name, backend), backend, None)
        }
    };
    let schema = match blueprint::parse(&text) {
        Ok((parsed, _)) => parsed.schema,
        Err(diagnostics) => {
            let report = Report::new("(the service's blueprint)".to_owned(), text, diagnostics);
            return Err(fail(format!(
                "error: storegen wrote a blueprint it can't read back (a bug; please report it):\n{}",
                report.render()
            )));
        }
    };
    // The snapshot the first build is checked against: the database's tables, or the
    // ones storegen's own `migrate` makes.
    let catalog = match catalog {
        Some(mut catalog) => {
            catalog.tables.retain(|t| {
                schema
                    .stores
                    .iter()
                    .any(|s| catalog.backend.same_identifier(&s.table, &t.name))
            });
            catalog.denied.clear();
            catalog
        }
        None => backend.rules().created_catalog(&schema),
    };
    let service = scaffold::NewService {
        dir: &dir,
        backend,
        blueprint: text,
        snapshot: snapshot::render(&schema, &catalog),
        force: options.force,
    };
    let written = scaffold::write(&service, &schema).map_err(|e| fail(format!("error: {e}")))?;
    let listed: Vec<String> = written
        .iter()
        .map(|p| format!("  {}", p.display()))
        .collect();
    write!(
        out,
        "wrote the service `{}` in {}:\n{}\n\nnext:\n  cd {}\n  DATABASE_URL=<your database's URL> cargo run -- --migrate\n  curl localhost:8080/health\n",
        scaffold::crate_name(&dir),
        dir.display(),
        listed.join("\n"),
        dir.display()
    )
    .map_err(|e| fail(e.to_string()))
}

/// A blueprint name from the database's: the URL's last path part or file stem, in
/// snake_case.
fn database_name(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let last = path.rsplit(['/', ':']).next().unwrap_or("");
    let stem = last.rsplit_once('.').map_or(last, |(stem, _)| stem);
    let name = blueprint::names::snake_case(stem);
    if blueprint::names::is_snake_case(&name) && !stem.is_empty() {
        name
    } else {
        "database".into()
    }
}

/// `check`. With `--format json` every outcome is one JSON document: clean, drift
/// (exit 2), or an error (exit 1) — a blueprint's located diagnostics as entries, any
/// other failure (no URL and no snapshot, an unreadable file, an unreachable server) as
/// its message.
fn check(options: &Options, out: &mut dyn Write) -> Result<(), Failure> {
    match check_inner(options, out) {
        Err(failure) if options.json && failure.code != 2 => {
            let text = match &failure.report {
                Some(report) => json_report(
                    "error",
                    None,
                    &report.all().map(|(r, d)| (d, r)).collect::<Vec<_>>(),
                    None,
                ),
                None => json_report(
                    "error",
                    None,
                    &[],
                    Some(failure.text.trim().trim_start_matches("error: ")),
                ),
            };
            Err(Failure {
                code: failure.code,
                text,
                report: None,
                json: true,
            })
        }
        other => other,
    }
}

fn check_inner(options: &Options, out: &mut dyn Write) -> Result<(), Failure> {
    let loaded = load(options)?;
    let blueprint = &loaded.blueprint;
    let LoadedQueries {
        files,
        queries,
        mut found,
    } = load_queries(&loaded);
    let mut shapes = vec![None; queries.len()];
    let use_snapshot = options.offline || url(options, &loaded).is_none();
    let path = snapshot_path(options, &loaded);
    let (backend, diagnostics) = if use_snapshot {
        let shown = path.display().to_string();
        if !options.offline && !path.is_file() {
            return Err(fail(format!(
                "error: nothing to check against: no database URL (--database, or the blueprint's [database] url) and no snapshot at `{shown}`"
            )));
        }
        let snap = read_snapshot_file(&path)?;
        let mut diagnostics =
            snapshot::staleness(&blueprint.schema, &blueprint.spans, &snap, Severity::Error);
        diagnostics.extend(drift_diagnostics(blueprint, &snap.catalog));
        validate::describe_from_snapshot(
            &blueprint.schema,
            &queries,
            &snap,
            &shown,
            &mut found,
            &mut shapes,
        );
        (snap.catalog.backend, diagnostics)
    } else {
        let (backend, introspected) = introspect_with(options, &loaded, &queries)?;
        validate::describe_live(
            &blueprint.schema,
            &queries,
            backend,
            &introspected,
            &mut found,
            &mut shapes,
        );
        if path.is_file()
            && let Ok(snap) = read_snapshot_file(&path)
        {
            validate::compare_with_snapshot(
                &blueprint.schema,
                &queries,
                backend,
                &snap,
                &mut found,
                &shapes,
            );
        }
        (backend, drift_diagnostics(blueprint, &introspected.catalog))
    };
    let mut report = loaded.report;
    report.diagnostics.extend(diagnostics);
    report.also = found.into_reports(&files, &mut report.diagnostics);
    let drifted = report.has_errors();
    let text = if options.json {
        json_report(
            if drifted { "drift" } else { "clean" },
            Some(backend),
            &report.all().map(|(r, d)| (d, r)).collect::<Vec<_>>(),
            None,
        )
    } else if drifted {
        report.render()
    } else {
        // Warnings (the blueprint's, or drift that breaks nothing) above the verdict.
        let warnings = if report.all().next().is_none() {
            String::new()
        } else {
            report.render()
        };
        format!(
            "{warnings}{}: clean: the {backend} database matches the blueprint\n",
            report.path
        )
    };
    if drifted {
        return Err(Failure {
            code: 2,
            text,
            report: None,
            json: options.json,
        });
    }
    write!(out, "{text}").map_err(|e| fail(e.to_string()))
}

fn prepare(options: &Options, out: &mut dyn Write) -> Result<(), Failure> {
    let loaded = load(options)?;
    let LoadedQueries {
        files,
        queries,
        mut found,
    } = load_queries(&loaded);
    let (backend, introspected) = introspect_with(options, &loaded, &queries)?;
    let mut shapes = vec![None; queries.len()];
    let schema = &loaded.blueprint.schema;
    validate::describe_live(
        schema,
        &queries,
        backend,
        &introspected,
        &mut found,
        &mut shapes,
    );
    let path = snapshot_path(options, &loaded);
    // Another backend's descriptions of the same texts stay: `prepare` runs once per
    // database URL of a blueprint that lists several.
    let old = path
        .is_file()
        .then(|| read_snapshot_file(&path).ok())
        .flatten();
    if let Some(snap) = &old {
        validate::compare_with_snapshot(schema, &queries, backend, snap, &mut found, &shapes);
    }
    if found.has_errors() {
        let mut blueprint_diagnostics = Vec::new();
        let also = found.into_reports(&files, &mut blueprint_diagnostics);
        let report = Report {
            also,
            ..Report::new(
                loaded.report.path.clone(),
                loaded.report.source.clone(),
                blueprint_diagnostics,
            )
        };
        return Err(fail(format!(
            "{}error: the snapshot was not written: the queries have errors",
            report.render()
        )));
    }
    let catalog = introspected.catalog;
    let entries = validate::query_entries(&queries, backend, &shapes, old.as_ref());
    let text = snapshot::render_with_queries(schema, &catalog, &entries);
    super::write_if_changed(&path, &text).map_err(|e| fail(format!("error: {e}")))?;
    let drift = drift_diagnostics(&loaded.blueprint, &catalog);
    let errors = drift.iter().filter(|d| d.is_error()).count();
    let mut message = format!(
        "wrote {}: {} of {} tables, from {} {}\n",
        path.display(),
        catalog.tables.len(),
        loaded.blueprint.schema.stores.len(),
        catalog.backend,
        catalog.server_version
    );
    if !queries.is_empty() {
        message.push_str(&format!(
            "described {} quer{} on {backend}\n",
            queries.len(),
            if queries.len() == 1 { "y" } else { "ies" }
        ));
    }
    if errors > 0 {
        message.push_str(&format!(
            "note: the database differs from the blueprint ({errors} error{}); builds checked against this snapshot will fail until it matches: see `storegen check`\n",
            if errors == 1 { "" } else { "s" }
        ));
    }
    write!(out, "{message}").map_err(|e| fail(e.to_string()))
}

/// The report as JSON: `{"status", "backend", "diagnostics": [{severity, message,
/// file, line, column, help}], "error"}`.
fn json_report(
    status: &str,
    backend: Option<BackendKind>,
    diagnostics: &[(&Diagnostic, &Report)],
    error: Option<&str>,
) -> String {
    let items: Vec<serde_json::Value> = diagnostics
        .iter()
        .map(|(d, report)| {
            let (line, column) = d
                .span
                .as_ref()
                .map(|s| report.line_col(s.start))
                .map_or((None, None), |(l, c)| (Some(l), Some(c)));
            serde_json::json!({
                "severity": if d.is_error() { "error" } else { "warning" },
                "message": d.message,
                "file": report.path,
                "line": line,
                "column": column,
                "help": d.help,
            })
        })
        .collect();
    let mut value = serde_json::json!({
        "status": status,
        "backend": backend.map(BackendKind::name),
        "diagnostics": items,
    });
    if let Some(error) = error {
        value["error"] = serde_json::Value::String(error.trim().to_owned());
    }
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// The command's entry point: runs with the process's arguments and exits.
pub fn main() -> ! {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let code = run(args, &mut std::io::stdout(), &mut std::io::stderr());
    std::process::exit(code)
}

//! Custom queries at build time, against the live databases:
//!
//! - every bad query under `fixtures/bad_queries/<backend>/` fails the build with exactly
//!   the diagnostics in the `.stderr` file beside it, checked against that backend;
//! - all the problems of all the files come in one run;
//! - the snapshot of the `reports` golden (`fixtures/golden/queries`) is what
//!   `storegen prepare` writes against the three backends today;
//! - a query whose text changed since the snapshot, or that it lacks, fails an offline
//!   build, naming the query and the command that refreshes it.

mod support;

use std::path::{Path, PathBuf};

use storegen::BackendKind;
use storegen::build::{BuildError, Checked, render_error};
use support::databases::{self, TestDb};
use support::{Expectations, files, root};

fn ddl(blueprint: &str, backend: BackendKind) -> String {
    let (parsed, _) = storegen::build::blueprint::parse(blueprint).unwrap();
    storegen::build::diff::ddl(&parsed.schema, backend)
}

/// A database of each backend holding a blueprint's tables: its URL, and what keeps it.
enum Database {
    /// The file's folder (removed when dropped), and the URL.
    Sqlite(#[allow(dead_code)] tempfile::TempDir, String),
    Server(TestDb),
}

impl Database {
    fn url(&self) -> &str {
        match self {
            Database::Sqlite(_, url) => url,
            Database::Server(db) => &db.url,
        }
    }

    /// The database's name, which a server's message may hold: it differs each run.
    fn name(&self) -> Option<&str> {
        match self {
            Database::Sqlite(..) => None,
            Database::Server(db) => Some(&db.name),
        }
    }
}

fn database(backend: BackendKind, test: &str, blueprint: &str) -> Option<Database> {
    let script = ddl(blueprint, backend);
    match backend {
        BackendKind::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("test.db");
            storegen::rusqlite::Connection::open(&path)
                .unwrap()
                .execute_batch(&script)
                .unwrap();
            let url = format!("sqlite:{}", path.display());
            Some(Database::Sqlite(dir, url))
        }
        BackendKind::Postgres => {
            let db = databases::postgres(test)?;
            db.execute(&script);
            Some(Database::Server(db))
        }
        BackendKind::Mysql => {
            let db = databases::mysql(test)?;
            db.execute(&db.as_migrate_runs(&script));
            Some(Database::Server(db))
        }
    }
}

/// A project in a temporary folder: the blueprint, and the query files under `queries/`.
fn project(blueprint: &str, queries: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("blueprint.toml"), blueprint).unwrap();
    std::fs::create_dir(dir.path().join("queries")).unwrap();
    for (name, text) in queries {
        std::fs::write(dir.path().join("queries").join(name), text).unwrap();
    }
    dir
}

fn builder(dir: &Path) -> storegen::Builder {
    storegen::Builder::new()
        .blueprint(dir.join("blueprint.toml"))
        .out_dir(dir.join("out"))
        .emit_cargo_directives(false)
}

/// The rendered error, with the temporary folder left out of the paths.
fn rendered(error: &BuildError, dir: &Path) -> String {
    render_error(error).replace(&format!("{}/", dir.display()), "")
}

#[test]
fn each_bad_query_reports_its_exact_diagnostics_against_its_backend() {
    let blueprint =
        std::fs::read_to_string(root().join("fixtures/bad_queries/blueprint.toml")).unwrap();
    let mut expectations = Expectations::default();
    let mut count = 0;
    for backend in BackendKind::ALL {
        let cases = files(&format!("fixtures/bad_queries/{}", backend.name()), "sql");
        let Some(db) = database(backend, "bad_queries", &blueprint) else {
            continue;
        };
        for case in cases {
            count += 1;
            let name = case.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&case).unwrap();
            let dir = project(&blueprint, &[(&name, &text)]);
            let result = builder(dir.path())
                .database(db.url())
                .validate(storegen::Validate::Live)
                .generate()
                .into_result();
            let output = match result {
                Err(error @ BuildError::Blueprint(_)) => {
                    let text = rendered(&error, dir.path());
                    match db.name() {
                        Some(name) => text.replace(name, "<database>"),
                        None => text,
                    }
                }
                Err(other) => panic!("{name}: expected located diagnostics, got {other}"),
                Ok(_) => panic!("{} {name}: a bad query generated code", backend.name()),
            };
            expectations.check(&case.with_extension("stderr"), &output);
        }
    }
    if databases::required("postgres") && databases::required("mysql") {
        assert!(
            count >= 15,
            "the corpus holds {count} bad queries; keep at least 15"
        );
    }
    expectations.finish();
}

#[test]
fn every_problem_of_every_query_file_comes_in_one_run() {
    let blueprint =
        std::fs::read_to_string(root().join("fixtures/bad_queries/blueprint.toml")).unwrap();
    let db = database(BackendKind::Sqlite, "all_at_once", &blueprint).unwrap();
    let cases: Vec<(String, String)> = files("fixtures/bad_queries/sqlite", "sql")
        .iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(p).unwrap(),
            )
        })
        .collect();
    let borrowed: Vec<(&str, &str)> = cases
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let dir = project(&blueprint, &borrowed);
    let Err(BuildError::Blueprint(report)) = builder(dir.path())
        .database(db.url())
        .validate(storegen::Validate::Live)
        .generate()
        .into_result()
    else {
        panic!("expected diagnostics");
    };
    // Every file with a problem has its own report, in file order.
    let with_errors: Vec<String> = report
        .also
        .iter()
        .filter(|r| r.has_errors())
        .map(|r| r.path.clone())
        .collect();
    let expected: Vec<String> = cases
        .iter()
        .map(|(name, _)| format!("queries/{name}"))
        .collect();
    assert_eq!(with_errors, expected);
    // A duplicate across files is found too: `emails` is in several.
    let all = report.render();
    assert!(
        all.contains("query `emails` is declared twice (first in `queries/"),
        "{all}"
    );
}

/// Runs `storegen prepare` for `blueprint` against a database of `backend`.
fn prepare(blueprint: &Path, snapshot: &Path, url: &str) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let code = storegen::build::cli::run(
        vec![
            "prepare".into(),
            "--blueprint".into(),
            blueprint.into(),
            "--database".into(),
            url.into(),
            "--snapshot".into(),
            snapshot.into(),
        ],
        &mut out,
        &mut err,
    );
    assert_eq!(
        code,
        0,
        "prepare against {url}: {}{}",
        String::from_utf8_lossy(&out),
        String::from_utf8_lossy(&err)
    );
}

#[test]
fn the_committed_snapshots_are_what_prepare_writes_against_the_three_backends() {
    // The reports golden, the quickstart and the benchmark.
    let committed = [
        ("fixtures/golden/queries", 13),
        ("examples/quickstart", 1),
        ("build-support/bench", 1),
    ];
    for (folder, queries) in committed {
        check_snapshot(&root().join(folder), queries);
    }
}

fn check_snapshot(folder: &Path, queries: usize) {
    let blueprint_path = folder.join("blueprint.toml");
    let blueprint = std::fs::read_to_string(&blueprint_path).unwrap();
    let mut dbs = Vec::new();
    // The order the committed snapshot was taken in: its catalog is the last one's.
    for backend in [
        BackendKind::Postgres,
        BackendKind::Mysql,
        BackendKind::Sqlite,
    ] {
        match database(backend, "committed_snapshot", &blueprint) {
            Some(db) => dbs.push(db),
            None => return, // a skipped server (with its notice)
        }
    }
    let out = tempfile::tempdir().unwrap();
    let snapshot: PathBuf = out.path().join("storegen.snapshot.toml");
    for db in &dbs {
        prepare(&blueprint_path, &snapshot, db.url());
    }
    let written = std::fs::read_to_string(&snapshot).unwrap();
    // Every query, described by each backend.
    assert_eq!(written.matches("[[queries]]").count(), 3 * queries);
    let without_versions = |text: &str| {
        text.lines()
            .filter(|l| !l.starts_with("server_version"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let committed = std::fs::read_to_string(folder.join("storegen.snapshot.toml")).unwrap();
    if without_versions(&committed) != without_versions(&written) {
        let mut expectations = Expectations::default();
        expectations.check(&folder.join("storegen.snapshot.toml"), &written);
        expectations.finish();
    }
}

const SMALL: &str = r#"
[blueprint]
name = "small"

[database]
snapshot = "storegen.snapshot.toml"

[queries]
files = ["queries/*.sql"]

[stores.notes.fields]
id = { type = "int64", primary_key = true, generated = true }
body = "text"
"#;

#[test]
fn an_offline_build_refuses_a_query_changed_since_the_snapshot_or_missing_from_it() {
    let dir = project(
        SMALL,
        &[(
            "notes.sql",
            "-- name: bodies :many\nSELECT body FROM notes;\n",
        )],
    );
    let db = database(BackendKind::Sqlite, "offline", SMALL).unwrap();
    prepare(
        &dir.path().join("blueprint.toml"),
        &dir.path().join("storegen.snapshot.toml"),
        db.url(),
    );
    let offline = || {
        builder(dir.path())
            .validate(storegen::Validate::Snapshot)
            .generate()
            .into_result()
    };
    let generated = offline().unwrap();
    assert_eq!(generated.checked, Checked::Snapshot);
    let code = std::fs::read_to_string(&generated.path).unwrap();
    assert!(code.contains("pub fn bodies<"), "{code}");

    // The text changed: the snapshot describes another statement.
    std::fs::write(
        dir.path().join("queries/notes.sql"),
        "-- name: bodies :many\nSELECT body FROM notes ORDER BY id;\n\n-- name: ids :many\nSELECT id FROM notes;\n",
    )
    .unwrap();
    let error = offline().unwrap_err();
    assert_eq!(
        rendered(&error, dir.path()),
        "\
error: query `bodies` changed since the snapshot `storegen.snapshot.toml` was taken
 --> queries/notes.sql:1:10
  |
1 | -- name: bodies :many
  |          ^^^^^^
  |
  = help: refresh it: `storegen prepare --database <url>` against each backend the blueprint lists (or a build with a live database and STOREGEN_WRITE_SNAPSHOT=1)

error: query `ids` is not in the snapshot `storegen.snapshot.toml`
 --> queries/notes.sql:4:10
  |
4 | -- name: ids :many
  |          ^^^
  |
  = help: refresh it: `storegen prepare --database <url>` against each backend the blueprint lists (or a build with a live database and STOREGEN_WRITE_SNAPSHOT=1)

queries/notes.sql: 2 errors
"
    );
    // Refreshed, it builds offline again.
    prepare(
        &dir.path().join("blueprint.toml"),
        &dir.path().join("storegen.snapshot.toml"),
        db.url(),
    );
    assert!(offline().is_ok());
}

#[test]
fn a_build_without_a_database_or_snapshot_says_the_queries_were_not_described() {
    let blueprint = SMALL.replace("snapshot = \"storegen.snapshot.toml\"\n", "");
    let dir = project(
        &blueprint,
        &[(
            "notes.sql",
            "-- name: bodies :many\nSELECT body FROM notes;\n",
        )],
    );
    let error = builder(dir.path()).generate().into_result().unwrap_err();
    let text = rendered(&error, dir.path());
    assert!(
        text.contains("error: query `bodies` was not described: the build checked against no database and no snapshot"),
        "{text}"
    );
}

#[test]
fn a_pattern_that_matches_nothing_is_located_in_the_blueprint() {
    let blueprint = SMALL.replace("queries/*.sql", "sql/*.sql");
    let dir = project(&blueprint, &[]);
    let error = builder(dir.path())
        .validate(storegen::Validate::Off)
        .generate()
        .into_result()
        .unwrap_err();
    let text = rendered(&error, dir.path());
    assert!(
        text.contains("error: `sql/*.sql` matches no file\n"),
        "{text}"
    );
    assert!(text.contains("blueprint.toml:9:"), "{text}");
}

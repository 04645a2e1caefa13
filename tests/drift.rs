//! Drift against real databases: each `fixtures/drift/<backend>/*.sql` builds a database
//! (an SQLite file, or a database of its own on the PostgreSQL or MariaDB test server),
//! the Builder validates `fixtures/drift/blueprint.toml` against it live, and the output
//! (every diagnostic, or the warnings of a build that succeeds) must match the `.stderr`
//! file beside the SQL — located in the blueprint the same way on every backend.

mod support;

use std::path::Path;

use storegen::rusqlite::Connection;
use storegen::{BuildError, Builder, Validate};
use support::databases::{self, TestDb};
use support::{Expectations, files};

fn validate_against(url: &str, out: &Path) -> String {
    let result = Builder::new()
        .blueprint("fixtures/drift/blueprint.toml")
        .database(url)
        .validate(Validate::Live)
        .out_dir(out)
        .emit_cargo_directives(false)
        .generate()
        .into_result();
    match result {
        Ok(generated) => {
            assert!(out.join("drift.rs").is_file());
            let mut text = String::from("generated, with warnings:\n");
            for warning in &generated.warnings {
                text.push_str(warning);
                text.push('\n');
            }
            text
        }
        Err(BuildError::Blueprint(report)) => {
            assert!(
                std::fs::read_dir(out).map_or(true, |mut d| d.next().is_none()),
                "a failed generation wrote to the output directory"
            );
            report.render()
        }
        Err(other) => panic!("unexpected error: {other}"),
    }
}

fn sqlite_url(dir: &Path, script: &str) -> String {
    let db = dir.join("test.db");
    Connection::open(&db)
        .unwrap()
        .execute_batch(script)
        .unwrap();
    format!("sqlite:{}", db.display())
}

/// Checks every schema of one backend; `create` makes a database from a script and
/// returns its URL and whatever keeps it alive.
fn check_backend(
    backend: &str,
    mut create: impl FnMut(&str, &str) -> Option<(String, Option<TestDb>)>,
) {
    let schemas = files(&format!("fixtures/drift/{backend}"), "sql");
    assert!(schemas.len() >= 6, "{backend}: {} schemas", schemas.len());
    let mut expectations = Expectations::default();
    for sql_path in schemas {
        let stem = sql_path.file_stem().unwrap().to_string_lossy().into_owned();
        let script = std::fs::read_to_string(&sql_path).unwrap();
        let Some((url, _db)) = create(&stem, &script) else {
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let rendered = validate_against(&url, &dir.path().join("out")).replace(&url, "<url>");
        expectations.check(&sql_path.with_extension("stderr"), &rendered);
    }
    expectations.finish();
}

#[test]
fn sqlite_schemas_report_their_exact_drift() {
    let dir = tempfile::tempdir().unwrap();
    let mut n = 0;
    check_backend("sqlite", |_, script| {
        n += 1;
        let sub = dir.path().join(n.to_string());
        std::fs::create_dir(&sub).unwrap();
        Some((sqlite_url(&sub, script), None))
    });
}

#[test]
fn postgres_schemas_report_their_exact_drift() {
    check_backend("postgres", |stem, script| {
        let db = databases::postgres(&format!("drift_{stem}"))?;
        db.execute(script);
        Some((db.url.clone(), Some(db)))
    });
}

#[test]
fn mysql_schemas_report_their_exact_drift() {
    check_backend("mysql", |stem, script| {
        let db = databases::mysql(&format!("drift_{stem}"))?;
        db.execute(&db.as_migrate_runs(script));
        Some((db.url.clone(), Some(db)))
    });
}

/// The DDL storegen writes must itself pass storegen's check, on every backend.
fn ddl_for(backend: &str) -> String {
    let source =
        std::fs::read_to_string(support::root().join("fixtures/drift/blueprint.toml")).unwrap();
    let (blueprint, _) = storegen::build::blueprint::parse(&source).unwrap();
    let backend = storegen::BackendKind::from_name(backend).unwrap();
    storegen::build::diff::ddl(&blueprint.schema, backend)
}

#[test]
fn databases_made_by_the_generated_migrate_have_no_drift() {
    // The one warning is the blueprint's own (a reference with no index), not drift.
    let clean = "generated, with warnings:\nfixtures/drift/blueprint.toml:26:1: warning: `orders.customer_id` references `customers.id` but no index starts with it: deletes of customers and lookups by `customer_id` scan the table\n";
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path(), &ddl_for("sqlite"));
    assert_eq!(validate_against(&url, &dir.path().join("out")), clean);
    if let Some(db) = databases::postgres("migrated") {
        db.execute(&ddl_for("postgres"));
        assert_eq!(validate_against(&db.url, &dir.path().join("pg")), clean);
    }
    if let Some(db) = databases::mysql("migrated") {
        db.execute(&db.as_migrate_runs(&ddl_for("mysql")));
        assert_eq!(validate_against(&db.url, &dir.path().join("my")), clean);
    }
}

#[test]
fn a_file_that_is_not_sqlite_is_a_located_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("garbage.db");
    std::fs::write(
        &db,
        b"this is not a database, just some bytes that go on for a while....",
    )
    .unwrap();
    let url = format!("sqlite:{}", db.display());
    let out =
        validate_against(&url, &dir.path().join("out")).replace(&db.display().to_string(), "<db>");
    assert!(
        out.contains("\nerror: `<db>` is not an SQLite database\n"),
        "{out}"
    );
}

#[test]
fn a_missing_database_file_is_an_error_and_is_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("missing.db");
    let url = format!("sqlite:{}", db.display());
    let out =
        validate_against(&url, &dir.path().join("out")).replace(&db.display().to_string(), "<db>");
    assert!(
        out.contains("\nerror: SQLite database file `<db>` does not exist\n"),
        "{out}"
    );
    assert!(!db.exists());
}

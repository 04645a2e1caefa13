//! Drift against real SQLite files: each `fixtures/drift/*.sql` builds a database, the
//! Builder validates `fixtures/drift/blueprint.toml` against it live, and the output
//! (every diagnostic, or the warnings of a build that succeeds) must match the
//! `.stderr` file beside the SQL.

mod support;

use std::path::Path;

use storegen::rusqlite::Connection;
use storegen::{Builder, Error, Validate};
use support::{Expectations, files};

fn validate_against(db: &Path, out: &Path) -> String {
    let result = Builder::new()
        .blueprint("fixtures/drift/blueprint.toml")
        .database(format!("sqlite:{}", db.display()))
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
        Err(Error::Blueprint(report)) => {
            assert!(
                std::fs::read_dir(out).map_or(true, |mut d| d.next().is_none()),
                "a failed generation wrote to the output directory"
            );
            // The temporary file's path changes each run.
            report.render().replace(&db.display().to_string(), "<db>")
        }
        Err(other) => panic!("unexpected error: {other}"),
    }
}

#[test]
fn each_schema_reports_its_exact_drift() {
    let schemas = files("fixtures/drift", "sql");
    assert!(schemas.len() >= 6);
    let mut expectations = Expectations::default();
    for sql_path in schemas {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("test.db");
        let conn = Connection::open(&db).unwrap();
        conn.execute_batch(&std::fs::read_to_string(&sql_path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", sql_path.display()));
        drop(conn);
        let out = dir.path().join("out");
        let rendered = validate_against(&db, &out);
        expectations.check(&sql_path.with_extension("stderr"), &rendered);
    }
    expectations.finish();
}

#[test]
fn the_clean_schema_generates_without_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("clean.db");
    Connection::open(&db)
        .unwrap()
        .execute_batch(
            &std::fs::read_to_string(support::root().join("fixtures/drift/clean.sql")).unwrap(),
        )
        .unwrap();
    assert_eq!(
        validate_against(&db, &dir.path().join("out")),
        "generated, with warnings:\n"
    );
}

#[test]
fn a_database_made_by_the_generated_migrate_has_no_drift() {
    // The DDL storegen writes must itself pass storegen's check.
    let source =
        std::fs::read_to_string(support::root().join("fixtures/drift/blueprint.toml")).unwrap();
    let generated = storegen::build::generate_in_memory("blueprint.toml", &source, None).unwrap();
    let start = generated.code.find("r#\"").unwrap() + 3;
    let end = generated.code[start..].find("\"#").unwrap() + start;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("migrated.db");
    Connection::open(&db)
        .unwrap()
        .execute_batch(&generated.code[start..end])
        .unwrap();
    assert_eq!(
        validate_against(&db, &dir.path().join("out")),
        "generated, with warnings:\n"
    );
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
    let out = validate_against(&db, &dir.path().join("out"));
    assert!(
        out.starts_with("error: `<db>` is not an SQLite database\n"),
        "{out}"
    );
}

#[test]
fn a_missing_database_file_is_an_error_and_is_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("missing.db");
    let out = validate_against(&db, &dir.path().join("out"));
    assert!(
        out.starts_with("error: SQLite database file `<db>` does not exist\n"),
        "{out}"
    );
    assert!(!db.exists());
}

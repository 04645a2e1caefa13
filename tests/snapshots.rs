//! Builds against snapshots: a fallback from an unreachable database, a stale snapshot
//! that fails the build and names the change, and secrets that appear nowhere.

mod support;

use std::path::{Path, PathBuf};

use storegen::build::Checked;
use storegen::{BuildError, Builder, Validate};

const SECRET_USER: &str = "sg-secret-user";
const SECRET_PASSWORD: &str = "sg-secret-pw";

/// The offline fixture's blueprint and snapshot, copied into a fresh directory.
fn fixture() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    for file in ["blueprint.toml", "storegen.snapshot.toml"] {
        std::fs::copy(
            support::root().join("fixtures/offline").join(file),
            dir.path().join(file),
        )
        .unwrap();
    }
    let blueprint = dir.path().join("blueprint.toml");
    (dir, blueprint)
}

fn builder(blueprint: &Path, out: &Path) -> Builder {
    Builder::new()
        .blueprint(blueprint)
        .snapshot(blueprint.with_file_name("storegen.snapshot.toml"))
        .out_dir(out)
        .emit_cargo_directives(false)
}

fn secret_url() -> String {
    format!("postgres://{SECRET_USER}:{SECRET_PASSWORD}@127.0.0.1:1/library")
}

fn assert_no_secret(what: &str, text: &str) {
    assert!(
        !text.contains(SECRET_PASSWORD),
        "{what} holds the password:\n{text}"
    );
    assert!(
        !text.contains(SECRET_USER),
        "{what} holds the user:\n{text}"
    );
}

#[test]
fn auto_falls_back_to_the_snapshot_with_one_warning_and_no_secret_anywhere() {
    let (dir, blueprint) = fixture();
    let out = dir.path().join("out");
    let generated = builder(&blueprint, &out)
        .database(secret_url())
        .generate()
        .into_result()
        .unwrap();
    assert_eq!(generated.checked, Checked::Snapshot);
    assert_eq!(generated.warnings.len(), 1, "{:?}", generated.warnings);
    assert!(
        generated.warnings[0].ends_with(
            "warning: cannot use PostgreSQL at `postgres://***@127.0.0.1:1/library`: the connection was refused: is the server running?; checked against the snapshot instead"
        ),
        "{}",
        generated.warnings[0]
    );
    for warning in &generated.warnings {
        assert_no_secret("a warning", warning);
    }
    for directive in &generated.directives {
        assert_no_secret("a directive", directive);
    }
    assert_no_secret(
        "the generated file",
        &std::fs::read_to_string(&generated.path).unwrap(),
    );
    assert_no_secret(
        "the snapshot",
        &std::fs::read_to_string(dir.path().join("storegen.snapshot.toml")).unwrap(),
    );

    // Live, the same failure is an error — and still holds no secret.
    let err = builder(&blueprint, &dir.path().join("live"))
        .database(secret_url())
        .validate(Validate::Live)
        .generate()
        .into_result()
        .unwrap_err();
    let text = storegen::build::render_error(&err);
    assert!(text.contains("the connection was refused"), "{text}");
    assert_no_secret("the error", &text);

    // And from the command.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_storegen"))
        .args([
            "check",
            "--blueprint",
            blueprint.to_str().unwrap(),
            "--database",
            &secret_url(),
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_no_secret("storegen check", &String::from_utf8_lossy(&output.stderr));
    assert_no_secret("storegen check", &String::from_utf8_lossy(&output.stdout));
}

#[test]
fn snapshot_mode_never_connects_and_checks_drift_as_live_would() {
    let (dir, blueprint) = fixture();
    let generated = builder(&blueprint, &dir.path().join("out"))
        .database(secret_url())
        .validate(Validate::Snapshot)
        .generate()
        .into_result()
        .unwrap();
    assert_eq!(generated.checked, Checked::Snapshot);
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    // A snapshot whose database lacks a column the blueprint declares: drift, at the
    // field, as a live check would say it.
    let snapshot = dir.path().join("storegen.snapshot.toml");
    let text = std::fs::read_to_string(&snapshot).unwrap();
    let without_pages = text.replace(
        "    { name = \"pages\", type = \"integer\", nullable = true },\n",
        "",
    );
    assert_ne!(text, without_pages);
    std::fs::write(&snapshot, without_pages).unwrap();
    let Err(BuildError::Blueprint(report)) = builder(&blueprint, &dir.path().join("out2"))
        .validate(Validate::Snapshot)
        .generate()
        .into_result()
    else {
        panic!("expected drift");
    };
    let found: Vec<(String, usize)> = report
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.message.clone(),
                report.line_col(d.span.clone().unwrap().start).0,
            )
        })
        .collect();
    assert_eq!(
        found,
        [(
            "`books.pages`: column `pages` does not exist in table `books`".to_owned(),
            18
        )]
    );
}

#[test]
fn a_stale_snapshot_fails_the_build_and_names_the_change() {
    let (dir, blueprint) = fixture();
    let text = std::fs::read_to_string(&blueprint).unwrap();
    std::fs::write(
        &blueprint,
        text.replace("pages  = { type = \"int32\", nullable = true }", "pages  = { type = \"int64\", nullable = true }\nsubtitle = { type = \"text\", nullable = true }"),
    )
    .unwrap();
    let out = dir.path().join("out");
    let Err(BuildError::Blueprint(report)) = builder(&blueprint, &out).generate().into_result()
    else {
        panic!("expected a stale snapshot");
    };
    let found: Vec<(String, usize)> = report
        .diagnostics
        .iter()
        .filter(|d| d.message.starts_with("the snapshot is stale"))
        .map(|d| {
            (
                d.message.clone(),
                report.line_col(d.span.clone().unwrap().start).0,
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "the snapshot is stale: field `books.pages` changed: it was `int32, nullable`, it is `int64, nullable`".to_owned(),
                18
            ),
            ("the snapshot is stale: field `books.subtitle` was added since it was taken".to_owned(), 19),
        ]
    );
    assert!(
        report
            .render()
            .contains("help: take it again: `storegen prepare`")
    );
    assert!(!out.exists(), "a failed build wrote its output");
}

#[test]
fn a_corrupt_snapshot_is_a_clear_error() {
    let (dir, blueprint) = fixture();
    std::fs::write(
        dir.path().join("storegen.snapshot.toml"),
        "format = 1\nbackend = \"postgres\"\nbogus = [\n",
    )
    .unwrap();
    let err = builder(&blueprint, &dir.path().join("out"))
        .validate(Validate::Snapshot)
        .generate()
        .into_result()
        .unwrap_err();
    let text = storegen::build::render_error(&err);
    assert!(text.contains("storegen.snapshot.toml:3:"), "{text}");
    assert!(text.contains("invalid snapshot"), "{text}");
    std::fs::remove_file(dir.path().join("storegen.snapshot.toml")).unwrap();
    let text = storegen::build::render_error(
        &builder(&blueprint, &dir.path().join("out"))
            .validate(Validate::Snapshot)
            .generate()
            .into_result()
            .unwrap_err(),
    );
    assert!(text.contains("error: there is no snapshot at"), "{text}");
}

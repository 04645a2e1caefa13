//! A blueprint's type features are needed by the runtime only: the build side generates
//! every type without them, and a generated module compiled against a runtime that lacks
//! one fails with a `compile_error!` naming it. Proved by compiling generated modules in
//! a small crate of their own, against storegen with and without those features.

mod support;

use std::path::Path;
use std::process::Command;

use storegen::build::generate_in_memory;

const BLUEPRINT: &str = r#"
[blueprint]
name = "probe"
[database]
backends = ["sqlite"]
[stores.events.fields]
id = { type = "uuid", primary_key = true }
at = "timestamp_tz"
body = "json"
total = { type = "decimal", precision = 10, scale = 2 }
"#;

const TIME_BLUEPRINT: &str = r#"
[blueprint]
name = "probe_time"
[database]
backends = ["sqlite"]
[rust]
datetime = "time"
[stores.days.fields]
id = { type = "int64", primary_key = true }
on = "date"
"#;

fn message(what: &str, feature: &str) -> String {
    format!(
        "this store module has {what}: add \"{feature}\" to storegen's features in [dependencies]"
    )
}

/// `cargo check` of a crate holding both generated modules, against storegen with
/// `features`; what the compiler printed.
fn check_with(dir: &Path, features: &[&str]) -> String {
    let features: Vec<String> = features.iter().map(|f| format!("\"{f}\"")).collect();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"feature-probe\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n\
             [dependencies]\nstoregen = {{ path = {:?}, default-features = false, features = [{}] }}\n\n\
             [workspace]\n",
            support::root(),
            features.join(", ")
        ),
    )
    .unwrap();
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["check", "--offline", "--quiet", "--message-format", "short"])
        .current_dir(dir)
        // Shared between runs; apart from the workspace's, which the running tests hold.
        .env(
            "CARGO_TARGET_DIR",
            support::root().join("target/feature-probe"),
        )
        .env_remove("RUSTFLAGS")
        .output()
        .expect("running cargo");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_runtime_without_a_types_feature_names_it_at_compile_time() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    let mut lib = String::new();
    for (name, source) in [("probe", BLUEPRINT), ("probe_time", TIME_BLUEPRINT)] {
        let generated = generate_in_memory(&format!("{name}.toml"), source, None)
            .unwrap_or_else(|e| panic!("the build side generates without type features: {e}"));
        std::fs::write(dir.path().join(format!("src/{name}.rs")), generated.code).unwrap();
        lib.push_str(&format!("pub mod {name} {{ include!(\"{name}.rs\"); }}\n"));
    }
    std::fs::write(dir.path().join("src/lib.rs"), lib).unwrap();

    let chrono = message("date or time fields (chrono's types)", "chrono");
    let time = message(
        "date or time fields (the time crate's types, `[rust] datetime = \"time\"`)",
        "time",
    );
    let uuid = message("uuid fields", "uuid");
    let json = message("json fields", "json");
    let decimal = message("decimal fields", "decimal");
    let sqlite = message("the SQLite backend's code", "sqlite");

    // No feature: each module names every one it needs, once.
    let stderr = check_with(dir.path(), &[]);
    assert_eq!(stderr.matches(sqlite.as_str()).count(), 2, "{stderr}");
    for expected in [&chrono, &time, &uuid, &json, &decimal] {
        assert_eq!(
            stderr.matches(expected.as_str()).count(),
            1,
            "expected `{expected}` once in:\n{stderr}"
        );
    }
    // With the backend's feature on, the checks are the first errors the compiler
    // reports (paths they explain may fail to resolve after them).
    let stderr = check_with(dir.path(), &["sqlite"]);
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("error") && !l.contains("could not compile"))
        .collect();
    assert!(errors.len() >= 5, "{stderr}");
    for error in &errors[..5] {
        assert!(
            error.contains("this store module has") && !error.contains("sqlite"),
            "the checks come first:\n{stderr}"
        );
    }

    // The features that are on say nothing; the rest still do.
    let stderr = check_with(dir.path(), &["sqlite", "chrono", "uuid"]);
    for (expected, present) in [
        (&sqlite, false),
        (&chrono, false),
        (&uuid, false),
        (&time, true),
        (&json, true),
        (&decimal, true),
    ] {
        assert_eq!(
            stderr.contains(expected.as_str()),
            present,
            "`{expected}` {} in:\n{stderr}",
            if present { "missing" } else { "unexpected" }
        );
    }
}

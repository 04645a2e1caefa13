//! STOREGEN_OFFLINE and STOREGEN_WRITE_SNAPSHOT. One test in a binary of its own: the
//! variables are process-wide.

mod support;

use storegen::Builder;
use storegen::build::Checked;
use storegen::rusqlite::Connection;

#[test]
fn offline_forces_the_snapshot_and_write_snapshot_takes_one() {
    let dir = tempfile::tempdir().unwrap();
    let blueprint = dir.path().join("blueprint.toml");
    std::fs::write(
        &blueprint,
        "[blueprint]\nname = \"env\"\n\n[database]\nurl = \"${STOREGEN_ENV_TEST_URL}\"\nsnapshot = \"snap.toml\"\n\n[stores.notes.fields]\nid = { type = \"int64\", primary_key = true, generated = true }\nbody = \"text\"\n",
    )
    .unwrap();
    let db = dir.path().join("app.db");
    Connection::open(&db)
        .unwrap()
        .execute_batch("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
        .unwrap();
    let build = || {
        Builder::new()
            .blueprint(&blueprint)
            .out_dir(dir.path().join("out"))
            .emit_cargo_directives(false)
            .generate()
            .into_result()
    };
    // SAFETY: the only test in this binary, so no other thread reads the environment.
    let set = |var: &str, value: &str| unsafe { std::env::set_var(var, value) };
    let unset = |var: &str| unsafe { std::env::remove_var(var) };

    set("STOREGEN_ENV_TEST_URL", &format!("sqlite:{}", db.display()));
    set("STOREGEN_WRITE_SNAPSHOT", "1");
    let generated = build().unwrap();
    assert_eq!(generated.checked, Checked::Live);
    let snapshot = dir.path().join("snap.toml");
    assert!(
        generated.warnings[0]
            .contains("wrote the snapshot `snap.toml` (STOREGEN_WRITE_SNAPSHOT=1): commit it")
    );
    assert!(
        std::fs::read_to_string(&snapshot)
            .unwrap()
            .contains("backend = \"sqlite\"")
    );
    // Unchanged: not written again, no warning.
    assert!(build().unwrap().warnings.is_empty());
    unset("STOREGEN_WRITE_SNAPSHOT");

    // Offline: the URL names a database that doesn't exist, and is never opened.
    set("STOREGEN_ENV_TEST_URL", "sqlite:/no/such/database.db");
    set("STOREGEN_OFFLINE", "1");
    let generated = build().unwrap();
    assert_eq!(generated.checked, Checked::Snapshot);
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    assert!(
        generated
            .directives
            .contains(&"cargo:rerun-if-env-changed=STOREGEN_OFFLINE".to_owned())
    );
    assert!(
        generated
            .directives
            .contains(&format!("cargo:rerun-if-changed={}", snapshot.display()))
    );
    unset("STOREGEN_OFFLINE");

    // Without it, the URL is tried, and auto falls back to the snapshot, saying so.
    let generated = build().unwrap();
    assert_eq!(generated.checked, Checked::Snapshot);
    assert_eq!(generated.warnings.len(), 1);
    assert!(
        generated.warnings[0].ends_with("does not exist; checked against the snapshot instead"),
        "{:?}",
        generated.warnings
    );
}

//! The README's first command works, and the database it leaves passes the build-time
//! check of the same blueprint.

#[path = "../../../tests/support/databases.rs"]
mod databases;

use std::process::Command;

fn run(args: &[&str]) -> String {
    run_on(args, None)
}

fn run_on(args: &[&str], url: Option<&str>) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_quickstart"));
    command.args(args).env_remove("DATABASE_URL");
    if let Some(url) = url {
        command.env("DATABASE_URL", url);
    }
    let output = command.output().expect("running the quickstart");
    assert!(
        output.status.success(),
        "quickstart failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn assert_every_step(out: &str, backend: &str) {
    let steps = [
        backend,
        "migrated: applied migrations 0001_init, 0002_add_note",
        "verified: the database matches the compiled-in schema (0 warnings)",
        "inserted Customer { id: 1,",
        "read back by key 1: Some(Customer { id: 1,",
        "found by email: Ann",
        "updated balance to 2500 (row found: true)",
        "insert_many added 5 customers in one transaction",
        "first page of 3: [\"Ann\", \"Customer 1\", \"Customer 2\"]",
        "next page after id 3: [\"Customer 3\", \"Customer 4\", \"Customer 5\"]",
        "order 1 holds Some(OrderItem { order_id: 1, line: 1, product: \"Teapot\", quantity: 2, weight: Some(0.75) })",
        "Ann's first 2 of 4 orders: totals [1999, 500]",
        "and the next: totals [750, 1250]",
        "marked order 1 paid (row found: true)",
        "paid orders with their customer (a join): [(1, \"Ann\", 1999)]",
        "transaction failed (Kettle is out of stock) and rolled back: order items 1 before, 1 after",
        "deleted Ann (true); her orders went with her (ON DELETE CASCADE): 0 orders left",
        "customers now: 5",
    ];
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), steps.len(), "{out}");
    for (line, step) in lines.iter().zip(steps) {
        assert!(line.starts_with(step), "expected `{step}`, got `{line}`");
    }
}

#[test]
fn the_quickstart_runs_every_step_on_a_fresh_database() {
    assert_every_step(&run(&[]), "on SQLite");
}

fn assert_build_check_passes(url: &str, out: &std::path::Path) {
    let generated = storegen::Builder::new()
        .blueprint(concat!(env!("CARGO_MANIFEST_DIR"), "/blueprint.toml"))
        .database(url)
        .validate(storegen::Validate::Live)
        .out_dir(out)
        .emit_cargo_directives(false)
        .generate()
        .into_result()
        .unwrap();
    assert_eq!(generated.checked, storegen::build::Checked::Live);
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
}

#[test]
fn the_quickstart_runs_on_postgres_and_mariadb_and_their_databases_pass_the_check() {
    let dir = tempfile::tempdir().unwrap();
    if let Some(db) = databases::postgres("quickstart") {
        assert_every_step(&run_on(&[], Some(&db.url)), "on PostgreSQL");
        assert_build_check_passes(&db.url, &dir.path().join("pg"));
    }
    if let Some(db) = databases::mysql("quickstart") {
        assert_every_step(&run_on(&[], Some(&db.url)), "on MySQL/MariaDB");
        assert_build_check_passes(&db.url, &dir.path().join("my"));
    }
}

#[test]
fn the_database_it_leaves_passes_the_build_time_check() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    run(&[db.to_str().unwrap()]);
    assert_build_check_passes(&format!("sqlite:{}", db.display()), &dir.path().join("out"));
}

//! Versioned migrations on every backend: a history of nine blueprint changes written by
//! `migration new` (create; add a nullable field; add a NOT NULL field with a backfill;
//! rename a field; rename a store; add an index; widen types; add an enum value; drop a
//! field), applied one at a time to a database with rows (every row keeps its values,
//! `verify` finds no drift after each), and the whole chain to an empty database; two
//! migrators at once; a migration that fails half-way; an edited applied migration and
//! one this build doesn't know.

mod support;

use std::path::Path;

use storegen::build::blueprint;
use storegen::build::migrations::{self, Created};
use storegen::{
    Backend, BackendKind, Connection, EmbeddedMigration, MigrateOptions, MigrationScript,
    Migrations,
};
use support::databases;

const STAGES: [&str; 9] = [
    "init",
    "add_phone",
    "add_score",
    "rename_age",
    "rename_orders",
    "index_years",
    "widen",
    "add_vip",
    "drop_phone",
];

/// The blueprint after stage `n` (1-based) of the history.
fn blueprint_at(n: usize) -> String {
    let has = |stage: usize| n >= stage;
    let mut customers = String::from("id = { type = \"int64\", generated = true }\n");
    customers.push_str(&format!(
        "email = {{ type = \"text\", max_length = {}, unique = true }}\n",
        if has(7) { 200 } else { 100 }
    ));
    if has(4) {
        customers.push_str("years = { type = \"int32\", renamed_from = \"age\" }\n");
    } else {
        customers.push_str("age = \"int32\"\n");
    }
    customers.push_str(&format!(
        "status = {{ type = \"enum\", values = [{}] }}\n",
        if has(8) {
            "\"new\", \"old\", \"vip\""
        } else {
            "\"new\", \"old\""
        }
    ));
    if has(2) && !has(9) {
        customers.push_str("phone = { type = \"text\", nullable = true }\n");
    }
    if has(3) {
        customers.push_str("score = { type = \"int32\", backfill = 7 }\n");
    }
    let index = if has(6) {
        "indexes = [{ fields = [\"years\"] }]\n"
    } else {
        ""
    };
    let (orders, renamed) = if has(5) {
        ("purchases", "renamed_from = \"orders\"\n")
    } else {
        ("orders", "")
    };
    format!(
        "[blueprint]\nname = \"history\"\n\n[database]\nbackends = [\"sqlite\", \"postgres\", \"mysql\"]\nmigrations = \"migrations\"\n\n\
         [stores.customers]\nprimary_key = [\"id\"]\n{index}[stores.customers.fields]\n{customers}\n\
         [stores.{orders}]\n{renamed}primary_key = [\"id\"]\nindexes = [{{ fields = [\"customer_id\"] }}]\n[stores.{orders}.fields]\n\
         id = {{ type = \"int64\", generated = true }}\n\
         customer_id = {{ type = \"int64\", references = \"customers.id\", on_delete = \"cascade\" }}\n\
         total = \"{}\"\n",
        if has(7) { "int64" } else { "int32" }
    )
}

fn parse(source: &str) -> blueprint::Blueprint {
    match blueprint::parse(source) {
        Ok((b, _)) => b,
        Err(d) => panic!("{d:?}\n{source}"),
    }
}

/// Writes the history's migrations into `dir/migrations`, one `migration new` a stage.
fn write_history(dir: &Path) -> Vec<blueprint::Blueprint> {
    let folder = dir.join("migrations");
    let mut blueprints = Vec::new();
    for (i, name) in STAGES.iter().enumerate() {
        let source = blueprint_at(i + 1);
        let parsed = parse(&source);
        match migrations::create(&folder, name, &source, &parsed).unwrap() {
            Created::Written { label, .. } => assert_eq!(label, format!("{:04}_{name}", i + 1)),
            Created::Nothing { .. } => panic!("stage {name} wrote nothing"),
        }
        // Nothing more to write for the same blueprint.
        assert!(matches!(
            migrations::create(&folder, "again", &source, &parsed).unwrap(),
            Created::Nothing { .. }
        ));
        blueprints.push(parsed);
    }
    blueprints
}

/// The first `count` migrations in `dir`, embedded as a build would (leaked: `'static`).
fn embedded(dir: &Path, count: usize) -> Migrations {
    let blueprint = parse(&blueprint_at(STAGES.len()));
    let mut data = Vec::new();
    for entry in migrations::list(&dir.join("migrations"))
        .unwrap()
        .into_iter()
        .take(count)
    {
        let mut scripts = Vec::new();
        for &backend in &blueprint.schema.backends {
            let text = std::fs::read_to_string(entry.script(backend)).unwrap();
            let statements: Vec<&'static str> = migrations::statements(&text, backend)
                .into_iter()
                .map(|s| &*Box::leak(s.into_boxed_str()))
                .collect();
            let checksum = format!(
                "{:x}",
                text.len() * 31 + text.bytes().map(usize::from).sum::<usize>()
            );
            scripts.push(MigrationScript {
                backend,
                checksum: Box::leak(checksum.into_boxed_str()),
                statements: Box::leak(statements.into_boxed_slice()),
            });
        }
        data.push(EmbeddedMigration {
            version: entry.version,
            name: Box::leak(entry.name.into_boxed_str()),
            scripts: Box::leak(scripts.into_boxed_slice()),
        });
    }
    Migrations {
        schema: "history",
        list: Box::leak(data.into_boxed_slice()),
    }
}

/// One text value of a query, through the backend's own bookkeeping reader.
fn text<C: Connection>(conn: &mut C, sql: &str) -> Vec<Vec<Option<String>>> {
    C::Backend::query_text(conn.raw(), sql).unwrap()
}

fn run<C: Connection>(conn: &mut C, sql: &str) {
    C::Backend::execute(conn.raw(), sql).unwrap();
}

fn quote(backend: BackendKind, name: &str) -> String {
    match backend {
        BackendKind::Mysql => format!("`{name}`"),
        _ => format!("\"{name}\""),
    }
}

/// Every row, with the values the stage's blueprint names them by.
fn rows<C: Connection>(conn: &mut C, stage: usize) -> Vec<String> {
    let b = <C::Backend as Backend>::KIND;
    let q = |n: &str| quote(b, n);
    let age = if stage >= 4 { "years" } else { "age" };
    let orders = if stage >= 5 { "purchases" } else { "orders" };
    let score = if stage >= 3 {
        format!(", {}", q("score"))
    } else {
        String::new()
    };
    let mut out = Vec::new();
    for row in text(
        conn,
        &format!(
            "SELECT {}, {}, CAST({} AS {}){score} FROM {} ORDER BY {}",
            q("email"),
            q(age),
            q("status"),
            if b == BackendKind::Mysql {
                "CHAR"
            } else {
                "TEXT"
            },
            q("customers"),
            q("id")
        ),
    ) {
        out.push(format!("{row:?}"));
    }
    for row in text(
        conn,
        &format!(
            "SELECT {}, {} FROM {} ORDER BY {}",
            q("customer_id"),
            q("total"),
            q(orders),
            q("id")
        ),
    ) {
        out.push(format!("{row:?}"));
    }
    out
}

fn seed<C: Connection>(conn: &mut C) {
    let b = <C::Backend as Backend>::KIND;
    let q = |n: &str| quote(b, n);
    run(
        conn,
        &format!(
            "INSERT INTO {} ({}, {}, {}) VALUES ('ann@example.com', 41, 'new')",
            q("customers"),
            q("email"),
            q("age"),
            q("status")
        ),
    );
    run(
        conn,
        &format!(
            "INSERT INTO {} ({}, {}, {}) VALUES ('bo@example.com', 29, 'old')",
            q("customers"),
            q("email"),
            q("age"),
            q("status")
        ),
    );
    for (customer, total) in [(1, 500), (1, 1200), (2, 75)] {
        run(
            conn,
            &format!(
                "INSERT INTO {} ({}, {}) VALUES ({customer}, {total})",
                q("orders"),
                q("customer_id"),
                q("total")
            ),
        );
    }
}

fn expected_rows(stage: usize) -> Vec<String> {
    let score = |v: &str| {
        if stage >= 3 {
            format!(", Some(\"{v}\")")
        } else {
            String::new()
        }
    };
    vec![
        format!(
            "[Some(\"ann@example.com\"), Some(\"41\"), Some(\"new\"){}]",
            score("7")
        ),
        format!(
            "[Some(\"bo@example.com\"), Some(\"29\"), Some(\"old\"){}]",
            score("7")
        ),
        "[Some(\"1\"), Some(\"500\")]".to_owned(),
        "[Some(\"1\"), Some(\"1200\")]".to_owned(),
        "[Some(\"2\"), Some(\"75\")]".to_owned(),
    ]
}

/// The history, one migration at a time with rows present, then the whole chain on an
/// empty database: the rows keep their values, and the schema is the blueprint's.
fn history<C: Connection>(
    conn: &mut C,
    empty: &mut C,
    dir: &Path,
    blueprints: &[blueprint::Blueprint],
) {
    let backend = <C::Backend as Backend>::KIND;
    for stage in 1..=STAGES.len() {
        let set = embedded(dir, stage);
        let report = storegen::migrate_versioned(conn, &set, MigrateOptions::default())
            .unwrap_or_else(|e| panic!("{backend}: stage {stage}: {e}"));
        assert_eq!(
            report.applied,
            vec![format!("{:04}_{}", stage, STAGES[stage - 1])],
            "{backend}"
        );
        if stage == 1 {
            seed(conn);
            if backend == BackendKind::Mysql {
                // The scripts say utf8mb4_bin; migrate makes it the server's NO PAD one.
                let collation = text(
                    conn,
                    "SELECT TABLE_COLLATION FROM information_schema.TABLES \
                     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'customers'",
                );
                let name = collation[0][0].clone().unwrap_or_default();
                assert!(
                    ["utf8mb4_nopad_bin", "utf8mb4_0900_bin"].contains(&name.as_str()),
                    "{name}"
                );
            }
        }
        assert_eq!(
            rows(conn, stage),
            expected_rows(stage),
            "{backend}: stage {stage}"
        );
        let drift = storegen::verify(conn, &blueprints[stage - 1].schema)
            .unwrap_or_else(|e| panic!("{backend}: stage {stage}: {e}"));
        assert_eq!(drift, Vec::new(), "{backend}: stage {stage}");
        // Again: nothing to do.
        let again = storegen::migrate_versioned(conn, &set, MigrateOptions::default()).unwrap();
        assert!(again.applied.is_empty(), "{backend}");
    }
    let status = storegen::migration_status(conn, &embedded(dir, STAGES.len())).unwrap();
    assert_eq!(
        (status.applied.len(), status.pending.len()),
        (9, 0),
        "{backend}"
    );

    let all = embedded(dir, STAGES.len());
    let report = storegen::migrate_versioned(empty, &all, MigrateOptions::default()).unwrap();
    assert_eq!(report.applied.len(), 9, "{backend}");
    let last = &blueprints[STAGES.len() - 1].schema;
    assert_eq!(
        storegen::verify(empty, last).unwrap(),
        Vec::new(),
        "{backend}"
    );

    // An applied migration edited since: an error naming it.
    let mut edited: Vec<EmbeddedMigration> = all.list.to_vec();
    let scripts: Vec<MigrationScript> = edited[2]
        .scripts
        .iter()
        .map(|s| MigrationScript {
            checksum: "sha256:edited",
            ..*s
        })
        .collect();
    edited[2].scripts = Box::leak(scripts.into_boxed_slice());
    let edited = Migrations {
        list: Box::leak(edited.into_boxed_slice()),
        ..all
    };
    let error = storegen::migrate_versioned(conn, &edited, MigrateOptions::default()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "migration 0003_add_score: its script changed since it was applied (its checksum differs): \
         restore the applied script, and put the change in a new migration",
        "{backend}"
    );
    // A build that knows fewer migrations than the database has.
    let older = embedded(dir, 7);
    let error = storegen::migrate_versioned(conn, &older, MigrateOptions::default()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "migration 0008_add_vip, 0009_drop_phone: the database has migrations this build doesn't know: \
         newer code migrated it. Deploy that code, or migrate with `MigrateOptions::allow_newer()` to proceed",
        "{backend}"
    );
    let allowed = storegen::migrate_versioned(conn, &older, MigrateOptions::allow_newer()).unwrap();
    assert!(allowed.applied.is_empty(), "{backend}");
}

#[test]
fn the_history_writes_once_and_applies_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let blueprints = write_history(dir.path());
    let mut conn = storegen::rusqlite::Connection::open(dir.path().join("a.db")).unwrap();
    let mut empty = storegen::rusqlite::Connection::open(dir.path().join("b.db")).unwrap();
    history(&mut conn, &mut empty, dir.path(), &blueprints);
}

#[test]
fn the_history_applies_on_postgres() {
    let Some(db) = databases::postgres("migrations_history") else {
        return;
    };
    let Some(other) = databases::postgres("migrations_history_empty") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let blueprints = write_history(dir.path());
    history(
        &mut db.postgres_client(),
        &mut other.postgres_client(),
        dir.path(),
        &blueprints,
    );
}

#[test]
fn the_history_applies_on_mysql() {
    let Some(db) = databases::mysql("migrations_history") else {
        return;
    };
    let Some(other) = databases::mysql("migrations_history_empty") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let blueprints = write_history(dir.path());
    history(
        &mut db.mysql_conn(),
        &mut other.mysql_conn(),
        dir.path(),
        &blueprints,
    );
}

/// Two migrators on their own connections at once: each migration is applied exactly
/// once, and the ledger holds each version once.
fn concurrently<C: Connection + Send>(mut a: C, mut b: C, dir: &Path) {
    let all = embedded(dir, STAGES.len());
    let (first, second) = std::thread::scope(|scope| {
        let one =
            scope.spawn(|| storegen::migrate_versioned(&mut a, &all, MigrateOptions::default()));
        let two =
            scope.spawn(|| storegen::migrate_versioned(&mut b, &all, MigrateOptions::default()));
        (one.join().unwrap().unwrap(), two.join().unwrap().unwrap())
    });
    let mut applied = first.applied.clone();
    applied.extend(second.applied.clone());
    applied.sort();
    let expected: Vec<String> = STAGES
        .iter()
        .enumerate()
        .map(|(i, s)| format!("{:04}_{s}", i + 1))
        .collect();
    assert_eq!(
        applied, expected,
        "{:?} / {:?}",
        first.applied, second.applied
    );
    let ledger = text(
        &mut a,
        "SELECT version FROM storegen_migrations WHERE version IS NOT NULL ORDER BY version",
    );
    assert_eq!(ledger.len(), STAGES.len());
}

/// A migration whose second statement fails on the rows present (a UNIQUE two rows
/// break): PostgreSQL and SQLite keep nothing of it; MySQL keeps the first statement,
/// records it, and resumes at the second once the rows are fixed.
fn half_way<C: Connection>(conn: &mut C, dir: &Path) {
    let backend = <C::Backend as Backend>::KIND;
    let all = embedded(dir, STAGES.len());
    storegen::migrate_versioned(conn, &all, MigrateOptions::default()).unwrap();
    let q = |n: &str| quote(backend, n);
    for email in ["ann@example.com", "bo@example.com"] {
        run(
            conn,
            &format!(
                "INSERT INTO {} ({}, {}, {}, {}) VALUES ('{email}', 30, 'new', 7)",
                q("customers"),
                q("email"),
                q("years"),
                q("status"),
                q("score")
            ),
        );
    }
    // Stage 10: a nullable nickname, and `score` unique (both rows hold 7).
    let mut source = blueprint_at(STAGES.len());
    source = source.replace(
        "score = { type = \"int32\", backfill = 7 }\n",
        "nickname = { type = \"text\", nullable = true }\nscore = { type = \"int32\", unique = true }\n",
    );
    let parsed = parse(&source);
    migrations::create(&dir.join("migrations"), "unique_score", &source, &parsed).unwrap();
    let ten = embedded(dir, 10);
    let error = storegen::migrate_versioned(conn, &ten, MigrateOptions::default()).unwrap_err();
    let message = error.to_string();
    let status = storegen::migration_status(conn, &ten).unwrap();
    assert_eq!(status.pending.len(), 1, "{backend}");
    match backend {
        BackendKind::Mysql => {
            assert!(
                message.starts_with(
                    "migration 0010_unique_score: statement 2 of 2 failed; the 1 before it ran and are recorded: \
                     fix it (or the data it tripped on) and migrate again to resume from it: "
                ),
                "{message}"
            );
            // The column the first statement added is there, and recorded.
            let nickname = text(
                conn,
                &format!(
                    "SELECT COUNT(*) FROM {} WHERE {} IS NULL",
                    q("customers"),
                    q("nickname")
                ),
            );
            assert_eq!(nickname, vec![vec![Some("2".to_owned())]]);
            let ledger = text(
                conn,
                "SELECT statements_done, finished FROM storegen_migrations WHERE version = 10",
            );
            assert_eq!(
                ledger,
                vec![vec![Some("1".to_owned()), Some("0".to_owned())]]
            );
        }
        _ => {
            assert!(
                message.starts_with("migration 0010_unique_score: statement")
                    && message.contains("failed; nothing of the migration was kept"),
                "{backend}: {message}"
            );
            // Nothing of it was kept: verify against stage 9 finds no drift.
            let last = parse(&blueprint_at(STAGES.len()));
            assert_eq!(
                storegen::verify(conn, &last.schema).unwrap(),
                Vec::new(),
                "{backend}"
            );
        }
    }
    // Fix the rows; migrate again: the rest runs, and the schema is stage 10's.
    run(
        conn,
        &format!(
            "UPDATE {} SET {} = 8 WHERE {} = 'bo@example.com'",
            q("customers"),
            q("score"),
            q("email")
        ),
    );
    let report = storegen::migrate_versioned(conn, &ten, MigrateOptions::default())
        .unwrap_or_else(|e| panic!("{backend}: {e}"));
    assert_eq!(
        report.applied,
        vec!["0010_unique_score".to_owned()],
        "{backend}"
    );
    assert_eq!(
        storegen::verify(conn, &parsed.schema).unwrap(),
        Vec::new(),
        "{backend}"
    );
}

#[test]
fn two_migrators_apply_each_migration_once_and_a_failure_half_way_is_as_documented_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    write_history(dir.path());
    let path = dir.path().join("c.db");
    let open = || {
        let conn = storegen::rusqlite::Connection::open(&path).unwrap();
        conn.busy_timeout(std::time::Duration::from_secs(30))
            .unwrap();
        conn
    };
    concurrently(open(), open(), dir.path());
    half_way(&mut open(), dir.path());
}

#[test]
fn two_migrators_apply_each_migration_once_and_a_failure_half_way_is_as_documented_on_postgres() {
    let Some(db) = databases::postgres("migrations_concurrent") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    write_history(dir.path());
    concurrently(db.postgres_client(), db.postgres_client(), dir.path());
    half_way(&mut db.postgres_client(), dir.path());
}

#[test]
fn two_migrators_apply_each_migration_once_and_a_failure_half_way_is_as_documented_on_mysql() {
    let Some(db) = databases::mysql("migrations_concurrent") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    write_history(dir.path());
    concurrently(db.mysql_conn(), db.mysql_conn(), dir.path());
    half_way(&mut db.mysql_conn(), dir.path());
}

#[test]
fn the_build_embeds_the_migrations_and_fails_when_the_blueprint_moved_past_the_last() {
    let dir = tempfile::tempdir().unwrap();
    write_history(dir.path());
    let path = dir.path().join("blueprint.toml");
    let build = || {
        storegen::Builder::new()
            .blueprint(&path)
            .validate(storegen::Validate::Off)
            .out_dir(dir.path().join("out"))
            .emit_cargo_directives(false)
            .generate()
            .into_result()
    };
    std::fs::write(&path, blueprint_at(STAGES.len())).unwrap();
    let generated = build().unwrap();
    let code = std::fs::read_to_string(&generated.path).unwrap();
    assert!(code.contains("pub const MIGRATIONS: ::storegen::Migrations"));
    assert!(code.contains("name: \"drop_phone\""));
    assert!(code.contains("pub fn migration_status"));
    assert!(!code.contains("::storegen::migrate(conn, &DDL"));
    assert!(
        generated
            .directives
            .iter()
            .any(|d| d.ends_with("0009_drop_phone/mysql.sql")),
        "{:?}",
        generated.directives
    );

    std::fs::write(
        &path,
        blueprint_at(STAGES.len()).replace(
            "total = \"int64\"",
            "total = \"int64\"\nnote = { type = \"text\", nullable = true }",
        ),
    )
    .unwrap();
    let error = storegen::build::render_error(&build().unwrap_err());
    assert!(
        error.contains("error: the blueprint changed since migration 0009_drop_phone: the migrations no longer end in it")
            && error.contains("help: write the migration for the change with `storegen migration new <name>`"),
        "{error}"
    );
}

use support::storegen_in as storegen_cli;

#[test]
fn migration_new_on_the_command_line_refuses_a_required_field_without_backfill_and_lists_what_loses_data()
 {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("blueprint.toml");
    std::fs::write(&path, blueprint_at(2)).unwrap();
    let first = storegen_cli(dir.path(), &["migration", "new", "init"]);
    assert_eq!((first.code, first.stderr.as_str()), (0, ""));
    assert!(
        first.stdout.starts_with("wrote migration 0001_init in "),
        "{}",
        first.stdout
    );
    let again = storegen_cli(dir.path(), &["migration", "new", "again"]);
    assert_eq!(
        (again.code, again.stdout.as_str()),
        (
            0,
            "nothing to do: the blueprint is as migration 0001_init left it; no migration written\n"
        )
    );
    let bad = storegen_cli(dir.path(), &["migration", "new", "Add-Score"]);
    assert_eq!(
        (bad.code, bad.stderr.as_str()),
        (
            1,
            "error: `Add-Score` can't name a migration: use lower-case letters, digits and `_` (e.g. `add_phone`)\n"
        )
    );

    // A new required field without a backfill: refused, nothing written.
    std::fs::write(&path, blueprint_at(3).replace(", backfill = 7", "")).unwrap();
    let refused = storegen_cli(dir.path(), &["migration", "new", "add_score"]);
    assert_eq!(
        (refused.code, refused.stderr.as_str()),
        (
            1,
            "error: the migration can't be written as the blueprint stands:\n  - `customers.score` is a new NOT NULL field \
             without a default, and `customers` may have rows: give it `backfill = <value>` (what existing rows get) or a \
             `default`, or make it nullable\n"
        )
    );
    assert!(!dir.path().join("migrations/0002_add_score").exists());

    // Dropping a field: the scripts mark it, and stderr lists it for each backend.
    std::fs::write(&path, blueprint_at(1)).unwrap();
    let dropped = storegen_cli(dir.path(), &["migration", "new", "drop_phone"]);
    assert_eq!(dropped.code, 0, "{}", dropped.stderr);
    assert_eq!(
        dropped.stderr,
        "migration 0002_drop_phone loses data; review these before you commit it:\n  \
         destructive: sqlite: drops the column and its values (ALTER TABLE \"customers\" DROP COLUMN \"phone\")\n  \
         destructive: postgres: drops the column and its values (ALTER TABLE \"customers\" DROP COLUMN \"phone\")\n  \
         destructive: mysql: drops the column and its values (ALTER TABLE `customers` DROP COLUMN `phone`)\n"
    );
    let script =
        std::fs::read_to_string(dir.path().join("migrations/0002_drop_phone/postgres.sql"))
            .unwrap();
    assert!(
        script.ends_with(
            "\n-- destructive: drops the column and its values (ALTER TABLE \"customers\" DROP COLUMN \"phone\")\n\
             ALTER TABLE \"customers\" DROP COLUMN \"phone\";\n"
        ),
        "{script}"
    );
    // A narrower type is marked too; a wider one isn't.
    std::fs::write(
        &path,
        blueprint_at(1).replace("age = \"int32\"", "age = \"int16\""),
    )
    .unwrap();
    let narrowed = storegen_cli(dir.path(), &["migration", "new", "narrow_age"]);
    assert_eq!(
        narrowed.stderr,
        "migration 0003_narrow_age loses data; review these before you commit it:\n  \
         destructive: postgres: `age` becomes a smaller integer (int32 → int16)\n  \
         destructive: mysql: `age` becomes a smaller integer (int32 → int16)\n"
    );
    std::fs::write(
        &path,
        blueprint_at(1).replace("age = \"int32\"", "age = \"int64\""),
    )
    .unwrap();
    let widened = storegen_cli(dir.path(), &["migration", "new", "widen_age"]);
    assert_eq!((widened.code, widened.stderr.as_str()), (0, ""));
}

#[test]
fn migration_check_applies_the_chain_to_scratch_databases_and_reports_drift() {
    let dir = tempfile::tempdir().unwrap();
    write_history(dir.path());
    std::fs::write(
        dir.path().join("blueprint.toml"),
        blueprint_at(STAGES.len()),
    )
    .unwrap();
    let clean = storegen_cli(dir.path(), &["migration", "check"]);
    assert_eq!(
        (clean.code, clean.stdout.as_str(), clean.stderr.as_str()),
        (
            0,
            "SQLite, in memory: 9 migrations applied; the result matches the blueprint\n",
            ""
        )
    );
    for server in [databases::Server::Postgres, databases::Server::Mysql] {
        let Some(url) = databases::server(server) else {
            continue;
        };
        let run = storegen_cli(dir.path(), &["migration", "check", "--database", &url]);
        assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
        let line = run.stdout.lines().nth(1).unwrap_or_default().to_owned();
        assert!(
            line.ends_with("(dropped): 9 migrations applied; the result matches the blueprint"),
            "{line}"
        );
    }
    // A hand edit that breaks the schema: the chain no longer ends in the blueprint.
    let last = dir.path().join("migrations/0009_drop_phone/sqlite.sql");
    let mut script = std::fs::read_to_string(&last).unwrap();
    script.push_str("\nALTER TABLE \"customers\" DROP COLUMN \"score\";\n");
    std::fs::write(&last, script).unwrap();
    let drifted = storegen_cli(dir.path(), &["migration", "check"]);
    assert_eq!(drifted.code, 2, "{}{}", drifted.stdout, drifted.stderr);
    assert!(
        drifted.stdout.starts_with(
            "SQLite, in memory: the migrations end in a schema that differs from the blueprint:\n\
             error: `customers.score`: column `score` does not exist in table `customers`"
        ),
        "{}",
        drifted.stdout
    );
}

const WITH_TAGS: &str = r#"[blueprint]
name = "refs"

[database]
backends = ["sqlite", "postgres", "mysql"]

[stores.tags.fields]
id = { type = "int64", primary_key = true, generated = true }
label = "text"

[stores.customers.fields]
id = { type = "int64", primary_key = true, generated = true }
name = "text"

[stores.orders]
indexes = [{ fields = ["customer_id"] }, { fields = ["tag_id"] }]
[stores.orders.fields]
id = { type = "int64", primary_key = true, generated = true }
customer_id = { type = "int64", references = "customers.id" }
tag_id = { type = "int64", references = "tags.id" }
"#;

/// The blueprint without `tags`, `orders.tag_id` and the reference of `customer_id`.
fn without_tags() -> String {
    WITH_TAGS
        .replace(
            "[stores.tags.fields]\nid = { type = \"int64\", primary_key = true, generated = true }\nlabel = \"text\"\n\n",
            "",
        )
        .replace(", { fields = [\"tag_id\"] }", "")
        .replace("tag_id = { type = \"int64\", references = \"tags.id\" }\n", "")
        .replace(
            "customer_id = { type = \"int64\", references = \"customers.id\" }",
            "customer_id = \"int64\"",
        )
}

/// A reference dropped, a referencing column dropped, a referenced store dropped: the
/// foreign keys go first, and the rows that stay keep their values.
fn dropping_references<C: Connection>(conn: &mut C, dir: &Path) {
    let backend = <C::Backend as Backend>::KIND;
    let folder = dir.join("migrations");
    for (name, source) in [
        ("init", WITH_TAGS.to_owned()),
        ("drop_tags", without_tags()),
    ] {
        let parsed = parse(&source);
        migrations::create(&folder, name, &source, &parsed).unwrap();
    }
    let q = |n: &str| quote(backend, n);
    storegen::migrate_versioned(conn, &embedded(dir, 1), MigrateOptions::default()).unwrap();
    run(
        conn,
        &format!("INSERT INTO {} ({}) VALUES ('t')", q("tags"), q("label")),
    );
    run(
        conn,
        &format!(
            "INSERT INTO {} ({}) VALUES ('c')",
            q("customers"),
            q("name")
        ),
    );
    run(
        conn,
        &format!(
            "INSERT INTO {} ({}, {}) VALUES (1, 1)",
            q("orders"),
            q("customer_id"),
            q("tag_id")
        ),
    );
    let report = storegen::migrate_versioned(conn, &embedded(dir, 2), MigrateOptions::default())
        .unwrap_or_else(|e| panic!("{backend}: {e}"));
    assert_eq!(
        report.applied,
        vec!["0002_drop_tags".to_owned()],
        "{backend}"
    );
    let schema = parse(&without_tags()).schema;
    assert_eq!(
        storegen::verify(conn, &schema).unwrap(),
        Vec::new(),
        "{backend}"
    );
    // No foreign key is left: an order of a customer that doesn't exist goes in.
    run(
        conn,
        &format!(
            "INSERT INTO {} ({}) VALUES (99)",
            q("orders"),
            q("customer_id")
        ),
    );
    assert_eq!(
        text(
            conn,
            &format!(
                "SELECT {} FROM {} ORDER BY {}",
                q("customer_id"),
                q("orders"),
                q("id")
            )
        ),
        vec![vec![Some("1".to_owned())], vec![Some("99".to_owned())]],
        "{backend}"
    );
}

#[test]
fn dropped_references_columns_and_stores_on_every_backend() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = storegen::rusqlite::Connection::open(dir.path().join("r.db")).unwrap();
    storegen::rusqlite::Connection::execute_batch(&conn, "PRAGMA foreign_keys = ON").unwrap();
    dropping_references(&mut conn, dir.path());
    // SQLite checks foreign keys only with the pragma on, per connection.
    if let Some(db) = databases::postgres("migrations_references") {
        let dir = tempfile::tempdir().unwrap();
        dropping_references(&mut db.postgres_client(), dir.path());
    }
    if let Some(db) = databases::mysql("migrations_references") {
        let dir = tempfile::tempdir().unwrap();
        dropping_references(&mut db.mysql_conn(), dir.path());
    }
}

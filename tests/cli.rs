//! The `storegen` command on real databases: `prepare` then `check` round-trips, `diff
//! --sql` repairs a drifted database until `check` is clean, exit codes and JSON, stale
//! snapshots, and secrets that never show.

mod support;

use std::path::{Path, PathBuf};

use storegen::rusqlite::Connection;
use support::databases;

const BLUEPRINT: &str = "fixtures/drift/blueprint.toml";
/// What `check` says of the drift fixture's blueprint itself, above its verdict.
const BLUEPRINT_WARNING: &str = "warning: `orders.customer_id` references `customers.id` but no index starts with it: deletes of customers and lookups by `customer_id` scan the table
  --> fixtures/drift/blueprint.toml:26:1
   |
26 | customer_id = { type = \"int64\", references = \"customers.id\", on_delete = \"cascade\" }
   | ^^^^^^^^^^^
   |
   = help: add `[[stores.orders.indexes]] fields = [\"customer_id\"]`

fixtures/drift/blueprint.toml: 1 warning
";

use support::Run;

fn storegen(args: &[&str]) -> Run {
    support::storegen_in(&support::root(), args)
}

/// `storegen diff --sql` of the drift fixture's blueprint against `url`.
fn diff_sql(url: &str) -> Run {
    storegen(&["diff", "--sql", "--blueprint", BLUEPRINT, "--database", url])
}

fn apply(backend: &str, url: &str, script: &str) {
    match backend {
        "sqlite" => Connection::open(url.trim_start_matches("sqlite:"))
            .unwrap()
            .execute_batch(script)
            .unwrap_or_else(|e| panic!("{e}\n{script}")),
        "postgres" => {
            use std::str::FromStr;
            let mut client = storegen::postgres::Config::from_str(url)
                .unwrap()
                .connect(storegen::postgres::NoTls)
                .unwrap();
            client
                .batch_execute(script)
                .unwrap_or_else(|e| panic!("{e}\n{script}"));
        }
        _ => {
            use storegen::mysql::prelude::Queryable;
            let mut conn =
                storegen::mysql::Conn::new(storegen::mysql::Opts::from_url(url).unwrap()).unwrap();
            // Each statement without the comment lines above it; commented-out ones go.
            for statement in script.split(";\n").map(|s| {
                s.lines()
                    .filter(|l| !l.trim_start().starts_with("--"))
                    .collect::<Vec<_>>()
                    .join("\n")
            }) {
                let statement = statement.trim();
                if statement.is_empty() {
                    continue;
                }
                conn.query_drop(statement)
                    .unwrap_or_else(|e| panic!("{e}\n{statement}"));
            }
        }
    }
}

fn ddl(backend: &str) -> String {
    let run = storegen(&["ddl", "--blueprint", BLUEPRINT, "--backend", backend]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
}

const BACKENDS: [&str; 3] = ["sqlite", "postgres", "mysql"];

#[test]
fn prepare_then_check_round_trips_and_snapshots_are_identical_for_equivalent_databases() {
    for backend in BACKENDS {
        let dir = tempfile::tempdir().unwrap();
        let script = ddl(backend);
        let Some((url, _a)) = databases::made_by(backend, "prepare_a", dir.path(), &script) else {
            continue;
        };
        let Some((url_b, _b)) = databases::made_by(backend, "prepare_b", dir.path(), &script)
        else {
            continue;
        };
        let snap_a = dir.path().join("a.toml");
        let snap_b = dir.path().join("b.toml");
        let a = snap_a.to_str().unwrap();
        let b = snap_b.to_str().unwrap();

        let run = storegen(&[
            "prepare",
            "--blueprint",
            BLUEPRINT,
            "--database",
            &url,
            "--snapshot",
            a,
        ]);
        assert_eq!(run.code, 0, "{backend}: {}", run.stderr);
        assert!(
            run.stdout
                .starts_with(&format!("wrote {a}: 3 of 3 tables, from {backend} ")),
            "{}",
            run.stdout
        );
        let run = storegen(&[
            "prepare",
            "--blueprint",
            BLUEPRINT,
            "--database",
            &url_b,
            "--snapshot",
            b,
        ]);
        assert_eq!(run.code, 0, "{backend}: {}", run.stderr);
        let text = std::fs::read_to_string(&snap_a).unwrap();
        assert_eq!(
            text,
            std::fs::read_to_string(&snap_b).unwrap(),
            "{backend}: snapshots differ"
        );
        // Nothing of where the database lives.
        for secret in ["127.0.0.1", "root", "postgres@", "sg_prepare", ".db"] {
            assert!(
                !text.contains(secret),
                "{backend}: the snapshot holds `{secret}`:\n{text}"
            );
        }

        let run = storegen(&[
            "check",
            "--blueprint",
            BLUEPRINT,
            "--offline",
            "--snapshot",
            a,
        ]);
        assert_eq!(run.code, 0, "{backend}: {}{}", run.stdout, run.stderr);
        assert_eq!(
            run.stdout,
            format!(
                "{BLUEPRINT_WARNING}{BLUEPRINT}: clean: the {backend} database matches the blueprint\n"
            )
        );
        let run = storegen(&["check", "--blueprint", BLUEPRINT, "--database", &url]);
        assert_eq!(run.code, 0, "{backend}: {}{}", run.stdout, run.stderr);
    }
}

#[test]
fn diff_sql_brings_a_drifted_database_to_a_clean_check() {
    for backend in BACKENDS {
        let dir = tempfile::tempdir().unwrap();
        let script =
            std::fs::read_to_string(support::root().join(format!("fixtures/diff/{backend}.sql")))
                .unwrap();
        let Some((url, _db)) = databases::made_by(backend, "diff", dir.path(), &script) else {
            continue;
        };

        let before = storegen(&["check", "--blueprint", BLUEPRINT, "--database", &url]);
        assert_eq!(
            before.code, 2,
            "{backend}: {}{}",
            before.stdout, before.stderr
        );
        assert!(
            before
                .stdout
                .contains("error: store `tags`: table `tags` does not exist"),
            "{}",
            before.stdout
        );

        let diff = diff_sql(&url);
        assert_eq!(diff.code, 0, "{backend}: {}", diff.stderr);
        assert!(
            diff.stdout.contains("-- destructive, left out"),
            "{backend}:\n{}",
            diff.stdout
        );
        apply(backend, &url, &diff.stdout);

        let after = storegen(&["check", "--blueprint", BLUEPRINT, "--database", &url]);
        assert_eq!(
            after.code, 0,
            "{backend}: after\n{}\n{}{}",
            diff.stdout, after.stdout, after.stderr
        );
        // The columns the blueprint doesn't know are kept: warnings only.
        assert!(
            after.stdout.contains("has a column `memo`"),
            "{backend}: {}",
            after.stdout
        );

        let destructive = storegen(&[
            "diff",
            "--sql",
            "--allow-destructive",
            "--blueprint",
            BLUEPRINT,
            "--database",
            &url,
        ]);
        assert!(
            !destructive.stdout.contains("-- destructive"),
            "{backend}:\n{}",
            destructive.stdout
        );
        apply(backend, &url, &destructive.stdout);
        let last = storegen(&["check", "--blueprint", BLUEPRINT, "--database", &url]);
        assert_eq!(
            last.stdout,
            format!(
                "{BLUEPRINT_WARNING}{BLUEPRINT}: clean: the {backend} database matches the blueprint\n"
            ),
            "{backend}:\n{}",
            destructive.stdout
        );
        let nothing = diff_sql(&url);
        assert_eq!(
            nothing.stdout,
            "-- the database matches the blueprint: nothing to do\n"
        );

        // The rows survived every step.
        let snap = dir.path().join("after.toml");
        let run = storegen(&[
            "prepare",
            "--blueprint",
            BLUEPRINT,
            "--database",
            &url,
            "--snapshot",
            snap.to_str().unwrap(),
        ]);
        assert_eq!(run.code, 0);
        assert_rows_kept(backend, &url);
    }
}

fn assert_rows_kept(backend: &str, url: &str) {
    let query =
        "SELECT c.email, c.score, o.id FROM customers c JOIN orders o ON o.customer_id = c.id";
    let row: (String, f64, i64) = match backend {
        "sqlite" => Connection::open(url.trim_start_matches("sqlite:"))
            .unwrap()
            .query_row(query, [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap(),
        "postgres" => {
            use std::str::FromStr;
            let mut client = storegen::postgres::Config::from_str(url)
                .unwrap()
                .connect(storegen::postgres::NoTls)
                .unwrap();
            let r = client.query_one(query, &[]).unwrap();
            (r.get(0), r.get(1), r.get(2))
        }
        _ => {
            use storegen::mysql::prelude::Queryable;
            let mut conn =
                storegen::mysql::Conn::new(storegen::mysql::Opts::from_url(url).unwrap()).unwrap();
            conn.query_first(query).unwrap().unwrap()
        }
    };
    assert_eq!(row, ("a@x".to_owned(), 1.5, 7), "{backend}");
}

fn write_blueprint(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("blueprint.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn check_answers_in_json_whatever_goes_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let json = |args: &[&str]| -> (i32, serde_json::Value) {
        let mut all = vec!["check"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--format", "json"]);
        let run = storegen(&all);
        let value = serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}{}", run.stdout, run.stderr));
        (run.code, value)
    };
    // A blueprint with errors: each a located entry, not one rendered text.
    let bad = write_blueprint(
        dir.path(),
        "[blueprint]\nname = \"Bad\"\n[stores.items.fields]\nid = { type = \"int64\", primary_key = true }\nx = \"nosuchtype\"\n",
    );
    let (code, report) = json(&["--blueprint", bad.to_str().unwrap()]);
    assert_eq!((code, &report["status"]), (1, &serde_json::json!("error")));
    let entries = report["diagnostics"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{report}");
    assert_eq!(
        entries[0]["message"],
        "blueprint name `Bad` is not snake_case"
    );
    assert_eq!(
        (entries[0]["line"].as_u64(), entries[0]["column"].as_u64()),
        (Some(2), Some(8))
    );
    assert_eq!(entries[1]["severity"], "error");
    assert!(
        entries[1]["message"]
            .as_str()
            .unwrap()
            .contains("nosuchtype"),
        "{report}"
    );
    // No URL and no snapshot; a blueprint that isn't there; a snapshot that is a
    // directory: each an error message in JSON.
    let good = write_blueprint(
        dir.path(),
        "[blueprint]\nname = \"good\"\n[stores.items.fields]\nid = { type = \"int64\", primary_key = true }\n",
    );
    let (code, report) = json(&["--blueprint", good.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        report["error"]
            .as_str()
            .unwrap()
            .starts_with("nothing to check against"),
        "{report}"
    );
    let missing = dir.path().join("missing.toml");
    let (code, report) = json(&["--blueprint", missing.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        report["error"]
            .as_str()
            .unwrap()
            .starts_with("cannot read the blueprint"),
        "{report}"
    );
    let (code, report) = json(&[
        "--blueprint",
        good.to_str().unwrap(),
        "--offline",
        "--snapshot",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(
        report["error"]
            .as_str()
            .unwrap()
            .starts_with("cannot read the snapshot"),
        "{report}"
    );
}

#[test]
fn check_reports_drift_as_exit_2_and_json_and_errors_as_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let script = std::fs::read_to_string(support::root().join("fixtures/diff/sqlite.sql")).unwrap();
    let (url, _) = databases::made_by("sqlite", "json", dir.path(), &script).unwrap();
    let run = storegen(&[
        "check",
        "--blueprint",
        BLUEPRINT,
        "--database",
        &url,
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["status"], "drift");
    assert_eq!(report["backend"], "sqlite");
    let avatar = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| {
            d["message"]
                == "`customers.avatar`: column `avatar` does not exist in table `customers`"
        })
        .expect("the missing column is reported");
    assert_eq!(avatar["severity"], "error");
    assert_eq!(avatar["file"], BLUEPRINT);
    assert_eq!(
        (avatar["line"].as_u64(), avatar["column"].as_u64()),
        (Some(16), Some(1))
    );

    let bad = write_blueprint(dir.path(), "[blueprint]\nname = \"Bad\"\n");
    let run = storegen(&[
        "check",
        "--blueprint",
        bad.to_str().unwrap(),
        "--database",
        &url,
    ]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("error: blueprint name `Bad` is not snake_case"),
        "{}",
        run.stderr
    );

    let run = storegen(&[
        "check",
        "--blueprint",
        BLUEPRINT,
        "--database",
        "postgres://app:hunter2@127.0.0.1:1/x",
    ]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("the connection was refused"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("hunter2"));

    let run = storegen(&["check", "--blueprint", BLUEPRINT]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.starts_with("error: nothing to check against"),
        "{}",
        run.stderr
    );
    let run = storegen(&["frobnicate"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .starts_with("error: unknown command `frobnicate`")
    );
    let run = storegen(&["--help"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.starts_with("storegen: check a blueprint"));
}

#[test]
fn a_stale_snapshot_says_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let original = std::fs::read_to_string(support::root().join(BLUEPRINT)).unwrap();
    let blueprint = write_blueprint(dir.path(), &original);
    let (url, _) = databases::made_by("sqlite", "stale", dir.path(), &ddl("sqlite")).unwrap();
    let snap = dir.path().join("snap.toml");
    let bp = blueprint.to_str().unwrap();
    let s = snap.to_str().unwrap();
    assert_eq!(
        storegen(&[
            "prepare",
            "--blueprint",
            bp,
            "--database",
            &url,
            "--snapshot",
            s
        ])
        .code,
        0
    );

    let changed = original
        .replace("score  = { type = \"float64\", nullable = true }\n", "")
        .replace(
            "avatar = { type = \"bytes\", nullable = true }",
            "avatar = { type = \"bytes\" }\nage = \"int32\"",
        );
    std::fs::write(&blueprint, changed).unwrap();
    let run = storegen(&["check", "--blueprint", bp, "--offline", "--snapshot", s]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let errors: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("error: the snapshot is stale"))
        .collect();
    assert_eq!(
        errors,
        [
            "error: the snapshot is stale: field `customers.avatar` changed: it was `bytes, nullable`, it is `bytes`",
            "error: the snapshot is stale: field `customers.age` was added since it was taken",
            "error: the snapshot is stale: field `customers.score` was removed since it was taken",
        ]
    );
}

#[test]
fn diff_sql_notes_a_required_column_nothing_can_fill() {
    let note = "-- note: `placed` is NOT NULL without a default: this fails if `orders` has \
                rows; give the field a `default`, or add the column nullable, fill it, then \
                make it NOT NULL\n";
    for backend in BACKENDS {
        let dir = tempfile::tempdir().unwrap();
        let script = ddl(backend);
        let Some((url, _db)) = databases::made_by(backend, "backfill", dir.path(), &script) else {
            continue;
        };
        apply(backend, &url, "ALTER TABLE orders DROP COLUMN placed;\n");
        let diff = diff_sql(&url);
        assert_eq!(diff.code, 0, "{backend}: {}", diff.stderr);
        assert!(diff.stdout.contains(note), "{backend}:\n{}", diff.stdout);
        // On an empty table it runs as written.
        apply(backend, &url, &diff.stdout);
        let after = storegen(&["check", "--blueprint", BLUEPRINT, "--database", &url]);
        assert_eq!(
            after.stdout,
            format!(
                "{BLUEPRINT_WARNING}{BLUEPRINT}: clean: the {backend} database matches the blueprint\n"
            ),
            "{backend}:\n{}",
            diff.stdout
        );
    }
}

/// SQLite rebuilds a table to change it; a composite key's table keeps the columns the
/// blueprint doesn't know, ahead of its PRIMARY KEY line.
#[test]
fn diff_sql_rebuilds_a_composite_key_table_keeping_unknown_columns() {
    let dir = tempfile::tempdir().unwrap();
    let Some((url, _)) = databases::made_by("sqlite", "rebuild", dir.path(), &ddl("sqlite")) else {
        unreachable!("SQLite needs no server");
    };
    apply(
        "sqlite",
        &url,
        "ALTER TABLE tags DROP COLUMN meta;\nALTER TABLE tags ADD COLUMN memo TEXT;\n\
         INSERT INTO customers (id, email, name) VALUES (1, 'a@x', 'A');\n\
         INSERT INTO orders (id, customer_id, placed) VALUES (1, 1, '2024-02-29 08:30:00');\n\
         INSERT INTO tags (order_id, tag, memo) VALUES (1, 'red', 'kept');\n",
    );
    let diff = diff_sql(&url);
    assert_eq!(diff.code, 0, "{}", diff.stderr);
    apply("sqlite", &url, &diff.stdout);
    let after = storegen(&["check", "--blueprint", BLUEPRINT, "--database", &url]);
    assert_eq!(
        after.code, 0,
        "{}\n{}{}",
        diff.stdout, after.stdout, after.stderr
    );
    assert!(
        after.stdout.contains("has a column `memo`"),
        "{}",
        after.stdout
    );
    let memo: String = Connection::open(url.trim_start_matches("sqlite:"))
        .unwrap()
        .query_row("SELECT memo FROM tags WHERE tag = 'red'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(memo, "kept");
}

/// An enum's missing values, added by `diff --sql` on each backend (PostgreSQL's type
/// gains a value, MySQL's column is restated, SQLite's table rebuilt) with the rows
/// kept.
#[test]
fn diff_sql_adds_an_enums_missing_values() {
    const WORKFLOW: &str = "fixtures/golden/blueprints/workflow.toml";
    let scripts = [
        (
            "sqlite",
            "CREATE TABLE jobs (id INTEGER PRIMARY KEY, \
               status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'done')), \
               priority TEXT CHECK (priority IN ('low', 'high', 'Urgent')), \
               stage TEXT NOT NULL CHECK (stage IN ('draft', 'live')));\n\
             CREATE INDEX jobs_status_idx ON jobs (status);\n\
             CREATE TABLE steps (id INTEGER PRIMARY KEY, \
               job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE, \
               stage TEXT NOT NULL UNIQUE CHECK (stage IN ('draft', 'live')));\n\
             INSERT INTO jobs (id, status, stage) VALUES (7, 'done', 'live');\n",
        ),
        (
            "postgres",
            "CREATE TYPE job_status AS ENUM ('new', 'done');\n\
             CREATE TYPE stage AS ENUM ('draft', 'live');\n\
             CREATE TABLE jobs (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, \
               status job_status NOT NULL DEFAULT 'new', \
               priority text CHECK (priority IN ('low', 'high', 'Urgent')), stage stage NOT NULL);\n\
             CREATE INDEX jobs_status_idx ON jobs (status);\n\
             CREATE TABLE steps (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, \
               job_id bigint NOT NULL REFERENCES jobs (id) ON DELETE CASCADE, stage stage NOT NULL UNIQUE);\n\
             INSERT INTO jobs (id, status, stage) VALUES (7, 'done', 'live');\n",
        ),
        (
            "mysql",
            "CREATE TABLE jobs (id BIGINT AUTO_INCREMENT PRIMARY KEY, \
               status ENUM('new', 'done') NOT NULL DEFAULT 'new', \
               priority ENUM('low', 'high', 'Urgent'), stage ENUM('draft', 'live') NOT NULL, \
               INDEX jobs_status_idx (status)) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;\n\
             CREATE TABLE steps (id BIGINT AUTO_INCREMENT PRIMARY KEY, job_id BIGINT NOT NULL, \
               stage ENUM('draft', 'live') NOT NULL UNIQUE, \
               FOREIGN KEY (job_id) REFERENCES jobs (id) ON DELETE CASCADE) \
               CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;\n\
             INSERT INTO jobs (id, status, stage) VALUES (7, 'done', 'live');\n",
        ),
    ];
    for (backend, script) in scripts {
        let dir = tempfile::tempdir().unwrap();
        let Some((url, _db)) = databases::made_by(backend, "diff_enum", dir.path(), script) else {
            continue;
        };
        let before = storegen(&["check", "--blueprint", WORKFLOW, "--database", &url]);
        assert_eq!(before.code, 2, "{backend}: {}", before.stdout);
        assert!(
            before.stdout.contains(
                "error: `jobs.status`: column `status` lacks the enum's `in_progress` (writing them fails)"
            ),
            "{backend}: {}",
            before.stdout
        );
        let diff = storegen(&["diff", "--sql", "--blueprint", WORKFLOW, "--database", &url]);
        assert_eq!(diff.code, 0, "{backend}: {}", diff.stderr);
        if backend == "postgres" {
            assert!(
                diff.stdout
                    .contains("ALTER TYPE \"job_status\" ADD VALUE IF NOT EXISTS 'in_progress';"),
                "{}",
                diff.stdout
            );
        }
        apply(backend, &url, &diff.stdout);
        let after = storegen(&["check", "--blueprint", WORKFLOW, "--database", &url]);
        assert_eq!(
            after.stdout,
            format!("{WORKFLOW}: clean: the {backend} database matches the blueprint\n"),
            "{backend}:\n{}",
            diff.stdout
        );
        // The row is still there, its value still readable.
        let query = "SELECT id FROM jobs WHERE status = 'done' AND stage = 'live'";
        let ids: Vec<i64> = match backend {
            "sqlite" => Connection::open(url.trim_start_matches("sqlite:"))
                .unwrap()
                .prepare(query)
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap(),
            "postgres" => {
                use std::str::FromStr;
                storegen::postgres::Config::from_str(&url)
                    .unwrap()
                    .connect(storegen::postgres::NoTls)
                    .unwrap()
                    .query(query, &[])
                    .unwrap()
                    .iter()
                    .map(|r| r.get(0))
                    .collect()
            }
            _ => {
                use storegen::mysql::prelude::Queryable;
                storegen::mysql::Conn::new(storegen::mysql::Opts::from_url(&url).unwrap())
                    .unwrap()
                    .query(query)
                    .unwrap()
            }
        };
        assert_eq!(ids, [7], "{backend}");
    }
}

/// `storegen ddl`'s MySQL script, run by hand, makes `utf8mb4_bin` tables, which pad:
/// `check` warns at each text field, `diff --sql` converts them to the server's NO PAD
/// binary collation, and then `"k"` and `"k "` are two keys, as on the other backends.
#[test]
fn a_padding_mysql_collation_is_reported_and_diff_sql_converts_it() {
    let Some(db) = databases::mysql("padding") else {
        return;
    };
    let script = ddl("mysql");
    assert!(
        script.starts_with(
            "-- `utf8mb4_bin`, which every MySQL and MariaDB has, pads: 'k' and 'k ' are one key.\n"
        ),
        "{script}"
    );
    apply("mysql", &db.url, &script);
    let check = storegen(&["check", "--blueprint", BLUEPRINT, "--database", &db.url]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    let warnings: Vec<&str> = check
        .stdout
        .lines()
        .filter(|l| l.starts_with("warning: `") && l.contains("collation"))
        .collect();
    let warning = |field: &str, column: &str| {
        format!(
            "warning: `{field}`: column `{column}` has collation utf8mb4_bin, which ignores trailing spaces when it compares: `\"k\"` and `\"k \"` are one value there, on no other backend (a lookup by one finds the other's row; a unique key refuses the second)"
        )
    };
    assert_eq!(
        warnings,
        [
            warning("customers.email", "email"),
            warning("customers.name", "name"),
            warning("tags.tag", "tag"),
        ],
        "{}",
        check.stdout
    );
    assert!(check.stdout.contains("   = help: convert the column to the server's NO PAD binary collation (`utf8mb4_nopad_bin` on MariaDB, `utf8mb4_0900_bin` on MySQL 8; `storegen diff --sql` writes the statement), or declare `collation = \"utf8mb4_bin\"` on the field to accept it\n"), "{}", check.stdout);
    let diff = diff_sql(&db.url);
    assert_eq!(diff.code, 0, "{}", diff.stderr);
    let collation = db.as_migrate_runs("CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
    assert_eq!(
        diff.stdout,
        format!(
            "ALTER TABLE `customers` MODIFY COLUMN `email` VARCHAR(255) {collation} NOT NULL;\n\
             ALTER TABLE `customers` MODIFY COLUMN `name` VARCHAR(100) {collation} NOT NULL;\n\
             ALTER TABLE `tags` MODIFY COLUMN `tag` VARCHAR(64) {collation} NOT NULL;\n"
        )
    );
    apply("mysql", &db.url, &diff.stdout);
    let after = storegen(&["check", "--blueprint", BLUEPRINT, "--database", &db.url]);
    assert_eq!(
        after.stdout,
        format!(
            "{BLUEPRINT_WARNING}{BLUEPRINT}: clean: the mysql database matches the blueprint\n"
        )
    );
    // Two keys now: the unique email and the key's tag each take "k" and "k ".
    apply(
        "mysql",
        &db.url,
        "INSERT INTO customers (id, email, name) VALUES (1, 'k', 'A'), (2, 'k ', 'B');\n\
         INSERT INTO orders (id, customer_id, placed) VALUES (1, 1, '2024-02-29 08:30:00');\n\
         INSERT INTO tags (order_id, tag) VALUES (1, 'k'), (1, 'k ');\n",
    );
    use storegen::mysql::prelude::Queryable;
    let mut conn = db.mysql_conn();
    let found: Vec<u64> = conn
        .query("SELECT id FROM customers WHERE email = 'k '")
        .unwrap();
    assert_eq!(found, [2]);
}

#[test]
fn ddl_collation_is_checked_and_only_for_mysql() {
    let ddl_with = |backend: &str, collation: &str| {
        storegen(&[
            "ddl",
            "--blueprint",
            BLUEPRINT,
            "--backend",
            backend,
            "--collation",
            collation,
        ])
    };
    let run = ddl_with("mysql", "utf8mb4_nopad_bin");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("CREATE TABLE"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains(") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;\n")
    );
    assert!(!run.stdout.contains("utf8mb4_bin"));
    let run = ddl_with("mysql", "bin; DROP TABLE x");
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (
            1,
            "error: --collation `bin; DROP TABLE x` is not a collation name (letters, digits and `_`)\n"
        )
    );
    let run = ddl_with("postgres", "C");
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (
            1,
            "error: --collation is for MySQL and MariaDB, not PostgreSQL\n"
        )
    );
}

/// `storegen sql`: each store's statements as its operations run them, in the backend's
/// dialect — the generated module builds these from its schema at run time, so this is
/// where they can be read. A version column is raised by `update` and `patch`; a store
/// whose key the application gives has `upsert`.
#[test]
fn sql_prints_every_store_statement_in_the_backends_dialect() {
    let dir = tempfile::tempdir().unwrap();
    let blueprint = dir.path().join("blueprint.toml");
    std::fs::write(
        &blueprint,
        r#"[blueprint]
name = "shop"

[database]
backends = ["sqlite", "mysql"]

[stores.items]
record = "Item"

[stores.items.fields]
id = { type = "int64", primary_key = true, generated = true }
name = { type = "text", max_length = 80 }
rev = { type = "int32", version = true }

[stores.codes]
record = "Code"

[stores.codes.fields]
code = { type = "text", max_length = 8, primary_key = true }
label = "text"
"#,
    )
    .unwrap();
    let path = blueprint.to_str().unwrap();
    let run = storegen(&["sql", "--blueprint", path]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        r#"-- store `items`
-- insert
INSERT INTO "items" ("name") VALUES (?1) RETURNING "id", "name", "rev";
-- get
SELECT "id", "name", "rev" FROM "items" WHERE "id" = ?1;
-- update
UPDATE "items" SET "name" = ?1, "rev" = "rev" + 1 WHERE "id" = ?2 AND "rev" = ?3;
-- delete
DELETE FROM "items" WHERE "id" = ?1;
-- list (first page)
SELECT "id", "name", "rev" FROM "items" ORDER BY "id" LIMIT ?1;
-- list (page after a key)
SELECT "id", "name", "rev" FROM "items" WHERE "id" > ?1 ORDER BY "id" LIMIT ?2;
-- count
SELECT COUNT(*) FROM "items";
-- patch (setting "name" alone)
UPDATE "items" SET "name" = ?1, "rev" = "rev" + 1 WHERE "id" = ?2;

-- store `codes`
-- insert
INSERT INTO "codes" ("code", "label") VALUES (?1, ?2) RETURNING "code", "label";
-- get
SELECT "code", "label" FROM "codes" WHERE "code" = ?1;
-- update
UPDATE "codes" SET "label" = ?1 WHERE "code" = ?2;
-- upsert
INSERT INTO "codes" ("code", "label") VALUES (?1, ?2) ON CONFLICT ("code") DO UPDATE SET "label" = excluded."label" RETURNING "code", "label";
-- delete
DELETE FROM "codes" WHERE "code" = ?1;
-- list (first page)
SELECT "code", "label" FROM "codes" ORDER BY "code" LIMIT ?1;
-- list (page after a key)
SELECT "code", "label" FROM "codes" WHERE "code" > ?1 ORDER BY "code" LIMIT ?2;
-- count
SELECT COUNT(*) FROM "codes";
-- patch (setting "label" alone)
UPDATE "codes" SET "label" = ?1 WHERE "code" = ?2;
"#
    );
    // MySQL: `?` placeholders, row locks, and the insert without RETURNING (tried by
    // the server's version at run time).
    let run = storegen(&["sql", "--blueprint", path, "--backend", "mysql"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with(
            "-- store `items`\n-- insert\nINSERT INTO `items` (`name`) VALUES (?);\n\
             -- get\nSELECT `id`, `name`, `rev` FROM `items` WHERE `id` = ?;\n\
             -- get_for_update\nSELECT `id`, `name`, `rev` FROM `items` WHERE `id` = ? FOR UPDATE;\n"
        ),
        "{}",
        run.stdout
    );
}

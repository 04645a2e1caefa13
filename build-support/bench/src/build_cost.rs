//! The build's own cost: generating for blueprints of 10, 100 and 1,000 stores,
//! validated against an SQLite file, PostgreSQL, MariaDB and a snapshot — time, peak
//! memory and catalog round trips — and the compile time of the generated code.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use storegen::build::Checked;

const SIZES: [usize; 3] = [10, 100, 1_000];
const RUNS: usize = 5;

/// A blueprint of `stores` stores, each with six fields, an index and (after the
/// first) a reference to the store before it.
pub fn blueprint(stores: usize) -> String {
    let mut out = "[blueprint]\nname = \"big\"\n\n[database]\nbackends = [\"sqlite\", \"postgres\", \"mysql\"]\n".to_string();
    for i in 0..stores {
        out.push_str(&format!(
            "\n[stores.s{i}]\nrecord = \"Row{i}\"\n\n[stores.s{i}.fields]\n"
        ));
        out.push_str("id = { type = \"int64\", primary_key = true, generated = true }\n");
        out.push_str("name = { type = \"text\", max_length = 80 }\n");
        out.push_str("qty = \"int32\"\n");
        out.push_str("price = { type = \"float64\", nullable = true }\n");
        out.push_str("active = { type = \"bool\", default = true }\n");
        if i > 0 {
            out.push_str(&format!(
                "parent = {{ type = \"int64\", references = \"s{}.id\" }}\n",
                i - 1
            ));
        } else {
            out.push_str("parent = { type = \"int64\", nullable = true }\n");
        }
        out.push_str(&format!("\n[[stores.s{i}.indexes]]\nfields = [\"name\"]\n"));
    }
    out
}

/// The child process: one generation, then its time and peak memory on stdout.
pub fn child(blueprint: &str, target: &str) {
    let out = std::env::temp_dir().join(format!("storegen-bench-gen-{}", std::process::id()));
    let mut builder = storegen::Builder::new()
        .blueprint(blueprint)
        .out_dir(&out)
        .emit_cargo_directives(false);
    builder = match target.strip_prefix("snapshot:") {
        // Generation alone, unchecked: what the build costs apart from validation.
        _ if target == "off" => builder.validate(storegen::Validate::Off),
        Some(path) => builder
            .snapshot(path)
            .validate(storegen::Validate::Snapshot),
        None => builder.database(target).validate(storegen::Validate::Live),
    };
    let started = Instant::now();
    let generated = builder.generate().into_result().unwrap_or_else(|e| {
        eprintln!("{}", storegen::build::render_error(&e));
        std::process::exit(1)
    });
    let elapsed = started.elapsed();
    assert!(target == "off" || matches!(generated.checked, Checked::Live | Checked::Snapshot));
    let _ = std::fs::remove_dir_all(&out);
    println!("{} {}", elapsed.as_secs_f64(), peak_kib());
}

/// This process's peak resident memory, in KiB (Linux).
fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Runs the child `RUNS` times: median seconds, spread (min, max), median peak MiB.
fn generations(blueprint: &Path, target: &str, mut between: impl FnMut()) -> (f64, f64, f64, f64) {
    let exe = std::env::current_exe().unwrap();
    let (mut times, mut peaks) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        between();
        let output = Command::new(&exe)
            .args(["generate", blueprint.to_str().unwrap(), target])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let text = String::from_utf8_lossy(&output.stdout);
        let mut parts = text.split_whitespace();
        times.push(parts.next().unwrap().parse::<f64>().unwrap());
        peaks.push(parts.next().unwrap().parse::<f64>().unwrap() / 1024.0);
    }
    let (min, max) = times
        .iter()
        .fold((f64::MAX, 0.0f64), |(lo, hi), &t| (lo.min(t), hi.max(t)));
    (median(times), min, max, median(peaks))
}

/// A catalog-statement counter for one database on each server.
fn pg_statements(admin: &mut storegen::postgres::Client, database: &str) -> i64 {
    admin
        .batch_execute("SELECT pg_stat_clear_snapshot()")
        .unwrap();
    admin
        .query_one(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = $1",
            &[&database],
        )
        .unwrap()
        .get(0)
}

fn mysql_questions(admin: &mut storegen::mysql::Conn) -> u64 {
    use storegen::mysql::prelude::Queryable;
    let row: Option<(String, u64)> = admin
        .query_first("SHOW GLOBAL STATUS LIKE 'Questions'")
        .unwrap();
    row.map(|(_, n)| n).unwrap_or(0)
}

pub fn run() {
    use storegen::mysql::prelude::Queryable;

    let dir = std::env::temp_dir().join(format!("storegen-bench-build-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    println!(
        "| stores | validated against | time (median) | spread (min–max) | peak memory | catalog round trips |"
    );
    println!("|---|---|---|---|---|---|");
    let mut pg_admin =
        storegen::postgres::Client::connect(crate::PG_URL, storegen::postgres::NoTls).ok();
    let mut my_admin =
        storegen::mysql::Conn::new(storegen::mysql::Opts::from_url(crate::MYSQL_URL).unwrap()).ok();
    for stores in SIZES {
        let path = dir.join(format!("blueprint-{stores}.toml"));
        std::fs::write(&path, blueprint(stores)).unwrap();
        let (parsed, _) = storegen::build::blueprint::parse(&blueprint(stores)).unwrap();
        let schema = &parsed.schema;
        let ddl = |backend| storegen::build::diff::ddl(schema, backend);
        let row = |target: &str, (median, min, max, peak): (f64, f64, f64, f64), trips: String| {
            println!(
                "| {stores} | {target} | {:.0} ms | {:.0}–{:.0} ms | {peak:.0} MiB | {trips} |",
                median * 1e3,
                min * 1e3,
                max * 1e3
            );
        };

        let db = dir.join(format!("big-{stores}.db"));
        storegen::rusqlite::Connection::open(&db)
            .unwrap()
            .execute_batch(&ddl(storegen::BackendKind::Sqlite))
            .unwrap();
        let sqlite_url = format!("sqlite:{}", db.display());
        row(
            "SQLite file",
            generations(&path, &sqlite_url, || {}),
            "in-process".into(),
        );

        let snapshot = dir.join(format!("snapshot-{stores}.toml"));
        take_snapshot(&path, &sqlite_url, &snapshot);
        row(
            "snapshot",
            generations(&path, &format!("snapshot:{}", snapshot.display()), || {}),
            "0".into(),
        );

        if let Some(admin) = pg_admin.as_mut() {
            let name = format!("storegen_bench_build_{stores}");
            admin
                .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
                .unwrap();
            admin
                .batch_execute(&format!("CREATE DATABASE {name}"))
                .unwrap();
            let url = format!("postgres://postgres@127.0.0.1:5432/{name}");
            let mut client =
                storegen::postgres::Client::connect(&url, storegen::postgres::NoTls).unwrap();
            client
                .batch_execute(&ddl(storegen::BackendKind::Postgres))
                .unwrap();
            drop(client);
            std::thread::sleep(std::time::Duration::from_millis(300));
            let before = pg_statements(admin, &name);
            let timing = generations(&path, &url, || {});
            std::thread::sleep(std::time::Duration::from_millis(300));
            let trips = (pg_statements(admin, &name) - before) / RUNS as i64;
            row("PostgreSQL", timing, format!("{trips} statements"));
            admin
                .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
                .unwrap();
        }
        if let Some(admin) = my_admin.as_mut() {
            let name = format!("storegen_bench_build_{stores}");
            admin
                .query_drop(format!("DROP DATABASE IF EXISTS {name}"))
                .unwrap();
            admin.query_drop(format!("CREATE DATABASE {name}")).unwrap();
            let url = format!("mysql://root@127.0.0.1:3306/{name}");
            let mut conn =
                storegen::mysql::Conn::new(storegen::mysql::Opts::from_url(&url).unwrap()).unwrap();
            for statement in ddl(storegen::BackendKind::Mysql)
                .split(";\n")
                .filter(|s| !s.trim().is_empty())
            {
                conn.query_drop(statement).unwrap();
            }
            drop(conn);
            let before = mysql_questions(admin);
            let timing = generations(&path, &url, || {});
            // Each SHOW STATUS is a question too.
            let trips = (mysql_questions(admin) - before - 1) / RUNS as u64;
            row("MariaDB", timing, format!("{trips} statements"));
            admin.query_drop(format!("DROP DATABASE {name}")).unwrap();
        }
    }
    compile_cost(&dir);
    let _ = std::fs::remove_dir_all(&dir);
}

fn take_snapshot(blueprint: &Path, url: &str, snapshot: &Path) {
    let (parsed, _) =
        storegen::build::blueprint::parse(&std::fs::read_to_string(blueprint).unwrap()).unwrap();
    let conn = storegen::rusqlite::Connection::open(url.trim_start_matches("sqlite:")).unwrap();
    let tables: Vec<&str> = parsed
        .schema
        .stores
        .iter()
        .map(|s| s.table.as_str())
        .collect();
    let catalog = storegen::backend::sqlite::introspect::introspect(&conn, &tables).unwrap();
    std::fs::write(
        snapshot,
        storegen::build::snapshot::render(&parsed.schema, &catalog),
    )
    .unwrap();
}

/// The `cargo build` time of a downstream crate whose dependencies are built, after its
/// blueprint changed: the build script's run and the generated code's compilation.
fn compile_cost(dir: &Path) {
    let storegen = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let storegen = storegen.canonicalize().unwrap();
    let krate = dir.join("downstream");
    std::fs::create_dir_all(krate.join("src")).unwrap();
    std::fs::write(
        krate.join("Cargo.toml"),
        format!(
            "[package]\nname = \"downstream\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[dependencies]\nstoregen = {{ path = {:?}, features = [\"sqlite\", \"postgres\", \"mysql\"] }}\n\n[build-dependencies]\nstoregen = {{ path = {:?}, features = [\"codegen\"] }}\n\n[workspace]\n",
            storegen.display().to_string(),
            storegen.display().to_string()
        ),
    )
    .unwrap();
    std::fs::write(
        krate.join("build.rs"),
        "fn main() { storegen::Builder::new().blueprint(\"blueprint.toml\").validate(storegen::Validate::Off).emit_cargo_directives(true).generate().unwrap_or_exit(); }\n",
    )
    .unwrap();
    std::fs::write(
        krate.join("src/lib.rs"),
        "#[allow(clippy::all)]\npub mod db { include!(concat!(env!(\"OUT_DIR\"), \"/big.rs\")); }\n",
    )
    .unwrap();
    let target = dir.join("downstream-target");
    let build = || {
        let started = Instant::now();
        let status = Command::new(env!("CARGO"))
            .args(["build", "--quiet"])
            .current_dir(&krate)
            .env("CARGO_TARGET_DIR", &target)
            .status()
            .unwrap();
        assert!(status.success());
        started.elapsed().as_secs_f64()
    };
    println!();
    println!(
        "| stores | `cargo build` after a blueprint change (median) | spread (min–max) | per store |"
    );
    println!("|---|---|---|---|");
    // Dependencies first, once.
    std::fs::write(krate.join("blueprint.toml"), blueprint(1)).unwrap();
    build();
    for stores in SIZES {
        let mut times = Vec::new();
        // A thousand stores take minutes to compile: once is enough to see the trend.
        let runs = if stores >= 1_000 { 1 } else { 3 };
        for run in 0..runs {
            // A change the generated code must be rebuilt for.
            let text = blueprint(stores).replacen(
                "name = \"big\"",
                &format!("name = \"big\"\ndescription = \"run {run}\""),
                1,
            );
            std::fs::write(krate.join("blueprint.toml"), text).unwrap();
            times.push(build());
        }
        let (min, max) = times
            .iter()
            .fold((f64::MAX, 0.0f64), |(lo, hi), &t| (lo.min(t), hi.max(t)));
        let median = median(times);
        println!(
            "| {stores} | {median:.1} s | {min:.1}–{max:.1} s | {:.1} ms |",
            median * 1e3 / stores as f64
        );
    }
}

/// A blueprint of two stores with `queries` custom queries in one file beside it:
/// joins (one outer), aggregates, lookups and updates, each of its own text.
fn query_project(dir: &Path, queries: usize) -> PathBuf {
    let folder = dir.join(format!("queries-{queries}"));
    std::fs::create_dir_all(&folder).unwrap();
    let path = folder.join("blueprint.toml");
    std::fs::write(
        &path,
        query_blueprint("\"sqlite\", \"postgres\", \"mysql\""),
    )
    .unwrap();
    std::fs::write(folder.join("queries.sql"), query_file(queries, 0)).unwrap();
    path
}

/// The query benchmark's blueprint, for these backends (`"postgres"`, …).
fn query_blueprint(backends: &str) -> String {
    format!("[blueprint]\nname = \"many_queries\"\n\n[database]\nbackends = [{backends}]\n\n")
        + "[queries]\nfiles = [\"queries.sql\"]\n\n\
        [stores.members]\nrecord = \"Member\"\n[stores.members.fields]\nid = { type = \"int64\", primary_key = true, generated = true }\nemail = { type = \"text\", max_length = 200 }\njoined = \"timestamp_tz\"\n\n\
        [stores.tickets]\nrecord = \"Ticket\"\n[stores.tickets.fields]\nid = { type = \"int64\", primary_key = true, generated = true }\nauthor_id = { type = \"int64\", references = \"members.id\" }\nstatus = { type = \"enum\", values = [\"open\", \"closed\"], enum_name = \"Status\" }\ntitle = \"text\"\nestimate = { type = \"decimal\", precision = 10, scale = 2, nullable = true }\n\n[[stores.tickets.indexes]]\nfields = [\"author_id\"]\n"
}

/// `queries` queries of four kinds, each of its own text; `run` goes into the first
/// one's doc, so a new run changes the generated code.
fn query_file(queries: usize, run: usize) -> String {
    let mut sql = String::new();
    for i in 0..queries {
        let text = match i % 4 {
            0 => format!(
                "-- name: q{i} :many\n-- Tickets with their author, a page.\nSELECT t.id, t.title, m.email AS author FROM tickets t LEFT JOIN members m ON m.id = t.author_id WHERE t.status = :status AND t.id > {i} ORDER BY t.id LIMIT :limit;\n\n"
            ),
            1 => format!(
                "-- name: q{i} :many\nSELECT t.author_id, COUNT(*) AS \"n!: int64\", SUM(t.estimate) AS \"total: decimal(12, 2)\" FROM tickets t WHERE t.id > :min AND {i} = {i} GROUP BY t.author_id;\n\n"
            ),
            2 => format!(
                "-- name: q{i} :exec\nUPDATE tickets SET title = :title WHERE id = :id AND {i} = {i};\n\n"
            ),
            _ => format!(
                "-- name: q{i} :one\nSELECT id, email, joined FROM members WHERE email = :email AND {i} = {i};\n\n"
            ),
        };
        sql.push_str(&text);
    }
    sql.replacen(
        "-- Tickets with their author, a page.",
        &format!("-- Tickets with their author, a page (run {run})."),
        1,
    )
}

/// The `cargo build` of a downstream crate after its query file changed (dependencies
/// built): the build script (debug, as Cargo builds it) checking every query against
/// PostgreSQL and generating, and the generated module's compilation. PostgreSQL only,
/// as sqlx's side of `build-support/sqlx-cost.sh`.
fn query_compile_cost(dir: &Path) {
    let Ok(mut admin) =
        storegen::postgres::Client::connect(crate::PG_URL, storegen::postgres::NoTls)
    else {
        return;
    };
    let name = "storegen_bench_query_compile";
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
        .unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    let url = format!("postgres://postgres@127.0.0.1:5432/{name}");
    let blueprint = query_blueprint("\"postgres\"");
    let (parsed, _) = storegen::build::blueprint::parse(&blueprint).unwrap();
    storegen::postgres::Client::connect(&url, storegen::postgres::NoTls)
        .unwrap()
        .batch_execute(&storegen::build::diff::ddl(
            &parsed.schema,
            storegen::BackendKind::Postgres,
        ))
        .unwrap();
    let storegen = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap();
    let krate = dir.join("downstream-queries");
    std::fs::create_dir_all(krate.join("src")).unwrap();
    std::fs::write(
        krate.join("Cargo.toml"),
        format!(
            "[package]\nname = \"downstream-queries\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[dependencies]\nstoregen = {{ path = {:?}, features = [\"postgres\", \"chrono\", \"decimal\"] }}\n\n[build-dependencies]\nstoregen = {{ path = {:?}, features = [\"codegen\", \"queries\", \"postgres\"] }}\n\n[workspace]\n",
            storegen.display().to_string(),
            storegen.display().to_string()
        ),
    )
    .unwrap();
    std::fs::write(krate.join("blueprint.toml"), &blueprint).unwrap();
    std::fs::write(
        krate.join("build.rs"),
        format!("fn main() {{ storegen::Builder::new().blueprint(\"blueprint.toml\").database({url:?}).validate(storegen::Validate::Live).generate().unwrap_or_exit(); }}\n"),
    )
    .unwrap();
    std::fs::write(
        krate.join("src/lib.rs"),
        "#[allow(clippy::all)]\npub mod db { include!(concat!(env!(\"OUT_DIR\"), \"/many_queries.rs\")); }\n",
    )
    .unwrap();
    let target = dir.join("downstream-queries-target");
    let build = || {
        let started = Instant::now();
        let status = Command::new(env!("CARGO"))
            .args(["build", "--quiet"])
            .current_dir(&krate)
            .env("CARGO_TARGET_DIR", &target)
            .status()
            .unwrap();
        assert!(status.success());
        started.elapsed().as_secs_f64()
    };
    println!();
    println!("| queries | `cargo build` after the query file changed (median of 3) | per query |");
    println!("|---|---|---|");
    std::fs::write(krate.join("queries.sql"), query_file(1, 0)).unwrap();
    build();
    for queries in [10, 100, 500] {
        let mut times = Vec::new();
        for run in 1..=3 {
            std::fs::write(krate.join("queries.sql"), query_file(queries, run)).unwrap();
            times.push(build());
        }
        let median = median(times);
        println!(
            "| {queries} | {median:.2} s | {:.1} ms |",
            median * 1e3 / queries as f64
        );
    }
    admin
        .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .unwrap();
}

/// Build-script cost of custom queries: 10, 100 and 500 queries checked and generated
/// against each live backend (one connection) and from a snapshot.
pub fn queries() {
    use storegen::mysql::prelude::Queryable;

    let dir = std::env::temp_dir().join(format!("storegen-bench-queries-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    println!(
        "| queries | validated against | time (median) | spread (min–max) | per query | peak memory |"
    );
    println!("|---|---|---|---|---|---|");
    let mut pg_admin =
        storegen::postgres::Client::connect(crate::PG_URL, storegen::postgres::NoTls).ok();
    let mut my_admin =
        storegen::mysql::Conn::new(storegen::mysql::Opts::from_url(crate::MYSQL_URL).unwrap()).ok();
    for count in [10, 100, 500] {
        let path = query_project(&dir, count);
        let (parsed, _) =
            storegen::build::blueprint::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let ddl = |backend| storegen::build::diff::ddl(&parsed.schema, backend);
        let row = |target: &str, (median, min, max, peak): (f64, f64, f64, f64)| {
            println!(
                "| {count} | {target} | {:.0} ms | {:.0}–{:.0} ms | {:.2} ms | {peak:.0} MiB |",
                median * 1e3,
                min * 1e3,
                max * 1e3,
                median * 1e3 / count as f64
            );
        };
        let db = dir.join(format!("queries-{count}.db"));
        storegen::rusqlite::Connection::open(&db)
            .unwrap()
            .execute_batch(&ddl(storegen::BackendKind::Sqlite))
            .unwrap();
        let sqlite_url = format!("sqlite:{}", db.display());
        row("SQLite file", generations(&path, &sqlite_url, || {}));
        let snapshot = dir.join(format!("queries-{count}.snapshot.toml"));
        let code = storegen::build::cli::run(
            vec![
                "prepare".into(),
                "--blueprint".into(),
                path.clone().into(),
                "--database".into(),
                sqlite_url.clone().into(),
                "--snapshot".into(),
                snapshot.clone().into(),
            ],
            &mut Vec::new(),
            &mut std::io::stderr(),
        );
        assert_eq!(code, 0);
        row(
            "snapshot",
            generations(&path, &format!("snapshot:{}", snapshot.display()), || {}),
        );
        if let Some(admin) = pg_admin.as_mut() {
            let name = format!("storegen_bench_queries_{count}");
            admin
                .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
                .unwrap();
            admin
                .batch_execute(&format!("CREATE DATABASE {name}"))
                .unwrap();
            let url = format!("postgres://postgres@127.0.0.1:5432/{name}");
            storegen::postgres::Client::connect(&url, storegen::postgres::NoTls)
                .unwrap()
                .batch_execute(&ddl(storegen::BackendKind::Postgres))
                .unwrap();
            row("PostgreSQL", generations(&path, &url, || {}));
            admin
                .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
                .unwrap();
        }
        if let Some(admin) = my_admin.as_mut() {
            let name = format!("storegen_bench_queries_{count}");
            admin
                .query_drop(format!("DROP DATABASE IF EXISTS {name}"))
                .unwrap();
            admin.query_drop(format!("CREATE DATABASE {name}")).unwrap();
            let url = format!("mysql://root@127.0.0.1:3306/{name}");
            let mut conn =
                storegen::mysql::Conn::new(storegen::mysql::Opts::from_url(&url).unwrap()).unwrap();
            for statement in ddl(storegen::BackendKind::Mysql)
                .split(";\n")
                .filter(|s| !s.trim().is_empty())
            {
                conn.query_drop(statement).unwrap();
            }
            drop(conn);
            row("MariaDB", generations(&path, &url, || {}));
            admin.query_drop(format!("DROP DATABASE {name}")).unwrap();
        }
    }
    query_compile_cost(&dir);
    let _ = std::fs::remove_dir_all(&dir);
}

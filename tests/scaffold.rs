//! `storegen new`: for each backend, a service is written into a temporary folder, built
//! against this checkout (its `storegen` dependency made a path) by the Dockerfile's own
//! build commands — offline, without a database —, and run against the test server:
//! `--migrate` and `/health` answering 200 with its JSON fields, SIGTERM and a clean exit,
//! an unreachable database and a broken configuration stopping it with their messages.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::{databases, root};

/// `storegen` in `dir`: its exit code, stdout and stderr.
fn storegen(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let run = support::storegen_in(dir, args);
    (run.code, run.stdout, run.stderr)
}

/// Where the services build: one folder for every test run, so their dependencies build
/// once.
fn target_dir() -> PathBuf {
    root().join("target/scaffold")
}

/// Writes the service for `backend` and points its `storegen` at this checkout.
fn scaffold(parent: &Path, backend: &str) -> PathBuf {
    let name = format!("svc_{backend}");
    let (code, stdout, stderr) = storegen(parent, &["new", &name, "--backend", backend]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.starts_with(&format!("wrote the service `{name}`")),
        "{stdout}"
    );
    let dir = parent.join(&name);
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    let version = format!("storegen = {{ version = \"{}\"", env!("CARGO_PKG_VERSION"));
    assert_eq!(manifest.matches(&version).count(), 2, "{manifest}");
    let path = format!("storegen = {{ path = {:?}", root().display().to_string());
    std::fs::write(dir.join("Cargo.toml"), manifest.replace(&version, &path)).unwrap();
    // The versions this checkout is tested with, for the dependencies they share.
    std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    dir
}

/// Runs the Dockerfile's `RUN` commands in the service's folder: no DATABASE_URL, and
/// the build itself offline (the Dockerfile says `--offline`).
fn build_as_the_dockerfile_does(dir: &Path) {
    let dockerfile = std::fs::read_to_string(dir.join("Dockerfile")).unwrap();
    let commands: Vec<&str> = dockerfile
        .lines()
        .take_while(|l| !l.starts_with("FROM debian"))
        .filter_map(|l| l.strip_prefix("RUN "))
        .collect();
    assert_eq!(
        commands,
        [
            "cargo fetch",
            "STOREGEN_OFFLINE=1 cargo build --release --offline"
        ]
    );
    for command in commands {
        let status = Command::new("sh")
            .args(["-c", command])
            .current_dir(dir)
            .env("CARGO_TARGET_DIR", target_dir())
            .env_remove("DATABASE_URL")
            .env_remove("RUSTFLAGS")
            .status()
            .expect("running the Dockerfile's command");
        assert!(status.success(), "`{command}` failed in {}", dir.display());
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(binary: &Path, env: &[(&str, &str)], args: &[&str]) -> Child {
    let mut command = Command::new(binary);
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    command.spawn().expect("starting the service")
}

/// Waits for the child to exit, up to `limit`; its status code and output.
fn wait(mut child: Child, limit: Duration) -> (Option<i32>, String, String) {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut out = String::new();
            let mut err = String::new();
            child
                .stdout
                .take()
                .unwrap()
                .read_to_string(&mut out)
                .unwrap();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            return (status.code(), out, err);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let output = child.wait_with_output().unwrap();
            panic!(
                "the service did not exit within {limit:?}:\n{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// GET `path` from the service: the status and the body.
fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    let status = answer.split_whitespace().nth(1)?.parse().ok()?;
    let body = answer.split_once("\r\n\r\n")?.1.to_owned();
    Some((status, body))
}

fn run_service(backend: &str, url: &str, unreachable: &str) {
    let binary = target_dir().join(format!("release/svc_{backend}"));
    let port = free_port().to_string();
    let listen = format!("127.0.0.1:{port}");
    let port: u16 = port.parse().unwrap();
    let env = [
        ("DATABASE_URL", url),
        ("LISTEN_ADDR", listen.as_str()),
        ("SHUTDOWN_TIMEOUT_SECS", "5"),
    ];
    let child = start(&binary, &env, &["--migrate", "--demo"]);
    let started = Instant::now();
    let health = loop {
        if let Some(answer) = get(port, "/health") {
            break answer;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{backend}: no answer on {listen}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(health.0, 200, "{backend}: {}", health.1);
    let json: serde_json::Value = serde_json::from_str(&health.1).unwrap();
    assert_eq!(json["status"], "ok", "{backend}: {json}");
    assert_eq!(json["database"]["reachable"], true, "{backend}: {json}");
    assert!(
        json["database"]["round_trip_ms"].as_f64().is_some(),
        "{json}"
    );
    assert_eq!(json["schema"]["status"], "matches", "{backend}: {json}");
    assert_eq!(json["schema"]["drift"], serde_json::json!([]), "{json}");
    assert_eq!(json["pool"]["max_size"], 8, "{json}");
    assert_eq!(get(port, "/nothing").map(|a| a.0), Some(404));
    // The container's HEALTHCHECK command.
    let check = Command::new(&binary)
        .arg("health-check")
        .env("LISTEN_ADDR", &listen)
        .status()
        .unwrap();
    assert!(check.success(), "{backend}: health-check failed");

    let terminated = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(terminated.success());
    let (code, out, err) = wait(child, Duration::from_secs(15));
    assert_eq!(code, Some(0), "{backend}:\n{out}{err}");
    assert!(
        out.starts_with("pre-flight: migrated: created tables notes; indexes notes_title_idx\npre-flight: the database matches the blueprint\nnotes: 0 rows; the first: []\n"),
        "{backend}:\n{out}"
    );
    assert!(
        out.ends_with("stopping: finishing in-flight requests\nstopped\n"),
        "{out}"
    );
    assert_eq!(get(port, "/health"), None, "{backend}: still listening");

    // The database out of reach: the pre-flight says so and the service stops.
    let env = [("DATABASE_URL", unreachable), ("CONNECT_TIMEOUT_SECS", "2")];
    let (code, out, err) = wait(start(&binary, &env, &[]), Duration::from_secs(30));
    assert_eq!(code, Some(1), "{backend}:\n{out}{err}");
    assert!(
        err.starts_with(&format!(
            "svc_{backend}: pre-flight: cannot connect to the database: "
        )),
        "{backend}: {err}"
    );

    // A broken configuration names every variable at fault.
    let env = [("POOL_SIZE", "lots"), ("LISTEN_ADDR", "nowhere")];
    let (code, _, err) = wait(start(&binary, &env, &[]), Duration::from_secs(10));
    assert_eq!(code, Some(1));
    assert_eq!(
        err,
        format!(
            "svc_{backend}: configuration: DATABASE_URL is not set: the database to use, as {}; LISTEN_ADDR is `nowhere`: expected an address and port, as 127.0.0.1:8080; POOL_SIZE is `lots`: expected a whole number from 1 to 1000\n",
            match backend {
                "sqlite" => "sqlite:svc_sqlite.db".to_owned(),
                "postgres" => "postgres://postgres@127.0.0.1:5432/svc_postgres".to_owned(),
                _ => "mysql://root@127.0.0.1:3306/svc_mysql".to_owned(),
            }
        )
    );
}

#[test]
fn a_new_service_builds_offline_runs_answers_health_and_stops_cleanly_on_each_backend() {
    let parent = tempfile::tempdir().unwrap();
    let sqlite = scaffold(parent.path(), "sqlite");
    build_as_the_dockerfile_does(&sqlite);
    let file = parent.path().join("app.db");
    run_service(
        "sqlite",
        &format!("sqlite:{}", file.display()),
        "sqlite:/nonexistent/folder/app.db",
    );
    if let Some(db) = databases::postgres("scaffold") {
        let dir = scaffold(parent.path(), "postgres");
        build_as_the_dockerfile_does(&dir);
        let unreachable = db.url.replace(":5432/", ":1/");
        assert_ne!(unreachable, db.url);
        run_service("postgres", &db.url, &unreachable);
    }
    if let Some(db) = databases::mysql("scaffold") {
        let dir = scaffold(parent.path(), "mysql");
        build_as_the_dockerfile_does(&dir);
        let unreachable = db.url.replace(":3306/", ":1/");
        assert_ne!(unreachable, db.url);
        run_service("mysql", &db.url, &unreachable);
    }
}

#[test]
fn new_lists_existing_files_and_leaves_them_unless_forced() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("svc");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("Cargo.toml"), "mine").unwrap();
    std::fs::write(dir.join("src/main.rs"), "mine too").unwrap();
    let (code, _, stderr) = storegen(parent.path(), &["new", "svc"]);
    assert_eq!(code, 1);
    let cargo = dir.join("Cargo.toml");
    assert_eq!(
        stderr,
        "error: these files exist, and `storegen new` doesn't write over them (--force does):\n  svc/Cargo.toml\n  svc/src/main.rs\n"
    );
    assert_eq!(std::fs::read_to_string(&cargo).unwrap(), "mine");
    assert!(!dir.join("blueprint.toml").exists(), "nothing written");
    let (code, _, stderr) = storegen(parent.path(), &["new", "svc", "--force"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        std::fs::read_to_string(&cargo)
            .unwrap()
            .contains("[package]")
    );
    // Every file the command writes, and what a starter holds.
    for file in [
        "build.rs",
        "blueprint.toml",
        "storegen.snapshot.toml",
        ".env.example",
        "src/config.rs",
        "sql/init.sqlite.sql",
        "Dockerfile",
        "compose.yaml",
        "README.md",
    ] {
        assert!(dir.join(file).is_file(), "{file}");
    }
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    assert!(
        readme.contains("```mermaid\nerDiagram\n    notes {\n"),
        "{readme}"
    );
}

#[test]
fn new_from_a_database_introspects_its_tables_and_snapshots_them() {
    let parent = tempfile::tempdir().unwrap();
    let file = parent.path().join("legacy.db");
    storegen::rusqlite::Connection::open(&file)
        .unwrap()
        .execute_batch(
            "CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
             CREATE TABLE books (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES authors (id), title TEXT NOT NULL);
             CREATE INDEX books_author_id_idx ON books (author_id);",
        )
        .unwrap();
    let url = format!("sqlite:{}", file.display());
    let (code, _, stderr) = storegen(
        parent.path(),
        &[
            "new",
            "library",
            "--from-database",
            &url,
            "--backend",
            "postgres",
        ],
    );
    assert_eq!(
        (code, stderr.as_str()),
        (
            1,
            "error: --backend postgres but --from-database is a SQLite database\n"
        )
    );
    let (code, _, stderr) = storegen(parent.path(), &["new", "library", "--from-database", &url]);
    assert_eq!(code, 0, "{stderr}");
    let dir = parent.path().join("library");
    let blueprint = std::fs::read_to_string(dir.join("blueprint.toml")).unwrap();
    assert!(
        blueprint.contains("[stores.authors]") && blueprint.contains("[stores.books]"),
        "{blueprint}"
    );
    // The first build's offline check: the snapshot matches the blueprint.
    let (code, stdout, stderr) = storegen(&dir, &["check", "--offline"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.ends_with("clean: the sqlite database matches the blueprint\n"),
        "{stdout}"
    );
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    assert!(
        readme.contains("    authors ||--o{ books : \"author_id\"\n"),
        "{readme}"
    );
}

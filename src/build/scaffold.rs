//! `storegen new DIR`: a service crate that builds and runs with no edits — its blueprint
//! (a commented starter, or introspected from a database), the snapshot its first build
//! is checked against offline, configuration from the environment, a pool, a start-up
//! pre-flight (connect, migrate on request, verify with privileges), an HTTP health
//! endpoint, graceful shutdown, the DDL for operators, a Dockerfile and a compose file.
//!
//! The files are templates with `__PLACEHOLDERS__` filled from the blueprint; what
//! differs by backend is a few lines each, chosen here.

use std::path::{Path, PathBuf};

use crate::backend::BackendKind;
use crate::model::Schema;

/// What `storegen new` was asked for.
pub struct NewService<'a> {
    /// The folder to write (created if missing).
    pub dir: &'a Path,
    /// The backend: the blueprint's.
    pub backend: BackendKind,
    /// The blueprint's text: the starter's, or an introspected one.
    pub blueprint: String,
    /// Its snapshot's text.
    pub snapshot: String,
    /// Write over files that exist.
    pub force: bool,
}

/// The starter blueprint for `backend`, named `name`.
pub fn starter_blueprint(name: &str, backend: BackendKind) -> String {
    STARTER
        .replace("__NAME__", name)
        .replace("__BACKEND__", backend.name())
}

/// A crate name from a folder's: lower-case letters, digits, `_` and `-`, starting with
/// a letter.
pub fn crate_name(dir: &Path) -> String {
    let base = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut name: String = base
        .chars()
        .map(|c| match c {
            'a'..='z' | '0'..='9' | '_' | '-' => c,
            'A'..='Z' => c.to_ascii_lowercase(),
            _ => '_',
        })
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        name.insert_str(0, "service_");
    }
    name
}

/// The files of the service for `schema`, relative to its folder, with their text.
pub fn files(service: &NewService<'_>, schema: &Schema) -> Vec<(PathBuf, String)> {
    let name = crate_name(service.dir);
    let backend = service.backend;
    let mut features: Vec<&str> = super::codegen::required_features(schema);
    features.push("pool");
    let features = features
        .iter()
        .map(|f| format!("\"{f}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let build_features = format!("\"codegen\", \"{}\"", backend.name());
    let version = env!("CARGO_PKG_VERSION");
    let module = format!("{}.rs", schema.name);
    let scaffold = backend.rules().scaffold();
    let url = scaffold.example_url.replace("{name}", &name);
    let fill = |template: &str| {
        template
            .replace("__CRATE__", &name)
            .replace("__VERSION__", version)
            .replace("__FEATURES__", &features)
            .replace("__BUILD_FEATURES__", &build_features)
            .replace("__MODULE__", &module)
            .replace("__BACKEND_NAME__", backend.rules().about().display_name)
            .replace("__DATABASE_URL__", &url)
            .replace("__POOL_TYPE__", scaffold.pool_type)
            .replace("__MANAGER__", scaffold.manager)
            .replace("__DEMO__", &demo(schema))
            .replace(
                "__DIAGRAM__",
                &super::diagram::render(schema, super::diagram::Format::Mermaid),
            )
            .replace("__INIT_SQL__", &format!("sql/init.{}.sql", backend.name()))
            .replace("__COMPOSE__", &scaffold.compose.replace("{name}", &name))
    };
    vec![
        (PathBuf::from("Cargo.toml"), fill(CARGO_TOML)),
        (PathBuf::from("build.rs"), fill(BUILD_RS)),
        (PathBuf::from("blueprint.toml"), service.blueprint.clone()),
        (
            PathBuf::from("storegen.snapshot.toml"),
            service.snapshot.clone(),
        ),
        (PathBuf::from(".env.example"), fill(ENV_EXAMPLE)),
        (
            PathBuf::from(".gitignore"),
            "/target\n.env\n*.db\n".to_owned(),
        ),
        (
            PathBuf::from(".dockerignore"),
            "target\n.env\n*.db\n".to_owned(),
        ),
        (PathBuf::from("src/main.rs"), fill(MAIN_RS)),
        (PathBuf::from("src/config.rs"), fill(CONFIG_RS)),
        (
            PathBuf::from(format!("sql/init.{}.sql", backend.name())),
            backend.rules().ddl_text(super::diff::ddl(schema, backend)),
        ),
        (PathBuf::from("Dockerfile"), fill(DOCKERFILE)),
        (PathBuf::from("compose.yaml"), fill(COMPOSE)),
        (PathBuf::from("README.md"), fill(README)),
    ]
}

/// Writes the service; refuses (listing them) files that exist, unless `force`.
/// Returns the files written, relative to the folder.
pub fn write(service: &NewService<'_>, schema: &Schema) -> Result<Vec<PathBuf>, String> {
    let files = files(service, schema);
    if !service.force {
        let existing: Vec<String> = files
            .iter()
            .filter(|(path, _)| service.dir.join(path).exists())
            .map(|(path, _)| format!("  {}", service.dir.join(path).display()))
            .collect();
        if !existing.is_empty() {
            return Err(format!(
                "these files exist, and `storegen new` doesn't write over them (--force does):\n{}",
                existing.join("\n")
            ));
        }
    }
    let mut written = Vec::new();
    for (path, text) in files {
        let full = service.dir.join(&path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create `{}`: {e}", parent.display()))?;
        }
        std::fs::write(&full, text)
            .map_err(|e| format!("cannot write `{}`: {e}", full.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// `--demo`'s body: each store's row count and first rows.
fn demo(schema: &Schema) -> String {
    let mut out = String::new();
    for store in &schema.stores {
        let accessor = super::codegen::rust::ident(&store.name);
        out.push_str(&format!(
            "    let count = db::{accessor}(&mut conn).count()?;\n    \
             let first = db::{accessor}(&mut conn).list(storegen::Page::first(3))?;\n    \
             println!(\"{}: {{count}} rows; the first: {{first:?}}\");\n",
            store
                .name
                .replace('"', "\\\"")
                .replace('{', "{{")
                .replace('}', "}}")
        ));
    }
    out
}

const STARTER: &str = r#"# The service's blueprint: its stores, checked against the database at build time.
# Reference: https://docs.rs/storegen (the README's "Blueprint reference").
[blueprint]
name = "__NAME__"

[database]
backends = ["__BACKEND__"]
# Set DATABASE_URL when building to check this blueprint against that database; without
# it (or with STOREGEN_OFFLINE=1) the build checks it against storegen.snapshot.toml.
# After changing a store, run `storegen prepare` against a migrated database to renew it.
url = "${DATABASE_URL}"
snapshot = "storegen.snapshot.toml"

# One store to start from: a table of notes. Add fields and stores; `cargo build`
# says what is wrong, where.
[stores.notes]
record = "Note"
description = "A note someone wrote."

[stores.notes.fields]
id    = { type = "int64", primary_key = true, generated = true }
title = { type = "text", max_length = 200, description = "A short title." }
body  = { type = "text", nullable = true }
done  = { type = "bool", default = false }

# An index makes a lookup by title fast, and gives the store `list_by_title`.
[[stores.notes.indexes]]
fields = ["title"]
"#;

const CARGO_TOML: &str = r#"[package]
name = "__CRATE__"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
storegen = { version = "__VERSION__", features = [__FEATURES__] }
# The health endpoint's HTTP server and JSON, and SIGINT/SIGTERM handling.
tiny_http = "0.12"
serde_json = "1"
ctrlc = { version = "3.4", features = ["termination"] }

[build-dependencies]
storegen = { version = "__VERSION__", features = [__BUILD_FEATURES__] }

# The build script checks the blueprint and writes the stores: fast when optimised.
[profile.dev.build-override]
opt-level = 3

[profile.release.build-override]
opt-level = 3
"#;

const BUILD_RS: &str = r#"//! Checks blueprint.toml (against DATABASE_URL's database when it is set, else the
//! committed snapshot) and writes the stores into OUT_DIR; errors point at the line.
fn main() {
    storegen::Builder::new()
        .blueprint("blueprint.toml")
        .generate()
        .unwrap_or_exit();
}
"#;

const ENV_EXAMPLE: &str = r#"# The service's configuration: environment variables (copy to .env for compose, or
# export them). Only DATABASE_URL is required.
DATABASE_URL=__DATABASE_URL__
# Where the health endpoint listens.
LISTEN_ADDR=127.0.0.1:8080
# Connections the pool keeps at most.
POOL_SIZE=8
# How long connecting may take, and any one statement, in seconds.
CONNECT_TIMEOUT_SECS=5
STATEMENT_TIMEOUT_SECS=30
# Create the blueprint's tables at start-up (as `--migrate` does): true or false.
AUTO_MIGRATE=false
# How long in-flight requests may take to finish after SIGINT/SIGTERM, in seconds.
SHUTDOWN_TIMEOUT_SECS=10
"#;

const CONFIG_RS: &str = r#"//! The service's configuration, from the environment: every variable is read and
//! checked at start-up, and every one that is missing or malformed is named at once.

use std::net::SocketAddr;
use std::time::Duration;

/// What the service runs with.
#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`: the database (its password is never printed).
    pub database_url: String,
    /// `LISTEN_ADDR`: where the health endpoint listens (default 127.0.0.1:8080).
    pub listen_addr: SocketAddr,
    /// `POOL_SIZE`: connections at most (default 8).
    pub pool_size: u32,
    /// `CONNECT_TIMEOUT_SECS`: how long connecting may take (default 5).
    pub connect_timeout: Duration,
    /// `STATEMENT_TIMEOUT_SECS`: how long one statement may take (default 30).
    pub statement_timeout: Duration,
    /// `AUTO_MIGRATE`: create the blueprint's tables at start-up (default false).
    pub auto_migrate: bool,
    /// `SHUTDOWN_TIMEOUT_SECS`: how long in-flight requests may take to finish after a
    /// signal (default 10).
    pub shutdown_timeout: Duration,
}

/// The variables that are missing or malformed, each with what it should be.
#[derive(Debug)]
pub struct ConfigError(pub Vec<String>);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "configuration: {}", self.0.join("; "))
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// The configuration the environment gives.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_vars(|name| std::env::var(name).ok())
    }

    /// The configuration `var` gives (an unset or empty variable is missing).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let mut problems = Vec::new();
        let var = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        let database_url = var("DATABASE_URL").unwrap_or_else(|| {
            problems.push(
                "DATABASE_URL is not set: the database to use, as __DATABASE_URL__".to_owned(),
            );
            String::new()
        });
        let mut parsed = |name: &str, default: &str, what: &str, ok: &dyn Fn(&str) -> bool| {
            let value = var(name).unwrap_or_else(|| default.to_owned());
            if !ok(&value) {
                problems.push(format!("{name} is `{value}`: expected {what}"));
                return default.to_owned();
            }
            value
        };
        let listen_addr = parsed("LISTEN_ADDR", "127.0.0.1:8080", "an address and port, as 127.0.0.1:8080", &|v| {
            v.parse::<SocketAddr>().is_ok()
        });
        let whole = |low: u64, high: u64| move |v: &str| v.parse::<u64>().is_ok_and(|n| (low..=high).contains(&n));
        let pool_size = parsed("POOL_SIZE", "8", "a whole number from 1 to 1000", &whole(1, 1000));
        let connect = parsed("CONNECT_TIMEOUT_SECS", "5", "whole seconds from 1 to 3600", &whole(1, 3600));
        let statement = parsed("STATEMENT_TIMEOUT_SECS", "30", "whole seconds from 1 to 86400", &whole(1, 86_400));
        let shutdown = parsed("SHUTDOWN_TIMEOUT_SECS", "10", "whole seconds from 1 to 3600", &whole(1, 3600));
        let auto_migrate = parsed("AUTO_MIGRATE", "false", "true or false", &|v| {
            matches!(v, "true" | "false" | "1" | "0")
        });
        if !problems.is_empty() {
            return Err(ConfigError(problems));
        }
        let seconds = |v: String| Duration::from_secs(v.parse().unwrap_or(1));
        Ok(Config {
            database_url,
            listen_addr: listen_addr.parse().unwrap_or_else(|_| ([127, 0, 0, 1], 8080).into()),
            pool_size: pool_size.parse().unwrap_or(8),
            connect_timeout: seconds(connect),
            statement_timeout: seconds(statement),
            auto_migrate: matches!(auto_migrate.as_str(), "true" | "1"),
            shutdown_timeout: seconds(shutdown),
        })
    }

    /// An SQLite URL's file (`sqlite:app.db`, `sqlite:///var/lib/app.db`).
    #[allow(dead_code)]
    pub fn sqlite_path(&self) -> Result<String, ConfigError> {
        let url = &self.database_url;
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .filter(|p| !p.is_empty());
        path.map(str::to_owned).ok_or_else(|| {
            ConfigError(vec![
                "DATABASE_URL is not an SQLite URL: expected sqlite:<file>, as __DATABASE_URL__"
                    .to_owned(),
            ])
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_missing_or_malformed_variable_is_named() {
        let vars = |name: &str| match name {
            "POOL_SIZE" => Some("lots".to_owned()),
            "LISTEN_ADDR" => Some("localhost".to_owned()),
            _ => None,
        };
        let error = Config::from_vars(vars).unwrap_err().to_string();
        assert!(error.contains("DATABASE_URL is not set"), "{error}");
        assert!(error.contains("POOL_SIZE is `lots`: expected a whole number from 1 to 1000"), "{error}");
        assert!(error.contains("LISTEN_ADDR is `localhost`"), "{error}");
    }
}
"#;

const MAIN_RS: &str = r#"//! __CRATE__: a service on __BACKEND_NAME__, written by `storegen new`.
//!
//! - `__CRATE__ [--migrate] [--demo]`: pre-flight (connect, migrate when asked, verify the
//!   schema and the user's privileges), then the health endpoint until SIGINT/SIGTERM;
//! - `__CRATE__ health-check`: asks a running service's `/health` (for a container's
//!   HEALTHCHECK); exit 0 when healthy.
//!
//! Configuration: environment variables, see `.env.example` and `src/config.rs`.

mod config;

/// The stores, generated from blueprint.toml by build.rs.
#[allow(dead_code)]
mod db {
    include!(concat!(env!("OUT_DIR"), "/__MODULE__"));
}

use std::error::Error;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use config::Config;

type Pool = storegen::r2d2::Pool<__POOL_TYPE__>;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.first().map(String::as_str) {
        Some("health-check") => health_check(),
        _ => run(&args),
    };
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("__CRATE__: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<(), Box<dyn Error>> {
    for arg in args {
        if !["--migrate", "--demo"].contains(&arg.as_str()) {
            return Err(format!("unknown argument `{arg}`: expected --migrate, --demo or health-check").into());
        }
    }
    let config = Config::from_env()?;
    let migrate = config.auto_migrate || args.iter().any(|a| a == "--migrate");
    let pool = preflight(&config, migrate)?;
    if args.iter().any(|a| a == "--demo") {
        demo(&pool)?;
    }
    serve(&config, pool)
}

/// Connects (within the connect timeout), migrates when asked, then verifies that the
/// database holds the schema the stores were built for and that this user may do what
/// they do. Any failure stops the service with the report.
fn preflight(config: &Config, migrate: bool) -> Result<Pool, Box<dyn Error>> {
    let manager = __MANAGER__;
    let pool = storegen::r2d2::Pool::builder()
        .max_size(config.pool_size)
        .connection_timeout(config.connect_timeout)
        .build_unchecked(manager);
    let mut conn = pool
        .get_timeout(config.connect_timeout)
        .map_err(|e| format!("pre-flight: cannot connect to the database: {e}"))?;
    if migrate {
        let migration = db::migrate(&mut conn).map_err(|e| format!("pre-flight: migrate: {e}"))?;
        println!("pre-flight: migrated: {migration}");
    }
    match db::verify(&mut conn) {
        Ok(warnings) => {
            for warning in &warnings {
                println!("pre-flight: warning: {warning}");
            }
            println!("pre-flight: the database matches the blueprint");
        }
        Err(storegen::Error::Drift(drifts)) => {
            let report: Vec<String> = drifts.iter().map(|d| format!("  {d}")).collect();
            return Err(format!(
                "pre-flight: the database differs from the blueprint (run with --migrate to create missing tables):\n{}",
                report.join("\n")
            )
            .into());
        }
        Err(other) => return Err(format!("pre-flight: verify: {other}").into()),
    }
    drop(conn);
    Ok(pool)
}

/// `--demo`: one use of each store.
fn demo(pool: &Pool) -> Result<(), Box<dyn Error>> {
    let mut conn = pool.get()?;
__DEMO__    Ok(())
}

/// The health endpoint until SIGINT/SIGTERM; then no new connections, in-flight
/// requests finish (up to the shutdown timeout), and the pool closes.
fn serve(config: &Config, pool: Pool) -> Result<(), Box<dyn Error>> {
    let server = Arc::new(
        tiny_http::Server::http(config.listen_addr)
            .map_err(|e| format!("cannot listen on {}: {e}", config.listen_addr))?,
    );
    let stopping = Arc::new(AtomicBool::new(false));
    let (stop_tx, stop_rx) = std::sync::mpsc::channel();
    ctrlc::set_handler(move || {
        let _ = stop_tx.send(());
    })?;
    println!("listening on http://{}/health", config.listen_addr);
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    let workers = config.pool_size.clamp(1, 8);
    for _ in 0..workers {
        let (server, pool, stopping, done) =
            (server.clone(), pool.clone(), stopping.clone(), done_tx.clone());
        std::thread::spawn(move || {
            while !stopping.load(Ordering::SeqCst) {
                match server.recv_timeout(Duration::from_millis(100)) {
                    Ok(Some(request)) => respond(request, &pool),
                    Ok(None) => {}
                    Err(_) => break,
                }
            }
            let _ = done.send(());
        });
    }
    drop(done_tx);
    let _ = stop_rx.recv();
    println!("stopping: finishing in-flight requests");
    stopping.store(true, Ordering::SeqCst);
    server.unblock();
    let deadline = Instant::now() + config.shutdown_timeout;
    for _ in 0..workers {
        let left = deadline.saturating_duration_since(Instant::now());
        if done_rx.recv_timeout(left).is_err() {
            return Err("stopping: requests still running at the shutdown timeout".into());
        }
    }
    drop(pool);
    println!("stopped");
    Ok(())
}

fn respond(request: tiny_http::Request, pool: &Pool) {
    let json = tiny_http::Header::from_bytes("Content-Type", "application/json")
        .expect("a valid header");
    let (status, body) = match (request.method(), request.url()) {
        (tiny_http::Method::Get, "/health") => health(pool),
        _ => (404, serde_json::json!({ "error": "not found: try GET /health" })),
    };
    let response = tiny_http::Response::from_string(body.to_string())
        .with_status_code(status)
        .with_header(json);
    let _ = request.respond(response);
}

/// `GET /health`: 200 when the database answers and its schema is usable, else 503.
fn health(pool: &Pool) -> (u16, serde_json::Value) {
    let state = pool.state();
    let pool_json = serde_json::json!({
        "connections": state.connections,
        "idle": state.idle_connections,
        "max_size": pool.max_size(),
    });
    let mut conn = match pool.get_timeout(Duration::from_secs(2)) {
        Ok(conn) => conn,
        Err(e) => {
            return (
                503,
                serde_json::json!({
                    "status": "unavailable",
                    "database": { "reachable": false, "error": e.to_string() },
                    "schema": { "status": "unknown", "drift": [] },
                    "pool": pool_json,
                }),
            );
        }
    };
    let report = db::health(&mut conn);
    let (schema, drift) = match &report.schema {
        storegen::SchemaHealth::Matches => ("matches", Vec::new()),
        storegen::SchemaHealth::Warnings(d) => ("warnings", d.iter().map(ToString::to_string).collect()),
        storegen::SchemaHealth::Drifted(d) => ("drifted", d.iter().map(ToString::to_string).collect()),
        storegen::SchemaHealth::Unknown => ("unknown", Vec::new()),
    };
    let healthy = report.is_healthy();
    (
        if healthy { 200 } else { 503 },
        serde_json::json!({
            "status": if healthy { "ok" } else { "unavailable" },
            "database": {
                "reachable": report.reachable,
                "round_trip_ms": report.round_trip.map(|d| d.as_secs_f64() * 1000.0),
                "error": report.error.as_ref().map(ToString::to_string),
            },
            "schema": { "status": schema, "drift": drift },
            "pool": pool_json,
        }),
    )
}

/// `health-check`: GET /health of the service at LISTEN_ADDR; Ok when it says 200.
fn health_check() -> Result<(), Box<dyn Error>> {
    use std::io::{Read, Write};
    let addr = std::env::var("LISTEN_ADDR").unwrap_or_else(|_| "127.0.0.1:8080".into());
    let mut addr: std::net::SocketAddr = addr.parse()?;
    if addr.ip().is_unspecified() {
        addr.set_ip([127, 0, 0, 1].into());
    }
    let mut stream = std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(3))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(stream, "GET /health HTTP/1.0\r\nHost: {addr}\r\n\r\n")?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    let status = answer.lines().next().unwrap_or_default();
    if status.split_whitespace().nth(1) == Some("200") {
        Ok(())
    } else {
        Err(format!("unhealthy: {status}").into())
    }
}
"#;

const DOCKERFILE: &str = r#"# Builds without a database: the blueprint is checked against the committed snapshot
# (STOREGEN_OFFLINE=1), and the dependencies are fetched before the offline build.
FROM rust:1-bookworm AS build
WORKDIR /app
COPY . .
RUN cargo fetch
RUN STOREGEN_OFFLINE=1 cargo build --release --offline

FROM debian:bookworm-slim
RUN useradd --system --home /data --create-home app
COPY --from=build /app/target/release/__CRATE__ /usr/local/bin/__CRATE__
USER app
WORKDIR /data
ENV LISTEN_ADDR=0.0.0.0:8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s CMD ["/usr/local/bin/__CRATE__", "health-check"]
CMD ["/usr/local/bin/__CRATE__"]
"#;

const COMPOSE: &str = r#"# `docker compose up --build`: the database (with its own healthcheck) and the service,
# which creates its tables at start-up (AUTO_MIGRATE) and answers on :8080/health.
services:
__COMPOSE__"#;

const README: &str = r#"# __CRATE__

A service on __BACKEND_NAME__, written by `storegen new`: its stores come from
`blueprint.toml`, checked at build time and generated into the crate by `build.rs`.

## Run it

```sh
export DATABASE_URL=__DATABASE_URL__   # see .env.example for the rest
cargo run -- --migrate                 # create the tables, verify, serve /health
curl -s localhost:8080/health          # {"status":"ok","database":{…},"schema":{…},"pool":{…}}
cargo run -- --demo                    # also: one use of each store
```

Start-up runs a pre-flight, and stops with its report when any step fails: connect
(within `CONNECT_TIMEOUT_SECS`), migrate (with `--migrate` or `AUTO_MIGRATE=true`), and
verify that the database holds the tables the stores were built for and that the user
may SELECT, INSERT, UPDATE and DELETE them (a missing privilege names its `GRANT`).
SIGINT or SIGTERM stops it: no new connections, in-flight requests finish (up to
`SHUTDOWN_TIMEOUT_SECS`), the pool closes, exit 0.

`GET /health` answers 200 when the database answers and its schema is usable, else 503:
`status`, `database` (`reachable`, `round_trip_ms`, `error`), `schema` (`status`:
matches, warnings, drifted or unknown; `drift`: the differences), `pool` (`connections`,
`idle`, `max_size`).

## Configuration

| variable | default | |
|---|---|---|
| `DATABASE_URL` | (required) | the database, as `__DATABASE_URL__` |
| `LISTEN_ADDR` | `127.0.0.1:8080` | where `/health` listens |
| `POOL_SIZE` | `8` | connections at most |
| `CONNECT_TIMEOUT_SECS` | `5` | how long connecting may take |
| `STATEMENT_TIMEOUT_SECS` | `30` | how long one statement may take |
| `AUTO_MIGRATE` | `false` | create missing tables at start-up |
| `SHUTDOWN_TIMEOUT_SECS` | `10` | how long in-flight requests may finish |

A missing or malformed variable stops the service with every such variable named.

## The schema

```mermaid
__DIAGRAM__```

Change `blueprint.toml` and `cargo build` checks it (against `DATABASE_URL`'s database
when set, else against `storegen.snapshot.toml`; renew that with `storegen prepare`
against a migrated database). `__INIT_SQL__` holds the tables' DDL for operators who
create schemas by hand (`storegen ddl` writes it again).

## Containers

`docker compose up --build` runs the database and the service. The `Dockerfile` builds
in two stages, offline and without a database (`STOREGEN_OFFLINE=1` checks the blueprint
against the snapshot), and its `HEALTHCHECK` runs `__CRATE__ health-check`. storegen's
own tests run the Dockerfile's build command, not `docker build` (its CI machines have
no Docker).
"#;

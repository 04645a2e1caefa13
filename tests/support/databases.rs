//! Test databases: each test gets a database of its own on each server, created here and
//! dropped when the handle goes, so tests run in parallel.
//!
//! Servers: `STOREGEN_PG_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`) and
//! `STOREGEN_MYSQL_URL` (default `mysql://root@127.0.0.1:3306/test`). A server that
//! doesn't answer skips the test with a notice on stderr — unless
//! `STOREGEN_REQUIRE_BACKENDS` names its backend (`postgres`, `mysql`), and then the
//! test fails.
#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use storegen::mysql::prelude::Queryable;

const PG_DEFAULT: &str = "postgres://postgres@127.0.0.1:5432/postgres";
const MYSQL_DEFAULT: &str = "mysql://root@127.0.0.1:3306/test";

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// Which server a test database lives on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Server {
    Postgres,
    Mysql,
}

impl Server {
    fn name(self) -> &'static str {
        match self {
            Server::Postgres => "postgres",
            Server::Mysql => "mysql",
        }
    }

    fn admin_url(self) -> String {
        let (var, default) = match self {
            Server::Postgres => ("STOREGEN_PG_URL", PG_DEFAULT),
            Server::Mysql => ("STOREGEN_MYSQL_URL", MYSQL_DEFAULT),
        };
        std::env::var(var).unwrap_or_else(|_| default.to_owned())
    }
}

/// Whether `STOREGEN_REQUIRE_BACKENDS` names this backend.
pub fn required(backend: &str) -> bool {
    std::env::var("STOREGEN_REQUIRE_BACKENDS")
        .unwrap_or_default()
        .split(',')
        .any(|b| b.trim() == backend)
}

/// A database made for one test, dropped with this handle.
pub struct TestDb {
    pub server: Server,
    pub name: String,
    /// The URL of this test's database.
    pub url: String,
    admin_url: String,
}

/// `scheme://authority/<database>?params` with the database replaced.
pub fn with_database(url: &str, database: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL with a scheme");
    let (authority, tail) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, ""),
    };
    let query = tail.find('?').map(|i| &tail[i..]).unwrap_or("");
    format!("{scheme}://{authority}/{database}{query}")
}

fn unique_name(test: &str) -> String {
    let clean: String = test
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(30)
        .collect();
    format!(
        "sg_{clean}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

fn unavailable(server: Server, why: String) -> Option<TestDb> {
    if required(server.name()) {
        panic!(
            "STOREGEN_REQUIRE_BACKENDS names {} but its server does not answer: {why}",
            server.name()
        );
    }
    // Once per test binary and server, and past the test harness's output capture,
    // so a plain `cargo test` says which backends it skipped.
    static SKIPPED: [std::sync::Once; 2] = [std::sync::Once::new(), std::sync::Once::new()];
    SKIPPED[server as usize].call_once(|| {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "storegen tests: SKIPPING {} tests, its server does not answer ({why}); set STOREGEN_REQUIRE_BACKENDS={} to fail instead",
            server.name(),
            server.name()
        );
    });
    None
}

/// A fresh PostgreSQL database for `test`, or `None` (with a notice) when the server
/// doesn't answer and isn't required.
pub fn postgres(test: &str) -> Option<TestDb> {
    create(Server::Postgres, test)
}

/// A fresh MySQL/MariaDB database for `test`, or `None` (with a notice).
pub fn mysql(test: &str) -> Option<TestDb> {
    create(Server::Mysql, test)
}

fn create(server: Server, test: &str) -> Option<TestDb> {
    let admin_url = server.admin_url();
    let name = unique_name(test);
    let created = match server {
        Server::Postgres => pg_admin(&admin_url).and_then(|mut c| {
            c.batch_execute(&format!("CREATE DATABASE \"{name}\""))
                .map_err(|e| e.to_string())
        }),
        Server::Mysql => mysql_admin(&admin_url).and_then(|mut c| {
            c.query_drop(format!(
                "CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
            ))
            .map_err(|e| e.to_string())
        }),
    };
    match created {
        Ok(()) => Some(TestDb {
            server,
            url: with_database(&admin_url, &name),
            name,
            admin_url,
        }),
        Err(why) => unavailable(server, why),
    }
}

fn pg_admin(url: &str) -> Result<storegen::postgres::Client, String> {
    use std::str::FromStr;
    let mut config = storegen::postgres::Config::from_str(url).map_err(|e| e.to_string())?;
    config.connect_timeout(Duration::from_secs(3));
    config
        .connect(storegen::postgres::NoTls)
        .map_err(|e| e.to_string())
}

fn mysql_admin(url: &str) -> Result<storegen::mysql::Conn, String> {
    let opts = storegen::mysql::Opts::from_url(url).map_err(|e| e.to_string())?;
    let opts = storegen::mysql::OptsBuilder::from_opts(opts)
        .tcp_connect_timeout(Some(Duration::from_secs(3)));
    storegen::mysql::Conn::new(opts).map_err(|e| e.to_string())
}

impl TestDb {
    /// A new client on this test's PostgreSQL database.
    pub fn postgres_client(&self) -> storegen::postgres::Client {
        pg_admin(&self.url).unwrap_or_else(|e| panic!("connecting to {}: {e}", self.name))
    }

    /// A new connection to this test's MySQL database.
    pub fn mysql_conn(&self) -> storegen::mysql::Conn {
        mysql_admin(&self.url).unwrap_or_else(|e| panic!("connecting to {}: {e}", self.name))
    }

    /// A MySQL script of storegen's DDL as `migrate` runs it: `utf8mb4_bin`, which pads,
    /// made the server's NO PAD binary collation (what `storegen ddl --collation` does).
    pub fn as_migrate_runs(&self, script: &str) -> String {
        let version: String = self
            .mysql_conn()
            .query_first("SELECT VERSION()")
            .unwrap()
            .unwrap();
        match storegen::backend::mysql::no_pad_collation(&version) {
            Some(collation) => {
                storegen::backend::mysql::with_collation(script, collation).into_owned()
            }
            None => script.to_owned(),
        }
    }

    /// Runs an SQL script (statements separated by `;` at line ends) on this database.
    pub fn execute(&self, script: &str) {
        match self.server {
            Server::Postgres => self
                .postgres_client()
                .batch_execute(script)
                .unwrap_or_else(|e| panic!("{e}\n{script}")),
            Server::Mysql => {
                let mut conn = self.mysql_conn();
                for statement in script.split(";\n").map(str::trim).filter(|s| !s.is_empty()) {
                    conn.query_drop(statement)
                        .unwrap_or_else(|e| panic!("{e}\n{statement}"));
                }
            }
        }
    }
}

/// A login of this test's own on the server, with only the privileges a test gave it;
/// dropped (with its privileges) when the test ends.
pub struct RestrictedUser {
    /// The name it logs in with.
    pub name: String,
    /// As GRANT names it: `"name"` (PostgreSQL), `'name'@'%'` (MySQL).
    pub grantee: String,
    /// This test's database's URL, logging in as it.
    pub url: String,
    server: Server,
    db_url: String,
}

impl TestDb {
    /// A new login with no privileges but to connect; `grants` (with `{user}` for its
    /// name as GRANT takes it) run on this database as the administrator.
    pub fn restricted_user(&self, grants: &str) -> RestrictedUser {
        let name = format!("{}_u", self.name);
        let grantee = match self.server {
            Server::Postgres => format!("\"{name}\""),
            Server::Mysql => format!("'{name}'@'%'"),
        };
        let create = match self.server {
            Server::Postgres => format!("CREATE ROLE {grantee} LOGIN;\n"),
            Server::Mysql => format!("CREATE USER {grantee};\n"),
        };
        self.execute(&format!("{create}{}", grants.replace("{user}", &grantee)));
        let (scheme, rest) = self.url.split_once("://").expect("a URL with a scheme");
        let host = rest.split_once('@').map_or(rest, |(_, host)| host);
        RestrictedUser {
            url: format!("{scheme}://{name}@{host}"),
            name,
            grantee,
            server: self.server,
            db_url: self.url.clone(),
        }
    }
}

/// Runs `sql` (one statement each on MySQL) on `url` as it is, for a `Drop`; a failure
/// is said on stderr, naming `what`.
fn clean_up(server: Server, url: &str, sql: &[String], what: &str) {
    let done = match server {
        Server::Postgres => pg_admin(url)
            .and_then(|mut c| c.batch_execute(&sql.join(";\n")).map_err(|e| e.to_string())),
        Server::Mysql => mysql_admin(url).and_then(|mut c| {
            sql.iter()
                .try_for_each(|s| c.query_drop(s))
                .map_err(|e| e.to_string())
        }),
    };
    if let Err(e) = done {
        eprintln!("storegen tests: could not drop {what}: {e}");
    }
}

impl Drop for RestrictedUser {
    fn drop(&mut self) {
        let sql = match self.server {
            Server::Postgres => vec![
                format!("DROP OWNED BY {}", self.grantee),
                format!("DROP ROLE {}", self.grantee),
            ],
            Server::Mysql => vec![format!("DROP USER {}", self.grantee)],
        };
        clean_up(
            self.server,
            &self.db_url,
            &sql,
            &format!("test user {}", self.name),
        );
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let sql = match self.server {
            Server::Postgres => format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name),
            Server::Mysql => format!("DROP DATABASE IF EXISTS `{}`", self.name),
        };
        clean_up(
            self.server,
            &self.admin_url,
            &[sql],
            &format!("test database {}", self.name),
        );
    }
}

/// The admin URL of a server that answers, or `None` (with a notice, or a failure when
/// the backend is required).
pub fn server(server: Server) -> Option<String> {
    let url = server.admin_url();
    let answered = match server {
        Server::Postgres => pg_admin(&url).map(drop),
        Server::Mysql => mysql_admin(&url).map(drop),
    };
    match answered {
        Ok(()) => Some(url),
        Err(why) => unavailable(server, why).map(|_| url),
    }
}

/// Runs statements on a server as its admin user.
pub fn admin_execute(server: Server, statements: &[&str]) {
    let url = server.admin_url();
    match server {
        Server::Postgres => {
            let mut client = pg_admin(&url).expect("the server answered a moment ago");
            for statement in statements {
                client
                    .batch_execute(statement)
                    .unwrap_or_else(|e| panic!("{e}: {statement}"));
            }
        }
        Server::Mysql => {
            let mut conn = mysql_admin(&url).expect("the server answered a moment ago");
            for statement in statements {
                conn.query_drop(*statement)
                    .unwrap_or_else(|e| panic!("{e}: {statement}"));
            }
        }
    }
}

/// A database on `backend` (`sqlite`, `postgres`, `mysql`) made by `script`: its URL,
/// and what keeps it alive (an SQLite file lives in `dir`). `None` when the server is
/// skipped.
pub fn made_by(
    backend: &str,
    name: &str,
    dir: &std::path::Path,
    script: &str,
) -> Option<(String, Option<TestDb>)> {
    match backend {
        "sqlite" => {
            let path = dir.join(format!("{name}.db"));
            storegen::rusqlite::Connection::open(&path)
                .unwrap()
                .execute_batch(script)
                .unwrap_or_else(|e| panic!("{e}\n{script}"));
            Some((format!("sqlite:{}", path.display()), None))
        }
        "postgres" => {
            let db = postgres(name)?;
            db.execute(script);
            Some((db.url.clone(), Some(db)))
        }
        _ => {
            let db = mysql(name)?;
            db.execute(&db.as_migrate_runs(script));
            Some((db.url.clone(), Some(db)))
        }
    }
}

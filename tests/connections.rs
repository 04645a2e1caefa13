//! Bad connections at build time: each gives one clear diagnostic, within the connect
//! timeout, and no message ever holds the URL's password.

mod support;

use std::time::{Duration, Instant};

use storegen::{Builder, Validate};
use support::databases::{self, Server};

const SECRET: &str = "s3cr3t-pw";

/// Validates a one-store blueprint against `url`; returns the rendered error and how
/// long it took.
fn check(url: &str, extra_database_keys: &str) -> (String, Duration) {
    let dir = tempfile::tempdir().unwrap();
    let blueprint = dir.path().join("blueprint.toml");
    std::fs::write(
        &blueprint,
        format!(
            "[blueprint]\nname = \"conn\"\n\n[database]\nbackends = [\"sqlite\", \"postgres\", \"mysql\"]\n{extra_database_keys}\n\n[stores.notes.fields]\nid = {{ type = \"int64\", primary_key = true, generated = true }}\n"
        ),
    )
    .unwrap();
    let started = Instant::now();
    let result = Builder::new()
        .blueprint(&blueprint)
        .database(url)
        .validate(Validate::Live)
        .out_dir(dir.path().join("out"))
        .emit_cargo_directives(false)
        .generate()
        .into_result();
    let elapsed = started.elapsed();
    let text = match result {
        Ok(_) => panic!("{url}: expected a connection error"),
        Err(e) => storegen::build::render_error(&e),
    };
    assert!(!text.contains(SECRET), "the password leaked:\n{text}");
    assert!(
        !dir.path().join("out").exists(),
        "a failed build wrote output"
    );
    (
        text.replace(&blueprint.display().to_string(), "<blueprint>"),
        elapsed,
    )
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

#[test]
fn unparseable_urls() {
    let (text, _) = check(&format!("postgres://app:{SECRET}@db:notaport/shop"), "");
    assert_eq!(
        first_line(&text),
        "error: cannot parse the PostgreSQL URL `postgres://***@db:notaport/shop`"
    );
    let (text, _) = check(&format!("mysql://app:{SECRET}@[db/shop"), "");
    assert_eq!(
        first_line(&text),
        "error: cannot parse the MySQL URL `mysql://***@[db/shop`"
    );
    let (text, _) = check(&format!("app:{SECRET}@db/shop"), "");
    assert_eq!(
        first_line(&text),
        "error: database URL scheme `app:` is not one storegen knows: expected sqlite:, postgres:// or mysql://"
    );
    let (text, _) = check("//db/shop", "");
    assert_eq!(
        first_line(&text),
        "error: the database URL has no scheme: expected sqlite:, postgres:// or mysql://"
    );
}

#[test]
fn refused_connections() {
    let (text, elapsed) = check(&format!("postgres://app:{SECRET}@127.0.0.1:1/shop"), "");
    assert_eq!(
        first_line(&text),
        "error: cannot use PostgreSQL at `postgres://***@127.0.0.1:1/shop`: the connection was refused: is the server running?"
    );
    assert!(elapsed < Duration::from_secs(5));
    let (text, _) = check(&format!("mysql://app:{SECRET}@127.0.0.1:1/shop"), "");
    assert_eq!(
        first_line(&text),
        "error: cannot use MySQL at `mysql://***@127.0.0.1:1/shop`: the connection was refused: is the server running?"
    );
}

#[test]
fn unknown_hosts() {
    let (text, elapsed) = check(
        &format!("postgres://app:{SECRET}@no-such-host.invalid/shop"),
        "connect_timeout = 2",
    );
    assert!(
        text.starts_with(
            "error: cannot use PostgreSQL at `postgres://***@no-such-host.invalid/shop`: "
        ),
        "{text}"
    );
    assert!(
        text.contains("the host name is unknown") || text.contains("no answer within 2 s"),
        "{text}"
    );
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
    let (text, _) = check(
        &format!("mysql://app:{SECRET}@no-such-host.invalid/shop"),
        "connect_timeout = 2",
    );
    assert!(
        text.starts_with("error: cannot use MySQL at `mysql://***@no-such-host.invalid/shop`: "),
        "{text}"
    );
}

#[test]
fn missing_databases() {
    if let Some(admin) = databases::server(Server::Postgres) {
        let url = databases::with_database(&admin, "sg_no_such_database");
        let (text, _) = check(&url, "");
        assert!(
            first_line(&text).ends_with(": the database does not exist"),
            "{text}"
        );
    }
    if let Some(admin) = databases::server(Server::Mysql) {
        let url = databases::with_database(&admin, "sg_no_such_database");
        let (text, _) = check(&url, "");
        assert!(
            first_line(&text)
                .ends_with(": the database does not exist, or this user may not use it"),
            "{text}"
        );
    }
}

#[test]
fn wrong_passwords_on_mysql() {
    // PostgreSQL on these machines trusts every local user, so only MySQL can refuse.
    let Some(admin) = databases::server(Server::Mysql) else {
        return;
    };
    databases::admin_execute(
        Server::Mysql,
        &[
            "CREATE USER IF NOT EXISTS 'sg_pw_user'@'%' IDENTIFIED BY 'the-right-one'",
            "CREATE USER IF NOT EXISTS 'sg_pw_user'@'localhost' IDENTIFIED BY 'the-right-one'",
        ],
    );
    let host = admin.split('@').nth(1).unwrap_or("127.0.0.1:3306/test");
    let url = format!("mysql://sg_pw_user:{SECRET}@{host}");
    let (text, _) = check(&url, "");
    assert!(
        first_line(&text).ends_with(": authentication failed: wrong user or password"),
        "{text}"
    );
    assert!(!text.contains("sg_pw_user"), "user info leaked:\n{text}");
}

#[test]
fn a_url_without_a_database_on_mysql_says_so() {
    let Some(admin) = databases::server(Server::Mysql) else {
        return;
    };
    let (scheme_and_host, _) = admin.rsplit_once('/').unwrap();
    let (text, _) = check(scheme_and_host, "");
    assert!(
        text.contains("names no database: add one to the URL, or set `[database] schema`"),
        "{text}"
    );
}

/// A server that accepts connections and then says nothing, or hangs up at once.
fn silent_server(hang_up: bool) -> (u16, std::thread::JoinHandle<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().take(2) {
            let Ok(stream) = stream else { break };
            if hang_up {
                drop(stream);
            } else {
                held.push(stream);
            }
        }
        std::thread::sleep(Duration::from_secs(4));
    });
    (port, handle)
}

#[test]
fn a_server_that_never_answers_times_out() {
    let (port, _server) = silent_server(false);
    let (text, elapsed) = check(
        &format!("postgres://app:{SECRET}@127.0.0.1:{port}/shop"),
        "connect_timeout = 1",
    );
    assert!(
        text.contains("no answer within 1 s (connect_timeout)"),
        "{text}"
    );
    assert!(elapsed < Duration::from_secs(3), "took {elapsed:?}");
    let (port, _server) = silent_server(false);
    let (text, elapsed) = check(
        &format!("mysql://app:{SECRET}@127.0.0.1:{port}/shop"),
        "connect_timeout = 1",
    );
    assert!(
        text.contains("no answer within 1 s (connect_timeout)"),
        "{text}"
    );
    assert!(elapsed < Duration::from_secs(3), "took {elapsed:?}");
}

#[test]
fn a_server_that_hangs_up_is_an_error_not_a_hang() {
    let (port, _server) = silent_server(true);
    let (text, elapsed) = check(
        &format!("postgres://app:{SECRET}@127.0.0.1:{port}/shop"),
        "connect_timeout = 2",
    );
    assert!(
        text.starts_with("error: cannot use PostgreSQL at `postgres://***@127.0.0.1:"),
        "{text}"
    );
    assert!(elapsed < Duration::from_secs(3), "took {elapsed:?}");
    let (port, _server) = silent_server(true);
    let (text, elapsed) = check(
        &format!("mysql://app:{SECRET}@127.0.0.1:{port}/shop"),
        "connect_timeout = 2",
    );
    assert!(
        text.starts_with("error: cannot use MySQL at `mysql://***@127.0.0.1:"),
        "{text}"
    );
    assert!(elapsed < Duration::from_secs(3), "took {elapsed:?}");
}

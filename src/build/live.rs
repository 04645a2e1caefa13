//! Reaching the database named by a URL at build time, and introspecting it.
//! Every message says what failed without the URL's user info.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::blueprint::Database;
use crate::backend::BackendKind;
use crate::model::{Catalog, Schema};

/// Expands `${VAR}` references from the environment. Returns the URL (`None` when the
/// result is empty, as with an unset variable) and the variables read.
pub fn expand_env(written: &str) -> (Option<String>, Vec<String>) {
    let mut out = String::new();
    let mut read = Vec::new();
    let mut rest = written;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find('}') {
            Some(end) => {
                let var = &after[..end];
                out.push_str(&std::env::var(var).unwrap_or_default());
                read.push(var.to_owned());
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    let url = out.trim().to_owned();
    ((!url.is_empty()).then_some(url), read)
}

pub use crate::backend::redact;

/// How long a build waits for a server to accept a connection, unless the blueprint's
/// `connect_timeout` says otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How long reading the catalog may take before the build gives up on the server.
const QUERY_TIMEOUT: Duration = Duration::from_secs(60);

/// Connects to the database `url` names and introspects the blueprint's tables.
pub fn introspect(
    url: &str,
    base_dir: &Path,
    schema: &Schema,
    database: &Database,
) -> Result<Catalog, String> {
    let backend = backend_of(url)?;
    if !schema.backends.contains(&backend) {
        let listed: Vec<&str> = schema.backends.iter().map(|b| b.name()).collect();
        return Err(format!(
            "the database is {backend}, but the blueprint generates code for {} only",
            listed.join(", ")
        ));
    }
    let tables: Vec<&str> = schema.stores.iter().map(|s| s.table.as_str()).collect();
    let timeout = database.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
    match backend {
        BackendKind::Sqlite => sqlite_catalog(url, base_dir, &tables),
        BackendKind::Postgres | BackendKind::Mysql => {
            let url = url.to_owned();
            let tables: Vec<String> = tables.iter().map(|t| (*t).to_owned()).collect();
            let schema = database.schema.clone();
            let shown = format!("{} at `{}`", server_name(backend), redact(&url));
            within(timeout, &shown, move |connected| {
                let tables: Vec<&str> = tables.iter().map(String::as_str).collect();
                match backend {
                    BackendKind::Postgres => {
                        postgres_catalog(&url, &tables, schema.as_deref(), timeout, connected)
                    }
                    _ => mysql_catalog(&url, &tables, schema.as_deref(), timeout, connected),
                }
            })
        }
    }
}

fn server_name(backend: BackendKind) -> &'static str {
    match backend {
        BackendKind::Sqlite => "SQLite",
        BackendKind::Postgres => "PostgreSQL",
        BackendKind::Mysql => "MySQL",
    }
}

/// Runs `work` (connect, call `connected`, introspect) on a thread of its own, and gives
/// up when the server doesn't finish the handshake within `timeout` or the catalog
/// queries within `QUERY_TIMEOUT`: the drivers' own timeouts cover the TCP connection
/// only, and a build must fail rather than hang on a server that accepts and then says
/// nothing. A thread given up on is left blocked until the build script exits.
fn within<T: Send + 'static>(
    timeout: Duration,
    shown: &str,
    work: impl FnOnce(&dyn Fn()) -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    use std::sync::mpsc;
    let (send, receive) = mpsc::channel::<Option<Result<T, String>>>();
    let signal = send.clone();
    let spawned = std::thread::Builder::new()
        .name("storegen-introspect".into())
        .spawn(move || {
            let result = work(&|| {
                let _ = signal.send(None);
            });
            let _ = send.send(Some(result));
        });
    if let Err(e) = spawned {
        return Err(format!("cannot use {shown}: cannot start a thread: {e}"));
    }
    // A little grace past the driver's own connect timeout, which reports better.
    match receive.recv_timeout(timeout + Duration::from_millis(500)) {
        Ok(Some(result)) => return result,
        Ok(None) => {}
        Err(_) => {
            return Err(format!(
                "cannot use {shown}: no answer within {} s (connect_timeout)",
                timeout.as_secs()
            ));
        }
    }
    match receive.recv_timeout(QUERY_TIMEOUT) {
        Ok(Some(result)) => result,
        _ => Err(format!(
            "cannot use {shown}: the server stopped answering while storegen read the catalog"
        )),
    }
}

fn backend_of(url: &str) -> Result<BackendKind, String> {
    let scheme = url.split_once(':').map(|(s, _)| s).unwrap_or_default();
    match scheme {
        "sqlite" => Ok(BackendKind::Sqlite),
        "postgres" | "postgresql" => Ok(BackendKind::Postgres),
        "mysql" | "mariadb" => Ok(BackendKind::Mysql),
        // Without a scheme there is no telling where a password would be: echo nothing.
        "" => {
            Err("the database URL has no scheme: expected sqlite:, postgres:// or mysql://".into())
        }
        other => Err(format!(
            "database URL scheme `{other}:` is not one storegen knows: expected sqlite:, postgres:// or mysql://"
        )),
    }
}

#[cfg(feature = "sqlite")]
fn sqlite_catalog(url: &str, base_dir: &Path, tables: &[&str]) -> Result<Catalog, String> {
    use rusqlite::{Connection, OpenFlags};

    let path = sqlite_path(url, base_dir);
    let shown = path.display();
    if !path.is_file() {
        return Err(format!("SQLite database file `{shown}` does not exist"));
    }
    // Read-only: a build never creates or changes the database.
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(&path, flags)
        .map_err(|e| format!("cannot open SQLite database `{shown}`: {e}"))?;
    crate::backend::sqlite::introspect::introspect(&conn, tables).map_err(|e| {
        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) {
            format!("`{shown}` is not an SQLite database")
        } else {
            format!("cannot read the schema of SQLite database `{shown}`: {e}")
        }
    })
}

#[cfg(not(feature = "sqlite"))]
fn sqlite_catalog(_url: &str, _base_dir: &Path, _tables: &[&str]) -> Result<Catalog, String> {
    Err(missing_feature("sqlite"))
}

#[cfg(not(all(feature = "sqlite", feature = "postgres", feature = "mysql")))]
fn missing_feature(backend: &str) -> String {
    format!(
        "validating against {backend} needs storegen's `{backend}` feature in [build-dependencies]"
    )
}

/// Why a connection failed, in words that hold no part of the URL.
#[cfg(any(feature = "postgres", feature = "mysql"))]
fn connect_failure(io: Option<&std::io::Error>, timeout: Duration) -> Option<String> {
    let io = io?;
    let text = io.to_string();
    let timed_out = || format!("no answer within {} s (connect_timeout)", timeout.as_secs());
    Some(match io.kind() {
        std::io::ErrorKind::ConnectionRefused => {
            "the connection was refused: is the server running?".into()
        }
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => timed_out(),
        _ if text.contains("lookup address") || text.contains("not known") => {
            "the host name is unknown".into()
        }
        _ if text.contains("timed out") => timed_out(),
        _ => format!("the connection failed: {io}"),
    })
}

/// The first I/O error in an error's chain of sources.
#[cfg(feature = "postgres")]
fn io_source<'e>(error: &'e (dyn std::error::Error + 'static)) -> Option<&'e std::io::Error> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = current {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            return Some(io);
        }
        current = e.source();
    }
    None
}

#[cfg(feature = "postgres")]
fn postgres_catalog(
    url: &str,
    tables: &[&str],
    schema: Option<&str>,
    timeout: Duration,
    connected: &dyn Fn(),
) -> Result<Catalog, String> {
    use postgres::error::SqlState;
    use std::str::FromStr;

    let shown = redact(url);
    let mut config = postgres::Config::from_str(url)
        .map_err(|_| format!("cannot parse the PostgreSQL URL `{shown}`"))?;
    config.connect_timeout(timeout);
    let describe = |e: &postgres::Error| -> String {
        let reason = match e.code() {
            Some(c) if *c == SqlState::INVALID_PASSWORD => {
                "authentication failed: wrong password".to_owned()
            }
            Some(c) if *c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION => {
                "authentication failed: the server refused this user".to_owned()
            }
            Some(c) if *c == SqlState::INVALID_CATALOG_NAME => {
                "the database does not exist".to_owned()
            }
            Some(c) if *c == SqlState::INSUFFICIENT_PRIVILEGE => {
                "the user may not read the catalog".to_owned()
            }
            Some(_) => e
                .as_db_error()
                .map_or_else(|| e.to_string(), |db| db.message().to_owned()),
            None => connect_failure(io_source(e), timeout).unwrap_or_else(|| {
                if e.is_closed() {
                    "the server closed the connection".into()
                } else {
                    e.to_string()
                }
            }),
        };
        format!("cannot use PostgreSQL at `{shown}`: {reason}")
    };
    let mut client = config.connect(postgres::NoTls).map_err(|e| describe(&e))?;
    connected();
    // A server that stops answering mid-introspection fails the build instead of
    // hanging it.
    client
        .batch_execute(&format!(
            "SET statement_timeout = {}",
            QUERY_TIMEOUT.as_millis()
        ))
        .map_err(|e| describe(&e))?;
    let namespace = match schema {
        Some(schema) => schema.to_owned(),
        None => client
            .query_one("SELECT current_schema()::text", &[])
            .and_then(|row| row.try_get::<_, Option<String>>(0))
            .map_err(|e| describe(&e))?
            .unwrap_or_else(|| "public".to_owned()),
    };
    crate::backend::postgres::introspect::introspect(&mut client, &namespace, tables)
        .map_err(|e| describe(&e))
}

#[cfg(not(feature = "postgres"))]
fn postgres_catalog(
    _: &str,
    _: &[&str],
    _: Option<&str>,
    _: Duration,
    _: &dyn Fn(),
) -> Result<Catalog, String> {
    Err(missing_feature("postgres"))
}

#[cfg(feature = "mysql")]
fn mysql_catalog(
    url: &str,
    tables: &[&str],
    schema: Option<&str>,
    timeout: Duration,
    connected: &dyn Fn(),
) -> Result<Catalog, String> {
    use mysql::prelude::Queryable;

    let shown = redact(url);
    // The driver reads only `mysql://`; storegen takes `mariadb://` too.
    let url = match url.strip_prefix("mariadb://") {
        Some(rest) => format!("mysql://{rest}"),
        None => url.to_owned(),
    };
    let opts =
        mysql::Opts::from_url(&url).map_err(|_| format!("cannot parse the MySQL URL `{shown}`"))?;
    let opts = mysql::OptsBuilder::from_opts(opts)
        .tcp_connect_timeout(Some(timeout))
        .read_timeout(Some(QUERY_TIMEOUT))
        .write_timeout(Some(QUERY_TIMEOUT));
    let describe = |e: &mysql::Error| -> String {
        let reason = match e {
            mysql::Error::MySqlError(server) => match server.code {
                1045 => "authentication failed: wrong user or password".to_owned(),
                1044 | 1049 => {
                    "the database does not exist, or this user may not use it".to_owned()
                }
                1142 | 1143 => "the user may not read the catalog".to_owned(),
                _ => server.message.clone(),
            },
            mysql::Error::IoError(io) => connect_failure(Some(io), timeout)
                .unwrap_or_else(|| format!("the connection failed: {io}")),
            mysql::Error::DriverError(mysql::DriverError::CouldNotConnect(Some((
                _,
                what,
                kind,
            )))) => {
                let io = std::io::Error::new(*kind, what.clone());
                connect_failure(Some(&io), timeout)
                    .unwrap_or_else(|| format!("the connection failed: {what}"))
            }
            mysql::Error::DriverError(mysql::DriverError::ConnectTimeout) => {
                format!("no answer within {} s (connect_timeout)", timeout.as_secs())
            }
            mysql::Error::DriverError(driver) => format!("the connection failed: {driver}"),
            other => other.to_string(),
        };
        format!("cannot use MySQL at `{shown}`: {reason}")
    };
    let mut conn = mysql::Conn::new(opts).map_err(|e| describe(&e))?;
    connected();
    let database = match schema {
        Some(schema) => schema.to_owned(),
        None => conn
            .query_first::<Option<String>, _>("SELECT DATABASE()")
            .map_err(|e| describe(&e))?
            .flatten()
            .ok_or_else(|| {
                format!(
                    "the MySQL URL `{shown}` names no database: add one to the URL, or set `[database] schema`"
                )
            })?,
    };
    crate::backend::mysql::introspect::introspect(&mut conn, &database, tables)
        .map_err(|e| describe(&e))
}

#[cfg(not(feature = "mysql"))]
fn mysql_catalog(
    _: &str,
    _: &[&str],
    _: Option<&str>,
    _: Duration,
    _: &dyn Fn(),
) -> Result<Catalog, String> {
    Err(missing_feature("mysql"))
}

/// `sqlite:path`, `sqlite://path` or `sqlite:///absolute`; relative to the blueprint's
/// folder.
#[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
fn sqlite_path(url: &str, base_dir: &Path) -> PathBuf {
    let rest = url.strip_prefix("sqlite:").unwrap_or(url);
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let rest = rest.split('?').next().unwrap_or(rest);
    base_dir.join(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_hides_user_info() {
        assert_eq!(
            redact("postgres://app:s3cret@db.example:5432/shop"),
            "postgres://***@db.example:5432/shop"
        );
        assert_eq!(
            redact("mysql://root@127.0.0.1/test"),
            "mysql://***@127.0.0.1/test"
        );
        assert_eq!(redact("sqlite:data/app.db"), "sqlite:data/app.db");
        // An '@' in the path is not user info.
        assert_eq!(redact("postgres://host/db@x"), "postgres://host/db@x");
        assert_eq!(
            redact("postgres://host/db?user=app&password=s3cret"),
            "postgres://host/db?***"
        );
        assert_eq!(
            redact("host=db user=app password=s3cret dbname=shop"),
            "host=db user=app password=*** dbname=shop"
        );
        assert_eq!(
            redact("host=db password='s3 cret' dbname=shop"),
            "host=db password=*** dbname=shop"
        );
    }

    #[test]
    fn sqlite_paths_are_relative_to_the_crate() {
        let dir = Path::new("/crate");
        assert_eq!(
            sqlite_path("sqlite:data/app.db", dir),
            Path::new("/crate/data/app.db")
        );
        assert_eq!(
            sqlite_path("sqlite:///tmp/a.db", dir),
            Path::new("/tmp/a.db")
        );
        assert_eq!(
            sqlite_path("sqlite://a.db?mode=ro", dir),
            Path::new("/crate/a.db")
        );
    }
}

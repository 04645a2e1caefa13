//! Reaching the database named by a URL at build time, and introspecting it.
//! Every message says what failed without the URL's user info.

use std::path::Path;
use std::time::Duration;

use super::blueprint::Database;
use crate::backend::BackendKind;
use crate::backend::connect::{Introspected, QUERY_TIMEOUT, Target, ToDescribe};
use crate::model::{LogicalType, Schema};

/// Expands `${VAR}` references from the environment. Returns the URL and the variables
/// read. The URL is `None` when it comes out empty, and when any variable it names is
/// unset or empty: `postgres://db/${DB_NAME}` without `DB_NAME` is no URL, not the
/// server's default database.
pub fn expand_env(written: &str) -> (Option<String>, Vec<String>) {
    let mut out = String::new();
    let mut read = Vec::new();
    let mut unset = false;
    let mut rest = written;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find('}') {
            Some(end) => {
                let var = &after[..end];
                let value = std::env::var(var).unwrap_or_default();
                unset |= value.trim().is_empty();
                out.push_str(&value);
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
    ((!url.is_empty() && !unset).then_some(url), read)
}

pub use crate::backend::redact;

/// How long a build waits for a server to accept a connection, unless the blueprint's
/// `connect_timeout` says otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Connects to the database `url` names, introspects the blueprint's tables and
/// describes the queries (`queries` gives each backend's statements).
pub(crate) fn introspect(
    url: &str,
    base_dir: &Path,
    schema: &Schema,
    database: &Database,
    queries: &dyn Fn(BackendKind) -> Vec<ToDescribe>,
) -> Result<(BackendKind, Introspected), String> {
    let backend = backend_of(url)?;
    if !schema.backends.contains(&backend) {
        let listed: Vec<&str> = schema.backends.iter().map(|b| b.name()).collect();
        return Err(format!(
            "the database is {backend}, but the blueprint generates code for {} only",
            listed.join(", ")
        ));
    }
    let target = Target {
        url: url.to_owned(),
        base_dir: base_dir.to_owned(),
        tables: schema.stores.iter().map(|s| s.table.clone()).collect(),
        all_tables: false,
        schema: database.schema.clone(),
        timeout: database.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
        queries: queries(backend),
        enums: enums(schema),
    };
    read(backend, target).map(|introspected| (backend, introspected))
}

/// Connects to the target's database and reads it, within the target's timeout.
fn read(backend: BackendKind, target: Target) -> Result<Introspected, String> {
    let rules = backend.rules();
    let shown = format!(
        "{} at `{}`",
        rules.about().display_name,
        redact(&target.url)
    );
    within(target.timeout, &shown, move |connected| {
        rules.introspect(&target, connected)
    })
}

#[cfg(feature = "cli")]
/// Connects to the database `url` names and reads the catalog of the tables named, or of
/// every table in the schema: what `storegen introspect` reads.
pub(crate) fn read_catalog(
    url: &str,
    base_dir: &Path,
    schema: Option<String>,
    tables: Option<Vec<String>>,
) -> Result<crate::model::Catalog, String> {
    let backend = backend_of(url)?;
    let target = Target {
        url: url.to_owned(),
        base_dir: base_dir.to_owned(),
        all_tables: tables.is_none(),
        tables: tables.unwrap_or_default(),
        schema,
        timeout: DEFAULT_CONNECT_TIMEOUT,
        queries: Vec::new(),
        enums: Vec::new(),
    };
    read(backend, target).map(|introspected| introspected.catalog)
}

/// The schema's enum types, once each.
fn enums(schema: &Schema) -> Vec<LogicalType> {
    let mut out: Vec<LogicalType> = Vec::new();
    for field in schema.stores.iter().flat_map(|s| &s.fields) {
        if matches!(field.ty, LogicalType::Enum { .. }) && !out.contains(&field.ty) {
            out.push(field.ty.clone());
        }
    }
    out
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
    if let Some(backend) = BackendKind::ALL
        .into_iter()
        .find(|b| b.rules().about().url_schemes.contains(&scheme))
    {
        return Ok(backend);
    }
    let examples: Vec<&str> = BackendKind::ALL
        .iter()
        .map(|b| b.rules().about().url_example)
        .collect();
    let expected = match examples.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    };
    match scheme {
        // Without a scheme there is no telling where a password would be: echo nothing.
        "" => Err(format!(
            "the database URL has no scheme: expected {expected}"
        )),
        other => Err(format!(
            "database URL scheme `{other}:` is not one storegen knows: expected {expected}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_with_an_unset_variable_anywhere_is_no_url() {
        // Variables no test sets.
        let (url, read) = expand_env("postgres://db.example/${STOREGEN_TEST_NEVER_SET_7}");
        assert_eq!(url, None);
        assert_eq!(read, ["STOREGEN_TEST_NEVER_SET_7"]);
        let (url, _) = expand_env("  ${STOREGEN_TEST_NEVER_SET_8}  ");
        assert_eq!(url, None);
        let (url, read) = expand_env("sqlite:app.db");
        assert_eq!((url.as_deref(), read.len()), (Some("sqlite:app.db"), 0));
    }

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
        // A password with `/`, `?`, `#` or `@` in it, unencoded, is hidden whole; an `@`
        // elsewhere hides more than it must, never less.
        assert_eq!(
            redact("postgres://app:pa/ss?w#o@rd@db.example/shop"),
            "postgres://***@db.example/shop"
        );
        assert_eq!(
            redact("mysql://app:s?cret@db/shop?ssl-mode=required"),
            "mysql://***@db/shop?***"
        );
        assert_eq!(redact("postgres://host/db@x"), "postgres://***@x");
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
}

//! Reaching the database named by a URL at build time, and introspecting it.
//! Every message says what failed without the URL's user info.

use std::path::{Path, PathBuf};

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

/// The URL with any password (and user) replaced, safe to print.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => url.to_owned(),
    }
}

/// Connects to the database `url` names and introspects the blueprint's tables.
pub fn introspect(url: &str, manifest_dir: &Path, schema: &Schema) -> Result<Catalog, String> {
    let backend = backend_of(url)?;
    if !schema.backends.contains(&backend) {
        let listed: Vec<&str> = schema.backends.iter().map(|b| b.name()).collect();
        return Err(format!(
            "the database is {backend}, but the blueprint generates code for {} only",
            listed.join(", ")
        ));
    }
    match backend {
        BackendKind::Sqlite => sqlite(url, manifest_dir, schema),
        BackendKind::Postgres | BackendKind::Mysql => Err(format!(
            "validating against {backend} is not supported yet ({})",
            redact(url)
        )),
    }
}

fn backend_of(url: &str) -> Result<BackendKind, String> {
    let scheme = url.split_once(':').map(|(s, _)| s).unwrap_or_default();
    match scheme {
        "sqlite" => Ok(BackendKind::Sqlite),
        "postgres" | "postgresql" => Ok(BackendKind::Postgres),
        "mysql" | "mariadb" => Ok(BackendKind::Mysql),
        "" => Err(format!(
            "database URL `{}` has no scheme: expected sqlite:, postgres:// or mysql://",
            redact(url)
        )),
        other => Err(format!(
            "database URL scheme `{other}:` is not one storegen knows: expected sqlite:, postgres:// or mysql://"
        )),
    }
}

#[cfg(feature = "sqlite")]
fn sqlite(url: &str, manifest_dir: &Path, schema: &Schema) -> Result<Catalog, String> {
    use rusqlite::{Connection, OpenFlags};

    let path = sqlite_path(url, manifest_dir);
    let shown = path.display();
    if !path.is_file() {
        return Err(format!("SQLite database file `{shown}` does not exist"));
    }
    // Read-only: a build never creates or changes the database.
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(&path, flags)
        .map_err(|e| format!("cannot open SQLite database `{shown}`: {e}"))?;
    let tables: Vec<&str> = schema.stores.iter().map(|s| s.table.as_str()).collect();
    crate::backend::sqlite::introspect::introspect(&conn, &tables).map_err(|e| {
        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) {
            format!("`{shown}` is not an SQLite database")
        } else {
            format!("cannot read the schema of SQLite database `{shown}`: {e}")
        }
    })
}

#[cfg(not(feature = "sqlite"))]
fn sqlite(_url: &str, _manifest_dir: &Path, _schema: &Schema) -> Result<Catalog, String> {
    Err(
        "validating against SQLite needs storegen's `sqlite` feature in [build-dependencies]"
            .into(),
    )
}

/// `sqlite:path`, `sqlite://path` or `sqlite:///absolute`; relative to the crate.
fn sqlite_path(url: &str, manifest_dir: &Path) -> PathBuf {
    let rest = url.strip_prefix("sqlite:").unwrap_or(url);
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let rest = rest.split('?').next().unwrap_or(rest);
    manifest_dir.join(rest)
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

//! Reading an SQLite file's catalog at build time: read-only, never created.

use std::path::{Path, PathBuf};

use crate::backend::connect::{Introspected, Target};

#[cfg(feature = "sqlite")]
pub(crate) fn catalog(target: &Target, connected: &dyn Fn()) -> Result<Introspected, String> {
    use rusqlite::{Connection, OpenFlags};

    let path = sqlite_path(&target.url, &target.base_dir);
    let shown = path.display();
    if path.is_dir() {
        return Err(format!(
            "`{shown}` is a directory, not an SQLite database file"
        ));
    }
    if !path.is_file() {
        return Err(format!("SQLite database file `{shown}` does not exist"));
    }
    // Read-only: a build never creates or changes the database.
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(&path, flags)
        .map_err(|e| format!("cannot open SQLite database `{shown}`: {e}"))?;
    connected();
    let unreadable = |e: rusqlite::Error| {
        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) {
            format!("`{shown}` is not an SQLite database")
        } else {
            format!("cannot read the schema of SQLite database `{shown}`: {e}")
        }
    };
    let all;
    let tables = if target.all_tables {
        all = super::introspect::table_names(&conn).map_err(unreadable)?;
        all.iter().map(String::as_str).collect()
    } else {
        target.tables()
    };
    let catalog = super::introspect::introspect(&conn, &tables).map_err(unreadable)?;
    let described = target
        .queries
        .iter()
        .map(|q| super::describe::describe(&conn, q))
        .collect();
    Ok(Introspected { catalog, described })
}

#[cfg(not(feature = "sqlite"))]
pub(crate) fn catalog(_: &Target, _: &dyn Fn()) -> Result<Introspected, String> {
    Err(crate::backend::connect::missing_feature("sqlite"))
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

//! The r2d2 manager for SQLite connections (feature `pool`).

use std::path::PathBuf;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::runtime::Error;

type Init = Box<dyn Fn(&Connection) -> rusqlite::Result<()> + Send + Sync>;

/// Opens connections to one SQLite file. Each new connection runs the init hook;
/// the default turns foreign keys on, the WAL journal (readers don't block the
/// writer), and a 5 s busy timeout (a writer waits for another instead of failing).
pub struct SqliteManager {
    path: PathBuf,
    flags: OpenFlags,
    init: Init,
    busy: Duration,
}

impl SqliteManager {
    /// Connections to the database file at `path` (or a `file:` URI), read-write and
    /// created if missing, with the default init hook.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        SqliteManager {
            path: path.into(),
            flags: OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI,
            init: Box::new(|conn| default_init(conn, Duration::from_secs(5))),
            busy: Duration::from_secs(5),
        }
    }

    /// How long a statement waits for a lock another connection holds before it
    /// fails (SQLite's busy timeout; 5 s unless set): SQLite's statements don't wait
    /// for anything else. Set after the init hook runs.
    pub fn statement_timeout(mut self, timeout: Duration) -> Self {
        self.busy = timeout;
        self
    }

    /// Replaces the init hook run on each new connection.
    pub fn with_init(
        mut self,
        init: impl Fn(&Connection) -> rusqlite::Result<()> + Send + Sync + 'static,
    ) -> Self {
        self.init = Box::new(init);
        self
    }
}

/// Foreign keys on, WAL, and a busy timeout: what a pooled SQLite connection wants.
pub fn default_init(conn: &Connection, busy: Duration) -> rusqlite::Result<()> {
    conn.busy_timeout(busy)?;
    conn.execute_batch(
        "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;",
    )
}

fn failed(operation: &'static str, source: rusqlite::Error) -> Error {
    crate::runtime::DatabaseError::from_driver(None, operation, &[], source)
}

impl r2d2::ManageConnection for SqliteManager {
    type Connection = Connection;
    type Error = Error;

    fn connect(&self) -> Result<Connection, Error> {
        let conn = Connection::open_with_flags(&self.path, self.flags)
            .map_err(|e| failed("connect", e))?;
        (self.init)(&conn).map_err(|e| failed("connect", e))?;
        conn.busy_timeout(self.busy)
            .map_err(|e| failed("connect", e))?;
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut Connection) -> Result<(), Error> {
        conn.execute_batch("SELECT 1")
            .map_err(|e| failed("check", e))
    }

    fn has_broken(&self, _: &mut Connection) -> bool {
        false
    }
}

//! Connection pools (feature `pool`): r2d2, with a manager of storegen's own for each
//! backend. A pooled connection is a [`Connection`], so every generated call site works
//! on one unchanged:
//!
//! ```no_run
//! # #[cfg(feature = "sqlite")] fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use storegen::pool::SqliteManager;
//! let pool = storegen::r2d2::Pool::builder()
//!     .max_size(4)
//!     .connection_timeout(std::time::Duration::from_secs(5))
//!     .build(SqliteManager::file("app.db"))?;
//! let mut conn = pool.get()?;
//! // db::customers(&mut conn).get(1)?;
//! # Ok(()) }
//! # #[cfg(not(feature = "sqlite"))] fn main() {}
//! ```
//!
//! Sizes and timeouts are r2d2's builder's (`max_size`, `min_idle`,
//! `connection_timeout`, `idle_timeout`, `max_lifetime`); every checkout is health
//! checked (r2d2's `test_on_check_out`, on by default), and a connection that fails the
//! check is replaced. Why managers of our own: `r2d2_sqlite` doesn't support this
//! rusqlite; `r2d2_postgres` hands out bare clients, where storegen's hands out
//! [`CachedClient`](crate::backend::postgres::CachedClient)s that keep their prepared
//! statements; and one r2d2 pool for every backend gives one way to size and time them
//! (the mysql crate's own pool would work too, with its own knobs).

use crate::runtime::{Backend, Connection};

impl<M> Connection for r2d2::PooledConnection<M>
where
    M: r2d2::ManageConnection,
    M::Connection: Connection,
{
    type Backend = <M::Connection as Connection>::Backend;
    fn raw(&mut self) -> <Self::Backend as Backend>::Raw<'_> {
        (**self).raw()
    }
}

#[cfg(feature = "sqlite")]
pub use sqlite::SqliteManager;

#[cfg(feature = "sqlite")]
mod sqlite {
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
    }

    impl SqliteManager {
        pub fn file(path: impl Into<PathBuf>) -> Self {
            SqliteManager {
                path: path.into(),
                flags: OpenFlags::SQLITE_OPEN_READ_WRITE
                    | OpenFlags::SQLITE_OPEN_CREATE
                    | OpenFlags::SQLITE_OPEN_NO_MUTEX
                    | OpenFlags::SQLITE_OPEN_URI,
                init: Box::new(|conn| default_init(conn, Duration::from_secs(5))),
            }
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
}

#[cfg(feature = "postgres")]
pub use postgres::PostgresManager;

#[cfg(feature = "postgres")]
mod postgres {
    use std::time::Duration;

    use crate::backend::postgres::CachedClient;
    use crate::runtime::Error;

    type Init = Box<dyn Fn(&mut postgres::Client) -> Result<(), postgres::Error> + Send + Sync>;

    /// Opens PostgreSQL connections as [`CachedClient`]s, so pooled connections keep
    /// their prepared statements. Each new connection runs the init hook, if set.
    pub struct PostgresManager {
        config: postgres::Config,
        init: Option<Init>,
    }

    impl PostgresManager {
        /// From a `postgres://` URL or a `key=value` string. A connect timeout of 5 s
        /// applies unless the URL sets one.
        pub fn new(url: &str) -> Result<Self, Error> {
            use std::str::FromStr;
            let mut config = postgres::Config::from_str(url).map_err(|_| {
                Error::Unsupported(format!(
                    "cannot parse the PostgreSQL URL `{}`",
                    crate::backend::redact(url)
                ))
            })?;
            if config.get_connect_timeout().is_none() {
                config.connect_timeout(Duration::from_secs(5));
            }
            Ok(PostgresManager { config, init: None })
        }

        pub fn from_config(config: postgres::Config) -> Self {
            PostgresManager { config, init: None }
        }

        /// Runs on each new connection (`SET` statements, say).
        pub fn with_init(
            mut self,
            init: impl Fn(&mut postgres::Client) -> Result<(), postgres::Error> + Send + Sync + 'static,
        ) -> Self {
            self.init = Some(Box::new(init));
            self
        }
    }

    fn failed(operation: &'static str, source: postgres::Error) -> Error {
        crate::backend::postgres::unscoped(operation, source)
    }

    impl r2d2::ManageConnection for PostgresManager {
        type Connection = CachedClient;
        type Error = Error;

        fn connect(&self) -> Result<CachedClient, Error> {
            let mut client = self
                .config
                .connect(postgres::NoTls)
                .map_err(|e| failed("connect", e))?;
            if let Some(init) = &self.init {
                init(&mut client).map_err(|e| failed("connect", e))?;
            }
            Ok(CachedClient::new(client))
        }

        fn is_valid(&self, conn: &mut CachedClient) -> Result<(), Error> {
            conn.is_valid(Duration::from_secs(5))
                .map_err(|e| failed("check", e))
        }

        fn has_broken(&self, conn: &mut CachedClient) -> bool {
            conn.is_closed()
        }
    }
}

#[cfg(feature = "mysql")]
pub use mysql::MysqlManager;

#[cfg(feature = "mysql")]
mod mysql {
    use std::time::Duration;

    use crate::runtime::Error;

    type Init = Box<dyn Fn(&mut mysql::Conn) -> Result<(), mysql::Error> + Send + Sync>;

    /// Opens MySQL/MariaDB connections; each keeps the driver's own statement cache.
    /// Each new connection runs the init hook, if set.
    pub struct MysqlManager {
        opts: mysql::Opts,
        init: Option<Init>,
    }

    impl MysqlManager {
        /// From a `mysql://` URL. A connect timeout of 5 s applies.
        pub fn new(url: &str) -> Result<Self, Error> {
            let opts = mysql::Opts::from_url(url).map_err(|_| {
                Error::Unsupported(format!(
                    "cannot parse the MySQL URL `{}`",
                    crate::backend::redact(url)
                ))
            })?;
            let opts = mysql::OptsBuilder::from_opts(opts)
                .tcp_connect_timeout(Some(Duration::from_secs(5)));
            Ok(MysqlManager {
                opts: opts.into(),
                init: None,
            })
        }

        pub fn from_opts(opts: impl Into<mysql::Opts>) -> Self {
            MysqlManager {
                opts: opts.into(),
                init: None,
            }
        }

        /// Runs on each new connection (`SET SESSION` statements, say).
        pub fn with_init(
            mut self,
            init: impl Fn(&mut mysql::Conn) -> Result<(), mysql::Error> + Send + Sync + 'static,
        ) -> Self {
            self.init = Some(Box::new(init));
            self
        }
    }

    fn failed(operation: &'static str, source: mysql::Error) -> Error {
        crate::backend::mysql::unscoped(operation, source)
    }

    impl r2d2::ManageConnection for MysqlManager {
        type Connection = mysql::Conn;
        type Error = Error;

        fn connect(&self) -> Result<mysql::Conn, Error> {
            let mut conn = mysql::Conn::new(self.opts.clone()).map_err(|e| failed("connect", e))?;
            if let Some(init) = &self.init {
                init(&mut conn).map_err(|e| failed("connect", e))?;
            }
            Ok(conn)
        }

        fn is_valid(&self, conn: &mut mysql::Conn) -> Result<(), Error> {
            conn.ping().map_err(|e| failed("check", e))
        }

        fn has_broken(&self, _: &mut mysql::Conn) -> bool {
            false
        }
    }
}

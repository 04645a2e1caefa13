//! The r2d2 manager for MySQL and MariaDB connections (feature `pool`).

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
        let opts =
            mysql::OptsBuilder::from_opts(opts).tcp_connect_timeout(Some(Duration::from_secs(5)));
        Ok(MysqlManager {
            opts: opts.into(),
            init: None,
        })
    }

    /// From driver options, used as they are (no connect timeout is added).
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

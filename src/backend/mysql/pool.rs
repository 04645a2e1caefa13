//! The r2d2 manager for MySQL and MariaDB connections (feature `pool`).

use std::time::Duration;

use crate::runtime::Error;

type Init = Box<dyn Fn(&mut mysql::Conn) -> Result<(), mysql::Error> + Send + Sync>;

/// Opens MySQL/MariaDB connections; each keeps the driver's own statement cache.
/// Each new connection runs the init hook, if set.
///
/// A connection attempt is bounded end to end by the connect timeout (5 s unless
/// [`connect_timeout`](Self::connect_timeout) says otherwise): the server must send its
/// greeting within it (checked on a connection of its own first, which the driver can't
/// do), and the handshake and authentication must finish within it, or the attempt fails
/// — and a pool's `get` reports that error. Use a manager without a pool through
/// `r2d2::ManageConnection::connect`.
pub struct MysqlManager {
    opts: mysql::Opts,
    /// `ssl-mode=prefer`: TLS where the server has it.
    prefer_tls: bool,
    connect_timeout: Duration,
    statement_timeout: Option<Duration>,
    init: Option<Init>,
}

impl MysqlManager {
    /// From a `mysql://` (or `mariadb://`) URL. Its `ssl-mode` (`disable` — the
    /// default —, `prefer`, `require`, `verify-ca`, `verify-full`, or MySQL's
    /// `DISABLED` … `VERIFY_IDENTITY`) and `ssl-ca` choose TLS (feature `tls`).
    pub fn new(url: &str) -> Result<Self, Error> {
        let url = match url.strip_prefix("mariadb://") {
            Some(rest) => format!("mysql://{rest}"),
            None => url.to_owned(),
        };
        let shown = crate::backend::redact(&url);
        let (url, ssl, mode) = crate::backend::tls::mysql_options(&url)
            .map_err(|why| Error::Unsupported(format!("MySQL URL `{shown}`: {why}")))?;
        let opts = mysql::Opts::from_url(&url)
            .map_err(|_| Error::Unsupported(format!("cannot parse the MySQL URL `{shown}`")))?;
        // The driver moves a loopback connection to the Unix socket, without TLS: not
        // when the URL asks for TLS.
        let socket = ssl.is_none() && opts.get_prefer_socket();
        let opts = mysql::OptsBuilder::from_opts(opts)
            .ssl_opts(ssl)
            .prefer_socket(socket);
        Ok(MysqlManager {
            prefer_tls: mode == crate::backend::tls::SslMode::Prefer,
            ..Self::from_opts(opts)
        })
    }

    /// From driver options; a `tcp_connect_timeout` in them is the connect timeout.
    pub fn from_opts(opts: impl Into<mysql::Opts>) -> Self {
        let opts = opts.into();
        MysqlManager {
            connect_timeout: opts
                .get_tcp_connect_timeout()
                .unwrap_or(Duration::from_secs(5)),
            opts,
            prefer_tls: false,
            statement_timeout: None,
            init: None,
        }
    }

    /// How long a connection attempt may take in all, TCP to authentication.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// A limit on every statement: the server's (MariaDB's `max_statement_time` for
    /// every statement, MySQL's `max_execution_time` for reads), and the connection's
    /// read and write timeouts a little past it, so that a server that stops answering
    /// fails the statement too.
    pub fn statement_timeout(mut self, timeout: Duration) -> Self {
        self.statement_timeout = Some(timeout);
        self
    }

    /// Connects within the connect timeout: the server's greeting must come on a
    /// connection of its own, then the driver's connect runs on a thread of its own for
    /// the time left. Then sets the statement timeout.
    fn open(&self) -> Result<mysql::Conn, mysql::Error> {
        use crate::backend::bounded;
        use mysql::prelude::Queryable;
        let started = std::time::Instant::now();
        let timeout = self.connect_timeout;
        if self.opts.get_socket().is_none() {
            bounded::first_word(
                &self.opts.get_ip_or_hostname(),
                self.opts.get_tcp_port(),
                &[],
                timeout,
            )?;
        }
        let left = timeout.saturating_sub(started.elapsed());
        // The socket's timeouts outlive the connect: the statement timeout's, if any.
        let socket_timeout = self.statement_timeout.map(|t| t + Duration::from_secs(1));
        let mut opts = mysql::OptsBuilder::from_opts(self.opts.clone())
            .tcp_connect_timeout(Some(left.max(Duration::from_millis(1))));
        // The options' own timeouts stay unless a statement timeout replaces them.
        if socket_timeout.is_some() {
            opts = opts
                .read_timeout(socket_timeout)
                .write_timeout(socket_timeout);
        }
        let prefer_tls = self.prefer_tls;
        let mut conn = bounded::within(left, timeout, move || {
            match mysql::Conn::new(opts.clone()) {
                // `prefer`: without TLS where the server has none.
                Err(mysql::Error::DriverError(mysql::DriverError::TlsNotSupported))
                    if prefer_tls =>
                {
                    mysql::Conn::new(opts.ssl_opts(None::<mysql::SslOpts>))
                }
                other => other,
            }
        })??;
        // Strict: a value a column can't hold (too long, a character its character set
        // lacks) is an error, never stored cut short or as `?` — whatever the server's
        // own `sql_mode` says.
        conn.query_drop(
            "SET SESSION sql_mode = CONCAT_WS(',', NULLIF(@@SESSION.sql_mode, ''), 'STRICT_ALL_TABLES')",
        )?;
        if let Some(limit) = self.statement_timeout {
            // MariaDB reports a MySQL-compatible version to the driver: ask it.
            let mariadb = conn
                .query_first::<String, _>("SELECT VERSION()")?
                .is_some_and(|v| v.contains("MariaDB"));
            if mariadb {
                conn.query_drop(format!(
                    "SET SESSION max_statement_time = {}",
                    limit.as_secs_f64()
                ))?;
            } else {
                conn.query_drop(format!(
                    "SET SESSION max_execution_time = {}",
                    limit.as_millis()
                ))?;
            }
        }
        Ok(conn)
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
        let mut conn = self.open().map_err(|e| failed("connect", e))?;
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

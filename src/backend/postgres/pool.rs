//! The r2d2 manager for PostgreSQL connections (feature `pool`).

use std::time::Duration;

use crate::backend::postgres::CachedClient;
use crate::runtime::Error;

type Init = Box<dyn Fn(&mut postgres::Client) -> Result<(), postgres::Error> + Send + Sync>;

/// Opens PostgreSQL connections as [`CachedClient`]s, so pooled connections keep
/// their prepared statements. Each new connection runs the init hook, if set.
///
/// A connection attempt is bounded end to end by the connect timeout (5 s unless the URL
/// or [`connect_timeout`](Self::connect_timeout) says otherwise): the TCP connection,
/// the startup and the authentication together — a server that accepts and then says
/// nothing fails the attempt in that time, and a pool's `get` reports that error. Use a
/// manager without a pool through `r2d2::ManageConnection::connect`.
pub struct PostgresManager {
    config: postgres::Config,
    connect_timeout: Duration,
    tls: crate::backend::tls::PgTls,
    init: Option<Init>,
}

/// The connect timeout unless the URL or the manager says otherwise.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

impl PostgresManager {
    /// From a `postgres://` URL or a `key=value` string. Its `sslmode` (`disable`,
    /// `prefer` — the default —, `require`, `verify-ca`, `verify-full`) and
    /// `sslrootcert` choose TLS (feature `tls`; without it, only `disable` and `prefer`,
    /// which then connects without).
    pub fn new(url: &str) -> Result<Self, Error> {
        use crate::backend::tls::PgTls;
        use std::str::FromStr;
        let shown = crate::backend::redact(url);
        let (url, tls, mode) = PgTls::from_url(url)
            .map_err(|why| Error::Unsupported(format!("PostgreSQL URL `{shown}`: {why}")))?;
        let mut config = postgres::Config::from_str(&url).map_err(|_| {
            Error::Unsupported(format!("cannot parse the PostgreSQL URL `{shown}`"))
        })?;
        PgTls::configure(&mut config, mode);
        Ok(PostgresManager {
            tls,
            ..Self::from_config(config)
        })
    }

    /// From a driver config, without TLS; its `connect_timeout`, if set, bounds the
    /// whole attempt.
    pub fn from_config(config: postgres::Config) -> Self {
        let connect_timeout = config
            .get_connect_timeout()
            .copied()
            .unwrap_or(CONNECT_TIMEOUT);
        PostgresManager {
            config,
            connect_timeout,
            tls: crate::backend::tls::PgTls::Plain,
            init: None,
        }
    }

    /// How long a connection attempt may take in all, TCP to authentication.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// A limit on every statement of every connection (PostgreSQL's `statement_timeout`,
    /// set at startup: no extra round trip). A statement that runs longer fails, and
    /// its transaction with it.
    pub fn statement_timeout(mut self, timeout: Duration) -> Self {
        let setting = format!("-c statement_timeout={}", timeout.as_millis());
        let options = match self.config.get_options() {
            Some(existing) if !existing.trim().is_empty() => format!("{existing} {setting}"),
            _ => setting,
        };
        self.config.options(&options);
        self
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

impl PostgresManager {
    /// Connects within the connect timeout: the server must react to a cancel request
    /// for no session (it closes the connection, unlogged) on a connection of its own,
    /// then the driver's connect runs on a thread of its own for the time left.
    fn open(&self) -> Result<postgres::Client, Error> {
        use crate::backend::bounded;
        let started = std::time::Instant::now();
        let timeout = self.connect_timeout;
        let io_failed = |e: std::io::Error| {
            crate::runtime::DatabaseError::from_io(crate::BackendKind::Postgres, "connect", e)
        };
        let hosts = self.config.get_hosts();
        let ports = self.config.get_ports();
        // With several hosts the driver tries each in turn: no probe of the first alone.
        if let (Some(postgres::config::Host::Tcp(host)), 1) = (hosts.first(), hosts.len()) {
            let port = ports.first().copied().unwrap_or(5432);
            // `hostaddr` is where the connection goes; the host name stays for TLS.
            let addr = self.config.get_hostaddrs().first().map(|a| a.to_string());
            let host = addr.as_deref().unwrap_or(host);
            // A CancelRequest for no session (length 16, code 80877102, pid 0, key 0):
            // the server closes the connection, logging nothing at its default level.
            let hello = [0, 0, 0, 16, 4, 210, 22, 46, 0, 0, 0, 0, 0, 0, 0, 0];
            bounded::first_word(host, port, &hello, timeout).map_err(io_failed)?;
        }
        let mut config = self.config.clone();
        let left = timeout.saturating_sub(started.elapsed());
        if config.get_connect_timeout().is_none_or(|t| *t > left) {
            config.connect_timeout(left.max(Duration::from_millis(1)));
        }
        let tls = self.tls.clone();
        bounded::within(left, timeout, move || tls.connect(&config))
            .map_err(io_failed)?
            .map_err(|e| failed("connect", e))
    }
}

fn failed(operation: &'static str, source: postgres::Error) -> Error {
    crate::backend::postgres::unscoped(operation, source)
}

impl r2d2::ManageConnection for PostgresManager {
    type Connection = CachedClient;
    type Error = Error;

    fn connect(&self) -> Result<CachedClient, Error> {
        let mut client = self.open()?;
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

//! The r2d2 manager for PostgreSQL connections (feature `pool`).

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

    /// From a driver config, used as it is (no connect timeout is added).
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

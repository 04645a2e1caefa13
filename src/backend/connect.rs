//! What every backend's build-time connection shares: what to read, the timeouts, and
//! error wording that never shows a URL's secrets.

use std::path::PathBuf;
use std::time::Duration;

use crate::build::queries::resolve::{DescribeError, Described};
use crate::model::{Catalog, LogicalType};

/// What a build reads from a database: the blueprint's tables, where its URL names.
#[derive(Debug, Clone)]
#[cfg_attr(
    not(all(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(dead_code)
)]
pub(crate) struct Target {
    pub url: String,
    /// The blueprint's folder, which a relative `sqlite:` path starts from.
    pub base_dir: PathBuf,
    pub tables: Vec<String>,
    /// Read every table of the schema instead (`storegen introspect`): base tables
    /// only, not views, not storegen's own or the database's.
    pub all_tables: bool,
    /// `[database] schema`: the PostgreSQL schema or MySQL database, when not the
    /// connection's own.
    pub schema: Option<String>,
    pub timeout: Duration,
    /// The custom queries to describe on the same connection, each as the backend
    /// prepares it.
    pub queries: Vec<ToDescribe>,
    /// The blueprint's enum types, which a PostgreSQL enum type may be.
    pub enums: Vec<LogicalType>,
}

/// A query's statement as the backend prepares it, with its parameters' declared types
/// (PostgreSQL prepares with them).
#[derive(Debug, Clone)]
#[cfg_attr(not(feature = "__backend"), allow(dead_code))]
pub(crate) struct ToDescribe {
    pub sql: String,
    pub params: Vec<Option<LogicalType>>,
}

/// What a build read from the database: the catalog of the blueprint's tables, and each
/// query's description (or why it didn't prepare), in the target's order.
#[derive(Debug, Clone)]
pub(crate) struct Introspected {
    pub catalog: Catalog,
    pub described: Vec<Result<Described, DescribeError>>,
}

impl Target {
    #[cfg_attr(not(feature = "__backend"), allow(dead_code))]
    pub fn tables(&self) -> Vec<&str> {
        self.tables.iter().map(String::as_str).collect()
    }
}

/// How long reading the catalog may take before the build gives up on the server.
pub(crate) const QUERY_TIMEOUT: Duration = Duration::from_secs(60);

#[cfg(not(all(feature = "sqlite", feature = "postgres", feature = "mysql")))]
pub(crate) fn missing_feature(backend: &str) -> String {
    format!(
        "validating against {backend} needs storegen's `{backend}` feature in [build-dependencies]"
    )
}

/// Why a connection failed, in words that hold no part of the URL.
#[cfg(feature = "__server")]
pub(crate) fn connect_failure(io: Option<&std::io::Error>, timeout: Duration) -> Option<String> {
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
pub(crate) fn io_source<'e>(
    error: &'e (dyn std::error::Error + 'static),
) -> Option<&'e std::io::Error> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = current {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            return Some(io);
        }
        current = e.source();
    }
    None
}

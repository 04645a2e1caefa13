//! The build side's error: what `Builder::generate` and `generate_in_memory` return.

use std::fmt;
use std::path::PathBuf;

use super::diagnostics::Report;

/// Why generation failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// Problems in a blueprint, or drift between it and the database, each located in
    /// the blueprint. `Display` renders them as a compiler would.
    Blueprint(Report),
    /// A file could not be read or written.
    Io {
        /// The file's path.
        path: PathBuf,
        /// What the file system said.
        source: std::io::Error,
    },
    /// The build script's environment can't serve (no `OUT_DIR`).
    Environment(String),
    /// storegen itself went wrong (it generated code that doesn't parse); a bug to
    /// report.
    Internal(String),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Blueprint(report) => fmt::Display::fmt(report, f),
            BuildError::Io { path, source } => write!(f, "{}: {source}", path.display()),
            BuildError::Environment(message) | BuildError::Internal(message) => {
                f.write_str(message)
            }
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

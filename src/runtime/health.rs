use std::time::{Duration, Instant};

use super::{Backend, Connection, Error};
use crate::drift::Drift;
use crate::model::Schema;

/// What [`health`] found: for a service's health endpoint.
#[derive(Debug)]
pub struct Health {
    /// The database answered.
    pub reachable: bool,
    /// How long one `SELECT 1` took, when it answered.
    pub round_trip: Option<Duration>,
    /// How the schema compares with the compiled-in one; `Unknown` when it couldn't be
    /// read.
    pub schema: SchemaHealth,
    /// Why it is unreachable, or why the schema couldn't be read.
    pub error: Option<Error>,
}

/// How the database's schema compares with the compiled-in one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaHealth {
    /// Exactly as the blueprint declares.
    Matches,
    /// Differences the generated code works with (a missing index, an extra nullable
    /// column).
    Warnings(Vec<Drift>),
    /// Differences that make stores fail.
    Drifted(Vec<Drift>),
    /// Not checked: the database didn't answer.
    Unknown,
}

impl Health {
    /// Reachable, and the schema is usable (matching, or with warnings only).
    pub fn is_healthy(&self) -> bool {
        self.reachable
            && matches!(
                self.schema,
                SchemaHealth::Matches | SchemaHealth::Warnings(_)
            )
    }
}

/// Checks connectivity (timing one round trip) and the schema (as
/// [`verify`](crate::verify) does). Never fails: what goes wrong is in the result.
/// Generated modules wrap this as `health(&mut conn)`.
pub fn health<C: Connection + ?Sized>(conn: &mut C, schema: &Schema) -> Health {
    let started = Instant::now();
    if let Err(error) = C::Backend::ping(conn.raw()) {
        return Health {
            reachable: false,
            round_trip: None,
            schema: SchemaHealth::Unknown,
            error: Some(error),
        };
    }
    let round_trip = Some(started.elapsed());
    let (schema, error) = match super::verify(conn, schema) {
        Ok(warnings) if warnings.is_empty() => (SchemaHealth::Matches, None),
        Ok(warnings) => (SchemaHealth::Warnings(warnings), None),
        Err(Error::Drift(drifts)) => (SchemaHealth::Drifted(drifts), None),
        Err(other) => (SchemaHealth::Unknown, Some(other)),
    };
    Health {
        reachable: true,
        round_trip,
        schema,
        error,
    }
}

use super::{Backend, Connection, Error};
use crate::drift::{self, Drift, Severity};
use crate::model::Schema;

/// Compares the database behind `conn` with `schema` (the one compiled into a generated
/// module), through the same introspection and drift code the build uses. `Err` lists
/// every drift when any would make the generated code fail; `Ok` holds the warnings.
/// Generated modules wrap this as `verify(&mut conn)`.
pub fn verify<C: Connection + ?Sized>(conn: &mut C, schema: &Schema) -> Result<Vec<Drift>, Error> {
    let catalog = C::Backend::introspect(conn.raw(), schema)?;
    let drifts = drift::compare(schema, &catalog);
    if drifts.iter().any(|d| d.severity() == Severity::Error) {
        Err(Error::Drift(drifts))
    } else {
        Ok(drifts)
    }
}

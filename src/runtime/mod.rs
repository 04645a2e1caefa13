//! What generated store modules call at run time: the connection traits, transactions,
//! pages, migrations and the error type.

mod error;
mod health;
mod migrate;
pub mod observe;
mod page;
#[cfg(feature = "pool")]
pub mod pool;
mod transaction;
mod verify;

pub use error::{Constraint, Error};
pub use health::{Health, SchemaHealth, health};
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
pub(crate) use migrate::planning::plan;
pub use migrate::{Ddl, DdlStatement, Migration, migrate};
pub use page::Page;
pub use transaction::{
    Isolation, Retry, Retryable, transaction, transaction_retry, transaction_with,
};
pub use verify::verify;

/// A database backend as the runtime sees it: how to reach a connection's driver handle
/// and how to run transactions on it. Generated stores implement their operations once
/// per backend, on `Store<'_, B>` for the backend's marker type `B`.
pub trait Backend: Sized + 'static {
    const KIND: crate::backend::BackendKind;

    /// The driver handle generated code works on, borrowed from a connection.
    type Raw<'c>;
    /// An open transaction (or savepoint, when one is already open).
    type Transaction<'c>: Connection<Backend = Self>;

    /// Opens a transaction (at `isolation`, if given); inside an open one, a savepoint
    /// (and then `isolation` is an error).
    fn begin<'c>(
        raw: Self::Raw<'c>,
        isolation: Option<Isolation>,
    ) -> Result<Self::Transaction<'c>, Error>;
    fn commit(tx: Self::Transaction<'_>) -> Result<(), Error>;
    fn rollback(tx: Self::Transaction<'_>) -> Result<(), Error>;
    /// Creates what the database lacks of the schema; see [`migrate`].
    fn migrate(
        raw: Self::Raw<'_>,
        ddl: &Ddl,
        schema: &crate::model::Schema,
    ) -> Result<Migration, Error>;
    /// One round trip: `SELECT 1`.
    fn ping(raw: Self::Raw<'_>) -> Result<(), Error>;
    /// Reads what the database holds for the schema's tables.
    fn introspect(
        raw: Self::Raw<'_>,
        schema: &crate::model::Schema,
    ) -> Result<crate::model::Catalog, Error>;
}

/// Anything generated stores can run on: a driver connection, a transaction, a pooled
/// connection. Implement it for a wrapper of your own by returning the driver handle.
pub trait Connection {
    type Backend: Backend;
    fn raw(&mut self) -> <Self::Backend as Backend>::Raw<'_>;
}

impl<C: Connection + ?Sized> Connection for &mut C {
    type Backend = C::Backend;
    fn raw(&mut self) -> <Self::Backend as Backend>::Raw<'_> {
        (**self).raw()
    }
}

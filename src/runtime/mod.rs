//! What generated store modules call at run time: the connection traits, transactions,
//! pages, migrations and the error type.

pub mod columns;
#[cfg(feature = "decimal")]
#[doc(hidden)]
pub mod decimal;
mod enums;
mod error;
mod features;
#[doc(hidden)]
pub mod fraction;
mod health;
mod migrate;
pub mod observe;
mod page;
#[cfg(feature = "pool")]
pub mod pool;
pub mod store;
pub(crate) mod transaction;
#[cfg(feature = "uuid")]
#[doc(hidden)]
pub mod uuids;
mod verify;
mod versioned;
#[cfg(feature = "__backend")]
pub(crate) mod violation;

pub use enums::Enum;
#[cfg(feature = "__backend")]
pub(crate) use enums::parse as parse_enum;
pub use error::{Constraint, DatabaseError, Error, ErrorKind};
#[cfg(feature = "__backend")]
pub(crate) use error::{DriverError, kind_of};
pub use health::{Health, SchemaHealth, health};
#[cfg(feature = "__backend")]
pub(crate) use migrate::planning::plan;
pub use migrate::{Ddl, DdlStatement, Migration, migrate};
pub use page::Page;
pub use transaction::{
    Isolation, Retry, Retryable, transaction, transaction_retry, transaction_with,
};
pub use verify::verify;
#[doc(hidden)]
pub use versioned::Ledger;
pub use versioned::{
    AppliedMigration, EmbeddedMigration, MigrateOptions, MigrationScript, MigrationStatus,
    Migrations, migrate_versioned, migration_status,
};

/// A database backend as the runtime sees it: how to reach a connection's driver handle
/// and how to run transactions on it. Each generated store has a trait of its own
/// (`<Store>Ops: Backend`) implemented for each backend its blueprint lists, and one
/// `impl<B: <Store>Ops> <Store>Store<'_, B>` with the store's methods.
pub trait Backend: Sized + 'static {
    /// Which backend this is.
    const KIND: crate::backend::BackendKind;

    /// The driver handle generated code works on, borrowed from a connection.
    type Raw<'c>;
    /// The driver's own error, as a store's backend operations return it.
    type DriverError;
    /// An open transaction (or savepoint, when one is already open).
    type Transaction<'c>: Connection<Backend = Self>;

    /// Opens a transaction (at `isolation`, if given); inside an open one, a savepoint
    /// (and then `isolation` is an error).
    fn begin<'c>(
        raw: Self::Raw<'c>,
        isolation: Option<Isolation>,
    ) -> Result<Self::Transaction<'c>, Error>;
    /// Commits the transaction, or releases the savepoint.
    fn commit(tx: Self::Transaction<'_>) -> Result<(), Error>;
    /// Rolls the transaction back, or back to the savepoint and releases it.
    fn rollback(tx: Self::Transaction<'_>) -> Result<(), Error>;
    /// Creates what the database lacks of the schema; see [`migrate`].
    fn migrate(
        raw: Self::Raw<'_>,
        ddl: &Ddl,
        schema: &crate::model::Schema,
    ) -> Result<Migration, Error>;
    /// Whether a transaction is open on the handle (so `begin` makes a savepoint).
    fn in_transaction(raw: &mut Self::Raw<'_>) -> bool;
    /// The handle again, for a shorter borrow (a transaction begins on it).
    fn reborrow<'a>(raw: &'a mut Self::Raw<'_>) -> Self::Raw<'a>;
    /// A driver error from `operation` on `store`; `fields` are the store's fields in
    /// column order, to name the field a constraint or conversion error is about.
    fn store_error(
        store: &'static str,
        operation: &'static str,
        fields: &'static [&'static str],
        error: Self::DriverError,
    ) -> Error;
    /// One round trip: `SELECT 1`.
    fn ping(raw: Self::Raw<'_>) -> Result<(), Error>;
    /// Reads what the database holds for the schema's tables.
    fn introspect(
        raw: Self::Raw<'_>,
        schema: &crate::model::Schema,
    ) -> Result<crate::model::Catalog, Error>;

    /// The ledger of versioned migrations: its SQL, and how a migration runs.
    #[doc(hidden)]
    const LEDGER: Ledger;
    /// Runs one statement (or a batch, where the driver takes one) of a migration.
    #[doc(hidden)]
    fn execute(raw: Self::Raw<'_>, sql: &str) -> Result<(), Error>;
    /// Runs a query of migration bookkeeping; each value as its text.
    #[doc(hidden)]
    fn query_text(raw: Self::Raw<'_>, sql: &str) -> Result<Vec<Vec<Option<String>>>, Error>;
    /// Waits until no other session migrates (SQLite: nothing; each migration's
    /// `BEGIN IMMEDIATE` serializes).
    #[doc(hidden)]
    fn lock_migrations(raw: Self::Raw<'_>) -> Result<(), Error>;
    /// Lets other sessions migrate.
    #[doc(hidden)]
    fn unlock_migrations(raw: Self::Raw<'_>) -> Result<(), Error>;
}

/// A generated record read from a driver's row — of your own SQL, run on the driver (see
/// [`Connection::raw`]): `db::Customer::from_row(&row)?`. The row's columns must be the
/// store's, in its fields' order. Implemented by generated code for each backend's row
/// type: `&rusqlite::Row`, `&postgres::Row`, `mysql::Row`.
pub trait FromRow<R>: Sized {
    /// The driver's error: a column that doesn't hold its field's type.
    type Error;
    /// The record in `row`.
    fn from_row(row: R) -> Result<Self, Self::Error>;
}

/// Anything generated stores can run on: a driver connection, a transaction, a pooled
/// connection. Implement it for a wrapper of your own by returning the driver handle.
pub trait Connection {
    /// The backend the connection talks to.
    type Backend: Backend;
    /// The driver handle, borrowed for one operation.
    fn raw(&mut self) -> <Self::Backend as Backend>::Raw<'_>;
}

impl<C: Connection + ?Sized> Connection for &mut C {
    type Backend = C::Backend;
    fn raw(&mut self) -> <Self::Backend as Backend>::Raw<'_> {
        (**self).raw()
    }
}

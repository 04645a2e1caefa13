//! Connection pools (feature `pool`): r2d2, with a manager of storegen's own for each
//! backend. A pooled connection is a [`Connection`], so every generated call site works
//! on one unchanged:
//!
//! ```no_run
//! # #[cfg(feature = "sqlite")] fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use storegen::pool::SqliteManager;
//! let pool = storegen::r2d2::Pool::builder()
//!     .max_size(4)
//!     .connection_timeout(std::time::Duration::from_secs(5))
//!     .build(SqliteManager::file("app.db"))?;
//! let mut conn = pool.get()?;
//! // db::customers(&mut conn).get(1)?;
//! # Ok(()) }
//! # #[cfg(not(feature = "sqlite"))] fn main() {}
//! ```
//!
//! Sizes and timeouts are r2d2's builder's (`max_size`, `min_idle`,
//! `connection_timeout`, `idle_timeout`, `max_lifetime`); every checkout is health
//! checked (r2d2's `test_on_check_out`, on by default), and a connection that fails the
//! check is replaced. Why managers of our own: `r2d2_sqlite` doesn't support this
//! rusqlite; `r2d2_postgres` hands out bare clients, where storegen's hands out
//! [`CachedClient`](crate::backend::postgres::CachedClient)s that keep their prepared
//! statements; and one r2d2 pool for every backend gives one way to size and time them
//! (the mysql crate's own pool would work too, with its own knobs).

use crate::runtime::{Backend, Connection};

impl<M> Connection for r2d2::PooledConnection<M>
where
    M: r2d2::ManageConnection,
    M::Connection: Connection,
{
    type Backend = <M::Connection as Connection>::Backend;
    fn raw(&mut self) -> <Self::Backend as Backend>::Raw<'_> {
        (**self).raw()
    }
}

/// Each enabled backend's manager.
macro_rules! managers {
    ($($m:ident {
        feature: $f:literal, marker: $marker:ident, driver: $driver:ident,
        manager: $manager:ident, requires: $requires:ident = $exported:ident,
        doc: $doc:literal $(,)?
    })*) => {$(
        #[cfg(feature = $f)]
        pub use crate::backend::$m::pool::$manager;
    )*};
}
with_backends!(managers);

//! storegen: typed Rust store modules generated from a TOML *blueprint*, with the schema
//! checked against a real database at build time.
//!
//! A crate calls [`Builder`] from its `build.rs` (feature `codegen`), which reads the
//! blueprint, compares it with the database, and writes `OUT_DIR/<name>.rs`; the crate
//! `include!`s that file. The generated code calls the small runtime in this same crate:
//! [`Connection`], [`transaction`], [`Page`], [`migrate`] and [`Error`].
//!
//! ```ignore
//! // build.rs
//! fn main() {
//!     storegen::Builder::new()
//!         .blueprint("blueprint.toml")
//!         .generate()
//!         .unwrap_or_exit();
//! }
//!
//! // src/main.rs
//! mod db { include!(concat!(env!("OUT_DIR"), "/shop.rs")); }
//! ```
//!
//! Features: `codegen` (the build side), `queries` (custom SQL queries, on the build
//! side), `sqlite`, `postgres`, `mysql` (backends).
//! The README has the blueprint reference and the type-mapping table.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

/// The backends, one entry each: its folder under `backend/` (`sqlite`), its feature, its
/// marker type, its driver crate, its pool manager, its feature check and what
/// `BackendKind`'s docs say of it. The crate's lists of backends are made from this one:
/// `BackendKind`'s variants, names and `ALL`, `BackendKind::rules`, the column traits
/// every field type implements, the pool managers and the re-exports here. Adding a
/// backend is adding its folder, its `mod` line in `backend/mod.rs` (a macro can't
/// declare it: its `macro_export` feature check is re-exported by path), its entry here
/// and its feature in Cargo.toml.
macro_rules! with_backends {
    ($then:ident) => {
        $then! {
            sqlite {
                feature: "sqlite", marker: Sqlite, driver: rusqlite, manager: SqliteManager,
                requires: requires_sqlite = __storegen_requires_sqlite,
                doc: "SQLite, through rusqlite.",
            }
            postgres {
                feature: "postgres", marker: Postgres, driver: postgres, manager: PostgresManager,
                requires: requires_postgres = __storegen_requires_postgres,
                doc: "PostgreSQL, through the `postgres` crate.",
            }
            mysql {
                feature: "mysql", marker: Mysql, driver: mysql, manager: MysqlManager,
                requires: requires_mysql = __storegen_requires_mysql,
                doc: "MySQL or MariaDB, through the `mysql` crate.",
            }
        }
    };
}

/// This storegen's version, as `storegen_migrations` records it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub mod backend;
pub mod drift;
pub mod model;
mod runtime;
pub mod sql;
#[doc(hidden)]
pub mod static_schema;

#[cfg(feature = "codegen")]
pub mod build;

pub use backend::BackendKind;
pub use runtime::store;
pub use runtime::{
    AppliedMigration, Backend, Connection, Constraint, DatabaseError, Ddl, DdlStatement,
    EmbeddedMigration, Enum, Error, ErrorKind, FromRow, Health, Isolation, MigrateOptions,
    Migration, MigrationScript, MigrationStatus, Migrations, Page, Retry, Retryable, SchemaHealth,
    health, migrate, migrate_versioned, migration_status, observe, transaction, transaction_retry,
    transaction_with, verify,
};

/// Every entry point generated code calls that isn't public API: the backends' glue,
/// the shared store operations, the static schema and the feature checks. Not for use
/// by hand, and not stable.
#[doc(hidden)]
pub mod __private {
    /// Each enabled backend's glue, and each backend's check that its feature is on.
    macro_rules! backend_glue {
        ($($m:ident {
            feature: $f:literal, marker: $marker:ident, driver: $driver:ident,
            manager: $manager:ident, requires: $requires:ident = $exported:ident,
            doc: $doc:literal $(,)?
        })*) => {$(
            #[cfg(feature = $f)]
            pub use crate::backend::$m;
            pub use crate::$exported as $requires;
        )*};
    }
    with_backends!(backend_glue);
    pub use crate::runtime::columns::{Read, Write};
    pub use crate::runtime::fraction;
    pub use crate::runtime::store;
    pub use crate::runtime::store::Statements;
    pub use crate::static_schema;
    pub use crate::{
        __storegen_requires_chrono as requires_chrono,
        __storegen_requires_decimal as requires_decimal, __storegen_requires_json as requires_json,
        __storegen_requires_time as requires_time, __storegen_requires_uuid as requires_uuid,
    };
}

#[cfg(feature = "codegen")]
pub use build::{BuildError, Builder, Generated, Generation, Validate};

/// The SQLite backend's runtime: its marker type and transaction.
#[cfg(feature = "sqlite")]
pub use backend::sqlite;

/// Each enabled backend's marker type (`Sqlite`, `Postgres`, `Mysql`) and driver crate,
/// re-exported so generated code and its users need no direct dependency on it.
macro_rules! backend_exports {
    ($($m:ident {
        feature: $f:literal, marker: $marker:ident, driver: $driver:ident,
        manager: $manager:ident, requires: $requires:ident = $exported:ident,
        doc: $doc:literal $(,)?
    })*) => {$(
        #[cfg(feature = $f)]
        pub use backend::$m::$marker;
        #[cfg(feature = $f)]
        #[doc = concat!("The `", stringify!($driver), "` driver, re-exported so generated code and its users need no direct dependency on it.")]
        pub use $driver;
    )*};
}
with_backends!(backend_exports);

/// Connection pools: r2d2 and storegen's managers.
#[cfg(feature = "pool")]
pub use runtime::pool;

/// r2d2, re-exported for its pool builder.
#[cfg(feature = "pool")]
pub use r2d2;

/// rust_decimal, re-exported: generated code names `Decimal` through it.
#[cfg(feature = "decimal")]
pub use rust_decimal;

/// time, re-exported: generated code names its date and time types through it when the
/// blueprint says `[rust] datetime = "time"`.
#[cfg(feature = "time")]
pub use time;

/// chrono, re-exported: generated code names its date and time types through it.
#[cfg(feature = "chrono")]
pub use chrono;
/// serde_json, re-exported: generated code names `Value` through it.
#[cfg(feature = "json")]
pub use serde_json;
/// uuid, re-exported: generated code names `Uuid` through it.
#[cfg(feature = "uuid")]
pub use uuid;

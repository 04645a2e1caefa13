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
    #[cfg(feature = "mysql")]
    pub use crate::backend::mysql;
    #[cfg(feature = "postgres")]
    pub use crate::backend::postgres;
    #[cfg(feature = "sqlite")]
    pub use crate::backend::sqlite;
    pub use crate::runtime::columns::{Read, Write};
    pub use crate::runtime::fraction;
    pub use crate::runtime::store;
    pub use crate::runtime::store::Statements;
    pub use crate::static_schema;
    pub use crate::{
        __storegen_requires_chrono as requires_chrono,
        __storegen_requires_decimal as requires_decimal, __storegen_requires_json as requires_json,
        __storegen_requires_mysql as requires_mysql,
        __storegen_requires_postgres as requires_postgres,
        __storegen_requires_sqlite as requires_sqlite, __storegen_requires_time as requires_time,
        __storegen_requires_uuid as requires_uuid,
    };
}

#[cfg(feature = "codegen")]
pub use build::{BuildError, Builder, Generated, Generation, Validate};

/// The SQLite backend's runtime: its marker type and transaction.
#[cfg(feature = "sqlite")]
pub use backend::sqlite;
#[cfg(feature = "sqlite")]
pub use backend::sqlite::Sqlite;

#[cfg(feature = "postgres")]
pub use backend::postgres::Postgres;

/// The PostgreSQL driver (sync client), re-exported so generated code and its users
/// need no direct dependency on it.
#[cfg(feature = "postgres")]
pub use postgres;

#[cfg(feature = "mysql")]
pub use backend::mysql::Mysql;

/// The MySQL/MariaDB driver, re-exported so generated code and its users need no direct
/// dependency on it.
#[cfg(feature = "mysql")]
pub use mysql;

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

/// The SQLite driver, re-exported so generated code and its users need no direct
/// dependency on it.
#[cfg(feature = "sqlite")]
pub use rusqlite;

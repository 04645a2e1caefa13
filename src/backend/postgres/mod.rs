//! PostgreSQL: type rules, introspection through `pg_catalog`, DDL, the runtime glue the
//! generated code calls, and the backend half of code generation.

pub mod types;

#[cfg(feature = "codegen")]
pub(crate) mod codegen;
#[cfg(feature = "codegen")]
pub mod ddl;
#[cfg(feature = "postgres")]
pub mod introspect;
#[cfg(feature = "postgres")]
mod runtime;

#[cfg(feature = "postgres")]
pub use runtime::*;

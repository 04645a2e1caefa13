//! SQLite: type affinity rules, introspection through rusqlite, DDL, the runtime glue the
//! generated code calls, and the backend half of code generation.

pub mod types;

#[cfg(feature = "codegen")]
pub(crate) mod codegen;
#[cfg(feature = "codegen")]
pub mod ddl;
#[cfg(feature = "sqlite")]
pub mod introspect;
#[cfg(feature = "sqlite")]
mod runtime;

#[cfg(feature = "sqlite")]
pub use runtime::*;

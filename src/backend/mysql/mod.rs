//! MySQL 8 and MariaDB: type rules (with their differences normalised), introspection
//! through `information_schema`, DDL, the runtime glue the generated code calls, and the
//! backend half of code generation.

pub mod types;

#[cfg(feature = "codegen")]
pub(crate) mod codegen;
#[cfg(feature = "codegen")]
pub mod ddl;
#[cfg(feature = "mysql")]
pub mod introspect;
#[cfg(feature = "mysql")]
mod runtime;

#[cfg(feature = "mysql")]
pub use runtime::*;

//! SQL text, built in one place: each backend's [`Dialect`] (what differs) and the
//! statement builder every backend's generated code and runtime share.

mod dialect;
#[cfg(feature = "codegen")]
pub(crate) mod statements;

pub use dialect::{Dialect, EmptyInsert, Placeholder, Returning, Upsert};

use super::{Backend, Connection, Error};

/// A schema's DDL, one script per backend it was generated for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ddl {
    /// `[blueprint] name`.
    pub schema: &'static str,
    pub sqlite: Option<&'static str>,
    pub postgres: Option<&'static str>,
    pub mysql: Option<&'static str>,
}

/// Creates the tables and indexes of `ddl` that are missing, in one transaction where the
/// backend allows it. Generated modules wrap this as `migrate(&mut conn)`.
pub fn migrate<C: Connection + ?Sized>(conn: &mut C, ddl: &Ddl) -> Result<(), Error> {
    C::Backend::migrate(conn.raw(), ddl)
}

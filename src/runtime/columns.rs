//! How a generated record is read and written on every backend with one function each:
//! the record's [`Table`](super::store::Table) impl reads its columns through a [`Read`]
//! and writes its values through a [`Write`], and each backend implements both over its
//! driver. A value's conversion is the backend's, chosen by its Rust type and its
//! field's static description (a decimal's scale, a time's precision, a uuid kept as
//! text); every field type implements each enabled backend's conversion.

/// A row being read, column after column, in field order.
pub trait Read {
    /// The driver's error.
    type Error;
    /// The next column's value.
    fn get<V: Column>(&mut self) -> Result<V, Self::Error>;
}

/// A statement's parameters being written, one field's value after another, in the
/// order of the fields the statement is written for.
pub trait Write {
    /// The driver's error.
    type Error;
    /// The next field's value.
    fn put<V: Value + ?Sized>(&mut self, value: &V) -> Result<(), Self::Error>;
    /// The next field's value if given; `None` leaves the column out of the statement
    /// (an insert's default, a patch's field left as it is).
    fn put_some<V: Value + ?Sized>(&mut self, value: Option<&V>) -> Result<(), Self::Error>;
}

/// A field's value as every enabled backend writes it.
pub trait Value: SqliteValue + PostgresValue + MysqlValue {}

impl<T: SqliteValue + PostgresValue + MysqlValue + ?Sized> Value for T {}

/// A column's value as every enabled backend reads it.
pub trait Column: SqliteColumn + PostgresColumn + MysqlColumn {}

impl<T: SqliteColumn + PostgresColumn + MysqlColumn> Column for T {}

#[cfg(feature = "sqlite")]
pub use crate::backend::sqlite::store::{Column as SqliteColumn, Value as SqliteValue};

/// Without the `sqlite` feature: every type.
#[cfg(not(feature = "sqlite"))]
pub trait SqliteValue {}
#[cfg(not(feature = "sqlite"))]
impl<T: ?Sized> SqliteValue for T {}
/// Without the `sqlite` feature: every type.
#[cfg(not(feature = "sqlite"))]
pub trait SqliteColumn {}
#[cfg(not(feature = "sqlite"))]
impl<T> SqliteColumn for T {}

/// The PostgreSQL side of [`Value`] (every type until its stores are generic).
pub trait PostgresValue {}
impl<T: ?Sized> PostgresValue for T {}
/// The PostgreSQL side of [`Column`] (every type until its stores are generic).
pub trait PostgresColumn {}
impl<T> PostgresColumn for T {}
/// The MySQL side of [`Value`] (every type until its stores are generic).
pub trait MysqlValue {}
impl<T: ?Sized> MysqlValue for T {}
/// The MySQL side of [`Column`] (every type until its stores are generic).
pub trait MysqlColumn {}
impl<T> MysqlColumn for T {}

/// A value written as the driver's own conversion writes it: a field of a `rust` type
/// of the application's, which implements each backend driver's conversions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Driver<T>(pub T);

/// A JSON field of a `rust` type of the application's, written and read through serde.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Json<T>(pub T);

/// Which fields a write gives: the first pass of an insert with defaults or a patch,
/// whose statement names only the columns given.
#[derive(Debug, Default)]
#[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
pub struct Given {
    /// For each `put`/`put_some`, in order, whether it gave a value.
    pub given: Vec<bool>,
}

impl Write for Given {
    type Error = std::convert::Infallible;

    #[inline]
    fn put<V: Value + ?Sized>(&mut self, _: &V) -> Result<(), Self::Error> {
        self.given.push(true);
        Ok(())
    }

    #[inline]
    fn put_some<V: Value + ?Sized>(&mut self, value: Option<&V>) -> Result<(), Self::Error> {
        self.given.push(value.is_some());
        Ok(())
    }
}

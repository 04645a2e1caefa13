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
    /// The next column's value, of a `rust` type of the application's: through the
    /// driver's own conversions, which the type implements.
    fn get_driver<V: DriverColumn>(&mut self) -> Result<V, Self::Error>;
    /// The next column's JSON, into a `rust` type of the application's through serde.
    #[cfg(feature = "json")]
    fn get_json<V: JsonColumn>(&mut self) -> Result<V, Self::Error>;
    /// [`get_json`](Read::get_json) of a nullable column: NULL is `None`.
    #[cfg(feature = "json")]
    fn get_json_opt<V: JsonColumn>(&mut self) -> Result<Option<V>, Self::Error>;
}

/// A statement's parameters being written, one field's value after another, in the
/// order of the fields the statement is written for. The values are borrowed for `'a`,
/// until the statement has run.
pub trait Write<'a> {
    /// The driver's error.
    type Error;
    /// The next field's value.
    fn put<V: Value + ?Sized>(&mut self, value: &'a V) -> Result<(), Self::Error>;
    /// Leaves the next field out of the statement (an insert's default, a patch's
    /// field left as it is).
    fn skip(&mut self);
    /// The next field's value if given, else [`skip`](Write::skip).
    #[inline]
    fn put_some<V: Value + ?Sized>(&mut self, value: Option<&'a V>) -> Result<(), Self::Error> {
        match value {
            Some(value) => self.put(value),
            None => {
                self.skip();
                Ok(())
            }
        }
    }
    /// The next field's value, of a `rust` type of the application's, through the
    /// driver's own conversions.
    fn put_driver<V: DriverValue>(&mut self, value: &'a V) -> Result<(), Self::Error>;
    /// The next field's value as JSON, from a `rust` type of the application's.
    #[cfg(feature = "json")]
    fn put_json<V: JsonValue>(&mut self, value: &'a V) -> Result<(), Self::Error>;
    /// [`put_json`](Write::put_json) of a nullable field: `None` is NULL.
    #[cfg(feature = "json")]
    fn put_json_opt<V: JsonValue>(&mut self, value: &'a Option<V>) -> Result<(), Self::Error>;
}

/// Each backend's side of the traits below (its own with its feature, else one every
/// type has), and the traits, which ask for every backend's side.
macro_rules! column_traits {
    ($($m:ident {
        feature: $f:literal, marker: $marker:ident, driver: $driver:ident,
        manager: $manager:ident, requires: $requires:ident = $exported:ident,
        doc: $doc:literal $(,)?
    })*) => {
        $(
            /// The backend's side of the column traits: its own with its feature, else
            /// ones every type has.
            pub mod $m {
                #[cfg(feature = $f)]
                pub use crate::backend::$m::store::{Column, DriverColumn, DriverValue, Value};
                #[cfg(not(feature = $f))]
                pub use super::any::{Column, DriverColumn, DriverValue, Value};
            }
        )*

        /// A field's value as every enabled backend writes it.
        pub trait Value: $($m::Value +)* {}

        impl<T: ?Sized $(+ $m::Value)*> Value for T {}

        /// A column's value as every enabled backend reads it.
        pub trait Column: $($m::Column +)* {}

        impl<T> Column for T where $(T: $m::Column,)* {}

        /// A `rust` type of the application's: it implements every enabled backend
        /// driver's conversion to a parameter.
        pub trait DriverValue: $($m::DriverValue +)* {}

        impl<T: ?Sized $(+ $m::DriverValue)*> DriverValue for T {}

        /// A `rust` type of the application's: it implements every enabled backend
        /// driver's conversion from a column.
        pub trait DriverColumn: $($m::DriverColumn +)* {}

        impl<T> DriverColumn for T where $(T: $m::DriverColumn,)* {}
    };
}
with_backends!(column_traits);

/// A backend's side of the column traits without its feature: every type has them.
#[allow(dead_code)]
pub mod any {
    /// Every type.
    pub trait Value {}
    impl<T: ?Sized> Value for T {}
    /// Every type.
    pub trait Column {}
    impl<T: ?Sized> Column for T {}
    /// Every type.
    pub trait DriverValue {}
    impl<T: ?Sized> DriverValue for T {}
    /// Every type.
    pub trait DriverColumn {}
    impl<T: ?Sized> DriverColumn for T {}
}

/// A typed JSON field's type: serde writes it (and the PostgreSQL driver's `Json`
/// wants `Debug`).
#[cfg(feature = "json")]
pub trait JsonValue: serde::Serialize + std::fmt::Debug + Sync {}
#[cfg(feature = "json")]
impl<T: serde::Serialize + std::fmt::Debug + Sync> JsonValue for T {}

/// A typed JSON field's type: serde reads it.
#[cfg(feature = "json")]
pub trait JsonColumn: serde::de::DeserializeOwned {}
#[cfg(feature = "json")]
impl<T: serde::de::DeserializeOwned> JsonColumn for T {}

/// Which fields a write gives: the first pass of an insert with defaults or a patch,
/// whose statement names only the columns given.
#[derive(Debug, Default)]
#[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
pub struct Given {
    /// For each `put`/`put_some`, in order, whether it gave a value.
    pub given: Vec<bool>,
}

impl<'a> Write<'a> for Given {
    type Error = std::convert::Infallible;

    #[inline]
    fn put<V: Value + ?Sized>(&mut self, _: &'a V) -> Result<(), Self::Error> {
        self.given.push(true);
        Ok(())
    }

    #[inline]
    fn skip(&mut self) {
        self.given.push(false);
    }

    #[inline]
    fn put_driver<V: DriverValue>(&mut self, _: &'a V) -> Result<(), Self::Error> {
        self.given.push(true);
        Ok(())
    }

    #[cfg(feature = "json")]
    #[inline]
    fn put_json<V: JsonValue>(&mut self, _: &'a V) -> Result<(), Self::Error> {
        self.given.push(true);
        Ok(())
    }

    #[cfg(feature = "json")]
    #[inline]
    fn put_json_opt<V: JsonValue>(&mut self, _: &'a Option<V>) -> Result<(), Self::Error> {
        self.given.push(true);
        Ok(())
    }
}

/// Where a write is among a statement's fields: the store's fields, the indexes of
/// those the statement is written for (in the order `Table` writes them), and, for a
/// statement whose parameters are in another order (`update`), each field's position.
#[derive(Debug, Clone, Copy)]
#[cfg_attr(not(feature = "__backend"), allow(dead_code))]
pub(crate) struct Cursor {
    fields: &'static [crate::static_schema::StaticField],
    order: &'static [usize],
    /// Each field's parameter position (from 1), by field index.
    positions: Option<&'static [usize]>,
    written: usize,
}

#[cfg_attr(not(feature = "__backend"), allow(dead_code))]
impl Cursor {
    /// At the first of `order`'s fields (indexes into `fields`).
    #[inline]
    pub(crate) fn new(
        fields: &'static [crate::static_schema::StaticField],
        order: &'static [usize],
    ) -> Cursor {
        Cursor {
            fields,
            order,
            positions: None,
            written: 0,
        }
    }

    /// Each field's value goes to its parameter position (from 1, by field index).
    #[inline]
    pub(crate) fn positions(mut self, positions: &'static [usize]) -> Cursor {
        self.positions = Some(positions);
        self
    }

    /// Back at the first field: the next row of a multi-row insert.
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    #[inline]
    pub(crate) fn restart(&mut self) {
        self.written = 0;
    }

    /// How many fields a row writes.
    #[cfg_attr(not(feature = "__server"), allow(dead_code))]
    #[inline]
    pub(crate) fn width(&self) -> usize {
        self.order.len()
    }

    /// Each field a row writes, in order: its index, and its parameter's place (from 0).
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    #[inline]
    pub(crate) fn places(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.order.iter().enumerate().map(|(n, &field)| {
            (
                field,
                self.positions.map_or(n, |positions| positions[field] - 1),
            )
        })
    }

    /// The next field's description, without moving on.
    #[cfg_attr(not(feature = "__server"), allow(dead_code))]
    #[inline]
    pub(crate) fn field(&self) -> &'static crate::static_schema::StaticField {
        &self.fields[self.order[self.written]]
    }

    /// Moves past the next field: its description, and its parameter's position (from
    /// 1) when the statement gives positions.
    #[inline]
    pub(crate) fn next(&mut self) -> (&'static crate::static_schema::StaticField, Option<usize>) {
        let field = self.order[self.written];
        self.written += 1;
        (
            &self.fields[field],
            self.positions.map(|positions| positions[field]),
        )
    }
}

//! SQLite's half of the generic store: every field type's conversion, the reader and
//! writer a record's `Table` impl goes through, and the store operations for every
//! record, over the statements built once from its static schema.

use std::borrow::Cow;

use rusqlite::{Connection, Row, Statement};

use super::Sqlite;
use super::ops as sq;
use crate::backend::BackendKind;
use crate::runtime::Page;
use crate::runtime::columns::{self, Cursor, Given};
use crate::runtime::store::{
    Ops, PatchOps, Prepared, Table, Updatable, UpdateOps, UpsertOps, Upsertable,
};
use crate::static_schema::StaticField;

/// A `rust` type of the application's, written through rusqlite's own conversion.
pub use rusqlite::ToSql as DriverValue;
/// A `rust` type of the application's, read through rusqlite's own conversion.
pub use rusqlite::types::FromSql as DriverColumn;

/// A field's value as SQLite stores it.
pub trait Value {
    /// Binds the value to parameter `index` of `stmt`; `field` describes it.
    fn bind(
        &self,
        stmt: &mut Statement<'_>,
        index: usize,
        field: &'static StaticField,
    ) -> rusqlite::Result<()>;
}

/// A column's value as SQLite holds it, read into a field's type.
pub trait Column: Sized {
    /// The value of column `index` of `row`; `field` describes it.
    fn read(row: &Row<'_>, index: usize, field: &'static StaticField) -> rusqlite::Result<Self>;
}

/// Column `index` converted by `from`, its errors as the driver's `row.get` gives them.
#[inline]
fn convert<T>(
    row: &Row<'_>,
    index: usize,
    from: impl FnOnce(rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<T>,
) -> rusqlite::Result<T> {
    let value = row.get_ref(index)?;
    from(value).map_err(|e| match e {
        rusqlite::types::FromSqlError::InvalidType => rusqlite::Error::InvalidColumnType(
            index,
            row.as_ref()
                .column_name(index)
                .map(str::to_owned)
                .unwrap_or_default(),
            value.data_type(),
        ),
        rusqlite::types::FromSqlError::OutOfRange(n) => {
            rusqlite::Error::IntegralValueOutOfRange(index, n)
        }
        rusqlite::types::FromSqlError::Other(inner) => {
            rusqlite::Error::FromSqlConversionFailure(index, value.data_type(), inner)
        }
        other => {
            rusqlite::Error::FromSqlConversionFailure(index, value.data_type(), Box::new(other))
        }
    })
}

/// Types SQLite's driver converts as they are.
macro_rules! as_driver_does {
    ($($ty:ty),* $(,)?) => {$(
        impl Value for $ty {
            #[inline]
            fn bind(&self, stmt: &mut Statement<'_>, index: usize, _: &'static StaticField) -> rusqlite::Result<()> {
                stmt.raw_bind_parameter(index, self)
            }
        }
    )*};
}

macro_rules! read_as_driver_does {
    ($($ty:ty),* $(,)?) => {$(
        impl Column for $ty {
            #[inline]
            fn read(row: &Row<'_>, index: usize, _: &'static StaticField) -> rusqlite::Result<Self> {
                row.get(index)
            }
        }
    )*};
}

as_driver_does!(i16, i32, i64, u16, u32, bool, String, str, Vec<u8>, [u8]);
read_as_driver_does!(i16, i32, i64, u16, u32, bool, String, Vec<u8>, f32, f64);

/// SQLite's integers are signed: a `u64` above `i64::MAX` is refused, naming the field.
impl Value for u64 {
    #[inline]
    fn bind(
        &self,
        stmt: &mut Statement<'_>,
        index: usize,
        field: &'static StaticField,
    ) -> rusqlite::Result<()> {
        let value = i64::try_from(*self).map_err(|_| {
            rusqlite::Error::ToSqlConversionFailure(
                format!(
                    "field `{}`: {self} is above SQLite's largest integer",
                    field.name
                )
                .into(),
            )
        })?;
        stmt.raw_bind_parameter(index, value)
    }
}

impl Column for u64 {
    #[inline]
    fn read(row: &Row<'_>, index: usize, _: &'static StaticField) -> rusqlite::Result<Self> {
        let value: i64 = row.get(index)?;
        u64::try_from(value).map_err(|_| rusqlite::Error::IntegralValueOutOfRange(index, value))
    }
}

/// Floats: SQLite would store NaN as NULL, silently; refused, naming the field.
macro_rules! floats {
    ($($ty:ty),*) => {$(
        impl Value for $ty {
            #[inline]
            fn bind(&self, stmt: &mut Statement<'_>, index: usize, field: &'static StaticField) -> rusqlite::Result<()> {
                stmt.raw_bind_parameter(index, super::finite(*self, field.name)?)
            }
        }
    )*};
}

floats!(f32, f64);

/// Times with a `precision` are rounded to it first, as the servers round.
#[cfg(any(feature = "chrono", feature = "time"))]
fn precision(field: &StaticField) -> Option<u8> {
    match field.ty {
        crate::static_schema::StaticType::Time(_, digits) => Some(digits),
        _ => None,
    }
}

#[cfg(any(feature = "chrono", feature = "time"))]
macro_rules! times {
    ($($ty:ty),*) => {$(
        impl Value for $ty {
            #[inline]
            fn bind(&self, stmt: &mut Statement<'_>, index: usize, field: &'static StaticField) -> rusqlite::Result<()> {
                use crate::runtime::fraction::RoundFraction as _;
                match precision(field) {
                    Some(digits) => stmt.raw_bind_parameter(index, self.round_fraction(digits)),
                    None => stmt.raw_bind_parameter(index, self),
                }
            }
        }
    )*};
}

#[cfg(feature = "chrono")]
mod chrono_types {
    use super::*;
    use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};

    as_driver_does!(NaiveDate);
    times!(NaiveTime, NaiveDateTime, DateTime<Utc>);
    read_as_driver_does!(NaiveDate, NaiveTime, DateTime<Utc>);

    /// ISO-8601 text, or unix seconds another program wrote to a NUMERIC column.
    impl Column for NaiveDateTime {
        #[inline]
        fn read(row: &Row<'_>, index: usize, _: &'static StaticField) -> rusqlite::Result<Self> {
            row.get::<_, super::super::UnixOr<_>>(index).map(|t| t.0)
        }
    }
}

#[cfg(feature = "time")]
mod time_types {
    use super::*;
    use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};

    as_driver_does!(Date);
    times!(Time, PrimitiveDateTime);
    read_as_driver_does!(Date, Time, OffsetDateTime);

    /// An instant is written in UTC, as chrono's `DateTime<Utc>` is: text of one offset
    /// sorts and compares as the instants do.
    impl Value for OffsetDateTime {
        #[inline]
        fn bind(
            &self,
            stmt: &mut Statement<'_>,
            index: usize,
            field: &'static StaticField,
        ) -> rusqlite::Result<()> {
            use crate::runtime::fraction::RoundFraction as _;
            let utc = self.to_offset(time::UtcOffset::UTC);
            match precision(field) {
                Some(digits) => stmt.raw_bind_parameter(index, utc.round_fraction(digits)),
                None => stmt.raw_bind_parameter(index, utc),
            }
        }
    }

    impl Column for PrimitiveDateTime {
        #[inline]
        fn read(row: &Row<'_>, index: usize, _: &'static StaticField) -> rusqlite::Result<Self> {
            row.get::<_, super::super::UnixOr<_>>(index).map(|t| t.0)
        }
    }
}

/// Whether a uuid field is kept as text.
#[cfg(feature = "uuid")]
fn uuid_text(field: &StaticField) -> bool {
    matches!(
        field.ty,
        crate::static_schema::StaticType::Of(crate::model::LogicalType::UuidText)
    )
}

#[cfg(feature = "uuid")]
impl Value for uuid::Uuid {
    #[inline]
    fn bind(
        &self,
        stmt: &mut Statement<'_>,
        index: usize,
        field: &'static StaticField,
    ) -> rusqlite::Result<()> {
        if uuid_text(field) {
            stmt.raw_bind_parameter(index, super::uuid_text(self))
        } else {
            stmt.raw_bind_parameter(index, self)
        }
    }
}

#[cfg(feature = "uuid")]
impl Column for uuid::Uuid {
    #[inline]
    fn read(row: &Row<'_>, index: usize, field: &'static StaticField) -> rusqlite::Result<Self> {
        if uuid_text(field) {
            row.get::<_, super::UuidText>(index).map(|u| u.0)
        } else {
            row.get(index)
        }
    }
}

/// JSON goes as its text, so a JSON `null` or number is stored as JSON and reads back as
/// what it was.
#[cfg(feature = "json")]
impl Value for serde_json::Value {
    #[inline]
    fn bind(
        &self,
        stmt: &mut Statement<'_>,
        index: usize,
        _: &'static StaticField,
    ) -> rusqlite::Result<()> {
        stmt.raw_bind_parameter(index, super::json(self))
    }
}

#[cfg(feature = "json")]
read_as_driver_does!(serde_json::Value);

/// The field's scale: a decimal's column keeps that many digits after the point.
#[cfg(feature = "decimal")]
fn scale(field: &StaticField) -> u32 {
    match field.ty {
        crate::static_schema::StaticType::Of(crate::model::LogicalType::Decimal {
            scale, ..
        }) => scale,
        _ => 0,
    }
}

/// A decimal goes as its text at the column's scale (checked to fit before).
#[cfg(feature = "decimal")]
impl Value for rust_decimal::Decimal {
    #[inline]
    fn bind(
        &self,
        stmt: &mut Statement<'_>,
        index: usize,
        field: &'static StaticField,
    ) -> rusqlite::Result<()> {
        stmt.raw_bind_parameter(index, super::decimal(*self, scale(field)))
    }
}

#[cfg(feature = "decimal")]
impl Column for rust_decimal::Decimal {
    #[inline]
    fn read(row: &Row<'_>, index: usize, field: &'static StaticField) -> rusqlite::Result<Self> {
        convert(row, index, |value| {
            super::decimal_computed(value, scale(field))
        })
    }
}

impl<T: Value> Value for Option<T> {
    #[inline]
    fn bind(
        &self,
        stmt: &mut Statement<'_>,
        index: usize,
        field: &'static StaticField,
    ) -> rusqlite::Result<()> {
        match self {
            Some(value) => value.bind(stmt, index, field),
            None => stmt.raw_bind_parameter(index, rusqlite::types::Null),
        }
    }
}

impl<T: Column> Column for Option<T> {
    #[inline]
    fn read(row: &Row<'_>, index: usize, field: &'static StaticField) -> rusqlite::Result<Self> {
        match row.get_ref(index)? {
            rusqlite::types::ValueRef::Null => Ok(None),
            _ => T::read(row, index, field).map(Some),
        }
    }
}

/// A generated enum, as its text.
impl<E: crate::Enum> Value for E {
    #[inline]
    fn bind(
        &self,
        stmt: &mut Statement<'_>,
        index: usize,
        _: &'static StaticField,
    ) -> rusqlite::Result<()> {
        stmt.raw_bind_parameter(index, E::VALUES[self.index()])
    }
}

impl<E: crate::Enum> Column for E {
    #[inline]
    fn read(row: &Row<'_>, index: usize, _: &'static StaticField) -> rusqlite::Result<Self> {
        convert(row, index, super::enum_from_sql)
    }
}

/// A row read through a record's `Table::read`.
pub struct Reader<'r, 's> {
    row: &'r Row<'s>,
    fields: &'static [StaticField],
    index: usize,
}

impl columns::Read for Reader<'_, '_> {
    type Error = rusqlite::Error;

    #[inline]
    fn get<V: columns::Column>(&mut self) -> rusqlite::Result<V> {
        let index = self.next();
        <V as Column>::read(self.row, index, &self.fields[index])
    }

    #[inline]
    fn get_driver<V: columns::DriverColumn>(&mut self) -> rusqlite::Result<V> {
        let index = self.next();
        self.row.get(index)
    }

    #[cfg(feature = "json")]
    #[inline]
    fn get_json<V: columns::JsonColumn>(&mut self) -> rusqlite::Result<V> {
        let index = self.next();
        self.row.get::<_, super::JsonTyped<V>>(index).map(|j| j.0)
    }

    #[cfg(feature = "json")]
    #[inline]
    fn get_json_opt<V: columns::JsonColumn>(&mut self) -> rusqlite::Result<Option<V>> {
        let index = self.next();
        Ok(self
            .row
            .get::<_, Option<super::JsonTyped<V>>>(index)?
            .map(|j| j.0))
    }
}

impl Reader<'_, '_> {
    #[inline]
    fn next(&mut self) -> usize {
        self.index += 1;
        self.index - 1
    }
}

/// A record of store `T` read from a row holding its columns in field order (the
/// store's statements, or a custom query returning the store's rows).
#[inline]
pub fn read<T: Table>(row: &Row<'_>) -> rusqlite::Result<T> {
    T::read(&mut Reader {
        row,
        fields: T::schema().fields,
        index: 0,
    })
}

impl<'a, 'b, T: Table> crate::FromRow<&'a Row<'b>> for T {
    type Error = rusqlite::Error;

    #[inline]
    fn from_row(row: &'a Row<'b>) -> rusqlite::Result<T> {
        read(row)
    }
}

/// A statement's parameters, bound as a record's `Table` writes them.
struct Binder<'s, 'c> {
    stmt: &'s mut Statement<'c>,
    at: Cursor,
    /// How many parameters are bound: the next value's position, without positions.
    bound: usize,
}

impl<'s, 'c> Binder<'s, 'c> {
    #[inline]
    fn new(stmt: &'s mut Statement<'c>, at: Cursor) -> Self {
        Binder { stmt, at, bound: 0 }
    }

    /// Binds parameters after `bound` already bound ones.
    #[inline]
    fn after(mut self, bound: usize) -> Self {
        self.bound = bound;
        self
    }

    /// The next field written, and its parameter's position.
    #[inline]
    fn next(&mut self) -> (&'static StaticField, usize) {
        let (field, position) = self.at.next();
        self.bound += 1;
        (field, position.unwrap_or(self.bound))
    }
}

impl<'a> columns::Write<'a> for Binder<'_, '_> {
    type Error = rusqlite::Error;

    #[inline]
    fn put<V: columns::Value + ?Sized>(&mut self, value: &'a V) -> rusqlite::Result<()> {
        let (field, index) = self.next();
        <V as Value>::bind(value, self.stmt, index, field)
    }

    #[inline]
    fn skip(&mut self) {
        self.at.next();
    }

    #[inline]
    fn put_driver<V: columns::DriverValue>(&mut self, value: &'a V) -> rusqlite::Result<()> {
        let (_, index) = self.next();
        self.stmt.raw_bind_parameter(index, value)
    }

    #[cfg(feature = "json")]
    #[inline]
    fn put_json<V: columns::JsonValue>(&mut self, value: &'a V) -> rusqlite::Result<()> {
        let (_, index) = self.next();
        self.stmt
            .raw_bind_parameter(index, super::json_typed(value)?)
    }

    #[cfg(feature = "json")]
    #[inline]
    fn put_json_opt<V: columns::JsonValue>(
        &mut self,
        value: &'a Option<V>,
    ) -> rusqlite::Result<()> {
        let (_, index) = self.next();
        self.stmt
            .raw_bind_parameter(index, super::json_typed_opt(value)?)
    }
}

#[inline]
fn prepared<T: Table>() -> &'static Prepared {
    T::statements().get(BackendKind::Sqlite, T::schema())
}

/// Which fields a new row gives.
#[inline]
fn given<T: Table>(new: &T::New) -> Vec<bool> {
    let mut given = Given::default();
    let Ok(()) = T::write_new(new, &mut given);
    given.given
}

/// The INSERT for a new row: the columns it gives, the others taking their defaults.
#[inline]
fn insert_sql<T: Table>(p: &'static Prepared, new: &T::New, returning: bool) -> Cow<'static, str> {
    if !p.defaults {
        return if returning {
            Cow::Borrowed(&p.sql.insert_returning)
        } else {
            Cow::Borrowed(&p.sql.insert)
        };
    }
    let columns: Vec<&str> = p.sql.insert_columns.iter().map(String::as_str).collect();
    Cow::Owned(super::insert_sql(
        &p.sql.table,
        &columns,
        &given::<T>(new),
        returning.then_some(p.sql.columns.as_str()),
    ))
}

#[inline]
fn bind_key<T: Table>(
    stmt: &mut Statement<'_>,
    key: T::Key<'_>,
    p: &'static Prepared,
) -> rusqlite::Result<()> {
    T::write_key(
        &key,
        &mut Binder::new(stmt, Cursor::new(T::schema().fields, &p.key)),
    )
}

impl<T: Table> Ops<T> for Sqlite {
    #[inline]
    fn insert(conn: &mut &Connection, new: &T::New) -> rusqlite::Result<Option<T>> {
        let p = prepared::<T>();
        let fields = T::schema().fields;
        sq::one(
            conn,
            &insert_sql::<T>(p, new, true),
            &|stmt| {
                T::write_new(
                    new,
                    &mut Binder::new(stmt, Cursor::new(fields, &p.insertable)),
                )
            },
            read::<T>,
        )
    }

    #[inline]
    fn insert_many(conn: &mut &Connection, rows: &[T::New]) -> rusqlite::Result<u64> {
        let p = prepared::<T>();
        let fields = T::schema().fields;
        sq::insert_each(
            conn,
            rows.len(),
            &|i| insert_sql::<T>(p, &rows[i], false),
            &|stmt, i| {
                T::write_new(
                    &rows[i],
                    &mut Binder::new(stmt, Cursor::new(fields, &p.insertable)),
                )
            },
        )
    }

    #[inline]
    fn get(conn: &mut &Connection, key: T::Key<'_>) -> rusqlite::Result<Option<T>> {
        let p = prepared::<T>();
        sq::one(
            conn,
            &p.sql.get,
            &move |stmt| bind_key::<T>(stmt, key, p),
            read::<T>,
        )
    }

    // SQLite's transactions hold the write lock: reading is enough.
    #[inline]
    fn get_for_update(conn: &mut &Connection, key: T::Key<'_>) -> rusqlite::Result<Option<T>> {
        <Self as Ops<T>>::get(conn, key)
    }

    #[inline]
    fn delete(conn: &mut &Connection, key: T::Key<'_>) -> rusqlite::Result<bool> {
        let p = prepared::<T>();
        Ok(sq::execute(conn, &p.sql.delete, &move |stmt| {
            bind_key::<T>(stmt, key, p)
        })? > 0)
    }

    #[inline]
    fn list(conn: &mut &Connection, page: Page<T::Key<'_>>) -> rusqlite::Result<Vec<T>> {
        let p = prepared::<T>();
        match page.into_parts() {
            (None, limit) => sq::page(
                conn,
                &p.sql.list_first,
                &move |stmt| stmt.raw_bind_parameter(1, limit),
                limit,
                read::<T>,
            ),
            (Some(key), limit) => sq::page(
                conn,
                &p.sql.list_after,
                &move |stmt| {
                    bind_key::<T>(stmt, key, p)?;
                    stmt.raw_bind_parameter(p.key.len() + 1, limit)
                },
                limit,
                read::<T>,
            ),
        }
    }

    #[inline]
    fn count(conn: &mut &Connection) -> rusqlite::Result<u64> {
        sq::count(conn, &prepared::<T>().sql.count, &|_| Ok(()))
    }
}

impl<T: Updatable> UpdateOps<T> for Sqlite {
    #[inline]
    fn update(conn: &mut &Connection, record: &T) -> rusqlite::Result<bool> {
        let p = prepared::<T>();
        let Some(update) = &p.sql.update else {
            return Ok(false);
        };
        let fields = T::schema().fields;
        let bind = |stmt: &mut Statement<'_>| {
            record.write(&mut Binder::new(
                stmt,
                Cursor::new(fields, &p.all).positions(&p.update_positions),
            ))
        };
        Ok(sq::execute(conn, update, &bind)? > 0)
    }
}

impl<T: Updatable> PatchOps<T> for Sqlite {
    #[inline]
    fn patch(conn: &mut &Connection, key: T::Key<'_>, patch: &T::Patch) -> rusqlite::Result<bool> {
        let p = prepared::<T>();
        let mut given = Given::default();
        let Ok(()) = T::write_patch(patch, &mut given);
        let set = given.given;
        let sql = crate::sql::patch_sql_built(&super::DIALECT, &p.sql, &set);
        let fields = T::schema().fields;
        let count = set.iter().filter(|s| **s).count();
        let bind = move |stmt: &mut Statement<'_>| -> rusqlite::Result<()> {
            T::write_patch(
                patch,
                &mut Binder::new(stmt, Cursor::new(fields, &p.values)),
            )?;
            T::write_key(
                &key,
                &mut Binder::new(stmt, Cursor::new(fields, &p.key)).after(count),
            )
        };
        if count > 0 {
            Ok(sq::execute(conn, &sql, &bind)? > 0)
        } else {
            Ok(sq::count(conn, &sql, &bind)? > 0)
        }
    }
}

impl<T: Upsertable> UpsertOps<T> for Sqlite {
    #[inline]
    fn upsert(conn: &mut &Connection, record: &T) -> rusqlite::Result<Option<T>> {
        let p = prepared::<T>();
        let Some(upsert) = &p.sql.upsert else {
            return Ok(None);
        };
        let fields = T::schema().fields;
        sq::one(
            conn,
            upsert,
            &|stmt| record.write(&mut Binder::new(stmt, Cursor::new(fields, &p.all))),
            read::<T>,
        )
    }
}

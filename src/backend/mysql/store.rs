//! MySQL's and MariaDB's half of the generic store: every field type's conversion, the
//! reader and writer a record's `Table` impl goes through, and the store operations for
//! every record, over the statements built once from its static schema.

use mysql::prelude::{FromValue, ToValue};
use mysql::{Row, Value as MyValue};

use super::{MyConn, Mysql};
use crate::backend::BackendKind;
use crate::runtime::Page;
use crate::runtime::columns::{self, Cursor, Given};
use crate::runtime::store::{
    Ops, PatchOps, Prepared, Table, Updatable, UpdateOps, UpsertOps, Upsertable,
};
use crate::static_schema::StaticField;

/// A field's value as MySQL takes it.
pub trait Value {
    /// The parameter for the value; `field` describes it.
    fn value(&self, field: &'static StaticField) -> MyValue;
}

/// A column's value, read into a field's type.
pub trait Column: Sized {
    /// Takes column `index` of `row`.
    fn read(row: &mut Row, index: usize, field: &'static StaticField)
    -> Result<Self, mysql::Error>;
}

/// A `rust` type of the application's: the driver converts it to a parameter.
pub trait DriverValue: ToValue {}
impl<T: ToValue + ?Sized> DriverValue for T {}

/// A `rust` type of the application's: the driver converts a column to it.
pub trait DriverColumn: FromValue {}
impl<T: FromValue> DriverColumn for T {}

macro_rules! as_driver_does {
    ($($ty:ty),* $(,)?) => {$(
        impl Value for $ty {
            #[inline]
            fn value(&self, _: &'static StaticField) -> MyValue {
                MyValue::from(self)
            }
        }

        impl Column for $ty {
            #[inline]
            fn read(row: &mut Row, index: usize, _: &'static StaticField) -> Result<Self, mysql::Error> {
                crate::backend::mysql::take(row, index)
            }
        }
    )*};
}

as_driver_does!(
    i16,
    i32,
    i64,
    u16,
    u32,
    u64,
    f32,
    f64,
    bool,
    String,
    Vec<u8>
);

impl Value for str {
    #[inline]
    fn value(&self, _: &'static StaticField) -> MyValue {
        MyValue::Bytes(self.as_bytes().to_vec())
    }
}

impl Value for [u8] {
    #[inline]
    fn value(&self, _: &'static StaticField) -> MyValue {
        MyValue::Bytes(self.to_vec())
    }
}

/// The value rounded to the field's `precision`, if it has one (MySQL would round it
/// too, and MariaDB wouldn't).
#[cfg(any(feature = "chrono", feature = "time"))]
#[inline]
fn rounded<T: crate::runtime::fraction::RoundFraction + Copy>(value: &T, field: &StaticField) -> T {
    match field.ty {
        crate::static_schema::StaticType::Time(_, digits) => value.round_fraction(digits),
        _ => *value,
    }
}

#[cfg(any(feature = "chrono", feature = "time"))]
macro_rules! times {
    ($($ty:ty),*) => {$(
        impl Value for $ty {
            #[inline]
            fn value(&self, field: &'static StaticField) -> MyValue {
                MyValue::from(rounded(self, field))
            }
        }

        impl Column for $ty {
            #[inline]
            fn read(row: &mut Row, index: usize, _: &'static StaticField) -> Result<Self, mysql::Error> {
                crate::backend::mysql::take(row, index)
            }
        }
    )*};
}

/// An instant goes as its UTC date and time: MySQL has no instant type storegen would
/// use (TIMESTAMP ends in 2038).
#[cfg(feature = "chrono")]
mod chrono_types {
    use super::*;
    use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};

    as_driver_does!(NaiveDate);
    times!(NaiveTime, NaiveDateTime);

    impl Value for DateTime<Utc> {
        #[inline]
        fn value(&self, field: &'static StaticField) -> MyValue {
            MyValue::from(rounded(self, field).naive_utc())
        }
    }

    impl Column for DateTime<Utc> {
        #[inline]
        fn read(
            row: &mut Row,
            index: usize,
            _: &'static StaticField,
        ) -> Result<Self, mysql::Error> {
            crate::backend::mysql::take::<NaiveDateTime>(row, index).map(|v| v.and_utc())
        }
    }
}

#[cfg(feature = "time")]
mod time_types {
    use super::*;
    use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};

    as_driver_does!(Date);
    times!(Time, PrimitiveDateTime);

    impl Value for OffsetDateTime {
        #[inline]
        fn value(&self, field: &'static StaticField) -> MyValue {
            super::super::utc_datetime(rounded(self, field))
        }
    }

    impl Column for OffsetDateTime {
        #[inline]
        fn read(
            row: &mut Row,
            index: usize,
            _: &'static StaticField,
        ) -> Result<Self, mysql::Error> {
            crate::backend::mysql::take::<PrimitiveDateTime>(row, index).map(|v| v.assume_utc())
        }
    }
}

/// Whether a uuid field is kept as text (CHAR(36)).
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
    fn value(&self, field: &'static StaticField) -> MyValue {
        if uuid_text(field) {
            super::uuid_text(self)
        } else {
            MyValue::from(self)
        }
    }
}

#[cfg(feature = "uuid")]
impl Column for uuid::Uuid {
    #[inline]
    fn read(
        row: &mut Row,
        index: usize,
        field: &'static StaticField,
    ) -> Result<Self, mysql::Error> {
        if uuid_text(field) {
            crate::backend::mysql::take::<super::UuidText>(row, index).map(|u| u.0)
        } else {
            crate::backend::mysql::take(row, index)
        }
    }
}

#[cfg(feature = "json")]
as_driver_does!(serde_json::Value);
#[cfg(feature = "decimal")]
as_driver_does!(rust_decimal::Decimal);

impl<T: Value> Value for Option<T> {
    #[inline]
    fn value(&self, field: &'static StaticField) -> MyValue {
        match self {
            Some(value) => value.value(field),
            None => MyValue::NULL,
        }
    }
}

impl<T: Column> Column for Option<T> {
    #[inline]
    fn read(
        row: &mut Row,
        index: usize,
        field: &'static StaticField,
    ) -> Result<Self, mysql::Error> {
        match row.as_ref(index) {
            Some(MyValue::NULL) => Ok(None),
            _ => T::read(row, index, field).map(Some),
        }
    }
}

/// A generated enum, as its text.
impl<E: crate::Enum> Value for E {
    #[inline]
    fn value(&self, _: &'static StaticField) -> MyValue {
        super::enum_value(*self)
    }
}

impl<E: crate::Enum> Column for E {
    #[inline]
    fn read(row: &mut Row, index: usize, _: &'static StaticField) -> Result<Self, mysql::Error> {
        crate::backend::mysql::take::<super::EnumIr<E>>(row, index).map(|e| e.0)
    }
}

/// A row read through a record's `Table::read`.
pub struct Reader {
    row: Row,
    fields: &'static [StaticField],
    index: usize,
}

impl Reader {
    #[inline]
    fn next(&mut self) -> usize {
        self.index += 1;
        self.index - 1
    }
}

impl columns::Read for Reader {
    type Error = mysql::Error;

    #[inline]
    fn get<V: columns::Column>(&mut self) -> Result<V, mysql::Error> {
        let index = self.next();
        <V as Column>::read(&mut self.row, index, &self.fields[index])
    }

    #[inline]
    fn get_driver<V: columns::DriverColumn>(&mut self) -> Result<V, mysql::Error> {
        let index = self.next();
        crate::backend::mysql::take(&mut self.row, index)
    }

    #[cfg(feature = "json")]
    #[inline]
    fn get_json<V: columns::JsonColumn>(&mut self) -> Result<V, mysql::Error> {
        let index = self.next();
        crate::backend::mysql::take::<super::JsonTyped<V>>(&mut self.row, index).map(|j| j.0)
    }

    #[cfg(feature = "json")]
    #[inline]
    fn get_json_opt<V: columns::JsonColumn>(&mut self) -> Result<Option<V>, mysql::Error> {
        let index = self.next();
        Ok(
            crate::backend::mysql::take::<Option<super::JsonTyped<V>>>(&mut self.row, index)?
                .map(|j| j.0),
        )
    }
}

/// A record of store `T` read from a row holding its columns in field order.
#[inline]
pub fn read<T: Table>(row: Row) -> Result<T, mysql::Error> {
    T::read(&mut Reader {
        row,
        fields: T::schema().fields,
        index: 0,
    })
}

impl<T: Table> crate::FromRow<Row> for T {
    type Error = mysql::Error;

    #[inline]
    fn from_row(row: Row) -> Result<T, mysql::Error> {
        read(row)
    }
}

/// A statement's parameters, as a record's `Table` writes them: one per field written,
/// `None` where it was left out.
struct Params<'o> {
    at: Cursor,
    /// One per field written (in its parameter's place): `None` where it was left out.
    out: &'o mut Vec<Option<MyValue>>,
}

impl<'o> Params<'o> {
    #[inline]
    fn new(at: Cursor, out: &'o mut Vec<Option<MyValue>>) -> Self {
        Params { at, out }
    }

    #[inline]
    fn push(&mut self, value: Option<MyValue>) {
        match self.at.next() {
            (_, Some(position)) => {
                if self.out.len() < self.at.width() {
                    self.out.resize(self.at.width(), None);
                }
                self.out[position - 1] = value;
            }
            (_, None) => self.out.push(value),
        }
    }
}

impl<'a> columns::Write<'a> for Params<'_> {
    type Error = mysql::Error;

    #[inline]
    fn put<V: columns::Value + ?Sized>(&mut self, value: &'a V) -> Result<(), mysql::Error> {
        let value = <V as Value>::value(value, self.at.field());
        self.push(Some(value));
        Ok(())
    }

    #[inline]
    fn skip(&mut self) {
        self.push(None);
    }

    #[inline]
    fn put_driver<V: columns::DriverValue>(&mut self, value: &'a V) -> Result<(), mysql::Error> {
        self.push(Some(MyValue::from(value)));
        Ok(())
    }

    #[cfg(feature = "json")]
    #[inline]
    fn put_json<V: columns::JsonValue>(&mut self, value: &'a V) -> Result<(), mysql::Error> {
        let value = super::json_typed(value)?;
        self.push(Some(value));
        Ok(())
    }

    #[cfg(feature = "json")]
    #[inline]
    fn put_json_opt<V: columns::JsonValue>(
        &mut self,
        value: &'a Option<V>,
    ) -> Result<(), mysql::Error> {
        let value = super::json_typed_opt(value)?;
        self.push(Some(value));
        Ok(())
    }
}

#[inline]
fn prepared<T: Table>() -> &'static Prepared {
    T::statements().get(BackendKind::Mysql, T::schema())
}

/// The values `write` gives, in order (those left out dropped).
#[inline]
fn values(
    write: impl FnOnce(&mut Vec<Option<MyValue>>) -> Result<(), mysql::Error>,
) -> Result<Vec<MyValue>, mysql::Error> {
    let mut out = Vec::new();
    write(&mut out)?;
    Ok(out.into_iter().flatten().collect())
}

/// The key's parameters.
#[inline]
fn key_values<T: Table>(
    key: T::Key<'_>,
    p: &'static Prepared,
) -> Result<Vec<MyValue>, mysql::Error> {
    values(|out| {
        T::write_key(
            &key,
            &mut Params::new(Cursor::new(T::schema().fields, &p.key), out),
        )
    })
}

/// The row with the key whose values these are.
#[inline]
fn get_by<T: Table>(conn: &mut MyConn<'_>, key: Vec<MyValue>) -> Result<Option<T>, mysql::Error> {
    super::first(conn.query(&prepared::<T>().sql.get, key)?, read::<T>)
}

impl<T: Table> Ops<T> for Mysql {
    #[inline]
    fn insert(conn: &mut MyConn<'_>, new: &T::New) -> Result<Option<T>, mysql::Error> {
        let p = prepared::<T>();
        let fields = T::schema().fields;
        let columns: Vec<&str> = p.sql.insert_columns.iter().map(String::as_str).collect();
        let row = |_, out: &mut Vec<Option<MyValue>>| {
            T::write_new(
                new,
                &mut Params::new(Cursor::new(fields, &p.insertable), out),
            )
        };
        if let Some(rows) =
            super::insert_returning(conn, &p.sql.table, &columns, &row, &p.sql.columns)?
        {
            return super::first(rows, read::<T>);
        }
        // Without RETURNING the row is read back by its key: the generated id, or the
        // key the new row gives. A key left to a default the database would choose
        // can't be, so such an insert is refused before anything is written.
        let generated = p.key.iter().any(|&k| fields[k].generated);
        let mut key = Vec::new();
        if !generated {
            let mut given = Vec::with_capacity(p.insertable.len());
            row(0, &mut given)?;
            for &k in &p.key {
                let at = p.insertable.iter().position(|&i| i == k);
                match at.and_then(|at| given[at].take()) {
                    Some(value) => key.push(value),
                    None => return Err(super::key_needed(fields[k].name)),
                }
            }
        }
        let (_, id) = super::insert(conn, &p.sql.table, &columns, &row, None)?;
        match id {
            Some(id) if generated => get_by::<T>(conn, vec![MyValue::from(id)]),
            _ if generated => Ok(None),
            _ => get_by::<T>(conn, key),
        }
    }

    #[inline]
    fn insert_many(conn: &mut MyConn<'_>, rows: &[T::New]) -> Result<u64, mysql::Error> {
        let p = prepared::<T>();
        let fields = T::schema().fields;
        let columns: Vec<&str> = p.sql.insert_columns.iter().map(String::as_str).collect();
        super::insert_many(conn, &p.sql.table, &columns, rows.len(), &|i, out| {
            T::write_new(
                &rows[i],
                &mut Params::new(Cursor::new(fields, &p.insertable), out),
            )
        })
    }

    #[inline]
    fn get(conn: &mut MyConn<'_>, key: T::Key<'_>) -> Result<Option<T>, mysql::Error> {
        let key = key_values::<T>(key, prepared::<T>())?;
        get_by::<T>(conn, key)
    }

    #[inline]
    fn get_for_update(conn: &mut MyConn<'_>, key: T::Key<'_>) -> Result<Option<T>, mysql::Error> {
        let p = prepared::<T>();
        let key = key_values::<T>(key, p)?;
        super::first(conn.query(&p.sql.get_for_update, key)?, read::<T>)
    }

    #[inline]
    fn delete(conn: &mut MyConn<'_>, key: T::Key<'_>) -> Result<bool, mysql::Error> {
        let p = prepared::<T>();
        let (deleted, _) = conn.execute(&p.sql.delete, key_values::<T>(key, p)?)?;
        Ok(deleted > 0)
    }

    #[inline]
    fn list(conn: &mut MyConn<'_>, page: Page<T::Key<'_>>) -> Result<Vec<T>, mysql::Error> {
        let p = prepared::<T>();
        let rows = match page.into_parts() {
            (None, limit) => conn.query(&p.sql.list_first, vec![MyValue::from(limit)])?,
            (Some(key), limit) => {
                let mut params = key_values::<T>(key, p)?;
                params.push(MyValue::from(limit));
                conn.query(&p.sql.list_after, params)?
            }
        };
        super::all(rows, read::<T>)
    }

    #[inline]
    fn count(conn: &mut MyConn<'_>) -> Result<u64, mysql::Error> {
        super::count(conn, &prepared::<T>().sql.count, Vec::new())
    }
}

impl<T: Updatable> UpdateOps<T> for Mysql {
    #[inline]
    fn update(conn: &mut MyConn<'_>, record: &T) -> Result<bool, mysql::Error> {
        let p = prepared::<T>();
        let Some(update) = &p.sql.update else {
            return Ok(false);
        };
        let params = values(|out| {
            let at = Cursor::new(T::schema().fields, &p.all).positions(&p.update_positions);
            record.write(&mut Params::new(at, out))
        })?;
        // The rows it found, which MySQL reports apart from those it changed.
        let (found, _) = conn.execute(update, params)?;
        Ok(found > 0)
    }
}

impl<T: Updatable> PatchOps<T> for Mysql {
    #[inline]
    fn patch(
        conn: &mut MyConn<'_>,
        key: T::Key<'_>,
        patch: &T::Patch,
    ) -> Result<bool, mysql::Error> {
        let p = prepared::<T>();
        let mut given = Given::default();
        let Ok(()) = T::write_patch(patch, &mut given);
        let sql = crate::sql::patch_sql_built(&super::DIALECT, &p.sql, &given.given);
        let mut params = values(|out| {
            T::write_patch(
                patch,
                &mut Params::new(Cursor::new(T::schema().fields, &p.values), out),
            )
        })?;
        params.extend(key_values::<T>(key, p)?);
        if given.given.contains(&true) {
            let (found, _) = conn.execute(&sql, params)?;
            Ok(found > 0)
        } else {
            Ok(super::count(conn, &sql, params)? > 0)
        }
    }
}

impl<T: Upsertable> UpsertOps<T> for Mysql {
    /// INSERT … ON DUPLICATE KEY UPDATE (guarded to the primary key), then the row read
    /// back by its key.
    #[inline]
    fn upsert(conn: &mut MyConn<'_>, record: &T) -> Result<Option<T>, mysql::Error> {
        let p = prepared::<T>();
        let Some(upsert) = &p.sql.upsert else {
            return Ok(None);
        };
        let fields = T::schema().fields;
        let all = || values(|out| record.write(&mut Params::new(Cursor::new(fields, &p.all), out)));
        conn.execute(upsert, all()?)?;
        if let Some(row) = <Self as Ops<T>>::get(conn, record.key())? {
            return Ok(Some(row));
        }
        // No row has the key: the values clashed with another row's unique key, and the
        // guarded update changed nothing. A plain insert fails with the server's own
        // error (or succeeds, if that row has gone since).
        conn.execute(&p.sql.insert_all, all()?)?;
        <Self as Ops<T>>::get(conn, record.key())
    }
}

//! PostgreSQL's half of the generic store: every field type's conversion, the reader and
//! writer a record's `Table` impl goes through, and the store operations for every
//! record, over the statements built once from its static schema. Parameters are sent
//! with the types storegen's type table gives their fields.

use postgres::Row;
use postgres::types::{FromSql, IsNull, ToSql, Type};

use super::{Param, PgConn, Postgres};
use crate::backend::BackendKind;
use crate::runtime::Page;
use crate::runtime::columns::{self, Cursor, Given};
use crate::runtime::store::{
    Ops, PatchOps, Prepared, Table, Updatable, UpdateOps, UpsertOps, Upsertable,
};
use crate::static_schema::{StaticField, StaticType};

/// A parameter: the value itself, or a conversion made for it (a rounded time, an enum
/// as its text).
pub enum PgParam<'a> {
    /// The value, as the driver converts it.
    Ref(&'a (dyn ToSql + Sync)),
    /// A conversion made for the statement.
    Owned(Box<dyn ToSql + Sync + 'a>),
}

impl<'a> PgParam<'a> {
    #[inline]
    fn as_param(&self) -> Param<'_> {
        match self {
            PgParam::Ref(value) => *value,
            PgParam::Owned(value) => &**value,
        }
    }
}

/// A field's value as PostgreSQL takes it.
pub trait Value {
    /// The parameter for the value; `field` describes it.
    fn param(&self, field: &'static StaticField) -> PgParam<'_>;
}

/// A column's value, read into a field's type.
pub trait Column: Sized {
    /// The value of column `index` of `row`.
    fn read(row: &Row, index: usize, field: &'static StaticField) -> Result<Self, postgres::Error>;
}

macro_rules! as_driver_does {
    ($($ty:ty),* $(,)?) => {$(
        impl Value for $ty {
            #[inline]
            fn param(&self, _: &'static StaticField) -> PgParam<'_> {
                PgParam::Ref(self)
            }
        }
    )*};
}

macro_rules! read_as_driver_does {
    ($($ty:ty),* $(,)?) => {$(
        impl Column for $ty {
            #[inline]
            fn read(row: &Row, index: usize, _: &'static StaticField) -> Result<Self, postgres::Error> {
                row.try_get(index)
            }
        }
    )*};
}

as_driver_does!(i16, i32, i64, f32, f64, bool, String, Vec<u8>);

/// A key's text or bytes, borrowed (unsized: the reference is the parameter).
macro_rules! unsized_as_driver_does {
    ($($ty:ty),*) => {$(
        impl Value for $ty {
            #[inline]
            fn param(&self, _: &'static StaticField) -> PgParam<'_> {
                PgParam::Owned(Box::new(self))
            }
        }
    )*};
}

unsized_as_driver_does!(str, [u8]);
read_as_driver_does!(i16, i32, i64, f32, f64, bool, String, Vec<u8>);

/// Times with a `precision` are rounded to it as they are sent: PostgreSQL would round
/// too, but symmetrically about 2000-01-01, where storegen rounds every half up, as on
/// the other backends.
#[cfg(any(feature = "chrono", feature = "time"))]
macro_rules! times {
    ($($ty:ty),*) => {$(
        impl Value for $ty {
            #[inline]
            fn param(&self, field: &'static StaticField) -> PgParam<'_> {
                use crate::runtime::fraction::RoundFraction as _;
                match field.ty {
                    StaticType::Time(_, digits) => PgParam::Owned(Box::new(self.round_fraction(digits))),
                    _ => PgParam::Ref(self),
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
    read_as_driver_does!(NaiveDate, NaiveTime, NaiveDateTime, DateTime<Utc>);
}

#[cfg(feature = "time")]
mod time_types {
    use super::*;
    use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};

    as_driver_does!(Date);
    times!(Time, PrimitiveDateTime, OffsetDateTime);
    read_as_driver_does!(Date, Time, PrimitiveDateTime, OffsetDateTime);
}

#[cfg(feature = "uuid")]
as_driver_does!(uuid::Uuid);
#[cfg(feature = "uuid")]
read_as_driver_does!(uuid::Uuid);
#[cfg(feature = "json")]
as_driver_does!(serde_json::Value);
#[cfg(feature = "json")]
read_as_driver_does!(serde_json::Value);
#[cfg(feature = "decimal")]
as_driver_does!(rust_decimal::Decimal);
#[cfg(feature = "decimal")]
read_as_driver_does!(rust_decimal::Decimal);

/// Unsigned integers are MySQL's alone (the blueprint refuses them beside another
/// backend); here, the next larger signed type, checked.
macro_rules! unsigned {
    ($($ty:ty => $signed:ty),*) => {$(
        impl Value for $ty {
            #[inline]
            fn param(&self, _: &'static StaticField) -> PgParam<'_> {
                match <$signed>::try_from(*self) {
                    Ok(value) => PgParam::Owned(Box::new(value)),
                    Err(_) => PgParam::Owned(Box::new(OutOfRange(self.to_string()))),
                }
            }
        }

        impl Column for $ty {
            #[inline]
            fn read(row: &Row, index: usize, _: &'static StaticField) -> Result<Self, postgres::Error> {
                row.try_get::<_, Checked<$ty, $signed>>(index).map(|v| v.0)
            }
        }
    )*};
}

unsigned!(u16 => i32, u32 => i64, u64 => i64);

/// A value no column of its type holds: refused as it is sent.
#[derive(Debug)]
struct OutOfRange(String);

impl ToSql for OutOfRange {
    fn to_sql(
        &self,
        _: &Type,
        _: &mut bytes::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        Err(format!("{} is out of range for the column", self.0).into())
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

/// An unsigned value read from a signed column, refused when negative.
struct Checked<T, S>(T, std::marker::PhantomData<S>);

impl<'a, T: TryFrom<S>, S: FromSql<'a> + std::fmt::Display + Copy> FromSql<'a> for Checked<T, S> {
    fn from_sql(
        ty: &Type,
        raw: &'a [u8],
    ) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        let value = S::from_sql(ty, raw)?;
        T::try_from(value)
            .map(|v| Checked(v, std::marker::PhantomData))
            .map_err(|_| format!("{value} is out of range for an unsigned field").into())
    }

    fn accepts(ty: &Type) -> bool {
        S::accepts(ty)
    }
}

impl<T: Value> Value for Option<T> {
    #[inline]
    fn param(&self, field: &'static StaticField) -> PgParam<'_> {
        match self {
            Some(value) => value.param(field),
            None => PgParam::Ref(&Null),
        }
    }
}

impl<T: Column> Column for Option<T> {
    #[inline]
    fn read(row: &Row, index: usize, field: &'static StaticField) -> Result<Self, postgres::Error> {
        match row.try_get::<_, Option<IsSome>>(index)? {
            None => Ok(None),
            Some(_) => T::read(row, index, field).map(Some),
        }
    }
}

/// SQL NULL, of whatever type the parameter has.
#[derive(Debug)]
struct Null;

impl ToSql for Null {
    fn to_sql(
        &self,
        _: &Type,
        _: &mut bytes::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        Ok(IsNull::Yes)
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

/// Whether a column holds a value, of whatever type.
struct IsSome;

impl<'a> FromSql<'a> for IsSome {
    fn from_sql(_: &Type, _: &'a [u8]) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(IsSome)
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// A generated enum, as its text (to a text column or the enum type).
#[derive(Debug)]
struct EnumText<E>(E);

impl<E: crate::Enum + std::fmt::Debug + Sync> ToSql for EnumText<E> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        super::enum_to_sql(self.0, ty, out)
    }

    fn accepts(ty: &Type) -> bool {
        super::enum_accepts(ty)
    }

    postgres::types::to_sql_checked!();
}

impl<'a, E: crate::Enum> FromSql<'a> for EnumText<E> {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        super::enum_from_sql(raw).map(EnumText)
    }

    fn accepts(ty: &Type) -> bool {
        super::enum_accepts(ty)
    }
}

impl<E: crate::Enum + std::fmt::Debug + Sync> Value for E {
    #[inline]
    fn param(&self, _: &'static StaticField) -> PgParam<'_> {
        PgParam::Owned(Box::new(EnumText(*self)))
    }
}

impl<E: crate::Enum> Column for E {
    #[inline]
    fn read(row: &Row, index: usize, _: &'static StaticField) -> Result<Self, postgres::Error> {
        row.try_get::<_, EnumText<E>>(index).map(|e| e.0)
    }
}

/// The parameter type storegen's type table gives a field.
fn param_type(field: &StaticField) -> Type {
    let ty = match &field.ty {
        StaticType::Of(ty) | StaticType::Time(ty, _) => super::types::param_type(ty),
        StaticType::Text(..) | StaticType::TextCollated(..) => "TEXT",
        StaticType::Enum(_, _, false) => "TEXT",
        StaticType::Enum(..) => "UNKNOWN",
    };
    match ty {
        "BOOL" => Type::BOOL,
        "INT2" => Type::INT2,
        "INT4" => Type::INT4,
        "INT8" => Type::INT8,
        "FLOAT4" => Type::FLOAT4,
        "FLOAT8" => Type::FLOAT8,
        "TEXT" => Type::TEXT,
        "BYTEA" => Type::BYTEA,
        "DATE" => Type::DATE,
        "TIME" => Type::TIME,
        "TIMESTAMP" => Type::TIMESTAMP,
        "TIMESTAMPTZ" => Type::TIMESTAMPTZ,
        "UUID" => Type::UUID,
        "JSONB" => Type::JSONB,
        "NUMERIC" => Type::NUMERIC,
        _ => Type::UNKNOWN,
    }
}

/// A `rust` type of the application's: the driver converts it to a parameter.
pub trait DriverValue: ToSql + Sync {}
impl<T: ToSql + Sync + ?Sized> DriverValue for T {}

/// A `rust` type of the application's: the driver converts a column to it.
pub trait DriverColumn: for<'a> FromSql<'a> {}
impl<T: for<'a> FromSql<'a>> DriverColumn for T {}

/// A row read through a record's `Table::read`.
pub struct Reader<'r> {
    row: &'r Row,
    fields: &'static [StaticField],
    index: usize,
}

impl Reader<'_> {
    #[inline]
    fn next(&mut self) -> usize {
        self.index += 1;
        self.index - 1
    }
}

impl columns::Read for Reader<'_> {
    type Error = postgres::Error;

    #[inline]
    fn get<V: columns::Column>(&mut self) -> Result<V, postgres::Error> {
        let index = self.next();
        <V as Column>::read(self.row, index, &self.fields[index])
    }

    #[inline]
    fn get_driver<V: columns::DriverColumn>(&mut self) -> Result<V, postgres::Error> {
        let index = self.next();
        self.row.try_get(index)
    }

    #[cfg(feature = "json")]
    #[inline]
    fn get_json<V: columns::JsonColumn>(&mut self) -> Result<V, postgres::Error> {
        let index = self.next();
        self.row
            .try_get::<_, postgres::types::Json<V>>(index)
            .map(|j| j.0)
    }

    #[cfg(feature = "json")]
    #[inline]
    fn get_json_opt<V: columns::JsonColumn>(&mut self) -> Result<Option<V>, postgres::Error> {
        let index = self.next();
        Ok(self
            .row
            .try_get::<_, Option<postgres::types::Json<V>>>(index)?
            .map(|j| j.0))
    }
}

/// A record of store `T` read from a row holding its columns in field order.
#[inline]
pub fn read<T: Table>(row: &Row) -> Result<T, postgres::Error> {
    T::read(&mut Reader {
        row,
        fields: T::schema().fields,
        index: 0,
    })
}

impl<'a, T: Table> crate::FromRow<&'a Row> for T {
    type Error = postgres::Error;

    #[inline]
    fn from_row(row: &'a Row) -> Result<T, postgres::Error> {
        read(row)
    }
}

/// A statement's parameters and their types, as a record's `Table` writes them.
struct Params<'a> {
    at: Cursor,
    /// One per field written (in its parameter's place): `None` where it was left out.
    values: Vec<Option<PgParam<'a>>>,
    /// Each field's parameter type, by field index.
    types: &'static [Type],
}

impl<'a> Params<'a> {
    #[inline]
    fn new<T: Table>(p: &'static Prepared, at: Cursor) -> Self {
        Params {
            values: Vec::with_capacity(at.width()),
            at,
            types: types::<T>(p),
        }
    }

    #[inline]
    fn push(&mut self, param: Option<PgParam<'a>>) {
        match self.at.next() {
            (_, Some(position)) => {
                if self.values.is_empty() {
                    self.values.resize_with(self.at.width(), || None);
                }
                self.values[position - 1] = param;
            }
            (_, None) => self.values.push(param),
        }
    }

    /// Every field's parameter type, in its parameter's place.
    #[inline]
    fn all_types(&self) -> Vec<Type> {
        let mut types = vec![Type::UNKNOWN; self.at.width()];
        for (field, place) in self.at.places() {
            types[place] = self.types[field].clone();
        }
        types
    }

    /// The parameters as the driver takes them (`None`: the column's default).
    #[inline]
    fn params(&self) -> Vec<Option<Param<'_>>> {
        self.values
            .iter()
            .map(|v| v.as_ref().map(PgParam::as_param))
            .collect()
    }

    /// The values given, and their types.
    #[inline]
    fn given(&self) -> (Vec<Param<'_>>, Vec<Type>) {
        let mut params = Vec::with_capacity(self.values.len());
        let mut types = Vec::with_capacity(self.values.len());
        for (value, ty) in self.values.iter().zip(self.all_types()) {
            if let Some(value) = value {
                params.push(value.as_param());
                types.push(ty);
            }
        }
        (params, types)
    }
}

/// Each field's parameter type, by field index, worked out once per store.
#[inline]
fn types<T: Table>(p: &'static Prepared) -> &'static [Type] {
    let extra = p.extra.get_or_init(|| {
        Box::new(
            T::schema()
                .fields
                .iter()
                .map(param_type)
                .collect::<Vec<Type>>(),
        )
    });
    match extra.downcast_ref::<Vec<Type>>() {
        Some(types) => types,
        None => &[],
    }
}

impl<'a> columns::Write<'a> for Params<'a> {
    type Error = postgres::Error;

    #[inline]
    fn put<V: columns::Value + ?Sized>(&mut self, value: &'a V) -> Result<(), postgres::Error> {
        let field = self.at.field();
        self.push(Some(<V as Value>::param(value, field)));
        Ok(())
    }

    #[inline]
    fn skip(&mut self) {
        self.push(None);
    }

    #[inline]
    fn put_driver<V: columns::DriverValue>(&mut self, value: &'a V) -> Result<(), postgres::Error> {
        self.push(Some(PgParam::Ref(value)));
        Ok(())
    }

    #[cfg(feature = "json")]
    #[inline]
    fn put_json<V: columns::JsonValue>(&mut self, value: &'a V) -> Result<(), postgres::Error> {
        self.push(Some(PgParam::Owned(Box::new(postgres::types::Json(value)))));
        Ok(())
    }

    #[cfg(feature = "json")]
    #[inline]
    fn put_json_opt<V: columns::JsonValue>(
        &mut self,
        value: &'a Option<V>,
    ) -> Result<(), postgres::Error> {
        let param = match value {
            Some(value) => PgParam::Owned(Box::new(postgres::types::Json(value))),
            None => PgParam::Ref(&Null),
        };
        self.push(Some(param));
        Ok(())
    }
}

#[inline]
fn prepared<T: Table>() -> &'static Prepared {
    T::statements().get(BackendKind::Postgres, T::schema())
}

/// The key's parameters.
#[inline]
fn key_params<'a, T: Table>(
    key: &'a T::Key<'_>,
    p: &'static Prepared,
) -> Result<Params<'a>, postgres::Error> {
    let mut params = Params::new::<T>(p, Cursor::new(T::schema().fields, &p.key));
    T::write_key(key, &mut params)?;
    Ok(params)
}

/// Runs a statement with the key's parameters (and more after them).
#[inline]
fn with_key<T: Table, R>(
    key: T::Key<'_>,
    more: &[(Param<'_>, Type)],
    run: impl FnOnce(&[Param<'_>], &[Type]) -> Result<R, postgres::Error>,
) -> Result<R, postgres::Error> {
    let p = prepared::<T>();
    let params = key_params::<T>(&key, p)?;
    let (mut values, mut types) = params.given();
    for (value, ty) in more {
        values.push(*value);
        types.push(ty.clone());
    }
    run(&values, &types)
}

impl<T: Table> Ops<T> for Postgres {
    #[inline]
    fn insert(conn: &mut PgConn<'_>, new: &T::New) -> Result<Option<T>, postgres::Error> {
        let p = prepared::<T>();
        let mut params = Params::new::<T>(p, Cursor::new(T::schema().fields, &p.insertable));
        T::write_new(new, &mut params)?;
        let columns: Vec<&str> = p.sql.insert_columns.iter().map(String::as_str).collect();
        let rows = super::insert(
            conn,
            &p.sql.table,
            &columns,
            &params.all_types(),
            &params.params(),
            1,
            Some(&p.sql.columns),
        )?;
        super::first(&rows, read::<T>)
    }

    #[inline]
    fn insert_many(conn: &mut PgConn<'_>, rows: &[T::New]) -> Result<u64, postgres::Error> {
        let p = prepared::<T>();
        let mut params = Params::new::<T>(p, Cursor::new(T::schema().fields, &p.insertable));
        params
            .values
            .reserve(rows.len().saturating_sub(1) * p.insertable.len());
        for new in rows {
            params.at.restart();
            T::write_new(new, &mut params)?;
        }
        let columns: Vec<&str> = p.sql.insert_columns.iter().map(String::as_str).collect();
        let types = params.all_types();
        super::insert_many(
            conn,
            &p.sql.table,
            &columns,
            &types,
            &params.params(),
            rows.len(),
        )
    }

    #[inline]
    fn get(conn: &mut PgConn<'_>, key: T::Key<'_>) -> Result<Option<T>, postgres::Error> {
        let p = prepared::<T>();
        let rows = with_key::<T, _>(key, &[], |values, types| {
            conn.query(&p.sql.get, types, values)
        })?;
        super::first(&rows, read::<T>)
    }

    #[inline]
    fn get_for_update(
        conn: &mut PgConn<'_>,
        key: T::Key<'_>,
    ) -> Result<Option<T>, postgres::Error> {
        let p = prepared::<T>();
        let rows = with_key::<T, _>(key, &[], |values, types| {
            conn.query(&p.sql.get_for_update, types, values)
        })?;
        super::first(&rows, read::<T>)
    }

    #[inline]
    fn delete(conn: &mut PgConn<'_>, key: T::Key<'_>) -> Result<bool, postgres::Error> {
        let p = prepared::<T>();
        Ok(with_key::<T, _>(key, &[], |values, types| {
            conn.execute(&p.sql.delete, types, values)
        })? > 0)
    }

    #[inline]
    fn list(conn: &mut PgConn<'_>, page: Page<T::Key<'_>>) -> Result<Vec<T>, postgres::Error> {
        let p = prepared::<T>();
        let (after, limit) = page.into_parts();
        let limit = i64::from(limit);
        let rows = match after {
            None => conn.query(&p.sql.list_first, &[Type::INT8], &[&limit])?,
            Some(key) => with_key::<T, _>(key, &[(&limit, Type::INT8)], |values, types| {
                conn.query(&p.sql.list_after, types, values)
            })?,
        };
        super::all(&rows, read::<T>)
    }

    #[inline]
    fn count(conn: &mut PgConn<'_>) -> Result<u64, postgres::Error> {
        super::count(conn, &prepared::<T>().sql.count, &[], &[])
    }
}

impl<T: Updatable> UpdateOps<T> for Postgres {
    #[inline]
    fn update(conn: &mut PgConn<'_>, record: &T) -> Result<bool, postgres::Error> {
        let p = prepared::<T>();
        let Some(update) = &p.sql.update else {
            return Ok(false);
        };
        let at = Cursor::new(T::schema().fields, &p.all).positions(&p.update_positions);
        let mut params = Params::new::<T>(p, at);
        record.write(&mut params)?;
        let (values, types) = params.given();
        Ok(conn.execute(update, &types, &values)? > 0)
    }
}

impl<T: Updatable> PatchOps<T> for Postgres {
    #[inline]
    fn patch(
        conn: &mut PgConn<'_>,
        key: T::Key<'_>,
        patch: &T::Patch,
    ) -> Result<bool, postgres::Error> {
        let p = prepared::<T>();
        let mut given = Given::default();
        let Ok(()) = T::write_patch(patch, &mut given);
        let sql = crate::sql::patch_sql_built(&super::DIALECT, &p.sql, &given.given);
        let mut params = Params::new::<T>(p, Cursor::new(T::schema().fields, &p.values));
        T::write_patch(patch, &mut params)?;
        let (mut values, mut types) = params.given();
        let keys = key_params::<T>(&key, p)?;
        let (key_values, key_types) = keys.given();
        values.extend(key_values);
        types.extend(key_types);
        if given.given.contains(&true) {
            Ok(conn.execute(&sql, &types, &values)? > 0)
        } else {
            Ok(super::count(conn, &sql, &types, &values)? > 0)
        }
    }
}

impl<T: Upsertable> UpsertOps<T> for Postgres {
    #[inline]
    fn upsert(conn: &mut PgConn<'_>, record: &T) -> Result<Option<T>, postgres::Error> {
        let p = prepared::<T>();
        let Some(upsert) = &p.sql.upsert else {
            return Ok(None);
        };
        let mut params = Params::new::<T>(p, Cursor::new(T::schema().fields, &p.all));
        record.write(&mut params)?;
        let (values, types) = params.given();
        super::first(&conn.query(upsert, &types, &values)?, read::<T>)
    }
}

//! The shared half of every generated store method: the observer hook, the store and
//! operation named in errors, and `insert_many`'s transaction. A store's generic
//! `impl` calls these with its backend's operation (`<B as <Store>Ops>::get`, ...).

use super::{Backend, Connection, Error, observe::observe};

#[inline]
fn run<B: Backend, T>(
    store: &'static str,
    operation: &'static str,
    fields: &'static [&'static str],
    rows: fn(&T) -> u64,
    call: impl FnOnce() -> Result<T, B::DriverError>,
) -> Result<T, Error> {
    observe(store, operation, B::KIND, rows, || {
        call().map_err(|e| B::store_error(store, operation, fields, e))
    })
}

/// `insert`: the row as stored, which the backend must have read back.
#[inline]
pub fn insert<B: Backend, R>(
    store: &'static str,
    fields: &'static [&'static str],
    call: impl FnOnce() -> Result<Option<R>, B::DriverError>,
) -> Result<R, Error> {
    stored::<B, R>(store, "insert", fields, call)
}

/// A custom query's `:exec`: the rows it affected, counted as rows.
#[inline]
pub fn affected<B: Backend>(
    store: &'static str,
    operation: &'static str,
    fields: &'static [&'static str],
    call: impl FnOnce() -> Result<u64, B::DriverError>,
) -> Result<u64, Error> {
    run::<B, _>(store, operation, fields, |n| *n, call)
}

/// A write that returns the row as stored (`insert`, `upsert`), which the backend must
/// have read back.
#[inline]
pub fn stored<B: Backend, R>(
    store: &'static str,
    operation: &'static str,
    fields: &'static [&'static str],
    call: impl FnOnce() -> Result<Option<R>, B::DriverError>,
) -> Result<R, Error> {
    run::<B, _>(store, operation, fields, |_| 1, call)?.ok_or_else(|| {
        Error::Unexpected(format!(
            "{store}.{operation}: the stored row could not be read back"
        ))
    })
}

/// `insert_many`: every row in one transaction (a savepoint inside an open one).
#[inline]
pub fn insert_many<B: Backend, N>(
    raw: B::Raw<'_>,
    store: &'static str,
    fields: &'static [&'static str],
    rows: &[N],
    call: impl FnOnce(&mut B::Raw<'_>, &[N]) -> Result<u64, B::DriverError>,
) -> Result<u64, Error> {
    if rows.is_empty() {
        return Ok(0);
    }
    observe(
        store,
        "insert_many",
        B::KIND,
        |added| *added,
        || {
            let mut tx = B::begin(raw, None)?;
            let added = call(&mut tx.raw(), rows)
                .map_err(|e| B::store_error(store, "insert_many", fields, e))?;
            B::commit(tx)?;
            Ok(added)
        },
    )
}

/// `get`: the row with a key, if there is one.
#[inline]
pub fn get<B: Backend, R>(
    store: &'static str,
    fields: &'static [&'static str],
    call: impl FnOnce() -> Result<Option<R>, B::DriverError>,
) -> Result<Option<R>, Error> {
    one::<B, R>(store, "get", fields, call)
}

/// A lookup of at most one row (`get`, `get_by_…`).
#[inline]
pub fn one<B: Backend, R>(
    store: &'static str,
    operation: &'static str,
    fields: &'static [&'static str],
    call: impl FnOnce() -> Result<Option<R>, B::DriverError>,
) -> Result<Option<R>, Error> {
    run::<B, _>(
        store,
        operation,
        fields,
        |row| u64::from(row.is_some()),
        call,
    )
}

/// `update`: whether a row had the key.
#[inline]
pub fn update<B: Backend>(
    store: &'static str,
    fields: &'static [&'static str],
    call: impl FnOnce() -> Result<bool, B::DriverError>,
) -> Result<bool, Error> {
    found::<B>(store, "update", fields, call)
}

/// `delete`: whether a row had the key.
#[inline]
pub fn delete<B: Backend>(
    store: &'static str,
    fields: &'static [&'static str],
    call: impl FnOnce() -> Result<bool, B::DriverError>,
) -> Result<bool, Error> {
    found::<B>(store, "delete", fields, call)
}

/// `list`: one page of rows.
#[inline]
pub fn list<B: Backend, R>(
    store: &'static str,
    fields: &'static [&'static str],
    call: impl FnOnce() -> Result<Vec<R>, B::DriverError>,
) -> Result<Vec<R>, Error> {
    rows::<B, R>(store, "list", fields, call)
}

/// A page of rows (`list`, `list_by_…`).
#[inline]
pub fn rows<B: Backend, R>(
    store: &'static str,
    operation: &'static str,
    fields: &'static [&'static str],
    call: impl FnOnce() -> Result<Vec<R>, B::DriverError>,
) -> Result<Vec<R>, Error> {
    run::<B, _>(store, operation, fields, |rows| rows.len() as u64, call)
}

/// `count`: how many rows the table holds.
#[inline]
pub fn count<B: Backend>(
    store: &'static str,
    fields: &'static [&'static str],
    call: impl FnOnce() -> Result<u64, B::DriverError>,
) -> Result<u64, Error> {
    number::<B>(store, "count", fields, call)
}

/// A number the database answers (`count`, `count_by_…`).
#[inline]
pub fn number<B: Backend>(
    store: &'static str,
    operation: &'static str,
    fields: &'static [&'static str],
    call: impl FnOnce() -> Result<u64, B::DriverError>,
) -> Result<u64, Error> {
    run::<B, _>(store, operation, fields, |_| 1, call)
}

/// Whether a row had the key (`update`, `delete`, `patch`).
#[inline]
pub fn found<B: Backend>(
    store: &'static str,
    operation: &'static str,
    fields: &'static [&'static str],
    call: impl FnOnce() -> Result<bool, B::DriverError>,
) -> Result<bool, Error> {
    run::<B, _>(store, operation, fields, |found| u64::from(*found), call)
}

/// Refuses a decimal its column would round or overflow, before anything is written.
#[cfg(feature = "decimal")]
#[inline]
pub fn check_decimal(
    store: &'static str,
    operation: &'static str,
    field: &'static str,
    value: impl super::decimal::AsDecimal,
    precision: u32,
    scale: u32,
) -> Result<(), Error> {
    match value
        .as_decimal()
        .and_then(|v| super::decimal::misfit(v, precision, scale))
    {
        None => Ok(()),
        Some(message) => Err(Error::Value {
            store,
            operation,
            field,
            message,
        }),
    }
}

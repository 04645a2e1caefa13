//! A store: the methods every generated store has, written once here over the
//! [`Table`] a generated record implements and the [`Ops`] each backend's generated
//! module implements for it. Below them, the shared half of every store method (the
//! observer hook, the store and operation named in errors, `insert_many`'s
//! transaction), which finders and custom queries call too.

use std::marker::PhantomData;

use super::columns::{Read, Write};
use super::{Backend, Connection, Error, Page, observe::observe};

/// What a generated record tells the generic store about its table: its insert,
/// patch and key types, its name and fields, and the checks made before a write.
/// Generated for every record; not implemented by hand.
pub trait Table: Sized + 'static {
    /// The insert type, `New<Record>`: every field but those the database assigns.
    type New;
    /// The patch type, `<Record>Patch`; `()` for a store whose every field is its key's.
    type Patch;
    /// The key as the store's methods take it: one field's type (`&str` for text), or
    /// a tuple of them for a composite key.
    type Key<'k>: Copy;
    /// The store's name, as errors and the observer name it.
    const STORE: &'static str;
    /// The store's fields in column order, to name the field an error is about.
    const FIELDS: &'static [&'static str];
    /// Whether `update` checks a version field (then a stale record is a conflict).
    const VERSIONED: bool = false;

    /// This record's key.
    fn key(&self) -> Self::Key<'_>;

    /// The store as the generated module's static schema describes it.
    #[doc(hidden)]
    fn schema() -> &'static crate::static_schema::StaticStore;

    /// The store's statements on each backend, built on first use.
    #[doc(hidden)]
    fn statements() -> &'static Statements;

    /// Reads a row: every column, in field order.
    #[doc(hidden)]
    fn read<R: Read>(row: &mut R) -> Result<Self, R::Error>;

    /// Writes every field, in column order.
    #[doc(hidden)]
    fn write<'a, W: Write<'a>>(&'a self, out: &mut W) -> Result<(), W::Error>;

    /// Writes a new row's fields, in column order: a field with a default with
    /// `put_some` (`None` takes the default).
    #[doc(hidden)]
    fn write_new<'a, W: Write<'a>>(new: &'a Self::New, out: &mut W) -> Result<(), W::Error>;

    /// Writes a key's fields, in key order.
    #[doc(hidden)]
    fn write_key<'a, 'k, W: Write<'a>>(key: &'a Self::Key<'k>, out: &mut W)
    -> Result<(), W::Error>;

    /// Writes the fields a patch gives (`put_some`), beside the key and version, in
    /// column order.
    #[doc(hidden)]
    #[inline]
    fn write_patch<'a, W: Write<'a>>(
        _patch: &'a Self::Patch,
        _out: &mut W,
    ) -> Result<(), W::Error> {
        Ok(())
    }

    /// Refuses a new row a column would round or overflow (decimals), before any write.
    #[inline]
    fn check_new(_new: &Self::New, _operation: &'static str) -> Result<(), Error> {
        Ok(())
    }

    /// Refuses a record a column would round or overflow, before any write.
    #[inline]
    fn check_record(&self, _operation: &'static str) -> Result<(), Error> {
        Ok(())
    }

    /// Refuses a patch a column would round or overflow, before any write.
    #[inline]
    fn check_patch(_patch: &Self::Patch) -> Result<(), Error> {
        Ok(())
    }
}

/// A store's operations on one backend, as each backend's generated module implements
/// them for a record: the bare statements, returning the driver's error, without the
/// observer. Call the store's methods instead.
pub trait Ops<T: Table>: Backend {
    /// Inserts a row and reads it back.
    fn insert(conn: &mut Self::Raw<'_>, new: &T::New) -> Result<Option<T>, Self::DriverError>;
    /// Inserts rows, batched; inside the transaction the store began.
    fn insert_many(conn: &mut Self::Raw<'_>, rows: &[T::New]) -> Result<u64, Self::DriverError>;
    /// The row with a key.
    fn get(conn: &mut Self::Raw<'_>, key: T::Key<'_>) -> Result<Option<T>, Self::DriverError>;
    /// The row with a key, locked until the transaction ends.
    fn get_for_update(
        conn: &mut Self::Raw<'_>,
        key: T::Key<'_>,
    ) -> Result<Option<T>, Self::DriverError>;
    /// Deletes the row with a key.
    fn delete(conn: &mut Self::Raw<'_>, key: T::Key<'_>) -> Result<bool, Self::DriverError>;
    /// One page of rows in key order.
    fn list(conn: &mut Self::Raw<'_>, page: Page<T::Key<'_>>) -> Result<Vec<T>, Self::DriverError>;
    /// How many rows the table holds.
    fn count(conn: &mut Self::Raw<'_>) -> Result<u64, Self::DriverError>;
}

/// A store with fields beside its key: it has `update` and `patch`.
pub trait Updatable: Table {}

/// A store whose key the application gives (not generated) and without a version: it
/// has `upsert`.
pub trait Upsertable: Table {}

/// `update` on one backend, for a store with fields beside its key.
pub trait UpdateOps<T: Table>: Ops<T> {
    /// Writes every field of a record to the row with its key (and version).
    fn update(conn: &mut Self::Raw<'_>, record: &T) -> Result<bool, Self::DriverError>;
}

/// `patch` on one backend, for a store with fields beside its key.
pub trait PatchOps<T: Table>: Ops<T> {
    /// Sets the fields a patch gives on the row with a key.
    fn patch(
        conn: &mut Self::Raw<'_>,
        key: T::Key<'_>,
        patch: &T::Patch,
    ) -> Result<bool, Self::DriverError>;
}

/// `upsert` on one backend, for a store whose key the application gives (not generated,
/// no version).
pub trait UpsertOps<T: Table>: Ops<T> {
    /// Inserts a record or overwrites the row with its key; the row as stored.
    fn upsert(conn: &mut Self::Raw<'_>, record: &T) -> Result<Option<T>, Self::DriverError>;
}

/// One store on a connection, transaction or pooled connection: what a generated
/// accessor (`db::customers(&mut conn)`) returns, through the store's own type, which
/// dereferences to this and adds the store's finders.
pub struct Store<'c, B: Backend, T> {
    raw: B::Raw<'c>,
    table: PhantomData<fn() -> T>,
}

impl<'c, B: Backend, T> Store<'c, B, T> {
    /// The store on a connection's handle (generated accessors call this).
    #[doc(hidden)]
    #[inline]
    pub fn new(raw: B::Raw<'c>) -> Self {
        Store {
            raw,
            table: PhantomData,
        }
    }

    /// The connection's handle (generated finders call the backend with it).
    #[doc(hidden)]
    #[inline]
    pub fn raw(&mut self) -> &mut B::Raw<'c> {
        &mut self.raw
    }
}

impl<B: Ops<T>, T: Table> Store<'_, B, T> {
    /// Inserts a row and returns it as stored, with the values the database
    /// assigned (generated keys, defaults).
    #[inline]
    pub fn insert(&mut self, new: &T::New) -> Result<T, Error> {
        T::check_new(new, "insert")?;
        insert::<B, _>(T::STORE, T::FIELDS, || B::insert(&mut self.raw, new))
    }

    /// Inserts every row in one transaction (a savepoint inside an open one): all
    /// of them or, on the first error, none. Returns how many were inserted.
    #[inline]
    pub fn insert_many(&mut self, rows: &[T::New]) -> Result<u64, Error> {
        for new in rows {
            T::check_new(new, "insert_many")?;
        }
        insert_many::<B, _>(
            B::reborrow(&mut self.raw),
            T::STORE,
            T::FIELDS,
            rows,
            |tx, rows| B::insert_many(tx, rows),
        )
    }

    /// The row with this key, if there is one.
    #[inline]
    pub fn get(&mut self, key: T::Key<'_>) -> Result<Option<T>, Error> {
        get::<B, _>(T::STORE, T::FIELDS, || B::get(&mut self.raw, key))
    }

    /// The row with this key, locked until the transaction ends: `SELECT … FOR
    /// UPDATE` on PostgreSQL and MySQL (another transaction's `get_for_update` or
    /// write of the row waits); on SQLite the transaction already holds the write
    /// lock. Only inside a transaction: elsewhere it is an error.
    #[inline]
    pub fn get_for_update(&mut self, key: T::Key<'_>) -> Result<Option<T>, Error> {
        if !B::in_transaction(&mut self.raw) {
            return Err(not_in_transaction(T::STORE));
        }
        one::<B, _>(T::STORE, "get_for_update", T::FIELDS, || {
            B::get_for_update(&mut self.raw, key)
        })
    }

    /// Deletes the row with this key; `false` when there was none.
    #[inline]
    pub fn delete(&mut self, key: T::Key<'_>) -> Result<bool, Error> {
        delete::<B>(T::STORE, T::FIELDS, || B::delete(&mut self.raw, key))
    }

    /// One page of rows in key order: the first, or those after a key.
    #[inline]
    pub fn list(&mut self, page: Page<T::Key<'_>>) -> Result<Vec<T>, Error> {
        list::<B, _>(T::STORE, T::FIELDS, || B::list(&mut self.raw, page))
    }

    /// How many rows the table holds.
    #[inline]
    pub fn count(&mut self) -> Result<u64, Error> {
        count::<B>(T::STORE, T::FIELDS, || B::count(&mut self.raw))
    }
}

impl<B: UpdateOps<T>, T: Table> Store<'_, B, T> {
    /// Writes every field of `record` to the row with its key; `false` when no row
    /// has that key. With a version field, only where the row's version still holds
    /// the record's, and the version is raised by one: a row whose version another
    /// writer raised since `record` was read is an error,
    /// [`is_version_conflict`](Error::is_version_conflict), and nothing is written.
    #[inline]
    pub fn update(&mut self, record: &T) -> Result<bool, Error> {
        record.check_record("update")?;
        if update::<B>(T::STORE, T::FIELDS, || B::update(&mut self.raw, record))? {
            return Ok(true);
        }
        if !T::VERSIONED {
            return Ok(false);
        }
        // Nothing had the key and the version: a row with the key means another
        // writer was first.
        match get::<B, _>(T::STORE, T::FIELDS, || B::get(&mut self.raw, record.key()))? {
            Some(_) => Err(Error::VersionConflict {
                store: T::STORE,
                operation: "update",
            }),
            None => Ok(false),
        }
    }
}

impl<B: PatchOps<T>, T: Table> Store<'_, B, T> {
    /// Sets the fields `patch` gives on the row with this key, in one UPDATE
    /// without reading the row; `false` when no row has the key. A patch that
    /// gives no field changes nothing and says whether the row exists.
    #[inline]
    pub fn patch(&mut self, key: T::Key<'_>, patch: &T::Patch) -> Result<bool, Error> {
        T::check_patch(patch)?;
        found::<B>(T::STORE, "patch", T::FIELDS, || {
            B::patch(&mut self.raw, key, patch)
        })
    }
}

impl<B: UpsertOps<T>, T: Table> Store<'_, B, T> {
    /// Writes `record` whether a row with its key exists or not: inserts it, or
    /// sets every field of the existing row. Returns the row as stored.
    #[inline]
    pub fn upsert(&mut self, record: &T) -> Result<T, Error> {
        record.check_record("upsert")?;
        stored::<B, _>(T::STORE, "upsert", T::FIELDS, || {
            B::upsert(&mut self.raw, record)
        })
    }
}

#[cold]
fn not_in_transaction(store: &'static str) -> Error {
    Error::Unsupported(format!(
        "{store}.get_for_update: only inside a transaction: the lock would end with the statement"
    ))
}

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
#[doc(hidden)]
#[inline]
pub fn insert<B: Backend, R>(
    store: &'static str,
    fields: &'static [&'static str],
    call: impl FnOnce() -> Result<Option<R>, B::DriverError>,
) -> Result<R, Error> {
    stored::<B, R>(store, "insert", fields, call)
}

/// A custom query's `:exec`: the rows it affected, counted as rows.
#[doc(hidden)]
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
#[doc(hidden)]
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
#[doc(hidden)]
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
#[doc(hidden)]
#[inline]
pub fn get<B: Backend, R>(
    store: &'static str,
    fields: &'static [&'static str],
    call: impl FnOnce() -> Result<Option<R>, B::DriverError>,
) -> Result<Option<R>, Error> {
    one::<B, R>(store, "get", fields, call)
}

/// A lookup of at most one row (`get`, `get_by_…`).
#[doc(hidden)]
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
#[doc(hidden)]
#[inline]
pub fn update<B: Backend>(
    store: &'static str,
    fields: &'static [&'static str],
    call: impl FnOnce() -> Result<bool, B::DriverError>,
) -> Result<bool, Error> {
    found::<B>(store, "update", fields, call)
}

/// `delete`: whether a row had the key.
#[doc(hidden)]
#[inline]
pub fn delete<B: Backend>(
    store: &'static str,
    fields: &'static [&'static str],
    call: impl FnOnce() -> Result<bool, B::DriverError>,
) -> Result<bool, Error> {
    found::<B>(store, "delete", fields, call)
}

/// `list`: one page of rows.
#[doc(hidden)]
#[inline]
pub fn list<B: Backend, R>(
    store: &'static str,
    fields: &'static [&'static str],
    call: impl FnOnce() -> Result<Vec<R>, B::DriverError>,
) -> Result<Vec<R>, Error> {
    rows::<B, R>(store, "list", fields, call)
}

/// A page of rows (`list`, `list_by_…`).
#[doc(hidden)]
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
#[doc(hidden)]
#[inline]
pub fn count<B: Backend>(
    store: &'static str,
    fields: &'static [&'static str],
    call: impl FnOnce() -> Result<u64, B::DriverError>,
) -> Result<u64, Error> {
    number::<B>(store, "count", fields, call)
}

/// A number the database answers (`count`, `count_by_…`).
#[doc(hidden)]
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
#[doc(hidden)]
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
#[doc(hidden)]
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

/// A store's statements on each backend, built from its static schema by the one
/// statement builder the first time the store is used on that backend, and kept for the
/// program's life. Each generated record has one, in a `static`.
#[doc(hidden)]
pub struct Statements {
    slots: [std::sync::OnceLock<Box<Prepared>>; crate::backend::BackendKind::ALL.len()],
}

impl Statements {
    /// None built yet.
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Statements {
        Statements {
            slots: [const { std::sync::OnceLock::new() }; crate::backend::BackendKind::ALL.len()],
        }
    }

    /// The store's statements on backend `kind`, in its dialect.
    #[inline]
    pub fn get(
        &'static self,
        kind: crate::backend::BackendKind,
        store: &'static crate::static_schema::StaticStore,
    ) -> &'static Prepared {
        self.slots[kind as usize].get_or_init(|| Box::new(Prepared::new(store, kind.dialect())))
    }
}

/// One store's statements on one backend, and the field orders its values are written in.
#[doc(hidden)]
#[derive(Debug)]
pub struct Prepared {
    /// The statements.
    pub sql: crate::sql::statements::StoreSql,
    /// Every field's index, in column order: what `Table::write` writes.
    pub all: Vec<usize>,
    /// The fields an insert gives, in column order: what `Table::write_new` writes.
    pub insertable: Vec<usize>,
    /// The key's fields, in key order: what `Table::write_key` writes.
    pub key: Vec<usize>,
    /// The fields beside the key and version, in column order: what `Table::write_patch`
    /// writes.
    pub values: Vec<usize>,
    /// For each field (column order), its parameter's position (from 1) in `update`.
    pub update_positions: Vec<usize>,
    /// Whether an insert may leave a column to its default (then its statement is built
    /// for the columns each row gives).
    pub defaults: bool,
    /// What the backend keeps beside the statements (PostgreSQL: each field's
    /// parameter type), made on first use.
    pub extra: std::sync::OnceLock<Box<dyn std::any::Any + Send + Sync>>,
}

impl Prepared {
    fn new(
        store: &'static crate::static_schema::StaticStore,
        dialect: &crate::sql::Dialect,
    ) -> Prepared {
        let model = store.to_store();
        let sql = crate::sql::statements::StoreSql::new(&model, dialect);
        let insertable: Vec<usize> = (0..model.fields.len())
            .filter(|&i| !model.fields[i].assigned())
            .collect();
        let values: Vec<usize> = (0..model.fields.len())
            .filter(|&i| !model.is_key(i) && !model.fields[i].version)
            .collect();
        let version = model.fields.iter().position(|f| f.version);
        let mut update_positions = vec![0; model.fields.len()];
        for (n, &field) in values
            .iter()
            .chain(&model.primary_key)
            .chain(version.as_ref())
            .enumerate()
        {
            update_positions[field] = n + 1;
        }
        let defaults = insertable
            .iter()
            .any(|&i| model.fields[i].default.is_some());
        Prepared {
            all: (0..model.fields.len()).collect(),
            key: model.primary_key.clone(),
            insertable,
            values,
            update_positions,
            defaults,
            extra: std::sync::OnceLock::new(),
            sql,
        }
    }
}

//! The operations every SQLite store shares, written once. A store's generated code
//! passes its statement, a function binding its parameters and a function reading its
//! rows; the work between (preparing through the connection's cache, stepping, reading)
//! is compiled here once, not once per store, which keeps generated code small and quick
//! to compile. The extra cost is an indirect call per statement and per row.

use std::borrow::Cow;

use rusqlite::{Connection, Row, Statement};

/// Binds a statement's parameters.
pub type Bind<'a> = &'a dyn Fn(&mut Statement<'_>) -> rusqlite::Result<()>;

/// Runs `sql` with `bind`'s parameters, handing each row to `each`.
pub fn query_each(
    conn: &Connection,
    sql: &str,
    bind: Bind<'_>,
    each: &mut dyn FnMut(&Row<'_>) -> rusqlite::Result<()>,
) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached(sql)?;
    bind(&mut stmt)?;
    let mut rows = stmt.raw_query();
    while let Some(row) = rows.next()? {
        each(row)?;
    }
    Ok(())
}

/// Runs `sql` with `bind`'s parameters; how many rows it changed.
pub fn execute(conn: &Connection, sql: &str, bind: Bind<'_>) -> rusqlite::Result<usize> {
    let mut stmt = conn.prepare_cached(sql)?;
    bind(&mut stmt)?;
    stmt.raw_execute()
}

/// The row a query returns, if it returns one: `get`, and `insert … RETURNING`.
#[inline]
pub fn one<R>(
    conn: &Connection,
    sql: &str,
    bind: Bind<'_>,
    read: fn(&Row<'_>) -> rusqlite::Result<R>,
) -> rusqlite::Result<Option<R>> {
    let mut out = None;
    query_each(conn, sql, bind, &mut |row| {
        out = Some(read(row)?);
        Ok(())
    })?;
    Ok(out)
}

/// The rows of one page; `limit` bounds the first allocation.
#[inline]
pub fn page<R>(
    conn: &Connection,
    sql: &str,
    bind: Bind<'_>,
    limit: u32,
    read: fn(&Row<'_>) -> rusqlite::Result<R>,
) -> rusqlite::Result<Vec<R>> {
    let mut out = Vec::with_capacity(limit.min(1024) as usize);
    query_each(conn, sql, bind, &mut |row| {
        out.push(read(row)?);
        Ok(())
    })?;
    Ok(out)
}

/// The number a `SELECT COUNT(*)` answers.
pub fn count(conn: &Connection, sql: &str, bind: Bind<'_>) -> rusqlite::Result<u64> {
    let mut n: i64 = 0;
    query_each(conn, sql, bind, &mut |row| {
        n = row.get(0)?;
        Ok(())
    })?;
    Ok(n.unsigned_abs())
}

/// Inserts `count` rows, one prepared insert each (with SQLite in-process, the fastest
/// batch), prepared again only when a row's shape (the columns it leaves to their
/// defaults) differs from the one before. The caller holds the transaction.
pub fn insert_each(
    conn: &Connection,
    count: usize,
    shape: &dyn Fn(usize) -> Cow<'static, str>,
    bind: &dyn Fn(&mut Statement<'_>, usize) -> rusqlite::Result<()>,
) -> rusqlite::Result<u64> {
    let mut current: Option<(Cow<'static, str>, rusqlite::CachedStatement<'_>)> = None;
    for i in 0..count {
        let sql = shape(i);
        let stmt = match &mut current {
            Some((same, stmt)) if *same == sql => stmt,
            _ => {
                let stmt = conn.prepare_cached(&sql)?;
                &mut current.insert((sql, stmt)).1
            }
        };
        bind(stmt, i)?;
        stmt.raw_execute()?;
    }
    Ok(count as u64)
}

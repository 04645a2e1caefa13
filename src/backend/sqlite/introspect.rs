//! Reads what an SQLite database holds for a list of tables, through the pragma table
//! functions. Table and index names are bound as parameters, never formatted into SQL.

use std::collections::HashMap;

use rusqlite::{Connection, params};

use crate::backend::BackendKind;
use crate::model::{
    Catalog, CatalogColumn, CatalogForeignKey, CatalogIndex, CatalogTable, OnDelete,
};

/// The names of the database's tables (SQLite's own and storegen's left out), sorted.
pub fn table_names(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT name FROM pragma_table_list WHERE type = 'table' AND schema = 'main' \
         AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> 'storegen_migrations' \
         ORDER BY name",
    )?;
    let names = stmt.query_map([], |row| row.get(0))?;
    names.collect()
}

/// Introspects the named tables; a table that doesn't exist is left out of the catalog.
///
/// The list of tables and their SQL are read once for all: looked up per table, each
/// lookup would scan the whole schema (quadratic in the number of tables).
pub fn introspect(conn: &Connection, tables: &[&str]) -> rusqlite::Result<Catalog> {
    // Names compare as SQLite's NOCASE does: ASCII letters only.
    let mut listed: HashMap<String, (String, bool, Option<String>)> = HashMap::new();
    let mut stmt = conn.prepare(
        "SELECT l.name, l.wr, s.sql FROM pragma_table_list AS l \
         LEFT JOIN sqlite_schema AS s ON s.type = 'table' AND s.name = l.name \
         WHERE l.type = 'table' AND l.schema = 'main'",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let name: String = row.get(0)?;
        listed.insert(name.to_ascii_lowercase(), (name, row.get(1)?, row.get(2)?));
    }
    let mut found = Vec::with_capacity(tables.len());
    for &wanted in tables {
        if let Some((name, without_rowid, sql)) = listed.get(&wanted.to_ascii_lowercase()) {
            found.push(table(conn, name, *without_rowid, sql.as_deref())?);
        }
    }
    let server_version: String = conn.query_row("SELECT sqlite_version()", [], |row| row.get(0))?;
    Ok(Catalog {
        backend: BackendKind::Sqlite,
        server_version,
        tables: found,
        denied: Vec::new(),
    })
}

fn table(
    conn: &Connection,
    name: &str,
    without_rowid: bool,
    sql: Option<&str>,
) -> rusqlite::Result<CatalogTable> {
    let name = name.to_owned();

    // (column, key position) for the primary key; pk is 1-based, 0 when not a key column.
    let mut key: Vec<(String, i64)> = Vec::new();
    let mut columns = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?1) \
         ORDER BY cid",
    )?;
    let mut rows = stmt.query(params![name])?;
    while let Some(row) = rows.next()? {
        let hidden: i64 = row.get(5)?;
        if hidden == 1 {
            // A virtual table's hidden column: not part of the stored row.
            continue;
        }
        let column_name: String = row.get(0)?;
        let pk: i64 = row.get(4)?;
        if pk > 0 {
            key.push((column_name.clone(), pk));
        }
        let mut default: Option<String> = row.get(3)?;
        if hidden > 1 && default.is_none() {
            // A generated column: the database computes it; an insert never names it.
            default = Some("GENERATED ALWAYS".into());
        }
        columns.push(CatalogColumn {
            name: column_name,
            sql_type: row.get(1)?,
            nullable: !row.get::<_, bool>(2)?,
            default,
            auto_increment: false,
            enum_values: None,
        });
    }
    // An enum's CHECK (`"status" IN ('new', 'paid')`) lives only in the table's text.
    for (column, values) in crate::backend::in_list_checks(sql.unwrap_or("")) {
        if let Some(c) = columns
            .iter_mut()
            .find(|c| c.name.eq_ignore_ascii_case(&column))
        {
            c.enum_values = Some(values);
        }
    }
    key.sort_by_key(|(_, position)| *position);
    let primary_key: Vec<String> = key.into_iter().map(|(c, _)| c).collect();

    // A rowid table's single INTEGER PRIMARY KEY column is an alias for the rowid: the
    // database assigns it when an insert leaves it out. Any other declared type
    // ("BIGINT PRIMARY KEY") is an ordinary column that may even hold NULL.
    if !without_rowid
        && primary_key.len() == 1
        && let Some(column) = columns.iter_mut().find(|c| c.name == primary_key[0])
    {
        column.auto_increment = column.sql_type.eq_ignore_ascii_case("INTEGER");
    }
    if without_rowid {
        for column in columns.iter_mut().filter(|c| primary_key.contains(&c.name)) {
            column.nullable = false;
        }
    }

    let (indexes, unique) = indexes(conn, &name)?;
    let foreign_keys = foreign_keys(conn, &name)?;
    Ok(CatalogTable {
        name,
        columns,
        primary_key,
        unique,
        indexes,
        foreign_keys,
    })
}

/// Every index on the table, and the column lists of its unique constraints (the
/// primary key and partial indexes excluded).
fn indexes(
    conn: &Connection,
    table: &str,
) -> rusqlite::Result<(Vec<CatalogIndex>, Vec<Vec<String>>)> {
    let mut list = conn.prepare_cached(
        "SELECT name, \"unique\", origin, partial FROM pragma_index_list(?1) ORDER BY seq DESC",
    )?;
    let found: Vec<(String, bool, String, bool)> = list
        .query_map(params![table], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut info = conn.prepare_cached(
        "SELECT name, \"desc\" FROM pragma_index_xinfo(?1) WHERE key ORDER BY seqno",
    )?;
    let mut indexes = Vec::with_capacity(found.len());
    let mut unique = Vec::new();
    for (name, is_unique, origin, partial) in found {
        let parts: Vec<(Option<String>, bool)> = info
            .query_map(params![name], |row| {
                Ok((row.get::<_, Option<String>>(0)?, row.get::<_, bool>(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        // An expression in an index has no column name: read as its columns alone, the
        // index (or a partial one, which covers some rows) would pass for one it isn't.
        if partial || parts.iter().any(|(column, _)| column.is_none()) {
            continue;
        }
        let parts: Vec<(String, bool)> = parts
            .into_iter()
            .filter_map(|(column, descending)| Some((column?, descending)))
            .collect();
        let (columns, descending): (Vec<String>, Vec<bool>) = parts.into_iter().unzip();
        if is_unique && !partial && origin != "pk" {
            unique.push(columns.clone());
        }
        indexes.push(CatalogIndex::new(
            name,
            columns,
            is_unique && !partial,
            descending,
        ));
    }
    Ok((indexes, unique))
}

fn foreign_keys(conn: &Connection, table: &str) -> rusqlite::Result<Vec<CatalogForeignKey>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list(?1) \
         ORDER BY id, seq",
    )?;
    let mut rows = stmt.query(params![table])?;
    let mut keys: Vec<(i64, CatalogForeignKey)> = Vec::new();
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        let from: String = row.get(2)?;
        // NULL "to": the key references the parent's primary key, resolved below.
        let to: Option<String> = row.get(3)?;
        let on_delete: String = row.get(4)?;
        if keys.last().is_none_or(|(last, _)| *last != id) {
            keys.push((
                id,
                CatalogForeignKey {
                    name: String::new(),
                    columns: Vec::new(),
                    table: row.get(1)?,
                    referenced: Vec::new(),
                    on_delete: on_delete_from_sql(&on_delete),
                },
            ));
        }
        let key = &mut keys.last_mut().expect("pushed above").1;
        key.columns.push(from);
        if let Some(to) = to {
            key.referenced.push(to);
        }
    }
    let mut resolved = Vec::with_capacity(keys.len());
    for (_, mut key) in keys {
        if key.referenced.is_empty() {
            key.referenced = parent_key(conn, &key.table)?;
        }
        resolved.push(key);
    }
    Ok(resolved)
}

fn parent_key(conn: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk")?;
    stmt.query_map(params![table], |row| row.get(0))?.collect()
}

fn on_delete_from_sql(action: &str) -> OnDelete {
    match action.to_ascii_uppercase().as_str() {
        "RESTRICT" => OnDelete::Restrict,
        "CASCADE" => OnDelete::Cascade,
        "SET NULL" => OnDelete::SetNull,
        "SET DEFAULT" => OnDelete::SetDefault,
        _ => OnDelete::NoAction,
    }
}

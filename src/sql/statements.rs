//! Each store's statements, written once for every backend through its [`Dialect`].
//! Parameters are numbered in the order the generated code binds them: a key's fields in
//! key order, then a page's limit; an update's value fields in declaration order, then
//! the key.

use super::Dialect;
use crate::model::{Finder, FinderKind, Store};

/// The statements of one store, in one backend's SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreSql {
    /// The quoted table name.
    pub table: String,
    /// Every column, quoted, in field order: what a row is read as.
    pub columns: String,
    /// The columns an insert may give (all but the generated ones), quoted.
    pub insert_columns: Vec<String>,
    /// An insert giving every insertable column, without RETURNING.
    pub insert: String,
    /// `insert` returning the stored row where the dialect always can (SQLite,
    /// PostgreSQL); else `insert` (MySQL tries RETURNING by the server's version).
    pub insert_returning: String,
    pub get: String,
    /// `None` when every field is part of the key.
    pub update: Option<String>,
    pub delete: String,
    pub list_first: String,
    pub list_after: String,
    pub count: String,
    /// Every column, quoted, but the key's: what an update or patch may set.
    pub value_columns: Vec<String>,
    /// The key's columns, quoted.
    pub key_columns: Vec<String>,
    /// Writes a whole record whether its key exists or not, returning the row where the
    /// backend can (SQLite, PostgreSQL). `None` when the key is generated.
    pub upsert: Option<String>,
    /// An insert giving every column (the key too): MySQL's upsert falls back to it.
    pub insert_all: String,
    /// For each of `value_columns`, the patch that sets it alone: the common patch, with
    /// its statement written at build time.
    pub patch_one: Vec<String>,
    /// The version column (`version = true`), quoted, if the store has one.
    pub version: Option<String>,
    /// `get`, locking the row until the transaction ends where the backend can.
    pub get_for_update: String,
}

impl StoreSql {
    pub fn new(store: &Store, dialect: &Dialect) -> StoreSql {
        let q = |name: &str| dialect.quote(name);
        let table = q(&store.table);
        let columns = dialect.read_columns(store);
        let insert_columns: Vec<String> = store
            .fields
            .iter()
            .filter(|f| !f.assigned())
            .map(|f| q(&f.column))
            .collect();
        let (insert, insert_returning) = {
            let names: Vec<&str> = insert_columns.iter().map(String::as_str).collect();
            let all = vec![true; names.len()];
            let returning = match dialect.returning {
                super::dialect::Returning::Always => Some(columns.as_str()),
                super::dialect::Returning::ServerDependent => None,
            };
            (
                dialect.insert(&table, &names, &all, 1, None),
                dialect.insert(&table, &names, &all, 1, returning),
            )
        };
        let key: Vec<String> = store.key_fields().map(|f| q(&f.column)).collect();
        let key_match = |first: usize| {
            key.iter()
                .enumerate()
                .map(|(i, k)| format!("{k} = {}", dialect.placeholder(first + i)))
                .collect::<Vec<_>>()
                .join(" AND ")
        };
        let values: Vec<String> = store.value_fields().map(|f| q(&f.column)).collect();
        let version = store.version_field().map(|f| q(&f.column));
        // With a version: the version one higher, where it still holds the record's (the
        // last parameter, after the key).
        let update = (!values.is_empty() || version.is_some()).then(|| {
            let mut set: Vec<String> = values
                .iter()
                .enumerate()
                .map(|(i, c)| format!("{c} = {}", dialect.placeholder(i + 1)))
                .collect();
            let mut condition = key_match(values.len() + 1);
            if let Some(v) = &version {
                set.push(format!("{v} = {v} + 1"));
                condition.push_str(&format!(
                    " AND {v} = {}",
                    dialect.placeholder(values.len() + key.len() + 1)
                ));
            }
            format!("UPDATE {table} SET {} WHERE {condition}", set.join(", "))
        });
        let order = key.join(", ");
        let after = if key.len() == 1 {
            format!("{order} > {}", dialect.placeholder(1))
        } else {
            let marks: Vec<String> = (1..=key.len()).map(|i| dialect.placeholder(i)).collect();
            format!("({order}) > ({})", marks.join(", "))
        };
        let all_columns: Vec<String> = store.fields.iter().map(|f| q(&f.column)).collect();
        let all_names: Vec<&str> = all_columns.iter().map(String::as_str).collect();
        let insert_all = dialect.insert(&table, &all_names, &vec![true; all_names.len()], 1, None);
        // A store with a version has no upsert: it would overwrite without the check.
        let upsert = (!store.key_fields().any(|f| f.generated) && version.is_none()).then(|| {
            let key_names: Vec<&str> = key.iter().map(String::as_str).collect();
            let value_names: Vec<&str> = values.iter().map(String::as_str).collect();
            let returning = match dialect.returning {
                super::dialect::Returning::Always => format!(" RETURNING {columns}"),
                super::dialect::Returning::ServerDependent => String::new(),
            };
            format!(
                "{insert_all}{}{returning}",
                dialect.upsert(&key_names, &value_names)
            )
        });
        let patch_one = {
            let value_names: Vec<&str> = values.iter().map(String::as_str).collect();
            let key_names: Vec<&str> = key.iter().map(String::as_str).collect();
            (0..values.len())
                .map(|i| {
                    let set: Vec<bool> = (0..values.len()).map(|j| j == i).collect();
                    dialect.patch_versioned(
                        &table,
                        version.as_deref(),
                        &value_names,
                        &set,
                        &key_names,
                    )
                })
                .collect()
        };
        let get = format!("SELECT {columns} FROM {table} WHERE {}", key_match(1));
        StoreSql {
            get_for_update: if dialect.row_locks {
                format!("{get} FOR UPDATE")
            } else {
                get.clone()
            },
            version,
            get,
            delete: format!("DELETE FROM {table} WHERE {}", key_match(1)),
            list_first: format!(
                "SELECT {columns} FROM {table} ORDER BY {order}{}",
                dialect.limit(1)
            ),
            list_after: format!(
                "SELECT {columns} FROM {table} WHERE {after} ORDER BY {order}{}",
                dialect.limit(key.len() + 1)
            ),
            count: format!("SELECT COUNT(*) FROM {table}"),
            update,
            insert,
            insert_returning,
            insert_columns,
            value_columns: values,
            key_columns: key,
            upsert,
            insert_all,
            patch_one,
            columns,
            table,
        }
    }
}

impl StoreSql {
    /// Every statement of the store's operations as they run, each under a comment
    /// naming its operation: what `storegen sql` prints. An insert that leaves columns to
    /// their defaults names only the columns it gives; the one shown gives them all.
    pub fn script(&self, store: &str) -> String {
        let mut out = format!("-- store `{store}`\n");
        let mut add = |operation: &str, sql: &str| {
            out.push_str(&format!("-- {operation}\n{sql};\n"));
        };
        add("insert", &self.insert_returning);
        add("get", &self.get);
        if self.get_for_update != self.get {
            add("get_for_update", &self.get_for_update);
        }
        if let Some(update) = &self.update {
            add("update", update);
        }
        if let Some(upsert) = &self.upsert {
            add("upsert", upsert);
        }
        add("delete", &self.delete);
        add("list (first page)", &self.list_first);
        add("list (page after a key)", &self.list_after);
        add("count", &self.count);
        for (column, patch) in self.value_columns.iter().zip(&self.patch_one) {
            add(&format!("patch (setting {column} alone)"), patch);
        }
        out
    }
}

/// What a statement's parameter is bound from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arg {
    /// The finder's `n`th value (its `n`th field's).
    Equal(usize),
    /// The `n`th item of the page's "after" value (one per page column).
    After(usize),
    /// The page's limit.
    Limit,
}

/// A statement and what each of its parameters is bound from, in parameter order. With
/// numbered placeholders a value used twice is bound once; with `?` it is bound at each
/// use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bound {
    pub sql: String,
    pub args: Vec<Arg>,
}

/// Numbers a statement's parameters as it is written.
struct Args<'d> {
    dialect: &'d Dialect,
    order: Vec<Arg>,
}

impl Args<'_> {
    fn mark(&mut self, arg: Arg) -> String {
        if self.dialect.placeholder != super::dialect::Placeholder::Question
            && let Some(at) = self.order.iter().position(|a| *a == arg)
        {
            return self.dialect.placeholder(at + 1);
        }
        self.order.push(arg);
        self.dialect.placeholder(self.order.len())
    }
}

/// A finder's statements: a `get_by_` reads one row; a `list_by_` reads its first page,
/// the page after a row, and counts.
///
/// A listing whose first `order` field is nullable (at most one may be) keeps NULL
/// smallest: first ascending, last descending. Every statement reads one index range;
/// where NULLs and values meet, a page may take two: after a value in a descending
/// order, the values below it (`after_value`) then the NULLs from their start (`then`);
/// after a NULL in an ascending order, the NULLs after it (`after_null`) then the values
/// from theirs (`then`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinderSql {
    /// `get_by_`: the row with the values.
    pub get: Option<Bound>,
    /// `list_by_`: the first page.
    pub first: Option<Bound>,
    /// `list_by_`: the page after a row (after a value of the nullable field, if any).
    pub after_value: Option<Bound>,
    /// `list_by_`: the page after a row whose nullable field is NULL.
    pub after_null: Option<Bound>,
    /// `list_by_`: the second range a page may need (see above), read from its start.
    pub then: Option<Bound>,
    /// `count_by_`.
    pub count: Option<Bound>,
}

impl FinderSql {
    pub fn new(store: &Store, finder: &Finder<'_>, dialect: &Dialect) -> FinderSql {
        let q = |i: usize| dialect.quote(&store.fields[i].column);
        let table = dialect.quote(&store.table);
        let columns = dialect.read_columns(store);
        let new_args = || Args {
            dialect,
            order: Vec::new(),
        };
        let equal = |args: &mut Args<'_>| {
            finder
                .fields
                .iter()
                .enumerate()
                .map(|(n, &i)| format!("{} = {}", q(i), args.mark(Arg::Equal(n))))
                .collect::<Vec<_>>()
                .join(" AND ")
        };
        let mut out = FinderSql {
            get: None,
            first: None,
            after_value: None,
            after_null: None,
            then: None,
            count: None,
        };
        let index = match (finder.kind, finder.index) {
            (FinderKind::List, Some(index)) => index,
            _ => {
                let mut args = new_args();
                let sql = format!("SELECT {columns} FROM {table} WHERE {}", equal(&mut args));
                out.get = Some(Bound {
                    sql,
                    args: args.order,
                });
                return out;
            }
        };
        let page = index.page_columns(store);
        let order_by = |from: usize| {
            page[from..]
                .iter()
                .map(|c| dialect.order_term(&q(c.field), c.descending, c.nulls_matter))
                .collect::<Vec<_>>()
                .join(", ")
        };
        // A statement: the equality, then `condition` (given the arguments so far, so
        // its marks follow the equality's), ordered by the page columns from `from`.
        let listing = |condition: &dyn Fn(&mut Args<'_>) -> Option<String>, from: usize| {
            let mut args = new_args();
            let mut sql = format!("SELECT {columns} FROM {table} WHERE {}", equal(&mut args));
            if let Some(condition) = condition(&mut args) {
                sql.push_str(" AND ");
                sql.push_str(&condition);
            }
            sql.push_str(&format!(" ORDER BY {}", order_by(from)));
            sql.push_str(&format!(" LIMIT {}", args.mark(Arg::Limit)));
            Bound {
                sql,
                args: args.order,
            }
        };
        out.first = Some(listing(&|_| None, 0));
        out.after_value = Some(listing(&|args| Some(after(&page, 0, &q, args)), 0));
        if page[0].nulls_matter {
            let column = q(page[0].field);
            let from = usize::from(!dialect.null_column_in_order);
            // Past a NULL: the NULLs after it, in the rest's order (the NULL is constant,
            // named in the ORDER BY only where the backend reads the index better so).
            out.after_null = Some(listing(
                &|args| {
                    Some(format!(
                        "{column} IS NULL AND {}",
                        after(&page, 1, &q, args)
                    ))
                },
                from,
            ));
            out.then = Some(if page[0].descending {
                listing(&|_| Some(format!("{column} IS NULL")), from)
            } else {
                listing(&|_| Some(format!("{column} IS NOT NULL")), 0)
            });
        }
        let mut args = new_args();
        let sql = format!("SELECT COUNT(*) FROM {table} WHERE {}", equal(&mut args));
        out.count = Some(Bound {
            sql,
            args: args.order,
        });
        out
    }
}

/// The rows after the "after" values in the page columns from `i` on: the keyset
/// condition, written as `c >= v AND (c > v OR <the rest>)` so the first column bounds
/// one index range. A nullable column is compared as a value here: NULLs are read
/// apart (see [`FinderSql`]).
fn after(
    page: &[crate::model::IndexColumn],
    i: usize,
    q: &dyn Fn(usize) -> String,
    args: &mut Args<'_>,
) -> String {
    let c = &page[i];
    let column = q(c.field);
    let (ge, gt) = if c.descending {
        ("<=", "<")
    } else {
        (">=", ">")
    };
    // Marks in the order they appear in the text: with `?`, that is the binding order.
    if i + 1 == page.len() {
        return format!("{column} {gt} {}", args.mark(Arg::After(i)));
    }
    let at_least = format!("{column} {ge} {}", args.mark(Arg::After(i)));
    let strictly = format!("{column} {gt} {}", args.mark(Arg::After(i)));
    let rest = after(page, i + 1, q, args);
    format!("{at_least} AND ({strictly} OR {rest})")
}

#[cfg(test)]
mod tests {
    use super::{Arg, FinderSql, StoreSql};
    use crate::BackendKind;

    fn store() -> crate::model::Store {
        let text = r#"
[blueprint]
name = "t"
[database]
backends = ["sqlite", "postgres", "mysql"]
[stores.tracks]
table = "PlaylistTrack"
primary_key = ["playlist_id", "track_id"]
[stores.tracks.fields]
playlist_id = "int32"
track_id = "int32"
position = "int32"
"#;
        let (parsed, _) = crate::build::blueprint::parse(text).unwrap();
        parsed.schema.stores[0].clone()
    }

    #[test]
    fn one_builder_writes_each_backends_statements() {
        let store = store();
        let pg = StoreSql::new(&store, BackendKind::Postgres.dialect());
        assert_eq!(
            pg.update.as_deref(),
            Some(
                r#"UPDATE "PlaylistTrack" SET "position" = $1 WHERE "playlist_id" = $2 AND "track_id" = $3"#
            )
        );
        assert_eq!(
            pg.list_after,
            r#"SELECT "playlist_id", "track_id", "position" FROM "PlaylistTrack" WHERE ("playlist_id", "track_id") > ($1, $2) ORDER BY "playlist_id", "track_id" LIMIT $3"#
        );
        let my = StoreSql::new(&store, BackendKind::Mysql.dialect());
        assert_eq!(
            my.get,
            "SELECT `playlist_id`, `track_id`, `position` FROM `PlaylistTrack` WHERE `playlist_id` = ? AND `track_id` = ?"
        );
        assert_eq!(
            my.insert,
            "INSERT INTO `PlaylistTrack` (`playlist_id`, `track_id`, `position`) VALUES (?, ?, ?)"
        );
        let lite = StoreSql::new(&store, BackendKind::Sqlite.dialect());
        assert_eq!(
            lite.list_first,
            r#"SELECT "playlist_id", "track_id", "position" FROM "PlaylistTrack" ORDER BY "playlist_id", "track_id" LIMIT ?1"#
        );
        assert_eq!(
            lite.delete,
            r#"DELETE FROM "PlaylistTrack" WHERE "playlist_id" = ?1 AND "track_id" = ?2"#
        );
        assert_eq!(lite.count, r#"SELECT COUNT(*) FROM "PlaylistTrack""#);
    }

    #[test]
    fn a_listings_keyset_condition_binds_each_value_once_where_numbered() {
        let text = r#"
[blueprint]
name = "t"
[database]
backends = ["sqlite", "postgres", "mysql"]
[stores.issues]
[stores.issues.fields]
id = { type = "int64", primary_key = true }
project_id = "int64"
priority = { type = "int32", nullable = true }
[[stores.issues.indexes]]
fields = ["project_id"]
order = ["priority desc"]
"#;
        let (parsed, _) = crate::build::blueprint::parse(text).unwrap();
        let store = &parsed.schema.stores[0];
        let finders = store.finders();
        let pg = FinderSql::new(store, &finders[0], BackendKind::Postgres.dialect());
        // NULL last when descending: told to PostgreSQL, which puts it first unless told.
        assert_eq!(
            pg.first.unwrap().sql,
            r#"SELECT "id", "project_id", "priority" FROM "issues" WHERE "project_id" = $1 ORDER BY "priority" DESC NULLS LAST, "id" DESC LIMIT $2"#
        );
        // After a row with a priority: lower ones, or equal ones with a smaller key, in
        // one index range (`$2` bound once) ...
        let after = pg.after_value.unwrap();
        assert_eq!(
            after.sql,
            r#"SELECT "id", "project_id", "priority" FROM "issues" WHERE "project_id" = $1 AND "priority" <= $2 AND ("priority" < $2 OR "id" < $3) ORDER BY "priority" DESC NULLS LAST, "id" DESC LIMIT $4"#
        );
        assert_eq!(
            after.args,
            [Arg::Equal(0), Arg::After(0), Arg::After(1), Arg::Limit]
        );
        // ... then, when those run out, the NULLs from their start.
        assert_eq!(
            pg.then.unwrap().sql,
            r#"SELECT "id", "project_id", "priority" FROM "issues" WHERE "project_id" = $1 AND "priority" IS NULL ORDER BY "priority" DESC NULLS LAST, "id" DESC LIMIT $2"#
        );
        // After a row without one: only NULLs with a smaller key.
        assert_eq!(
            pg.after_null.unwrap().sql,
            r#"SELECT "id", "project_id", "priority" FROM "issues" WHERE "project_id" = $1 AND "priority" IS NULL AND "id" < $2 ORDER BY "priority" DESC NULLS LAST, "id" DESC LIMIT $3"#
        );
        // With `?`, a value used twice is bound twice.
        let my = FinderSql::new(store, &finders[0], BackendKind::Mysql.dialect());
        assert_eq!(
            my.after_value.unwrap().args,
            [
                Arg::Equal(0),
                Arg::After(0),
                Arg::After(0),
                Arg::After(1),
                Arg::Limit
            ]
        );
        assert_eq!(
            my.count.unwrap().sql,
            "SELECT COUNT(*) FROM `issues` WHERE `project_id` = ?"
        );
    }
}

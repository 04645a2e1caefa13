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
}

impl StoreSql {
    pub fn new(store: &Store, dialect: &Dialect) -> StoreSql {
        let q = |name: &str| dialect.quote(name);
        let table = q(&store.table);
        let columns = store
            .fields
            .iter()
            .map(|f| q(&f.column))
            .collect::<Vec<_>>()
            .join(", ");
        let insert_columns: Vec<String> = store
            .fields
            .iter()
            .filter(|f| !f.generated)
            .map(|f| q(&f.column))
            .collect();
        let insert = {
            let names: Vec<&str> = insert_columns.iter().map(String::as_str).collect();
            dialect.insert(&table, &names, &vec![true; names.len()], 1, None)
        };
        let key: Vec<String> = store.key_fields().map(|f| q(&f.column)).collect();
        let key_match = |first: usize| {
            key.iter()
                .enumerate()
                .map(|(i, k)| format!("{k} = {}", dialect.placeholder(first + i)))
                .collect::<Vec<_>>()
                .join(" AND ")
        };
        let values: Vec<String> = store
            .fields
            .iter()
            .enumerate()
            .filter(|(i, _)| !store.is_key(*i))
            .map(|(_, f)| q(&f.column))
            .collect();
        let update = (!values.is_empty()).then(|| {
            let set = values
                .iter()
                .enumerate()
                .map(|(i, c)| format!("{c} = {}", dialect.placeholder(i + 1)))
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "UPDATE {table} SET {set} WHERE {}",
                key_match(values.len() + 1)
            )
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
        let upsert = (!store.key_fields().any(|f| f.generated)).then(|| {
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
        StoreSql {
            get: format!("SELECT {columns} FROM {table} WHERE {}", key_match(1)),
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
            insert_columns,
            value_columns: values,
            key_columns: key,
            upsert,
            insert_all,
            columns,
            table,
        }
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
/// the pages after a row (one statement for each way its nullable `order` values can
/// be NULL), and counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinderSql {
    /// `get_by_`: the row with the values.
    pub get: Option<Bound>,
    /// `list_by_`: the first page.
    pub first: Option<Bound>,
    /// `list_by_`: the page after a row. Indexed by a mask of the nullable page
    /// columns (in page-column order) whose "after" value is NULL: bit `i` for the `i`th.
    pub after: Vec<Bound>,
    /// `count_by_`.
    pub count: Option<Bound>,
}

impl FinderSql {
    pub fn new(store: &Store, finder: &Finder<'_>, dialect: &Dialect) -> FinderSql {
        let q = |i: usize| dialect.quote(&store.fields[i].column);
        let table = dialect.quote(&store.table);
        let columns = store
            .fields
            .iter()
            .map(|f| dialect.quote(&f.column))
            .collect::<Vec<_>>()
            .join(", ");
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
            after: Vec::new(),
            count: None,
        };
        match (finder.kind, finder.index) {
            (FinderKind::Get, _) | (FinderKind::List, None) => {
                let mut args = new_args();
                let sql = format!("SELECT {columns} FROM {table} WHERE {}", equal(&mut args));
                out.get = Some(Bound {
                    sql,
                    args: args.order,
                });
            }
            (FinderKind::List, Some(index)) => {
                let page = index.page_columns(store);
                let order_by = page
                    .iter()
                    .map(|c| dialect.order_term(&q(c.field), c.descending, c.nulls_matter))
                    .collect::<Vec<_>>()
                    .join(", ");
                let mut args = new_args();
                let sql = format!(
                    "SELECT {columns} FROM {table} WHERE {} ORDER BY {order_by} LIMIT {}",
                    equal(&mut args),
                    args.mark(Arg::Limit)
                );
                out.first = Some(Bound {
                    sql,
                    args: args.order,
                });
                let nullable: Vec<usize> =
                    (0..page.len()).filter(|&i| page[i].nulls_matter).collect();
                for mask in 0..1usize << nullable.len() {
                    let is_null = |i: usize| {
                        nullable
                            .iter()
                            .position(|&n| n == i)
                            .is_some_and(|bit| mask & (1 << bit) != 0)
                    };
                    let mut args = new_args();
                    let equal = equal(&mut args);
                    let after = after(&page, 0, &q, &is_null, &mut args);
                    let sql = format!(
                        "SELECT {columns} FROM {table} WHERE {equal} AND {after} ORDER BY {order_by} LIMIT {}",
                        args.mark(Arg::Limit)
                    );
                    out.after.push(Bound {
                        sql,
                        args: args.order,
                    });
                }
                let mut args = new_args();
                let sql = format!("SELECT COUNT(*) FROM {table} WHERE {}", equal(&mut args));
                out.count = Some(Bound {
                    sql,
                    args: args.order,
                });
            }
        }
        out
    }
}

/// The rows after the "after" values in the page columns from `i` on: the keyset
/// condition, written as `c >= v AND (c > v OR <the rest>)` so the first column bounds
/// an index range. NULL is smallest: first ascending, last descending.
fn after(
    page: &[crate::model::IndexColumn],
    i: usize,
    q: &dyn Fn(usize) -> String,
    is_null: &dyn Fn(usize) -> bool,
    args: &mut Args<'_>,
) -> String {
    let c = &page[i];
    let column = q(c.field);
    let last = i + 1 == page.len();
    if is_null(i) {
        // Ascending, everything not NULL comes after NULL; descending, nothing does.
        return match (c.descending, last) {
            (false, true) => format!("{column} IS NOT NULL"),
            (false, false) => format!(
                "({column} IS NOT NULL OR {})",
                after(page, i + 1, q, is_null, args)
            ),
            (true, true) => "1 = 0".to_owned(),
            (true, false) => format!(
                "{column} IS NULL AND {}",
                after(page, i + 1, q, is_null, args)
            ),
        };
    }
    let (ge, gt) = if c.descending {
        ("<=", "<")
    } else {
        (">=", ">")
    };
    // Descending, NULLs come after every value.
    let or_null = if c.descending && c.nulls_matter {
        format!(" OR {column} IS NULL")
    } else {
        String::new()
    };
    // Marks in the order they appear in the text: with `?`, that is the binding order.
    let at_least = (!last).then(|| {
        let value = args.mark(Arg::After(i));
        if or_null.is_empty() {
            format!("{column} {ge} {value}")
        } else {
            format!("({column} {ge} {value}{or_null})")
        }
    });
    let strictly = format!("{column} {gt} {}{or_null}", args.mark(Arg::After(i)));
    let Some(at_least) = at_least else {
        return if or_null.is_empty() {
            strictly
        } else {
            format!("({strictly})")
        };
    };
    let rest = after(page, i + 1, q, is_null, args);
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
        // After a row with a priority: lower ones, then the NULLs, then equal ones with a
        // smaller key. `$2` is bound once.
        assert_eq!(
            pg.after[0].sql,
            r#"SELECT "id", "project_id", "priority" FROM "issues" WHERE "project_id" = $1 AND ("priority" <= $2 OR "priority" IS NULL) AND ("priority" < $2 OR "priority" IS NULL OR "id" < $3) ORDER BY "priority" DESC NULLS LAST, "id" DESC LIMIT $4"#
        );
        assert_eq!(
            pg.after[0].args,
            [Arg::Equal(0), Arg::After(0), Arg::After(1), Arg::Limit]
        );
        // After a row without one: only NULLs with a smaller key.
        assert_eq!(
            pg.after[1].sql,
            r#"SELECT "id", "project_id", "priority" FROM "issues" WHERE "project_id" = $1 AND "priority" IS NULL AND "id" < $2 ORDER BY "priority" DESC NULLS LAST, "id" DESC LIMIT $3"#
        );
        // With `?`, a value used twice is bound twice.
        let my = FinderSql::new(store, &finders[0], BackendKind::Mysql.dialect());
        assert_eq!(
            my.after[0].args,
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

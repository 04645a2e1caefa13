//! What SQL text differs between the backends, as data: identifier quoting, literals,
//! placeholders, RETURNING, the insert that gives no columns, upserts and limits. Every
//! statement storegen writes — at build time for the generated code, at run time for
//! inserts whose shape depends on the row — goes through one [`Dialect`], so a backend
//! declares these facts once (its folder's `DIALECT`) and no SQL builder is written per
//! backend.

use std::fmt::Write as _;

/// How a statement marks its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placeholder {
    /// `?`, bound in order (MySQL).
    Question,
    /// `?1`, `?2`, … (SQLite).
    NumberedQuestion,
    /// `$1`, `$2`, … (PostgreSQL).
    Dollar,
}

/// What an INSERT that names no columns looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmptyInsert {
    /// `INSERT INTO t DEFAULT VALUES`: one row per statement (SQLite, PostgreSQL).
    DefaultValues,
    /// `INSERT INTO t () VALUES (), ()`: any number of rows (MySQL).
    EmptyRows,
}

/// Whether `INSERT … RETURNING` is there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Returning {
    /// Every server has it (SQLite, PostgreSQL).
    Always,
    /// MariaDB has it, MySQL doesn't: the runtime asks the server.
    ServerDependent,
}

/// How an insert that meets an existing key updates that row instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upsert {
    /// `ON CONFLICT (key) DO UPDATE SET c = excluded.c` (SQLite, PostgreSQL).
    OnConflict,
    /// `ON DUPLICATE KEY UPDATE c = VALUES(c)` (MySQL, MariaDB).
    OnDuplicateKey,
}

/// One backend's SQL spelling. The constants live in the backend folders
/// (`backend::sqlite::DIALECT`, …); [`crate::BackendKind::dialect`] finds them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    /// The character that opens and closes a quoted identifier (doubled inside one).
    pub identifier_quote: char,
    /// Whether a backslash in a string literal is an escape (MySQL, unless the session
    /// sets NO_BACKSLASH_ESCAPES), so it must be doubled.
    pub backslash_escapes: bool,
    /// How parameters are written.
    pub placeholder: Placeholder,
    /// Whether `DEFAULT` may stand for a value in a VALUES row; without it, a row that
    /// leaves columns to their defaults names only the columns it gives.
    pub default_in_values: bool,
    /// How an insert that names no columns is written.
    pub empty_insert: EmptyInsert,
    /// Whether an insert can return the row it wrote.
    pub returning: Returning,
    /// How an insert that meets an existing key updates that row instead.
    pub upsert: Upsert,
    /// Whether NULL sorts before every value in ascending order and after them in
    /// descending order without being told (SQLite, MySQL). storegen lists NULLs so on
    /// every backend; PostgreSQL (NULL largest by default) is told with `NULLS FIRST` /
    /// `NULLS LAST`, in the index and the `ORDER BY` alike.
    pub nulls_smallest: bool,
    /// Whether a listing restricted to a column's NULLs (`c IS NULL`) still names that
    /// column in its ORDER BY. PostgreSQL needs it named to read the index in order (it
    /// doesn't take `IS NULL` for a constant); MariaDB needs it gone (it sorts
    /// otherwise). SQLite reads the index in order either way.
    pub null_column_in_order: bool,
    /// Whether `SELECT … FOR UPDATE` locks the rows it reads until the transaction ends
    /// (PostgreSQL, MySQL); SQLite has no row locks, and its transactions already hold
    /// the write lock.
    pub row_locks: bool,
    /// Reads native enum and padded `CHAR(n)` columns as text (`"status"::text`).
    /// PostgreSQL's driver looks an enum type up in the middle of a query run without
    /// preparing it, and a result longer than its buffer then deadlocks the connection
    /// (tokio-postgres's `query_typed`); as text the value needs no lookup, and reads the
    /// same. A `character(n)` as text comes without its padding.
    pub reads_as_text: bool,
    /// The longest name the server gives a foreign key itself (`<table>_ibfk_<n>`) may
    /// have, if it doesn't shorten it: past it, storegen names the constraint.
    pub long_foreign_key_names: Option<usize>,
    /// Whether `#` starts a comment to the end of the line (MySQL), where scripts are
    /// split into statements.
    pub hash_comments: bool,
    /// Whether `$tag$ … $tag$` quotes a string (PostgreSQL's dollar quotes), where
    /// scripts are split into statements.
    pub dollar_quotes: bool,
}

impl Dialect {
    /// `name` as a quoted identifier: `"name"` or `` `name` ``.
    pub fn quote(&self, name: &str) -> String {
        let mut out = String::with_capacity(name.len() + 2);
        self.push_quoted(&mut out, name);
        out
    }

    /// Appends `name` as a quoted identifier.
    pub fn push_quoted(&self, out: &mut String, name: &str) {
        let q = self.identifier_quote;
        out.push(q);
        for c in name.chars() {
            if c == q {
                out.push(q);
            }
            out.push(c);
        }
        out.push(q);
    }

    /// `text` as a string literal: quotes doubled (and backslashes, where they escape).
    pub fn literal(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 2);
        out.push('\'');
        for c in text.chars() {
            match c {
                '\'' => out.push_str("''"),
                '\\' if self.backslash_escapes => out.push_str("\\\\"),
                c => out.push(c),
            }
        }
        out.push('\'');
        out
    }

    /// The `n`th parameter's mark, counting from 1.
    pub fn placeholder(&self, n: usize) -> String {
        let mut out = String::new();
        self.push_placeholder(&mut out, n);
        out
    }

    /// Appends the `n`th parameter's mark, counting from 1.
    pub fn push_placeholder(&self, out: &mut String, n: usize) {
        match self.placeholder {
            Placeholder::Question => out.push('?'),
            Placeholder::NumberedQuestion => {
                let _ = write!(out, "?{n}");
            }
            Placeholder::Dollar => {
                let _ = write!(out, "${n}");
            }
        }
    }

    /// `INSERT INTO <table> …` for `rows` rows of `columns` (both quoted already).
    /// `present` holds, row after row, whether each column is given (a parameter) or
    /// left to its default; it may be shorter than `rows × columns` only when `columns`
    /// is empty. Without `DEFAULT` in VALUES (SQLite), every row must leave the same
    /// columns out: the statement names the first row's given columns.
    /// `returning`: the quoted column list to read back.
    pub fn insert(
        &self,
        table: &str,
        columns: &[&str],
        present: &[bool],
        rows: usize,
        returning: Option<&str>,
    ) -> String {
        let mut sql = String::with_capacity(32 + table.len() + 16 * present.len());
        sql.push_str("INSERT INTO ");
        sql.push_str(table);
        let named: Vec<&str> = if self.default_in_values {
            columns.to_vec()
        } else {
            columns
                .iter()
                .zip(present)
                .filter(|(_, given)| **given)
                .map(|(c, _)| *c)
                .collect()
        };
        if named.is_empty() {
            match self.empty_insert {
                EmptyInsert::DefaultValues => sql.push_str(" DEFAULT VALUES"),
                EmptyInsert::EmptyRows => {
                    sql.push_str(" () VALUES ");
                    for row in 0..rows.max(1) {
                        sql.push_str(if row == 0 { "()" } else { ", ()" });
                    }
                }
            }
        } else {
            sql.push_str(" (");
            sql.push_str(&named.join(", "));
            sql.push_str(") VALUES ");
            let mut n = 0;
            for (row, flags) in present.chunks(columns.len()).take(rows.max(1)).enumerate() {
                sql.push_str(if row == 0 { "(" } else { ", (" });
                let mut first = true;
                for given in flags {
                    if !given && !self.default_in_values {
                        continue;
                    }
                    if !first {
                        sql.push_str(", ");
                    }
                    first = false;
                    if *given {
                        n += 1;
                        self.push_placeholder(&mut sql, n);
                    } else {
                        sql.push_str("DEFAULT");
                    }
                }
                sql.push(')');
            }
        }
        if let Some(returning) = returning {
            sql.push_str(" RETURNING ");
            sql.push_str(returning);
        }
        sql
    }

    /// What follows an INSERT to make it an upsert on the primary key `key`: a row whose
    /// key matches an existing one sets `update` on it instead (all quoted already).
    /// With nothing to update, the key is set to itself, so the row is kept and still
    /// returned (`DO NOTHING` returns nothing).
    ///
    /// MySQL's `ON DUPLICATE KEY` fires on any unique key, not the primary key alone:
    /// each column is set only when the key matches (`IF(<key> = VALUES(<key>), …)`), so
    /// a clash on another unique key changes no row; the caller, finding no row with its
    /// key, inserts plainly to get the server's own duplicate-key error.
    pub fn upsert(&self, key: &[&str], update: &[&str]) -> String {
        let first = key.first().copied().unwrap_or_default();
        match self.upsert {
            Upsert::OnConflict => {
                let set: Vec<String> = if update.is_empty() {
                    vec![format!("{first} = excluded.{first}")]
                } else {
                    update
                        .iter()
                        .map(|c| format!("{c} = excluded.{c}"))
                        .collect()
                };
                format!(
                    " ON CONFLICT ({}) DO UPDATE SET {}",
                    key.join(", "),
                    set.join(", ")
                )
            }
            Upsert::OnDuplicateKey => {
                if update.is_empty() {
                    return format!(" ON DUPLICATE KEY UPDATE {first} = {first}");
                }
                let matches: Vec<String> =
                    key.iter().map(|k| format!("{k} = VALUES({k})")).collect();
                let matches = matches.join(" AND ");
                let set: Vec<String> = update
                    .iter()
                    .map(|c| format!("{c} = IF({matches}, VALUES({c}), {c})"))
                    .collect();
                format!(" ON DUPLICATE KEY UPDATE {}", set.join(", "))
            }
        }
    }

    /// A partial update of the row with the key: `UPDATE <table> SET` the `columns` that
    /// are `set`, then `WHERE` the key columns (all quoted); parameters in that order.
    /// With nothing set, a `SELECT COUNT(*)` of the row: whether it exists.
    pub fn patch(&self, table: &str, columns: &[&str], set: &[bool], key: &[&str]) -> String {
        self.patch_versioned(table, None, columns, set, key)
    }

    /// [`patch`](Self::patch) of a store with a version column (quoted): a patch that
    /// sets anything raises the version too.
    pub fn patch_versioned(
        &self,
        table: &str,
        version: Option<&str>,
        columns: &[&str],
        set: &[bool],
        key: &[&str],
    ) -> String {
        let mut sql = String::with_capacity(48 + table.len() + 16 * columns.len());
        let mut n = 0;
        for (column, _) in columns.iter().zip(set).filter(|(_, given)| **given) {
            sql.push_str(if n == 0 { " SET " } else { ", " });
            n += 1;
            sql.push_str(column);
            sql.push_str(" = ");
            self.push_placeholder(&mut sql, n);
        }
        if let (Some(version), true) = (version, n > 0) {
            let _ = write!(sql, ", {version} = {version} + 1");
        }
        let head = if n == 0 {
            format!("SELECT COUNT(*) FROM {table}")
        } else {
            format!("UPDATE {table}")
        };
        sql.insert_str(0, &head);
        for (i, column) in key.iter().enumerate() {
            sql.push_str(if i == 0 { " WHERE " } else { " AND " });
            n += 1;
            sql.push_str(column);
            sql.push_str(" = ");
            self.push_placeholder(&mut sql, n);
        }
        sql
    }

    /// A column in an index or `ORDER BY`: `"c"`, `"c" DESC`, and where the column's
    /// NULLs matter and the backend must be told, `"c" NULLS FIRST` / `"c" DESC NULLS
    /// LAST` (NULL smallest everywhere).
    pub fn order_term(&self, column: &str, descending: bool, nulls_matter: bool) -> String {
        let nulls = match (nulls_matter && !self.nulls_smallest, descending) {
            (false, _) => "",
            (true, false) => " NULLS FIRST",
            (true, true) => " NULLS LAST",
        };
        format!("{column}{}{nulls}", if descending { " DESC" } else { "" })
    }

    /// The quoted columns a row of `store` is read from, for SELECT and RETURNING.
    pub fn read_columns(&self, store: &crate::model::Store) -> String {
        let mut out = String::new();
        for (i, field) in store.fields.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            self.push_quoted(&mut out, &field.column);
            if self.reads_as_text && (field.ty.enum_type_name().is_some() || field.padded) {
                out.push_str("::text");
            }
        }
        out
    }

    /// ` LIMIT <the nth parameter>`.
    pub fn limit(&self, n: usize) -> String {
        format!(" LIMIT {}", self.placeholder(n))
    }
}

#[cfg(test)]
mod tests {
    use crate::BackendKind;

    #[test]
    fn inserts_number_parameters_and_leave_columns_to_their_defaults() {
        let pg = BackendKind::Postgres.dialect();
        assert_eq!(
            pg.insert(
                "\"t\"",
                &["\"a\"", "\"b\""],
                &[true, false, true, true],
                2,
                Some("\"id\"")
            ),
            "INSERT INTO \"t\" (\"a\", \"b\") VALUES ($1, DEFAULT), ($2, $3) RETURNING \"id\""
        );
        assert_eq!(
            pg.insert("\"t\"", &[], &[], 1, None),
            "INSERT INTO \"t\" DEFAULT VALUES"
        );
        let my = BackendKind::Mysql.dialect();
        assert_eq!(
            my.insert("`t`", &["`a`", "`b`"], &[true, false, true, true], 2, None),
            "INSERT INTO `t` (`a`, `b`) VALUES (?, DEFAULT), (?, ?)"
        );
        assert_eq!(
            my.insert("`t`", &[], &[], 2, Some("`id`")),
            "INSERT INTO `t` () VALUES (), () RETURNING `id`"
        );
        // SQLite has no DEFAULT in VALUES: the row names only what it gives.
        let lite = BackendKind::Sqlite.dialect();
        assert_eq!(
            lite.insert(
                "\"t\"",
                &["\"a\"", "\"b\"", "\"c\""],
                &[false, true, true],
                1,
                Some("\"a\", \"b\"")
            ),
            "INSERT INTO \"t\" (\"b\", \"c\") VALUES (?1, ?2) RETURNING \"a\", \"b\""
        );
        assert_eq!(
            lite.insert("\"t\"", &["\"a\""], &[false], 1, None),
            "INSERT INTO \"t\" DEFAULT VALUES"
        );
    }

    #[test]
    fn identifiers_and_literals_are_quoted_as_each_backend_reads_them() {
        let (lite, my) = (BackendKind::Sqlite.dialect(), BackendKind::Mysql.dialect());
        assert_eq!(lite.quote("we\"ird`"), "\"we\"\"ird`\"");
        assert_eq!(my.quote("we\"ird`"), "`we\"ird```");
        assert_eq!(lite.literal(r"O'Brien \ C:\x"), r"'O''Brien \ C:\x'");
        assert_eq!(my.literal(r"O'Brien \ C:\x"), r"'O''Brien \\ C:\\x'");
    }

    #[test]
    fn upserts_and_limits() {
        let (pg, my) = (
            BackendKind::Postgres.dialect(),
            BackendKind::Mysql.dialect(),
        );
        assert_eq!(
            pg.upsert(&["\"id\""], &["\"a\"", "\"b\""]),
            " ON CONFLICT (\"id\") DO UPDATE SET \"a\" = excluded.\"a\", \"b\" = excluded.\"b\""
        );
        assert_eq!(
            pg.upsert(&["\"id\""], &[]),
            " ON CONFLICT (\"id\") DO UPDATE SET \"id\" = excluded.\"id\""
        );
        assert_eq!(
            my.upsert(&["`a`", "`b`"], &["`c`"]),
            " ON DUPLICATE KEY UPDATE `c` = IF(`a` = VALUES(`a`) AND `b` = VALUES(`b`), VALUES(`c`), `c`)"
        );
        assert_eq!(
            my.upsert(&["`id`"], &[]),
            " ON DUPLICATE KEY UPDATE `id` = `id`"
        );
        assert_eq!(my.limit(3), " LIMIT ?");
        assert_eq!(
            pg.patch(
                "\"t\"",
                &["\"a\"", "\"b\"", "\"c\""],
                &[true, false, true],
                &["\"k\""]
            ),
            "UPDATE \"t\" SET \"a\" = $1, \"c\" = $2 WHERE \"k\" = $3"
        );
        assert_eq!(
            my.patch("`t`", &["`a`"], &[false], &["`k1`", "`k2`"]),
            "SELECT COUNT(*) FROM `t` WHERE `k1` = ? AND `k2` = ?"
        );
    }
}

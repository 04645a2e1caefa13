//! Backends: what each database knows — its type rules, quoting and names here; its
//! introspection, runtime glue, DDL and code generation in its own folder.
//!
//! [`BackendKind`] is the one place that dispatches on the backend. Adding a backend adds
//! a folder and a variant here, nothing else.

use std::fmt;

use crate::model::{CatalogColumn, LogicalType};

#[cfg(feature = "codegen")]
pub(crate) mod ddl;
pub mod mysql;
pub mod postgres;
pub mod sqlite;

/// A database backend storegen generates code for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BackendKind {
    Sqlite,
    Postgres,
    Mysql,
}

impl BackendKind {
    /// Every backend, in the order the blueprint reference lists them.
    pub const ALL: [BackendKind; 3] = [
        BackendKind::Sqlite,
        BackendKind::Postgres,
        BackendKind::Mysql,
    ];

    /// The blueprint's and the feature's name for the backend.
    pub fn name(self) -> &'static str {
        match self {
            BackendKind::Sqlite => "sqlite",
            BackendKind::Postgres => "postgres",
            BackendKind::Mysql => "mysql",
        }
    }

    pub fn from_name(name: &str) -> Option<BackendKind> {
        BackendKind::ALL.into_iter().find(|b| b.name() == name)
    }

    /// Whether two SQL identifiers name the same object on this backend.
    pub fn same_identifier(self, a: &str, b: &str) -> bool {
        match self {
            BackendKind::Sqlite => sqlite::types::same_identifier(a, b),
            // Quoted identifiers, which storegen always writes, are case-sensitive.
            BackendKind::Postgres => a == b,
            // Column names are not; table names are on Linux, and introspection has
            // already matched those exactly.
            BackendKind::Mysql => a.eq_ignore_ascii_case(b),
        }
    }

    /// Whether an auto-assigned key column conflicts with a blueprint that supplies the
    /// key itself. SQLite's rowid alias takes explicit values and keeps assigning past
    /// the largest one, so there it does not; a server's sequence would fall behind.
    pub fn explicit_keys_conflict_with_auto_increment(self) -> bool {
        !matches!(self, BackendKind::Sqlite)
    }

    /// Whether two ON DELETE actions behave the same on this backend. InnoDB treats NO
    /// ACTION as RESTRICT, and reports it so.
    pub fn same_on_delete(self, a: crate::model::OnDelete, b: crate::model::OnDelete) -> bool {
        use crate::model::OnDelete::{NoAction, Restrict};
        a == b
            || (self == BackendKind::Mysql
                && matches!((a, b), (NoAction, Restrict) | (Restrict, NoAction)))
    }

    /// Whether a column of this SQL type holds the logical type without loss; the error
    /// says why not.
    pub fn accepts(self, ty: &LogicalType, column: &CatalogColumn) -> Result<(), String> {
        match self {
            BackendKind::Sqlite => sqlite::types::accepts(ty, column),
            BackendKind::Postgres => postgres::types::accepts(ty, column),
            BackendKind::Mysql => mysql::types::accepts(ty, column),
        }
    }

    /// How the backend spells SQL.
    pub const fn dialect(self) -> &'static crate::sql::Dialect {
        match self {
            BackendKind::Sqlite => &sqlite::DIALECT,
            BackendKind::Postgres => &postgres::DIALECT,
            BackendKind::Mysql => &mysql::DIALECT,
        }
    }

    /// The SQL type the backend's DDL declares for the logical type.
    pub fn ddl_type(self, ty: &LogicalType) -> String {
        match self {
            BackendKind::Sqlite => sqlite::types::ddl_type(ty).to_owned(),
            BackendKind::Postgres => postgres::types::ddl_type(ty),
            BackendKind::Mysql => mysql::types::ddl_type(ty),
        }
    }
}

impl fmt::Display for BackendKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The stores in an order where every store comes after the stores it references
/// (declaration order otherwise), for backends that check foreign keys at CREATE TABLE.
/// A cycle of references is broken where it closes.
pub fn creation_order(schema: &crate::model::Schema) -> Vec<&crate::model::Store> {
    fn visit<'s>(
        schema: &'s crate::model::Schema,
        index: usize,
        state: &mut [u8],
        out: &mut Vec<&'s crate::model::Store>,
    ) {
        if state[index] != 0 {
            return; // done, or on the current path (a cycle)
        }
        state[index] = 1;
        for field in &schema.stores[index].fields {
            if let Some(reference) = &field.references
                && let Some(target) = schema.stores.iter().position(|s| s.name == reference.store)
            {
                visit(schema, target, state, out);
            }
        }
        state[index] = 2;
        out.push(&schema.stores[index]);
    }
    let mut state = vec![0u8; schema.stores.len()];
    let mut out = Vec::with_capacity(schema.stores.len());
    for index in 0..schema.stores.len() {
        visit(schema, index, &mut state, &mut out);
    }
    out
}

/// A URL or a `key=value` connection string with any password (and user) replaced, safe
/// to print. A URL's query string, which may carry a password, is hidden too.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return redact_password_values(url);
    };
    let (rest, query) = match rest.split_once('?') {
        Some((rest, _)) => (rest, "?***"),
        None => (rest, ""),
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://***@{}{query}", &rest[at + 1..]),
        None => format!("{scheme}://{rest}{query}"),
    }
}

/// `host=db password=s3cret` → `host=db password=***` (a quoted value included).
fn redact_password_values(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("password=") {
        let value_start = at + "password=".len();
        out.push_str(&rest[..value_start]);
        out.push_str("***");
        let value = &rest[value_start..];
        let value_len = match value.strip_prefix('\'') {
            Some(quoted) => quoted.find('\'').map_or(value.len(), |end| end + 2),
            None => value.find(char::is_whitespace).unwrap_or(value.len()),
        };
        rest = &value[value_len..];
    }
    out.push_str(rest);
    out
}

/// The single-quoted SQL literals in `text`, in order (`''` inside one is a quote):
/// the values of `enum('a','b')` or of a `CHECK (c IN ('a', 'b'))`.
pub fn quoted_literals(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\'' {
            continue;
        }
        let mut literal = String::new();
        while let Some(c) = chars.next() {
            if c == '\'' {
                if chars.peek() == Some(&'\'') {
                    chars.next();
                    literal.push('\'');
                } else {
                    break;
                }
            } else {
                literal.push(c);
            }
        }
        out.push(literal);
    }
    out
}

/// The values a `CHECK (<column> IN ('a', 'b'))` in a table's SQL allows, for the
/// columns that have one (SQLite keeps only the table's text). Other CHECKs, and any
/// that doesn't parse, are passed over.
pub fn in_list_checks(table_sql: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let upper = table_sql.to_ascii_uppercase();
    let mut from = 0;
    while let Some(at) = upper[from..].find("CHECK") {
        let start = from + at + "CHECK".len();
        from = start;
        if let Some(found) = in_list(&table_sql[start..]) {
            out.push(found);
        }
    }
    out
}

/// `(<column> IN ('a', 'b'))` at the start of `text` (after spaces): the column and the
/// listed literals.
fn in_list(text: &str) -> Option<(String, Vec<String>)> {
    let expr = text.trim_start().strip_prefix('(')?.trim_start();
    let (column, rest) = identifier(expr)?;
    let rest = rest.trim_start();
    if !rest.get(..2)?.eq_ignore_ascii_case("IN") {
        return None;
    }
    let list = rest[2..].trim_start().strip_prefix('(')?;
    // The list's literals, up to its closing parenthesis (outside quotes).
    let mut quoted = false;
    let end = list.char_indices().find_map(|(i, c)| match c {
        '\'' => {
            quoted = !quoted;
            None
        }
        ')' if !quoted => Some(i),
        _ => None,
    })?;
    let after = list[end + 1..].trim_start();
    // Only a CHECK that is the list alone: `IN (...) AND ...` limits more than that.
    if !after.starts_with(')') {
        return None;
    }
    Some((column, quoted_literals(&list[..end])))
}

/// A column name at the start of `text`, quoted (`"a""b"`, `` `a` ``, `[a]`) or bare, and
/// what follows it.
fn identifier(text: &str) -> Option<(String, &str)> {
    let mut chars = text.char_indices();
    let (_, first) = chars.next()?;
    let close = match first {
        '"' => '"',
        '`' => '`',
        '[' => ']',
        _ => {
            let end = text
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(text.len());
            return (end > 0).then(|| (text[..end].to_owned(), &text[end..]));
        }
    };
    let mut name = String::new();
    let mut rest = chars.peekable();
    while let Some((i, c)) = rest.next() {
        if c == close {
            // A doubled closing quote is one of it in the name.
            if close != ']' && rest.peek().map(|(_, n)| *n) == Some(close) {
                rest.next();
                name.push(c);
                continue;
            }
            return Some((name, &text[i + c.len_utf8()..]));
        }
        name.push(c);
    }
    None
}

#[cfg(test)]
mod check_parsing_tests {
    use super::*;

    #[test]
    fn in_lists_are_read_from_checks_as_other_tools_write_them() {
        let sql = r#"CREATE TABLE t (
            a TEXT CHECK ("a" IN ('x', 'it''s')),
            b TEXT CHECK (b in ('p','q')),
            c TEXT CHECK (length(c) <= 5),
            d TEXT CHECK (d IN ('one') AND d <> ''),
            "we""ird" TEXT CHECK ("we""ird" IN ('w')),
            名前 TEXT CHECK (名前 IN ('名')),
            e TEXT CHECK ([e] IN ('z')),
            f TEXT CHECK (f IN ('unclosed'
        )"#;
        assert_eq!(
            in_list_checks(sql),
            [
                ("a".to_owned(), vec!["x".to_owned(), "it's".to_owned()]),
                ("b".to_owned(), vec!["p".to_owned(), "q".to_owned()]),
                ("we\"ird".to_owned(), vec!["w".to_owned()]),
                ("名前".to_owned(), vec!["名".to_owned()]),
                ("e".to_owned(), vec!["z".to_owned()]),
            ]
        );
        assert_eq!(
            quoted_literals("ARRAY['a'::text, 'b''c'::text]"),
            ["a", "b'c"]
        );
    }
}

//! Backends: what each database knows, each in its own folder — dialect, type rules,
//! blueprint rules, DDL and migrations, code generation, introspection and runtime glue —
//! behind one trait, `Rules`.
//!
//! `BackendKind::rules` is the one place that dispatches on the backend. Adding a
//! backend adds a folder, its `mod` line below and its entry in the crate's list of
//! backends (`with_backends!` in lib.rs), which makes the variant of [`BackendKind`], its line
//! in `rules`, its column traits and its re-exports.

use crate::model::{CatalogColumn, LogicalType, OnDelete};
use crate::sql::Dialect;

#[cfg(all(feature = "pool", feature = "__server"))]
pub(crate) mod bounded;
#[cfg(feature = "codegen")]
pub(crate) mod connect;
#[cfg(feature = "codegen")]
pub(crate) mod created;
#[cfg(feature = "codegen")]
pub(crate) mod ddl;
#[cfg(feature = "codegen")]
pub(crate) mod migration;
// Each backend's folder. (Declared here, not by `with_backends!`: the `macro_export`
// feature checks in them must not come from a macro's expansion to be re-exported.)
pub mod mysql;
pub mod postgres;
pub mod sqlite;

/// [`BackendKind::rules`]: the registry of backends, from the crate's list of them
/// (`with_backends!` in lib.rs).
macro_rules! backend_folders {
    ($($m:ident {
        feature: $f:literal, marker: $marker:ident, driver: $driver:ident,
        manager: $manager:ident, requires: $requires:ident = $exported:ident,
        doc: $doc:literal $(,)?
    })*) => {
        impl BackendKind {
            /// The backend's implementation.
            pub(crate) fn rules(self) -> &'static dyn Rules {
                match self {
                    $(BackendKind::$marker => $m::RULES,)*
                }
            }
        }
    };
}
with_backends!(backend_folders);

#[cfg(all(feature = "__server", any(feature = "pool", feature = "codegen")))]
pub(crate) mod tls;

pub use crate::model::BackendKind;

/// A timeout as messages say it: `5 s`, `1.5 s`, `500 ms`.
#[cfg(all(feature = "pool", feature = "__server"))]
pub(crate) fn seconds(d: std::time::Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else if d.as_secs() == 0 {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// Everything storegen knows about one backend, implemented once in its folder: its
/// SQL dialect and type rules (which the runtime's `verify` needs too) and, on the build
/// side, its blueprint rules, DDL and migrations, code generation and introspection.
/// [`BackendKind::rules`] is the one place that finds a backend's implementation.
pub(crate) trait Rules: Sync {
    /// Its names and URLs.
    #[cfg_attr(not(feature = "codegen"), allow(dead_code))]
    fn about(&self) -> &'static About;

    /// How the backend spells SQL.
    fn dialect(&self) -> &'static Dialect;

    /// What `storegen new` writes for a service on it.
    #[cfg(feature = "codegen")]
    fn scaffold(&self) -> &'static Scaffold;

    /// Whether a query's column (or parameter) this backend describes as `described` may
    /// hold a `declared` value without loss, beyond the same type or a wider integer of
    /// the same sign, which every backend allows.
    #[cfg(feature = "codegen")]
    fn keeps_in_query(&self, declared: &LogicalType, described: &LogicalType) -> bool {
        let _ = (declared, described);
        false
    }

    /// The SQL parser's dialect for custom queries' text (what the database doesn't
    /// say: the nullable side of an outer join, a parameter's column).
    #[cfg(feature = "queries")]
    fn sql_parser(&self) -> &'static dyn sqlparser::dialect::Dialect;

    /// The SQL type the backend's DDL declares for the logical type.
    fn ddl_type(&self, ty: &LogicalType) -> String;

    /// Whether a column of this SQL type holds the field's logical type without loss (a
    /// time or timestamp to its digits of a second, padded text in a `CHAR(n)`); the
    /// error says why not.
    fn accepts(&self, field: &crate::model::Field, column: &CatalogColumn) -> Result<(), String>;

    /// The logical type a column of this backend holds, for `storegen introspect`; the
    /// error says why it has none. What it returns, `accepts` accepts (a time with the
    /// digits of a second its column keeps, text in a `CHAR(n)` as padded).
    #[cfg(feature = "codegen")]
    fn infer(&self, column: &CatalogColumn) -> Result<LogicalType, String>;

    /// Whether two SQL identifiers name the same object. Quoted identifiers, which
    /// storegen always writes, are case-sensitive unless a backend says otherwise.
    fn same_identifier(&self, a: &str, b: &str) -> bool {
        a == b
    }

    /// Whether two ON DELETE actions behave the same.
    fn same_on_delete(&self, a: OnDelete, b: OnDelete) -> bool {
        a == b
    }

    /// Whether an auto-assigned key column conflicts with a blueprint that supplies the
    /// key itself: a server's sequence would fall behind the keys given.
    fn explicit_keys_conflict_with_auto_increment(&self) -> bool {
        true
    }

    /// Whether the catalog says a text column's collation, which a blueprint may then
    /// declare (MySQL).
    fn has_collations(&self) -> bool {
        false
    }

    /// Whether the backend has unsigned integer columns.
    #[cfg(feature = "codegen")]
    fn has_unsigned(&self) -> bool {
        false
    }

    /// The blueprint rules only this backend has, checked when the blueprint lists it.
    #[cfg(feature = "codegen")]
    fn check_blueprint(
        &self,
        _schema: &crate::model::Schema,
        _spans: &crate::build::blueprint::Spans,
    ) -> Vec<crate::build::diagnostics::Diagnostic> {
        Vec::new()
    }

    /// Why an enum field's type can't be this backend's, if it can't (a native enum
    /// type's name or values).
    #[cfg(feature = "codegen")]
    fn enum_type_problem(
        &self,
        _ty: &LogicalType,
        _values: &[String],
        _schema: &crate::model::Schema,
    ) -> Option<String> {
        None
    }

    /// The CREATE script's statements, each with what it creates.
    #[cfg(feature = "codegen")]
    fn create_statements(&self, schema: &crate::model::Schema) -> Vec<ddl::Statement>;

    /// The catalog the backend's CREATE script makes for the schema, as introspection
    /// would read it: the schema a chain of migrations ends in.
    #[cfg(feature = "codegen")]
    fn created_catalog(&self, schema: &crate::model::Schema) -> crate::model::Catalog;

    /// The statements that bring a database to the blueprint, from the drift between
    /// them.
    #[cfg(feature = "codegen")]
    fn migration(
        &self,
        schema: &crate::model::Schema,
        catalog: &crate::model::Catalog,
        drifts: &[crate::drift::Drift],
        evolve: &migration::Evolve,
    ) -> Vec<ddl::Step>;

    /// `script` (statements storegen made) as run on a server of `server_version` (MySQL:
    /// its NO PAD binary collation in place of `utf8mb4_bin`).
    #[cfg(feature = "codegen")]
    fn for_server(&self, script: String, _server_version: &str) -> String {
        script
    }

    /// `storegen ddl`'s text of the CREATE `script` (MySQL: saying above it that its
    /// collation pads).
    #[cfg(feature = "codegen")]
    fn ddl_text(&self, script: String) -> String {
        script
    }

    /// The CREATE `script` with `collation` in place of storegen's own (`storegen ddl
    /// --collation`); the error says why the backend takes none.
    #[cfg(feature = "codegen")]
    fn recollate(&self, script: String, collation: &str) -> Result<String, String> {
        let _ = (script, collation);
        Err(format!(
            "--collation is for MySQL and MariaDB, not {}",
            self.about().display_name
        ))
    }

    /// Whether the catalog reports a column's default as its text, quoted or not (MySQL),
    /// rather than as SQL (a string quoted, an expression maybe cast).
    #[cfg(feature = "codegen")]
    fn reports_defaults_as_text(&self) -> bool {
        false
    }

    /// How `migrate` runs a versioned migration's script here, for the comment atop it
    /// (each line after the first starts `-- `).
    #[cfg(feature = "codegen")]
    fn migration_runs(&self) -> &'static str;

    /// A versioned migration's steps, from the plan: without what `migrate` itself does
    /// around a script.
    #[cfg(feature = "codegen")]
    fn versioned_steps(&self, steps: Vec<ddl::Step>) -> Vec<ddl::Step> {
        steps
    }

    /// A store's operations on this backend: its `impl <Store>Ops` and what that uses.
    #[cfg(feature = "codegen")]
    fn store_impl(
        &self,
        cx: &crate::build::codegen::Context,
        store: &crate::model::Store,
    ) -> proc_macro2::TokenStream;

    /// A generated enum's conversions for this backend's driver.
    #[cfg(feature = "codegen")]
    fn enum_impls(&self, ty: &proc_macro2::Ident) -> proc_macro2::TokenStream;

    /// The custom queries' `impl QueryOps` for this backend.
    #[cfg(feature = "codegen")]
    fn queries_impl(
        &self,
        cx: &crate::build::codegen::Context,
        schema: &crate::model::Schema,
        queries: &[crate::build::codegen::queries::Generated<'_>],
    ) -> proc_macro2::TokenStream;

    /// Connects to the database a build checks against and reads the catalog of the
    /// target's tables; calls `connected` once the server has answered (a build gives
    /// up on a server that doesn't, after the connect timeout).
    #[cfg(feature = "codegen")]
    fn introspect(
        &self,
        target: &connect::Target,
        connected: &dyn Fn(),
    ) -> Result<connect::Introspected, String>;
}

/// `(p, s)` of `numeric(p,s)` (or `numeric(p)`, scale 0), for the type name `kind`.
#[cfg(feature = "codegen")]
pub(crate) fn precision_and_scale(sql_type: &str, kind: &str) -> Option<(u32, u32)> {
    let inside = sql_type
        .strip_prefix(kind)?
        .trim_start()
        .strip_prefix('(')?
        .strip_suffix(')')?;
    let (precision, scale) = inside.split_once(',').unwrap_or((inside, "0"));
    Some((precision.trim().parse().ok()?, scale.trim().parse().ok()?))
}

/// A time column keeping other digits of a second than the field.
pub(crate) fn fraction_mismatch(ty: &LogicalType, digits: u8, held: u8, actual: &str) -> String {
    let keeps = |n: u8| match n {
        6 => "microseconds".to_owned(),
        0 => "whole seconds".to_owned(),
        n => format!("{n} digits of a second"),
    };
    if held < digits {
        format!(
            "{} keeps {}; `{actual}` rounds them to {} (say `precision = {held}` if that is what the field keeps)",
            ty.name(),
            keeps(digits),
            keeps(held)
        )
    } else {
        format!(
            "{} keeps {} (`precision = {digits}`); `{actual}` keeps {}",
            ty.name(),
            keeps(digits),
            keeps(held)
        )
    }
}

/// A backend's names, for messages and URLs.
#[derive(Debug)]
#[cfg_attr(not(feature = "codegen"), allow(dead_code))]
pub(crate) struct About {
    /// The name people know it by: `PostgreSQL`.
    pub display_name: &'static str,
    /// The URL schemes that name a database of this backend (`postgres`, …).
    pub url_schemes: &'static [&'static str],
    /// How its URLs start, for messages: `postgres://`.
    pub url_example: &'static str,
}

/// What `storegen new` writes for a service on a backend; `{name}` stands for the
/// service's name.
#[cfg(feature = "codegen")]
#[derive(Debug)]
pub(crate) struct Scaffold {
    /// A URL for the database `{name}` on this machine, as the examples give it.
    pub example_url: &'static str,
    /// The pool's manager type.
    pub pool_type: &'static str,
    /// The expression that makes the pool's manager from `config`.
    pub manager: &'static str,
    /// The compose file's services.
    pub compose: &'static str,
}

/// The methods of [`Rules`] that each backend folder serves the same way, from its own
/// `DIALECT`, `ABOUT` and `types`, `ddl`, `codegen` and `connect` modules.
macro_rules! served_by_folder {
    () => {
        fn about(&self) -> &'static crate::backend::About {
            &ABOUT
        }

        fn dialect(&self) -> &'static crate::sql::Dialect {
            &DIALECT
        }

        #[cfg(feature = "codegen")]
        fn scaffold(&self) -> &'static crate::backend::Scaffold {
            &SCAFFOLD
        }

        fn ddl_type(&self, ty: &crate::model::LogicalType) -> String {
            types::ddl_type(ty).into()
        }

        fn accepts(
            &self,
            field: &crate::model::Field,
            column: &crate::model::CatalogColumn,
        ) -> Result<(), String> {
            types::accepts_field(field, column)
        }

        #[cfg(feature = "codegen")]
        fn infer(
            &self,
            column: &crate::model::CatalogColumn,
        ) -> Result<crate::model::LogicalType, String> {
            types::infer(column)
        }

        #[cfg(feature = "codegen")]
        fn create_statements(
            &self,
            schema: &crate::model::Schema,
        ) -> Vec<crate::backend::ddl::Statement> {
            ddl::statements(schema)
        }

        #[cfg(feature = "codegen")]
        fn created_catalog(&self, schema: &crate::model::Schema) -> crate::model::Catalog {
            crate::backend::created::catalog(schema, &ddl::NAMING)
        }

        #[cfg(feature = "codegen")]
        fn migration(
            &self,
            schema: &crate::model::Schema,
            catalog: &crate::model::Catalog,
            drifts: &[crate::drift::Drift],
            evolve: &crate::backend::migration::Evolve,
        ) -> Vec<crate::backend::ddl::Step> {
            crate::backend::migration::plan(ddl::PLANNER, schema, catalog, drifts, evolve)
        }

        #[cfg(feature = "codegen")]
        fn store_impl(
            &self,
            cx: &crate::build::codegen::Context,
            store: &crate::model::Store,
        ) -> proc_macro2::TokenStream {
            codegen::store_impl(cx, store)
        }

        #[cfg(feature = "codegen")]
        fn enum_impls(&self, ty: &proc_macro2::Ident) -> proc_macro2::TokenStream {
            codegen::enum_impls(ty)
        }

        #[cfg(feature = "codegen")]
        fn queries_impl(
            &self,
            cx: &crate::build::codegen::Context,
            schema: &crate::model::Schema,
            queries: &[crate::build::codegen::queries::Generated<'_>],
        ) -> proc_macro2::TokenStream {
            crate::build::codegen::queries::backend_module(cx, schema, queries, &codegen::Queries)
        }

        #[cfg(feature = "codegen")]
        fn introspect(
            &self,
            target: &crate::backend::connect::Target,
            connected: &dyn Fn(),
        ) -> Result<crate::backend::connect::Introspected, String> {
            connect::catalog(target, connected)
        }
    };
}
pub(crate) use served_by_folder;

impl BackendKind {
    /// How the backend spells SQL.
    pub fn dialect(self) -> &'static Dialect {
        self.rules().dialect()
    }

    /// Whether two SQL identifiers name the same object on this backend.
    pub fn same_identifier(self, a: &str, b: &str) -> bool {
        self.rules().same_identifier(a, b)
    }

    /// Whether an auto-assigned key column conflicts with a blueprint that supplies the
    /// key itself.
    pub fn explicit_keys_conflict_with_auto_increment(self) -> bool {
        self.rules().explicit_keys_conflict_with_auto_increment()
    }

    /// Whether two ON DELETE actions behave the same on this backend.
    pub fn same_on_delete(self, a: OnDelete, b: OnDelete) -> bool {
        self.rules().same_on_delete(a, b)
    }

    /// Whether a column of this SQL type holds the field's type without loss (a time or
    /// timestamp to its `precision`); the error says why not.
    pub fn accepts(
        self,
        field: &crate::model::Field,
        column: &CatalogColumn,
    ) -> Result<(), String> {
        self.rules().accepts(field, column)
    }

    /// The SQL type the backend's DDL declares for the logical type.
    pub fn ddl_type(self, ty: &LogicalType) -> String {
        self.rules().ddl_type(ty)
    }
}

/// The stores in an order where every store comes after the stores it references
/// (declaration order otherwise), for backends that check foreign keys at CREATE TABLE.
/// A cycle of references is broken where it closes.
pub fn creation_order(schema: &crate::model::Schema) -> Vec<&crate::model::Store> {
    type Positions<'s> = std::collections::HashMap<&'s str, usize>;
    fn visit<'s>(
        schema: &'s crate::model::Schema,
        positions: &Positions<'s>,
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
                && let Some(&target) = positions.get(reference.store.as_str())
            {
                visit(schema, positions, target, state, out);
            }
        }
        state[index] = 2;
        out.push(&schema.stores[index]);
    }
    let positions: Positions<'_> = schema
        .stores
        .iter()
        .enumerate()
        .map(|(at, store)| (store.name.as_str(), at))
        .collect();
    let mut state = vec![0u8; schema.stores.len()];
    let mut out = Vec::with_capacity(schema.stores.len());
    for index in 0..schema.stores.len() {
        visit(schema, &positions, index, &mut state, &mut out);
    }
    out
}

/// The references that close a cycle: their store comes before the store they
/// reference in [`creation_order`], so a backend that checks a foreign key's table at
/// CREATE TABLE creates the table without it and adds the key once the referenced table
/// exists (`ALTER TABLE … ADD FOREIGN KEY`). A store referencing itself needs nothing.
/// Found once per script, then asked per store.
#[cfg(feature = "codegen")]
pub(crate) struct Deferred<'s>(Vec<(&'s crate::model::Store, &'s crate::model::Field)>);

#[cfg(feature = "codegen")]
impl<'s> Deferred<'s> {
    pub(crate) fn new(schema: &'s crate::model::Schema) -> Self {
        let order = creation_order(schema);
        let position: std::collections::HashMap<&str, usize> = order
            .iter()
            .enumerate()
            .map(|(at, store)| (store.name.as_str(), at))
            .collect();
        let mut out = Vec::new();
        for (at, store) in order.iter().enumerate() {
            for field in &store.fields {
                if let Some(reference) = &field.references
                    && position
                        .get(reference.store.as_str())
                        .is_some_and(|&target| target > at)
                {
                    out.push((*store, field));
                }
            }
        }
        Deferred(out)
    }

    /// Every deferred reference, with its store.
    pub(crate) fn all(&self) -> &[(&'s crate::model::Store, &'s crate::model::Field)] {
        &self.0
    }

    /// The names of `store`'s fields whose foreign keys wait for their tables.
    pub(crate) fn fields_of(&self, store: &crate::model::Store) -> Vec<&'s str> {
        self.0
            .iter()
            .filter(|(s, _)| s.name == store.name)
            .map(|(_, f)| f.name.as_str())
            .collect()
    }

    /// `ALTER TABLE <store> ADD FOREIGN KEY …;` for each deferred reference to
    /// `target`, which runs right after `target`'s CREATE TABLE.
    pub(crate) fn keys_to(
        &self,
        target: &crate::model::Store,
        dialect: &crate::sql::Dialect,
    ) -> String {
        self.0
            .iter()
            .filter_map(|(store, field)| {
                let reference = field.references.as_ref()?;
                (reference.store == target.name).then(|| {
                    format!(
                        "ALTER TABLE {} ADD {};\n",
                        dialect.quote(&store.table),
                        migration::foreign_key(dialect, &store.table, &field.column, reference)
                    )
                })
            })
            .collect()
    }
}

/// A URL or a `key=value` connection string with any password (and user) replaced, safe
/// to print. A URL's query string, which may carry a password, is hidden too.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return redact_password_values(url);
    };
    // A password may hold `/`, `?`, `#` or `@` unencoded, so the user info is taken to
    // end at the *last* `@`: at worst an `@` later in the URL hides more than needed,
    // never less.
    let (user, rest) = match rest.rfind('@') {
        Some(at) => ("***@", &rest[at + 1..]),
        None => ("", rest),
    };
    let (rest, query) = match rest.split_once('?') {
        Some((rest, _)) => (rest, "?***"),
        None => (rest, ""),
    };
    format!("{scheme}://{user}{rest}{query}")
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

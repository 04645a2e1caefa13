//! From what a database says about a query to its Rust signature: a [`Shape`].
//!
//! A result column that comes straight from a store's field has that field's type and
//! nullability (a `timestamp_tz` is an instant on every backend, an enum field its
//! enum); a column from the nullable side of an outer join may be NULL whatever its
//! field says; any other column has the type the database says, or the one its alias
//! declares (`AS "n: int64"`), and may be NULL unless declared otherwise (`AS "n!"`).
//! Parameters have their declared type (`-- param limit: int64`) or the one the
//! database says. A blueprint that lists several backends needs declarations wherever
//! the answer would come from one backend's guess, so the signature is the same on all.

use super::{Declared, Found, Kind, Place, Query, parse_declared};
use crate::backend::BackendKind;
use crate::build::blueprint::names::{is_rust_keyword, is_snake_case, snake_case};
use crate::build::codegen::rust::record_ident;
use crate::build::diagnostics::Diagnostic;
use crate::model::{LogicalType, Schema};

/// What a backend says about a prepared statement.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Described {
    /// Each parameter's type (by index into the query's parameters), where the
    /// backend says one.
    pub params: Vec<Option<LogicalType>>,
    /// The result columns, in order.
    pub columns: Vec<DescribedColumn>,
}

/// A result column as the backend describes it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DescribedColumn {
    /// The column's name (its alias, with any `?`/`!`/`: type` in it).
    pub name: String,
    /// The backend's type, as storegen reads it; `None`: it doesn't say.
    pub ty: Option<LogicalType>,
    /// The backend's name for the type, for messages.
    pub sql_type: String,
    /// Whether the column can't hold NULL, where the backend says (a table's column).
    pub not_null: Option<bool>,
    /// The table and column it comes from, where it comes straight from one.
    pub origin: Option<(String, String)>,
}

/// Why a statement didn't prepare: the database's message, and where (a byte offset in
/// the statement as prepared) when the database says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DescribeError {
    pub message: String,
    pub position: Option<usize>,
}

/// A query's Rust signature.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Shape {
    pub params: Vec<ShapeParam>,
    pub columns: Vec<Column>,
    /// The store whose record the rows are (`-- returns:`, or found to be exactly one).
    pub returns: Option<String>,
}

/// A parameter: its name, type and whether it may be NULL (`Option<T>`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ShapeParam {
    pub name: String,
    pub ty: LogicalType,
    pub nullable: bool,
}

/// A row field.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Column {
    /// The Rust field's name.
    pub name: String,
    pub ty: LogicalType,
    pub nullable: bool,
    /// The store field it is (its Rust type, `rust` override included), by names.
    pub field: Option<(String, String)>,
}

/// An alias's declarations: `n!: int64` is field `n`, not NULL, of type int64.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Alias {
    pub name: String,
    pub nullable: Option<bool>,
    pub ty: Option<String>,
}

pub(crate) fn parse_alias(text: &str) -> Alias {
    let (head, ty) = match text.split_once(':') {
        Some((head, ty)) => (head, Some(ty.trim().to_owned())),
        None => (text, None),
    };
    let head = head.trim();
    let (name, nullable) = if let Some(name) = head.strip_suffix('?') {
        (name, Some(true))
    } else if let Some(name) = head.strip_suffix('!') {
        (name, Some(false))
    } else {
        (head, None)
    };
    Alias {
        name: name.trim().to_owned(),
        nullable,
        ty,
    }
}

/// Whether a value the backend describes as `described` can be read as (or bound from)
/// `declared` without loss: the same Rust type, or how a backend keeps the declared one
/// (MySQL's DATETIME for an instant, a uuid's bytes, an enum's or JSON's text, a bool's
/// integer), or a wider integer or float.
pub(crate) fn compatible(
    declared: &LogicalType,
    described: &LogicalType,
    backend: BackendKind,
) -> bool {
    use LogicalType as T;
    let rules = backend.rules();
    match (declared, described) {
        (T::Text { .. }, T::Text { .. }) => true,
        (T::Decimal { .. }, T::Decimal { .. }) => true,
        (T::Enum { name: a, .. }, T::Enum { name: b, .. }) => a == b,
        (a, b) if width(a) > 0 && width(b) > 0 => {
            (width(a) >= width(b) && signed(a) == signed(b)) || rules.keeps_in_query(a, b)
        }
        (T::Float64, T::Float32) => true,
        (T::Uuid | T::UuidText, T::Uuid | T::UuidText) => true,
        (T::Enum { native: false, .. }, T::Text { .. }) => true,
        (a, b) => a == b || rules.keeps_in_query(a, b),
    }
}

/// The bits of an integer type; 0 for any other.
pub(crate) fn width(ty: &LogicalType) -> u32 {
    use LogicalType as T;
    match ty {
        T::Int16 | T::UInt16 => 16,
        T::Int32 | T::UInt32 => 32,
        T::Int64 | T::UInt64 => 64,
        _ => 0,
    }
}

/// How a backend without native bools, instants, uuids, JSON or enums keeps them in a
/// query's columns: a bool as an integer, an instant as a naive timestamp, a uuid as
/// bytes or text, JSON and enums as text (MySQL, SQLite).
pub(crate) fn kept_as_plainer_type(declared: &LogicalType, described: &LogicalType) -> bool {
    use LogicalType as T;
    match (declared, described) {
        (T::Bool, b) => width(b) > 0,
        (T::TimestampTz, T::Timestamp) => true,
        (T::Uuid | T::UuidText, T::Bytes | T::Text { .. }) => true,
        (T::Json, T::Text { .. } | T::Bytes) => true,
        (T::Enum { .. }, T::Text { .. }) => true,
        _ => false,
    }
}

fn signed(ty: &LogicalType) -> bool {
    !matches!(
        ty,
        LogicalType::UInt16 | LogicalType::UInt32 | LogicalType::UInt64
    )
}

/// The query's shape from the backend's description; problems go to `found`.
/// `join_nullable[i]`: column `i` comes from the nullable side of an outer join.
pub(crate) fn resolve(
    query: &Query,
    backend: BackendKind,
    described: &Described,
    inferred: &[Option<super::analyze::Inferred>],
    join_nullable: &[bool],
    schema: &Schema,
    found: &mut Found,
) -> Option<Shape> {
    let before = found.items.len();
    let variant = query.variant(backend)?;
    let at = &variant.name_place;
    let error = |message: String| Diagnostic::error(Some(at.span.clone()), message);
    let several = schema.backends.len() > 1;
    let rules = backend.rules();
    let backend_name = rules.about().display_name;

    // Parameters.
    let mut params = Vec::with_capacity(query.params.len());
    for (i, name) in query.params.iter().enumerate() {
        let said = described.params.get(i).cloned().flatten();
        let declared = query.declared(name);
        let place = declared.map_or(at, |d| &d.place);
        let inferred = inferred.get(i).cloned().flatten();
        let ty = match (declared, said) {
            (Some(d), Some(said)) if !compatible(&d.declared.ty, &said, backend) => {
                found.at(
                    place,
                    Diagnostic::error(
                        Some(place.span.clone()),
                        format!(
                            "parameter `{name}` of `{}` is declared {}, but {backend_name} takes {}",
                            query.name, d.declared.ty, said
                        ),
                    )
                    .help(format!("declare it as `{}`, or cast it in the SQL", said)),
                );
                continue;
            }
            (Some(d), _) => d.declared.clone(),
            (None, said) if let Some(inferred) = inferred => {
                if let Some(said) = said
                    && !compatible(&inferred.ty, &said, backend)
                {
                    found.at(
                        at,
                        error(format!(
                            "parameter `{name}` of `{}` is compared with or assigned to a {}, but {backend_name} takes {said}",
                            query.name, inferred.ty
                        ))
                        .help(format!("declare it: `-- param {name}: <type>`, or cast it in the SQL")),
                    );
                    continue;
                }
                Declared {
                    ty: inferred.ty,
                    nullable: inferred.nullable,
                }
            }
            (None, Some(said)) if !several => Declared {
                ty: said,
                nullable: false,
            },
            (None, said) => {
                let why = match said {
                    Some(_) => format!(
                        "the blueprint lists several backends and only {backend_name} says its type"
                    ),
                    None => format!("{backend_name} doesn't say its type"),
                };
                found.at(
                    at,
                    error(format!(
                        "parameter `{name}` of `{}` needs a declared type: {why}",
                        query.name
                    ))
                    .help(format!(
                        "add a header line after `-- name:`: `-- param {name}: <type>` (e.g. int64, text, timestamp_tz)"
                    )),
                );
                continue;
            }
        };
        params.push(ShapeParam {
            name: name.clone(),
            ty: ty.ty,
            nullable: ty.nullable,
        });
    }

    // The kind against the columns.
    match (query.kind, described.columns.is_empty()) {
        (Kind::One | Kind::Many, true) => found.at(
            at,
            error(format!(
                "`{}` is `:{}` but its statement returns no columns",
                query.name,
                query.kind.name()
            ))
            .help("use `:exec` for a statement that returns no rows (it returns the number of rows affected)"),
        ),
        (Kind::Exec, false) => found.at(
            at,
            error(format!(
                "`{}` is `:exec` but its statement returns {} column{}",
                query.name,
                described.columns.len(),
                if described.columns.len() == 1 { "" } else { "s" }
            ))
            .help("use `:one` or `:many` to read the rows it returns"),
        ),
        _ => {}
    }

    // Columns.
    let mut columns: Vec<Column> = Vec::with_capacity(described.columns.len());
    for (i, c) in described.columns.iter().enumerate() {
        let alias = parse_alias(&c.name);
        let name = alias.name.clone();
        // Where the column is named in the statement, for its diagnostics.
        let column_at = column_span(variant, &c.name, false).unwrap_or_else(|| at.span.clone());
        let error = |message: String| Diagnostic::error(Some(column_at.clone()), message);
        if !is_snake_case(&name) || is_rust_keyword(&name) {
            let help = if name.is_empty() || name.contains(['(', ' ', '*', '.']) {
                format!(
                    "name it: `<expression> AS {}`",
                    snake_case(&format!("column_{}", i + 1))
                )
            } else {
                format!("name it in snake_case: `AS {}`", snake_case(&name))
            };
            found.at(
                at,
                error(format!(
                    "column {} of `{}` is `{}`, which can't be a Rust field name",
                    i + 1,
                    query.name,
                    c.name
                ))
                .help(help),
            );
            continue;
        }
        if columns.iter().any(|other| other.name == name) {
            let last = column_span(variant, &c.name, true).unwrap_or_else(|| at.span.clone());
            found.at(
                at,
                Diagnostic::error(
                    Some(last),
                    format!("`{}` returns two columns named `{name}`", query.name),
                )
                .help("give one of them another name with AS"),
            );
            continue;
        }
        let declared = match alias.ty.as_deref().map(|t| parse_declared(t, schema)) {
            Some(Ok(d)) => Some(d.ty),
            Some(Err(message)) => {
                found.at(
                    at,
                    error(format!("column `{name}` of `{}`: {message}", query.name))
                        .help(super::TYPE_HELP),
                );
                continue;
            }
            None => None,
        };
        let field = c.origin.as_ref().and_then(|(table, column)| {
            schema.stores.iter().find_map(|store| {
                if !rules.same_identifier(&store.table, table) {
                    return None;
                }
                let field = store
                    .fields
                    .iter()
                    .find(|f| rules.same_identifier(&f.column, column))?;
                Some((store, field))
            })
        });
        let outer = join_nullable.get(i).copied().unwrap_or(false);
        let (ty, nullable, from) = match field {
            Some((store, f)) => {
                if let Some(declared) = &declared
                    && !compatible(declared, &f.ty, backend)
                    && !compatible(&f.ty, declared, backend)
                {
                    found.at(
                        at,
                        error(format!(
                            "column `{name}` of `{}` is declared {declared}, but it is field `{}.{}`, a {}",
                            query.name, store.name, f.name, f.ty
                        )),
                    );
                    continue;
                }
                let same = declared.as_ref().is_none_or(|d| *d == f.ty);
                (
                    declared.clone().unwrap_or_else(|| f.ty.clone()),
                    f.nullable || outer,
                    same.then(|| (store.name.clone(), f.name.clone())),
                )
            }
            None => {
                let ty = match (&declared, &c.ty) {
                    (Some(d), Some(said)) if !compatible(d, said, backend) => {
                        found.at(
                            at,
                            error(format!(
                                "column `{name}` of `{}` is declared {d}, but {backend_name} says it is `{}`",
                                query.name, c.sql_type
                            ))
                            .help(format!("declare it as {said}, or cast it in the SQL")),
                        );
                        continue;
                    }
                    (Some(d), _) => d.clone(),
                    (None, Some(said)) if !several => said.clone(),
                    (None, said) => {
                        let why = match said {
                            Some(_) => format!(
                                "it isn't a store's field, and the blueprint lists several backends ({backend_name} says `{}`)",
                                c.sql_type
                            ),
                            None if c.sql_type.is_empty() => {
                                format!("{backend_name} doesn't say its type")
                            }
                            None => format!(
                                "{backend_name} says `{}`, which is no type storegen reads",
                                c.sql_type
                            ),
                        };
                        found.at(
                            at,
                            error(format!(
                                "column `{name}` of `{}` needs a declared type: {why}",
                                query.name
                            ))
                            .help(format!("declare it in its alias: `AS \"{name}: <type>\"` (e.g. int64, text, decimal(10, 2))")),
                        );
                        continue;
                    }
                };
                // A table's column says whether it holds NULL; an expression doesn't.
                let nullable = match (&c.origin, c.not_null) {
                    (Some(_), Some(true)) => outer,
                    _ => true,
                };
                (ty, nullable, None)
            }
        };
        let nullable = alias.nullable.unwrap_or(nullable);
        columns.push(Column {
            name,
            ty,
            nullable,
            field: from,
        });
    }

    let returns = match &query.returns {
        Some((record, place)) => returns_store(query, record, place, &columns, schema, found),
        None => detect_store(&columns, schema),
    };
    if found.items[before..].iter().any(|(_, d)| d.is_error()) {
        return None;
    }
    Some(Shape {
        params,
        columns,
        returns,
    })
}

/// Where a result column's name stands in the statement (as a quoted alias, or as
/// written): the first place, or the last (a name given twice).
fn column_span(variant: &super::Variant, name: &str, last: bool) -> Option<std::ops::Range<usize>> {
    // The select list: up to the first FROM (a RETURNING list: the whole statement).
    let upper = variant.sql.to_ascii_uppercase();
    let end = upper
        .match_indices("FROM")
        .map(|(i, _)| i)
        .find(|&i| {
            let b = upper.as_bytes();
            (i == 0 || b[i - 1].is_ascii_whitespace())
                && b.get(i + 4).is_none_or(u8::is_ascii_whitespace)
        })
        .unwrap_or(variant.sql.len());
    let sql = &variant.sql[..end];
    let find = |needle: &str| {
        if last {
            sql.rfind(needle)
        } else {
            sql.find(needle)
        }
    };
    let (at, len) = ['"', '`', '\'']
        .iter()
        .find_map(|q| {
            let quoted = format!("{q}{name}{q}");
            find(&quoted).map(|i| (i, quoted.len()))
        })
        .or_else(|| {
            // As written: the whole word, not inside another name.
            let bytes = sql.as_bytes();
            let word = |i: usize| {
                i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_')
            };
            let mut positions: Vec<usize> = sql.match_indices(name).map(|(i, _)| i).collect();
            if last {
                positions.reverse();
            }
            positions
                .into_iter()
                .find(|&i| (i == 0 || !word(i - 1)) && !word(i + name.len()))
                .map(|i| (i, name.len()))
        })?;
    let start = variant.sql_place.span.start + at;
    Some(start..start + len)
}

/// `-- returns: Customer`: the store whose record the columns are exactly.
fn returns_store(
    query: &Query,
    record: &str,
    place: &Place,
    columns: &[Column],
    schema: &Schema,
    found: &mut Found,
) -> Option<String> {
    let Some(store) = schema
        .stores
        .iter()
        .find(|s| record_ident(s) == record || s.name == record)
    else {
        let records: Vec<String> = schema
            .stores
            .iter()
            .map(|s| record_ident(s).to_string())
            .collect();
        found.at(
            place,
            Diagnostic::error(
                Some(place.span.clone()),
                format!("`{record}` is not a record the blueprint declares"),
            )
            .help(format!("records: {}", records.join(", "))),
        );
        return None;
    };
    let wanted: Vec<String> = store
        .fields
        .iter()
        .map(|f| format!("{}: {}{}", f.name, f.ty, if f.nullable { "?" } else { "" }))
        .collect();
    let got: Vec<String> = columns
        .iter()
        .map(|c| format!("{}: {}{}", c.name, c.ty, if c.nullable { "?" } else { "" }))
        .collect();
    if wanted != got {
        let first = wanted
            .iter()
            .zip(&got)
            .position(|(a, b)| a != b)
            .unwrap_or(wanted.len().min(got.len()));
        let detail = match (wanted.get(first), got.get(first)) {
            (Some(w), Some(g)) => {
                format!("column {} is `{g}`, the record's field is `{w}`", first + 1)
            }
            (Some(w), None) => format!("the record's field `{w}` has no column"),
            (None, Some(g)) => format!("column `{g}` is not the record's"),
            (None, None) => String::new(),
        };
        found.at(
            place,
            Diagnostic::error(
                Some(place.span.clone()),
                format!(
                    "`{}` returns `{record}`, but its columns are not that record's: {detail}",
                    query.name
                ),
            )
            .help(format!(
                "select the record's fields in order ({}), or remove `-- returns:` for a row type of its own",
                store.fields.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(", ")
            )),
        );
        return None;
    }
    Some(store.name.clone())
}

/// The store whose record the columns are, field for field, from its own table.
fn detect_store(columns: &[Column], schema: &Schema) -> Option<String> {
    let (store_name, _) = columns.first()?.field.as_ref()?;
    let store = schema.store(store_name)?;
    let exact = store.fields.len() == columns.len()
        && store.fields.iter().zip(columns).all(|(f, c)| {
            c.field.as_ref() == Some(&(store.name.clone(), f.name.clone()))
                && c.name == f.name
                && c.nullable == f.nullable
                && c.ty == f.ty
        });
    exact.then(|| store.name.clone())
}

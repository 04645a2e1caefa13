//! Rules across the whole schema, checked once every store is read: each a small
//! named function.

use super::value::Walker;
use crate::build::diagnostics::Diagnostic;
use crate::model::{LogicalType, Schema};

/// Unsigned integers exist on some backends only (MySQL): a blueprint that also
/// generates for another can't have them.
pub(super) fn check_unsigned_backends(w: &mut Walker, schema: &Schema, spans: &super::Spans) {
    let others: Vec<String> = schema
        .backends
        .iter()
        .filter(|b| !b.rules().has_unsigned())
        .map(|b| format!("`{}`", b.name()))
        .collect();
    if others.is_empty() {
        return;
    }
    let having: Vec<&str> = crate::backend::BackendKind::ALL
        .iter()
        .filter(|b| b.rules().has_unsigned())
        .map(|b| b.rules().about().display_name)
        .collect();
    let only: Vec<String> = crate::backend::BackendKind::ALL
        .iter()
        .filter(|b| b.rules().has_unsigned())
        .map(|b| format!("\"{}\"", b.name()))
        .collect();
    for (store, store_spans) in schema.stores.iter().zip(&spans.stores) {
        for (i, field) in store.fields.iter().enumerate() {
            if field.ty.is_unsigned() {
                w.push(
                    Diagnostic::error(
                        store_spans.fields.get(i).cloned(),
                        format!(
                            "field `{}.{}` is `unsigned`, which only {} has, but `backends` also lists {}",
                            store.name,
                            field.name,
                            having.join(" and "),
                            others.join(" and ")
                        ),
                    )
                    .help(format!(
                        "remove `unsigned`, or generate for `backends = [{}]` alone",
                        only.join(", ")
                    )),
                );
            }
        }
    }
}

/// Pages follow the key's order, which must be the same on every backend: SQLite keeps
/// decimals as text (not in the numbers' order), and a PostgreSQL enum sorts in
/// declaration order where text sorts by its letters. Neither can be a primary key.
pub(super) fn check_key_types(w: &mut Walker, schema: &Schema, spans: &super::Spans) {
    for (store, store_spans) in schema.stores.iter().zip(&spans.stores) {
        for field in store.key_fields() {
            let order_help = format!(
                "key the store by an integer or text field; the {} may still be `unique`",
                field.ty.name()
            );
            let (why, help) = match field.ty {
                LogicalType::Decimal { .. } => (
                    "a decimal, which can't be a primary key: SQLite keeps decimals as text, and pages in key order would follow the text",
                    order_help,
                ),
                LogicalType::Enum { .. } => (
                    "an enum, which can't be a primary key: backends order enum values differently, and pages follow the key's order",
                    order_help,
                ),
                // (`primary_key = true` beside `rust` is refused where it is read.)
                _ if field.rust.is_some() => (
                    "part of the primary key, which keeps its logical type's Rust type",
                    "remove its `rust`".to_owned(),
                ),
                _ => continue,
            };
            let i = store.fields.iter().position(|f| f.name == field.name);
            w.push(
                Diagnostic::error(
                    i.and_then(|i| store_spans.fields.get(i).cloned()),
                    format!("field `{}.{}` is {why}", store.name, field.name),
                )
                .help(help),
            );
        }
    }
}

/// A JSON document has no order every backend agrees on (MySQL can't index it at all):
/// it can't be a key, unique, indexed or a reference.
pub(super) fn check_json_not_indexed(w: &mut Walker, schema: &Schema, spans: &super::Spans) {
    for (store, store_spans) in schema.stores.iter().zip(&spans.stores) {
        for (i, field) in store.fields.iter().enumerate() {
            if field.ty == LogicalType::Json && store.is_indexed(i) {
                w.push(
                    Diagnostic::error(
                        store_spans.fields.get(i).cloned(),
                        format!(
                            "field `{}.{}` is json, which can't be a key, unique, indexed or a reference",
                            store.name, field.name
                        ),
                    )
                    .help("key, index or reference another field; keep the document as data"),
                );
            }
        }
    }
}

/// At most one version field a store; and no version in an index (it changes on every
/// write).
pub(super) fn check_versions(w: &mut Walker, schema: &Schema, spans: &super::Spans) {
    for (store, store_spans) in schema.stores.iter().zip(&spans.stores) {
        let mut first: Option<&str> = None;
        for (i, field) in store.fields.iter().enumerate() {
            if !field.version {
                continue;
            }
            match first {
                Some(other) => w.push(
                    Diagnostic::error(
                        store_spans.fields.get(i).cloned(),
                        format!(
                            "store `{}` has two version fields, `{other}` and `{}`",
                            store.name, field.name
                        ),
                    )
                    .help("keep one `version = true` field a store"),
                ),
                None => first = Some(&field.name),
            }
        }
    }
}

/// Each finder method once per store: two declarations that would generate the same
/// `get_by_…`, `list_by_…` or `count_by_…` are an error at the second.
pub(super) fn check_finder_names(w: &mut Walker, schema: &Schema, spans: &super::Spans) {
    for (store, store_spans) in schema.stores.iter().zip(&spans.stores) {
        let mut seen: Vec<(String, Option<super::Span>)> = Vec::new();
        for finder in store.finders() {
            let span = match finder.position {
                Some(p) => store_spans.indexes.get(p),
                None => store_spans.fields.get(finder.fields[0]),
            }
            .cloned();
            for method in finder.methods() {
                match seen.iter().find(|(m, _)| *m == method) {
                    Some((_, first)) => {
                        w.push(
                            Diagnostic::error(
                                span.clone(),
                                format!(
                                    "store `{}`: this declaration generates `{method}`, which an earlier one already generates",
                                    store.name
                                ),
                            )
                            .related(first.clone(), "the first one")
                            .help("remove one of the two, or make their fields differ"),
                        );
                        // One error per declaration (`list_by_` and `count_by_` clash together).
                        break;
                    }
                    None => seen.push((method, span.clone())),
                }
            }
        }
    }
}

/// `order` fields page as keys do (the order must be the same on every backend). NULLs
/// are read as an index range of their own, so a nullable field must order first, and
/// only one may be nullable.
pub(super) fn check_order_fields(w: &mut Walker, schema: &Schema, spans: &super::Spans) {
    for (store, store_spans) in schema.stores.iter().zip(&spans.stores) {
        for (index, span) in store.indexes.iter().zip(&store_spans.indexes) {
            for o in &index.order {
                let field = &store.fields[o.field];
                let why = match field.ty {
                    LogicalType::Decimal { .. } => {
                        "a decimal: SQLite keeps decimals as text, and pages would follow the text"
                    }
                    LogicalType::Enum { .. } => "an enum: backends order enum values differently",
                    _ => continue,
                };
                w.push(
                    Diagnostic::error(
                        Some(span.clone()),
                        format!(
                            "store `{}`: an index's `order` lists `{}`, which is {why}",
                            store.name, field.name
                        ),
                    )
                    .help("order by an integer, text, date or time field"),
                );
            }
            // NULLs are read as a range of their own: one nullable field, ordering first.
            let nullable: Vec<&str> = index
                .order
                .iter()
                .filter(|o| store.fields[o.field].nullable)
                .map(|o| store.fields[o.field].name.as_str())
                .collect();
            let first_nullable = index
                .order
                .first()
                .is_some_and(|o| store.fields[o.field].nullable);
            if nullable.len() > 1 || (nullable.len() == 1 && !first_nullable) {
                w.push(
                    Diagnostic::error(
                        Some(span.clone()),
                        format!(
                            "store `{}`: an index's `order` may hold one nullable field, first; it lists {}",
                            store.name,
                            nullable
                                .iter()
                                .map(|n| format!("`{n}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )
                    .help("order by the nullable field first, and make the others required (not `nullable`)"),
                );
            }
        }
    }
}

/// A reference with no index starting with its field makes every delete of the
/// referenced row, and every lookup by the field, scan the table (MySQL makes such an
/// index itself; PostgreSQL and SQLite don't): a warning.
pub(super) fn check_references_indexed(w: &mut Walker, schema: &Schema, spans: &super::Spans) {
    for (store, store_spans) in schema.stores.iter().zip(&spans.stores) {
        for (i, field) in store.fields.iter().enumerate() {
            let Some(reference) = &field.references else {
                continue;
            };
            let indexed = store.primary_key.first() == Some(&i)
                || field.unique
                || store.indexes.iter().any(|ix| ix.fields.first() == Some(&i));
            if indexed {
                continue;
            }
            w.push(
                Diagnostic::warning(
                    store_spans.fields.get(i).cloned(),
                    format!(
                        "`{}.{}` references `{}.{}` but no index starts with it: deletes of {} and lookups by `{}` scan the table",
                        store.name, field.name, reference.store, reference.field, reference.store, field.name
                    ),
                )
                .help(format!(
                    "add `[[stores.{}.indexes]] fields = [\"{}\"]`",
                    store.name, field.name
                )),
            );
        }
    }
}

/// `storegen_migrations` is the table `migrate` records its runs in, on every backend.
pub(super) fn check_reserved_tables(w: &mut Walker, schema: &Schema, spans: &super::Spans) {
    for (store, store_spans) in schema.stores.iter().zip(&spans.stores) {
        if store.table.eq_ignore_ascii_case("storegen_migrations") {
            w.push(
                Diagnostic::error(
                    Some(store_spans.name.clone()),
                    format!(
                        "store `{}`: table `{}` is where `migrate` records its runs",
                        store.name, store.table
                    ),
                )
                .help("set `table` to another name"),
            );
        }
    }
}

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

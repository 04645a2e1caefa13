//! MySQL's blueprint rules: what it can index.

use crate::build::blueprint::Spans;
use crate::build::diagnostics::Diagnostic;
use crate::model::{LogicalType, Schema};

/// MySQL indexes only values of bounded length: a key, unique, indexed or referencing
/// text field needs `max_length` (VARCHAR), and bytes (LONGBLOB) can't be indexed.
pub(crate) fn check_indexable(schema: &Schema, spans: &Spans) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (store, store_spans) in schema.stores.iter().zip(&spans.stores) {
        for (i, field) in store.fields.iter().enumerate() {
            if !store.is_indexed(i) {
                continue;
            }
            let (problem, help) = match field.ty {
                LogicalType::Text { max_length: None } => (
                    "text without `max_length`, which MySQL cannot index",
                    "add `max_length` (e.g. `max_length = 255`): the column becomes VARCHAR",
                ),
                LogicalType::Bytes => (
                    "bytes, which MySQL cannot index (a LONGBLOB)",
                    "key, index or reference a text field with `max_length`, or an integer",
                ),
                _ => continue,
            };
            out.push(
                Diagnostic::error(
                    store_spans.fields.get(i).cloned(),
                    format!(
                        "field `{}.{}` is indexed (as a key, unique, in an index or as a reference) but is {problem}",
                        store.name, field.name
                    ),
                )
                .help(help),
            );
        }
    }
    out
}

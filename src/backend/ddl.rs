//! The shape every backend's CREATE script shares; each backend supplies its columns.

use crate::model::{Field, Store};

/// `CREATE TABLE IF NOT EXISTS <table> (<lines>)<suffix>;`. A single-field key is
/// declared on its column when `inline_key` (the column function is told so), otherwise
/// as a `PRIMARY KEY (...)` line; `extra` lines follow.
pub(crate) fn create_table(
    store: &Store,
    quote: fn(&str) -> String,
    column: impl Fn(&Field, bool) -> String,
    inline_key: bool,
    extra: Vec<String>,
    suffix: &str,
) -> String {
    let inline = inline_key && store.primary_key.len() == 1;
    let mut lines: Vec<String> = store
        .fields
        .iter()
        .enumerate()
        .map(|(i, field)| column(field, inline && store.is_key(i)))
        .collect();
    if !inline {
        let key: Vec<String> = store.key_fields().map(|f| quote(&f.column)).collect();
        lines.push(format!("PRIMARY KEY ({})", key.join(", ")));
    }
    lines.extend(extra);
    format!(
        "CREATE TABLE IF NOT EXISTS {} (\n    {}\n){suffix};\n",
        quote(&store.table),
        lines.join(",\n    ")
    )
}

/// `CREATE [UNIQUE] INDEX IF NOT EXISTS` for every index of every store.
pub(crate) fn create_indexes(stores: &[Store], quote: fn(&str) -> String) -> String {
    let mut out = String::new();
    for store in stores {
        for index in &store.indexes {
            let columns: Vec<String> = index
                .fields
                .iter()
                .map(|&i| quote(&store.fields[i].column))
                .collect();
            out.push_str(&format!(
                "CREATE {}INDEX IF NOT EXISTS {} ON {} ({});\n",
                if index.unique { "UNIQUE " } else { "" },
                quote(&index.name),
                quote(&store.table),
                columns.join(", ")
            ));
        }
    }
    out
}

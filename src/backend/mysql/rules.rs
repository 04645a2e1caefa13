//! MySQL's blueprint rules: what it can index, how long a VARCHAR can be, what InnoDB
//! does with `ON DELETE SET DEFAULT`.

use crate::build::blueprint::Spans;
use crate::build::diagnostics::Diagnostic;
use crate::model::{LogicalType, OnDelete, Schema};

/// A VARCHAR in utf8mb4 (4 bytes a character) within MySQL's 65,535-byte row.
const MOST_VARCHAR: u32 = 16_383;
/// InnoDB's index key: 3,072 bytes, 768 utf8mb4 characters.
const MOST_KEY_BYTES: u32 = 3_072;

/// The bytes a field takes in an index key, at most (text: 4 a character).
fn key_bytes(ty: &LogicalType) -> u32 {
    match ty {
        LogicalType::Text {
            max_length: Some(n),
        } => n.saturating_mul(4),
        LogicalType::Int16 | LogicalType::UInt16 => 2,
        LogicalType::Int32 | LogicalType::UInt32 | LogicalType::Float32 | LogicalType::Date => 4,
        LogicalType::Uuid => 16,
        LogicalType::UuidText => 36 * 4,
        _ => 8,
    }
}

/// The most bytes a field's column takes of MySQL's 65,535-byte row, as MySQL counts them
/// when it creates the table (TEXT, BLOB and JSON are kept outside it but for a pointer).
fn row_bytes(field: &crate::model::Field) -> u32 {
    let second_digits = |p: u8| u32::from(p).div_ceil(2);
    match &field.ty {
        LogicalType::Bool => 1,
        LogicalType::Int16 | LogicalType::UInt16 | LogicalType::Enum { .. } => 2,
        LogicalType::Int32 | LogicalType::UInt32 | LogicalType::Float32 => 4,
        LogicalType::Int64 | LogicalType::UInt64 | LogicalType::Float64 => 8,
        LogicalType::Date => 3,
        LogicalType::Time => 3 + second_digits(field.fraction_digits()),
        LogicalType::Timestamp | LogicalType::TimestampTz => {
            5 + second_digits(field.fraction_digits())
        }
        LogicalType::Uuid => 16,
        LogicalType::UuidText => 36 * 4,
        LogicalType::Decimal { precision, scale } => {
            // Nine digits in four bytes, the rest in as few as hold them.
            const LEFTOVER: [u32; 9] = [0, 1, 1, 2, 2, 3, 3, 4, 4];
            let digits = |n: u32| (n / 9) * 4 + LEFTOVER[(n % 9) as usize];
            digits(precision - scale) + digits(*scale)
        }
        LogicalType::Text {
            max_length: Some(n),
        } if field.padded => n.saturating_mul(4),
        LogicalType::Text {
            max_length: Some(n),
        } if *n <= super::types::MOST_ROW_VARCHAR => {
            let bytes = n * 4;
            bytes + if bytes > 255 { 2 } else { 1 }
        }
        LogicalType::Text { .. } | LogicalType::Bytes | LogicalType::Json => 12,
    }
}

/// MySQL's row: what the columns of one table may take together.
const MOST_ROW_BYTES: u32 = 65_535;

/// What MySQL can't hold the way the blueprint says: names it can't take, a VARCHAR
/// longer than a row allows,
/// an index key longer than InnoDB's, and `ON DELETE SET DEFAULT` (which InnoDB accepts
/// and then treats as RESTRICT, silently).
pub(crate) fn check_limits(schema: &Schema, spans: &Spans) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // MySQL names: at most 64 characters, none outside the Basic Multilingual Plane
    // (4-byte UTF-8, emoji), no trailing space.
    let check_name = |out: &mut Vec<Diagnostic>,
                      span: Option<std::ops::Range<usize>>,
                      what: String,
                      name: &str| {
        let problem = if name.chars().count() > 64 {
            Some(format!(
                "is {} characters long; MySQL names hold at most 64",
                name.chars().count()
            ))
        } else if name.chars().any(|c| u32::from(c) > 0xFFFF) {
            Some("holds a character MySQL names can't (outside the Basic Multilingual Plane, such as an emoji)".to_owned())
        } else if name.ends_with(' ') {
            Some("ends with a space, which MySQL names can't".to_owned())
        } else {
            None
        };
        if let Some(problem) = problem {
            out.push(
                Diagnostic::error(span, format!("{what} `{name}` {problem}"))
                    .help("choose another name (`table`, `column`, or the index's `name`)"),
            );
        }
    };
    for (store, store_spans) in schema.stores.iter().zip(&spans.stores) {
        check_name(
            &mut out,
            Some(store_spans.name.clone()),
            format!("store `{}`: table", store.name),
            &store.table,
        );
        for (i, field) in store.fields.iter().enumerate() {
            check_name(
                &mut out,
                store_spans.fields.get(i).cloned(),
                format!("field `{}.{}`: column", store.name, field.name),
                &field.column,
            );
        }
        for (index, span) in store.indexes.iter().zip(&store_spans.indexes) {
            check_name(
                &mut out,
                Some(span.clone()),
                format!("store `{}`: index", store.name),
                &index.name,
            );
        }
    }
    for (store, store_spans) in schema.stores.iter().zip(&spans.stores) {
        for (i, field) in store.fields.iter().enumerate() {
            let at = store_spans.fields.get(i).cloned();
            if let LogicalType::Text {
                max_length: Some(n),
            } = field.ty
                && n > MOST_VARCHAR
            {
                out.push(
                    Diagnostic::error(
                        at.clone(),
                        format!(
                            "field `{}.{}`: `max_length = {n}` is more than MySQL's VARCHAR holds in utf8mb4 ({MOST_VARCHAR} characters, 65,535 bytes a row)",
                            store.name, field.name
                        ),
                    )
                    .help("lower `max_length`, or remove it for unbounded text (LONGTEXT)"),
                );
            } else if let LogicalType::Text {
                max_length: Some(n),
            } = field.ty
                && n.saturating_mul(4) > MOST_KEY_BYTES
                && (store.is_key(i) || field.unique || field.references.is_some())
            {
                out.push(
                    Diagnostic::error(
                        at.clone(),
                        format!(
                            "field `{}.{}` is a key, unique or a reference, and `max_length = {n}` makes its index key longer than InnoDB's {MOST_KEY_BYTES} bytes (768 utf8mb4 characters)",
                            store.name, field.name
                        ),
                    )
                    .help("lower `max_length` to 768 or less"),
                );
            }
            if field
                .references
                .as_ref()
                .is_some_and(|r| r.on_delete == OnDelete::SetDefault)
            {
                out.push(
                    Diagnostic::error(
                        at,
                        format!(
                            "field `{}.{}`: `on_delete = \"set_default\"`, which MySQL/MariaDB's InnoDB accepts and then treats as RESTRICT",
                            store.name, field.name
                        ),
                    )
                    .help("choose `set_null`, `cascade`, `restrict` or `no_action`"),
                );
            }
        }
        let nullable = store.fields.iter().filter(|f| f.nullable).count() as u32;
        let row: u32 = store.fields.iter().map(row_bytes).sum::<u32>() + nullable.div_ceil(8);
        if row > MOST_ROW_BYTES {
            out.push(
                Diagnostic::error(
                    Some(store_spans.name.clone()),
                    format!(
                        "store `{}`: its columns take up to {row} bytes of a MySQL row, more than the {MOST_ROW_BYTES} MySQL allows, so creating the table fails (text counts 4 bytes a character)",
                        store.name
                    ),
                )
                .help(format!(
                    "lower the text fields' `max_length`: text longer than {} characters is TEXT, kept outside the row",
                    super::types::MOST_ROW_VARCHAR
                )),
            );
        }
        let key: u32 = store.key_fields().map(|f| key_bytes(&f.ty)).sum();
        if store.primary_key.len() > 1 && key > MOST_KEY_BYTES {
            out.push(
                Diagnostic::error(
                    Some(store_spans.name.clone()),
                    format!(
                        "store `{}`: its primary key takes up to {key} bytes, more than InnoDB's {MOST_KEY_BYTES} (text counts 4 bytes a character)",
                        store.name
                    ),
                )
                .help("lower the key's text fields' `max_length`"),
            );
        }
        for (index, span) in store.indexes.iter().zip(&store_spans.indexes) {
            let bytes: u32 = index
                .columns(store)
                .iter()
                .map(|c| key_bytes(&store.fields[c.field].ty))
                .sum();
            if bytes > MOST_KEY_BYTES {
                out.push(
                    Diagnostic::error(
                        Some(span.clone()),
                        format!(
                            "store `{}`: this index's key takes up to {bytes} bytes, more than InnoDB's {MOST_KEY_BYTES} (text counts 4 bytes a character)",
                            store.name
                        ),
                    )
                    .help("lower the text fields' `max_length`, or index fewer fields"),
                );
            }
        }
    }
    out
}

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

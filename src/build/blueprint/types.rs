//! A field's type: the logical types, with what decimals, enums and uuids add.

use toml::de::DeTable;

use super::Span;
use super::names::{camel_case, is_rust_keyword};
use super::value::Walker;
use crate::build::diagnostics::Diagnostic;
use crate::model::LogicalType;

pub(super) const ENUM_KEYS: &[&str] = &["values", "enum_name", "storage"];

pub(super) const DECIMAL_KEYS: &[&str] = &["precision", "scale"];

pub(super) const UUID_KEYS: &[&str] = &["storage"];

pub(super) const SUPPORTED_TYPES: &[&str] = &[
    "bool",
    "int16",
    "int32",
    "int64",
    "float32",
    "float64",
    "text",
    "bytes",
    "date",
    "time",
    "timestamp",
    "timestamp_tz",
    "uuid",
    "json",
    "decimal",
    "enum",
];

/// The logical type a type name alone says (no precision, values or storage): `int64`,
/// `text`, `uuid` (binary), `timestamp_tz`, …
pub(crate) fn simple_type(name: &str) -> Option<LogicalType> {
    Some(match name {
        "bool" => LogicalType::Bool,
        "int16" => LogicalType::Int16,
        "int32" => LogicalType::Int32,
        "int64" => LogicalType::Int64,
        "float32" => LogicalType::Float32,
        "float64" => LogicalType::Float64,
        "text" => LogicalType::Text { max_length: None },
        "bytes" => LogicalType::Bytes,
        "uuid" => LogicalType::Uuid,
        "json" => LogicalType::Json,
        "date" => LogicalType::Date,
        "time" => LogicalType::Time,
        "timestamp" => LogicalType::Timestamp,
        "timestamp_tz" => LogicalType::TimestampTz,
        _ => return None,
    })
}

pub(super) fn parse_type(
    w: &mut Walker,
    name: &str,
    span: Span,
    context: &str,
    table: Option<&DeTable<'_>>,
    enum_name: &str,
) -> Option<LogicalType> {
    let ty = match name {
        "uuid" => match table.and_then(|t| t.get("storage")) {
            None => LogicalType::Uuid,
            Some(v) => match w.string(v, &format!("{context}: `storage`"))?.as_str() {
                "binary" => LogicalType::Uuid,
                "text" => LogicalType::UuidText,
                other => {
                    w.unknown_name(
                        v.span(),
                        format!("{context}: unknown `storage = \"{other}\"`"),
                        other,
                        &["binary", "text"],
                    );
                    return None;
                }
            },
        },
        "decimal" => return read_decimal(w, span, context, table),
        "enum" => return read_enum(w, span, context, table, enum_name),
        simple if let Some(ty) = simple_type(simple) => ty,
        unknown => {
            w.unknown_name(
                span,
                format!("{context}: unknown type `{unknown}`"),
                unknown,
                SUPPORTED_TYPES,
            );
            return None;
        }
    };
    Some(ty)
}

/// A type as a reference's diagnostic names it: with what must match on both ends.
pub(super) fn kind(ty: &LogicalType) -> String {
    match ty {
        LogicalType::Decimal { .. } | LogicalType::Enum { .. } | LogicalType::UuidText => {
            ty.to_string()
        }
        LogicalType::Uuid => "uuid (binary)".into(),
        other => other.name().into(),
    }
}

/// rust_decimal's `Decimal` holds 28 significant digits (and some of 29).
pub(super) const DECIMAL_DIGITS: i64 = 28;

/// `decimal` with its `precision` (required, up to 28) and `scale` (0 when left out).
pub(super) fn read_decimal(
    w: &mut Walker,
    type_span: Span,
    context: &str,
    table: Option<&DeTable<'_>>,
) -> Option<LogicalType> {
    let example = "`{ type = \"decimal\", precision = 12, scale = 2 }`";
    let Some(value) = table.and_then(|t| t.get("precision")) else {
        w.push(
            Diagnostic::error(
                Some(type_span),
                format!("{context} is a decimal without `precision`"),
            )
            .help(format!(
                "give its digits in all and after the point: {example}"
            )),
        );
        return None;
    };
    let precision = w.integer(value, &format!("{context}: `precision`"))?;
    if !(1..=DECIMAL_DIGITS).contains(&precision) {
        let why = if precision > DECIMAL_DIGITS {
            format!(
                "`precision = {precision}` is more than the {DECIMAL_DIGITS} significant digits rust_decimal's Decimal holds"
            )
        } else {
            format!("`precision` must be at least 1, found {precision}")
        };
        w.push(
            Diagnostic::error(Some(value.span()), format!("{context}: {why}"))
                .label(format!("1 to {DECIMAL_DIGITS}")),
        );
        return None;
    }
    let scale = match table.and_then(|t| t.get("scale")) {
        None => 0,
        Some(value) => {
            let scale = w.integer(value, &format!("{context}: `scale`"))?;
            if !(0..=precision).contains(&scale) {
                w.push(
                    Diagnostic::error(
                        Some(value.span()),
                        format!(
                            "{context}: `scale = {scale}` must be from 0 to the precision ({precision})"
                        ),
                    )
                    .help("`scale` counts the digits after the point, out of `precision` in all"),
                );
                return None;
            }
            scale
        }
    };
    // Both are within 0..=28.
    Some(LogicalType::Decimal {
        precision: u32::try_from(precision).ok()?,
        scale: u32::try_from(scale).ok()?,
    })
}

/// `enum` with its `values`, the Rust enum's name (`enum_name`, else the record's name
/// and the field's) and how PostgreSQL keeps it (`storage = "enum" | "text"`).
pub(super) fn read_enum(
    w: &mut Walker,
    type_span: Span,
    context: &str,
    table: Option<&DeTable<'_>>,
    default_name: &str,
) -> Option<LogicalType> {
    let values = check_enum_values(w, type_span, context, table);
    let mut name = default_name.to_owned();
    if let Some(v) = table.and_then(|t| t.get("enum_name")) {
        let given = w.string(v, &format!("{context}: `enum_name`"))?;
        let valid = matches!(given.chars().next(), Some('A'..='Z'))
            && given.chars().all(|c| c.is_ascii_alphanumeric())
            && !is_rust_keyword(&given);
        if !valid {
            w.push(
                Diagnostic::error(
                    Some(v.span()),
                    format!("{context}: `enum_name = \"{given}\"` is not a valid Rust type name"),
                )
                .label("expected CamelCase: an uppercase letter, then letters and digits"),
            );
            return None;
        }
        name = given;
    }
    let native = match table.and_then(|t| t.get("storage")) {
        None => true,
        Some(v) => match w.string(v, &format!("{context}: `storage`"))?.as_str() {
            "enum" => true,
            "text" => false,
            other => {
                w.unknown_name(
                    v.span(),
                    format!("{context}: unknown `storage = \"{other}\"`"),
                    other,
                    &["enum", "text"],
                );
                return None;
            }
        },
    };
    Some(LogicalType::Enum {
        name,
        values: values?,
        native,
    })
}

/// A value's Rust variant: the value in CamelCase (`in_progress` → `InProgress`).
pub(crate) fn enum_variant(value: &str) -> String {
    let spaced: String = value
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    camel_case(&spaced)
}

/// An enum's values: listed, each once, each with a Rust variant of its own, and text
/// every backend stores as written.
pub(super) fn check_enum_values(
    w: &mut Walker,
    type_span: Span,
    context: &str,
    table: Option<&DeTable<'_>>,
) -> Option<Vec<String>> {
    let values = table.and_then(|t| t.get("values"));
    let Some(values) = values else {
        w.push(
            Diagnostic::error(
                Some(type_span),
                format!("{context} is an enum without `values`"),
            )
            .help("list its values: `values = [\"new\", \"paid\"]`"),
        );
        return None;
    };
    let items = w.string_array(values, &format!("{context}: `values`"))?;
    let mut ok = true;
    if items.is_empty() {
        w.push(Diagnostic::error(
            Some(values.span()),
            format!("{context} is an enum without values"),
        ));
        ok = false;
    }
    for (i, (value, span)) in items.iter().enumerate() {
        let variant = enum_variant(value);
        let problem = if items[..i].iter().any(|(v, _)| v == value) {
            format!("enum value `{value}` is listed twice")
        } else if value.is_empty()
            || value.trim() != value
            || value
                .chars()
                .any(|c| c == '\'' || c == '\\' || c.is_control())
        {
            format!(
                "enum value `{value}` can't be stored as written: values are non-empty, without quotes, backslashes or surrounding spaces"
            )
        } else if !matches!(variant.chars().next(), Some('A'..='Z')) || variant == "Self" {
            format!("enum value `{value}` has no Rust variant name (`{variant}` is not one)")
        } else if let Some((other, _)) = items[..i].iter().find(|(v, _)| enum_variant(v) == variant)
        {
            format!("enum values `{other}` and `{value}` both become the variant `{variant}`")
        } else {
            continue;
        };
        ok = false;
        w.push(Diagnostic::error(
            Some(span.clone()),
            format!("{context}: {problem}"),
        ));
    }
    ok.then(|| items.into_iter().map(|(v, _)| v).collect())
}

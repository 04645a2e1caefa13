//! Fields: types, flags, defaults, primary keys and references.

use std::borrow::Cow;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::names::{camel_case, check_snake_case, check_sql_name, is_rust_keyword};
use super::value::{Walker, article, list};
use super::{Span, StoreSpans};
use crate::build::diagnostics::Diagnostic;
use crate::model::{DefaultValue, Field, LogicalType, OnDelete, Reference, Schema, Store};

const FIELD_KEYS: &[&str] = &[
    "type",
    "primary_key",
    "generated",
    "unique",
    "nullable",
    "default",
    "max_length",
    "unsigned",
    "column",
    "description",
    "references",
    "on_delete",
    "rust",
];
/// Keys of blueprint v1 that belong to types or features still to come.
const FIELD_LATER: &[(&str, &str)] = &[];
const ENUM_KEYS: &[&str] = &["values", "enum_name", "storage"];
const DECIMAL_KEYS: &[&str] = &["precision", "scale"];
const UUID_KEYS: &[&str] = &["storage"];

const SUPPORTED_TYPES: &[&str] = &[
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

/// A field as declared, with what is resolved once every store is read.
pub(super) struct FieldDecl {
    pub field: Field,
    /// Where `primary_key = true` was set, if it was.
    pub key_flag: Option<Span>,
    pub reference: Option<PendingReference>,
}

/// A `references = "store.field"` still to be resolved.
pub(super) struct PendingReference {
    pub target: String,
    pub span: Span,
    pub on_delete: OnDelete,
}

pub(super) fn read_field(
    w: &mut Walker,
    store: &str,
    record: &str,
    key: &Spanned<Cow<'_, str>>,
    value: &Spanned<DeValue<'_>>,
) -> FieldDecl {
    let name = key.get_ref().to_string();
    let context = format!("field `{store}.{name}`");
    let enum_name = format!("{record}{}", camel_case(&name));
    check_snake_case(
        w,
        &name,
        key.span(),
        &format!("store `{store}`: field name"),
    );
    let mut decl = FieldDecl {
        // The type is a placeholder until `type` is read.
        field: Field::new(&name, LogicalType::Bool),
        key_flag: None,
        reference: None,
    };
    // Shorthand: `name = "text"`.
    if let Some(type_name) = value.get_ref().as_str() {
        if let Some(ty) = parse_type(w, type_name, value.span(), &context, None, &enum_name) {
            decl.field.ty = ty;
        }
        return decl;
    }
    let Some(table) = w.table(value, &format!("{context}: a field")) else {
        return decl;
    };

    let type_name = match table.get("type") {
        Some(t) => w
            .string(t, &format!("{context}: `type`"))
            .map(|n| (n, t.span())),
        None => {
            w.push(
                Diagnostic::error(Some(key.span()), format!("{context} has no `type`"))
                    .help(format!("valid types: {}", list(SUPPORTED_TYPES))),
            );
            None
        }
    };
    let mut allowed: Vec<&str> = FIELD_KEYS.to_vec();
    match type_name.as_ref().map(|(n, _)| n.as_str()) {
        Some("enum") => allowed.extend(ENUM_KEYS),
        Some("decimal") => allowed.extend(DECIMAL_KEYS),
        Some("uuid") => allowed.extend(UUID_KEYS),
        _ => {}
    }
    w.check_keys(table, &allowed, FIELD_LATER, &format!("in {context}"));

    let flag = |w: &mut Walker, key: &str| -> Option<(bool, Span)> {
        let v = table.get(key)?;
        w.boolean(v, &format!("{context}: `{key}`"))
            .map(|b| (b, v.span()))
    };
    let max_length = read_max_length(w, table, &context, type_name.as_ref());
    let mut typed = false;
    if let Some((type_name, span)) = &type_name
        && let Some(ty) = parse_type(
            w,
            type_name,
            span.clone(),
            &context,
            Some(table),
            &enum_name,
        )
    {
        typed = true;
        decl.field.ty = match ty {
            LogicalType::Text { .. } => LogicalType::Text { max_length },
            other => other,
        };
    }
    // Only MySQL has unsigned integers: checked once the schema's backends are known.
    if let Some((true, span)) = flag(w, "unsigned")
        && typed
    {
        match decl.field.ty.to_unsigned() {
            Some(unsigned) => decl.field.ty = unsigned,
            None => w.push(
                Diagnostic::error(
                    Some(span),
                    format!(
                        "{context}: `unsigned` applies to integer fields, not {}",
                        decl.field.ty.name()
                    ),
                )
                .help("remove `unsigned`"),
            ),
        }
    }
    if let Some((true, span)) = flag(w, "primary_key") {
        decl.key_flag = Some(span);
    }
    decl.field.nullable = flag(w, "nullable").is_some_and(|(b, _)| b);
    decl.field.unique = flag(w, "unique").is_some_and(|(b, _)| b);
    // Whether a generated field is a key that can be generated is checked once the
    // store's key is known.
    decl.field.generated = flag(w, "generated").is_some_and(|(b, _)| b);
    if let Some(v) = table.get("column")
        && let Some(column) = w.string(v, &format!("{context}: `column`"))
        && check_sql_name(w, &column, v.span(), &format!("{context}: `column`"))
    {
        decl.field.column = column;
    }
    if let Some(v) = table.get("description") {
        decl.field.description = w.string(v, &format!("{context}: `description`"));
    }
    if let Some(v) = table.get("rust")
        && typed
    {
        decl.field.rust = read_rust_override(w, &decl, v, &context);
    }
    // A default is checked against the field's type, so only once that type is known.
    if let Some(v) = table.get("default")
        && typed
    {
        decl.field.default = read_default(w, &decl.field, v, &context);
    }
    if decl.field.generated && decl.field.default.is_some() {
        w.push(
            Diagnostic::error(
                table.get("default").map(|v| v.span()),
                format!("{context} is `generated` and also has a `default`"),
            )
            .help("the database assigns a generated field's value: remove `default`"),
        );
    }
    read_reference(w, table, &context, &mut decl);
    decl
}

fn parse_type(
    w: &mut Walker,
    name: &str,
    span: Span,
    context: &str,
    table: Option<&DeTable<'_>>,
    enum_name: &str,
) -> Option<LogicalType> {
    let ty = match name {
        "bool" => LogicalType::Bool,
        "int16" => LogicalType::Int16,
        "int32" => LogicalType::Int32,
        "int64" => LogicalType::Int64,
        "float32" => LogicalType::Float32,
        "float64" => LogicalType::Float64,
        "text" => LogicalType::Text { max_length: None },
        "bytes" => LogicalType::Bytes,
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
        "json" => LogicalType::Json,
        "decimal" => return read_decimal(w, span, context, table),
        "enum" => return read_enum(w, span, context, table, enum_name),
        "date" => LogicalType::Date,
        "time" => LogicalType::Time,
        "timestamp" => LogicalType::Timestamp,
        "timestamp_tz" => LogicalType::TimestampTz,
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

/// `rust = "path::Type"`: a type path, on a field whose logical type leaves the
/// conversions to the drivers.
fn read_rust_override(
    w: &mut Walker,
    decl: &FieldDecl,
    value: &Spanned<DeValue<'_>>,
    context: &str,
) -> Option<String> {
    let path = w.string(value, &format!("{context}: `rust`"))?;
    let refuse = |w: &mut Walker, why: String, help: &str| {
        w.push(
            Diagnostic::error(Some(value.span()), format!("{context}: {why}"))
                .help(help.to_owned()),
        );
        None
    };
    if syn::parse_str::<syn::Type>(&path).is_err() {
        return refuse(
            w,
            format!("`rust = \"{path}\"` is not a Rust type"),
            "name a type by its path, as the generated module sees it: `crate::types::Email`",
        );
    }
    let field = &decl.field;
    let why = match &field.ty {
        LogicalType::Enum { .. } => {
            Some("an enum is a type storegen generates; `rust` can't replace it")
        }
        LogicalType::Decimal { .. } => Some(
            "a decimal is checked against its precision and scale as rust_decimal's `Decimal`; `rust` can't replace it",
        ),
        _ if decl.key_flag.is_some() || field.generated => {
            Some("a key field keeps its logical type's Rust type (keys are passed and paged by it)")
        }
        _ => None,
    };
    match why {
        Some(why) => refuse(w, why.to_owned(), "remove `rust`"),
        None => Some(path),
    }
}

/// A type as a reference's diagnostic names it: with what must match on both ends.
fn kind(ty: &LogicalType) -> String {
    match ty {
        LogicalType::Decimal { .. } | LogicalType::Enum { .. } | LogicalType::UuidText => {
            ty.to_string()
        }
        LogicalType::Uuid => "uuid (binary)".into(),
        other => other.name().into(),
    }
}

/// A TOML date, time or datetime as the default of a date or time field: its text, or
/// why it doesn't fit the field (the kind of value, years 1000 to 9999 as every backend
/// holds them, microseconds, instants given in UTC).
fn temporal_default(ty: &LogicalType, datetime: &toml::value::Datetime) -> Result<String, String> {
    let date = datetime
        .date
        .map(|d| (format!("{:04}-{:02}-{:02}", d.year, d.month, d.day), d.year));
    let time = match datetime.time {
        Some(t) => {
            let nanos = t.nanosecond.unwrap_or(0);
            if nanos % 1000 != 0 {
                return Err(format!(
                    "`{datetime}` has nanoseconds; times keep microseconds"
                ));
            }
            let mut text = format!("{:02}:{:02}:{:02}", t.hour, t.minute, t.second.unwrap_or(0));
            if nanos > 0 {
                text.push_str(&format!(".{:06}", nanos / 1000));
            }
            Some(text)
        }
        None => None,
    };
    let utc = matches!(
        datetime.offset,
        Some(toml::value::Offset::Z | toml::value::Offset::Custom { minutes: 0 })
    );
    let (wanted, text) = match (ty, date, time, datetime.offset) {
        (LogicalType::Date, Some((d, year)), None, None) => ("", Some((d, year))),
        (LogicalType::Time, None, Some(t), None) => return Ok(t),
        (LogicalType::Timestamp, Some((d, year)), Some(t), None) => {
            ("", Some((format!("{d} {t}"), year)))
        }
        (LogicalType::TimestampTz, Some((d, year)), Some(t), Some(_)) if utc => {
            ("", Some((format!("{d} {t}"), year)))
        }
        (LogicalType::TimestampTz, Some(_), Some(_), Some(_)) => (
            "the instant in UTC, with `Z` (`2024-01-31T08:30:00Z`)",
            None,
        ),
        (LogicalType::Date, ..) => ("a date (`2024-01-31`)", None),
        (LogicalType::Time, ..) => ("a time of day (`08:30:00`)", None),
        (LogicalType::Timestamp, ..) => (
            "a date and time without offset (`2024-01-31T08:30:00`)",
            None,
        ),
        _ => ("a date and time in UTC (`2024-01-31T08:30:00Z`)", None),
    };
    match text {
        Some((_, year)) if !(1000..=9999).contains(&year) => Err(format!(
            "`{datetime}` is outside years 1000 to 9999, the range every backend holds"
        )),
        Some((text, _)) => Ok(text),
        None => Err(format!("`{datetime}` is not {wanted}")),
    }
}

/// rust_decimal's `Decimal` holds 28 significant digits (and some of 29).
const DECIMAL_DIGITS: i64 = 28;

/// `decimal` with its `precision` (required, up to 28) and `scale` (0 when left out).
fn read_decimal(
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

/// A decimal default's text at the field's scale (`"5"` → `"5.00"`), or why it doesn't
/// fit the field.
fn decimal_default(text: &str, precision: u32, scale: u32) -> Result<String, String> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (integer, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if integer.len() + fraction.len() == 0 || !all_digits(integer) || !all_digits(fraction) {
        return Err(format!("`{text}` is not a decimal number"));
    }
    let integer = integer.trim_start_matches('0');
    let fraction = fraction.trim_end_matches('0');
    if fraction.len() > scale as usize {
        return Err(format!(
            "`{text}` has {} digits after the point; the field keeps {scale}",
            fraction.len()
        ));
    }
    if integer.len() > (precision - scale) as usize {
        return Err(format!(
            "`{text}` has {} digits before the point; the field keeps {}",
            integer.len(),
            precision - scale
        ));
    }
    let zero = integer.is_empty() && fraction.is_empty();
    let mut out = String::new();
    if negative && !zero {
        out.push('-');
    }
    out.push_str(if integer.is_empty() { "0" } else { integer });
    if scale > 0 {
        out.push('.');
        out.push_str(fraction);
        out.extend(std::iter::repeat_n('0', scale as usize - fraction.len()));
    }
    Ok(out)
}

/// `enum` with its `values`, the Rust enum's name (`enum_name`, else the record's name
/// and the field's) and how PostgreSQL keeps it (`storage = "enum" | "text"`).
fn read_enum(
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
fn check_enum_values(
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

fn read_max_length(
    w: &mut Walker,
    table: &DeTable<'_>,
    context: &str,
    type_name: Option<&(String, Span)>,
) -> Option<u32> {
    let v = table.get("max_length")?;
    let n = w.integer(v, &format!("{context}: `max_length`"))?;
    if type_name.is_some_and(|(t, _)| t != "text") {
        w.push(Diagnostic::error(
            Some(v.span()),
            format!("{context}: `max_length` applies to text fields only"),
        ));
        return None;
    }
    match u32::try_from(n) {
        Ok(n) if n > 0 => Some(n),
        _ => {
            w.push(Diagnostic::error(
                Some(v.span()),
                format!("{context}: `max_length` must be a positive integer, found {n}"),
            ));
            None
        }
    }
}

fn read_default(
    w: &mut Walker,
    field: &Field,
    value: &Spanned<DeValue<'_>>,
    context: &str,
) -> Option<DefaultValue> {
    let ty = &field.ty;
    let found = value.get_ref();
    let mismatch = |w: &mut Walker, why: String| {
        w.push(
            Diagnostic::error(Some(value.span()), format!("{context}: default {why}"))
                .label(format!("not a valid {}", ty.name())),
        );
        None
    };
    if ty.is_temporal() {
        if found.as_str() == Some("now") {
            return Some(DefaultValue::Now);
        }
        if let DeValue::Datetime(datetime) = found {
            return match temporal_default(ty, datetime) {
                Ok(text) => Some(DefaultValue::DateTime(text)),
                Err(why) => mismatch(w, why),
            };
        }
        let example = match ty {
            LogicalType::Date => "2024-01-31",
            LogicalType::Time => "08:30:00",
            LogicalType::Timestamp => "2024-01-31T08:30:00",
            _ => "2024-01-31T08:30:00Z",
        };
        return mismatch(
            w,
            format!(
                "of a {} field is `\"now\"` or a TOML {} (`default = {example}`), found {}",
                ty.name(),
                match ty {
                    LogicalType::Date => "date",
                    LogicalType::Time => "time",
                    _ => "date and time",
                },
                article(found.type_str())
            ),
        );
    }
    if found.as_str() == Some("now") {
        return mismatch(
            w,
            format!(
                "`\"now\"` is for date and time fields, and this field is {}",
                ty.name()
            ),
        );
    }
    match ty {
        LogicalType::Bool => match found.as_bool() {
            Some(b) => Some(DefaultValue::Bool(b)),
            None => mismatch(
                w,
                format!(
                    "must be `true` or `false`, found {}",
                    article(found.type_str())
                ),
            ),
        },
        LogicalType::Int16
        | LogicalType::Int32
        | LogicalType::Int64
        | LogicalType::UInt16
        | LogicalType::UInt32
        | LogicalType::UInt64 => {
            let DeValue::Integer(i) = found else {
                return mismatch(
                    w,
                    format!("must be an integer, found {}", article(found.type_str())),
                );
            };
            let (min, max) = match ty {
                LogicalType::Int16 => (i64::from(i16::MIN), i64::from(i16::MAX)),
                LogicalType::Int32 => (i64::from(i32::MIN), i64::from(i32::MAX)),
                LogicalType::UInt16 => (0, i64::from(u16::MAX)),
                LogicalType::UInt32 => (0, i64::from(u32::MAX)),
                // TOML's integers end at i64::MAX.
                LogicalType::UInt64 => (0, i64::MAX),
                _ => (i64::MIN, i64::MAX),
            };
            match i64::from_str_radix(i.as_str(), i.radix()) {
                Ok(n) if (min..=max).contains(&n) => Some(DefaultValue::Int(n)),
                _ => mismatch(
                    w,
                    format!("{i} does not fit in {} ({min} to {max})", ty.name()),
                ),
            }
        }
        LogicalType::Float32 | LogicalType::Float64 => match found {
            DeValue::Float(f) => match f.as_str().parse::<f64>() {
                Ok(x) if x.is_finite() => Some(DefaultValue::Float(x)),
                _ => mismatch(w, format!("must be a finite number, found {}", f.as_str())),
            },
            DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
                #[allow(clippy::cast_precision_loss)]
                Ok(n) => Some(DefaultValue::Float(n as f64)),
                Err(_) => mismatch(w, "is out of range".into()),
            },
            other => mismatch(
                w,
                format!("must be a number, found {}", article(other.type_str())),
            ),
        },
        LogicalType::Text { max_length } => match found.as_str() {
            Some(text) => {
                let chars = text.chars().count();
                match max_length {
                    Some(max) if chars > *max as usize => mismatch(
                        w,
                        format!("is {chars} characters long, longer than `max_length = {max}`"),
                    ),
                    _ => Some(DefaultValue::Text(text.to_owned())),
                }
            }
            None => mismatch(
                w,
                format!("must be a string, found {}", article(found.type_str())),
            ),
        },
        LogicalType::Bytes => mismatch(w, "is not supported for bytes fields".into()),
        LogicalType::Enum { values, .. } => match found.as_str() {
            Some(value) if values.iter().any(|v| v == value) => {
                Some(DefaultValue::Text(value.to_owned()))
            }
            Some(value) => mismatch(
                w,
                format!(
                    "`{value}` is not one of the enum's values ({})",
                    values.join(", ")
                ),
            ),
            None => mismatch(
                w,
                format!(
                    "must be one of the enum's values, found {}",
                    article(found.type_str())
                ),
            ),
        },
        LogicalType::Decimal { precision, scale } => {
            let text = match found {
                DeValue::String(text) => text.to_string(),
                DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
                    Ok(n) => n.to_string(),
                    Err(_) => return mismatch(w, "is out of range".into()),
                },
                other => {
                    return mismatch(
                        w,
                        format!(
                            "of a decimal is a string (`default = \"0.00\"`), found {}",
                            article(other.type_str())
                        ),
                    );
                }
            };
            match decimal_default(&text, *precision, *scale) {
                Ok(canonical) => Some(DefaultValue::Decimal(canonical)),
                Err(why) => mismatch(w, why),
            }
        }
        LogicalType::Uuid | LogicalType::UuidText | LogicalType::Json => {
            w.push(
                Diagnostic::error(
                    Some(value.span()),
                    format!("{context}: a {} field takes no default yet", ty.name()),
                )
                .label("not supported yet")
                .help("remove `default`: the application supplies the value"),
            );
            None
        }
        // Handled above.
        LogicalType::Date
        | LogicalType::Time
        | LogicalType::Timestamp
        | LogicalType::TimestampTz => None,
    }
}

fn read_reference(w: &mut Walker, table: &DeTable<'_>, context: &str, decl: &mut FieldDecl) {
    let on_delete = table.get("on_delete").and_then(|v| {
        let name = w.string(v, &format!("{context}: `on_delete`"))?;
        match OnDelete::from_name(&name) {
            Some(action) => Some((action, v.span())),
            None => {
                w.unknown_name(
                    v.span(),
                    format!("{context}: unknown `on_delete` action `{name}`"),
                    &name,
                    &OnDelete::NAMES,
                );
                None
            }
        }
    });
    let Some(v) = table.get("references") else {
        if let Some((_, span)) = on_delete {
            w.push(
                Diagnostic::error(
                    Some(span),
                    format!("{context} has `on_delete` but no `references`"),
                )
                .help("add `references = \"<store>.<field>\"`, or remove `on_delete`"),
            );
        }
        return;
    };
    let Some(target) = w.string(v, &format!("{context}: `references`")) else {
        return;
    };
    let (action, action_span) = match on_delete {
        Some((a, s)) => (a, Some(s)),
        None => (OnDelete::NoAction, None),
    };
    match action {
        OnDelete::SetNull if !decl.field.nullable => w.push(
            Diagnostic::error(
                action_span.clone(),
                format!("{context}: `on_delete = \"set_null\"` needs a nullable field"),
            )
            .help("add `nullable = true`, or choose another action"),
        ),
        OnDelete::SetDefault if decl.field.default.is_none() => w.push(
            Diagnostic::error(
                action_span.clone(),
                format!("{context}: `on_delete = \"set_default\"` needs a `default`"),
            )
            .help("add a `default`, or choose another action"),
        ),
        _ => {}
    }
    decl.reference = Some(PendingReference {
        target,
        span: v.span(),
        on_delete: action,
    });
}

/// Two fields of one store may not share a column.
pub(super) fn check_columns(w: &mut Walker, store: &Store, spans: &StoreSpans) {
    for (i, field) in store.fields.iter().enumerate() {
        if let Some(first) = store.fields[..i]
            .iter()
            .find(|f| f.column.eq_ignore_ascii_case(&field.column))
        {
            w.push(
                Diagnostic::error(
                    spans.fields.get(i).cloned(),
                    format!(
                        "store `{}`: fields `{}` and `{}` both use column `{}`",
                        store.name, first.name, field.name, field.column
                    ),
                )
                .help("set `column` on one of them to the column it stands for"),
            );
        }
    }
}

/// Settles the primary key from `primary_key = [...]` on the store or
/// `primary_key = true` on a field, and checks what it allows.
pub(super) fn read_primary_key(
    w: &mut Walker,
    store: &mut Store,
    spans: &mut StoreSpans,
    key_flags: &[(usize, Span)],
    table: &DeTable<'_>,
) {
    let context = format!("store `{}`", store.name);
    let declared = table.get("primary_key");
    match (declared, key_flags) {
        (Some(v), [(flagged, flag_span), ..]) => {
            w.push(
                Diagnostic::error(
                    Some(v.span()),
                    format!(
                        "{context} declares its primary key twice: here and with `primary_key = true` on field `{}`",
                        store.fields[*flagged].name
                    ),
                )
                .help("keep one of the two"),
            );
            spans.primary_key = flag_span.clone();
            return;
        }
        (Some(v), []) => {
            spans.primary_key = v.span();
            let names = match v.get_ref().as_str() {
                Some(single) => vec![(single.to_owned(), v.span())],
                None => match w.string_array(v, &format!("{context}: `primary_key`")) {
                    Some(names) => names,
                    None => return,
                },
            };
            if names.is_empty() {
                w.push(Diagnostic::error(
                    Some(v.span()),
                    format!("{context}: `primary_key` is empty"),
                ));
                return;
            }
            for (name, span) in names {
                match store.fields.iter().position(|f| f.name == name) {
                    Some(p) if store.primary_key.contains(&p) => w.push(Diagnostic::error(
                        Some(span),
                        format!("{context}: `primary_key` lists `{name}` twice"),
                    )),
                    Some(p) => store.primary_key.push(p),
                    None => {
                        let known: Vec<&str> =
                            store.fields.iter().map(|f| f.name.as_str()).collect();
                        w.unknown_name(
                            span,
                            format!("{context}: `primary_key` names unknown field `{name}`"),
                            &name,
                            &known,
                        );
                    }
                }
            }
        }
        (None, []) => {
            if !store.fields.is_empty() {
                w.push(
                    Diagnostic::error(Some(spans.name.clone()), format!("{context} has no primary key"))
                        .label("no field is the key")
                        .help("mark a field with `primary_key = true`, or list the key's fields in `primary_key = [...]` on the store"),
                );
            }
            return;
        }
        (None, [(only, span)]) => {
            spans.primary_key = span.clone();
            store.primary_key.push(*only);
        }
        (None, [(first, _), (second, span), ..]) => {
            w.push(
                Diagnostic::error(
                    Some(span.clone()),
                    format!(
                        "{context}: fields `{}` and `{}` both set `primary_key = true`",
                        store.fields[*first].name, store.fields[*second].name
                    ),
                )
                .help(format!(
                    "declare a composite key on the store: `primary_key = [\"{}\", \"{}\"]`",
                    store.fields[*first].name, store.fields[*second].name
                )),
            );
            return;
        }
    }

    for &k in &store.primary_key {
        let field = &store.fields[k];
        if field.nullable {
            w.push(
                Diagnostic::error(
                    spans.fields.get(k).cloned(),
                    format!("{context}: key field `{}` cannot be nullable", field.name),
                )
                .help("remove `nullable = true`"),
            );
        }
    }
    for (i, field) in store.fields.iter().enumerate() {
        if !field.generated {
            continue;
        }
        let problem = if !store.is_key(i) {
            "only a primary key field can be `generated`"
        } else if store.primary_key.len() > 1 {
            "a field of a composite primary key cannot be `generated`"
        } else if !field.ty.is_integer() {
            "only an integer key can be `generated`"
        } else {
            continue;
        };
        w.push(Diagnostic::error(
            spans.fields.get(i).cloned(),
            format!("{context}: field `{}`: {problem}", field.name),
        ));
    }
}

/// Resolves each `references = "store.field"` once every store is known.
pub(super) fn resolve_references(
    w: &mut Walker,
    schema: &mut Schema,
    pending: Vec<(usize, usize, PendingReference)>,
) {
    for (store_index, field_index, reference) in pending {
        let context = format!(
            "field `{}.{}`",
            schema.stores[store_index].name, schema.stores[store_index].fields[field_index].name
        );
        let span = reference.span.clone();
        let Some((target_store, target_field)) = reference.target.split_once('.') else {
            w.push(
                Diagnostic::error(
                    Some(span),
                    format!(
                        "{context}: `references = \"{}\"` is not of the form \"<store>.<field>\"",
                        reference.target
                    ),
                )
                .help(
                    "name the referenced store and its field, e.g. `references = \"customers.id\"`",
                ),
            );
            continue;
        };
        let Some(target) = schema.store(target_store) else {
            let stores: Vec<&str> = schema.stores.iter().map(|s| s.name.as_str()).collect();
            w.unknown_name(
                span,
                format!("{context} references unknown store `{target_store}`"),
                target_store,
                &stores,
            );
            continue;
        };
        let Some(position) = target.fields.iter().position(|f| f.name == target_field) else {
            let fields: Vec<&str> = target.fields.iter().map(|f| f.name.as_str()).collect();
            w.unknown_name(
                span,
                format!(
                    "{context} references unknown field `{target_field}` of store `{target_store}`"
                ),
                target_field,
                &fields,
            );
            continue;
        };
        let referenced = &target.fields[position];
        let field = &schema.stores[store_index].fields[field_index];
        if !field.ty.same_kind(&referenced.ty) {
            w.push(
                Diagnostic::error(
                    Some(span),
                    format!(
                        "{context} is {} but references `{target_store}.{target_field}`, which is {}",
                        kind(&field.ty),
                        kind(&referenced.ty)
                    ),
                )
                .label("types differ")
                .help(format!("declare `{}` as {}", field.name, kind(&referenced.ty))),
            );
            continue;
        }
        let is_single_key = target.primary_key == [position];
        if !is_single_key && !referenced.unique {
            w.push(
                Diagnostic::error(
                    Some(span),
                    format!(
                        "{context} references `{target_store}.{target_field}`, which is neither the store's primary key nor unique"
                    ),
                )
                .help(format!("reference the key of `{target_store}`, or declare `{target_field}` with `unique = true`")),
            );
            continue;
        }
        let resolved = Reference {
            store: target.name.clone(),
            field: referenced.name.clone(),
            table: target.table.clone(),
            column: referenced.column.clone(),
            on_delete: reference.on_delete,
        };
        schema.stores[store_index].fields[field_index].references = Some(resolved);
    }
}

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

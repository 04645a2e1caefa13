//! A field's declaration: its keys and flags, read into a `Field`; its type, default
//! and reference are read by their own modules.

use std::borrow::Cow;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::Span;
use super::defaults::read_default;
use super::keys::read_reference;
use super::names::{camel_case, check_snake_case, check_sql_name};
use super::types::{DECIMAL_KEYS, ENUM_KEYS, SUPPORTED_TYPES, UUID_KEYS, parse_type};
use super::value::{Walker, list};
use crate::build::diagnostics::Diagnostic;
use crate::model::{Field, LogicalType, OnDelete};

pub(super) const FIELD_KEYS: &[&str] = &[
    "type",
    "primary_key",
    "generated",
    "unique",
    "nullable",
    "default",
    "max_length",
    "charset",
    "collation",
    "padded",
    "unsigned",
    "column",
    "description",
    "references",
    "on_delete",
    "rust",
    "version",
    "renamed_from",
    "backfill",
];

/// Keys of blueprint v1 that belong to types or features still to come.
pub(super) const FIELD_LATER: &[(&str, &str)] = &[];

/// A field as declared, with what is resolved once every store is read.
pub(super) struct FieldDecl {
    pub field: Field,
    /// Where `primary_key = true` was set, if it was.
    pub key_flag: Option<Span>,
    pub reference: Option<PendingReference>,
    /// `renamed_from`: the field's previous name.
    pub renamed_from: Option<String>,
    /// `backfill`: the value existing rows get when the field is added.
    pub backfill: Option<crate::model::DefaultValue>,
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
    siblings: &[&str],
) -> FieldDecl {
    let name = key.get_ref().to_string();
    let context = format!("field `{store}.{name}`");
    let enum_name = format!("{record}{}", camel_case(&name));
    check_snake_case(
        w,
        &name,
        key.span(),
        &format!("store `{store}`: field name"),
        siblings,
    );
    let mut decl = FieldDecl {
        // The type is a placeholder until `type` is read.
        field: Field::new(&name, LogicalType::Bool),
        key_flag: None,
        reference: None,
        renamed_from: None,
        backfill: None,
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
        Some("time" | "timestamp" | "timestamp_tz") => allowed.push("precision"),
        _ => {}
    }
    w.check_keys(table, &allowed, FIELD_LATER, &format!("in {context}"));

    let flag = |w: &mut Walker, key: &str| -> Option<(bool, Span)> {
        let v = table.get(key)?;
        w.boolean(v, &format!("{context}: `{key}`"))
            .map(|b| (b, v.span()))
    };
    let max_length = read_max_length(w, table, &context, type_name.as_ref());
    decl.field.charset = read_charset(w, table, &context, type_name.as_ref());
    decl.field.collation =
        read_collation(w, table, &context, type_name.as_ref(), decl.field.charset);
    if let Some((true, span)) = flag(w, "padded") {
        match (type_name.as_ref().map(|(n, _)| n.as_str()), max_length) {
            (Some("text"), Some(_)) => decl.field.padded = true,
            (Some("text"), None) => w.push(
                Diagnostic::error(
                    Some(span),
                    format!("{context}: `padded` needs `max_length`: the column's fixed length"),
                )
                .help("a `CHAR(n)` column is `max_length = n, padded = true`"),
            ),
            _ => w.push(Diagnostic::error(
                Some(span),
                format!("{context}: `padded` applies to text fields only"),
            )),
        }
    }
    if matches!(
        type_name.as_ref().map(|(n, _)| n.as_str()),
        Some("time" | "timestamp" | "timestamp_tz")
    ) {
        decl.field.precision = read_time_precision(w, table, &context);
    }
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
        // A literal time keeps no more digits of a second than the field.
        if let (Some(digits), Some(crate::model::DefaultValue::DateTime(text))) =
            (decl.field.precision, &decl.field.default)
        {
            let given = text
                .rsplit_once('.')
                .map_or(0, |(_, fraction)| fraction.trim_end_matches('0').len());
            if given > usize::from(digits) {
                w.push(
                    Diagnostic::error(
                        Some(v.span()),
                        format!(
                            "{context}: the default `{text}` has {given} digit{} of a second, more than `precision = {digits}` keeps",
                            if given == 1 { "" } else { "s" }
                        ),
                    )
                    .help("round the default to the field's precision"),
                );
                decl.field.default = None;
            }
        }
    }
    if let Some((true, span)) = flag(w, "version") {
        read_version(w, &mut decl, table, span, &context);
    }
    if let Some(v) = table.get("renamed_from") {
        decl.renamed_from = w.string(v, &format!("{context}: `renamed_from`"));
    }
    // A backfill is a value of the field's type, as a default is.
    if let Some(v) = table.get("backfill")
        && typed
    {
        decl.backfill = read_default(w, &decl.field, v, &format!("{context}: `backfill`"));
        if decl.backfill == Some(crate::model::DefaultValue::Now) {
            w.push(
                Diagnostic::error(
                    Some(v.span()),
                    format!("{context}: `backfill` must be a value, not `now`"),
                )
                .help("write the time existing rows get, e.g. `backfill = 2024-01-31T00:00:00Z`"),
            );
            decl.backfill = None;
        }
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

/// `version = true`: an integer the database starts at 1 and storegen raises on each
/// update and patch. Nothing else about the field may say otherwise.
fn read_version(
    w: &mut Walker,
    decl: &mut FieldDecl,
    table: &DeTable<'_>,
    span: Span,
    context: &str,
) {
    let field = &decl.field;
    let problem = if !matches!(field.ty, LogicalType::Int32 | LogicalType::Int64) {
        Some(format!(
            "{context} is a version, which must be an int32 or int64, not {}",
            field.ty.name()
        ))
    } else if field.nullable {
        Some(format!("{context} is a version and `nullable`"))
    } else if field.generated || decl.key_flag.is_some() {
        Some(format!("{context} is a version and part of the key"))
    } else if field.unique {
        Some(format!("{context} is a version and `unique`"))
    } else if table.contains_key("default") {
        Some(format!(
            "{context} is a version and has a `default`: a version starts at 1"
        ))
    } else if table.contains_key("references") || table.contains_key("rust") {
        Some(format!(
            "{context} is a version: it can't reference a store or have a `rust` type"
        ))
    } else {
        None
    };
    match problem {
        Some(message) => w.push(
            Diagnostic::error(Some(span), message)
                .help("a version is a plain `int64` (or `int32`) field: `rev = { type = \"int64\", version = true }`"),
        ),
        None => {
            decl.field.version = true;
            decl.field.default = Some(crate::model::DefaultValue::Int(1));
        }
    }
}

/// `rust = "path::Type"`: a type path, on a field whose logical type leaves the
/// conversions to the drivers.
pub(super) fn read_rust_override(
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
    // A type path: not `_`, `!`, `impl Trait`, a reference or a tuple, which can't be
    // a field's type in every place the generated code puts one.
    if !matches!(
        syn::parse_str::<syn::Type>(&path),
        Ok(syn::Type::Path(syn::TypePath { qself: None, .. }))
    ) {
        return refuse(
            w,
            format!("`rust = \"{path}\"` is not a Rust type path"),
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

pub(super) fn read_max_length(
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

/// `charset = "utf8mb3"`: the MySQL character set a text column may have.
fn read_charset(
    w: &mut Walker,
    table: &DeTable<'_>,
    context: &str,
    type_name: Option<&(String, Span)>,
) -> Option<crate::model::Charset> {
    let v = table.get("charset")?;
    let name = w.string(v, &format!("{context}: `charset`"))?;
    if type_name.is_some_and(|(t, _)| t != "text") {
        w.push(Diagnostic::error(
            Some(v.span()),
            format!("{context}: `charset` applies to text fields only"),
        ));
        return None;
    }
    match crate::model::Charset::from_name(&name) {
        Some(charset) => Some(charset),
        None => {
            w.push(
                Diagnostic::error(
                    Some(v.span()),
                    format!("{context}: unknown `charset = \"{name}\"`"),
                )
                .help("MySQL's text columns are `utf8mb4` (storegen's) or `utf8mb3`"),
            );
            None
        }
    }
}

/// `collation = "utf8mb4_general_ci"`: the MySQL collation a text column may have, one
/// that compares inexactly (storegen's own are exact), of the field's character set.
fn read_collation(
    w: &mut Walker,
    table: &DeTable<'_>,
    context: &str,
    type_name: Option<&(String, Span)>,
    charset: Option<crate::model::Charset>,
) -> Option<String> {
    let v = table.get("collation")?;
    let name = w.string(v, &format!("{context}: `collation`"))?;
    let refuse = |w: &mut Walker, message: String, help: String| {
        w.push(Diagnostic::error(Some(v.span()), message).help(help));
        None
    };
    if type_name.is_some_and(|(t, _)| t != "text") {
        return refuse(
            w,
            format!("{context}: `collation` applies to text fields only"),
            "remove `collation`".into(),
        );
    }
    if !crate::model::is_collation_name(&name) {
        return refuse(
            w,
            format!("{context}: `collation = {name:?}` is not a collation name"),
            "a MySQL collation is named with letters, digits and `_`, as `utf8mb4_general_ci`"
                .into(),
        );
    }
    let charset = charset.unwrap_or(crate::model::Charset::Utf8mb4);
    let of_charset = match charset {
        crate::model::Charset::Utf8mb3 => ["utf8mb3_", "utf8_"].as_slice(),
        crate::model::Charset::Utf8mb4 => ["utf8mb4_"].as_slice(),
    };
    if !of_charset
        .iter()
        .any(|p| name.to_ascii_lowercase().starts_with(p))
    {
        return refuse(
            w,
            format!(
                "{context}: `collation = \"{name}\"` is not a collation of {}, the field's character set",
                charset.name()
            ),
            format!(
                "name one that starts with the character set, as `{}_general_ci`",
                charset.name()
            ),
        );
    }
    if crate::model::collation_ignores(&name).is_empty() {
        return refuse(
            w,
            format!(
                "{context}: `collation = \"{name}\"` compares exactly, as storegen's own columns do"
            ),
            "remove `collation`: storegen creates text columns binary and NO PAD".into(),
        );
    }
    Some(name)
}

/// `precision = 0..6` on a time or timestamp: the digits of a second it keeps.
fn read_time_precision(w: &mut Walker, table: &DeTable<'_>, context: &str) -> Option<u8> {
    let v = table.get("precision")?;
    let n = w.integer(v, &format!("{context}: `precision`"))?;
    match u8::try_from(n) {
        Ok(6) => None,
        Ok(n) if n < 6 => Some(n),
        _ => {
            w.push(
                Diagnostic::error(
                    Some(v.span()),
                    format!("{context}: `precision = {n}`: a time keeps 0 to 6 digits of a second"),
                )
                .help("0 for whole seconds, 3 for milliseconds, 6 (the default) for microseconds"),
            );
            None
        }
    }
}

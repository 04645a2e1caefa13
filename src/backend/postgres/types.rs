//! PostgreSQL's type rules: which column types hold each logical type without loss,
//! as `format_type` spells them.

use std::borrow::Cow;

use crate::model::{CatalogColumn, LogicalType};

/// The type storegen's DDL declares.
pub fn ddl_type(ty: &LogicalType) -> String {
    type_of(ty).0.into_owned()
}

/// The column type storegen's DDL declares for a field: its type's, with the digits of
/// a second a time keeps.
#[cfg(feature = "codegen")]
pub fn column_type(field: &crate::model::Field) -> String {
    crate::backend::ddl::column_type(field, ["TIME", "TIMESTAMP", "TIMESTAMPTZ"], ddl_type)
}

/// The column type storegen's DDL declares for a field, as `format_type` reports it
/// (`character varying(40)`, `timestamp(3) with time zone`, the enum type's name).
#[cfg(feature = "codegen")]
pub fn catalog_type(field: &crate::model::Field) -> String {
    if let LogicalType::Enum { native: true, .. } = field.ty {
        return field.ty.enum_type_name().unwrap_or_default();
    }
    let declared = column_type(field).to_ascii_lowercase();
    let (name, digits) = match declared.split_once('(') {
        Some((name, rest)) => (name, format!("({}", rest.replace(' ', ""))),
        None => (declared.as_str(), String::new()),
    };
    match name {
        "varchar" => format!("character varying{digits}"),
        "char" => format!("character{digits}"),
        "time" => format!("time{digits} without time zone"),
        "timestamp" => format!("timestamp{digits} without time zone"),
        "timestamptz" => format!("timestamp{digits} with time zone"),
        _ => format!("{name}{digits}"),
    }
}

/// The `postgres::types::Type` constant a parameter of the logical type is sent as.
pub fn param_type(ty: &LogicalType) -> &'static str {
    type_of(ty).1
}

/// storegen's PostgreSQL type table: for each logical type, the column type its DDL
/// declares and the parameter type its statements send.
fn type_of(ty: &LogicalType) -> (Cow<'static, str>, &'static str) {
    use Cow::{Borrowed as Named, Owned as Text};
    match ty {
        LogicalType::Bool => (Named("BOOLEAN"), "BOOL"),
        LogicalType::Int16 => (Named("SMALLINT"), "INT2"),
        LogicalType::Int32 => (Named("INTEGER"), "INT4"),
        LogicalType::Int64 => (Named("BIGINT"), "INT8"),
        // No code is generated for them here (the blueprint refuses `unsigned` unless
        // MySQL is its only backend), but `storegen ddl --backend postgres` may print
        // them: the next type that holds every value.
        LogicalType::UInt16 => (Named("INTEGER"), "INT4"),
        LogicalType::UInt32 => (Named("BIGINT"), "INT8"),
        LogicalType::UInt64 => (Named("NUMERIC(20)"), "NUMERIC"),
        LogicalType::Float32 => (Named("REAL"), "FLOAT4"),
        LogicalType::Float64 => (Named("DOUBLE PRECISION"), "FLOAT8"),
        LogicalType::Text {
            max_length: Some(n),
        } => (Text(format!("VARCHAR({n})")), "TEXT"),
        LogicalType::Text { max_length: None } => (Named("TEXT"), "TEXT"),
        LogicalType::Bytes => (Named("BYTEA"), "BYTEA"),
        LogicalType::Date => (Named("DATE"), "DATE"),
        LogicalType::Time => (Named("TIME"), "TIME"),
        LogicalType::Timestamp => (Named("TIMESTAMP"), "TIMESTAMP"),
        LogicalType::TimestampTz => (Named("TIMESTAMPTZ"), "TIMESTAMPTZ"),
        LogicalType::Uuid | LogicalType::UuidText => (Named("UUID"), "UUID"),
        LogicalType::Json => (Named("JSONB"), "JSONB"),
        LogicalType::Decimal { precision, scale } => {
            (Text(format!("NUMERIC({precision}, {scale})")), "NUMERIC")
        }
        LogicalType::Enum { native: false, .. } => (Named("TEXT"), "TEXT"),
        // Parameters are left for the server to resolve to the enum type.
        LogicalType::Enum { .. } => (
            Text(super::DIALECT.quote(&ty.enum_type_name().unwrap_or_default())),
            "UNKNOWN",
        ),
    }
}

/// Whether the column holds the logical type (a time or timestamp to microseconds);
/// the error says why not.
pub fn accepts(ty: &LogicalType, column: &CatalogColumn) -> Result<(), String> {
    accepts_with(ty, 6, column)
}

/// Whether the column holds the field: its logical type, a time to its digits of a
/// second, padded text in `character(max_length)`; the error says why not.
pub fn accepts_field(field: &crate::model::Field, column: &CatalogColumn) -> Result<(), String> {
    if let LogicalType::Text { max_length } = field.ty
        && field.padded
    {
        let wanted = format!("character({})", max_length.unwrap_or_default());
        return if column.sql_type == wanted {
            Ok(())
        } else {
            Err(format!("text with `padded = true` needs `{wanted}`"))
        };
    }
    accepts_with(&field.ty, field.fraction_digits(), column)
}

/// Whether the column holds the logical type, a time or timestamp keeping `digits` of
/// a second; the error says why not.
pub fn accepts_with(ty: &LogicalType, digits: u8, column: &CatalogColumn) -> Result<(), String> {
    let actual = column.sql_type.as_str();
    let exact = |wanted: &str| -> Result<(), String> {
        if actual == wanted {
            Ok(())
        } else {
            Err(format!("{} needs `{wanted}`", ty.name()))
        }
    };
    match ty {
        LogicalType::Bool => exact("boolean"),
        LogicalType::Int16 => exact("smallint"),
        LogicalType::Int32 => exact("integer"),
        LogicalType::Int64 => exact("bigint"),
        LogicalType::UInt16 | LogicalType::UInt32 | LogicalType::UInt64 => {
            Err("unsigned integers are MySQL's; PostgreSQL has none".into())
        }
        LogicalType::Float32 => exact("real"),
        LogicalType::Float64 => exact("double precision"),
        LogicalType::Bytes => exact("bytea"),
        LogicalType::Date => exact("date"),
        LogicalType::Uuid | LogicalType::UuidText => exact("uuid"),
        // `json` keeps the text as written, `jsonb` the value: both hold every document.
        // Parameters go as JSONB, which PostgreSQL assigns to a `json` column too.
        LogicalType::Json => match actual {
            "jsonb" | "json" => Ok(()),
            _ => Err("json needs `jsonb` or `json`".into()),
        },
        // Values are compared apart.
        LogicalType::Enum { native: false, .. } => match actual {
            "text" | "character varying" => Ok(()),
            _ if varchar_length(actual).is_some() => Ok(()),
            _ => Err("an enum kept as text needs `text` or `character varying`".into()),
        },
        LogicalType::Enum { .. } => {
            let wanted = ty.enum_type_name().unwrap_or_default();
            let quoted = super::DIALECT.quote(&wanted);
            // `format_type` names the schema of a type outside the search path.
            let unqualified = actual
                .rsplit_once('.')
                .filter(|(schema, _)| !schema.is_empty())
                .map_or(actual, |(_, name)| name);
            if unqualified == wanted || unqualified == quoted {
                Ok(())
            } else {
                Err(format!("{ty} needs the enum type `{wanted}`"))
            }
        }
        LogicalType::Decimal { precision, scale } => {
            let wanted = format!("numeric({precision},{scale})");
            if actual == wanted {
                Ok(())
            } else if actual == "numeric" {
                Err(format!(
                    "{ty} needs `{wanted}`; an unconstrained numeric holds values a decimal of {precision} digits can't"
                ))
            } else if actual.starts_with("numeric(") {
                Err(format!(
                    "{ty} needs `{wanted}`; `{actual}` keeps other digits than the field"
                ))
            } else {
                Err(format!("{ty} needs `{wanted}`"))
            }
        }
        // Without a precision, time and timestamps keep microseconds; with one below 6
        // they round them away.
        LogicalType::Time => temporal(actual, "time without time zone", ty, digits),
        LogicalType::Timestamp => temporal(actual, "timestamp without time zone", ty, digits),
        LogicalType::TimestampTz => temporal(actual, "timestamp with time zone", ty, digits),
        LogicalType::Text { max_length } => {
            if actual == "text" || actual == "character varying" {
                return Ok(());
            }
            let Some(length) = varchar_length(actual) else {
                return Err(match actual.strip_prefix("character(") {
                    Some(_) => "text needs `text` or `character varying`; `character(n)` pads values with spaces (say `padded = true` and `max_length = n` to read them without)".into(),
                    None => "text needs `text` or `character varying`".into(),
                });
            };
            match max_length {
                Some(max) if length >= *max => Ok(()),
                Some(max) => Err(format!(
                    "the column holds {length} characters and the field allows {max}"
                )),
                None => Err(format!(
                    "the column holds {length} characters and the field has no `max_length`"
                )),
            }
        }
    }
}

/// The logical type of a column, as `format_type` spells its type.
#[cfg(feature = "codegen")]
pub fn infer(column: &CatalogColumn) -> Result<LogicalType, String> {
    let actual = column.sql_type.as_str();
    let text_like = actual == "text" || actual.starts_with("character varying");
    if let Some(values) = column.enum_values.clone() {
        if text_like {
            return Ok(LogicalType::Enum {
                name: String::new(),
                values,
                native: false,
            });
        }
        // `format_type` names the schema of a type outside the search path, and quotes a
        // name that needs it.
        let name = actual.rsplit_once('.').map_or(actual, |(_, name)| name);
        let name = name.trim_matches('"');
        let ty = LogicalType::Enum {
            name: crate::build::blueprint::names::camel_case(name),
            values,
            native: true,
        };
        if ty.enum_type_name().as_deref() != Some(name) {
            return Err(format!(
                "the enum type `{name}` can't be named: storegen names a PostgreSQL enum type after its Rust enum, in snake_case"
            ));
        }
        return Ok(ty);
    }
    Ok(match actual {
        "boolean" => LogicalType::Bool,
        "smallint" => LogicalType::Int16,
        "integer" => LogicalType::Int32,
        "bigint" => LogicalType::Int64,
        "real" => LogicalType::Float32,
        "double precision" => LogicalType::Float64,
        "text" | "character varying" => LogicalType::Text { max_length: None },
        "bytea" => LogicalType::Bytes,
        "date" => LogicalType::Date,
        "uuid" => LogicalType::Uuid,
        "json" | "jsonb" => LogicalType::Json,
        "time without time zone" | "time(6) without time zone" => LogicalType::Time,
        "timestamp without time zone" | "timestamp(6) without time zone" => LogicalType::Timestamp,
        "timestamp with time zone" | "timestamp(6) with time zone" => LogicalType::TimestampTz,
        _ => {
            if let Some(length) = varchar_length(actual) {
                return Ok(LogicalType::Text {
                    max_length: Some(length),
                });
            }
            if let Some((precision, scale)) = crate::backend::precision_and_scale(actual, "numeric")
            {
                return Ok(LogicalType::Decimal { precision, scale });
            }
            // A time of other digits of a second: the caller finds which it keeps.
            if actual.starts_with("time") {
                let zone = actual.contains("with time zone");
                return Ok(match (actual.starts_with("timestamp"), zone) {
                    (false, _) => LogicalType::Time,
                    (true, false) => LogicalType::Timestamp,
                    (true, true) => LogicalType::TimestampTz,
                });
            }
            if let Some(n) = actual
                .strip_prefix("character(")
                .and_then(|rest| rest.strip_suffix(')'))
                .and_then(|n| n.parse().ok())
            {
                // Padded: the caller says so.
                return Ok(LogicalType::Text {
                    max_length: Some(n),
                });
            }
            let ty = if actual == "numeric" {
                LogicalType::Decimal {
                    precision: 38,
                    scale: 0,
                }
            } else {
                return Err(format!("`{actual}` has no logical type"));
            };
            // The refusal says why.
            accepts(&ty, column)?;
            ty
        }
    })
}

/// `time`/`timestamp` types keeping `digits` of a second: `time(3) without time zone`,
/// or with 6 `time without time zone` (or `time(6) …`).
fn temporal(actual: &str, wanted: &str, ty: &LogicalType, digits: u8) -> Result<(), String> {
    let (kind, zone) = wanted.split_once(' ').unwrap_or((wanted, ""));
    let held = if actual == wanted {
        Some(6)
    } else {
        actual
            .strip_prefix(&format!("{kind}("))
            .and_then(|rest| rest.strip_suffix(&format!(") {zone}")))
            .and_then(|n| n.parse::<u8>().ok())
    };
    match held {
        Some(held) if held == digits => Ok(()),
        Some(held) => Err(crate::backend::fraction_mismatch(ty, digits, held, actual)),
        None if digits == 6 => Err(format!("{} needs `{wanted}`", ty.name())),
        None => Err(format!("{} needs `{kind}({digits}) {zone}`", ty.name())),
    }
}

/// `n` of `character varying(n)`.
fn varchar_length(sql_type: &str) -> Option<u32> {
    sql_type
        .strip_prefix("character varying(")?
        .strip_suffix(')')?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(sql_type: &str) -> CatalogColumn {
        CatalogColumn {
            name: "c".into(),
            sql_type: sql_type.into(),
            nullable: false,
            default: None,
            auto_increment: false,
            enum_values: None,
        }
    }

    #[test]
    fn json_needs_jsonb_or_json() {
        assert_eq!(accepts(&LogicalType::Json, &column("jsonb")), Ok(()));
        assert_eq!(accepts(&LogicalType::Json, &column("json")), Ok(()));
        assert_eq!(
            accepts(&LogicalType::Json, &column("text")),
            Err("json needs `jsonb` or `json`".into())
        );
    }

    #[test]
    fn a_uuid_needs_the_uuid_type() {
        assert_eq!(accepts(&LogicalType::Uuid, &column("uuid")), Ok(()));
        assert_eq!(
            accepts(&LogicalType::Uuid, &column("text")),
            Err("uuid needs `uuid`".into())
        );
    }

    #[test]
    fn varchar_must_hold_max_length() {
        let text = |max| LogicalType::Text { max_length: max };
        assert_eq!(
            accepts(&text(Some(100)), &column("character varying(255)")),
            Ok(())
        );
        assert_eq!(accepts(&text(Some(100)), &column("text")), Ok(()));
        assert_eq!(
            accepts(&text(Some(300)), &column("character varying(255)")),
            Err("the column holds 255 characters and the field allows 300".into())
        );
        assert_eq!(
            accepts(&text(None), &column("character varying(20)")),
            Err("the column holds 20 characters and the field has no `max_length`".into())
        );
        assert!(accepts(&text(None), &column("character(20)")).is_err());
        assert_eq!(
            accepts(&LogicalType::Int64, &column("integer")),
            Err("int64 needs `bigint`".into())
        );
    }
}

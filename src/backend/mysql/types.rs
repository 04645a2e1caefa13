//! MySQL's and MariaDB's type rules. Introspection normalises the column type first
//! ([`normalize`]): display widths go (`int(11)` is `int`) except `tinyint(1)`, which
//! both servers use for booleans.

use crate::model::{CatalogColumn, Charset, LogicalType};

/// The longest `max_length` storegen's DDL keeps in a VARCHAR (16,380 bytes of utf8mb4,
/// a quarter of a row); longer text is TEXT (65,535 bytes), kept outside the row.
pub const MOST_ROW_VARCHAR: u32 = 4_095;

/// The type storegen's DDL declares.
pub fn ddl_type(ty: &LogicalType) -> String {
    match ty {
        LogicalType::Bool => "BOOLEAN".into(),
        LogicalType::Int16 => "SMALLINT".into(),
        LogicalType::Int32 => "INT".into(),
        LogicalType::Int64 => "BIGINT".into(),
        LogicalType::UInt16 => "SMALLINT UNSIGNED".into(),
        LogicalType::UInt32 => "INT UNSIGNED".into(),
        LogicalType::UInt64 => "BIGINT UNSIGNED".into(),
        LogicalType::Float32 => "FLOAT".into(),
        LogicalType::Float64 => "DOUBLE".into(),
        // A longer one is kept outside the row: MySQL's 65,535-byte row holds no more
        // than four such VARCHARs.
        LogicalType::Text {
            max_length: Some(n),
        } if *n > MOST_ROW_VARCHAR => "TEXT".into(),
        LogicalType::Text {
            max_length: Some(n),
        } => format!("VARCHAR({n})"),
        // Unbounded text and bytes must hold at least 16 MiB: only the LONG types do.
        LogicalType::Text { max_length: None } => "LONGTEXT".into(),
        LogicalType::Bytes => "LONGBLOB".into(),
        LogicalType::Date => "DATE".into(),
        LogicalType::Time => "TIME(6)".into(),
        // Never TIMESTAMP: its range ends in 2038, and it converts through the session's
        // time zone. An instant is stored as its UTC date and time.
        LogicalType::Timestamp | LogicalType::TimestampTz => "DATETIME(6)".into(),
        // The 16 bytes: half the size of the text, and compared as the bytes.
        LogicalType::Uuid => "BINARY(16)".into(),
        // The hyphenated lower-case text, which sorts as the bytes do.
        LogicalType::UuidText => "CHAR(36)".into(),
        // MariaDB makes it LONGTEXT with a json_valid CHECK.
        LogicalType::Json => "JSON".into(),
        LogicalType::Decimal { precision, scale } => format!("DECIMAL({precision}, {scale})"),
        LogicalType::Enum { values, .. } => {
            let list: Vec<String> = values.iter().map(|v| super::DIALECT.literal(v)).collect();
            format!("ENUM({})", list.join(", "))
        }
    }
}

/// The column type storegen's DDL declares for a field: its type's, with the digits of
/// a second a time keeps.
#[cfg(feature = "codegen")]
pub fn column_type(field: &crate::model::Field) -> String {
    crate::backend::ddl::column_type(field, ["TIME", "DATETIME", "DATETIME"], ddl_type)
}

/// The column type storegen's DDL declares for a field, as `COLUMN_TYPE` reports it
/// (lower case; `tinyint(1)` for a bool; a character set other than utf8mb4 after it).
#[cfg(feature = "codegen")]
pub fn catalog_type(field: &crate::model::Field) -> String {
    let declared = match &field.ty {
        LogicalType::Bool => "tinyint(1)".to_owned(),
        LogicalType::Enum { values, .. } => {
            let list: Vec<String> = values.iter().map(|v| super::DIALECT.literal(v)).collect();
            format!("enum({})", list.join(","))
        }
        LogicalType::Decimal { precision, scale } => format!("decimal({precision},{scale})"),
        _ => normalize(&column_type(field)),
    };
    let declared = match field.charset {
        Some(charset) if matches!(field.ty, LogicalType::Text { .. }) => {
            format!("{declared} charset {}", charset.name())
        }
        _ => declared,
    };
    match &field.collation {
        Some(collation) => format!("{declared} collate {collation}"),
        None => declared,
    }
}

/// `int(11) unsigned` → `int unsigned`; `tinyint(1)` stays.
pub fn normalize(column_type: &str) -> String {
    let lower = column_type.trim().to_ascii_lowercase();
    let integer = ["tinyint", "smallint", "mediumint", "int", "bigint"]
        .iter()
        .find(|t| lower.starts_with(&format!("{t}(")));
    match integer {
        Some(&"tinyint") if lower.starts_with("tinyint(1)") => lower,
        Some(t) => match lower.find(')') {
            Some(close) => format!("{t}{}", &lower[close + 1..]),
            None => lower,
        },
        None => lower,
    }
}

/// The capacity in bytes of MySQL's text and blob types.
fn long_capacity(sql_type: &str) -> Option<u64> {
    Some(match sql_type {
        "tinytext" | "tinyblob" => 255,
        "text" | "blob" => 65_535,
        "mediumtext" | "mediumblob" => 16_777_215,
        "longtext" | "longblob" => 4_294_967_295,
        _ => return None,
    })
}

const SIXTEEN_MIB: u64 = 16 * 1024 * 1024;

/// Whether the column holds the logical type; the error says why not. Text columns must
/// be utf8mb4 (`sql_type` carries the character set after a space: `varchar(20) utf8mb4`).
pub fn accepts(ty: &LogicalType, column: &CatalogColumn) -> Result<(), String> {
    accepts_with(ty, 6, column)
}

/// Whether the column holds the field: its logical type, a time to its digits of a
/// second, padded text in `char(max_length)`; the error says why not.
pub fn accepts_field(field: &crate::model::Field, column: &CatalogColumn) -> Result<(), String> {
    if let LogicalType::Text { max_length } = field.ty
        && field.padded
    {
        let wanted = format!("char({})", max_length.unwrap_or_default());
        let (sql_type, charset) = column.type_and_charset();
        if sql_type != wanted {
            return Err(format!("text with `padded = true` needs `{wanted}`"));
        }
        return text_bytes_per_character(charset).map(drop);
    }
    accepts_with(&field.ty, field.fraction_digits(), column)
}

/// The bytes a character of text takes in a column of this character set (none
/// written: utf8mb4), or why text can't be kept there.
fn text_bytes_per_character(charset: Option<&str>) -> Result<u64, String> {
    match charset.map(Charset::from_name) {
        None | Some(Some(Charset::Utf8mb4)) => Ok(4),
        Some(Some(Charset::Utf8mb3)) => Ok(3),
        Some(None) => Err(format!(
            "the column's character set is {}, which cannot hold every character; text needs utf8mb4 (or utf8mb3, with `charset = \"utf8mb3\"`)",
            charset.unwrap_or_default()
        )),
    }
}

/// Whether the column holds the logical type, a time or timestamp keeping `digits` of
/// a second; the error says why not.
pub fn accepts_with(ty: &LogicalType, digits: u8, column: &CatalogColumn) -> Result<(), String> {
    let (sql_type, charset) = column.type_and_charset();
    if sql_type.ends_with(" unsigned") && ty.is_integer() && !ty.is_unsigned() {
        return Err(format!(
            "{} is signed: an unsigned column holds values above its maximum and none below zero",
            ty.name()
        ));
    }
    let exact = |wanted: &[&str]| -> Result<(), String> {
        if wanted.contains(&sql_type) {
            Ok(())
        } else {
            let list: Vec<String> = wanted.iter().map(|w| format!("`{w}`")).collect();
            Err(format!("{} needs {}", ty.name(), list.join(" or ")))
        }
    };
    match ty {
        LogicalType::Bool => {
            if sql_type.starts_with("tinyint") && sql_type != "tinyint(1)" {
                return Err(
                    "bool needs `tinyint(1)`; a wider tinyint holds values other than 0 and 1"
                        .into(),
                );
            }
            exact(&["tinyint(1)"])
        }
        LogicalType::Int16 => exact(&["smallint"]),
        LogicalType::Int32 => exact(&["int"]),
        LogicalType::Int64 => exact(&["bigint"]),
        LogicalType::UInt16 => exact(&["smallint unsigned"]),
        LogicalType::UInt32 => exact(&["int unsigned"]),
        LogicalType::UInt64 => exact(&["bigint unsigned"]),
        LogicalType::Float32 => exact(&["float"]),
        LogicalType::Float64 => exact(&["double"]),
        LogicalType::Date => exact(&["date"]),
        LogicalType::Uuid if sql_type == "char(36)" => Err(
            "uuid needs `binary(16)`; a uuid kept as `char(36)` takes `storage = \"text\"`".into(),
        ),
        LogicalType::Uuid => exact(&["binary(16)"]),
        LogicalType::UuidText => exact(&["char(36)"]),
        // MySQL's JSON, or MariaDB's (a utf8mb4 LONGTEXT).
        LogicalType::Json => match (sql_type, charset) {
            // (Run-time verification reads no character set.)
            ("json", _) | ("longtext", Some("utf8mb4") | None) => Ok(()),
            _ => Err("json needs `json` (MariaDB: a utf8mb4 `longtext`)".into()),
        },
        LogicalType::Decimal { precision, scale } => {
            let wanted = format!("decimal({precision},{scale})");
            if sql_type == wanted {
                Ok(())
            } else if sql_type.starts_with("decimal(") {
                Err(format!(
                    "{ty} needs `{wanted}`; `{sql_type}` keeps other digits than the field"
                ))
            } else {
                Err(format!("{ty} needs `{wanted}`"))
            }
        }
        // Its values are compared apart.
        LogicalType::Enum { .. } if sql_type.starts_with("enum(") => Ok(()),
        LogicalType::Enum { .. } => Err("enum needs an `enum(...)` column".into()),
        LogicalType::Time => fraction(sql_type, "time", ty, digits),
        LogicalType::Timestamp | LogicalType::TimestampTz => {
            if sql_type.starts_with("timestamp") {
                return Err(format!(
                    "{} needs `datetime(6)`; MySQL's TIMESTAMP ends in 2038 and converts through the session's time zone",
                    ty.name()
                ));
            }
            fraction(sql_type, "datetime", ty, digits)
        }
        LogicalType::Bytes => match long_capacity(sql_type) {
            Some(capacity) if sql_type.ends_with("blob") && capacity >= SIXTEEN_MIB => Ok(()),
            Some(_) if sql_type.ends_with("blob") => Err(format!(
                "bytes needs `longblob`; `{sql_type}` holds less than 16 MiB"
            )),
            _ => Err("bytes needs `longblob`".into()),
        },
        LogicalType::Text { max_length } => {
            // utf8mb3 holds every character but the 4-byte ones: accepted, with a
            // warning (the drift check's) unless the field says `charset = "utf8mb3"`.
            let bytes_per_character = text_bytes_per_character(charset)?;
            if let Some(length) = varchar_length(sql_type) {
                return match max_length {
                    Some(max) if length >= *max => Ok(()),
                    Some(max) => Err(format!(
                        "the column holds {length} characters and the field allows {max}"
                    )),
                    None => Err(format!(
                        "the column holds {length} characters and the field has no `max_length`"
                    )),
                };
            }
            match long_capacity(sql_type) {
                Some(capacity) if sql_type.ends_with("text") => {
                    let needed = match max_length {
                        Some(max) => bytes_per_character * u64::from(*max),
                        None => SIXTEEN_MIB,
                    };
                    if capacity >= needed {
                        Ok(())
                    } else {
                        Err(format!(
                            "`{sql_type}` holds {capacity} bytes, less than the {needed} the field may need"
                        ))
                    }
                }
                _ if sql_type.starts_with("char(") => Err("text needs `varchar(n)` or `longtext`; `char(n)` is fixed-length (say `padded = true` and `max_length = n`)".into()),
                _ => Err("text needs `varchar(n)` or `longtext`".into()),
            }
        }
    }
}

/// The logical type of a column, as introspection normalised its type.
#[cfg(feature = "codegen")]
pub fn infer(column: &CatalogColumn) -> Result<LogicalType, String> {
    let (sql_type, _) = column.type_and_charset();
    if let Some(values) = column.enum_values.clone() {
        return Ok(LogicalType::Enum {
            name: String::new(),
            values,
            native: true,
        });
    }
    let ty = match sql_type {
        "tinyint(1)" => LogicalType::Bool,
        "smallint" => LogicalType::Int16,
        "int" => LogicalType::Int32,
        "bigint" => LogicalType::Int64,
        "smallint unsigned" => LogicalType::UInt16,
        "int unsigned" => LogicalType::UInt32,
        "bigint unsigned" => LogicalType::UInt64,
        "float" => LogicalType::Float32,
        "double" => LogicalType::Float64,
        "date" => LogicalType::Date,
        "binary(16)" => LogicalType::Uuid,
        "char(36)" => LogicalType::UuidText,
        "json" => LogicalType::Json,
        t if t.starts_with("time") && !t.starts_with("timestamp") => LogicalType::Time,
        t if t.starts_with("datetime") || t.starts_with("timestamp") => LogicalType::Timestamp,
        t if t.ends_with("blob") => LogicalType::Bytes,
        // Up to 4 bytes a character (utf8mb3: 3).
        t if t.ends_with("text") => {
            let width = match column.charset().and_then(Charset::from_name) {
                Some(Charset::Utf8mb3) => 3,
                _ => 4,
            };
            LogicalType::Text {
                max_length: long_capacity(t)
                    .filter(|&capacity| capacity < SIXTEEN_MIB)
                    .map(|capacity| u32::try_from(capacity / width).unwrap_or(u32::MAX)),
            }
        }
        t => {
            if let Some(length) = varchar_length(t) {
                LogicalType::Text {
                    max_length: Some(length),
                }
            } else if let Some(n) = t
                .strip_prefix("char(")
                .and_then(|rest| rest.strip_suffix(')'))
                .and_then(|n| n.parse().ok())
            {
                // Padded: the caller says so.
                return Ok(LogicalType::Text {
                    max_length: Some(n),
                });
            } else if let Some((precision, scale)) =
                crate::backend::precision_and_scale(t, "decimal")
            {
                LogicalType::Decimal { precision, scale }
            } else {
                return Err(format!("`{t}` has no logical type"));
            }
        }
    };
    // The refusal says why (a narrow blob, a TIMESTAMP, a character set); a time's
    // digits of a second are the caller's to find.
    let time = ty.is_temporal() && ty != LogicalType::Date;
    if !time || sql_type.starts_with("timestamp") {
        accepts(&ty, column)?;
    }
    Ok(ty)
}

/// `time(p)` or `datetime(p)` keeping `digits` of a second (MySQL shows `datetime(0)`
/// as `datetime`).
fn fraction(sql_type: &str, kind: &str, ty: &LogicalType, digits: u8) -> Result<(), String> {
    let held = if sql_type == kind {
        Some(0)
    } else {
        sql_type
            .strip_prefix(&format!("{kind}("))
            .and_then(|rest| rest.strip_suffix(')'))
            .and_then(|n| n.parse::<u8>().ok())
    };
    let wanted = match digits {
        0 => kind.to_owned(),
        n => format!("{kind}({n})"),
    };
    match held {
        Some(held) if held == digits => Ok(()),
        Some(held) => Err(crate::backend::fraction_mismatch(
            ty, digits, held, sql_type,
        )),
        None => Err(format!("{} needs `{wanted}`", ty.name())),
    }
}

fn varchar_length(sql_type: &str) -> Option<u32> {
    sql_type
        .strip_prefix("varchar(")?
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
    fn display_widths_are_normalised_but_tinyint_1_stays() {
        assert_eq!(normalize("int(11)"), "int");
        assert_eq!(normalize("bigint(20) unsigned"), "bigint unsigned");
        assert_eq!(normalize("tinyint(1)"), "tinyint(1)");
        assert_eq!(normalize("tinyint(4)"), "tinyint");
        assert_eq!(normalize("VARCHAR(255)"), "varchar(255)");
    }

    #[test]
    fn acceptance() {
        assert_eq!(accepts(&LogicalType::Json, &column("json")), Ok(()));
        assert_eq!(
            accepts(&LogicalType::Json, &column("longtext charset utf8mb4")),
            Ok(())
        );
        assert_eq!(
            accepts(&LogicalType::Json, &column("longtext charset latin1")),
            Err("json needs `json` (MariaDB: a utf8mb4 `longtext`)".into())
        );
        assert_eq!(accepts(&LogicalType::Uuid, &column("binary(16)")), Ok(()));
        assert_eq!(
            accepts(&LogicalType::Uuid, &column("char(36) charset utf8mb4")),
            Err(
                "uuid needs `binary(16)`; a uuid kept as `char(36)` takes `storage = \"text\"`"
                    .into()
            )
        );
        assert_eq!(
            accepts(&LogicalType::UuidText, &column("char(36) charset ascii")),
            Ok(())
        );
        assert_eq!(
            accepts(&LogicalType::UuidText, &column("binary(16)")),
            Err("uuid needs `char(36)`".into())
        );
        assert_eq!(accepts(&LogicalType::Bool, &column("tinyint(1)")), Ok(()));
        assert!(accepts(&LogicalType::Bool, &column("tinyint")).is_err());
        assert!(accepts(&LogicalType::Int64, &column("bigint unsigned")).is_err());
        assert_eq!(
            accepts(&LogicalType::UInt64, &column("bigint unsigned")),
            Ok(())
        );
        assert_eq!(
            accepts(&LogicalType::UInt32, &column("bigint unsigned")),
            Err("unsigned int32 needs `int unsigned`".into())
        );
        assert_eq!(
            accepts(&LogicalType::UInt16, &column("smallint")),
            Err("unsigned int16 needs `smallint unsigned`".into())
        );
        let text = |max| LogicalType::Text { max_length: max };
        assert_eq!(
            accepts(&text(None), &column("longtext charset utf8mb4")),
            Ok(())
        );
        assert_eq!(
            accepts(&text(None), &column("mediumtext charset utf8mb4")),
            Err(
                "`mediumtext` holds 16777215 bytes, less than the 16777216 the field may need"
                    .into()
            )
        );
        assert_eq!(
            accepts(&text(Some(1000)), &column("text charset utf8mb4")),
            Ok(())
        );
        assert!(accepts(&text(Some(10)), &column("varchar(10) charset latin1")).is_err());
        assert!(accepts(&LogicalType::Bytes, &column("blob")).is_err());
    }
}

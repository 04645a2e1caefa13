//! SQLite's type rules: a declared type has an *affinity*
//! (<https://www.sqlite.org/datatype3.html#determination_of_column_affinity>), and a
//! logical type is accepted when the column's affinity stores its values without loss.

use crate::model::{CatalogColumn, LogicalType};

/// A column's type affinity, determined from its declared type by SQLite's five rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Affinity {
    /// A declared type containing `INT`.
    Integer,
    /// A declared type containing `CHAR`, `CLOB` or `TEXT`.
    Text,
    /// A declared type containing `BLOB`, or no declared type.
    Blob,
    /// A declared type containing `REAL`, `FLOA` or `DOUB`.
    Real,
    /// Any other declared type (`NUMERIC`, `DECIMAL`, `BOOLEAN`, `DATE`, …).
    Numeric,
}

impl Affinity {
    /// The affinity of a declared type, by SQLite's rules in their order, ignoring case.
    pub fn of(declared: &str) -> Affinity {
        let upper = declared.to_ascii_uppercase();
        if upper.contains("INT") {
            Affinity::Integer
        } else if ["CHAR", "CLOB", "TEXT"].iter().any(|s| upper.contains(s)) {
            Affinity::Text
        } else if upper.contains("BLOB") || upper.trim().is_empty() {
            Affinity::Blob
        } else if ["REAL", "FLOA", "DOUB"].iter().any(|s| upper.contains(s)) {
            Affinity::Real
        } else {
            Affinity::Numeric
        }
    }

    /// The affinity's name, upper case: `INTEGER`, `TEXT`, `BLOB`, `REAL`, `NUMERIC`.
    pub fn name(self) -> &'static str {
        match self {
            Affinity::Integer => "INTEGER",
            Affinity::Text => "TEXT",
            Affinity::Blob => "BLOB",
            Affinity::Real => "REAL",
            Affinity::Numeric => "NUMERIC",
        }
    }
}

/// The affinities that hold each logical type without loss.
pub fn accepted_affinities(ty: &LogicalType) -> &'static [Affinity] {
    match ty {
        // BOOLEAN has NUMERIC affinity, and 0/1 stay integers there.
        LogicalType::Bool => &[Affinity::Integer, Affinity::Numeric],
        LogicalType::Int16
        | LogicalType::Int32
        | LogicalType::Int64
        | LogicalType::UInt16
        | LogicalType::UInt32
        | LogicalType::UInt64 => &[Affinity::Integer],
        LogicalType::Float32 | LogicalType::Float64 => &[Affinity::Real],
        // JSON is kept as its text; so is a decimal, which any numeric affinity would
        // turn into a float.
        LogicalType::Text { .. }
        | LogicalType::Json
        | LogicalType::Decimal { .. }
        | LogicalType::Enum { .. }
        | LogicalType::UuidText => &[Affinity::Text],
        // A uuid is its 16 bytes.
        LogicalType::Bytes | LogicalType::Uuid => &[Affinity::Blob],
        // ISO-8601 text. A DATETIME column has NUMERIC affinity, which keeps such text
        // as text (it doesn't look like a number).
        LogicalType::Date
        | LogicalType::Time
        | LogicalType::Timestamp
        | LogicalType::TimestampTz => &[Affinity::Text, Affinity::Numeric],
    }
}

/// Whether the column's declared type accepts the field's logical type, whatever the
/// digits of a second a time keeps (the text holds any) and whether text is padded
/// (SQLite pads nothing).
pub fn accepts_field(field: &crate::model::Field, column: &CatalogColumn) -> Result<(), String> {
    accepts(&field.ty, column)
}

/// The column type storegen's DDL declares for a field.
pub fn column_type(field: &crate::model::Field) -> String {
    ddl_type(&field.ty).to_owned()
}

/// Whether the column's declared type accepts the logical type; the error says why not.
pub fn accepts(ty: &LogicalType, column: &CatalogColumn) -> Result<(), String> {
    let affinity = Affinity::of(&column.sql_type);
    // An existing database's NUMERIC(p, s) or REAL column keeps a decimal as a float:
    // exact after rounding to the scale while it has at most 15 significant digits.
    if let LogicalType::Decimal { precision, .. } = ty
        && matches!(affinity, Affinity::Numeric | Affinity::Real)
    {
        return if *precision <= 15 {
            Ok(())
        } else {
            Err(format!(
                "`{}` has {} affinity, which keeps a decimal as a float of 15 significant digits; {ty} needs TEXT affinity",
                column.sql_type,
                affinity.name()
            ))
        };
    }
    let accepted = accepted_affinities(ty);
    if accepted.contains(&affinity) {
        return Ok(());
    }
    let wanted = accepted
        .iter()
        .map(|a| a.name())
        .collect::<Vec<_>>()
        .join(" or ");
    let why = match (ty, affinity) {
        (LogicalType::Float32 | LogicalType::Float64, Affinity::Numeric | Affinity::Integer) => {
            "; SQLite would store 1.0 as the integer 1"
        }
        (LogicalType::Text { .. }, Affinity::Numeric | Affinity::Integer | Affinity::Real) => {
            "; SQLite would turn text that looks like a number into a number"
        }
        (LogicalType::Uuid, Affinity::Text) => {
            "; SQLite would convert the bytes to the column's affinity (a uuid kept as text takes `storage = \"text\"`)"
        }
        (LogicalType::Bytes | LogicalType::Uuid, _) => {
            "; SQLite would convert the bytes to the column's affinity"
        }
        (t, _) if t.is_temporal() => "; storegen keeps dates and times as ISO-8601 text",
        (LogicalType::Decimal { .. }, _) => {
            "; storegen keeps decimals as text, which SQLite would turn into floats here"
        }
        (_, Affinity::Text) => "; SQLite would keep numbers written as text as text",
        _ => "",
    };
    let declared = if column.sql_type.is_empty() {
        "no declared type".to_owned()
    } else {
        format!("`{}`", column.sql_type)
    };
    Err(format!(
        "{declared} has {} affinity, and {} needs {wanted} affinity{why}",
        affinity.name(),
        ty.name()
    ))
}

/// The logical type of a column, from its declared type: its affinity, and within the
/// affinity the name other databases give the type (`SMALLINT`, `DATE`, `BOOLEAN`).
#[cfg(feature = "codegen")]
pub fn infer(column: &CatalogColumn) -> Result<LogicalType, String> {
    if let Some(values) = column.enum_values.clone() {
        return Ok(LogicalType::Enum {
            name: String::new(),
            values,
            native: true,
        });
    }
    let upper = column.sql_type.to_ascii_uppercase();
    let (base, size) = match upper.split_once('(') {
        Some((base, rest)) => (base.trim(), rest.split(')').next().map(str::trim)),
        None => (upper.trim(), None),
    };
    let length = size.and_then(|n| n.parse::<u32>().ok());
    let ty = match Affinity::of(&upper) {
        Affinity::Integer => match base {
            "TINYINT" if length == Some(1) => LogicalType::Bool,
            "SMALLINT" | "INT2" | "TINYINT" => LogicalType::Int16,
            "INT" | "INT4" | "MEDIUMINT" => LogicalType::Int32,
            _ => LogicalType::Int64,
        },
        Affinity::Text => LogicalType::Text {
            max_length: length.filter(|_| base.contains("CHAR")),
        },
        Affinity::Blob if upper.trim().is_empty() => {
            return Err("a column with no declared type holds values of any kind".into());
        }
        Affinity::Blob => LogicalType::Bytes,
        Affinity::Numeric | Affinity::Real
            if matches!(base, "NUMERIC" | "DECIMAL")
                && crate::backend::precision_and_scale(&upper, base).is_some() =>
        {
            let (precision, scale) =
                crate::backend::precision_and_scale(&upper, base).unwrap_or_default();
            LogicalType::Decimal { precision, scale }
        }
        Affinity::Real => LogicalType::Float64,
        Affinity::Numeric => match base {
            "BOOLEAN" | "BOOL" => LogicalType::Bool,
            "DATE" => LogicalType::Date,
            "TIME" => LogicalType::Time,
            "DATETIME" | "TIMESTAMP" => LogicalType::Timestamp,
            _ => {
                return Err(format!(
                    "`{}` has NUMERIC affinity, which keeps a value as an integer, a float or text as it looks",
                    column.sql_type
                ));
            }
        },
    };
    accepts(&ty, column)?;
    Ok(ty)
}

/// The declared type storegen's DDL writes for a logical type.
pub fn ddl_type(ty: &LogicalType) -> &'static str {
    match ty {
        LogicalType::Bool => "BOOLEAN",
        LogicalType::Int16
        | LogicalType::Int32
        | LogicalType::Int64
        | LogicalType::UInt16
        | LogicalType::UInt32
        | LogicalType::UInt64 => "INTEGER",
        LogicalType::Float32 | LogicalType::Float64 => "REAL",
        LogicalType::Text { .. }
        | LogicalType::Json
        | LogicalType::Decimal { .. }
        | LogicalType::Enum { .. }
        | LogicalType::UuidText => "TEXT",
        LogicalType::Bytes | LogicalType::Uuid => "BLOB",
        // ISO-8601 text: dates sort and compare as text.
        LogicalType::Date
        | LogicalType::Time
        | LogicalType::Timestamp
        | LogicalType::TimestampTz => "TEXT",
    }
}

/// SQLite compares identifiers case-insensitively (ASCII only).
pub fn same_identifier(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn affinity_follows_sqlites_rules_in_order() {
        assert_eq!(Affinity::of("INTEGER"), Affinity::Integer);
        assert_eq!(Affinity::of("bigint"), Affinity::Integer);
        // "INT" wins over "CHAR" because rule 1 comes first.
        assert_eq!(Affinity::of("CHARINT"), Affinity::Integer);
        assert_eq!(Affinity::of("VARCHAR(255)"), Affinity::Text);
        assert_eq!(Affinity::of("clob"), Affinity::Text);
        assert_eq!(Affinity::of(""), Affinity::Blob);
        assert_eq!(Affinity::of("BLOB"), Affinity::Blob);
        assert_eq!(Affinity::of("DOUBLE PRECISION"), Affinity::Real);
        assert_eq!(Affinity::of("FLOAT"), Affinity::Real);
        assert_eq!(Affinity::of("BOOLEAN"), Affinity::Numeric);
        assert_eq!(Affinity::of("DECIMAL(10,2)"), Affinity::Numeric);
        // "FLOATING POINT" contains "INT": INTEGER, a famous SQLite surprise.
        assert_eq!(Affinity::of("FLOATING POINT"), Affinity::Integer);
    }

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
    fn a_numeric_column_holds_decimals_of_15_digits_at_most() {
        let decimal = |precision| LogicalType::Decimal {
            precision,
            scale: 2,
        };
        assert_eq!(accepts(&decimal(10), &column("NUMERIC(10,2)")), Ok(()));
        assert_eq!(accepts(&decimal(15), &column("REAL")), Ok(()));
        assert_eq!(accepts(&decimal(38), &column("TEXT")), Ok(()));
        assert_eq!(
            accepts(&decimal(20), &column("NUMERIC(20,2)")),
            Err("`NUMERIC(20,2)` has NUMERIC affinity, which keeps a decimal as a float of 15 significant digits; decimal(20, 2) needs TEXT affinity".into())
        );
        assert!(accepts(&decimal(10), &column("INTEGER")).is_err());
    }

    #[test]
    fn acceptance_names_the_affinities_and_why() {
        assert_eq!(accepts(&LogicalType::Uuid, &column("BLOB")), Ok(()));
        assert_eq!(
            accepts(&LogicalType::Uuid, &column("TEXT")),
            Err("`TEXT` has TEXT affinity, and uuid needs BLOB affinity; SQLite would convert the bytes to the column's affinity (a uuid kept as text takes `storage = \"text\"`)".into())
        );
        assert_eq!(accepts(&LogicalType::UuidText, &column("TEXT")), Ok(()));
        assert_eq!(
            accepts(&LogicalType::UuidText, &column("VARCHAR(36)")),
            Ok(())
        );
        assert!(accepts(&LogicalType::UuidText, &column("BLOB")).is_err());
        assert_eq!(accepts(&LogicalType::Int64, &column("BIGINT")), Ok(()));
        assert_eq!(accepts(&LogicalType::Bool, &column("BOOLEAN")), Ok(()));
        assert_eq!(
            accepts(&LogicalType::Float64, &column("NUMERIC")),
            Err(
                "`NUMERIC` has NUMERIC affinity, and float64 needs REAL affinity; \
                 SQLite would store 1.0 as the integer 1"
                    .into()
            )
        );
        assert_eq!(
            accepts(&LogicalType::Bytes, &column("TEXT")),
            Err("`TEXT` has TEXT affinity, and bytes needs BLOB affinity; \
                 SQLite would convert the bytes to the column's affinity"
                .into())
        );
        assert_eq!(
            accepts(&LogicalType::Text { max_length: None }, &column("")),
            Err("no declared type has BLOB affinity, and text needs TEXT affinity".into())
        );
    }
}

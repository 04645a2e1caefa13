//! A field's `default`: a TOML value of its type, checked against it.

use toml::Spanned;
use toml::de::DeValue;

use super::value::{Walker, article};
use crate::build::diagnostics::Diagnostic;
use crate::model::{DefaultValue, Field, LogicalType};

/// A TOML date, time or datetime as the default of a date or time field: its text, or
/// why it doesn't fit the field (the kind of value, years 1000 to 9999 as every backend
/// holds them, microseconds, instants given in UTC).
pub(super) fn temporal_default(
    ty: &LogicalType,
    datetime: &toml::value::Datetime,
) -> Result<String, String> {
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

/// A decimal default's text at the field's scale (`"5"` → `"5.00"`), or why it doesn't
/// fit the field.
pub(super) fn decimal_default(text: &str, precision: u32, scale: u32) -> Result<String, String> {
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

pub(super) fn read_default(
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
                // float32 holds magnitudes up to f32::MAX; beyond, it would be infinity.
                Ok(x) if *ty == LogicalType::Float32 && x.abs() > f64::from(f32::MAX) => mismatch(
                    w,
                    format!("{} is beyond float32's range (±{:e})", f.as_str(), f32::MAX),
                ),
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
            // PostgreSQL's text can't hold NUL, and a DDL literal with one is cut short.
            Some(text) if text.contains('\0') => mismatch(
                w,
                "holds a NUL character, which text columns can't hold".into(),
            ),
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

//! Decimals (the `decimal` feature): the check every backend's write goes through, so
//! a value is stored exactly or not at all. PostgreSQL and MySQL would round digits
//! past the column's scale away without an error, and SQLite keeps decimals as text
//! it can't check.

use rust_decimal::Decimal;

/// A decimal field's value, present or not.
#[doc(hidden)]
pub trait AsDecimal {
    fn as_decimal(&self) -> Option<Decimal>;
}

impl AsDecimal for Decimal {
    fn as_decimal(&self) -> Option<Decimal> {
        Some(*self)
    }
}

impl AsDecimal for Option<Decimal> {
    fn as_decimal(&self) -> Option<Decimal> {
        *self
    }
}

impl AsDecimal for Option<Option<Decimal>> {
    fn as_decimal(&self) -> Option<Decimal> {
        self.flatten()
    }
}

impl<T: AsDecimal + ?Sized> AsDecimal for &T {
    fn as_decimal(&self) -> Option<Decimal> {
        (**self).as_decimal()
    }
}

/// Why `value` does not fit a `decimal(precision, scale)` column as it is, if it
/// doesn't. Trailing zeros past the scale are no loss (`1.500` fits a scale of 2).
pub fn misfit(value: Decimal, precision: u32, scale: u32) -> Option<String> {
    let normal = value.normalize();
    if normal.scale() > scale {
        return Some(format!(
            "{value} has {} after the point; the column keeps {scale}",
            count(normal.scale())
        ));
    }
    let integer = normal.trunc().abs().mantissa().unsigned_abs();
    let digits = if integer == 0 {
        0
    } else {
        integer.ilog10() + 1
    };
    let allowed = precision - scale;
    if digits > allowed {
        return Some(format!(
            "{value} has {} before the point; the column keeps {allowed}",
            count(digits)
        ));
    }
    None
}

fn count(digits: u32) -> String {
    match digits {
        1 => "1 digit".into(),
        n => format!("{n} digits"),
    }
}

/// The value at the column's scale (`1.5` as `1.50`): how SQLite stores it, so it
/// reads back as the servers return it.
#[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
pub fn at_scale(value: Decimal, scale: u32) -> Decimal {
    let mut value = value;
    value.rescale(scale);
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn values_fit_or_say_why_not() {
        assert_eq!(misfit(d("1234567890.12"), 12, 2), None);
        assert_eq!(misfit(d("-1234567890.12"), 12, 2), None);
        assert_eq!(misfit(d("1.500"), 12, 2), None);
        assert_eq!(misfit(d("0"), 1, 0), None);
        assert_eq!(misfit(d("0.5"), 1, 1), None);
        assert_eq!(
            misfit(d("1.005"), 12, 2).as_deref(),
            Some("1.005 has 3 digits after the point; the column keeps 2")
        );
        assert_eq!(
            misfit(d("12345678901.5"), 12, 2).as_deref(),
            Some("12345678901.5 has 11 digits before the point; the column keeps 10")
        );
        assert_eq!(
            misfit(d("1"), 2, 2).as_deref(),
            Some("1 has 1 digit before the point; the column keeps 0")
        );
        // rust_decimal's full 28 digits.
        assert_eq!(misfit(d("9999999999999999999999999999"), 28, 0), None);
        assert_eq!(misfit(d("0.9999999999999999999999999999"), 28, 28), None);
    }

    #[test]
    fn values_are_written_at_the_column_scale() {
        assert_eq!(at_scale(d("1.5"), 2).to_string(), "1.50");
        assert_eq!(at_scale(d("-0"), 2).to_string(), "0.00");
        assert_eq!(at_scale(d("7"), 0).to_string(), "7");
    }
}

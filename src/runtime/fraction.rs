//! Times and timestamps kept to fewer digits of a second than microseconds (`precision =
//! 0..5`): a value written with more is rounded to the field's digits, half away from
//! zero, before it leaves the client — as PostgreSQL and MySQL round on their own, and
//! MariaDB (which would truncate) and SQLite (which keeps the text it is given) then
//! hold the same value. A time of day that rounds past 23:59:59 becomes 00:00:00, as
//! PostgreSQL's `24:00:00` reads.

/// A time or timestamp rounded to `digits` of a second (0 to 6; microseconds first, as
/// the server drivers send them). Generated code calls it as a method, so a value and
/// a reference to one both give the rounded value.
#[doc(hidden)]
pub trait RoundFraction: Sized {
    /// The value rounded to `digits` of a second.
    fn round_fraction(&self, digits: u8) -> Self;
}

/// `value` rounded to `digits` of a second.
#[cfg(test)]
fn round<T: RoundFraction>(value: T, digits: u8) -> T {
    value.round_fraction(digits)
}

impl<T: RoundFraction> RoundFraction for Option<T> {
    fn round_fraction(&self, digits: u8) -> Self {
        self.as_ref().map(|v| v.round_fraction(digits))
    }
}

/// The number of nanoseconds a step of `digits` of a second spans.
#[cfg_attr(not(any(feature = "chrono", feature = "time")), allow(dead_code))]
fn step(digits: u8) -> u32 {
    10u32.pow(9 - u32::from(digits.min(6)))
}

/// The nanoseconds of a second, rounded half up to a step (a whole second may result).
#[cfg_attr(not(any(feature = "chrono", feature = "time")), allow(dead_code))]
fn rounded(nanos: u32, digits: u8) -> u32 {
    // Microseconds first: what the server drivers send.
    let micros = nanos / 1_000 * 1_000;
    let step = step(digits);
    (micros + step / 2) / step * step
}

#[cfg(feature = "chrono")]
mod chrono_impls {
    use super::{RoundFraction, rounded};
    use chrono::{DateTime, NaiveDateTime, NaiveTime, TimeDelta, Timelike, Utc};

    /// The time rounded, and the seconds of the whole day it rolled past (0 or 86,400).
    fn round_time(time: NaiveTime, digits: u8) -> (NaiveTime, i64) {
        // A leap second's nanoseconds run past a second: as the second's last.
        let nanos = time.nanosecond().min(999_999_999);
        let whole = time.with_nanosecond(0).unwrap_or(time);
        let up = i64::from(rounded(nanos, digits));
        whole.overflowing_add_signed(TimeDelta::nanoseconds(up))
    }

    impl RoundFraction for NaiveTime {
        fn round_fraction(&self, digits: u8) -> Self {
            round_time(*self, digits).0
        }
    }

    impl RoundFraction for NaiveDateTime {
        fn round_fraction(&self, digits: u8) -> Self {
            let (time, rolled) = round_time(self.time(), digits);
            self.date().and_time(time) + TimeDelta::seconds(rolled)
        }
    }

    impl RoundFraction for DateTime<Utc> {
        fn round_fraction(&self, digits: u8) -> Self {
            self.naive_utc().round_fraction(digits).and_utc()
        }
    }
}

#[cfg(feature = "time")]
mod time_impls {
    use super::{RoundFraction, rounded};
    use time::{Duration, OffsetDateTime, PrimitiveDateTime, Time};

    fn round_time(time: Time, digits: u8) -> (Time, bool) {
        let nanos = time.nanosecond();
        let whole = time.replace_nanosecond(0).unwrap_or(time);
        let up = rounded(nanos, digits);
        if up >= 1_000_000_000 {
            let next = whole + Duration::SECOND;
            (next, next < whole)
        } else {
            (whole.replace_nanosecond(up).unwrap_or(whole), false)
        }
    }

    impl RoundFraction for Time {
        fn round_fraction(&self, digits: u8) -> Self {
            round_time(*self, digits).0
        }
    }

    impl RoundFraction for PrimitiveDateTime {
        fn round_fraction(&self, digits: u8) -> Self {
            let (time, wrapped) = round_time(self.time(), digits);
            let date = if wrapped {
                self.date().next_day().unwrap_or(self.date())
            } else {
                self.date()
            };
            PrimitiveDateTime::new(date, time)
        }
    }

    impl RoundFraction for OffsetDateTime {
        fn round_fraction(&self, digits: u8) -> Self {
            let offset = self.offset();
            let local = PrimitiveDateTime::new(self.date(), self.time()).round_fraction(digits);
            local.assume_offset(offset)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::rounded;

    #[test]
    fn fractions_round_half_away_from_zero_from_microseconds() {
        assert_eq!(rounded(499_999_999, 0), 0);
        assert_eq!(rounded(500_000_000, 0), 1_000_000_000);
        assert_eq!(rounded(123_456_789, 3), 123_000_000);
        assert_eq!(rounded(123_500_000, 3), 124_000_000);
        // Nanoseconds beyond the microsecond never tip the rounding.
        assert_eq!(rounded(124_999_999, 2), 120_000_000);
        assert_eq!(rounded(125_000_000, 2), 130_000_000);
        assert_eq!(rounded(999_999_999, 6), 999_999_000);
    }

    #[cfg(feature = "chrono")]
    #[test]
    fn chrono_times_and_timestamps_round_across_seconds_days_and_midnight() {
        use super::round;
        use chrono::{NaiveDate, NaiveTime};
        let at = |h, m, s, n| NaiveTime::from_hms_nano_opt(h, m, s, n).unwrap();
        assert_eq!(round(at(8, 30, 0, 250_000_000), 0), at(8, 30, 0, 0));
        assert_eq!(
            round(at(8, 30, 0, 750_000_000), 1),
            at(8, 30, 0, 800_000_000)
        );
        assert_eq!(round(at(23, 59, 59, 600_000_000), 0), at(0, 0, 0, 0));
        let day = NaiveDate::from_ymd_opt(1999, 12, 31).unwrap();
        assert_eq!(
            round(day.and_time(at(23, 59, 59, 999_999_000)), 3),
            NaiveDate::from_ymd_opt(2000, 1, 1)
                .unwrap()
                .and_time(at(0, 0, 0, 0))
        );
        assert_eq!(
            round(Some(at(1, 2, 3, 456_789_000)), 4),
            Some(at(1, 2, 3, 456_800_000))
        );
    }
}

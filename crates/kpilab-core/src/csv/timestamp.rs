//! Timestamp cell → microseconds since 1970-01-01T00:00:00Z (SDK.md §4
//! `timestampColumn`, `timestampUnit`).
//!
//! Hand-written rather than `jiff`/`chrono`/`time`: those bring time zones,
//! formatting and calendars (tens of KB of wasm) for what is here one fixed
//! grammar and one day-count formula (Howard Hinnant's `days_from_civil`, the
//! algorithm behind C++20 `<chrono>`), and this runs once per event row.
//!
//! Accepted (surrounding whitespace ignored):
//! - `YYYY-MM-DD`: midnight UTC;
//! - `YYYY-MM-DDThh:mm[:ss[.fraction]]` (`T`, `t` or one space), then `Z`, `z`,
//!   `±hh:mm`, `±hhmm`, `±hh` or nothing (read as UTC); a fraction beyond
//!   microseconds is truncated (as pandas' `datetime64[us]`);
//! - an epoch number (optionally signed, decimal): seconds, milliseconds or
//!   microseconds by `timestampUnit`, or for `auto` by magnitude
//!   (|x| < 1e11: s; < 1e14: ms; else µs), rounded to the microsecond.

use serde::{Deserialize, Serialize};

/// The unit of epoch-number timestamps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub enum TimestampUnit {
    /// By magnitude: below 1e11 seconds, below 1e14 milliseconds, else microseconds.
    #[default]
    Auto,
    S,
    Ms,
    Us,
}

/// Microseconds in a day and in an hour.
pub(crate) const DAY_US: i64 = 86_400_000_000;
pub(crate) const HOUR_US: i64 = 3_600_000_000;

/// Epoch values beyond this many microseconds (about ±285,000 years) are unreadable.
const MAX_US: f64 = 9.0e18;

/// The cell's instant in µs since the epoch, or `None` when it is not a timestamp.
pub fn parse_timestamp(field: &[u8], unit: TimestampUnit) -> Option<i64> {
    let t = field.trim_ascii();
    // A date starts with four digits and a dash; anything else numeric is an epoch.
    if t.len() >= 10 && t[4] == b'-' && t[..4].iter().all(u8::is_ascii_digit) {
        return parse_iso(t);
    }
    parse_epoch(t, unit)
}

fn parse_epoch(t: &[u8], unit: TimestampUnit) -> Option<i64> {
    // Only plain signed decimals: no exponent, no `inf`, no `1_000`.
    let digits = t.strip_prefix(b"-").or_else(|| t.strip_prefix(b"+")).unwrap_or(t);
    let (int, frac) = match digits.iter().position(|&b| b == b'.') {
        Some(i) => (&digits[..i], &digits[i + 1..]),
        None => (digits, &digits[digits.len()..]),
    };
    if int.is_empty() || !int.iter().chain(frac).all(u8::is_ascii_digit) {
        return None;
    }
    let x: f64 = std::str::from_utf8(t).ok()?.parse().ok()?;
    let factor = match unit {
        TimestampUnit::S => 1e6,
        TimestampUnit::Ms => 1e3,
        TimestampUnit::Us => 1.0,
        TimestampUnit::Auto if x.abs() < 1e11 => 1e6,
        TimestampUnit::Auto if x.abs() < 1e14 => 1e3,
        TimestampUnit::Auto => 1.0,
    };
    // Integers up to 2^53 µs are exact; whole seconds/ms are exact after the scale.
    let us = (x * factor).round();
    (us.is_finite() && us.abs() <= MAX_US).then_some(us as i64)
}

/// `YYYY-MM-DD[(T| )hh:mm[:ss[.f]][Z|±hh[:mm]]]`.
fn parse_iso(t: &[u8]) -> Option<i64> {
    let year = digits(t, 0, 4)?;
    let month = digits_after(t, 4, b'-', 2)?;
    let day = digits_after(t, 7, b'-', 2)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let date_us = days_from_civil(year, month, day) * DAY_US;
    if t.len() == 10 {
        return Some(date_us);
    }
    if !matches!(t[10], b'T' | b't' | b' ') {
        return None;
    }
    let hour = digits(t, 11, 2)?;
    let minute = digits_after(t, 13, b':', 2)?;
    let mut i = 16;
    let mut second = 0;
    let mut micros = 0;
    if t.get(i) == Some(&b':') {
        second = digits(t, i + 1, 2)?;
        i += 3;
        if matches!(t.get(i), Some(b'.' | b',')) {
            i += 1;
            let start = i;
            while t.get(i).is_some_and(u8::is_ascii_digit) {
                if i - start < 6 {
                    micros = micros * 10 + i64::from(t[i] - b'0');
                }
                i += 1;
            }
            if i == start {
                return None;
            }
            for _ in (i - start)..6 {
                micros *= 10;
            }
        }
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let offset_minutes = match &t[i..] {
        [] | [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), rest @ ..] => {
            let (h, m) = match rest {
                [_, _] => (digits(rest, 0, 2)?, 0),
                [_, _, _, _] => (digits(rest, 0, 2)?, digits(rest, 2, 2)?),
                [_, _, b':', _, _] => (digits(rest, 0, 2)?, digits(rest, 3, 2)?),
                _ => return None,
            };
            if h > 23 || m > 59 {
                return None;
            }
            let minutes = h * 60 + m;
            if *sign == b'-' {
                -minutes
            } else {
                minutes
            }
        }
        _ => return None,
    };
    let local = date_us + hour * HOUR_US + minute * 60_000_000 + second * 1_000_000 + micros;
    // 10:00+02:00 is 08:00Z.
    Some(local - offset_minutes * 60_000_000)
}

/// The number in `t[at..at + n]`, all ASCII digits.
fn digits(t: &[u8], at: usize, n: usize) -> Option<i64> {
    let s = t.get(at..at + n)?;
    s.iter().all(u8::is_ascii_digit).then(|| s.iter().fold(0, |acc, &b| acc * 10 + i64::from(b - b'0')))
}

/// `sep` at `t[at]`, then `n` digits.
fn digits_after(t: &[u8], at: usize, sep: u8, n: usize) -> Option<i64> {
    (t.get(at) == Some(&sep)).then(|| digits(t, at + 1, n))?
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to the proleptic Gregorian date (Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Option<i64> {
        parse_timestamp(s.as_bytes(), TimestampUnit::Auto)
    }

    // Expected values from Python: int(datetime.fromisoformat(s).timestamp() * 1e6)
    // (checked by hand for the offsets).
    #[test]
    fn reads_iso_dates_and_date_times() {
        assert_eq!(ts("1970-01-01"), Some(0));
        assert_eq!(ts("2024-01-15"), Some(1_705_276_800_000_000));
        assert_eq!(ts("2024-01-15T10:30:00Z"), Some(1_705_314_600_000_000));
        assert_eq!(ts(" 2024-01-15 10:30:00 "), Some(1_705_314_600_000_000));
        assert_eq!(ts("2024-01-15T10:30Z"), Some(1_705_314_600_000_000));
        assert_eq!(ts("2024-01-15T12:30:00+02:00"), Some(1_705_314_600_000_000));
        assert_eq!(ts("2024-01-15T12:30:00+0200"), Some(1_705_314_600_000_000));
        assert_eq!(ts("2024-01-15T05:00:00-05:30"), Some(1_705_314_600_000_000));
        assert_eq!(ts("2024-01-15T12:30:00+02"), Some(1_705_314_600_000_000));
        assert_eq!(ts("2024-01-15T10:30:00.5Z"), Some(1_705_314_600_500_000));
        assert_eq!(ts("2024-01-15T10:30:00.123456Z"), Some(1_705_314_600_123_456));
        // Beyond microseconds: truncated.
        assert_eq!(ts("2024-01-15T10:30:00.1234569Z"), Some(1_705_314_600_123_456));
        assert_eq!(ts("1969-12-31T23:59:59Z"), Some(-1_000_000));
        assert_eq!(ts("1900-03-01"), Some(-2_203_891_200_000_000));
    }

    #[test]
    fn knows_leap_years() {
        assert_eq!(ts("2024-02-29"), Some(1_709_164_800_000_000));
        assert_eq!(ts("2000-02-29"), Some(951_782_400_000_000));
        assert_eq!(ts("2023-02-29"), None);
        assert_eq!(ts("1900-02-29"), None);
        assert_eq!(ts("2024-03-01").unwrap() - ts("2024-02-28").unwrap(), 2 * DAY_US);
        assert_eq!(ts("2023-03-01").unwrap() - ts("2023-02-28").unwrap(), DAY_US);
        assert_eq!(ts("2024-12-31T23:59:59Z").unwrap() + 1_000_000, ts("2025-01-01").unwrap());
    }

    #[test]
    fn reads_epoch_numbers_by_unit_or_magnitude() {
        // GA4's event_timestamp is in microseconds.
        assert_eq!(ts("1705314600123456"), Some(1_705_314_600_123_456));
        assert_eq!(ts("1705314600123"), Some(1_705_314_600_123_000));
        assert_eq!(ts("1705314600"), Some(1_705_314_600_000_000));
        assert_eq!(ts("1705314600.25"), Some(1_705_314_600_250_000));
        assert_eq!(ts("-86400"), Some(-DAY_US));
        assert_eq!(ts("0"), Some(0));
        // The magnitude boundaries: 1e11 is ms, 1e14 is µs.
        assert_eq!(ts("99999999999"), Some(99_999_999_999_000_000));
        assert_eq!(ts("100000000000"), Some(100_000_000_000_000));
        assert_eq!(ts("100000000000000"), Some(100_000_000_000_000));
        let unit = |s: &str, u| parse_timestamp(s.as_bytes(), u);
        assert_eq!(unit("1705314600", TimestampUnit::Ms), Some(1_705_314_600_000));
        assert_eq!(unit("1705314600", TimestampUnit::Us), Some(1_705_314_600));
        assert_eq!(unit("17053146001234", TimestampUnit::S), None, "beyond the range");
        assert_eq!(unit("17053146", TimestampUnit::S), Some(17_053_146_000_000));
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            "",
            " ",
            "yesterday",
            "2024-13-01",
            "2024-00-10",
            "2024-01-32",
            "2024-04-31",
            "2024-01-15T24:00:00Z",
            "2024-01-15T10:60Z",
            "2024-01-15T10:30:61Z",
            "2024-01-15T10:30:00.Z",
            "2024-01-15T10:30:00+2:00",
            "2024-01-15T10:30:00+25:00",
            "2024-01-15T10:30:00 UTC",
            "2024-01-15X10:30",
            "2024-1-5",
            "2024/01/15",
            "1e15",
            "inf",
            "nan",
            "1_000",
            "--5",
            "12a",
            ".5",
            "1e400",
        ] {
            assert_eq!(ts(bad), None, "{bad:?}");
        }
    }
}

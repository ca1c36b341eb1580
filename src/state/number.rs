//! The one parser for numbers typed into either form: people paste "2,000",
//! "2 000", "12.000,5", "3,2" or "5%", and those just work in both conventions.
//!
//! The rules, for a text with digits and separators:
//! - both '.' and ',' present: the last one is the decimal mark, the other groups
//!   thousands ("12.000,5" and "12,000.5" are 12000.5);
//! - spaces, no-break spaces, '_' and '\'' always group thousands ("12 000");
//! - one ',' with exactly three digits after it groups thousands ("12,000"),
//!   any other single ',' is a decimal comma ("3,2", "0,125");
//! - several of the same mark group thousands ("1.234.567", "1,234,567");
//! - one '.' is a decimal point, except in a count ("12.000 visitors"), where a
//!   '.' followed by exactly three digits may be either: `read_number` then says
//!   `Reading::Ambiguous` and the form asks.

/// Why a field's text is not a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberError {
    /// Nothing typed (separators and a lone "%" count as nothing).
    Empty,
    Unreadable,
}

/// What a field holds, which decides how "12.000" is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberKind {
    /// Any number (a rate, a mean, alpha): "12.000" is 12.
    Decimal,
    /// A count of things (visitors, arms): "12.000" could be 12 or 12,000.
    Count,
}

/// A number as read, or the two ways an entry can be meant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reading {
    Value(f64),
    /// "12.000" in a count: 12,000 with a thousands dot, or 12 with a decimal point.
    Ambiguous {
        grouped: f64,
        decimal: f64,
    },
}

/// Reads `text` (no unit) by the module's rules. Never NaN or infinite.
pub fn read_number(text: &str, kind: NumberKind) -> Result<Reading, NumberError> {
    let cleaned: String =
        text.trim().chars().filter(|c| !matches!(c, ' ' | '_' | '\'' | '\u{a0}' | '\u{202f}')).collect();
    let cleaned = cleaned.replace('\u{2212}', "-"); // a typographic minus, as the app writes it
    if cleaned.is_empty() {
        return Err(NumberError::Empty);
    }
    let dots = cleaned.matches('.').count();
    let commas = cleaned.matches(',').count();
    let plain = match (dots, commas) {
        (0, 0) => cleaned,
        (_, 0) if dots > 1 => ungroup(&cleaned, '.')?,
        (0, _) if commas > 1 => ungroup(&cleaned, ',')?,
        (0, 1) => {
            let (int, frac) = cleaned.split_once(',').unwrap_or_default();
            if is_thousands_group(int, frac) {
                format!("{int}{frac}")
            } else {
                format!("{int}.{frac}")
            }
        }
        (1, 0) => {
            let (int, frac) = cleaned.split_once('.').unwrap_or_default();
            if kind == NumberKind::Count && is_thousands_group(int, frac) {
                let grouped = finite(&format!("{int}{frac}"))?;
                let decimal = finite(&cleaned)?;
                return Ok(Reading::Ambiguous { grouped, decimal });
            }
            cleaned
        }
        _ => {
            // Both marks: the last one is the decimal mark and appears once.
            let (decimal_mark, group_mark) =
                if cleaned.rfind('.') > cleaned.rfind(',') { ('.', ',') } else { (',', '.') };
            if cleaned.matches(decimal_mark).count() != 1 {
                return Err(NumberError::Unreadable);
            }
            let (int, frac) = cleaned.split_once(decimal_mark).unwrap_or_default();
            if frac.contains(group_mark) {
                return Err(NumberError::Unreadable);
            }
            format!("{}.{frac}", ungroup(int, group_mark)?)
        }
    };
    finite(&plain).map(Reading::Value)
}

/// "1,234,567" -> "1234567": every group after the first has three digits.
fn ungroup(text: &str, mark: char) -> Result<String, NumberError> {
    let mut groups = text.split(mark);
    let first = groups.next().unwrap_or("");
    let rest: Vec<&str> = groups.collect();
    if rest.iter().all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit())) {
        Ok(format!("{first}{}", rest.concat()))
    } else {
        Err(NumberError::Unreadable)
    }
}

/// "12" + "000": three digits after a mark, and a leading group that is not just "0" (or a sign).
fn is_thousands_group(int: &str, frac: &str) -> bool {
    let digits = int.trim_start_matches(['-', '+']);
    frac.len() == 3
        && frac.bytes().all(|b| b.is_ascii_digit())
        && !digits.is_empty()
        && digits != "0"
        && digits.bytes().all(|b| b.is_ascii_digit())
}

fn finite(text: &str) -> Result<f64, NumberError> {
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        _ => Err(NumberError::Unreadable),
    }
}

/// A decimal: "2000", "2,000", "2 000", "3,2" -> the number; "5%" -> 0.05 (a share).
/// "12.000" is 12 here; counts that may mean 12,000 go through `read_number`.
pub fn parse_number(text: &str) -> Result<f64, NumberError> {
    let text = text.trim();
    let (digits, scale) = match text.strip_suffix('%') {
        Some(rest) => (rest, 0.01),
        None => (text, 1.0),
    };
    match read_number(digits, NumberKind::Decimal)? {
        Reading::Value(x) => Ok(x * scale),
        Reading::Ambiguous { decimal, .. } => Ok(decimal * scale),
    }
}

/// A field that holds percent: "3.2", "3,2" and "3.2 %" are all 3.2 (percent, not a share).
pub fn parse_percent(text: &str) -> Result<f64, NumberError> {
    parse_number(text.trim().trim_end_matches('%'))
}

/// What a significance-level field says when it is unreadable or out of range.
pub const ALPHA_MESSAGE: &str = "Enter the significance level α in percent, between 0 and 100, e.g. 5.";

/// A significance level typed in percent, as the planner takes it: "5" and "5 %" are α = 0.05.
pub fn parse_alpha(text: &str) -> Result<f64, &'static str> {
    match parse_percent(text) {
        Ok(a) if a > 0.0 && a < 100.0 => Ok(a / 100.0),
        _ => Err(ALPHA_MESSAGE),
    }
}

/// What a margin field says when it is unreadable or negative.
pub const MARGIN_MESSAGE: &str = "Enter the margin as a percent, e.g. 2 (or leave it empty).";

/// A non-inferiority margin typed in percent: "2" and "2 %" are 0.02, "" is None.
pub fn parse_margin(text: &str) -> Result<Option<f64>, &'static str> {
    match parse_percent(text) {
        Err(NumberError::Empty) => Ok(None),
        Ok(m) if m >= 0.0 => Ok(Some(m / 100.0)),
        _ => Err(MARGIN_MESSAGE),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kpilab_test_support::assert_close;

    fn value(text: &str, kind: NumberKind) -> f64 {
        match read_number(text, kind) {
            Ok(Reading::Value(x)) => x,
            other => panic!("{text:?}: {other:?}"),
        }
    }

    #[test]
    fn separators_percent_and_empty() {
        assert_eq!(parse_number("2,000"), Ok(2000.0));
        assert_eq!(parse_number("2\u{a0}000"), Ok(2000.0));
        assert_close!(parse_number("5%").unwrap(), 0.05, 0.0, 1e-15, strict);
        assert_eq!(parse_number(" "), Err(NumberError::Empty));
        assert_eq!(parse_number("abc"), Err(NumberError::Unreadable));
        assert_eq!(parse_number("1e999"), Err(NumberError::Unreadable));
    }

    #[test]
    fn both_conventions() {
        use NumberKind::*;
        assert_eq!(value("12,000", Count), 12000.0);
        assert_eq!(value("12 000", Count), 12000.0);
        assert_eq!(value("12\u{202f}000", Count), 12000.0);
        assert_eq!(value("12.000,5", Count), 12000.5);
        assert_eq!(value("12,000.5", Count), 12000.5);
        assert_eq!(value("1.234.567", Count), 1234567.0);
        assert_eq!(value("1,234,567", Decimal), 1234567.0);
        assert_eq!(value("3,2", Decimal), 3.2);
        assert_eq!(value("0,125", Decimal), 0.125);
        assert_eq!(value("3.2", Decimal), 3.2);
        assert_eq!(value("12.000", Decimal), 12.0);
        assert_eq!(value("0.256", Count), 0.256);
        assert_eq!(value("\u{2212}2,5", Decimal), -2.5);
        assert_eq!(value("12.5", Count), 12.5);
        assert_eq!(read_number("1.2.3", Count), Err(NumberError::Unreadable));
        assert_eq!(read_number("1,2.3,4", Count), Err(NumberError::Unreadable));
        assert_eq!(read_number("1.000,5,5", Count), Err(NumberError::Unreadable));
    }

    #[test]
    fn a_count_with_one_dot_and_three_digits_is_ambiguous() {
        assert_eq!(
            read_number("12.000", NumberKind::Count),
            Ok(Reading::Ambiguous { grouped: 12000.0, decimal: 12.0 })
        );
        assert_eq!(read_number("1.500", NumberKind::Count), Ok(Reading::Ambiguous { grouped: 1500.0, decimal: 1.5 }));
        assert_eq!(parse_number("12.000"), Ok(12.0));
    }

    #[test]
    fn percents_stay_percent() {
        assert_eq!(parse_percent("3.2"), Ok(3.2));
        assert_eq!(parse_percent("3,2 %"), Ok(3.2));
        assert_eq!(parse_percent("8%"), Ok(8.0));
        assert_eq!(parse_percent("%"), Err(NumberError::Empty));
    }

    #[test]
    fn margins_are_percents() {
        assert_eq!(parse_margin(""), Ok(None));
        assert_eq!(parse_margin("2"), Ok(Some(0.02)));
        assert_eq!(parse_margin(" 2 % "), Ok(Some(0.02)));
        assert_eq!(parse_margin("-1"), Err(MARGIN_MESSAGE));
        assert_eq!(parse_margin("x"), Err(MARGIN_MESSAGE));
    }

    #[test]
    fn alpha_is_typed_in_percent() {
        assert_close!(parse_alpha("5").unwrap(), 0.05, 1e-15, 0.0);
        assert_close!(parse_alpha("2,5 %").unwrap(), 0.025, 1e-15, 0.0);
        for bad in ["0", "100", "-1", "abc", ""] {
            assert_eq!(parse_alpha(bad), Err(ALPHA_MESSAGE), "{bad:?}");
        }
    }
}

//! The one parser for numbers typed into either form: people paste "2,000",
//! "2 000" or "5%", and those just work.

/// Why a field's text is not a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberError {
    /// Nothing typed (separators and a lone "%" count as nothing).
    Empty,
    Unreadable,
}

/// "2000", "2,000", "2 000", "2_000" -> 2000; "5%" -> 0.05. Never NaN or infinite.
pub fn parse_number(text: &str) -> Result<f64, NumberError> {
    let cleaned: String = text.chars().filter(|c| !matches!(c, ',' | ' ' | '_' | '\u{a0}')).collect();
    let (digits, scale) = match cleaned.strip_suffix('%') {
        Some(rest) => (rest, 0.01),
        None => (cleaned.as_str(), 1.0),
    };
    if digits.is_empty() {
        return Err(NumberError::Empty);
    }
    match digits.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x * scale),
        _ => Err(NumberError::Unreadable),
    }
}

/// What a margin field says when it is unreadable or negative.
pub const MARGIN_MESSAGE: &str = "Enter the margin as a percent, e.g. 2 (or leave it empty).";

/// A non-inferiority margin typed in percent: "2" and "2 %" are 0.02, "" is None.
pub fn parse_margin(text: &str) -> Result<Option<f64>, &'static str> {
    match parse_number(text.trim().trim_end_matches('%')) {
        Err(NumberError::Empty) => Ok(None),
        Ok(m) if m >= 0.0 => Ok(Some(m / 100.0)),
        _ => Err(MARGIN_MESSAGE),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kpilab_test_support::assert_close;

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
    fn margins_are_percents() {
        assert_eq!(parse_margin(""), Ok(None));
        assert_eq!(parse_margin("2"), Ok(Some(0.02)));
        assert_eq!(parse_margin(" 2 % "), Ok(Some(0.02)));
        assert_eq!(parse_margin("-1"), Err(MARGIN_MESSAGE));
        assert_eq!(parse_margin("x"), Err(MARGIN_MESSAGE));
    }
}

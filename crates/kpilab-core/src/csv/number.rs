//! Field → number, as the reference's `_num` reads a KPI cell.
//!
//! Surrounding ASCII whitespace is ignored; conversion columns also accept
//! `true`/`false` (any case). Empty cells, `nan`, `inf`/`infinity`, digit
//! separators (`1_000`) and values overflowing f64 are rejected, so no NaN or
//! Infinity ever reaches the sums. Parsing uses fast-float2 (Eisel-Lemire; DESIGN.md
//! "Speed": faster than `str::parse`, same correctly rounded result).
//!
//! With [`Decimal::Comma`] (`EvalConfig.decimal: ","`, as pandas
//! `read_csv(decimal=",", thousands=".")` reads a German or French export) the
//! decimal separator is `,` and `.` may only group thousands: "12,50" is 12.5,
//! "1.234,5" is 1234.5, "1.234.567" is 1234567. A dot is accepted only between
//! groups of exactly three digits of the integer part, after a first group of
//! one to three digits, so "1.5", "12.34" and "1.2345" are not numbers (they are
//! rejected rather than guessed). The exponent (`1,5e3`) is read as with ".".

use serde::{Deserialize, Serialize};

/// Which character separates a number's decimals in the file (`EvalConfig.decimal`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub enum Decimal {
    /// `"."`: 12.5, no thousands separators (the default).
    #[default]
    #[serde(rename = ".")]
    Dot,
    /// `","`: 12,5 and 1.234,5 (dots group thousands).
    #[serde(rename = ",")]
    Comma,
}

/// The value of a number cell written with `decimal`'s separator, or `None` when
/// it is not a (finite) number. Public so that the app's preview recognises a
/// number column exactly as the evaluation reads it.
pub fn read_number(field: &[u8], decimal: Decimal) -> Option<f64> {
    parse_number_in(field, false, decimal)
}

/// [`parse_number`] for either separator. The "." arm is the plain fast path.
#[inline(always)]
pub(crate) fn parse_number_in(field: &[u8], allow_bool: bool, decimal: Decimal) -> Option<f64> {
    match decimal {
        Decimal::Dot => parse_number(field, allow_bool),
        Decimal::Comma => parse_comma_number(field, allow_bool),
    }
}

/// The value of a KPI cell, or `None` when it is not a (finite) number.
#[inline(always)]
pub(crate) fn parse_number(field: &[u8], allow_bool: bool) -> Option<f64> {
    // Most cells are a single digit (0/1 flags, zero revenue) or a plain decimal.
    if let [digit @ b'0'..=b'9'] = field {
        return Some(f64::from(digit - b'0'));
    }
    parse_plain_decimal::<b'.'>(field).or_else(|| parse_other(field, allow_bool))
}

/// A KPI cell written with a decimal comma (module docs: the grouping rule).
#[inline(always)]
fn parse_comma_number(field: &[u8], allow_bool: bool) -> Option<f64> {
    if let [digit @ b'0'..=b'9'] = field {
        return Some(f64::from(digit - b'0'));
    }
    parse_plain_decimal::<b','>(field).or_else(|| parse_comma_other(field, allow_bool))
}

/// Longest decimal-comma field rewritten for the "." parser (longer ones are no number).
const COMMA_FIELD_MAX: usize = 64;

/// Thousands dots, whitespace, `true`/`false`, exponents: the field is rewritten
/// with "." as the separator and no dots, then read as a "." number.
#[inline(never)]
fn parse_comma_other(field: &[u8], allow_bool: bool) -> Option<f64> {
    let mut buf = [0u8; COMMA_FIELD_MAX];
    let n = rewrite_comma(field.trim_ascii(), &mut buf)?;
    parse_other(&buf[..n], allow_bool)
}

/// A decimal-comma field in its "." form ("1.234,5" → "1234.5", trimmed), or `None`
/// when a dot is not between thousands groups (module docs). For the app's preview,
/// which then reads it with `str::parse` (without linking a second float parser).
pub fn comma_to_dot(field: &str) -> Option<String> {
    let mut buf = [0u8; COMMA_FIELD_MAX];
    let n = rewrite_comma(field.trim().as_bytes(), &mut buf)?;
    String::from_utf8(buf[..n].to_vec()).ok()
}

/// Writes `t` into `buf` with "," as "." and the thousands dots left out; the length
/// written, or `None` when the dots are not thousands groups (or `t` is too long).
fn rewrite_comma(t: &[u8], buf: &mut [u8; COMMA_FIELD_MAX]) -> Option<usize> {
    if t.len() > COMMA_FIELD_MAX {
        return None;
    }
    let (sign, body) = match t.first() {
        Some(b'-' | b'+') => t.split_at(1),
        _ => (&t[..0], t),
    };
    // The integer part ends at the comma, an exponent or the end.
    let int_end = body.iter().position(|&b| matches!(b, b',' | b'e' | b'E')).unwrap_or(body.len());
    let (int, rest) = body.split_at(int_end);
    if rest.contains(&b'.') || rest.iter().filter(|&&b| b == b',').count() > 1 {
        return None;
    }
    if int.contains(&b'.') && !thousands_groups_ok(int) {
        return None;
    }
    let mut n = 0;
    for &b in sign.iter().chain(int.iter().filter(|&&b| b != b'.')).chain(rest) {
        buf[n] = if b == b',' { b'.' } else { b };
        n += 1;
    }
    Some(n)
}

/// `1.234.567`: one to three digits, then groups of a dot and exactly three digits.
fn thousands_groups_ok(int: &[u8]) -> bool {
    let mut groups = int.split(|&b| b == b'.');
    let first = groups.next().unwrap_or_default();
    let digits = |g: &[u8]| g.iter().all(u8::is_ascii_digit);
    (1..=3).contains(&first.len()) && digits(first) && groups.all(|g| g.len() == 3 && digits(g))
}

/// Whitespace, `true`/`false`, exponents, long mantissas.
#[inline(never)]
fn parse_other(field: &[u8], allow_bool: bool) -> Option<f64> {
    let t = field.trim_ascii();
    if t.is_empty() {
        return None;
    }
    if allow_bool && (t.len() == 4 || t.len() == 5) {
        if t.eq_ignore_ascii_case(b"true") {
            return Some(1.0);
        }
        if t.eq_ignore_ascii_case(b"false") {
            return Some(0.0);
        }
    }
    if let Some(x) = parse_plain_decimal::<b'.'>(t) {
        return Some(x);
    }
    match fast_float2::parse::<f64, _>(t) {
        Ok(x) if x.is_finite() => Some(x),
        _ => None,
    }
}

/// Exact powers of ten up to 10^18 (all representable in f64).
const POW10: [f64; 19] =
    [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18];

/// Fast path for the common `-123.45` shape (`POINT` is the decimal separator, `.`
/// or `,`): at most 19 digits, one optional separator, no exponent. With an integer mantissa ≤ 2^53 and an exact power of ten, one
/// division is correctly rounded (Clinger's fast path), so the result is bit-identical
/// to fast-float2's; anything else returns `None` and takes the full parser.
#[inline(always)]
fn parse_plain_decimal<const POINT: u8>(t: &[u8]) -> Option<f64> {
    let (negative, body) = match t.first()? {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    if body.is_empty() || body.len() > 19 {
        return None;
    }
    let mut mantissa: u64 = 0;
    let mut dot = None;
    for (i, &b) in body.iter().enumerate() {
        let digit = b.wrapping_sub(b'0');
        if digit < 10 {
            mantissa = mantissa * 10 + digit as u64;
        } else if b == POINT && dot.is_none() {
            dot = Some(i);
        } else {
            return None;
        }
    }
    let fraction_digits = dot.map_or(0, |d| body.len() - d - 1);
    if body.len() == usize::from(dot.is_some()) || mantissa > 1 << 53 {
        return None; // "." alone, or too many significant digits for the fast path
    }
    // Skip the (slow) division where it cannot change anything: integers and zeros.
    let x =
        if fraction_digits == 0 || mantissa == 0 { mantissa as f64 } else { mantissa as f64 / POW10[fraction_digits] };
    Some(if negative { -x } else { x })
}

#[cfg(test)]
mod tests {
    use super::{parse_number, parse_number_in, read_number, Decimal};

    #[test]
    fn decimal_comma_reads_commas_and_thousands_dots() {
        let cases: &[(&str, f64)] = &[
            ("12,50", 12.5),
            ("1.234,5", 1234.5),
            ("1.234.567,89", 1234567.89),
            ("1.234", 1234.0),
            ("-0,5", -0.5),
            ("+3,25", 3.25),
            (",5", 0.5),
            ("5,", 5.0),
            ("  7,25 ", 7.25),
            ("1,5e3", 1500.0),
            ("42", 42.0),
            ("0", 0.0),
            ("999.999,999", 999999.999),
        ];
        for &(s, x) in cases {
            assert_eq!(read_number(s.as_bytes(), Decimal::Comma), Some(x), "{s:?}");
        }
        assert_eq!(parse_number_in(b"TRUE", true, Decimal::Comma), Some(1.0));
        assert_eq!(super::comma_to_dot(" 1.234,5 ").as_deref(), Some("1234.5"));
        assert_eq!(super::comma_to_dot("1.5"), None);
        assert_eq!(parse_number_in(b" false ", true, Decimal::Comma), Some(0.0));
    }

    #[test]
    fn decimal_comma_rejects_dots_outside_thousands_groups() {
        for s in [
            "1.5",
            "12.34",
            "1.2345",
            "1234.567",
            ".5",
            "1.234.56",
            "1..234",
            "1,2,3",
            "1,234.5",
            "1.234,5.6",
            "1.",
            "",
            " ",
            "nan",
            "inf",
            "1_000",
            "abc",
            "1e400",
            "true",
            ",",
        ] {
            assert_eq!(read_number(s.as_bytes(), Decimal::Comma), None, "{s:?}");
        }
        assert_eq!(read_number("9".repeat(70).as_bytes(), Decimal::Comma), None);
    }

    /// Second route: a number written with a comma and thousands dots reads as the
    /// same bits as its "." form.
    #[test]
    fn decimal_comma_is_bit_identical_to_the_dot_form() {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..100_000 {
            let int_digits = 1 + (next() % 15) as usize;
            let int: String = (0..int_digits).map(|_| char::from(b'0' + (next() % 10) as u8)).collect();
            let frac: String = (0..(next() % 6) as usize).map(|_| char::from(b'0' + (next() % 10) as u8)).collect();
            let grouped = next() % 2 == 0;
            let mut comma_int = String::new();
            for (i, c) in int.chars().enumerate() {
                if grouped && i > 0 && (int_digits - i).is_multiple_of(3) {
                    comma_int.push('.');
                }
                comma_int.push(c);
            }
            let (dot, comma) = if frac.is_empty() {
                (int.clone(), comma_int)
            } else {
                (format!("{int}.{frac}"), format!("{comma_int},{frac}"))
            };
            let expected = parse_number(dot.as_bytes(), false).map(f64::to_bits);
            assert_eq!(read_number(comma.as_bytes(), Decimal::Comma).map(f64::to_bits), expected, "{comma}");
        }
    }

    #[test]
    fn reads_what_python_float_reads() {
        let cases: &[(&str, f64)] = &[
            ("0", 0.0),
            ("1", 1.0),
            ("101.68", 101.68),
            ("-3.5", -3.5),
            ("+2", 2.0),
            (".5", 0.5),
            ("5.", 5.0),
            ("1e3", 1000.0),
            ("1E-2", 0.01),
            ("  7.25 ", 7.25),
            ("\t42\t", 42.0),
            ("0.1", 0.1),
        ];
        for &(s, x) in cases {
            assert_eq!(parse_number(s.as_bytes(), false), Some(x), "{s:?}");
        }
    }

    #[test]
    fn rejects_what_the_reference_rejects() {
        for s in [
            "", "  ", "abc", "nan", "NaN", "inf", "-inf", "+inf", "Infinity", "1_000", "1e400", "-1e400", "1,5",
            "0x10", "1.2.3", "12abc", "true",
        ] {
            assert_eq!(parse_number(s.as_bytes(), false), None, "{s:?}");
        }
        assert_eq!(parse_number(b"\xff\xfe", false), None);
    }

    #[test]
    fn plain_decimal_fast_path_is_bit_identical_to_fast_float() {
        let mut seed = 0x1234_5678_9abc_def1_u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..200_000 {
            let digits = 1 + (next() % 18) as usize;
            let mut s: String = (0..digits).map(|_| char::from(b'0' + (next() % 10) as u8)).collect();
            if next() % 3 > 0 {
                let at = (next() % (digits as u64 + 1)) as usize;
                s.insert(at, '.');
            }
            if next() % 4 == 0 {
                s.insert(0, '-');
            }
            let full: Option<f64> = fast_float2::parse::<f64, _>(s.as_bytes()).ok();
            let fast = super::parse_plain_decimal::<b'.'>(s.as_bytes());
            if let Some(x) = fast {
                assert_eq!(Some(x.to_bits()), full.map(f64::to_bits), "{s}");
            }
            assert_eq!(parse_number(s.as_bytes(), false).map(f64::to_bits), full.map(f64::to_bits), "{s}");
        }
        assert_eq!(super::parse_plain_decimal::<b'.'>(b"."), None);
        assert_eq!(super::parse_plain_decimal::<b'.'>(b"-"), None);
        assert_eq!(super::parse_plain_decimal::<b'.'>(b"1.2.3"), None);
        assert_eq!(super::parse_plain_decimal::<b'.'>(b"9007199254740993"), None);
        assert_eq!(parse_number(b"9007199254740993", false), Some(9007199254740992.0));
    }

    #[test]
    fn conversion_columns_accept_true_false() {
        assert_eq!(parse_number(b"true", true), Some(1.0));
        assert_eq!(parse_number(b"FALSE", true), Some(0.0));
        assert_eq!(parse_number(b" True ", true), Some(1.0));
        assert_eq!(parse_number(b"1", true), Some(1.0));
        assert_eq!(parse_number(b"yes", true), None);
    }
}

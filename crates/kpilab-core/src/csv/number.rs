//! Field → number, as the reference's `_num` reads a KPI cell.
//!
//! Surrounding ASCII whitespace is ignored; conversion columns also accept
//! `true`/`false` (any case). Empty cells, `nan`, `inf`/`infinity`, digit
//! separators (`1_000`) and values overflowing f64 are rejected, so no NaN or
//! Infinity ever reaches the sums. Parsing uses fast-float2 (Eisel-Lemire; DESIGN.md
//! "Speed": faster than `str::parse`, same correctly rounded result).

/// The value of a KPI cell, or `None` when it is not a (finite) number.
#[inline(always)]
pub(crate) fn parse_number(field: &[u8], allow_bool: bool) -> Option<f64> {
    // Most cells are a single digit (0/1 flags, zero revenue) or a plain decimal.
    if let [digit @ b'0'..=b'9'] = field {
        return Some(f64::from(digit - b'0'));
    }
    parse_plain_decimal(field).or_else(|| parse_other(field, allow_bool))
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
    if let Some(x) = parse_plain_decimal(t) {
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

/// Fast path for the common `-123.45` shape: at most 19 digits, one optional dot, no
/// exponent. With an integer mantissa ≤ 2^53 and an exact power of ten, one
/// division is correctly rounded (Clinger's fast path), so the result is bit-identical
/// to fast-float2's; anything else returns `None` and takes the full parser.
#[inline(always)]
fn parse_plain_decimal(t: &[u8]) -> Option<f64> {
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
        } else if b == b'.' && dot.is_none() {
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
    use super::parse_number;

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
            let fast = super::parse_plain_decimal(s.as_bytes());
            if let Some(x) = fast {
                assert_eq!(Some(x.to_bits()), full.map(f64::to_bits), "{s}");
            }
            assert_eq!(parse_number(s.as_bytes(), false).map(f64::to_bits), full.map(f64::to_bits), "{s}");
        }
        assert_eq!(super::parse_plain_decimal(b"."), None);
        assert_eq!(super::parse_plain_decimal(b"-"), None);
        assert_eq!(super::parse_plain_decimal(b"1.2.3"), None);
        assert_eq!(super::parse_plain_decimal(b"9007199254740993"), None);
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

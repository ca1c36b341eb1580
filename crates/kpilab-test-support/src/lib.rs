//! Test-only helpers shared by kpilab's crates. Never a normal dependency.

/// Asserts that `actual` is within `abs + rel * |expected|` of `expected`:
///
/// - `assert_close!(actual, expected, rel, abs)` passes when
///   `|actual - expected| <= abs + rel * |expected|`;
/// - `assert_close!(actual, expected, rel, abs, strict)` passes when the
///   difference is strictly below that bound (`<`), as the hand-written checks it
///   replaced were, so no test became looser.
///
/// A NaN on either side fails. An optional trailing format string and arguments
/// are added to the message, which gives the actual and expected values, their
/// difference, the tolerances and the file and line of the call.
#[macro_export]
macro_rules! assert_close {
    ($actual:expr, $expected:expr, $rel:expr, $abs:expr, strict $(, $($arg:tt)+)?) => {
        $crate::assert_close!(@check <, $actual, $expected, $rel, $abs $(, $($arg)+)?)
    };
    ($actual:expr, $expected:expr, $rel:expr, $abs:expr $(, $($arg:tt)+)?) => {
        $crate::assert_close!(@check <=, $actual, $expected, $rel, $abs $(, $($arg)+)?)
    };
    (@check $op:tt, $actual:expr, $expected:expr, $rel:expr, $abs:expr $(, $($arg:tt)+)?) => {{
        let (actual, expected, rel, abs): (f64, f64, f64, f64) = ($actual, $expected, $rel, $abs);
        let difference = (actual - expected).abs();
        let bound = abs + rel * expected.abs();
        let within = difference $op bound;
        if !within {
            let context = ::std::string::String::new() $(+ ": " + &::std::format!($($arg)+))?;
            ::std::panic!(
                "assert_close!({}) failed at {}:{}{}\n  actual:     {:e}\n  expected:   {:e}\n  difference: {:e}\n  allowed:    {} {:e} = abs {:e} + rel {:e} * |expected|",
                ::std::stringify!($actual),
                ::std::file!(),
                ::std::line!(),
                context,
                actual,
                expected,
                difference,
                ::std::stringify!($op),
                bound,
                abs,
                rel,
            );
        }
    }};
}

#[cfg(test)]
mod tests {
    #[test]
    fn passes_within_the_bound() {
        assert_close!(1.0 + 1e-13, 1.0, 1e-12, 0.0);
        assert_close!(0.0, 1e-16, 0.0, 1e-15);
        assert_close!(-2.0, -2.0 - 1e-12, 1e-12, 0.0, "with {}", "context");
        // `<=` includes the bound itself; `strict` does not.
        assert_close!(1.5, 1.0, 0.0, 0.5);
        assert_close!(1.25, 1.0, 0.0, 0.5, strict);
    }

    #[test]
    #[should_panic(expected = "difference: 5e-1")]
    fn strict_excludes_the_bound() {
        assert_close!(1.5, 1.0, 0.0, 0.5, strict);
    }

    #[test]
    #[should_panic(expected = "failed at")]
    fn fails_outside_the_bound() {
        assert_close!(1.0 + 1e-11, 1.0, 1e-12, 0.0);
    }

    #[test]
    #[should_panic(expected = "actual:     NaN")]
    fn nan_fails() {
        assert_close!(f64::NAN, 1.0, 1.0, 1.0);
    }

    #[test]
    #[should_panic(expected = ": arm 3")]
    fn the_message_carries_the_context() {
        assert_close!(2.0, 1.0, 0.0, 0.0, "arm {}", 3);
    }
}

//! Brent's bracketing root finder (a port of scipy's `brentq`): the planners
//! invert power functions and the t quantile with it; it never leaves its bracket.

/// Where the search stops: |step| < (xtol + rtol·|x|) / 2.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tolerance {
    pub xtol: f64,
    pub rtol: f64,
}

impl Tolerance {
    /// Relative precision near the float limit, for roots far from 0.
    pub const TIGHT: Tolerance = Tolerance { xtol: 1e-300, rtol: 4.0 * f64::EPSILON };

    /// Users per arm: far below one user, so rounding up is never off by one.
    pub const SAMPLE_SIZE: Tolerance = Tolerance { xtol: 1e-12, rtol: 1e-15 };

    /// A proportion in (0, 1): absolute 1e-16 is finer than the 1e-13 edges of its bracket.
    pub const PROPORTION: Tolerance = Tolerance { xtol: 1e-16, rtol: 1e-15 };

    /// A root near `scale` (> 0): relative 1e-15 of it, so that a subnormal scale keeps its digits.
    pub fn relative_to(scale: f64) -> Tolerance {
        Tolerance { xtol: 1e-15 * scale, rtol: 1e-15 }
    }
}

const MAX_ITERATIONS: usize = 500;

/// A root of `f` in [a, b]; `None` when f(a) and f(b) have the same sign or a
/// value is not finite.
pub(crate) fn brent(mut f: impl FnMut(f64) -> f64, a: f64, b: f64, tol: Tolerance) -> Option<f64> {
    let (mut xpre, mut xcur) = (a, b);
    let (mut fpre, mut fcur) = (f(xpre), f(xcur));
    if !fpre.is_finite() || !fcur.is_finite() || fpre * fcur > 0.0 {
        return None;
    }
    if fpre == 0.0 {
        return Some(xpre);
    }
    if fcur == 0.0 {
        return Some(xcur);
    }
    let (mut xblk, mut fblk, mut spre, mut scur) = (0.0, 0.0, 0.0, 0.0);
    for _ in 0..MAX_ITERATIONS {
        if fpre != 0.0 && fcur != 0.0 && fpre.is_sign_negative() != fcur.is_sign_negative() {
            xblk = xpre;
            fblk = fpre;
            spre = xcur - xpre;
            scur = spre;
        }
        if fblk.abs() < fcur.abs() {
            xpre = xcur;
            xcur = xblk;
            xblk = xpre;
            fpre = fcur;
            fcur = fblk;
            fblk = fpre;
        }
        let delta = (tol.xtol + tol.rtol * xcur.abs()) / 2.0;
        let sbis = (xblk - xcur) / 2.0;
        if fcur == 0.0 || sbis.abs() < delta {
            return Some(xcur);
        }
        if spre.abs() > delta && fcur.abs() < fpre.abs() {
            let stry = if xpre == xblk {
                // secant
                -fcur * (xcur - xpre) / (fcur - fpre)
            } else {
                // inverse quadratic interpolation
                let dpre = (fpre - fcur) / (xpre - xcur);
                let dblk = (fblk - fcur) / (xblk - xcur);
                -fcur * (fblk * dblk - fpre * dpre) / (dblk * dpre * (fblk - fpre))
            };
            if 2.0 * stry.abs() < spre.abs().min(3.0 * sbis.abs() - delta) {
                spre = scur;
                scur = stry;
            } else {
                spre = sbis;
                scur = sbis;
            }
        } else {
            spre = sbis;
            scur = sbis;
        }
        xpre = xcur;
        fpre = fcur;
        xcur += if scur.abs() > delta {
            scur
        } else if sbis > 0.0 {
            delta
        } else {
            -delta
        };
        fcur = f(xcur);
        if !fcur.is_finite() {
            return None;
        }
    }
    Some(xcur)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kpilab_test_support::assert_close;

    #[test]
    fn finds_roots_and_rejects_bad_brackets() {
        let r = brent(|x| x * x - 2.0, 0.0, 2.0, Tolerance::TIGHT).unwrap();
        assert_close!(r, 2f64.sqrt(), 0.0, 1e-15, strict);
        let r = brent(|x| x.exp() - 10.0, -5.0, 5.0, Tolerance::TIGHT).unwrap();
        assert_close!(r, 10f64.ln(), 0.0, 1e-15, strict);
        assert!(brent(|x| x * x + 1.0, -1.0, 1.0, Tolerance::TIGHT).is_none());
        assert!(brent(|_| f64::NAN, -1.0, 1.0, Tolerance::TIGHT).is_none());
    }
}

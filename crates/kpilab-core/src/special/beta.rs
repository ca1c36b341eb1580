//! ln B(a, b), the regularized incomplete beta I_x(a, b) (both tails) and the
//! Beta quantile: the building blocks of the t laws and the Bayesian intervals.
//!
//! Why not `statrs::function::beta::beta_reg`: its prefactor subtracts ln Γ of
//! large arguments (losing ~1e-9 at 1e6 degrees of freedom), it recomputes 1 - x
//! (losing digits when x is close to 1) and it stops after 140 continued-fraction
//! steps. Here the caller passes both x and y = 1 - x, and ln B follows R's
//! `lbeta`, where the huge ln Γ terms cancel analytically.

use statrs::function::gamma::ln_gamma;

use super::normal::normal_isf;

const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;

/// Remainder of Stirling's series, ln Γ(x) - ((x - ½) ln x - x + ln √(2π)),
/// for x >= 10 (R's `lgammacor`): Σ B₂ₖ / (2k(2k-1) x^(2k-1)).
fn lgammacor(x: f64) -> f64 {
    const C: [f64; 8] = [
        1.0 / 12.0,
        -1.0 / 360.0,
        1.0 / 1260.0,
        -1.0 / 1680.0,
        1.0 / 1188.0,
        -691.0 / 360360.0,
        1.0 / 156.0,
        -3617.0 / 122400.0,
    ];
    let x2 = 1.0 / (x * x);
    C.iter().rev().fold(0.0, |acc, &c| acc * x2 + c) / x
}

/// ln B(a, b), within ~1 ulp of its magnitude once both arguments reach 10, even
/// for huge ones (R `lbeta`, scipy `betaln`); below that, statrs' ln Γ.
pub(crate) fn ln_beta(a: f64, b: f64) -> f64 {
    let (p, q) = if a < b { (a, b) } else { (b, a) };
    if p >= 10.0 {
        let corr = lgammacor(p) + lgammacor(q) - lgammacor(p + q);
        -0.5 * q.ln() + LN_SQRT_2PI + corr + (p - 0.5) * (p / (p + q)).ln() + q * (-p / (p + q)).ln_1p()
    } else if q >= 10.0 {
        let corr = lgammacor(q) - lgammacor(p + q);
        ln_gamma(p) + corr + p - p * (p + q).ln() + (q - 0.5) * (-p / (p + q)).ln_1p()
    } else {
        ln_gamma(p) + ln_gamma(q) - ln_gamma(p + q)
    }
}

/// ln x with x = 1 - y known to full precision through y when x is close to 1.
fn ln_complement(x: f64, y: f64) -> f64 {
    if y < 0.5 {
        (-y).ln_1p()
    } else {
        x.ln()
    }
}

/// ln[x^a y^b / (a B(a, b))] (y = 1 - x); also the step I_x(a, b) - I_x(a + 1, b)
/// of the recurrence in a, which the noncentral t sums over.
pub(crate) fn ln_beta_prefactor(a: f64, b: f64, x: f64, y: f64) -> f64 {
    a * ln_complement(x, y) + b * ln_complement(y, x) - a.ln() - ln_beta(a, b)
}

/// The regularized incomplete beta as the pair (I_x(a, b), 1 - I_x(a, b)) for
/// a, b > 0 and y = 1 - x, each tail computed directly so that a small one keeps
/// its relative precision (scipy `betainc` / `betaincc`).
pub(crate) fn inc_beta(a: f64, b: f64, x: f64, y: f64) -> (f64, f64) {
    if x <= 0.0 {
        return (0.0, 1.0);
    }
    if y <= 0.0 {
        return (1.0, 0.0);
    }
    // The continued fraction converges fast below the mean; above it use the
    // symmetry I_x(a, b) = 1 - I_y(b, a).
    if x < (a + 1.0) / (a + b + 2.0) {
        let lower = (ln_beta_prefactor(a, b, x, y).exp() * continued_fraction(a, b, x)).clamp(0.0, 1.0);
        (lower, 1.0 - lower)
    } else {
        let upper = (ln_beta_prefactor(b, a, y, x).exp() * continued_fraction(b, a, y)).clamp(0.0, 1.0);
        (1.0 - upper, upper)
    }
}

/// A generous cap on continued-fraction steps: convergence takes at most a few
/// thousand even for the Bayesian intervals' a, b up to ~1e13.
const MAX_CF_STEPS: u32 = 5_000_000;

/// Stop once a step changes the fraction by at most 1 ulp.
const CF_TOLERANCE: f64 = 1e-16;

/// The continued fraction of I_x(a, b) (modified Lentz, Numerical Recipes `betacf`).
fn continued_fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..=MAX_CF_STEPS {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        for aa in [m * (b - m) * x / ((qam + m2) * (a + m2)), -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))] {
            d = 1.0 + aa * d;
            if d.abs() < TINY {
                d = TINY;
            }
            c = 1.0 + aa / c;
            if c.abs() < TINY {
                c = TINY;
            }
            d = 1.0 / d;
            h *= d * c;
        }
        if (d * c - 1.0).abs() <= CF_TOLERANCE {
            break;
        }
    }
    h
}

/// Density of Beta(a, b) at x.
fn beta_pdf(a: f64, b: f64, x: f64) -> f64 {
    ((a - 1.0) * x.ln() + (b - 1.0) * (-x).ln_1p() - ln_beta(a, b)).exp()
}

/// Which tail a quantile's probability refers to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tail {
    /// P(X <= x) = p
    Lower,
    /// P(X > x) = p
    Upper,
}

/// Beta(a, b) quantile: the x with the given tail probability p (scipy
/// `beta.ppf` / `beta.isf`). Safeguarded Newton on the accurate incomplete beta.
pub(crate) fn beta_quantile(a: f64, b: f64, p: f64, tail: Tail) -> f64 {
    if p <= 0.0 {
        return if tail == Tail::Lower { 0.0 } else { 1.0 };
    }
    if p >= 1.0 {
        return if tail == Tail::Lower { 1.0 } else { 0.0 };
    }
    // g(x) increases in x and is 0 at the answer.
    let g = |x: f64| {
        let (lo, up) = inc_beta(a, b, x, 1.0 - x);
        match tail {
            Tail::Lower => lo - p,
            Tail::Upper => p - up,
        }
    };
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    let mean = a / (a + b);
    let sd = (a * b / ((a + b) * (a + b) * (a + b + 1.0))).sqrt();
    let z = normal_isf(p);
    let mut x = match tail {
        Tail::Lower => mean - z * sd,
        Tail::Upper => mean + z * sd,
    };
    if !(x > 0.0 && x < 1.0) {
        x = if x <= 0.0 { mean * 0.5 } else { 0.5 * (1.0 + mean) };
    }
    for _ in 0..400 {
        let v = g(x);
        if v == 0.0 {
            return x;
        }
        if v < 0.0 {
            lo = x;
        } else {
            hi = x;
        }
        let mut next = x - v / beta_pdf(a, b, x);
        if !(next > lo && next < hi) {
            // Bisect, geometrically near 0 where the answer may be tiny.
            next = if lo == 0.0 { hi * 0.5 } else { 0.5 * (lo + hi) };
        }
        if (next - x).abs() <= 1e-15 * x || hi - lo <= 1e-15 * hi {
            return next;
        }
        x = next;
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use kpilab_test_support::assert_close;

    #[test]
    fn matches_scipy_betainc() {
        // scipy.special.betainc(a, b, x), scipy 1.17.1; upper tails mpmath betainc(a, b, x, 1)
        for (a, b, x, lower, upper) in [
            (0.5, 5.0, 0.3, 0.9347377538310915, 0.06526224616890818),
            (30.5, 29.0, 0.6, 0.9123541948228434, 0.08764580517715664),
            (1000.0, 2000.0, 0.34, 0.7812150911606441, 0.21878490883935728),
        ] {
            let (lo, up) = inc_beta(a, b, x, 1.0 - x);
            assert_close!(lo, lower, 1e-12, 0.0, "{a} {b} {x}: {lo} vs {lower}");
            assert_close!(up, upper, 1e-12, 0.0, "{a} {b} {x}: {up} vs {upper}");
        }
        // The upper tail computed directly (mpmath; x + (1 - x) == 1 exactly). The
        // continued fraction loses ~3e-18·max(a, b) relative, 2.3e-12 here.
        let (lo, up) = inc_beta(2.0, 500000.0, 2f64.powi(-17), 1.0 - 2f64.powi(-17));
        assert_close!(lo, 0.893864494503029, 1e-12, 0.0, "{lo} {up}");
        assert_close!(up, 0.1061355054969711, 5e-12, 0.0, "{lo} {up}");
        assert_close!(inc_beta(2.0, 500000.0, 1e-05, 1.0 - 1e-05).0, 0.9595733286907214, 1e-12, 0.0);
        // x close to 1: y carries the digits.
        assert_close!(inc_beta(500000.0, 0.5, 1.0 - 1e-6, 1e-6).0, 0.3173105078558957, 1e-10, 0.0);
    }

    #[test]
    fn ln_beta_matches_mpmath() {
        // mpmath loggamma(a) + loggamma(b) - loggamma(a + b) at 40 digits
        for (a, b, expected) in [
            (50.0, 2.5, -9.532383817853827),
            (12.0, 30.0, -25.27486496841981),
            (1e6, 1e6, -1386300.003362921),
            (5e6, 0.5, -7.140109267274487),
            (1e12, 1e12, -1386294361132.4407),
            (40001.0, 19960001.0, -288554.89222942205),
        ] {
            assert_close!(ln_beta(a, b), expected, 1e-15, 0.0, "{a} {b}: {} vs {expected}", ln_beta(a, b));
        }
    }

    #[test]
    fn ln_beta_matches_lgamma_for_moderate_args() {
        for &(a, b) in &[(0.5, 0.5), (3.0, 7.5), (12.0, 40.0), (2.5, 300.0), (1000.0, 2.0e6)] {
            let direct = ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b);
            assert!((ln_beta(a, b) - direct).abs() < 1e-9 * direct.abs().max(1.0), "{a} {b}");
        }
        // B(1, b) = 1/b exactly.
        assert_close!(ln_beta(1.0, 2.0e7), -(2.0e7f64).ln(), 1e-14, 0.0);
    }

    #[test]
    fn quantiles_invert_the_cdf() {
        // The incomplete beta is only as exact as its prefactor (~1e-10 relative at
        // these sizes), so check that the quantile brackets p within 1e-10 of x.
        for &(a, b) in &[(1.0, 1001.0), (401.0, 3601.0), (40001.0, 19960001.0)] {
            for p in [0.025, 0.5, 0.975] {
                for tail in [Tail::Lower, Tail::Upper] {
                    let x = beta_quantile(a, b, p, tail);
                    let cdf = |x: f64| inc_beta(a, b, x, 1.0 - x).0;
                    let target = if tail == Tail::Lower { p } else { 1.0 - p };
                    assert!(cdf(x * (1.0 - 1e-10)) < target && target < cdf(x * (1.0 + 1e-10)), "{a} {b} {p} {x}");
                }
            }
        }
        // Scipy beta.isf(0.025, 40001, 19960001) (golden an-bayes-007).
        let x = beta_quantile(40001.0, 19960001.0, 0.025, Tail::Upper);
        assert_close!(x, 0.0020196771974314597, 1e-11, 0.0, "{x}");
    }
}

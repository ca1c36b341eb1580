//! The central Student t distribution: tails and upper quantile, accurate to
//! ~1e-13 or better up to 1e5 degrees of freedom and ~1e-9 beyond (checked
//! with mpmath). statrs' `StudentsT::inverse_cdf` (AS 109) is off by 2e-13 at
//! df = 58 and by 1.6e-6 at df = 1e5, and asserts on a NaN.

use super::beta::inc_beta;
use super::normal::{normal_isf, normal_sf};
use super::root::{brent, Tolerance};

/// Above this many degrees of freedom the t laws are replaced by their normal
/// limits (Abramowitz & Stegun 26.7.5 and 26.7.10), whose error is O(1/df²),
/// below 1e-13 here: the continued fraction would lose ~3e-18·df relative and
/// take O(√df) steps (1e-4 relative at df = 1e12).
pub(crate) const NORMAL_LIMIT_DF: f64 = 1e7;

/// Above this many degrees of freedom the quantile comes from the Cornish-Fisher
/// series (error O(z^11/df^5), below 1e-15 here). Below it, solving `t_sf`
/// is better: `t_sf`'s continued fraction loses ~3e-18·df relative for large df.
const CORNISH_FISHER_DF: f64 = 1e5;

/// P(T > t) for a central t with `df` > 0 degrees of freedom (scipy `t.sf`);
/// `df = ∞` is the normal.
pub(crate) fn t_sf(t: f64, df: f64) -> f64 {
    if t.is_nan() {
        return f64::NAN;
    }
    if df > NORMAL_LIMIT_DF {
        return normal_sf(t * (1.0 - 1.0 / (4.0 * df)) / (1.0 + t * t / (2.0 * df)).sqrt());
    }
    if t.is_infinite() {
        return if t > 0.0 { 0.0 } else { 1.0 };
    }
    // P(|T| > |t|) = I_{df/(df+t²)}(df/2, 1/2)
    let tt = t * t;
    let (two_tail, _) = inc_beta(df / 2.0, 0.5, df / (df + tt), tt / (df + tt));
    if t > 0.0 {
        two_tail / 2.0
    } else {
        1.0 - two_tail / 2.0
    }
}

/// P(T <= t) (scipy `t.cdf`).
pub(crate) fn t_cdf(t: f64, df: f64) -> f64 {
    t_sf(-t, df)
}

/// t with P(T > t) = p, 0 < p < 1 (scipy `t.isf`); +Infinity when it exceeds
/// the float range. Brent on `t_sf` rather than Newton from the Cornish-Fisher
/// start: 5e-13 against 7e-12 relative at df = 1e5 (mpmath).
pub(crate) fn t_isf(p: f64, df: f64) -> f64 {
    if p > 0.5 {
        return -t_isf(1.0 - p, df);
    }
    if p == 0.5 {
        return 0.0;
    }
    let z = normal_isf(p);
    if df > CORNISH_FISHER_DF {
        return cornish_fisher(z, df);
    }
    // The t quantile lies between the normal one and, for df >= 1, the Cauchy one.
    let mut hi =
        if df >= 1.0 { (std::f64::consts::PI * (0.5 - p)).tan() * (1.0 + 1e-9) + 1e-9 } else { 2.0 * z.max(1.0) };
    while t_sf(hi, df) > p {
        hi *= 2.0;
        if !hi.is_finite() {
            return f64::INFINITY;
        }
    }
    brent(|t| t_sf(t, df) - p, z, hi, Tolerance::TIGHT).unwrap_or(hi)
}

/// Abramowitz & Stegun 26.7.5: the t quantile as a series in 1/df around z.
fn cornish_fisher(z: f64, df: f64) -> f64 {
    let z2 = z * z;
    let g1 = (z2 + 1.0) * z / 4.0;
    let g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0;
    let g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0;
    let g4 = ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) * z / 92160.0;
    z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df
}

#[cfg(test)]
mod tests {
    use super::*;
    use kpilab_test_support::assert_close;

    #[test]
    fn quantiles_match_scipy() {
        // scipy.stats.t.isf(p, df), scipy 1.17.1
        for (p, df, expected) in [
            (0.025, 1.0, 12.706204736174705),
            (0.025, 2.5, 3.5746548420036834),
            (0.025, 58.0, 2.001717484145236),
            (0.0125, 4520.0, 2.2421497567145394),
            (0.05, 100000.0, 1.6448688647849699),
            (1e-08, 3.0, 479.5250695797382),
            (0.4, 0.5, 0.3979754267847907),
            (0.975, 10.0, -2.228138851986274),
        ] {
            let t = t_isf(p, df);
            assert_close!(t, expected, 1e-12, 0.0, "isf({p}, {df}) = {t}, scipy {expected}");
        }
    }

    #[test]
    fn t_matches_known_values() {
        // df = 2 has closed forms: sf(t) = 1/2 - t/(2√(2+t²)), and the quantile t = α√(2/(1-α²)), α = 1-2p.
        assert_close!(t_sf(2.0, 2.0), (0.5 - 1.0 / 6f64.sqrt()), 0.0, 1e-15, strict);
        let a: f64 = 1.0 - 2.0 * 0.025;
        let q = a * (2.0 / (1.0 - a * a)).sqrt();
        assert_close!(t_isf(0.025, 2.0), q, 1e-13, 0.0, strict);
        // Cauchy: t.isf(0.025, 1) = tan(pi*0.475)
        let c = (std::f64::consts::PI * 0.475).tan();
        assert_close!(t_isf(0.025, 1.0), c, 1e-12, 0.0, strict);
        // Large df approaches the normal.
        assert_close!(t_isf(0.025, 1e7), normal_isf(0.025), 0.0, 1e-6, strict);
        assert_close!(t_cdf(-1.5, 3000.0) + t_sf(-1.5, 3000.0), 1.0, 0.0, 1e-15, strict);
        assert_close!(normal_isf(0.025), 1.959963984540054, 0.0, 1e-15, strict);
    }

    #[test]
    fn huge_df_is_the_normal_limit() {
        let t = t_isf(0.025, 1e9);
        assert_close!(t, 1.959963984540054, 0.0, 1e-8, strict, "{t}");
        assert_close!(t_sf(t, 1e9), 0.025, 0.0, 1e-14, strict);
        assert_eq!(t_sf(1.5, f64::INFINITY), normal_sf(1.5));
        // continuity across the switch to Cornish-Fisher (scipy: 1.95998770753461)
        assert_close!(t_isf(0.025, CORNISH_FISHER_DF), 1.95998770753461, 0.0, 1e-12, strict);
        assert_close!(t_isf(0.025, CORNISH_FISHER_DF * (1.0 + 1e-9)), 1.95998770753461, 0.0, 1e-12, strict);
    }
}

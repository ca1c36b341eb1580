//! The relative interval as the inversion of the test that gives the verdict
//! (SDK.md §2 `relativeInterval: "fieller"`; reference `kpilab_ref.fieller_set`,
//! checked there against the test inverted by bisection in 40-digit mpmath).
//!
//! A relative lift r is kept when the test of H0: mB - (1+r)·mA = 0 does not
//! reject it, with statistic T(r) = (mB - (1+r)·mA) / sqrt(vB + (1+r)²·vA) and
//! the test's own quantile q. At r = 0 that is the test behind `pValue`, so the
//! set excludes 0 exactly when the result is significant. The same inversion
//! serves the sequential confidence sequence and the normal posterior: each
//! passes the multiplier of its own interval as `q`.

use super::types::Bound2;
use crate::common::Alternative;

/// One arm's mean and the variance of that mean.
#[derive(Debug, Clone, Copy)]
pub struct MeanAndVariance {
    pub mean: f64,
    pub var: f64,
}

/// The non-rejected relative lifts, or `None` when the control mean is too
/// uncertain for a bounded set (mA² <= q²·vA: the whole line or the complement
/// of an interval); the caller reports that as `[null, null]` with
/// `RELATIVE_CI_UNBOUNDED`.
///
/// `q` is the two-sided quantile for `TwoSided` (the set {|T| <= q}) and the
/// one-sided one otherwise ({T <= q} for `Greater`, {T >= -q} for `Less`).
pub fn relative_set(a: MeanAndVariance, b: MeanAndVariance, q: f64, alternative: Alternative) -> Option<Bound2> {
    // Scale-free: dividing both means by |mA| (and variances by mA²) changes no
    // root and keeps the squares finite for any finite input.
    let scale = a.mean.abs();
    if scale == 0.0 || !scale.is_finite() {
        return None;
    }
    let (m_a, m_b) = (a.mean / scale, b.mean / scale);
    let (v_a, v_b) = (a.var / (scale * scale), b.var / (scale * scale));
    let q2 = q * q;
    let d = m_b - m_a;
    // a·r² - 2h·r + c <= 0, the quadratic in r itself (better conditioned near
    // r = 0 than the one in ρ = 1 + r).
    let quad_a = m_a * m_a - q2 * v_a;
    if quad_a <= 0.0 || !quad_a.is_finite() {
        return None;
    }
    let h = d * m_a + q2 * v_a;
    let c = d * d - q2 * (v_a + v_b);
    let disc = (h * h - quad_a * c).max(0.0);
    // The root away from 0 first, the other by Vieta (no cancellation).
    let far = h + h.signum() * disc.sqrt();
    let (r1, r2) = if far == 0.0 {
        (0.0, 0.0)
    } else {
        let (x, y) = (far / quad_a, c / far);
        (x.min(y), x.max(y))
    };
    // One-sided sets are rays on the estimate's side; with mA < 0 the test's
    // direction in r flips.
    let upward = m_a > 0.0;
    Some(match alternative {
        Alternative::TwoSided => [Some(r1), Some(r2)],
        Alternative::Greater if upward => [Some(r1), None],
        Alternative::Greater => [None, Some(r2)],
        Alternative::Less if upward => [None, Some(r2)],
        Alternative::Less => [Some(r1), None],
    })
}

/// Relative lift mB/mA - 1 and its delta-method standard error,
/// se² = (vB + (mB/mA)²·vA)/mA² (gbstats' relative uplift, written so that
/// no fourth power can overflow); `None` when the control mean is 0.
pub fn relative_delta(a: MeanAndVariance, b: MeanAndVariance) -> Option<(f64, f64)> {
    if a.mean == 0.0 {
        return None;
    }
    let ratio = b.mean / a.mean;
    let se = ((b.var + ratio * ratio * a.var).sqrt()) / a.mean.abs();
    Some((ratio - 1.0, se))
}

#[cfg(test)]
mod tests {
    use super::*;
    use kpilab_test_support::assert_close;

    fn mv(mean: f64, var: f64) -> MeanAndVariance {
        MeanAndVariance { mean, var }
    }

    /// Every bound solves T(r)² = q² and the estimate lies inside.
    #[test]
    fn bounds_solve_the_test_at_its_quantile() {
        let (a, b, q) = (mv(0.10, 0.0001), mv(0.12, 0.00012), 1.959963984540054);
        let [lo, hi] = relative_set(a, b, q, Alternative::TwoSided).unwrap();
        let t = |r: f64| (b.mean - (1.0 + r) * a.mean) / (b.var + (1.0 + r).powi(2) * a.var).sqrt();
        for r in [lo.unwrap(), hi.unwrap()] {
            assert_close!(t(r).abs(), q, 0.0, 1e-12, strict, "T({r}) = {}", t(r));
        }
        assert!(lo.unwrap() < 0.2 && 0.2 < hi.unwrap());
    }

    #[test]
    fn too_uncertain_a_control_gives_no_bounded_set() {
        assert_eq!(relative_set(mv(1.0, 1.0), mv(8.0, 1.0), 1.96, Alternative::TwoSided), None);
        assert_eq!(relative_set(mv(0.0, 1.0), mv(8.0, 1.0), 1.96, Alternative::TwoSided), None);
    }

    #[test]
    fn one_sided_sets_are_rays_that_flip_with_the_sign_of_the_control() {
        let q = 1.6448536269514722;
        let pos = relative_set(mv(2.0, 0.01), mv(2.4, 0.01), q, Alternative::Greater).unwrap();
        assert!(pos[0].is_some() && pos[1].is_none());
        let neg = relative_set(mv(-2.0, 0.01), mv(-2.4, 0.01), q, Alternative::Greater).unwrap();
        assert!(neg[0].is_none() && neg[1].is_some());
    }

    /// Rescaling both arms by 10^k changes nothing (1e150: squares would overflow
    /// without the internal scaling).
    #[test]
    fn scale_free() {
        let base = relative_set(mv(3.0, 0.04), mv(3.3, 0.05), 1.96, Alternative::TwoSided).unwrap();
        for k in [-150, -40, 40, 150] {
            let s = 10f64.powi(k);
            let got = relative_set(mv(3.0 * s, 0.04 * s * s), mv(3.3 * s, 0.05 * s * s), 1.96, Alternative::TwoSided);
            let got = got.unwrap();
            for i in 0..2 {
                let (x, y) = (base[i].unwrap(), got[i].unwrap());
                assert_close!(y, x, 1e-12, 0.0, "k={k}: {x} vs {y}");
            }
        }
    }
}

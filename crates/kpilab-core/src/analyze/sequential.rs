//! Always-valid inference: gbstats `SequentialTwoSidedTTest` (0.8.0), the
//! asymptotic confidence sequence of Waudby-Smith et al. (eq. 9) and its
//! p-value (eq. 155), tuned by N* = `sequentialTuning`.

use super::arms::Arm;
use super::frequentist::{mean_and_variance, relative, relative_delta, Effect};
use super::types::RelativeInterval;
use crate::common::Alternative;

/// ρ² = (-2 ln α + ln(-2 ln α + 1)) / N*, the sequence's tuning constant.
fn rho2(alpha: f64, tuning: f64) -> f64 {
    let ln_alpha = alpha.ln();
    (-2.0 * ln_alpha + (-2.0 * ln_alpha + 1.0).ln()) / tuning
}

/// The confidence sequence's half-width per standard error of the estimate
/// after `n` users in total: √n · √(2(nρ²+1) ln(√(nρ²+1)/α) / (nρ)²).
pub fn multiplier(n: f64, alpha: f64, tuning: f64) -> f64 {
    let rho2 = rho2(alpha, tuning);
    let tr = n * rho2 + 1.0;
    n.sqrt() * (2.0 * tr * (0.5 * tr.ln() - alpha.ln()) / (n * n * rho2)).sqrt()
}

/// Confidence sequence around `estimate` (variance `var` of the estimate) after
/// `n` users in total: returns `[lo, hi]` and the always-valid p-value
/// p = min(1, √(nρ²+1) · exp(-ρ²s² / (2(nρ²+1)))) with s² = estimate²·n/var.
/// The two are dual: the sequence excludes 0 exactly when p < alpha.
pub fn confidence_sequence(estimate: f64, var: f64, n: f64, alpha: f64, tuning: f64) -> ([f64; 2], f64) {
    let rho2 = rho2(alpha, tuning);
    let tr = n * rho2 + 1.0;
    let half_width = var.sqrt() * multiplier(n, alpha, tuning);
    let p = if var > 0.0 {
        let st2 = estimate * estimate * n / var;
        // 1/E-value = √tr · exp(-ρ²·st2/(2 tr)), in logs so a huge statistic cannot overflow.
        (0.5 * tr.ln() - rho2 * st2 / (2.0 * tr)).exp().min(1.0)
    } else if estimate == 0.0 {
        1.0
    } else {
        0.0
    };
    ([estimate - half_width, estimate + half_width], p)
}

/// Treatment `b` against control `a`, two-sided only: `absoluteCi` and `pValue` on
/// the absolute scale (gbstats `difference_type="absolute"`). `relativeCi`: the
/// relative lifts the same confidence sequence does not reject (Fieller with the
/// sequence's multiplier), or with `Delta` gbstats' relative sequence
/// (`difference_type="relative"`, delta-method variance).
pub fn compare(a: &Arm, b: &Arm, alpha: f64, tuning: f64, method: RelativeInterval) -> Effect {
    let n = a.n + b.n;
    let diff = b.mean - a.mean;
    let (abs_ci, p) = confidence_sequence(diff, a.var_of_mean() + b.var_of_mean(), n, alpha, tuning);
    let (a_mv, b_mv) = (mean_and_variance(a), mean_and_variance(b));
    let (relative_lift, relative_ci) = match method {
        RelativeInterval::Fieller => {
            relative(a_mv, b_mv, multiplier(n, alpha, tuning), alpha, Alternative::TwoSided, method)
        }
        RelativeInterval::Delta => {
            let delta = relative_delta(a_mv, b_mv);
            let ci = delta.map(|(rel, se)| {
                let (ci, _) = confidence_sequence(rel, se * se, n, alpha, tuning);
                [Some(ci[0]), Some(ci[1])]
            });
            (delta.map(|(rel, _)| rel), ci)
        }
    };
    Effect {
        absolute_lift: diff,
        relative_lift,
        absolute_ci: [Some(abs_ci[0]), Some(abs_ci[1])],
        relative_ci,
        p_value: Some(p),
    }
}

//! Fixed-horizon tests of one treatment against the control (SDK.md §2):
//! Wald z for proportions, Welch t for means, delta-method z for ratios, and
//! the relative interval (Fieller or delta) that every method shares.

use super::arms::Arm;
use super::fieller::relative_set;
pub use super::fieller::{relative_delta, MeanAndVariance};
use super::types::{Bound2, MetricKind, RelativeInterval};
use crate::common::Alternative;
use crate::special::normal::{normal_cdf, normal_isf, normal_sf};
use crate::special::student_t::{t_cdf, t_isf, t_sf};

/// Lifts, intervals and p-value of one comparison, before corrections.
#[derive(Debug, Clone, PartialEq)]
pub struct Effect {
    pub absolute_lift: f64,
    pub relative_lift: Option<f64>,
    pub absolute_ci: Bound2,
    pub relative_ci: Option<Bound2>,
    pub p_value: Option<f64>,
}

/// The test statistic's reference distribution.
#[derive(Debug, Clone, Copy)]
pub enum Reference {
    Normal,
    StudentT(f64),
}

impl Reference {
    fn sf(self, x: f64) -> f64 {
        match self {
            Reference::Normal => normal_sf(x),
            Reference::StudentT(df) => t_sf(x, df),
        }
    }
    fn cdf(self, x: f64) -> f64 {
        match self {
            Reference::Normal => normal_cdf(x),
            Reference::StudentT(df) => t_cdf(x, df),
        }
    }
    /// The q with P(X > q) = p.
    fn quantile_upper(self, p: f64) -> f64 {
        match self {
            Reference::Normal => normal_isf(p),
            Reference::StudentT(df) => t_isf(p, df),
        }
    }
}

/// p-value of `estimate / se` under `alternative`. A zero standard error (both
/// arms without variation) gives the limit: 1 for no difference, else 0 in the
/// tested direction.
pub fn p_value(estimate: f64, se: f64, reference: Reference, alternative: Alternative) -> f64 {
    if se == 0.0 {
        let in_direction = match alternative {
            Alternative::TwoSided => estimate != 0.0,
            Alternative::Greater => estimate > 0.0,
            Alternative::Less => estimate < 0.0,
        };
        return if in_direction { 0.0 } else { 1.0 };
    }
    let stat = estimate / se;
    let p = match alternative {
        Alternative::TwoSided => 2.0 * reference.sf(stat.abs()),
        Alternative::Greater => reference.sf(stat),
        Alternative::Less => reference.cdf(stat),
    };
    p.clamp(0.0, 1.0)
}

/// `estimate ± q·se`; one-sided alternatives leave the far side unbounded (`None`)
/// and use the one-sided 1-alpha quantile.
pub fn interval(estimate: f64, se: f64, alpha: f64, reference: Reference, alternative: Alternative) -> Bound2 {
    let w = if se == 0.0 { 0.0 } else { quantile(reference, alpha, alternative) * se };
    match alternative {
        Alternative::TwoSided => [Some(estimate - w), Some(estimate + w)],
        Alternative::Greater => [Some(estimate - w), None],
        Alternative::Less => [None, Some(estimate + w)],
    }
}

/// An arm as the relative interval sees it: its mean and the variance of that mean.
pub fn mean_and_variance(arm: &Arm) -> MeanAndVariance {
    MeanAndVariance { mean: arm.mean, var: arm.var_of_mean() }
}

/// `relativeLift` and `relativeCi` of one comparison; an unbounded Fieller
/// set is `[null, null]`. `q` is the multiplier of the verdict's own interval
/// (two-sided or one-sided as `alternative` says); the delta method instead
/// uses a z interval at `alpha`.
pub fn relative(
    a: MeanAndVariance,
    b: MeanAndVariance,
    q: f64,
    alpha: f64,
    alternative: Alternative,
    method: RelativeInterval,
) -> (Option<f64>, Option<Bound2>) {
    let Some((lift, se)) = relative_delta(a, b) else {
        return (None, None);
    };
    let ci = match method {
        RelativeInterval::Delta => interval(lift, se, alpha, Reference::Normal, alternative),
        RelativeInterval::Fieller => relative_set(a, b, q, alternative).unwrap_or([None, None]),
    };
    (Some(lift), Some(ci))
}

/// Welch–Satterthwaite degrees of freedom (scipy `_unequal_var_ttest_denom`).
/// An arm without variation contributes nothing; both without: infinite df.
pub fn welch_df(a: &Arm, b: &Arm) -> f64 {
    // In units of the larger variance, so squares neither overflow nor underflow.
    let scale = a.var_of_mean().max(b.var_of_mean());
    if scale == 0.0 || !scale.is_finite() {
        return f64::INFINITY;
    }
    let (va, vb) = (a.var_of_mean() / scale, b.var_of_mean() / scale);
    let part = |v: f64, n: f64| {
        if v > 0.0 && n > 1.0 {
            v * v / (n - 1.0)
        } else {
            0.0
        }
    };
    let denom = part(va, a.n) + part(vb, b.n);
    if denom > 0.0 {
        (va + vb) * (va + vb) / denom
    } else {
        f64::INFINITY
    }
}

/// The quantile of a 1-alpha interval: alpha/2 in each tail, or alpha in one.
pub fn quantile(reference: Reference, alpha: f64, alternative: Alternative) -> f64 {
    let tail = if alternative == Alternative::TwoSided { alpha / 2.0 } else { alpha };
    reference.quantile_upper(tail)
}

/// Treatment `b` against control `a`.
/// - proportion: unpooled Wald z (statsmodels `test_proportions_2indep(method="wald",
///   compare="diff")`, `confint_proportions_2indep(method="wald")`);
/// - mean: Welch t with Welch df (scipy `ttest_ind_from_stats(equal_var=False)`);
///   also used on CUPED-adjusted arms;
/// - ratio: delta-method variances and a z-test (gbstats `RatioStatistic` + `TwoSidedTTest`).
///
/// `relativeCi` inverts that same test (Fieller, with the test's quantile and,
/// for means, the Welch df of the reported test), or is the delta-method z
/// interval when `method` is `Delta`.
pub fn compare(
    metric: MetricKind,
    a: &Arm,
    b: &Arm,
    alpha: f64,
    alternative: Alternative,
    method: RelativeInterval,
) -> Effect {
    let diff = b.mean - a.mean;
    let se = (a.var_of_mean() + b.var_of_mean()).sqrt();
    let reference = match metric {
        MetricKind::Mean => Reference::StudentT(welch_df(a, b)),
        MetricKind::Proportion | MetricKind::Ratio => Reference::Normal,
    };
    let q = quantile(reference, alpha, alternative);
    let (relative_lift, relative_ci) =
        relative(mean_and_variance(a), mean_and_variance(b), q, alpha, alternative, method);
    Effect {
        absolute_lift: diff,
        relative_lift,
        absolute_ci: interval(diff, se, alpha, reference, alternative),
        relative_ci,
        p_value: Some(p_value(diff, se, reference, alternative)),
    }
}

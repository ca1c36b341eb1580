//! Bayesian comparison (SDK.md §2): exact Beta posteriors for proportions,
//! normal posteriors N(mean, var/n) with a flat prior for means and ratios.
//!
//! Every interval here is a (1 - alpha) credible interval of the same posterior
//! that gives the chance to beat control, so "the interval excludes 0" and
//! "the chance is beyond 1 - alpha/2 (or alpha/2)" are one statement.

use super::arms::Arm;
use super::beta_posterior::{expected_loss, prob_greater};
use super::frequentist::{
    interval, mean_and_variance, quantile, relative, relative_delta, Effect, MeanAndVariance, Reference,
};
use super::types::RelativeInterval;
use crate::common::Alternative;
use crate::special::normal::{normal_cdf, normal_isf, normal_pdf};

/// Beta(1 + conversions, 1 + users - conversions) posterior parameters.
pub fn beta_posterior(arm: &Arm) -> (f64, f64) {
    // mean·n recovers the integer count; round away the division's last-bit error.
    let conversions = (arm.mean * arm.n).round();
    (1.0 + conversions, 1.0 + arm.n - conversions)
}

/// The Bayesian result of one comparison.
pub struct BayesEffect {
    pub effect: Effect,
    /// P(variant > control).
    pub chance_to_beat_control: f64,
    /// E[max(control - variant, 0)].
    pub expected_loss: f64,
}

/// Whether the (1 - alpha) credible interval of `alternative` excludes 0,
/// read off the chance to beat control: two-sided chance > 1 - alpha/2 or
/// < alpha/2; `greater` chance > 1 - alpha; `less` chance < alpha.
pub fn significant(chance: f64, alpha: f64, alternative: Alternative) -> bool {
    match alternative {
        Alternative::TwoSided => chance > 1.0 - alpha / 2.0 || chance < alpha / 2.0,
        Alternative::Greater => chance > 1.0 - alpha,
        Alternative::Less => chance < alpha,
    }
}

/// Lifts and intervals of the normal posterior N(μ, σ²) of mB - mA, with the
/// arms (mean and posterior variance) that the relative interval inverts.
fn posterior_effect(
    a: MeanAndVariance,
    b: MeanAndVariance,
    observed_lift: f64,
    alpha: f64,
    alternative: Alternative,
    method: RelativeInterval,
) -> Effect {
    let mu = b.mean - a.mean;
    let sigma = (a.var + b.var).sqrt();
    let q = quantile(Reference::Normal, alpha, alternative);
    let (_, relative_ci) = relative(a, b, q, alpha, alternative, method);
    Effect {
        absolute_lift: observed_lift,
        relative_lift: None,
        absolute_ci: interval(mu, sigma, alpha, Reference::Normal, alternative),
        relative_ci,
        p_value: None,
    }
}

/// Proportions: P(p_B > p_A) and E[max(p_A - p_B, 0)] under Beta(1+c, 1+n-c)
/// posteriors, exact (Evan Miller's closed form with an accurate log-beta; the
/// golden generator checks it against scipy quad and 60-digit arithmetic).
///
/// The intervals come from the normal approximation of the posterior of
/// pB - pA (the Betas' own variances) whose P(> 0) equals the exact chance:
/// its center is σ·Φ⁻¹(chance), so interval and chance never disagree.
pub fn compare_proportions(
    a: &Arm,
    b: &Arm,
    alpha: f64,
    alternative: Alternative,
    method: RelativeInterval,
) -> BayesEffect {
    let ((a_a, b_a), (a_b, b_b)) = (beta_posterior(a), beta_posterior(b));
    let moments =
        |x: f64, y: f64| MeanAndVariance { mean: x / (x + y), var: x * y / ((x + y) * (x + y) * (x + y + 1.0)) };
    let (pa, pb) = (moments(a_a, b_a), moments(a_b, b_b));
    let chance = prob_greater(a_a, b_a, a_b, b_b);
    let sigma = (pa.var + pb.var).sqrt();
    // Φ⁻¹(chance) = -isf(chance), which keeps its digits for tiny chances.
    let center = if chance > 0.0 && chance < 1.0 { -sigma * normal_isf(chance) } else { pb.mean - pa.mean };
    let matched_b = MeanAndVariance { mean: pa.mean + center, var: pb.var };
    let mut effect = posterior_effect(pa, matched_b, b.mean - a.mean, alpha, alternative, method);
    effect.relative_lift = relative_lift(a, b);
    if effect.relative_lift.is_none() {
        effect.relative_ci = None;
    }
    BayesEffect { effect, chance_to_beat_control: chance, expected_loss: expected_loss(a_a, b_a, a_b, b_b) }
}

/// Means and ratios: chance = Φ(μ/σ), loss = σφ(μ/σ) - μΦ(-μ/σ)
/// (the normal-posterior closed forms, as in gbstats' Gaussian Bayesian test),
/// `absoluteCi = μ ± z·σ`.
pub fn compare_normal(a: &Arm, b: &Arm, alpha: f64, alternative: Alternative, method: RelativeInterval) -> BayesEffect {
    let (pa, pb) = (mean_and_variance(a), mean_and_variance(b));
    let mu = b.mean - a.mean;
    let sigma = (pa.var + pb.var).sqrt();
    let mut effect = posterior_effect(pa, pb, mu, alpha, alternative, method);
    effect.relative_lift = relative_lift(a, b);
    let (chance, loss) = if sigma > 0.0 {
        let z = mu / sigma;
        (normal_cdf(z), (sigma * normal_pdf(z) - mu * normal_cdf(-z)).max(0.0))
    } else {
        // No uncertainty left: the posterior is a point mass at μ.
        let chance = if mu > 0.0 {
            1.0
        } else if mu < 0.0 {
            0.0
        } else {
            0.5
        };
        (chance, (-mu).max(0.0))
    };
    BayesEffect { effect, chance_to_beat_control: chance, expected_loss: loss }
}

/// The observed relative lift mB/mA - 1; `None` when the control mean is 0.
fn relative_lift(a: &Arm, b: &Arm) -> Option<f64> {
    relative_delta(mean_and_variance(a), mean_and_variance(b)).map(|(lift, _)| lift)
}

//! Bayesian comparison (SDK.md §2): exact Beta posteriors for proportions,
//! normal posteriors N(mean, var/n) with a flat prior for means and ratios.

use super::arms::Arm;
use super::beta_posterior::{expected_loss, prob_greater};
use super::frequentist::{interval, relative_delta, Effect, Reference};
use crate::common::Alternative;
use crate::special::normal::{normal_cdf, normal_pdf};

/// Beta(1 + conversions, 1 + users - conversions) posterior parameters.
pub fn beta_posterior(arm: &Arm) -> (f64, f64) {
    // mean·n recovers the integer count; round away the division's last-bit error.
    let conversions = (arm.mean * arm.n).round();
    (1.0 + conversions, 1.0 + arm.n - conversions)
}

/// The Bayesian result of one comparison: lifts and intervals from the normal
/// approximation, plus the decision quantities.
pub struct BayesEffect {
    pub effect: Effect,
    /// P(variant > control).
    pub chance_to_beat_control: f64,
    /// E[max(control - variant, 0)].
    pub expected_loss: f64,
}

/// Lifts and two-sided intervals shared by both posteriors: the normal
/// approximation μ ± z·σ, μ = mB - mA, σ² = vA/nA + vB/nB.
fn normal_effect(a: &Arm, b: &Arm, alpha: f64) -> (Effect, f64, f64) {
    let mu = b.mean - a.mean;
    let sigma = (a.var_of_mean() + b.var_of_mean()).sqrt();
    let relative = relative_delta(a, b);
    let effect = Effect {
        absolute_lift: mu,
        relative_lift: relative.map(|(rel, _)| rel),
        absolute_ci: interval(mu, sigma, alpha, Reference::Normal, Alternative::TwoSided),
        relative_ci: relative.map(|(rel, se)| interval(rel, se, alpha, Reference::Normal, Alternative::TwoSided)),
        p_value: None,
    };
    (effect, mu, sigma)
}

/// Proportions: P(p_B > p_A) and E[max(p_A - p_B, 0)] under Beta(1+c, 1+n-c)
/// posteriors, exact (Evan Miller's closed form with an accurate log-beta; the
/// golden generator checks it against scipy quad and 60-digit arithmetic).
pub fn compare_proportions(a: &Arm, b: &Arm, alpha: f64) -> BayesEffect {
    let (effect, _, _) = normal_effect(a, b, alpha);
    let (a_a, b_a) = beta_posterior(a);
    let (a_b, b_b) = beta_posterior(b);
    BayesEffect {
        effect,
        chance_to_beat_control: prob_greater(a_a, b_a, a_b, b_b),
        expected_loss: expected_loss(a_a, b_a, a_b, b_b),
    }
}

/// Means and ratios: chance = Φ(μ/σ), loss = σφ(μ/σ) - μΦ(-μ/σ)
/// (the normal-posterior closed forms, as in gbstats' Gaussian Bayesian test).
pub fn compare_normal(a: &Arm, b: &Arm, alpha: f64) -> BayesEffect {
    let (effect, mu, sigma) = normal_effect(a, b, alpha);
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

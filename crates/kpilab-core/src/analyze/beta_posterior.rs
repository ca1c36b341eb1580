//! Exact Beta-posterior comparisons for the Bayesian proportion test: the chance
//! to beat the control and the expected loss (Evan Miller's closed forms).
//!
//! float64 `lgamma` loses ~3e-8 (relative) at arguments near 2e7, which is why
//! a naive Evan Miller sum is not accurate enough for large tests. Here every
//! log-beta goes through `special::beta::ln_beta` (R's `lbeta`), and the sums
//! are kept in linear space with power-of-two rescaling.

use crate::special::beta::ln_beta;
use crate::special::normal::normal_cdf;

/// `x * 2^e` without intermediate overflow/underflow of the power.
fn ldexp(mut x: f64, mut e: i64) -> f64 {
    while e > 1000 {
        x *= 2f64.powi(1000);
        e -= 1000;
    }
    while e < -1000 {
        x *= 2f64.powi(-1000);
        e += 1000;
        if x == 0.0 {
            return 0.0;
        }
    }
    x * 2f64.powi(e as i32)
}

/// P(Y > X) for independent X ~ Beta(a1, b1), Y ~ Beta(a2, b2), `a2` a positive
/// integer: Evan Miller's closed form Σ_{i<a2} t_i with
/// t_0 = B(a1, b1+b2)/B(a1, b1), t_{i+1} = t_i (a1+i)(b2+i) / ((a1+b1+b2+i)(1+i)).
/// Reference: Evan Miller, "Formulas for Bayesian A/B testing" (checked by
/// 60-digit arithmetic in the golden generator).
///
/// The terms form a unimodal sequence; the sum starts where terms reach
/// e^-60 of the peak (found by bisection on the log-term) and stops past the
/// peak once terms are negligible, so the work is O(√n) rather than O(n).
pub fn prob_greater(a1: f64, b1: f64, a2: f64, b2: f64) -> f64 {
    let ln_norm = ln_beta(a1, b1);
    let ln_term = |i: f64| ln_beta(a1 + i, b1 + b2) - (b2 + i).ln() - ln_beta(1.0 + i, b2) - ln_norm;
    let last = a2 - 1.0;
    // t_{i+1} >= t_i while i <= (a1 b2 - a1 - b1 - b2)/(b1 + 1).
    let turn = ((a1 * b2 - a1 - b1 - b2) / (b1 + 1.0)).ceil();
    let peak = if turn.is_finite() { turn.clamp(0.0, last) } else { last };
    let peak_ln = ln_term(peak);
    let start = if ln_term(0.0) >= peak_ln - 60.0 {
        0.0
    } else {
        let (mut below, mut above) = (0.0, peak);
        while above - below > 1.0 {
            let mid = (0.5 * (below + above)).floor();
            if ln_term(mid) >= peak_ln - 60.0 {
                above = mid;
            } else {
                below = mid;
            }
        }
        above
    };
    if peak - start > MAX_HALF_WINDOW {
        return normal_prob_greater(a1, b1, a2, b2);
    }

    // term * 2^exp2 is the true term; `total` shares the scale.
    let ln_t = ln_term(start);
    let mut exp2 = (ln_t / std::f64::consts::LN_2).floor();
    let mut term = (ln_t - exp2 * std::f64::consts::LN_2).exp();
    let mut total = 0.0;
    let mut i = start;
    let big = 2f64.powi(600);
    loop {
        total += term;
        if i >= last {
            break;
        }
        term *= ((a1 + i) / (a1 + b1 + b2 + i)) * ((b2 + i) / (1.0 + i));
        i += 1.0;
        if i > peak && term < total * 1e-20 {
            break;
        }
        if term > big {
            term /= big;
            total /= big;
            exp2 += 600.0;
        }
    }
    ldexp(total, exp2 as i64).clamp(0.0, 1.0)
}

/// Beyond ~1e7 terms on each side of the peak (counts above ~1e12) the sum gets
/// slow; there the posteriors are normal to far better than 1e-6.
const MAX_HALF_WINDOW: f64 = 1e7;

/// P(Y > X) from normal approximations of the two Beta posteriors.
fn normal_prob_greater(a1: f64, b1: f64, a2: f64, b2: f64) -> f64 {
    let moments = |a: f64, b: f64| (a / (a + b), a * b / ((a + b) * (a + b) * (a + b + 1.0)));
    let ((m1, v1), (m2, v2)) = (moments(a1, b1), moments(a2, b2));
    normal_cdf((m2 - m1) / (v1 + v2).sqrt())
}

/// E[max(X_A - X_B, 0)] for X_A ~ Beta(aA, bA), X_B ~ Beta(aB, bB), `aA`, `aB`
/// integers. From I_x(a+1,b) = I_x(a,b) - x^a(1-x)^b/(a B(a,b)):
/// loss = (μA - μB)·P(A > B) + h·(1/(aA+bA) + 1/(aB+bB)),
/// h = B(aA+aB, bA+bB) / (B(aA,bA) B(aB,bB)). P(A > B) comes from its own sum,
/// so a small probability stays accurate. Reference: the Evan Miller closed form
/// μA·P(A⁺ > B) - μB·P(A > B⁺), which this rearranges without cancellation.
pub fn expected_loss(a_a: f64, b_a: f64, a_b: f64, b_b: f64) -> f64 {
    let p_a_beats_b = prob_greater(a_b, b_b, a_a, b_a);
    let h = (ln_beta(a_a + a_b, b_a + b_b) - ln_beta(a_a, b_a) - ln_beta(a_b, b_b)).exp();
    let mean_diff = a_a / (a_a + b_a) - a_b / (a_b + b_b);
    (mean_diff * p_a_beats_b + h * (1.0 / (a_a + b_a) + 1.0 / (a_b + b_b))).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::special::beta::inc_beta;
    use kpilab_test_support::assert_close;

    #[test]
    fn prob_greater_small_exact_cases() {
        // Uniform vs uniform: 1/2. Beta(2,1) vs uniform: P(Y > X) with X ~ U, Y ~ Beta(2,1) = 2/3.
        assert_close!(prob_greater(1.0, 1.0, 1.0, 1.0), 0.5, 1e-14, 0.0);
        assert_close!(prob_greater(1.0, 1.0, 2.0, 1.0), 2.0 / 3.0, 1e-14, 0.0);
        // Symmetry: P(B > A) + P(A > B) = 1.
        let (a1, b1, a2, b2) = (101.0, 901.0, 121.0, 881.0);
        assert_close!(prob_greater(a1, b1, a2, b2) + prob_greater(a2, b2, a1, b1), 1.0, 1e-13, 0.0);
    }

    #[test]
    fn prob_greater_huge_counts_is_finite_and_symmetric() {
        let (a1, b1, a2, b2) = (5e8 + 1.0, 5e8 + 1.0, 5.0001e8 + 1.0, 4.9999e8 + 1.0);
        let p = prob_greater(a1, b1, a2, b2);
        let q = prob_greater(a2, b2, a1, b1);
        // Normal approximation: z = 1e-5 / √(2·0.25/1e9) ≈ 0.4472, Φ(z) ≈ 0.67264.
        assert_close!(p, 0.67264, 0.0, 1e-4, strict, "{p}");
        assert_close!(p + q, 1.0, 0.0, 1e-6, strict, "{p} {q}");
    }

    #[test]
    fn astronomical_counts_stay_fast_and_finite() {
        let (a1, b1, a2, b2) = (5e13, 5e13, 5.00001e13, 4.99999e13);
        let p = prob_greater(a1, b1, a2, b2);
        assert!(p > 0.99 && p <= 1.0, "{p}");
        let loss = expected_loss(a1, b1, a2, b2);
        assert!(loss.is_finite() && (0.0..1e-9).contains(&loss), "{loss}");
    }

    #[test]
    fn expected_loss_matches_quadrature() {
        let (aa, ba, ab, bb) = (6.0, 46.0, 10.0, 40.0);
        // E[(X_A - X_B)+] = ∫ F_B(x) S_A(x) dx, by Simpson on a fine grid.
        let n = 20000;
        let f = |x: f64| inc_beta(ab, bb, x, 1.0 - x).0 * inc_beta(aa, ba, x, 1.0 - x).1;
        let h = 1.0 / n as f64;
        let mut s = f(0.0) + f(1.0);
        for k in 1..n {
            s += f(k as f64 * h) * if k % 2 == 1 { 4.0 } else { 2.0 };
        }
        let quad = s * h / 3.0;
        assert_close!(expected_loss(aa, ba, ab, bb), quad, 1e-9, 0.0, "{} vs {quad}", expected_loss(aa, ba, ab, bb));
    }
}

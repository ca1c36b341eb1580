//! The noncentral t distribution (not in statrs), for the power of the pooled
//! two-sample t test (statsmodels `TTestIndPower`, R `power.t.test`).
//!
//! For t >= 0, with x = t²/(t²+df), λ = δ²/2 (Lenth 1989, AS 243):
//!   P(T <= t) = Φ(-δ) + ½ Σ_j [ P_j I_x(j+½, df/2) + δ/√2 · Q_j I_x(j+1, df/2) ]
//!   P_j = e^-λ λ^j / j!,  Q_j = e^-λ λ^j / Γ(j+3/2).
//! As in Benton & Krishnamoorthy (2003) the sum starts at the Poisson mode and
//! runs both ways, so a large δ needs O(√λ) terms instead of O(λ), and each
//! direction stops once a geometric bound on what is left is below 1e-17.

use statrs::function::gamma::ln_gamma;

use crate::special::beta::{inc_beta, ln_beta_prefactor};
use crate::special::normal::normal_cdf;
use crate::special::student_t::NORMAL_LIMIT_DF;

/// Negligible absolute contribution to the sum.
const NEGLIGIBLE: f64 = 1e-17;
/// Terms per direction; reached only when λ > ~1e9, where the sum is 0 or 1 anyway.
const MAX_TERMS: usize = 2_000_000;

/// P(T > t) for a noncentral t with `df` > 0 and noncentrality `delta`.
pub fn nct_sf(t: f64, df: f64, delta: f64) -> f64 {
    (1.0 - nct_cdf(t, df, delta)).clamp(0.0, 1.0)
}

/// P(T <= t) for a noncentral t with `df` > 0 and noncentrality `delta`.
pub fn nct_cdf(t: f64, df: f64, delta: f64) -> f64 {
    if t.is_nan() || df.is_nan() || delta.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    if t == f64::INFINITY {
        return 1.0;
    }
    if t == f64::NEG_INFINITY {
        return 0.0;
    }
    if df > NORMAL_LIMIT_DF {
        // A&S 26.7.10: T ≈ normal; error O(1/df²).
        return normal_cdf((t * (1.0 - 1.0 / (4.0 * df)) - delta) / (1.0 + t * t / (2.0 * df)).sqrt());
    }
    if t < 0.0 {
        // P(T <= t | δ) = P(T >= -t | -δ)
        return (1.0 - cdf_series(-t, df, -delta)).clamp(0.0, 1.0);
    }
    cdf_series(t, df, delta)
}

/// The AS 243 series for t >= 0.
fn cdf_series(t: f64, df: f64, delta: f64) -> f64 {
    let start = normal_cdf(-delta);
    if t == 0.0 {
        return start;
    }
    if let Some(tail) = far_from_the_mode(t, df, delta) {
        return tail;
    }
    let tt = t * t;
    let (x, y) = (tt / (tt + df), df / (tt + df));
    if x == 0.0 {
        return start; // t² underflows: the same as t = 0
    }
    let b = df / 2.0;
    let lambda = delta * delta / 2.0;
    let c = delta / std::f64::consts::SQRT_2;

    // Everything at the mode k of the Poisson weights.
    let k = lambda.floor();
    let ln_pow = if k == 0.0 { 0.0 } else { k * lambda.ln() };
    let p_k = (-lambda + ln_pow - ln_gamma(k + 1.0)).exp();
    let q_k = (-lambda + ln_pow - ln_gamma(k + 1.5)).exp();
    // I(a) for a = k+½ (P terms) and a = k+1 (Q terms), and the steps
    // G(a) = I(a) - I(a+1), which obey G(a+1) = G(a)·x·(a+b)/(a+1).
    let (ip_k, iq_k) = (inc_beta(k + 0.5, b, x, y).0, inc_beta(k + 1.0, b, x, y).0);
    let (gp_k, gq_k) = (ln_beta_prefactor(k + 0.5, b, x, y).exp(), ln_beta_prefactor(k + 1.0, b, x, y).exp());
    let mut sum = p_k * ip_k + c * q_k * iq_k;

    // Upward from the mode: weights and I both shrink, so the rest is below a
    // geometric series with ratio λ/(j+1).
    let (mut p, mut q, mut ip, mut iq, mut gp, mut gq) = (p_k, q_k, ip_k, iq_k, gp_k, gq_k);
    let mut j = k;
    for _ in 0..MAX_TERMS {
        let (ap, aq) = (j + 0.5, j + 1.0);
        ip = (ip - gp).max(0.0);
        iq = (iq - gq).max(0.0);
        gp *= x * (ap + b) / (ap + 1.0);
        gq *= x * (aq + b) / (aq + 1.0);
        j += 1.0;
        p *= lambda / j;
        q *= lambda / (j + 0.5);
        sum += p * ip + c * q * iq;
        let ratio = lambda / (j + 1.0);
        if (p * ip + c.abs() * q * iq) * ratio / (1.0 - ratio) < NEGLIGIBLE {
            break;
        }
    }

    // Downward from the mode to j = 0: I grows but stays <= 1, so the rest is
    // below the remaining weights, a geometric series with ratio (j+½)/λ.
    let (mut p, mut q, mut ip, mut iq, mut gp, mut gq) = (p_k, q_k, ip_k, iq_k, gp_k, gq_k);
    let mut j = k;
    let mut steps = 0;
    while j >= 1.0 && steps < MAX_TERMS {
        let (ap, aq) = (j + 0.5, j + 1.0);
        gp *= ap / ((ap - 1.0 + b) * x);
        gq *= aq / ((aq - 1.0 + b) * x);
        ip = (ip + gp).min(1.0);
        iq = (iq + gq).min(1.0);
        p *= j / lambda;
        q *= (j + 0.5) / lambda;
        j -= 1.0;
        steps += 1;
        sum += p * ip + c * q * iq;
        let ratio = (j + 0.5) / lambda;
        if ratio < 1.0 && (p + c.abs() * q) * ratio / (1.0 - ratio) < NEGLIGIBLE {
            break;
        }
    }
    (start + sum / 2.0).clamp(0.0, 1.0)
}

/// The sum needs O(√λ) terms and overflows for δ² > 1e308; far out the answer
/// is known without it. T = (Z + δ)/W with W = sqrt(χ²_df/df) >= 0 and t >= 0.
fn far_from_the_mode(t: f64, df: f64, delta: f64) -> Option<f64> {
    const Z_MAX: f64 = 38.5; // Φ(-38.5) < 1e-300
    if delta < -Z_MAX {
        return Some(1.0); // P(T > t) <= P(Z > -δ)
    }
    if delta <= Z_MAX {
        return None;
    }
    // P(T <= t) <= Φ(-Z_MAX) + P(W >= w) with w = (δ - Z_MAX)/t, and the Chernoff
    // bound P(χ²_df >= df·s) <= exp(df/2 (1 + ln s - s)) for s = w² > 1.
    let s = ((delta - Z_MAX) / t).powi(2);
    let ln_bound = if s.is_finite() { df / 2.0 * (1.0 + s.ln() - s) } else { f64::NEG_INFINITY };
    if s > 1.0 && ln_bound < -41.0 {
        return Some(0.0);
    }
    if delta * delta / 2.0 > 1e12 {
        // Z is negligible next to δ: P(T <= t) ≈ P(W >= δ/t), by Wilson-Hilferty.
        let s = (delta / t).powi(2);
        let spread = (2.0 / (9.0 * df)).sqrt();
        return Some(normal_cdf(-(s.cbrt() - (1.0 - spread * spread)) / spread));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use kpilab_test_support::assert_close;

    #[test]
    fn matches_scipy_nct_sf() {
        // scipy.stats.nct.sf(t, df, nc), scipy 1.17.1 (Boost)
        for (t, df, nc, expected) in [
            (1.96, 10.0, 2.0, 0.533282730107353),
            (2.0, 58.0, 3.8, 0.9623085203507558),
            (1.9604, 4520.0, 2.8, 0.7994140205988671),
            (2.5, 3.0, 0.5, 0.09423341231913746),
            (0.5, 1.0, 0.0, 0.35241638234956674),
            (1.0, 2.5, -1.0, 0.03846363922278302),
            (-1.0, 20.0, 1.5, 0.9930134626146824),
            (3.0, 100000.0, 3.5, 0.6914611411383654),
            (2.0, 1000000.0, 2.8, 0.7881445145094044),
            (1.645, 0.7, 1.2, 0.5332238880333786),
            (10.0, 5.0, 3.0, 0.012049336175430884),
        ] {
            let sf = nct_sf(t, df, nc);
            assert_close!(sf, expected, 1e-12, 0.0, "sf({t}, {df}, {nc}) = {sf:e}, scipy {expected:e}");
        }
    }

    #[test]
    fn extreme_arguments_stay_in_range() {
        assert_close!(nct_sf(2.0, 30.0, 40.0), 1.0, 0.0, 1e-15, strict);
        assert!(nct_sf(2.0, 30.0, 1e4) == 1.0);
        assert!(nct_sf(1e6, 3.0, 0.5) < 1e-15);
        let limit = nct_sf(1.96, 1e9, 2.8);
        assert_close!(limit, crate::special::normal::normal_sf(1.96 - 2.8), 0.0, 1e-8, strict, "{limit}");
        assert!(nct_cdf(1.0, 0.0, 1.0).is_nan());
        assert_eq!(nct_sf(3.0, 1e-3, 1e300), 1.0);
        assert_eq!(nct_sf(-3.0, 4.0, -1e300), 0.0);
        let p = nct_sf(1e200, 1e-6, 1e199);
        assert!((0.0..=1.0).contains(&p), "{p}");
        // just inside and outside the shortcut agree
        assert_close!(nct_sf(2.0, 5.0, 38.4), nct_sf(2.0, 5.0, 38.6), 0.0, 1e-15, strict);
    }

    #[test]
    fn continuous_at_the_normal_limit() {
        let below = nct_sf(1.96, NORMAL_LIMIT_DF, 2.8);
        let above = nct_sf(1.96, NORMAL_LIMIT_DF * (1.0 + 1e-12), 2.8);
        assert_close!(below, above, 0.0, 1e-12, strict, "{below} vs {above}");
    }

    #[test]
    fn central_case_is_the_t_distribution() {
        use crate::special::student_t::t_sf;
        for (t, df) in [(1.3, 4.0), (2.2, 58.0), (0.1, 0.8)] {
            assert_close!(nct_sf(t, df, 0.0), t_sf(t, df), 0.0, 1e-15, strict);
        }
    }
}

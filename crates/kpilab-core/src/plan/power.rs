//! One comparison (control vs one treatment): its power at a given size and the
//! treatment size reaching the target power. `effect` is the treatment's rate p2
//! (proportions) or the difference of means delta; `r` = n_control / n_treatment.
//! Two-sided tests count only the near tail (R `power.prop.test`, Evan Miller).

use crate::error::{KpilabError, Result};

use crate::special::normal::normal_cdf;
use crate::special::root::{brent, Tolerance};
use crate::special::student_t::t_isf;

use super::setup::{Model, ProportionMethod, Setup, MAX_USERS};
use crate::special::noncentral_t::nct_sf;

/// sd of (p̂2 - p̂1)·sqrt(n_treatment) under H0 and under H1.
fn proportion_sds(method: ProportionMethod, p1: f64, p2: f64, r: f64) -> (f64, f64) {
    let h1 = (p2 * (1.0 - p2) + p1 * (1.0 - p1) / r).sqrt();
    let h0 = match method {
        // pooled rate weighted by arm size (statsmodels `_std_2prop_power`)
        ProportionMethod::Pooled => {
            let pbar = (p2 + r * p1) / (1.0 + r);
            (pbar * (1.0 - pbar) * (1.0 + 1.0 / r)).sqrt()
        }
        ProportionMethod::EvanMiller => (p1 * (1.0 - p1) * (1.0 + 1.0 / r)).sqrt(),
        // (arcsine uses Cohen's h and never asks)
        ProportionMethod::Unpooled | ProportionMethod::Arcsine => h1,
    };
    (h0, h1)
}

/// Cohen's h = 2 asin √p2 - 2 asin √p1 (statsmodels `proportion_effectsize`).
pub(crate) fn cohens_h(p1: f64, p2: f64) -> f64 {
    2.0 * p2.sqrt().asin() - 2.0 * p1.sqrt().asin()
}

/// Effective size of two arms, 1/(1/n_t + 1/n_c).
fn effective_n(n_t: f64, r: f64) -> f64 {
    n_t * r / (1.0 + r)
}

/// Degrees of freedom of the pooled two-sample t test.
pub(crate) fn t_df(n_t: f64, r: f64) -> f64 {
    n_t * (1.0 + r) - 2.0
}

/// Power of one comparison with `n_t` treatment users.
pub(crate) fn power(s: &Setup, effect: f64, n_t: f64, r: f64) -> f64 {
    let za = s.z_alpha;
    match s.model {
        Model::Proportion { baseline: p1, method: ProportionMethod::Arcsine } => {
            normal_cdf(cohens_h(p1, effect).abs() * effective_n(n_t, r).sqrt() - za)
        }
        Model::Proportion { baseline: p1, method } => {
            let (h0, h1) = proportion_sds(method, p1, effect, r);
            normal_cdf(((effect - p1).abs() * n_t.sqrt() - za * h0) / h1)
        }
        Model::Mean { std_dev, t: false, .. } => normal_cdf(effect.abs() / std_dev * effective_n(n_t, r).sqrt() - za),
        Model::Mean { std_dev, t: true, .. } => {
            let df = t_df(n_t, r);
            if df.is_nan() || df <= 0.0 {
                return 0.0;
            }
            let noncentrality = effect.abs() / std_dev * effective_n(n_t, r).sqrt();
            nct_sf(t_isf(s.alpha_tail, df), df, noncentrality)
        }
    }
}

/// Real-valued treatment size at which the comparison reaches the target power.
pub(crate) fn treatment_size(s: &Setup, effect: f64, r: f64) -> Result<f64> {
    let (za, zb) = (s.z_alpha, s.z_power);
    let n = match s.model {
        Model::Proportion { baseline: p1, method: ProportionMethod::Arcsine } => {
            // statsmodels NormalIndPower: nobs1 = ((za + zb) / h)² (1 + 1/ratio)
            ((za + zb) / cohens_h(p1, effect)).powi(2) * (1.0 + 1.0 / r)
        }
        Model::Proportion { baseline: p1, method } => {
            // R power.prop.test / Evan Miller: n = ((za·sd0 + zb·sd1) / d)²
            let (h0, h1) = proportion_sds(method, p1, effect, r);
            let spread = za * h0 + zb * h1;
            if spread <= 0.0 {
                return Err(KpilabError::no_solution(
                    "power",
                    format!("the target power ({}) is reached with no users at all; use a higher power", s.power),
                ));
            }
            (spread / (effect - p1)).powi(2)
        }
        Model::Mean { std_dev, t, .. } => {
            let normal = ((za + zb) * std_dev / effect).powi(2) * (1.0 + 1.0 / r);
            if t && normal.is_finite() && normal <= MAX_USERS {
                t_treatment_size(s, effect, r, normal)?
            } else {
                normal
            }
        }
    };
    if !n.is_finite() || n > MAX_USERS {
        return Err(too_many_users());
    }
    // An effect of 1e300 sds needs 1e-600 users, which underflows: keep it positive.
    Ok(n.max(f64::MIN_POSITIVE))
}

pub(crate) fn too_many_users() -> KpilabError {
    KpilabError::no_solution(
        "mde",
        format!("this mde is too small to detect: it would need more than {MAX_USERS:e} users per variant; use a larger mde"),
    )
}

/// The t test's size: a root of power(n) = target, bracketed from the normal
/// approximation's n (the t test always needs a little more).
fn t_treatment_size(s: &Setup, effect: f64, r: f64, normal: f64) -> Result<f64> {
    let gap = |n: f64| power(s, effect, n, r) - s.power;
    // df > 0 needs n_t (1 + r) > 2
    let smallest = 2.0 / (1.0 + r) * (1.0 + 1e-9);
    let mut lo = normal.max(smallest);
    if gap(lo) > 0.0 {
        lo = smallest;
        if gap(lo) > 0.0 {
            // an effect so large that the smallest t test (df -> 0) already has the power
            return Ok(smallest);
        }
    }
    let mut hi = lo * 1.5 + 20.0;
    while gap(hi) < 0.0 {
        hi *= 2.0;
        if hi > MAX_USERS {
            return Err(too_many_users());
        }
    }
    brent(gap, lo, hi, Tolerance::SAMPLE_SIZE).ok_or_else(too_many_users)
}

/// For the t method every comparison needs df = n_t + n_c - 2 > 0.
pub(crate) fn check_t_size(s: &Setup, arms: &[f64]) -> Result<()> {
    if s.is_t() {
        for (j, _) in s.comparisons() {
            // Below 2 users per arm the variance is undefined, and the noncentral t
            // at df < 2 turns slow enough (seconds, found by fuzzing) to freeze a page.
            if !(arms[0] >= 2.0 && arms[j] >= 2.0) {
                return Err(KpilabError::invalid(
                    "usersPerVariant",
                    "the t test needs at least 2 users in every arm; use more users per variant",
                ));
            }
        }
    }
    Ok(())
}

//! The hazard ratio of a Cox proportional-hazards model with one 0/1 covariate
//! (1 = the treatment), Efron's handling of ties (matches lifelines
//! `CoxPHFitter`, whose default is Efron): Newton-Raphson on the partial
//! log-likelihood from beta = 0, Wald interval exp(beta ± z·se) with se from
//! the observed information at the maximum.

use super::pair::PairRow;

/// Above this |beta| (HR beyond e^±40) the estimate is taken as infinite.
const MAX_BETA: f64 = 40.0;

/// (hazard ratio, [low, high]), or `None` when the partial likelihood has no
/// finite maximum (e.g. one arm converts only when the other has no one at risk).
pub fn hazard_ratio(rows: &[PairRow], z: f64) -> Option<(f64, [f64; 2])> {
    let mut beta = 0.0_f64;
    for _ in 0..100 {
        let (g, h) = score_and_hessian(rows, beta);
        if h.is_nan() || h >= 0.0 || !g.is_finite() {
            return None;
        }
        // The log-likelihood is concave in beta; a cap keeps early steps sane.
        let step = (-g / h).clamp(-5.0, 5.0);
        beta += step;
        if beta.abs() > MAX_BETA {
            return None;
        }
        if step.abs() <= 1e-13 * beta.abs().max(1.0) {
            break;
        }
    }
    let (_, h) = score_and_hessian(rows, beta);
    let se = (-1.0 / h).sqrt();
    let ci = [(beta - z * se).exp(), (beta + z * se).exp()];
    (se.is_finite() && ci.iter().all(|x| x.is_finite() && *x > 0.0)).then(|| (beta.exp(), ci))
}

/// First and second derivatives of Efron's partial log-likelihood in beta.
/// With x in {0, 1}: at a time with d = d0 + d1 events and risk sets r0, r1,
/// for l = 0..d-1, φ0 = r0 + r1·w - (l/d)(d0 + d1·w), φ1 = (r1 - (l/d)·d1)·w
/// (w = e^beta, x² = x so φ2 = φ1); score += d1 - Σ φ1/φ0,
/// hessian -= Σ (φ1/φ0 - (φ1/φ0)²).
fn score_and_hessian(rows: &[PairRow], beta: f64) -> (f64, f64) {
    let w = beta.exp();
    let (mut g, mut h) = (0.0, 0.0);
    for r in rows.iter().filter(|r| r.d_a + r.d_b > 0) {
        let (r0, r1, d0, d1) = (r.n_a as f64, r.n_b as f64, r.d_a as f64, r.d_b as f64);
        let d = d0 + d1;
        g += d1;
        for l in 0..(r.d_a + r.d_b) {
            let f = l as f64 / d;
            let p0 = r0 + r1 * w - f * (d0 + d1 * w);
            let share = (r1 - f * d1) * w / p0;
            g -= share;
            h -= share - share * share;
        }
    }
    (g, h)
}

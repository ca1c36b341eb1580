//! Restricted mean survival time up to tau (lifelines
//! `restricted_mean_survival_time`, the area under the KM step function) and the
//! variance of that estimate by the Greenwood plug-in of R survRM2 `rmst2`
//! (`rmst1`: Σ_j (∫_{t_j}^tau S)² · d_j/(n_j(n_j-d_j))), not lifelines'
//! `return_variance`, which is the variance of one user's restricted time.

use super::kaplan_meier::KmRow;

/// (RMST, variance of the RMST) of the table `rows` up to `tau`.
pub fn rmst(rows: &[KmRow], tau: f64) -> (f64, f64) {
    // Area of each step [t_j, t_{j+1}) cut at tau; the last step runs on.
    let areas: Vec<f64> = rows
        .iter()
        .enumerate()
        .map(|(j, r)| {
            let end = rows.get(j + 1).map_or(tau, |next| next.time.min(tau));
            if r.time < tau {
                r.survival * (end - r.time)
            } else {
                0.0
            }
        })
        .collect();
    let (mut after, mut variance) = (0.0, 0.0);
    // Backwards: `after` = ∫ S from t_j to tau.
    for (r, area) in rows.iter().zip(&areas).rev() {
        after += area;
        let (n, d) = (r.at_risk as f64, r.events as f64);
        if r.time <= tau && d > 0.0 && n > d {
            variance += after * after * d / (n * (n - d));
        }
    }
    (after, variance)
}

//! The two-sample log-rank test (matches lifelines `logrank_test`): observed
//! minus expected events of arm B under H0 over the pooled distinct event
//! times, hypergeometric variance, chi-square with 1 df.

use super::pair::PairRow;
use crate::special::normal::normal_sf;

/// (chi-square, p-value); (0, 1) when the variance is 0 (no time has both arms at risk).
pub fn log_rank(rows: &[PairRow]) -> (f64, f64) {
    let (mut o_minus_e, mut var) = (0.0, 0.0);
    for r in rows.iter().filter(|r| r.d_a + r.d_b > 0) {
        let n = (r.n_a + r.n_b) as f64;
        let d = (r.d_a + r.d_b) as f64;
        let share_b = r.n_b as f64 / n;
        o_minus_e += r.d_b as f64 - d * share_b;
        if n > 1.0 {
            var += d * share_b * (1.0 - share_b) * (n - d) / (n - 1.0);
        }
    }
    if var <= 0.0 {
        return (0.0, 1.0);
    }
    let chi = o_minus_e * o_minus_e / var;
    // P(chi²_1 > x) = 2·P(Z > sqrt(x)).
    (chi, 2.0 * normal_sf(chi.sqrt()))
}

//! Multiple-comparison corrections of p-values (statsmodels `multipletests`:
//! `holm`, `bonferroni`, `fdr_bh`). They adjust p-values, not intervals.

use super::types::Correction;

/// Adjusted p-values in input order (statsmodels `multipletests(p, method)[1]`).
pub fn adjust(p: &[f64], correction: Correction) -> Vec<f64> {
    let m = p.len() as f64;
    let mut order: Vec<usize> = (0..p.len()).collect();
    order.sort_by(|&i, &j| p[i].total_cmp(&p[j]));
    let mut out = p.to_vec();
    match correction {
        Correction::None => {}
        Correction::Bonferroni => out.iter_mut().for_each(|x| *x = (*x * m).min(1.0)),
        Correction::Holm => {
            // Step-down: (m - rank)·p, made monotone from the smallest p upwards.
            let mut running: f64 = 0.0;
            for (rank, &i) in order.iter().enumerate() {
                running = running.max(((m - rank as f64) * p[i]).min(1.0));
                out[i] = running;
            }
        }
        Correction::BenjaminiHochberg => {
            // Step-up: m/(rank+1)·p, made monotone from the largest p downwards.
            let mut running: f64 = 1.0;
            for (rank, &i) in order.iter().enumerate().rev() {
                running = running.min(m / (rank as f64 + 1.0) * p[i]);
                out[i] = running.min(1.0);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use kpilab_test_support::assert_close;

    #[test]
    fn matches_statsmodels_multipletests() {
        let p = [0.01, 0.04, 0.03, 0.2];
        // statsmodels multipletests(p, method=...)[1]
        let holm = adjust(&p, Correction::Holm);
        assert_eq!(holm, vec![0.04, 0.09, 0.09, 0.2]);
        let bh = adjust(&p, Correction::BenjaminiHochberg);
        let want = [0.04, 0.05333333333333334, 0.05333333333333334, 0.2];
        bh.iter().zip(want).for_each(|(a, b)| assert_close!(*a, b, 0.0, 1e-15, strict));
        assert_eq!(adjust(&p, Correction::Bonferroni), vec![0.04, 0.16, 0.12, 0.8]);
        assert_eq!(adjust(&p, Correction::None), p.to_vec());
    }
}

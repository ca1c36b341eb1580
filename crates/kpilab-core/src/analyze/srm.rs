//! Sample-ratio-mismatch check: chi-square goodness of fit of the users per
//! variant against the expected allocation (scipy `chisquare`, gbstats `check_srm`).

use libm::erfc;
use statrs::distribution::{ChiSquared, ContinuousCDF};

use super::types::Srm;

/// `users[i]` observed against `weights[i]` (any positive scale); `mismatch`
/// when the p-value is below `srm_alpha`. Needs at least 2 arms.
pub fn check(users: &[f64], weights: &[f64], srm_alpha: f64) -> Srm {
    let total: f64 = users.iter().sum();
    let weight_total: f64 = weights.iter().sum();
    let chi_square: f64 = users
        .iter()
        .zip(weights)
        .map(|(&observed, &w)| {
            let expected = total * w / weight_total;
            (observed - expected) * (observed - expected) / expected
        })
        .sum();
    let p_value = chi_square_sf(chi_square, users.len().max(2) - 1);
    Srm { chi_square, p_value, mismatch: p_value < srm_alpha }
}

/// P(χ²_df > x) (scipy `chi2.sf`). Integer df up to 100 use the closed forms
/// (Poisson sum for even df, erfc plus a sum for odd df), exact to a few ulps;
/// beyond that statrs' incomplete gamma.
fn chi_square_sf(x: f64, df: usize) -> f64 {
    if !x.is_finite() {
        return 0.0;
    }
    if x <= 0.0 {
        return 1.0;
    }
    if df > 100 {
        return ChiSquared::new(df as f64).map_or(0.0, |d| d.sf(x)).clamp(0.0, 1.0);
    }
    let h = 0.5 * x;
    if h > 1000.0 {
        return 0.0; // below 1e-300 for df <= 100
    }
    // Even df: e^-h · Σ_{j < df/2} h^j / j!.
    // Odd df: erfc(√h) + e^-h · Σ_{j = 1}^{(df-1)/2} h^(j-1/2) / Γ(j+1/2).
    let (base, mut term, mut j, terms) = if df % 2 == 1 {
        (erfc(h.sqrt()), h.sqrt() * 2.0 / std::f64::consts::PI.sqrt(), 0.5, (df - 1) / 2)
    } else {
        (0.0, 1.0, 0.0, df / 2)
    };
    let mut sum = 0.0;
    for _ in 0..terms {
        sum += term;
        j += 1.0;
        term *= h / j;
    }
    (base + sum * (-h).exp()).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kpilab_test_support::assert_close;

    #[test]
    fn equal_split_has_no_mismatch() {
        let s = check(&[1000.0, 1000.0], &[1.0, 1.0], 0.001);
        assert_eq!((s.chi_square, s.p_value, s.mismatch), (0.0, 1.0, false));
    }

    #[test]
    fn two_arms_match_the_closed_form() {
        // df = 1: p = erfc(√(χ²/2)); 10000 vs 10600 → χ² = 300²/10300·2.
        let s = check(&[10000.0, 10600.0], &[1.0, 1.0], 0.001);
        let chi = 2.0 * 300.0 * 300.0 / 10300.0;
        assert_close!(s.chi_square, chi, 0.0, 1e-12, strict);
        let p = erfc((chi / 2.0).sqrt());
        assert_close!(s.p_value, p, 1e-12, 0.0, strict, "{} vs {p}", s.p_value);
        assert!(s.mismatch);
    }

    #[test]
    fn chi_square_sf_closed_forms() {
        // df = 2: e^-x/2; df = 3: erfc(√(x/2)) + √(2x/π) e^-x/2; df = 4: e^-x/2 (1 + x/2).
        let x: f64 = 17.821782178217823;
        assert_close!(chi_square_sf(x, 2), (-x / 2.0).exp(), 0.0, 1e-16, strict);
        let df3 = erfc((x / 2.0).sqrt()) + (2.0 * x / std::f64::consts::PI).sqrt() * (-x / 2.0).exp();
        assert_close!(chi_square_sf(x, 3), df3, 1e-15, 0.0, strict);
        assert_close!(chi_square_sf(x, 4), (-x / 2.0).exp() * (1.0 + x / 2.0), 0.0, 1e-15, strict);
        // Agrees with the incomplete gamma for a larger df.
        let g = ChiSquared::new(7.0).unwrap().sf(9.5);
        assert_close!(chi_square_sf(9.5, 7), g, 1e-9, 0.0, strict);
        assert_eq!(chi_square_sf(1e9, 1), 0.0);
        assert_eq!(chi_square_sf(0.0, 1), 1.0);
    }
}

//! CUPED variance reduction with a pre-period covariate (SDK.md §2; reference
//! `kpilab_ref.cuped_adjust`, cross-checked with gbstats `RegressionAdjustedStatistic`
//! with theta forced to the all-arm value).

use super::arms::{field, sample_covariance, sample_variance, Arm};
use super::types::{Moments, Variant};
use crate::error::{KpilabError, Result};
use crate::validate;

/// Why CUPED could not be applied although covariates were given.
pub enum Skipped {
    /// The covariate is the same for every user, so it explains nothing.
    ConstantCovariate,
}

/// The covariate's moments, its cross sum and its within-arm variance.
fn covariate_of(v: &Variant, i: usize, n: f64) -> Result<(Moments, f64, f64)> {
    let f = field(i, "covariate");
    let c = v.covariate.ok_or_else(|| KpilabError::invalid(&f, format!("{f} is missing")))?;
    validate::finite(&format!("{f}.sum"), c.sum)?;
    let f_ss = format!("{f}.sumSquares");
    validate::finite(&f_ss, c.sum_squares)?;
    let v_x = sample_variance(&f_ss, c.sum, c.sum_squares, n)?;
    let f_cross = format!("{f}.crossSum");
    let cross = c.cross_sum.ok_or_else(|| {
        KpilabError::invalid(
            &f_cross,
            format!("{f_cross} is missing; CUPED needs the sum of metric × covariate per user"),
        )
    })?;
    validate::finite(&f_cross, cross)?;
    Ok((c, cross, v_x))
}

/// Adjusts every arm of a mean metric: theta = cov(Y, X)/var(X) over all users of
/// all arms (n-1 denominators), arm mean -= theta·(x̄_arm - x̄_all), per-user
/// variance vY + theta²·vX - 2·theta·cXY within the arm. `arms` holds the
/// unadjusted arms (same order as `variants`). Returns the adjusted arms and theta.
pub fn adjust(variants: &[Variant], arms: &[Arm]) -> Result<std::result::Result<(Vec<Arm>, f64), Skipped>> {
    let covs =
        variants.iter().zip(arms).enumerate().map(|(i, (v, a))| covariate_of(v, i, a.n)).collect::<Result<Vec<_>>>()?;
    let n_all: f64 = arms.iter().map(|a| a.n).sum();
    let sum_y: f64 = variants.iter().map(|v| v.sum.unwrap_or(0.0)).sum();
    let sum_x: f64 = covs.iter().map(|(c, _, _)| c.sum).sum();
    let sum_xx: f64 = covs.iter().map(|(c, _, _)| c.sum_squares).sum();
    let sum_xy: f64 = covs.iter().map(|(_, cross, _)| cross).sum();

    let var_x_all = sample_variance("covariate", sum_x, sum_xx, n_all).unwrap_or(0.0);
    // Relative threshold: a covariate that is constant up to rounding gives no theta.
    if var_x_all <= 1e-12 * (sum_xx / n_all).abs() || var_x_all == 0.0 {
        return Ok(Err(Skipped::ConstantCovariate));
    }
    let theta = sample_covariance(sum_x, sum_y, sum_xy, n_all) / var_x_all;
    let x_bar_all = sum_x / n_all;

    let mut adjusted = Vec::with_capacity(arms.len());
    for (i, ((arm, v), (c, cross, v_x))) in arms.iter().zip(variants).zip(&covs).enumerate() {
        let f = field(i, "covariate");
        let c_xy = sample_covariance(c.sum, v.sum.unwrap_or(0.0), *cross, arm.n);
        let raw = arm.var + theta * theta * v_x - 2.0 * theta * c_xy;
        let scale = arm.var + theta * theta * v_x + (2.0 * theta * c_xy).abs();
        if raw < -1e-6 * scale || !raw.is_finite() {
            return Err(KpilabError::invalid(
                format!("{f}.crossSum"),
                format!(
                    "{f}.crossSum is inconsistent with the sums of squares: the adjusted variance would be negative"
                ),
            ));
        }
        adjusted.push(Arm { n: arm.n, mean: arm.mean - theta * (c.sum / arm.n - x_bar_all), var: raw.max(0.0) });
    }
    Ok(Ok((adjusted, theta)))
}

/// The share of the per-user variance CUPED removed, pooled over the arms with
/// their n-1 weights (gbstats reports the same ratio per arm); clamped to [0, 1].
pub fn variance_reduction(raw: &[Arm], adjusted: &[Arm]) -> f64 {
    let pooled = |arms: &[Arm]| arms.iter().map(|a| (a.n - 1.0) * a.var).sum::<f64>();
    let before = pooled(raw);
    if before > 0.0 {
        (1.0 - pooled(adjusted) / before).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

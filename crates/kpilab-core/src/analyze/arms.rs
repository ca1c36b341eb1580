//! Per-arm mean and per-user variance from aggregated moments, with the input
//! checks that make every later formula finite (SDK.md §2; reference
//! `kpilab_ref.arm_stats`, gbstats `SampleMeanStatistic`/`RatioStatistic`).

use super::types::{MetricKind, Moments, Variant};
use crate::error::{KpilabError, Result};
use crate::validate;

/// Largest count whose integer value f64 still represents exactly (2^53).
const MAX_COUNT: f64 = 9_007_199_254_740_992.0;
/// Relative slack for a variance that rounding pushed below 0 (sums of many
/// floats); anything more negative means the moments contradict each other.
const VARIANCE_SLACK: f64 = 1e-9;

/// One arm as the tests see it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Arm {
    pub n: f64,
    pub mean: f64,
    /// Per-user variance; the variance of the arm's mean is `var / n`.
    pub var: f64,
}

impl Arm {
    /// Variance of the arm's mean.
    pub fn var_of_mean(&self) -> f64 {
        self.var / self.n
    }
}

pub fn field(i: usize, name: &str) -> String {
    format!("variants[{i}].{name}")
}

/// A whole, non-negative count (users, conversions).
pub fn count(field: &str, x: f64) -> Result<f64> {
    validate::non_negative(field, x)?;
    if x.fract() != 0.0 {
        return Err(KpilabError::invalid(field, format!("{field} must be a whole number, got {x}")));
    }
    if x > MAX_COUNT {
        return Err(KpilabError::invalid(field, format!("{field} ({x}) is too large to count exactly")));
    }
    Ok(x)
}

/// The number of users of variant `i`: a whole number of at least 1.
pub fn users(v: &Variant, i: usize) -> Result<f64> {
    let f = field(i, "users");
    let n = count(&f, v.users)?;
    if n < 1.0 {
        return Err(KpilabError::invalid(
            f,
            format!("variant \"{}\" has no users; every variant needs at least 1", v.name),
        ));
    }
    Ok(n)
}

fn required(field: &str, x: Option<f64>, what: &str) -> Result<f64> {
    match x {
        Some(x) => validate::finite(field, x),
        None => Err(KpilabError::invalid(field, format!("{field} is missing; {what}"))),
    }
}

fn required_moments<'a>(field: &str, m: Option<&'a Moments>, what: &str) -> Result<&'a Moments> {
    let m = m.ok_or_else(|| KpilabError::invalid(field, format!("{field} is missing; {what}")))?;
    validate::finite(&format!("{field}.sum"), m.sum)?;
    validate::finite(&format!("{field}.sumSquares"), m.sum_squares)?;
    Ok(m)
}

/// Clamps a variance that rounding made slightly negative; errors when it is
/// negative beyond rounding (`scale` = the size of the terms that cancelled).
fn non_negative_variance(field: &str, var: f64, scale: f64, why: &str) -> Result<f64> {
    if var < -VARIANCE_SLACK * scale || !var.is_finite() {
        return Err(KpilabError::invalid(field, format!("{field} is inconsistent: {why}")));
    }
    Ok(var.max(0.0))
}

/// Sample variance (n-1 denominator) from a sum and a sum of squares; 0 for a
/// single user (callers that test a mean require 2, see `at_least_two`).
pub fn sample_variance(field_ss: &str, sum: f64, sum_squares: f64, n: f64) -> Result<f64> {
    // sum/n first: sum² alone would overflow for sums beyond 1e154.
    let square_of_sum = sum / n * sum;
    let raw = non_negative_variance(
        field_ss,
        sum_squares - square_of_sum,
        sum_squares.abs().max(square_of_sum),
        &format!("the sum of squares ({sum_squares}) is smaller than the sum ({sum}) allows for {n} users"),
    )?;
    Ok(if n > 1.0 { raw / (n - 1.0) } else { 0.0 })
}

/// Sample covariance (n-1 denominator) from the two sums and the cross sum.
pub fn sample_covariance(sum_x: f64, sum_y: f64, cross: f64, n: f64) -> f64 {
    if n > 1.0 {
        (cross - sum_x / n * sum_y) / (n - 1.0)
    } else {
        0.0
    }
}

/// A mean or ratio needs 2 users in an arm to estimate its spread.
fn at_least_two(v: &Variant, i: usize, n: f64) -> Result<()> {
    if n < 2.0 {
        return Err(KpilabError::invalid(
            field(i, "users"),
            format!(
                "variant \"{}\" has {n} user; a mean or ratio needs at least 2 users per variant to estimate its spread",
                v.name
            ),
        ));
    }
    Ok(())
}

/// Validates variant `i` for `metric` and returns its mean and per-user variance.
/// proportion: p, p(1-p); mean: x̄, sample variance; ratio: ΣN/ΣD and the
/// delta-method variance (vN - 2m·cov + m²·vD)/mD² (gbstats `RatioStatistic`).
pub fn build_arm(metric: MetricKind, v: &Variant, i: usize) -> Result<Arm> {
    let n = users(v, i)?;
    match metric {
        MetricKind::Proportion => {
            let f = field(i, "conversions");
            let c = count(&f, required(&f, v.conversions, "a proportion metric needs the number of converted users")?)?;
            if c > n {
                return Err(KpilabError::invalid(
                    f,
                    format!("conversions ({c}) exceed users ({n}) in variant \"{}\"", v.name),
                ));
            }
            let p = c / n;
            Ok(Arm { n, mean: p, var: p * (1.0 - p) })
        }
        MetricKind::Mean => {
            at_least_two(v, i, n)?;
            let sum = required(&field(i, "sum"), v.sum, "a mean metric needs the sum of the per-user values")?;
            let f_ss = field(i, "sumSquares");
            let ss = required(&f_ss, v.sum_squares, "a mean metric needs the sum of squared per-user values")?;
            Ok(Arm { n, mean: sum / n, var: sample_variance(&f_ss, sum, ss, n)? })
        }
        MetricKind::Ratio => {
            at_least_two(v, i, n)?;
            let f_num = field(i, "numerator");
            let f_den = field(i, "denominator");
            let num = required_moments(
                &f_num,
                v.numerator.as_ref(),
                "a ratio metric needs the numerator's sum and sum of squares",
            )?;
            let den = required_moments(
                &f_den,
                v.denominator.as_ref(),
                "a ratio metric needs the denominator's sum and sum of squares",
            )?;
            let f_cross = field(i, "crossSum");
            let cross =
                required(&f_cross, v.cross_sum, "a ratio metric needs the sum of numerator × denominator per user")?;
            if den.sum == 0.0 {
                return Err(KpilabError::invalid(
                    format!("{f_den}.sum"),
                    format!("the denominator of variant \"{}\" adds up to 0, so its ratio is undefined", v.name),
                ));
            }
            let v_num = sample_variance(&format!("{f_num}.sumSquares"), num.sum, num.sum_squares, n)?;
            let v_den = sample_variance(&format!("{f_den}.sumSquares"), den.sum, den.sum_squares, n)?;
            let cov = sample_covariance(num.sum, den.sum, cross, n);
            let ratio = num.sum / den.sum;
            let mean_den = den.sum / n;
            let raw = v_num - 2.0 * ratio * cov + ratio * ratio * v_den;
            let scale = v_num + (2.0 * ratio * cov).abs() + ratio * ratio * v_den;
            let raw = non_negative_variance(&f_cross, raw, scale, "it implies a negative variance for the ratio")?;
            Ok(Arm { n, mean: ratio, var: raw / (mean_den * mean_den) })
        }
    }
}

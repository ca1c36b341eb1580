//! The minimum detectable effect at a fixed size: the effect at which every
//! comparison reaches the target power (the weakest one exactly).

use std::f64::consts::FRAC_PI_2;

use crate::common::Alternative;
use crate::error::{KpilabError, Result};
use crate::special::root::{brent, Tolerance};

use super::power::power;
use super::setup::{Model, ProportionMethod, Setup};
use super::types::MdePlan;

/// `arms`: users per arm, control first.
pub(crate) fn solve_mde(s: &Setup, arms: &[f64]) -> Result<MdePlan> {
    let comparisons: Vec<(f64, f64)> = s.comparisons().map(|(j, _)| (arms[j], arms[0] / arms[j])).collect();
    let weakest_power = |effect: f64| comparisons.iter().map(|&(n_t, r)| power(s, effect, n_t, r)).fold(1.0, f64::min);
    // the smallest effective size 1/(1/n_t + 1/n_c) has the weakest comparison
    let effective_n = comparisons.iter().map(|&(n_t, r)| n_t * r / (1.0 + r)).fold(f64::INFINITY, f64::min);
    let z_sum = s.z_alpha + s.z_power;
    let sign = if s.alternative == Alternative::Less { -1.0 } else { 1.0 };

    let absolute = match s.model {
        Model::Proportion { baseline: p1, method: ProportionMethod::Arcsine } => {
            // closed form: Cohen's h = z_sum / sqrt(effective n)
            let angle = p1.sqrt().asin() + sign * z_sum / effective_n.sqrt() / 2.0;
            if !(angle > 0.0 && angle < FRAC_PI_2) {
                return Err(undetectable(s));
            }
            angle.sin().powi(2) - p1
        }
        Model::Proportion { baseline: p1, .. } => {
            // p2 in (p1, 1), or (0, p1) for `less`, as the reference's brentq
            const EDGE: f64 = 1e-13;
            let (lo, hi) = if sign > 0.0 { (p1 + EDGE, 1.0 - EDGE) } else { (EDGE, p1 - EDGE) };
            if lo >= hi {
                return Err(undetectable(s));
            }
            let p2 = brent(|p2| weakest_power(p2) - s.power, lo, hi, Tolerance::PROPORTION)
                .ok_or_else(|| undetectable(s))?;
            p2 - p1
        }
        Model::Mean { std_dev, t: false, .. } => sign * z_sum * std_dev / effective_n.sqrt(),
        Model::Mean { std_dev, t: true, .. } => {
            // Solve for d = delta / stdDev: power depends on nothing else, and the
            // tolerances stay meaningful even for a subnormal stdDev (found by fuzzing).
            let guess = z_sum / effective_n.sqrt();
            if !(guess.is_finite() && guess > 0.0) {
                return Err(undetectable(s));
            }
            let gap = |d: f64| weakest_power(d * std_dev) - s.power;
            let mut hi = guess * 10.0;
            while gap(hi) < 0.0 {
                hi *= 10.0;
                if !hi.is_finite() {
                    return Err(undetectable(s));
                }
            }
            let d = brent(gap, guess * 1e-3, hi, Tolerance::relative_to(guess)).ok_or_else(|| undetectable(s))?;
            sign * d * std_dev
        }
    };
    if !absolute.is_finite() {
        return Err(undetectable(s));
    }
    let relative = absolute / s.base_value();
    // a mean of 0, or one so small the ratio overflows (e.g. 5e-324), has no relative effect
    if !relative.is_finite() {
        return Err(KpilabError::invalid(
            "metric.mean",
            format!("the relative mde is undefined for a mean of {}; give the metric's typical mean", s.base_value()),
        ));
    }
    Ok(MdePlan { absolute, relative })
}

fn undetectable(s: &Setup) -> KpilabError {
    KpilabError::no_solution(
        "usersPerVariant",
        format!("with this many users per variant no possible effect reaches power {}; add users", s.power),
    )
}

//! Planning (SDK.md §1): sample size, minimum detectable effect, power, duration
//! and the power curve of an A/B test with one control and k-1 treatments.
//!
//! Conventions (shared/reference/README.md, items 1-7): the H1 value is
//! `baseline*(1+mde)` or `baseline+mde` (means: `mean*mde` or `mde`), sign as
//! given; two-sided tests use z_{1-alpha/2} and ignore the far tail; Bonferroni
//! divides alpha by variants-1; comparison j is the control against treatment j
//! with r = w_control/w_j.

mod mde;
mod power;
mod setup;
#[cfg(test)]
mod tests;
mod time_to_event;
mod types;

pub use types::*;

use crate::error::{KpilabError, Result};
use crate::validate;

use power::{check_t_size, too_many_users, treatment_size};
use setup::{Setup, MAX_USERS};

/// Users per arm reaching `power` for every comparison.
///
/// Matches, per method: `pooled` R `power.prop.test` and statsmodels
/// `samplesize_proportions_2indep_onetail`; `unpooled` and `evan-miller`
/// statsmodels `normal_sample_size_one_tail` with their H0/H1 sds (Evan Miller's
/// calculator); `arcsine` statsmodels `NormalIndPower` with
/// `proportion_effectsize` (R `pwr.2p.test`); mean `pooled` statsmodels
/// `NormalIndPower`; mean `t` statsmodels `TTestIndPower` (R `power.t.test`),
/// all one-tailed at alpha/2 for two-sided plans. Each comparison j needs a
/// treatment size n_j; with s = max_j n_j/w_j, arm i gets s·w_i users.
///
/// `metric.kind: "timeToEvent"`: Freedman's formula as lifelines
/// `sample_size_necessary_under_cph` computes it (see `time_to_event`).
pub fn plan_sample_size(input: &PlanInput) -> Result<SampleSizePlan> {
    if let PlanMetric::TimeToEvent { control_event_rate, hazard_ratio } = input.metric {
        return time_to_event::plan_time_to_event(input, control_event_rate, hazard_ratio);
    }
    let s = Setup::new(input)?;
    let effect = s.effect(input.mde)?;
    let mut scale: f64 = 0.0;
    for (j, r) in s.comparisons() {
        scale = scale.max(treatment_size(&s, effect, r)? / s.weights[j]);
    }
    let exact: Vec<f64> = s.weights.iter().map(|w| scale * w).collect();
    if exact.iter().any(|n| !n.is_finite() || *n > MAX_USERS) {
        return Err(too_many_users());
    }
    // every arm needs at least one user, even when the exact size underflows
    let whole: Vec<f64> = exact.iter().map(|n| n.ceil().max(1.0)).collect();
    Ok(SampleSizePlan {
        total_users: whole.iter().sum(),
        users_per_variant: whole,
        users_per_variant_exact: exact,
        events_needed: None,
        events_needed_exact: None,
    })
}

/// Minimum detectable effect with `usersPerVariant` users per arm on average
/// (the total is split by the allocation): the effect at which every comparison
/// reaches `power`, pointing down (negative) for `less`.
///
/// Solves the power functions named in [`plan_power`] for the effect (Brent's
/// method, as the reference's `brentq`); `arcsine` and mean `pooled` have
/// closed forms (statsmodels `NormalIndPower.solve_power(effect_size=None)`),
/// mean `t` inverts statsmodels `TTestIndPower.power`.
pub fn plan_mde(input: &FixedSizeInput) -> Result<MdePlan> {
    let s = Setup::new(&input.plan)?;
    let arms = fixed_arms(&s, input.users_per_variant)?;
    mde::solve_mde(&s, &arms)
}

/// Power of the plan with `usersPerVariant` users per arm on average (the total
/// is split by the allocation); with several treatments, the smallest power.
///
/// Matches statsmodels `power_proportions_2indep` (pooled, as R
/// `power.prop.test`), `normal_power_het` (unpooled, evan-miller),
/// `NormalIndPower.power` (arcsine on Cohen's h, mean pooled) and
/// `TTestIndPower.power` (mean t, noncentral t with df = n1 + n2 - 2), each
/// one-tailed at alpha/2 for two-sided plans.
pub fn plan_power(input: &FixedSizeInput) -> Result<f64> {
    let s = Setup::new(&input.plan)?;
    let effect = s.effect(input.plan.mde)?;
    let arms = fixed_arms(&s, input.users_per_variant)?;
    Ok(weakest_power(&s, effect, &arms))
}

/// Days (and whole weeks) to collect [`plan_sample_size`]'s users:
/// `days = ceil(totalUsers / (dailyUsers·trafficFraction))`, where an exact
/// whole number of days is not rounded up, and `weeks = ceil(days / 7)`.
pub fn plan_duration(input: &DurationInput) -> Result<DurationPlan> {
    let daily = validate::positive("dailyUsers", input.daily_users)?;
    let fraction = validate::positive("trafficFraction", input.traffic_fraction)?;
    if fraction > 1.0 {
        return Err(KpilabError::invalid(
            "trafficFraction",
            format!("trafficFraction is the share of daily users in the test and must be at most 1, got {fraction}"),
        ));
    }
    let plan = plan_sample_size(&input.plan)?;
    let per_day = daily * fraction;
    let quotient = plan.total_users / per_day;
    // A whole number of days up to rounding must not gain a day from the float
    // error: 100 users a day at 0.29 is 28.999999999999996 in binary.
    let nearest = quotient.round();
    let days = if (nearest * per_day - plan.total_users).abs() <= 1e-12 * plan.total_users {
        nearest
    } else {
        quotient.ceil()
    };
    if !days.is_finite() || days > MAX_USERS {
        return Err(KpilabError::no_solution(
            "dailyUsers",
            format!("at {per_day} users a day the test would never finish; more daily users are needed"),
        ));
    }
    Ok(DurationPlan {
        days,
        weeks: (days / 7.0).ceil(),
        total_users: plan.total_users,
        users_per_variant: plan.users_per_variant,
    })
}

/// The plan's power at `points` sizes (users per variant, as in [`plan_power`])
/// spread evenly from 5 % to 250 % of [`plan_sample_size`]'s size, for the
/// app's chart. Needs `mde`; `points` between 2 and 10 000.
pub fn power_curve(input: &PlanInput, points: usize) -> Result<Vec<PowerPoint>> {
    if !(2..=10_000).contains(&points) {
        return Err(KpilabError::invalid("points", format!("points must be between 2 and 10000, got {points}")));
    }
    let s = Setup::new(input)?;
    let effect = s.effect(input.mde)?;
    let plan = plan_sample_size(input)?;
    let planned = plan.users_per_variant_exact.iter().sum::<f64>() / s.weights.len() as f64;
    let smallest = smallest_valid_size(&s);
    let first = (0.05 * planned).max(smallest);
    let last = (2.5 * planned).max(2.0 * first);
    let step = (last - first) / (points - 1) as f64;
    Ok((0..points)
        .map(|i| {
            let users_per_variant = first + step * i as f64;
            PowerPoint { users_per_variant, power: weakest_power(&s, effect, &s.arms(users_per_variant)) }
        })
        .collect())
}

/// The smallest power over the comparisons, with `arms` users per arm.
fn weakest_power(s: &Setup, effect: f64, arms: &[f64]) -> f64 {
    s.comparisons().map(|(j, _)| power::power(s, effect, arms[j], arms[0] / arms[j])).fold(1.0, f64::min)
}

/// Arm sizes of a fixed-size plan, after checking `usersPerVariant`.
fn fixed_arms(s: &Setup, users_per_variant: f64) -> Result<Vec<f64>> {
    validate::positive("usersPerVariant", users_per_variant)?;
    let arms = s.arms(users_per_variant);
    if arms.iter().any(|n| !(n.is_finite() && *n > 0.0)) {
        return Err(KpilabError::invalid(
            "usersPerVariant",
            format!("usersPerVariant ({users_per_variant}) is out of range"),
        ));
    }
    check_t_size(s, &arms)?;
    Ok(arms)
}

/// Users per variant below which the curve has no meaning: one user per arm, or
/// two for the t test (as `check_t_size` requires).
fn smallest_valid_size(s: &Setup) -> f64 {
    let per_user = s.arms(1.0);
    let min_per_arm = if s.is_t() { 2.0 } else { 1.0 };
    s.comparisons().map(|(j, _)| min_per_arm / per_user[0].min(per_user[j])).fold(0.0, f64::max)
}

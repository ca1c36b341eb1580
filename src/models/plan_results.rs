//! Everything the planner shows, computed by kpilab_core from the form.
//! The app only presents: every number here comes from a core call.

use kpilab_core::plan::{
    plan_duration, plan_mde, plan_power, plan_sample_size, power_curve, DurationInput, DurationPlan, FixedSizeInput,
    MdePlan, PowerPoint,
};

use crate::state::planner_form::{screen_error, PlannerForm};
use crate::state::FieldError;

/// Weeks shown in the MDE-by-duration table.
pub const TABLE_WEEKS: u32 = 8;
/// Points on the power curve.
const CURVE_POINTS: usize = 50;

#[derive(Debug, Clone, PartialEq)]
pub struct PlanResults {
    pub input: DurationInput,
    pub duration: DurationPlan,
    /// The x of the plan on the power curve: total users / arms (how planPower counts).
    pub plan_users_per_variant: f64,
    /// Power actually reached with the rounded-up sizes.
    pub achieved_power: Option<f64>,
    pub mde_by_week: Vec<WeekMde>,
    /// Empty when the core could not draw it; the rest of the plan still stands.
    pub curve: Vec<PowerPoint>,
    /// Time-to-event plans: conversions needed in all (Freedman's events).
    pub events_needed: Option<f64>,
}

/// One row of the MDE-by-duration table.
#[derive(Debug, Clone, PartialEq)]
pub struct WeekMde {
    pub weeks: u32,
    pub users_per_variant: f64,
    /// None when the core finds no detectable effect at that size (too few users).
    pub mde: Option<MdePlan>,
}

pub fn compute(form: &PlannerForm) -> Result<PlanResults, FieldError> {
    let input = form.to_duration_input()?;
    let duration = plan_duration(&input).map_err(|e| screen_error(&e.field, &e.message))?;

    let arms = input.plan.variants.max(1) as f64;
    let plan_users_per_variant = duration.total_users / arms;
    let achieved_power =
        plan_power(&FixedSizeInput { plan: input.plan.clone(), users_per_variant: plan_users_per_variant }).ok();

    let users_per_day_in_test = input.daily_users * input.traffic_fraction;
    let mde_by_week = (1..=TABLE_WEEKS)
        .map(|weeks| {
            let users_per_variant = weeks as f64 * 7.0 * users_per_day_in_test / arms;
            let mde = plan_mde(&FixedSizeInput { plan: input.plan.clone(), users_per_variant }).ok();
            WeekMde { weeks, users_per_variant, mde }
        })
        .collect();

    let curve = power_curve(&input.plan, CURVE_POINTS).unwrap_or_default();

    let events_needed = plan_sample_size(&input.plan).ok().and_then(|p| p.events_needed);

    Ok(PlanResults { input, duration, plan_users_per_variant, achieved_power, mde_by_week, curve, events_needed })
}

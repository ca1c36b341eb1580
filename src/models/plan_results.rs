//! Everything the planner shows, computed by kpilab_core from the form.
//! The app only presents: every number here comes from a core call.

use kpilab_core::plan::{
    plan_duration, plan_mde, plan_power, plan_sample_size, power_curve, DurationInput, DurationPlan, FixedSizeInput,
    MdePlan, PlanCorrection, PlanInput, PlanMethod, PowerPoint,
};

use crate::state::planner_form::{methods_for, screen_error, PlannerForm};
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
    /// Users per variant (control) each method the planner offers would ask
    /// for this plan, in `methods_for`'s order; empty for time-to-event plans.
    pub by_method: Vec<ChoiceSize>,
    /// The same for each multiple-comparison correction ("none", "bonferroni").
    pub by_correction: Vec<ChoiceSize>,
}

/// What one choice of a select would make of the current plan.
#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceSize {
    /// The option's value ("evan-miller").
    pub value: &'static str,
    /// Users in the control arm, None when the core finds no plan with that choice.
    pub users_per_variant: Option<f64>,
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

    let (by_method, by_correction) = if form.is_time_to_event() {
        (Vec::new(), Vec::new())
    } else {
        let size = |plan: PlanInput| plan_sample_size(&plan).ok().and_then(|p| p.users_per_variant.first().copied());
        let by_method = methods_for(&form.metric)
            .iter()
            .map(|(value, _)| ChoiceSize {
                value,
                users_per_variant: value
                    .parse::<PlanMethod>()
                    .ok()
                    .and_then(|method| size(PlanInput { method, ..input.plan.clone() })),
            })
            .collect();
        let by_correction = [("none", PlanCorrection::None), ("bonferroni", PlanCorrection::Bonferroni)]
            .into_iter()
            .map(|(value, correction)| ChoiceSize {
                value,
                users_per_variant: size(PlanInput { correction, ..input.plan.clone() }),
            })
            .collect();
        (by_method, by_correction)
    };

    Ok(PlanResults {
        input,
        duration,
        plan_users_per_variant,
        achieved_power,
        mde_by_week,
        curve,
        events_needed,
        by_method,
        by_correction,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The issue's plan: 3.2 %, +8 % relative, 12,000 a day -> 77,062 per variant
    /// (R power.prop.test: n = 77061.08); Evan Miller's calculator asks 2,011 fewer
    /// (baseline variance under H0 instead of the pooled rate's).
    #[test]
    fn the_issue_plan_and_its_methods() {
        let mut form = PlannerForm::default();
        form.set("baseline", "3.2".into());
        form.set("mde", "8".into());
        form.set("dailyUsers", "12,000".into());
        let r = compute(&form).unwrap();
        assert_eq!(r.duration.users_per_variant, vec![77062.0, 77062.0]);
        assert_eq!(r.duration.days, 13.0);
        let sizes: Vec<(&str, Option<f64>)> = r.by_method.iter().map(|c| (c.value, c.users_per_variant)).collect();
        assert_eq!(sizes[0], ("pooled", Some(77062.0)));
        assert_eq!(sizes[1], ("unpooled", Some(77059.0)));
        assert_eq!(sizes[2], ("evan-miller", Some(77062.0 - 2011.0)));
        assert_eq!(
            r.by_correction[0].users_per_variant, r.by_correction[1].users_per_variant,
            "2 arms: nothing to correct"
        );
    }
}

//! Sample size of a time-to-convert test (SDK.md §5): Freedman's formula as
//! lifelines `sample_size_necessary_under_cph` computes it. With r = n_exp/n_con,
//! the events needed are m = ((r·HR + 1)/(HR - 1))²·(z_{1-alpha/2} + z_power)²/r,
//! and n_con = m/(r·p_exp + p_con), n_exp = r·n_con, where p_con is the
//! control's event rate and p_exp = 1 - (1 - p_con)^HR.

use super::types::{PlanCorrection, PlanInput, SampleSizePlan};
use crate::common::Alternative;
use crate::error::{KpilabError, Result};
use crate::special::normal::normal_isf;
use crate::validate;

/// Largest plan answered (as `setup::MAX_USERS` for the other metrics).
const MAX_USERS: f64 = 1e15;

pub fn plan_time_to_event(input: &PlanInput, control_event_rate: f64, hazard_ratio: f64) -> Result<SampleSizePlan> {
    let p_con = validate::open_unit("metric.controlEventRate", control_event_rate)?;
    let hr = validate::positive("metric.hazardRatio", hazard_ratio)?;
    if hr == 1.0 {
        return Err(KpilabError::invalid(
            "metric.hazardRatio",
            "hazardRatio 1 means no difference to detect; use e.g. 0.8 (converting 20 % slower) or 1.25",
        ));
    }
    let alpha = validate::open_unit("alpha", input.alpha)?;
    let power = validate::open_unit("power", input.power)?;
    if input.alternative != Alternative::TwoSided {
        return Err(KpilabError::unsupported(
            "alternative",
            "Freedman's time-to-event plan is two-sided; use alternative \"two-sided\"",
        ));
    }
    if input.variants < 2 || input.variants > 100 {
        return Err(KpilabError::invalid(
            "variants",
            format!("variants counts the arms including the control (2 to 100), got {}", input.variants),
        ));
    }
    let weights = validate::weights("allocation", input.allocation.as_deref(), input.variants as usize)?;
    let alpha = match input.correction {
        PlanCorrection::None => alpha,
        PlanCorrection::Bonferroni => alpha / f64::from(input.variants - 1),
    };
    let z = normal_isf(alpha / 2.0) + normal_isf(1.0 - power);
    // (1 - p_con)^HR, through ln_1p/exp_m1 (accurate for small rates; powf would add libm's pow, 2 KB of wasm)
    let p_exp = -(hr * (-p_con).ln_1p()).exp_m1();
    // Each comparison j needs n_exp_j; arm i gets s·w_i with s = max_j n_exp_j/w_j (SDK.md §1).
    let mut scale: f64 = 0.0;
    for w_j in &weights[1..] {
        let r = w_j / weights[0];
        let events = ((r * hr + 1.0) / (hr - 1.0)).powi(2) * z * z / r;
        scale = scale.max(events * r / (r * p_exp + p_con) / w_j);
    }
    let exact: Vec<f64> = weights.iter().map(|w| scale * w).collect();
    if exact.iter().any(|n| !n.is_finite() || *n > MAX_USERS) {
        return Err(KpilabError::no_solution(
            "metric.hazardRatio",
            "this hazard ratio is too close to 1 to detect with any realistic number of users",
        ));
    }
    let whole: Vec<f64> = exact.iter().map(|n| n.ceil().max(1.0)).collect();
    // The plan's expected conversions; for two arms exactly Freedman's m.
    let events = exact[0] * p_con + exact[1..].iter().sum::<f64>() * p_exp;
    Ok(SampleSizePlan {
        total_users: whole.iter().sum(),
        users_per_variant: whole,
        users_per_variant_exact: exact,
        events_needed: Some(events.ceil()),
        events_needed_exact: Some(events),
    })
}

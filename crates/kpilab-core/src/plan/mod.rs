//! Planning (SDK.md §1). PLACEHOLDER: being written by the planning helper.
mod types;
pub use types::*;

use crate::error::Result;

pub fn plan_sample_size(_input: &PlanInput) -> Result<SampleSizePlan> {
    unimplemented!("planning is being written")
}
pub fn plan_mde(_input: &FixedSizeInput) -> Result<MdePlan> {
    unimplemented!("planning is being written")
}
pub fn plan_power(_input: &FixedSizeInput) -> Result<f64> {
    unimplemented!("planning is being written")
}
pub fn plan_duration(_input: &DurationInput) -> Result<DurationPlan> {
    unimplemented!("planning is being written")
}
/// `points` sizes from small to well past the planned size.
pub fn power_curve(_input: &PlanInput, _points: usize) -> Result<Vec<PowerPoint>> {
    unimplemented!("planning is being written")
}

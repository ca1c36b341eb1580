//! KPI evaluation of read records (SDK.md §3, §4).
pub(crate) mod event_plan;
#[cfg(test)]
mod event_tests;
pub mod event_types;
pub(crate) mod events;
pub mod filter;
mod percentile;
pub mod presets;

//! KPI evaluation of read records (SDK.md §3, §4).
pub(crate) mod event_plan;
pub mod event_types;
pub(crate) mod events;
pub mod filter;
mod percentile;

//! KPI evaluation of read records (SDK.md §3, §4).
pub mod filter;
mod percentile;

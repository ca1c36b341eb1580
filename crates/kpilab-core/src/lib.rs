//! kpilab-core: the statistics engine behind kpilab's SDK and app.
//!
//! Pure Rust with no JS, DOM or network: planning (SDK.md §1, `plan`), analysis
//! of aggregated results (§2, `analyze`), KPI evaluation from row-level CSV
//! (§3, `evaluate`, which reads the bytes with `csv`). Every public
//! statistic names the reference implementation it matches; the golden cases in
//! `shared/reference/cases.json` hold it to that.

pub mod analyze;
pub mod common;
pub mod csv;
mod edit_distance;
pub mod error;
pub mod evaluate;
pub mod input_errors;
pub mod kpi;
pub mod plan;
mod serde_embed;
mod serde_names;
mod special;
pub mod sql;
pub mod survival;
mod validate;

pub use analyze::{analyze, AnalyzeInput, AnalyzeResult};
pub use common::Alternative;
pub use error::{ErrorCode, KpilabError, Result};
pub use evaluate::{evaluate_csv, CsvEvaluator, EvalConfig, Evaluation};
pub use kpi::{kpis, KpiTotals, KpiValues};
pub use plan::{plan_duration, plan_mde, plan_power, plan_sample_size, power_curve, PlanInput};
pub use sql::{to_sql, Dialect};
pub use survival::{analyze_time_to_event, TimeToEventInput, TimeToEventResult};

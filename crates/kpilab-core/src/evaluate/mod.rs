//! Row-level KPI evaluation (SDK.md §3, §4): a CSV of one row per user (or per
//! event, with `userColumn`) in, per-KPI analyses, segments and a ship decision out.
//!
//! Reading the bytes (records, numbers, timestamps, labels) is `crate::csv`; this
//! module is what the rows mean:
//!
//! - `types`: the config and result types (`EvalConfig`, `Evaluation`, …)
//! - `layout`: config validation, used columns and the sums each KPI needs
//! - `rows`: row checks and accounting, hand-off to the moments
//! - `sum`, `accumulate`: compensated per-cell moments of shifted values
//! - control choice: `crate::analyze::choose_control` (shared with `analyze`)
//! - `decision`: the SDK decision rule (ship policy)
//! - `evaluator`: `CsvEvaluator`, glue to `analyze`
//! - `slice`: one file in parallel slices, merged in file order (§7 `evaluateFile`)
//! - `partition`: one file with `userColumn` read by several workers, each for
//!   its share of the users (§7 `evaluateFile`)
//! - `aggregates`: the sufficient statistics as rows (SDK.md §6) and back
//! - event level (§4): `filter` (row filters), `event_types` (their config and
//!   result types), `event_plan` (measures per KPI), `events` (exposure, windows,
//!   aggregates per user), `percentile` (caps), `presets` (`kpiPresets`)
//! - time to convert (§5): `time_to_event` (counts per time per arm, the
//!   `analyze`-shaped comparison)
mod accumulate;
pub mod aggregates;
#[cfg(test)]
mod aggregates_tests;
mod decision;
mod evaluator;
pub(crate) mod event_plan;
#[cfg(test)]
mod event_tests;
pub mod event_types;
pub(crate) mod events;
pub mod filter;
mod layout;
pub mod partition;
#[cfg(test)]
mod partition_tests;
mod percentile;
pub mod presets;
mod rows;
pub mod slice;
#[cfg(test)]
mod slice_tests;
mod sum;
#[cfg(test)]
mod tests;
mod time_to_event;
mod types;

pub use aggregates::{evaluate_aggregates, evaluate_aggregates_csv, Aggregates};
/// The decision rule alone, for `analyze` results of each KPI (`results[i]` of
/// `specs[i]`), e.g. per-variant totals typed in the app: no file needed.
pub use decision::decide;
pub use evaluator::CsvEvaluator;
pub use rows::MAX_ROW_ERRORS;
pub use types::*;

use crate::error::Result;

/// One-shot evaluation of a whole file (= `CsvEvaluator` with a single push).
pub fn evaluate_csv(data: &[u8], config: &EvalConfig) -> Result<Evaluation> {
    let mut evaluator = CsvEvaluator::new(config.clone())?;
    evaluator.push(data)?;
    evaluator.finish()
}

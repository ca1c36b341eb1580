//! Row-level KPI evaluation (SDK.md §3): a CSV of one row per user (or per event,
//! with `userColumn`) in, per-KPI analyses, segments and a ship decision out.
//!
//! - `reader`: streaming RFC 4180 record splitter (memchr fast path)
//! - `number`: field → f64 as the reference's `_num`
//! - `layout`: config validation, used columns and the sums each KPI needs
//! - `labels`: variant / segment / user lookups by bytes
//! - `rows`: row checks and accounting, hand-off to the moments
//! - `sum`, `accumulate`: compensated per-cell moments of shifted values
//! - control choice: `crate::analyze::choose_control` (shared with `analyze`)
//! - `decision`: the SDK decision rule
//! - `evaluator`: `CsvEvaluator`, glue to `analyze`
mod accumulate;
mod decision;
mod evaluator;
mod labels;
mod layout;
mod number;
mod reader;
mod rows;
mod sum;
#[cfg(test)]
mod tests;
mod timestamp;
mod types;

pub use evaluator::CsvEvaluator;
pub(crate) use labels::UserIds;
pub(crate) use number::parse_number;
pub use rows::MAX_ROW_ERRORS;
pub use timestamp::TimestampUnit;
pub(crate) use timestamp::{parse_timestamp, DAY_US, HOUR_US};
pub use types::*;

use crate::error::Result;

/// One-shot evaluation of a whole file (= `CsvEvaluator` with a single push).
pub fn evaluate_csv(data: &[u8], config: &EvalConfig) -> Result<Evaluation> {
    let mut evaluator = CsvEvaluator::new(config.clone())?;
    evaluator.push(data)?;
    evaluator.finish()
}

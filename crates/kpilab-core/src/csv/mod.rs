//! Row-level KPI evaluation (SDK.md §3). PLACEHOLDER: being written by the CSV helper.
mod types;
pub use types::*;

use crate::error::Result;

pub fn evaluate_csv(_data: &[u8], _config: &EvalConfig) -> Result<Evaluation> {
    unimplemented!("csv evaluation is being written")
}

/// Streaming evaluator: push chunks split anywhere; memory bounded by variants × segments × KPIs.
pub struct CsvEvaluator {}

impl CsvEvaluator {
    pub fn new(_config: EvalConfig) -> Result<Self> {
        unimplemented!()
    }
    pub fn push(&mut self, _chunk: &[u8]) -> Result<()> {
        unimplemented!()
    }
    pub fn progress(&self) -> Progress {
        unimplemented!()
    }
    pub fn finish(self) -> Result<Evaluation> {
        unimplemented!()
    }
}

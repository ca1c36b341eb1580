//! Analysis of aggregated results (SDK.md §2). PLACEHOLDER: being written by the analysis helper.
mod types;
pub use types::*;

use crate::error::Result;

pub fn analyze(_input: &AnalyzeInput) -> Result<AnalyzeResult> {
    unimplemented!("analysis is being written")
}

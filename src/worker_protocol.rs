//! Messages between the Evaluate page and the CSV worker (src/bin/worker.rs), shared
//! by both binaries. Sent with serde-wasm-bindgen (structured clone keeps NaN, JSON would not).
//!
//! page -> worker: `[config: EvalConfig, data: Blob]`, once, after `Ready`.
//! worker -> page: `Ready`, then `Progress`… and one `Done` or `Failed`.

use kpilab_core::evaluate::Evaluation;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum WorkerReport {
    /// The worker's wasm is loaded: the job can be posted.
    Ready,
    Progress {
        bytes: f64,
        rows: f64,
    },
    Done {
        evaluation: Box<Evaluation>,
    },
    /// `field` is the core's path of the problem ("" when not about a setting).
    Failed {
        field: String,
        message: String,
    },
}

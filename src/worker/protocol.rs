//! Messages between the Evaluate page (services::csv_job) and the CSV worker
//! (worker::run). Sent with serde-wasm-bindgen (structured clone keeps NaN, JSON would not).
//!
//! page -> worker: `[config: EvalConfig, data: Blob]`, once, after `Ready`.
//! worker -> page: `Ready`, then `Progress`… and one `Done` or `Failed`.
//!
//! The aggregates path (SDK.md §6, worker::aggregates): the page may instead post
//! requests named by a string first (`EVALUATE_AGGREGATES`, `TO_SQL`; any number,
//! after `Ready`); each gets one `Done`, `Sql` or `Failed`, in order.

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
        /// The run's aggregates as CSV text (`Aggregates::to_csv`): what a shared link carries.
        aggregates: String,
    },
    /// The warehouse query asked for by `AggregatesRequest::Sql`.
    Sql {
        sql: String,
    },
    /// `field` is the core's path of the problem ("" when not about a setting).
    Failed {
        field: String,
        message: String,
    },
}

/// The aggregates path's jobs (worker::aggregates), posted as arrays so the config
/// is read by the same deserializer as the CSV job's (no second copy in the wasm):
/// `["evaluate", config, aggregatesCsv]` (a query's result, a shared link's) or
/// `["sql", config, dialect, table]` (`Dialect::from_name`).
pub const EVALUATE_AGGREGATES: &str = "evaluate";
pub const TO_SQL: &str = "sql";

//! Messages between the Evaluate page (services::csv_job) and the CSV worker
//! (worker::run). Sent with serde-wasm-bindgen (structured clone keeps NaN, JSON would not).
//!
//! page -> worker: `[config: EvalConfig, data: Blob]`, once, after `Ready`.
//! worker -> page: `Ready`, then `Progress`… and one `Done` or `Failed`.
//!
//! The aggregates path (SDK.md §6, worker::aggregates): the page may instead post
//! `AggregatesRequest`s (plain objects, any number, after `Ready`); each gets one
//! `Done`, `Sql` or `Failed`, in order.

use kpilab_core::evaluate::{EvalConfig, Evaluation};
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

/// Jobs of the aggregates path (worker::aggregates): no file, so many per worker.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum AggregatesRequest {
    /// The evaluation of aggregates given as CSV text (a query's result, a shared link's).
    Evaluate { config: Box<EvalConfig>, aggregates: String },
    /// `to_sql` of the config for a dialect (`Dialect::from_name`) and a table.
    Sql { config: Box<EvalConfig>, dialect: String, table: String },
}

//! Messages between the Evaluate page (services::csv_job) and the CSV workers
//! (worker::run). Sent with serde-wasm-bindgen (structured clone keeps NaN, JSON would not).
//!
//! page -> worker `i` of `count`, after its `Ready`: a `SliceJob` without
//! `states` (evaluate slice `i`); later, to worker 0 only, the same job with
//! every slice's state in file order (merge them).
//! worker -> page: `Ready`, then `Progress`… and a slice state
//! (`{ type: "slice", index, state }`, `state` null when the file is read
//! whole) or one `Done` or `Failed`.
//!
//! The aggregates path (SDK.md §6, worker::aggregates): the page may instead post
//! requests named by a string first (`EVALUATE_AGGREGATES`, `TO_SQL`; any number,
//! after `Ready`); each gets one `Done`, `Sql` or `Failed`, in order.

use js_sys::{Array, Object, Reflect};
use kpilab_core::evaluate::{EvalConfig, Evaluation};
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Blob;

/// The `type` of a worker's slice-state message.
pub const SLICE: &str = "slice";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum WorkerReport {
    /// The worker's wasm is loaded: the job can be posted.
    Ready,
    /// This worker's bytes and rows so far (the page adds up the workers').
    Progress { bytes: f64, rows: f64 },
    Done {
        evaluation: Box<Evaluation>,
        /// The run's aggregates as CSV text (`Aggregates::to_csv`): what a shared link carries.
        aggregates: String,
    },
    /// The warehouse query asked for by `AggregatesRequest::Sql`.
    Sql { sql: String },
    /// `field` is the core's path of the problem ("" when not about a setting).
    Failed { field: String, message: String },
}

/// The aggregates path's jobs (worker::aggregates), posted as arrays so the config
/// is read by the same deserializer as the CSV job's (no second copy in the wasm):
/// `["evaluate", config, aggregatesCsv]` (a query's result, a shared link's) or
/// `["sql", config, dialect, table]` (`Dialect::from_name`).
pub const EVALUATE_AGGREGATES: &str = "evaluate";
pub const TO_SQL: &str = "sql";

/// One worker's part of an evaluation.
pub struct SliceJob {
    pub config: EvalConfig,
    pub blob: Blob,
    pub index: u32,
    pub count: u32,
    /// Worker 0's merge: the slices' states in file order.
    pub states: Option<Array>,
}

/// The page's message for worker `index` of `count` (read back by `SliceJob::read`).
pub fn job_message(config: &JsValue, blob: &Blob, index: u32, count: u32, states: Option<&Array>) -> JsValue {
    let message = Object::new();
    let set = |key: &str, value: &JsValue| {
        let _ = Reflect::set(&message, &key.into(), value);
    };
    set("config", config);
    set("blob", blob);
    set("index", &index.into());
    set("count", &count.into());
    if let Some(states) = states {
        set("states", states);
    }
    message.into()
}

impl SliceJob {
    pub fn read(message: &JsValue) -> Result<SliceJob, WorkerReport> {
        let get = |key: &str| Reflect::get(message, &key.into()).unwrap_or(JsValue::UNDEFINED);
        let malformed = || super::failed("", "The page sent the worker a malformed job.");
        let config = serde_wasm_bindgen::from_value(get("config"))
            .map_err(|e| super::failed("", &format!("Unreadable settings: {e}")))?;
        let blob: Blob = get("blob").dyn_into().map_err(|_| super::failed("", "The page sent no file."))?;
        let index = get("index").as_f64().ok_or_else(malformed)? as u32;
        let count = get("count").as_f64().filter(|&c| c >= 1.0).ok_or_else(malformed)? as u32;
        let states = get("states").dyn_into::<Array>().ok();
        Ok(SliceJob { config, blob, index, count, states })
    }
}

//! The worker's jobs without a file (SDK.md §6): a shared link's or a warehouse
//! query's aggregates evaluated by `evaluate_aggregates`, and the warehouse query
//! from `to_sql`. Here, not in the page, so the page's wasm stays small.

use kpilab_core::evaluate::evaluate_aggregates_csv;
use kpilab_core::sql::{to_sql, Dialect};
use wasm_bindgen::JsValue;

use super::failed;
use super::protocol::{AggregatesRequest, WorkerReport};

/// The one report answering `request` (an `AggregatesRequest` object).
pub fn answer(request: JsValue) -> WorkerReport {
    match serde_wasm_bindgen::from_value::<AggregatesRequest>(request) {
        Ok(AggregatesRequest::Evaluate { config, aggregates }) => {
            match evaluate_aggregates_csv(aggregates.as_bytes(), &config) {
                // Sent back as received: the page shares exactly what it evaluated.
                Ok(evaluation) => WorkerReport::Done { evaluation: Box::new(evaluation), aggregates },
                Err(e) => failed(&e.field, &e.message),
            }
        }
        Ok(AggregatesRequest::Sql { config, dialect, table }) => {
            match Dialect::from_name(&dialect).and_then(|d| to_sql(&config, d, &table)) {
                Ok(sql) => WorkerReport::Sql { sql },
                Err(e) => failed(&e.field, &e.message),
            }
        }
        Err(e) => failed("", &format!("The page sent the worker a malformed job: {e}")),
    }
}

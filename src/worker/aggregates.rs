//! The worker's jobs without a file (SDK.md §6): a shared link's or a warehouse
//! query's aggregates evaluated by `evaluate_aggregates`, and the warehouse query
//! from `to_sql`. Here, not in the page, so the page's wasm stays small.

use js_sys::Array;
use kpilab_core::evaluate::{evaluate_aggregates_csv, EvalConfig};
use kpilab_core::sql::{to_sql, Dialect};
use wasm_bindgen::JsValue;

use super::failed;
use super::protocol::{WorkerReport, EVALUATE_AGGREGATES, TO_SQL};

/// The one report answering `request` (`[kind, config, …]`, see protocol).
pub fn answer(request: JsValue) -> WorkerReport {
    let request = Array::from(&request);
    let config: EvalConfig = match serde_wasm_bindgen::from_value(request.get(1)) {
        Ok(config) => config,
        Err(e) => return failed("", &format!("Unreadable settings: {e}")),
    };
    let text = |i: u32| request.get(i).as_string().unwrap_or_default();
    let kind = text(0);
    let outcome = match kind.as_str() {
        // The aggregates go back as received: the page shares exactly what it evaluated.
        EVALUATE_AGGREGATES => evaluate_aggregates_csv(text(2).as_bytes(), &config)
            .map(|evaluation| WorkerReport::Done { evaluation: Box::new(evaluation), aggregates: text(2) }),
        TO_SQL => {
            Dialect::from_name(&text(2)).and_then(|d| to_sql(&config, d, &text(3))).map(|sql| WorkerReport::Sql { sql })
        }
        _ => return failed("", &format!("The page sent the worker an unknown job \"{kind}\".")),
    };
    outcome.unwrap_or_else(|e| failed(&e.field, &e.message))
}

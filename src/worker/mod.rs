//! The CSV worker: streams a File/Blob through kpilab_core's CsvEvaluator off the
//! page's thread, so a 1 GB file keeps the page responsive. Built by Trunk as a
//! worker (index.html, `data-type="worker"`, entry src/bin/worker.rs); cancelled
//! by `Worker.terminate()`. `protocol` holds the messages it exchanges with the
//! page (services::csv_job); `aggregates` answers the jobs without a file (SDK.md §6).

pub mod aggregates;
pub mod protocol;

use js_sys::{Array, Reflect, Uint8Array};
use kpilab_core::evaluate::{EvalConfig, Evaluation};
use kpilab_core::CsvEvaluator;
use protocol::WorkerReport;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, DedicatedWorkerGlobalScope, MessageEvent, ReadableStreamDefaultReader};

/// Progress messages at most this often (ms): enough for a smooth bar, cheap for the page.
const PROGRESS_EVERY_MS: f64 = 100.0;

/// Starts listening for the page's job; says `Ready` once it can take one.
pub fn run() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        wasm_bindgen_futures::spawn_local(async move {
            let request = event.data();
            let report = if Array::from(&request).get(0).is_string() {
                aggregates::answer(request)
            } else {
                match evaluate(request).await {
                    Ok((evaluation, aggregates)) => WorkerReport::Done { evaluation: Box::new(evaluation), aggregates },
                    Err(failed) => failed,
                }
            };
            post(&report);
        });
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget(); // lives as long as the worker
    post(&WorkerReport::Ready);
}

/// The CSV job: its evaluation and its aggregates (CSV text) for a shared link.
async fn evaluate(request: JsValue) -> Result<(Evaluation, String), WorkerReport> {
    let request: Array = request.dyn_into().map_err(|_| failed("", "The page sent the worker a malformed job."))?;
    let config: EvalConfig =
        serde_wasm_bindgen::from_value(request.get(0)).map_err(|e| failed("", &format!("Unreadable settings: {e}")))?;
    let blob: Blob = request.get(1).dyn_into().map_err(|_| failed("", "The page sent no file."))?;
    let mut evaluator = CsvEvaluator::new(config).map_err(|e| failed(&e.field, &e.message))?;

    let reader: ReadableStreamDefaultReader = blob.stream().get_reader().unchecked_into();
    let mut buffer = Vec::new();
    let mut last_report = 0.0;
    let mut next = JsFuture::from(reader.read());
    loop {
        let step = next.await.map_err(|e| failed("", &format!("Reading the file failed: {e:?}")))?;
        if Reflect::get(&step, &"done".into()).ok().and_then(|d| d.as_bool()).unwrap_or(true) {
            break;
        }
        let chunk: Uint8Array = Reflect::get(&step, &"value".into()).unwrap_or_default().unchecked_into();
        // The browser reads the next chunk while this one is parsed.
        next = JsFuture::from(reader.read());
        // Reuse one buffer: a copy into wasm memory per chunk, no allocation.
        buffer.resize(chunk.length() as usize, 0);
        chunk.copy_to(&mut buffer);
        evaluator.push(&buffer).map_err(|e| failed(&e.field, &e.message))?;
        let now = js_sys::Date::now();
        if now - last_report >= PROGRESS_EVERY_MS {
            last_report = now;
            report_progress(&evaluator);
        }
    }
    report_progress(&evaluator);
    let finished = evaluator.end().map_err(|e| failed(&e.field, &e.message))?;
    let aggregates = finished.aggregates().to_csv();
    let evaluation = finished.evaluate().map_err(|e| failed(&e.field, &e.message))?;
    Ok((evaluation, aggregates))
}

fn report_progress(evaluator: &CsvEvaluator) {
    let p = evaluator.progress();
    post(&WorkerReport::Progress { bytes: p.bytes, rows: p.rows });
}

pub(crate) fn failed(field: &str, message: &str) -> WorkerReport {
    WorkerReport::Failed { field: field.into(), message: message.into() }
}

pub(crate) fn post(report: &WorkerReport) {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    // Plain objects: maps as JS objects, not Map (structured clone handles both, the page expects objects).
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    if let Ok(message) = serde::Serialize::serialize(report, &serializer) {
        let _ = scope.post_message(&message);
    }
}

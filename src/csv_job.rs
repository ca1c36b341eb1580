//! One CSV evaluation running in the worker (src/bin/worker.rs). Dropping the job
//! terminates the worker: that is how Cancel works, instantly, even mid-chunk.

use js_sys::Array;
use kpilab_core::evaluate::EvalConfig;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, ErrorEvent, MessageEvent, Worker};
use yew::Callback;

use crate::worker_protocol::WorkerReport;

/// The loader Trunk writes for the worker binary (`data-loader-shim`), next to index.html.
const WORKER_SCRIPT: &str = "./worker_loader.js";

pub struct CsvJob {
    worker: Worker,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

impl CsvJob {
    /// Starts a worker and hands it `data` once it is ready; every report goes to `on_report`.
    pub fn start(data: Blob, config: &EvalConfig, on_report: Callback<WorkerReport>) -> Result<CsvJob, String> {
        let worker = Worker::new(WORKER_SCRIPT).map_err(|e| format!("The background worker could not start: {e:?}"))?;
        let config = serde_wasm_bindgen::to_value(config).map_err(|e| format!("Unreadable settings: {e}"))?;
        let request = Array::of2(&config, &data);

        let on_message = {
            let (worker, on_report) = (worker.clone(), on_report.clone());
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                match serde_wasm_bindgen::from_value::<WorkerReport>(event.data()) {
                    Ok(WorkerReport::Ready) => {
                        if let Err(e) = worker.post_message(&request) {
                            on_report.emit(failed(&format!("The file could not be handed to the worker: {e:?}")));
                        }
                    }
                    Ok(report) => on_report.emit(report),
                    Err(e) => on_report.emit(failed(&format!("The worker sent an unreadable answer: {e}"))),
                }
            })
        };
        let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |event: ErrorEvent| {
            on_report.emit(failed(&format!("The background worker stopped: {}", event.message())));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(CsvJob { worker, _on_message: on_message, _on_error: on_error })
    }
}

impl Drop for CsvJob {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

fn failed(message: &str) -> WorkerReport {
    WorkerReport::Failed { field: String::new(), message: message.into() }
}

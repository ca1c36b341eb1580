//! A worker for the aggregates path (worker::aggregates): a shared link's or a
//! pasted query result's evaluation, and the warehouse SQL. One worker answers
//! many requests, in order; a request made before it is ready waits for `Ready`.
//! Dropping the job terminates the worker.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, MessageEvent, Worker};
use yew::Callback;

use super::csv_worker;
use crate::worker::protocol::{WorkerReport, EVALUATE_AGGREGATES, TO_SQL};

/// Requests waiting for the worker's `Ready` (None once it is ready).
type Waiting = Rc<RefCell<Option<Vec<JsValue>>>>;

pub struct AggregatesJob {
    worker: Worker,
    waiting: Waiting,
    on_report: Callback<WorkerReport>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

impl AggregatesJob {
    /// Starts the worker; every answer (never `Ready` or `Progress`) goes to `on_report`.
    pub fn start(on_report: Callback<WorkerReport>) -> Result<AggregatesJob, String> {
        let worker = csv_worker::start().map_err(|e| format!("The background worker could not start: {e:?}"))?;
        let waiting: Waiting = Rc::new(RefCell::new(Some(Vec::new())));
        let on_message = {
            let (worker, waiting, on_report) = (worker.clone(), waiting.clone(), on_report.clone());
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                match serde_wasm_bindgen::from_value::<WorkerReport>(event.data()) {
                    Ok(WorkerReport::Ready) => {
                        for request in waiting.borrow_mut().take().unwrap_or_default() {
                            send(&worker, &request, &on_report);
                        }
                    }
                    Ok(WorkerReport::Progress { .. }) => {}
                    Ok(report) => on_report.emit(report),
                    Err(e) => on_report.emit(failed(&format!("The worker sent an unreadable answer: {e}"))),
                }
            })
        };
        let on_error = {
            let on_report = on_report.clone();
            Closure::<dyn FnMut(ErrorEvent)>::new(move |event: ErrorEvent| {
                on_report.emit(failed(&format!("The background worker stopped: {}", event.message())));
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(AggregatesJob { worker, waiting, on_report, _on_message: on_message, _on_error: on_error })
    }

    /// Evaluates aggregates (CSV text) for `config` (`share::config_object`): one `Done` or `Failed`.
    pub fn evaluate(&self, config: &JsValue, aggregates: &str) {
        self.ask(js_sys::Array::of3(&EVALUATE_AGGREGATES.into(), config, &aggregates.into()).into());
    }

    /// The warehouse query for `config` in `dialect` on `table`: one `Sql` or `Failed`.
    pub fn sql(&self, config: &JsValue, dialect: &str, table: &str) {
        self.ask(js_sys::Array::of4(&TO_SQL.into(), config, &dialect.into(), &table.into()).into());
    }

    /// Posts `request` now, or once the worker is ready.
    fn ask(&self, request: JsValue) {
        match self.waiting.borrow_mut().as_mut() {
            Some(waiting) => waiting.push(request),
            None => send(&self.worker, &request, &self.on_report),
        }
    }
}

fn send(worker: &Worker, message: &JsValue, on_report: &Callback<WorkerReport>) {
    if let Err(e) = worker.post_message(message) {
        on_report.emit(failed(&format!("The worker could not be asked: {e:?}")));
    }
}

impl Drop for AggregatesJob {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

fn failed(message: &str) -> WorkerReport {
    WorkerReport::Failed { field: String::new(), message: message.into() }
}

//! One CSV evaluation running in parallel workers (src/bin/worker.rs, one per
//! core): each evaluates a slice of the file (with `userColumn`: the whole file
//! for its share of the users), the page collects their states and
//! hands them, in file order, to worker 0, which merges them (worker::run). The
//! page only routes messages (no CSV code in its wasm). Progress is the sum over
//! the workers. Dropping the job terminates every worker: that is how Cancel
//! works, instantly, even mid-chunk.
//!
//! Spare workers are started ahead of a run (`warm_up` when a file is chosen,
//! and again after each run), so Evaluate does not wait for their wasm to
//! compile (40-50 ms for two, measured). A spare is always fresh: a run's
//! workers are terminated after it, and the memory they grew goes with them.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Array, Reflect};
use kpilab_core::evaluate::EvalConfig;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, ErrorEvent, MessageEvent, Worker};
use yew::Callback;

use super::csv_worker;
use crate::worker::protocol::{job_message, WorkerReport, SLICE};

/// Workers at most, whatever `navigator.hardwareConcurrency` says (each holds a wasm instance).
const MAX_WORKERS: u32 = 8;

pub struct CsvJob {
    workers: Vec<Worker>,
    _on_message: Vec<Closure<dyn FnMut(MessageEvent)>>,
    _on_error: Vec<Closure<dyn FnMut(ErrorEvent)>>,
}

/// What the page knows of the run.
struct Run {
    workers: Vec<Worker>,
    config: JsValue,
    blob: Blob,
    /// Per worker: its slice's state once posted (`null`: the file is read whole).
    states: Vec<Option<JsValue>>,
    bytes: Vec<f64>,
    rows: Vec<f64>,
    /// A `Done` or `Failed` was passed on: later messages are ignored.
    over: bool,
    on_report: Callback<WorkerReport>,
}

impl Run {
    fn report(&mut self, report: WorkerReport) {
        if self.over {
            return;
        }
        self.over = matches!(report, WorkerReport::Done { .. } | WorkerReport::Failed { .. });
        self.on_report.emit(report);
    }

    fn job(&self, index: usize, states: Option<Array>) -> JsValue {
        job_message(&self.config, &self.blob, index as u32, self.workers.len() as u32, states.as_ref())
    }

    fn on_message(&mut self, index: usize, data: JsValue) {
        let kind = Reflect::get(&data, &"type".into()).ok().and_then(|t| t.as_string());
        if kind.as_deref() == Some(SLICE) {
            let state = Reflect::get(&data, &"state".into()).unwrap_or(JsValue::NULL);
            self.states[index] = Some(state);
            self.merge_when_all_in();
            return;
        }
        match serde_wasm_bindgen::from_value::<WorkerReport>(data) {
            Ok(WorkerReport::Ready) => self.hand_slice(index),
            Ok(WorkerReport::Progress { bytes, rows }) => {
                self.bytes[index] = bytes;
                self.rows[index] = rows;
                let progress = WorkerReport::Progress { bytes: self.bytes.iter().sum(), rows: self.rows.iter().sum() };
                self.report(progress);
            }
            Ok(report) => self.report(report),
            Err(e) => self.report(failed(&format!("The worker sent an unreadable answer: {e}"))),
        }
    }

    /// Worker `index`, ready, gets its slice of the file.
    fn hand_slice(&mut self, index: usize) {
        if let Err(e) = self.workers[index].post_message(&self.job(index, None)) {
            self.report(failed(&format!("The file could not be handed to the worker: {e:?}")));
        }
    }

    /// Every slice in: worker 0 merges them (a `null` state: worker 0 reads the file whole).
    fn merge_when_all_in(&mut self) {
        if self.over || self.states.iter().any(Option::is_none) {
            return;
        }
        let states: Array = self.states.iter().map(|s| s.clone().unwrap_or(JsValue::NULL)).collect();
        if states.iter().any(|s| s.is_null()) {
            return;
        }
        if let Err(e) = self.workers[0].post_message(&self.job(0, Some(states))) {
            self.report(failed(&format!("The slices could not be handed to the worker: {e:?}")));
        }
    }
}

impl CsvJob {
    /// Starts one worker per core on `data` (the spares first); every report goes to `on_report`.
    pub fn start(data: Blob, config: &EvalConfig, on_report: Callback<WorkerReport>) -> Result<CsvJob, String> {
        let config = serde_wasm_bindgen::to_value(config).map_err(|e| format!("Unreadable settings: {e}"))?;
        let count = worker_count(data.size());
        let spares = take_spares(count);
        let mut workers: Vec<Worker> = spares.iter().map(|s| s.worker.clone()).collect();
        while workers.len() < count {
            match csv_worker::start() {
                Ok(w) => workers.push(w),
                Err(e) => {
                    workers.iter().for_each(Worker::terminate);
                    return Err(format!("The background worker could not start: {e:?}"));
                }
            }
        }
        let run = Rc::new(RefCell::new(Run {
            workers: workers.clone(),
            config,
            blob: data,
            states: vec![None; count],
            bytes: vec![0.0; count],
            rows: vec![0.0; count],
            over: false,
            on_report,
        }));
        let (mut on_messages, mut on_errors) = (Vec::new(), Vec::new());
        for (index, worker) in workers.iter().enumerate() {
            let on_message = {
                let run = run.clone();
                Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                    run.borrow_mut().on_message(index, event.data());
                })
            };
            let on_error = {
                let run = run.clone();
                Closure::<dyn FnMut(ErrorEvent)>::new(move |event: ErrorEvent| {
                    run.borrow_mut().report(failed(&format!("The background worker stopped: {}", event.message())));
                })
            };
            worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            on_messages.push(on_message);
            on_errors.push(on_error);
        }
        // A spare that said `Ready` before this run will not say it again.
        for (index, spare) in spares.iter().enumerate() {
            if spare.warmth.get() == Warmth::Ready {
                run.borrow_mut().hand_slice(index);
            }
        }
        Ok(CsvJob { workers, _on_message: on_messages, _on_error: on_errors })
    }
}

/// Starts spare workers for a run on `size` bytes, up to the count it will use.
pub fn warm_up(size: f64) {
    fill_spares(worker_count(size));
}

/// A worker started ahead of a run, and what it has said so far.
struct Spare {
    worker: Worker,
    warmth: Rc<Cell<Warmth>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

#[derive(Clone, Copy, PartialEq)]
enum Warmth {
    Starting,
    Ready,
    Broken,
}

thread_local! {
    static SPARES: RefCell<Vec<Spare>> = const { RefCell::new(Vec::new()) };
}

impl Spare {
    fn start() -> Option<Spare> {
        let worker = csv_worker::start().ok()?;
        let warmth = Rc::new(Cell::new(Warmth::Starting));
        let on_message = {
            let warmth = warmth.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                if let Ok(WorkerReport::Ready) = serde_wasm_bindgen::from_value(event.data()) {
                    warmth.set(Warmth::Ready);
                }
            })
        };
        let on_error = {
            let warmth = warmth.clone();
            Closure::<dyn FnMut(ErrorEvent)>::new(move |_: ErrorEvent| warmth.set(Warmth::Broken))
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Some(Spare { worker, warmth, _on_message: on_message, _on_error: on_error })
    }
}

/// Keeps `count` spares (a broken one is replaced).
fn fill_spares(count: usize) {
    SPARES.with_borrow_mut(|spares| {
        drop_broken(spares);
        while spares.len() < count {
            match Spare::start() {
                Some(spare) => spares.push(spare),
                None => break,
            }
        }
    });
}

fn drop_broken(spares: &mut Vec<Spare>) {
    spares.retain(|spare| {
        let broken = spare.warmth.get() == Warmth::Broken;
        if broken {
            spare.worker.terminate();
        }
        !broken
    });
}

/// Up to `count` spares that have not failed, for a run to take over.
fn take_spares(count: usize) -> Vec<Spare> {
    SPARES.with_borrow_mut(|spares| {
        drop_broken(spares);
        let take = count.min(spares.len());
        spares.drain(..take).collect()
    })
}

/// Below this size one worker reads the file whole: slices and their merge would
/// cost more than a second core saves.
const SPLIT_FROM_BYTES: f64 = 64.0 * 1024.0 * 1024.0;

/// One worker per core (`navigator.hardwareConcurrency`), 1 to `MAX_WORKERS`;
/// one for a file under `SPLIT_FROM_BYTES`.
fn worker_count(size: f64) -> usize {
    if size < SPLIT_FROM_BYTES {
        return 1;
    }
    let cores = web_sys::window().map_or(1.0, |w| w.navigator().hardware_concurrency());
    (cores as u32).clamp(1, MAX_WORKERS) as usize
}

impl Drop for CsvJob {
    /// Terminates the run's workers and starts fresh spares for the next run.
    fn drop(&mut self) {
        for worker in &self.workers {
            worker.terminate();
        }
        fill_spares(self.workers.len());
    }
}

fn failed(message: &str) -> WorkerReport {
    WorkerReport::Failed { field: String::new(), message: message.into() }
}

//! The CSV workers: several read one File/Blob in parallel slices off the
//! page's thread (SDK.md §7, the machinery of the SDK's `evaluateFile`), so a
//! 1 GB file keeps the page responsive and every core works. Built by Trunk as
//! a worker (index.html, `data-type="worker"`, entry src/bin/worker.rs);
//! cancelled by `Worker.terminate()`.
//!
//! Worker `i` of `count` evaluates slice `i` of the bytes after the header with
//! the core's `SliceEvaluator` and posts its state; the page (services::csv_job)
//! hands every state, in file order, to worker 0, which merges them with
//! `SliceMerger` (re-reading a slice whose guessed first record missed) and posts
//! `Done` with the run's aggregates (for a shared link). With `userColumn` the
//! users are partitioned instead (`evaluate::partition`): worker `i` reads the
//! whole file for the users that hash to it and posts its moments, which worker
//! 0 adds up with `PartitionMerger` (the per-user work is shared out, no
//! per-user table crosses). A config that cannot be split (event-level rules, a
//! time to convert) is read whole by worker 0 with `CsvEvaluator`. `protocol`
//! holds the messages; `aggregates` answers the jobs without a file (SDK.md §6).

pub mod aggregates;
mod chunks;
pub mod protocol;

use chunks::Chunks;
use js_sys::{Array, Object, Reflect, Uint8Array};
use kpilab_core::evaluate::aggregates::Finished;
use kpilab_core::evaluate::partition::{can_partition, PartitionMerger, PartitionState};
use kpilab_core::evaluate::slice::{can_split, header_len, SliceEvaluator, SliceMerger, SliceState};
use kpilab_core::evaluate::EvalConfig;
use kpilab_core::{CsvEvaluator, KpilabError};
use protocol::{SliceJob, WorkerReport, SLICE};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, DedicatedWorkerGlobalScope, MessageEvent};

/// Progress messages at most this often (ms): enough for a smooth bar, cheap for the page.
const PROGRESS_EVERY_MS: f64 = 100.0;

/// First bytes read for the header; four times more until it is whole.
const HEAD_BYTES: f64 = 65536.0;

/// Starts listening for the page's jobs; says `Ready` once it can take one.
pub fn run() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        wasm_bindgen_futures::spawn_local(async move {
            let request = event.data();
            if Array::is_array(&request) && Array::from(&request).get(0).is_string() {
                return post(&aggregates::answer(request));
            }
            let outcome = match SliceJob::read(&request) {
                Ok(job) => job.run().await,
                Err(failed) => Err(failed),
            };
            match outcome {
                Ok(Posted::Evaluation(finished)) => post(&done(*finished)),
                Ok(Posted::Slice) => {}
                Err(failed) => post(&failed),
            }
        });
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget(); // lives as long as the worker
    post(&WorkerReport::Ready);
}

/// What a job ended with (a slice state is posted by the job itself).
enum Posted {
    Evaluation(Box<Finished>),
    Slice,
}

/// `Done`: the evaluation, and the aggregates a shared link carries.
fn done(finished: Finished) -> WorkerReport {
    let aggregates = finished.aggregates().to_csv();
    match finished.evaluate() {
        Ok(evaluation) => WorkerReport::Done { evaluation: Box::new(evaluation), aggregates },
        Err(e) => core_failed(e),
    }
}

impl SliceJob {
    async fn run(self) -> Result<Posted, WorkerReport> {
        let head = read_header(&self.blob, &self.config).await?;
        let split = can_split(&self.config).map_err(core_failed)?;
        let partitioned = can_partition(&self.config).map_err(core_failed)?;
        // One worker (a small file, or one core) reads the file whole: no slice state, no merge.
        if !(split || partitioned) || self.count == 1 {
            // One worker reads the whole file; the others have nothing to do.
            if self.index > 0 {
                post_slice(self.index, &JsValue::NULL);
                return Ok(Posted::Slice);
            }
            return evaluate_whole(&self.blob, self.config).await.map(|e| Posted::Evaluation(Box::new(e)));
        }
        match self.states.clone() {
            None if partitioned => {
                let state = self.evaluate_partition().await?;
                let state = serde_wasm_bindgen::to_value(&state).map_err(|e| failed("", &format!("{e}")))?;
                post_slice(self.index, &state);
                Ok(Posted::Slice)
            }
            Some(states) if partitioned => {
                self.merge_partitions(&head, states).map(|e| Posted::Evaluation(Box::new(e)))
            }
            None => {
                let state = self.evaluate_slice(&head).await?;
                let state = serde_wasm_bindgen::to_value(&state).map_err(|e| failed("", &format!("{e}")))?;
                post_slice(self.index, &state);
                Ok(Posted::Slice)
            }
            Some(states) => self.merge(&head, states).await.map(|e| Posted::Evaluation(Box::new(e))),
        }
    }

    /// Slice `i`'s bytes `[start, end)`: the bytes after the header in `count` equal parts.
    fn range(&self, head: usize, i: u32) -> (f64, f64) {
        let size = self.blob.size();
        let body = (size - head as f64).max(0.0);
        let step = (body / f64::from(self.count)).ceil().max(1.0);
        let start = (head as f64 + f64::from(i) * step).min(size);
        (start, (start + step).min(size))
    }

    async fn evaluate_slice(&self, head: &[u8]) -> Result<SliceState, WorkerReport> {
        let (start, end) = self.range(head.len(), self.index);
        let mut slice = SliceEvaluator::new(&self.config, head, self.index == 0).map_err(core_failed)?;
        // Slice 0 counts the header's bytes, so that the page's sum reaches the file size.
        let extra = if self.index == 0 { head.len() as f64 } else { 0.0 };
        let part = self.blob.slice_with_f64_and_f64(start, end).map_err(js_failed)?;
        stream(&part, |chunk, report| {
            slice.push(chunk)?;
            if report {
                let p = slice.progress();
                post(&WorkerReport::Progress { bytes: p.bytes + extra, rows: p.rows });
            }
            Ok(())
        })
        .await?;
        slice.finish().map_err(core_failed)
    }

    /// The whole file for partition `index` of the users. Progress counts
    /// `1 / count` of the bytes, so that the page's sum is the file's progress.
    async fn evaluate_partition(&self) -> Result<PartitionState, WorkerReport> {
        let mut evaluator = CsvEvaluator::for_partition(&self.config, self.index, self.count).map_err(core_failed)?;
        read_whole(&self.blob, &mut evaluator, f64::from(self.count)).await?;
        evaluator.finish_partition().map_err(core_failed)
    }

    /// Worker 0, after every partition: their states into one evaluation.
    fn merge_partitions(&self, head: &[u8], states: Array) -> Result<Finished, WorkerReport> {
        let mut merger = PartitionMerger::new(self.config.clone(), head).map_err(core_failed)?;
        for state in states.iter() {
            let state: PartitionState = serde_wasm_bindgen::from_value(state)
                .map_err(|e| failed("", &format!("A partition came back unreadable: {e}")))?;
            merger.absorb(state).map_err(core_failed)?;
        }
        merger.end().map_err(core_failed)
    }

    /// Worker 0, after every slice: the states in file order into one evaluation.
    async fn merge(&self, head: &[u8], states: Array) -> Result<Finished, WorkerReport> {
        let mut merger = SliceMerger::new(self.config.clone(), head).map_err(core_failed)?;
        for (i, state) in states.iter().enumerate() {
            let state: SliceState = serde_wasm_bindgen::from_value(state)
                .map_err(|e| failed("", &format!("A slice came back unreadable: {e}")))?;
            if !merger.absorb(&state).map_err(core_failed)? {
                // A quoted field spans the slice's first line feed: read it in order.
                let (start, end) = self.range(head.len(), i as u32);
                let rest =
                    self.blob.slice_with_f64_and_f64(start + state.prefix_len() as f64, end).map_err(js_failed)?;
                stream(&rest, |chunk, _| merger.push(chunk)).await?;
            }
        }
        merger.end().map_err(core_failed)
    }
}

/// The file's header record (with a BOM and blank lines before it).
async fn read_header(blob: &Blob, config: &EvalConfig) -> Result<Vec<u8>, WorkerReport> {
    let size = blob.size();
    let mut n = HEAD_BYTES;
    loop {
        let part = blob.slice_with_f64_and_f64(0.0, n.min(size)).map_err(js_failed)?;
        let buffer = JsFuture::from(part.array_buffer()).await.map_err(js_failed)?;
        let bytes = Uint8Array::new(&buffer).to_vec();
        if let Some(len) = header_len(config, &bytes, n >= size).map_err(core_failed)? {
            return Ok(bytes[..len].to_vec());
        }
        n *= 4.0;
    }
}

async fn evaluate_whole(blob: &Blob, config: EvalConfig) -> Result<Finished, WorkerReport> {
    let mut evaluator = CsvEvaluator::new(config).map_err(core_failed)?;
    read_whole(blob, &mut evaluator, 1.0).await?;
    evaluator.end().map_err(core_failed)
}

/// The whole of `blob` into `evaluator`, posting progress with `1 / share` of its bytes.
async fn read_whole(blob: &Blob, evaluator: &mut CsvEvaluator, share: f64) -> Result<(), WorkerReport> {
    stream(blob, |chunk, report| {
        evaluator.push(chunk)?;
        if report {
            let p = evaluator.progress();
            post(&WorkerReport::Progress { bytes: p.bytes / share, rows: p.rows });
        }
        Ok(())
    })
    .await
}

/// Streams `blob` into `step(chunk, report)`; `report` is true at most every
/// `PROGRESS_EVERY_MS`, and on the last call (an empty chunk).
async fn stream(blob: &Blob, mut step: impl FnMut(&[u8], bool) -> Result<(), KpilabError>) -> Result<(), WorkerReport> {
    let mut chunks = Chunks::new(blob);
    let mut buffer = Vec::new();
    let mut last_report = 0.0;
    while chunks.next_into(&mut buffer).await.map_err(js_failed)? {
        let now = js_sys::Date::now();
        let report = now - last_report >= PROGRESS_EVERY_MS;
        if report {
            last_report = now;
        }
        step(&buffer, report).map_err(core_failed)?;
    }
    step(&[], true).map_err(core_failed)
}

fn core_failed(e: KpilabError) -> WorkerReport {
    failed(&e.field, &e.message)
}

fn js_failed(e: JsValue) -> WorkerReport {
    failed("", &format!("Reading the file failed: {e:?}"))
}

pub(crate) fn failed(field: &str, message: &str) -> WorkerReport {
    WorkerReport::Failed { field: field.into(), message: message.into() }
}

/// `{ type: "slice", index, state }`.
fn post_slice(index: u32, state: &JsValue) {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let message = Object::new();
    let _ = Reflect::set(&message, &"type".into(), &SLICE.into());
    let _ = Reflect::set(&message, &"index".into(), &index.into());
    let _ = Reflect::set(&message, &"state".into(), state);
    if scope.post_message(&message).is_err() {
        post(&failed("", "A slice could not be handed back to the page."));
    }
}

pub(crate) fn post(report: &WorkerReport) {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    // Plain objects: maps as JS objects, not Map (structured clone handles both, the page expects objects).
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    if let Ok(message) = serde::Serialize::serialize(report, &serializer) {
        let _ = scope.post_message(&message);
    }
}

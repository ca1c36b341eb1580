//! Starts a CSV worker (src/bin/worker.rs: the CSV runs and the aggregates jobs)
//! on the one compiled `WebAssembly.Module` the page keeps for all of them. V8
//! shares a module's code among its instances, so a run's workers start on the
//! optimised code earlier workers left, instead of each compiling its functions
//! on first call and tiering the scan up mid-run (measured in Chromium: a 2 MB
//! file from click to card 62-69 to 35-49 ms; 400 MB about 4 % faster, within
//! this host's noise).
//! assets/worker_loader.js waits for the module, or for `null` when it could not
//! be compiled here (a host serving .wasm without its MIME type): the worker then
//! loads the wasm itself.

use js_sys::{Promise, WebAssembly};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::Worker;

/// The worker's loader (assets/worker_loader.js, next to index.html).
const WORKER_SCRIPT: &str = "./worker_loader.js";

/// The worker's wasm, as Trunk writes it.
const WORKER_WASM: &str = "./worker_bg.wasm";

thread_local! {
    /// The worker's module, compiled once, on the first worker's start.
    static MODULE: Promise = web_sys::window()
        .map_or_else(|| Promise::resolve(&JsValue::NULL), |w| WebAssembly::compile_streaming(&w.fetch_with_str(WORKER_WASM)));
}

/// A new CSV worker; it is handed the shared module as soon as that is compiled.
pub fn start() -> Result<Worker, JsValue> {
    let worker = Worker::new(WORKER_SCRIPT)?;
    let module = MODULE.with(Promise::clone);
    let handed = worker.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let module = JsFuture::from(module).await.unwrap_or(JsValue::NULL);
        // A worker terminated meanwhile takes the message silently.
        let _ = handed.post_message(&module);
    });
    Ok(worker)
}

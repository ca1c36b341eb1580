// The CSV worker's loader (src/services/csv_worker.rs starts it): its first
// message is the worker's WebAssembly.Module, compiled once by the page and
// shared by every CSV worker, or null when the page could not compile it (the
// worker then fetches its wasm itself). worker.rs then takes the messages over.
importScripts("./worker.js");
self.onmessage = ({ data }) => {
  self.onmessage = null;
  wasm_bindgen({ module_or_path: data instanceof WebAssembly.Module ? data : "./worker_bg.wasm" });
};

// The module worker of evaluateFile (web build): evaluates one byte range of
// the file, or the whole file for one partition of its users, with the same .wasm (the page posts its compiled WebAssembly.Module)
// and posts the slice's state back; a KpilabError crosses as toJSON().
import init, { CsvEvaluator, CsvPartitionEvaluator, CsvSliceEvaluator } from "./web/kpilab_wasm.js";
import { chunks } from "./chunks.mjs";

/** Bytes between two progress messages. */
const PROGRESS_EVERY = 4 << 20;

let ready;
const plain = (e) =>
  e && typeof e === "object" && e.name === "KpilabError"
    ? { name: "KpilabError", code: e.code, field: e.field, message: e.message }
    : { name: (e && e.name) || "Error", message: String((e && e.message) || e) };

self.onmessage = async ({ data: job }) => {
  if (job.type === "init") {
    ready = init(job.module ? { module_or_path: job.module } : undefined);
    return;
  }
  let evaluator;
  try {
    await ready;
    evaluator = job.whole
      ? new CsvEvaluator(job.config)
      : job.partition
        ? new CsvPartitionEvaluator(job.config, job.partition.index, job.partition.count)
        : new CsvSliceEvaluator(job.config, job.header, job.atRecordStart);
    let bytes = 0;
    let reported = 0;
    for await (const value of chunks(job.file.slice(job.start, job.end))) {
      evaluator.push(value);
      bytes += value.length;
      if (bytes - reported >= PROGRESS_EVERY) {
        reported = bytes;
        self.postMessage({ type: "progress", id: job.id, bytes, rows: evaluator.progress().rows });
      }
    }
    const rows = evaluator.progress().rows;
    const result = evaluator.finish();
    self.postMessage({ type: "done", id: job.id, bytes, rows, result });
  } catch (e) {
    self.postMessage({ type: "error", id: job.id, error: plain(e) });
  } finally {
    evaluator?.free();
  }
};

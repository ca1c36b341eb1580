// Internal: evaluateFile of the web build (SDK.md §7). The file's header is
// read here; the bytes after it are cut into slices that module workers
// (file-worker.mjs, the same .wasm) evaluate in parallel; the slice states are
// merged here in file order (SliceMerger), so the result is evaluateCsv's on the
// whole file, row numbers included. With userColumn the users are partitioned
// instead: every worker reads the whole file for the users whose id hashes to
// it and posts its moments (PartitionMerger adds them up; no per-user table
// crosses), so the per-user work is shared out. A config with event-level rules
// (§4) or a timeToEvent KPI is read by one worker (a user's exposure and windows
// depend on their rows in earlier slices; the result is the same).
import { chunks } from "./chunks.mjs";
import { KpilabError } from "./error.mjs";

const HEAD_BYTES = 1 << 16;

const rethrow = (e) => (e instanceof KpilabError ? KpilabError.from(e) : e);
const fromWorker = (error) => {
  if (error.name === "KpilabError") return KpilabError.from(error);
  const e = new Error(error.message);
  e.name = error.name;
  return e;
};

/** `raw`: the web build's wasm-bindgen exports; `module()`: its compiled WebAssembly.Module, if known. */
export function makeEvaluateFile(raw, check, module) {
  return async function evaluateFile(file, config, options = {}) {
    check("evaluateFile");
    const { onProgress, signal } = options ?? {};
    if (typeof Blob === "undefined" || !(file instanceof Blob)) {
      throw new KpilabError("INVALID_INPUT", "file", "evaluateFile reads a Blob or a File (e.g. from <input type=\"file\">); for a string or bytes use evaluateCsv");
    }
    const workers = Math.max(1, Math.floor(options?.workers ?? globalThis.navigator?.hardwareConcurrency ?? 1));
    const sliceBytes = options?.sliceBytes;
    if (sliceBytes !== undefined && !(sliceBytes >= 1)) {
      throw new KpilabError("INVALID_INPUT", "sliceBytes", `sliceBytes must be at least 1, got ${sliceBytes}`);
    }
    signal?.throwIfAborted();
    let split;
    let partitioned;
    let head;
    try {
      split = raw.canSplit(config);
      partitioned = workers > 1 && raw.canPartition(config);
      for (let n = HEAD_BYTES; ; n *= 4) {
        const bytes = new Uint8Array(await file.slice(0, n).arrayBuffer());
        const len = raw.csvHeaderLength(bytes, config, n >= file.size);
        if (len !== undefined) {
          head = bytes.slice(0, len);
          break;
        }
      }
    } catch (e) {
      throw rethrow(e);
    }
    signal?.throwIfAborted();

    const size = file.size;
    const jobs = [];
    // One worker and no slice size asked for: the whole file on CsvEvaluator
    // (no slice state to build and merge; the same result).
    if (split && workers === 1 && sliceBytes === undefined) split = false;
    if (partitioned) {
      for (let index = 0; index < workers; index++) jobs.push({ id: index, partition: { index, count: workers }, start: 0, end: size });
    } else if (!split) {
      jobs.push({ id: 0, whole: true, start: 0, end: size });
    } else {
      const step = sliceBytes ?? Math.max(1, Math.ceil((size - head.length) / workers));
      for (let start = head.length; start < size; start += step) {
        jobs.push({ id: jobs.length, whole: false, start, end: Math.min(size, start + step), atRecordStart: start === head.length });
      }
    }
    let merger = null;
    try {
      if (partitioned) merger = new raw.PartitionMerger(config, head);
      else if (split) merger = new raw.SliceMerger(config, head);
    } catch (e) {
      throw rethrow(e);
    }
    const pool = [];
    try {
      return await new Promise((resolve, reject) => {
        let failed = false;
        const fail = (e) => {
          if (failed) return;
          failed = true;
          reject(e);
        };
        const onAbort = () => fail(signal.reason ?? new DOMException("evaluateFile was aborted", "AbortError"));
        signal?.addEventListener("abort", onAbort, { once: true });
        const done = (value) => {
          signal?.removeEventListener("abort", onAbort);
          if (!failed) resolve(value);
        };

        const bytes = new Array(jobs.length).fill(0);
        const rows = new Array(jobs.length).fill(0);
        const progress = () => {
          if (!onProgress) return;
          let b = 0;
          let r = 0;
          for (let i = 0; i < jobs.length; i++) {
            b += bytes[i];
            r += rows[i];
          }
          // Every partition reads the whole file: their mean is the file's progress.
          if (partitioned) b /= jobs.length;
          else if (split) b += head.length;
          onProgress({ bytes: b, rows: r });
        };

        // Merging, in file order, one state at a time (a miss re-reads bytes).
        const states = new Array(jobs.length);
        let next = 0;
        let merging = Promise.resolve();
        let received = 0;
        const merge = async () => {
          if (partitioned) {
            if (received < jobs.length || failed) return;
            for (const state of states) merger.absorb(state);
            return done(merger.finish());
          }
          while (next < jobs.length && states[next] !== undefined && !failed) {
            const job = jobs[next];
            const state = states[next];
            states[next] = null;
            next++;
            if (job.whole) return done(state);
            if (!merger.absorb(state)) {
              for await (const value of chunks(file.slice(job.start + state.prefix.length, job.end))) {
                if (failed) break;
                merger.push(value);
              }
            }
          }
          if (next === jobs.length && !failed) done(merger.finish());
        };
        if (jobs.length === 0) {
          merging = merging.then(merge).catch((e) => fail(rethrow(e)));
          return;
        }

        let queued = 0;
        const give = (worker) => {
          if (queued >= jobs.length || failed) return;
          const job = jobs[queued++];
          worker.postMessage({ type: "job", file, config, header: head, ...job });
        };
        const count = Math.min(workers, jobs.length);
        for (let i = 0; i < count; i++) {
          const worker = new Worker(new URL("./file-worker.mjs", import.meta.url), { type: "module" });
          pool.push(worker);
          worker.onerror = (e) => fail(new Error(`evaluateFile worker: ${e.message ?? "failed to load"}`));
          worker.onmessage = ({ data }) => {
            if (failed) return;
            if (data.type === "error") return fail(fromWorker(data.error));
            bytes[data.id] = data.bytes;
            rows[data.id] = data.rows;
            progress();
            if (data.type === "done") {
              states[data.id] = data.result;
              received++;
              give(worker);
              merging = merging.then(merge).catch((e) => fail(rethrow(e)));
            }
          };
          worker.postMessage({ type: "init", module: module() });
          give(worker);
        }
      });
    } finally {
      for (const worker of pool) worker.terminate();
      merger?.free();
    }
  };
}

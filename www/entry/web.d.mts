export * from "./web/kpilab_wasm.js";
export { default, default as init } from "./web/kpilab_wasm.js";
export { KpilabError } from "./error.js";
export type { KpilabErrorJSON } from "./error.js";
import type { EvalConfig, Evaluation, Progress } from "./web/kpilab_wasm.js";
/** Options of `evaluateFile`. */
export interface EvaluateFileOptions {
  /** Module workers reading slices in parallel; default `navigator.hardwareConcurrency`. */
  workers?: number;
  /** Called as slices are read: bytes and rows so far, over all workers (`bytes` reaches `file.size`). */
  onProgress?: (progress: Progress) => void;
  /** Aborting stops every worker; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Bytes per slice (default: the file split evenly over the workers); small values are for tests. */
  sliceBytes?: number;
}
/**
 * Evaluates a File or Blob read in slices by up to `workers` module workers
 * (the same .wasm); the result equals `evaluateCsv` on the whole file, row
 * numbers in `rows.errors` included (numbers within 1e-12 relative). A config
 * with `userColumn` is read by one worker. Call `await init()` first.
 */
export declare function evaluateFile(file: Blob, config: EvalConfig, options?: EvaluateFileOptions): Promise<Evaluation>;

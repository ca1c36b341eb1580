export * from "./node/kpilab_wasm.js";
export { KpilabError } from "./error.js";
export type { KpilabErrorJSON } from "./error.js";
/** A no-op here (the wasm module is already loaded), so browser-style `await init()` code runs unchanged. */
export declare function init(options?: unknown): Promise<void>;
/** A no-op here (the wasm module is already loaded). */
export declare function initSync(options?: unknown): void;
import type { EvalConfig, Evaluation, Progress } from "./node/kpilab_wasm.js";
/** Options of `evaluateFile` (Node reads on one thread: `workers` is accepted and ignored). */
export interface EvaluateFileOptions {
  workers?: number;
  /** Called per chunk read: bytes and rows so far. */
  onProgress?: (progress: Progress) => void;
  /** Aborting stops the reading; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Used by the web build's slices only. */
  sliceBytes?: number;
}
/**
 * Evaluates a file (a path, a file: URL or a Blob), streamed on this thread: the
 * same result as `evaluateCsv` on the whole file, in bounded memory.
 */
export declare function evaluateFile(file: string | URL | Blob, config: EvalConfig, options?: EvaluateFileOptions): Promise<Evaluation>;

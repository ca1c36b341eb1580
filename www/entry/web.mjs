// Browsers and bundlers that handle `new URL(..., import.meta.url)` (Vite, webpack 5):
// call `await init()` once before anything else.
import rawInit, * as raw from "./web/kpilab_wasm.js";
import { KpilabError } from "./error.mjs";
import { wrapAll } from "./wrap.mjs";
import { makeEvaluateFile } from "./file.mjs";

let ready = false;
// A compiled WebAssembly.Module given to init is posted to evaluateFile's
// workers; otherwise they fetch the .wasm from its default URL (next to this file).
let compiled;
const remember = (options) => {
  const m = options && Object.getPrototypeOf(options) === Object.prototype ? (options.module_or_path ?? options.module) : options;
  if (typeof WebAssembly !== "undefined" && m instanceof WebAssembly.Module) compiled = m;
};
const check = (name) => {
  if (!ready) {
    throw new KpilabError(
      "UNSUPPORTED",
      "",
      `kpilab is not initialised: call \`await init()\` (the default export of "kpilab" / "kpilab/web") once before ${name}()`,
    );
  }
};

/** Fetches and compiles the .wasm (once; later calls return the same instance). */
export default async function init(options) {
  remember(options);
  const exports = await rawInit(options);
  ready = true;
  return exports;
}
export { init };

/** Compiles the .wasm synchronously from its bytes or a WebAssembly.Module: `initSync({ module })`. */
export function initSync(options) {
  remember(options);
  const exports = raw.initSync(options);
  ready = true;
  return exports;
}

export const { planSampleSize, planMde, planPower, planDuration, powerCurve, analyze, analyzeTimeToEvent, kpis, evaluateCsv, evaluateAggregates, toSql, CsvEvaluator, kpiPreset, kpiPresets, canSplit, csvHeaderLength, CsvSliceEvaluator, SliceMerger, canPartition, CsvPartitionEvaluator, PartitionMerger } = wrapAll(raw, check);
export { KpilabError };

/**
 * Evaluates a File or Blob in parallel slices on module workers (file-worker.mjs,
 * the same .wasm); the result is evaluateCsv's on the whole file (SDK.md §7).
 */
export const evaluateFile = makeEvaluateFile(raw, check, () => compiled);

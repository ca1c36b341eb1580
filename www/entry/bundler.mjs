// Bundlers with WebAssembly ES-module integration (webpack `experiments.asyncWebAssembly`): no init call.
// `init`/`initSync` (and the default export) are no-ops, for code shared with the web build.
import * as wasm from "./bundler/kpilab_wasm.js";
import { wrapAll } from "./wrap.mjs";
export const { planSampleSize, planMde, planPower, planDuration, powerCurve, analyze, analyzeTimeToEvent, kpis, evaluateCsv, evaluateAggregates, toSql, CsvEvaluator, kpiPreset, kpiPresets, canSplit, csvHeaderLength, CsvSliceEvaluator, SliceMerger, canPartition, CsvPartitionEvaluator, PartitionMerger } = wrapAll(wasm);
export { KpilabError } from "./error.mjs";

/** A no-op: a bundler with WebAssembly ES-module integration has already loaded the module. */
export default async function init(_options) {}
export { init };
/** A no-op: a bundler with WebAssembly ES-module integration has already loaded the module. */
export function initSync(_options) {}

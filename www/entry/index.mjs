// Node (ES modules): the same synchronous build as require("kpilab"); no init call.
// `init`/`initSync` (and the default export) are no-ops, so code written for the
// browser (`import init from "kpilab"; await init();`) runs unchanged in Node, SSR and tests.
import { createRequire } from "node:module";
import { wrapAll } from "./wrap.mjs";
const require = createRequire(import.meta.url);
const wasm = require("./node/kpilab_wasm.js");
export const { planSampleSize, planMde, planPower, planDuration, powerCurve, analyze, analyzeTimeToEvent, kpis, evaluateCsv, evaluateAggregates, toSql, CsvEvaluator, kpiPreset, kpiPresets, canSplit, csvHeaderLength, CsvSliceEvaluator, SliceMerger, canPartition, CsvPartitionEvaluator, PartitionMerger } = wrapAll(wasm);
export { KpilabError } from "./error.mjs";
import { KpilabError } from "./error.mjs";
/** A path or a Blob, streamed on this thread (SDK.md §7): evaluateCsv's result on the whole file. */
export const evaluateFile = require("./file-node.cjs").makeEvaluateFile(CsvEvaluator, KpilabError);

/** A no-op in Node: the wasm module is already loaded. */
export default async function init(_options) {}
export { init };
/** A no-op in Node: the wasm module is already loaded. */
export function initSync(_options) {}

// Node (ES modules): the same synchronous build as require("kpilab"); no init call.
// `init`/`initSync` (and the default export) are no-ops, so code written for the
// browser (`import init from "kpilab"; await init();`) runs unchanged in Node, SSR and tests.
import { createRequire } from "node:module";
import { wrapAll } from "./wrap.mjs";
const wasm = createRequire(import.meta.url)("./node/kpilab_wasm.js");
export const { planSampleSize, planMde, planPower, planDuration, powerCurve, analyze, analyzeTimeToEvent, kpis, evaluateCsv, evaluateAggregates, toSql, CsvEvaluator, kpiPreset, kpiPresets } = wrapAll(wasm);
export { KpilabError } from "./error.mjs";

/** A no-op in Node: the wasm module is already loaded. */
export default async function init(_options) {}
export { init };
/** A no-op in Node: the wasm module is already loaded. */
export function initSync(_options) {}

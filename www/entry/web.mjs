// Browsers and bundlers that handle `new URL(..., import.meta.url)` (Vite, webpack 5):
// call `await init()` once before anything else.
export { default, initSync, planSampleSize, planMde, planPower, planDuration, powerCurve, analyze, kpis, evaluateCsv, CsvEvaluator } from "./web/kpilab_wasm.js";
export { KpilabError } from "./error.mjs";

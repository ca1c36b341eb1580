// Node (ES modules): the same synchronous build as require("kpilab"); no init call.
import { createRequire } from "node:module";
const wasm = createRequire(import.meta.url)("./node/kpilab_wasm.js");
export const { planSampleSize, planMde, planPower, planDuration, powerCurve, analyze, kpis, evaluateCsv, CsvEvaluator } = wasm;
export { KpilabError } from "./error.mjs";

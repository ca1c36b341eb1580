// Browsers and bundlers that handle `new URL(..., import.meta.url)` (Vite, webpack 5):
// call `await init()` once before anything else.
import rawInit, * as raw from "./web/kpilab_wasm.js";
import { KpilabError } from "./error.mjs";
import { wrapAll } from "./wrap.mjs";

let ready = false;
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
  const exports = await rawInit(options);
  ready = true;
  return exports;
}
export { init };

/** Compiles the .wasm synchronously from its bytes or a WebAssembly.Module: `initSync({ module })`. */
export function initSync(options) {
  const exports = raw.initSync(options);
  ready = true;
  return exports;
}

export const { planSampleSize, planMde, planPower, planDuration, powerCurve, analyze, analyzeTimeToEvent, kpis, evaluateCsv, evaluateAggregates, toSql, CsvEvaluator, kpiPreset, kpiPresets } = wrapAll(raw, check);
export { KpilabError };

// Internal (not in the package's exports): the entry points' wrappers around the
// wasm-bindgen functions. Errors the wasm throws get KpilabError's prototype
// (so `toJSON()` works on them) and `check` runs before each call (the web
// build's "call await init() first").
import { KpilabError } from "./error.mjs";

const adopt = (e) => {
  if (e instanceof KpilabError && !KpilabError.prototype.isPrototypeOf(e)) Object.setPrototypeOf(e, KpilabError.prototype);
  return e;
};

export function wrapFunction(fn, check) {
  const wrapped = {
    [fn.name](...args) {
      if (check) check(fn.name);
      try {
        return fn.apply(this, args);
      } catch (e) {
        throw adopt(e);
      }
    },
  }[fn.name];
  return wrapped;
}

export function wrapClass(Base, check) {
  const Wrapped = class extends Base {
    constructor(...args) {
      if (check) check(Base.name);
      try {
        super(...args);
      } catch (e) {
        throw adopt(e);
      }
    }
  };
  for (const key of Object.getOwnPropertyNames(Base.prototype)) {
    const value = Base.prototype[key];
    if (key === "constructor" || key.startsWith("__") || typeof value !== "function") continue;
    Object.defineProperty(Wrapped.prototype, key, { value: wrapFunction(value), writable: true, configurable: true });
  }
  Object.defineProperty(Wrapped, "name", { value: Base.name });
  return Wrapped;
}

/** Aggregate row objects as CSV text (what the wasm reads); numbers print exactly (shortest round trip). */
export function rowsToCsv(rows) {
  if (!Array.isArray(rows)) return rows;
  const columns = [];
  for (const r of rows) for (const k of Object.keys(r ?? {})) if (!columns.includes(k)) columns.push(k);
  const cell = (v) => {
    if (v === null || v === undefined) return "";
    const s = typeof v === "bigint" ? v.toString() : String(v);
    return /[",\r\n]/.test(s) || s.trim() !== s ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [columns.map(cell).join(","), ...rows.map((r) => columns.map((c) => cell(r?.[c])).join(","))].join("\n") + "\n";
}

/** The names of `kpiPresets` (as `PRESET_NAMES` in the core's evaluate/presets.rs). */
const PRESETS = ["conversionRate", "revenuePerUser", "averageOrderValue", "ordersPerUser", "bounceRate", "repeatPurchaseRate",
  "activation", "trialToPaid", "qualifiedLeadRate", "refundRate", "timeToConvert", "checkoutFunnel"];

/** Wraps every function and the CsvEvaluator class of a wasm-bindgen module's exports. */
export function wrapAll(api, check) {
  const out = {};
  for (const name of ["planSampleSize", "planMde", "planPower", "planDuration", "powerCurve", "analyze", "analyzeTimeToEvent", "kpis", "evaluateCsv", "evaluateAggregates", "toSql"]) {
    out[name] = wrapFunction(api[name], check);
  }
  const evaluateAggregates = out.evaluateAggregates;
  out.evaluateAggregates = { evaluateAggregates: (aggregates, config) => evaluateAggregates(rowsToCsv(aggregates), config) }.evaluateAggregates;
  out.CsvEvaluator = wrapClass(api.CsvEvaluator, check);
  // The parts of evaluateFile (SDK.md §7), for callers that run their own workers.
  for (const name of ["canSplit", "csvHeaderLength", "canPartition"]) out[name] = wrapFunction(api[name], check);
  for (const name of ["CsvSliceEvaluator", "SliceMerger", "CsvPartitionEvaluator", "PartitionMerger"]) out[name] = wrapClass(api[name], check);
  out.kpiPreset = wrapFunction(api.kpiPreset, check);
  out.kpiPresets = Object.freeze(Object.fromEntries(PRESETS.map((name) => [name, (options) => out.kpiPreset(name, options)])));
  return out;
}

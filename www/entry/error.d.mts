/** The plain object of `KpilabError.prototype.toJSON()`: survives `postMessage` and `JSON.stringify`. */
export interface KpilabErrorJSON {
  name: "KpilabError";
  code: ErrorCode;
  field: string;
  message: string;
}

/** Thrown by every kpilab function on bad input. */
export declare class KpilabError extends Error {
  constructor(code: ErrorCode, field: string, message: string);
  /** "INVALID_INPUT" | "UNSUPPORTED" | "CSV_PARSE" | "NO_SOLUTION" */
  readonly code: ErrorCode;
  /** Path of the offending input, e.g. "variants[1].conversions"; "" for the input as a whole. */
  readonly field: string;
  /** `{ name, code, field, message }`, e.g. to `postMessage` an error out of a worker. */
  toJSON(): KpilabErrorJSON;
  /** Rebuilds a KpilabError (with `instanceof`, `code` and `field`) from `toJSON()`'s object. */
  static from(value: { code: ErrorCode | string; field?: string; message?: string }): KpilabError;
}
import type { ErrorCode } from "./node/kpilab_wasm.js";

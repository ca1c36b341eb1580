/** Thrown by every kpilab function on bad input. */
export declare class KpilabError extends Error {
  constructor(code: ErrorCode, field: string, message: string);
  /** "INVALID_INPUT" | "UNSUPPORTED" | "CSV_PARSE" | "NO_SOLUTION" */
  readonly code: ErrorCode;
  /** Path of the offending input, e.g. "variants[1].conversions"; "" for the input as a whole. */
  readonly field: string;
}
import type { ErrorCode } from "./node/kpilab_wasm.js";

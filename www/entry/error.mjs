/**
 * Thrown by every kpilab function on bad input: `code` ("INVALID_INPUT",
 * "UNSUPPORTED", "CSV_PARSE", "NO_SOLUTION"), `field` (a path such as
 * "variants[1].conversions") and a message a person can act on.
 * Errors thrown from the wasm module are plain Errors named "KpilabError";
 * `instanceof KpilabError` recognises them as well as instances made here,
 * and the package's entry points give them this class's prototype (toJSON).
 */
export class KpilabError extends Error {
  constructor(code, field, message) {
    super(message);
    this.name = "KpilabError";
    this.code = code;
    this.field = field;
  }

  /** A plain object that survives `postMessage` and `JSON.stringify`: name, code, field, message. */
  toJSON() {
    return { name: "KpilabError", code: this.code, field: this.field, message: this.message };
  }

  /** Rebuilds a KpilabError from `toJSON()`'s object (e.g. one posted by a worker). */
  static from(value) {
    if (value instanceof KpilabError && KpilabError.prototype.isPrototypeOf(value)) return value;
    if (value === null || typeof value !== "object") {
      throw new TypeError("KpilabError.from expects an object such as the one error.toJSON() returns");
    }
    const { code, field, message } = value;
    return new KpilabError(typeof code === "string" ? code : "INVALID_INPUT", typeof field === "string" ? field : "", typeof message === "string" ? message : "");
  }

  static [Symbol.hasInstance](value) {
    return value instanceof Error && value.name === "KpilabError" && typeof value.code === "string" && typeof value.field === "string";
  }
}

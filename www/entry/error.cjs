/**
 * Thrown by every kpilab function on bad input: `code` ("INVALID_INPUT",
 * "UNSUPPORTED", "CSV_PARSE", "NO_SOLUTION"), `field` (a path such as
 * "variants[1].conversions") and a message a person can act on.
 * Errors thrown from the wasm module are plain Errors named "KpilabError";
 * `instanceof KpilabError` recognises them as well as instances made here.
 */
class KpilabError extends Error {
  constructor(code, field, message) {
    super(message);
    this.name = "KpilabError";
    this.code = code;
    this.field = field;
  }

  static [Symbol.hasInstance](value) {
    return value instanceof Error && value.name === "KpilabError" && typeof value.code === "string" && typeof value.field === "string";
  }
}
module.exports = { KpilabError };

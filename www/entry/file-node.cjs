// Internal: evaluateFile of the Node builds (SDK.md §7). Node reads the file on
// one thread, streaming (fs for a path, Blob.stream() for a Blob) into a
// CsvEvaluator: the same result as evaluateCsv on the whole file.
"use strict";
const { createReadStream } = require("node:fs");

function makeEvaluateFile(CsvEvaluator, KpilabError) {
  return async function evaluateFile(file, config, options = {}) {
    const { onProgress, signal } = options ?? {};
    let stream;
    if (typeof file === "string" || file instanceof URL) stream = createReadStream(file, { highWaterMark: 1 << 20 });
    else if (file && typeof file.stream === "function" && typeof file.size === "number") stream = file.stream();
    else throw new KpilabError("INVALID_INPUT", "file", "evaluateFile reads a file path or a Blob; for a string or bytes use evaluateCsv");
    signal?.throwIfAborted();
    const evaluator = new CsvEvaluator(config);
    try {
      for await (const chunk of stream) {
        signal?.throwIfAborted();
        evaluator.push(chunk);
        onProgress?.(evaluator.progress());
      }
      signal?.throwIfAborted();
      return evaluator.finish();
    } catch (e) {
      if (e && e.code === "ENOENT") throw new KpilabError("INVALID_INPUT", "file", `no such file: ${file}`);
      throw e;
    } finally {
      stream.destroy?.();
      evaluator.free();
    }
  };
}

module.exports = { makeEvaluateFile };

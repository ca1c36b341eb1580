// Peak wasm heap of CsvEvaluator over a generated stream: the web build with
// initSync hands us the module's Memory, so we can watch it grow (or not).
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { initSync, CsvEvaluator } from "kpilab/web";
import { CONFIG, csvBlocks } from "./generate.mjs";

export function streamPeakMemory(targetBytes) {
  const wasmFile = fileURLToPath(new URL("../pkg/bundler/kpilab_wasm_bg.wasm", import.meta.url));
  const exports = initSync({ module: readFileSync(wasmFile) });
  const encoder = new TextEncoder();
  const evaluator = new CsvEvaluator(CONFIG);
  let peak = 0, bytes = 0, pending = [], pendingBytes = 0, seconds = 0;
  // rows are generated on the fly: about 37 bytes each
  for (const block of csvBlocks(Math.ceil(targetBytes / 37), { seed: 7, blockRows: 25_000 })) {
    const chunk = encoder.encode(block);
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (pendingBytes < 1 << 20) continue;
    const t0 = performance.now(); // time the engine, not the generator
    for (const c of pending) evaluator.push(c);
    seconds += (performance.now() - t0) / 1000;
    bytes += pendingBytes;
    pending = [];
    pendingBytes = 0;
    peak = Math.max(peak, exports.memory.buffer.byteLength);
  }
  const t0 = performance.now();
  for (const c of pending) evaluator.push(c);
  bytes += pendingBytes;
  const { rows } = evaluator.progress();
  evaluator.finish();
  seconds += (performance.now() - t0) / 1000;
  peak = Math.max(peak, exports.memory.buffer.byteLength);
  return { bytes, rows, peakHeap: peak, seconds };
}

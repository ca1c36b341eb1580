// A browser-only project (tsconfig.browser.json: lib DOM, no @types/node,
// skipLibCheck false, bundler resolution): the package's types compile with no
// Node type and no esnext lib, and init's types take no `any`.
import init, { initSync, analyze, CsvEvaluator, KpilabError } from "kpilab";
import * as web from "kpilab/web";
import * as bundler from "kpilab/bundler";

await init();
await init({ module_or_path: new URL("/kpilab_wasm_bg.wasm", location.href) });
initSync({ module: new Uint8Array(0) });
await web.default();
await bundler.default();

const evaluator = new CsvEvaluator({ variantColumn: "v", kpis: [{ name: "c", role: "primary", kind: "conversion", column: "c" }] });
evaluator.push(new TextEncoder().encode("v,c\n"));
const result = analyze({ metric: "mean", variants: [{ name: "A", users: 10, sum: 5, sumSquares: 9 }, { name: "B", users: 10, sum: 6, sumSquares: 9 }] });
const err: KpilabError = KpilabError.from({ code: "INVALID_INPUT" });
console.log(result.comparisons[0].verdict, evaluator.finish().decision.verdict, err.toJSON().code);

// init's types take and give no `any` (the raw wasm exports' `any` became `unknown`)
type IsAny<T> = 0 extends 1 & T ? true : false;
type AnyIn<F extends (...args: never[]) => unknown> = IsAny<Parameters<F>[0]> | IsAny<Awaited<ReturnType<F>>>;
type RawExport = Awaited<ReturnType<typeof init>>["analyze"];
export const noAny: [AnyIn<typeof init>, AnyIn<typeof initSync>, AnyIn<typeof bundler.init>, IsAny<Parameters<RawExport>[0]>] = [false, false, false, false];

// evaluateFile (SDK.md §7): a File or Blob on module workers.
const fileResult: Promise<web.Evaluation> = web.evaluateFile(new Blob(["variant,c\n"]), { variantColumn: "variant", kpis: [{ name: "c", role: "primary", kind: "conversion", column: "c" }] }, {
  workers: 4,
  onProgress: (p) => p.bytes,
  signal: new AbortController().signal,
});
void fileResult;

// The in-browser contenders of `make bench` (bench/browser.mjs drives this page):
// the SDK's CsvEvaluator on the page's main thread fed from File.stream(), and
// DuckDB-wasm's GROUP BY on the same File. Everything is served from this machine:
// /pkg/ is the SDK's web build, /duckdb/ node_modules/@duckdb/duckdb-wasm/dist,
// /out/duckdb.mjs that package's browser build bundled by esbuild (it imports
// apache-arrow by bare name).
import init, * as kpilab from "/pkg/web.mjs";
import * as duckdb from "/out/duckdb.mjs";

const file = () => {
  const f = document.getElementById("file").files[0];
  if (!f) throw new Error("no file on the input");
  return f;
};

let db = null;

window.bench = {
  ready: init(),

  /** Milliseconds for CsvEvaluator over file.stream(), and the evaluation's row counts and verdict. */
  async sdk(config) {
    const t0 = performance.now();
    const evaluator = new kpilab.CsvEvaluator(config);
    const reader = file().stream().getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      evaluator.push(value);
    }
    const evaluation = evaluator.finish();
    const ms = performance.now() - t0;
    return { ms, rows: evaluation.rows.used, verdict: evaluation.decision.verdict };
  },

  /** SDK.md §7: evaluateFile, once the web build has it (issue 17). */
  hasEvaluateFile: typeof kpilab.evaluateFile === "function",

  /** Milliseconds for evaluateFile(file, config, { workers }). */
  async evaluateFile(config, workers) {
    const t0 = performance.now();
    const evaluation = await kpilab.evaluateFile(file(), config, { workers });
    const ms = performance.now() - t0;
    return { ms, rows: evaluation.rows.used, verdict: evaluation.decision.verdict };
  },

  /** Starts DuckDB-wasm (the bundle Chromium supports, eh or mvp, with its worker) and registers the File. */
  async duckdbOpen() {
    const bundle = await duckdb.selectBundle({
      mvp: { mainModule: "/duckdb/duckdb-mvp.wasm", mainWorker: "/duckdb/duckdb-browser-mvp.worker.js" },
      eh: { mainModule: "/duckdb/duckdb-eh.wasm", mainWorker: "/duckdb/duckdb-browser-eh.worker.js" },
    });
    const worker = new Worker(bundle.mainWorker);
    db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
    await db.instantiate(bundle.mainModule, bundle.pthreadWorker);
    await db.registerFileHandle("bench.csv", file(), duckdb.DuckDBDataProtocol.BROWSER_FILEREADER, true);
    const conn = await db.connect();
    const version = (await conn.query("SELECT version() AS v")).toArray()[0].v;
    await conn.close();
    return { bundle: bundle.mainModule.split("/").pop(), version };
  },

  /** Milliseconds for `sql` over the registered File, and the sum of its column `n`. */
  async duckdb(sql) {
    const conn = await db.connect();
    const t0 = performance.now();
    const table = await conn.query(sql);
    const ms = performance.now() - t0;
    await conn.close();
    const rows = table.toArray().reduce((sum, r) => sum + Number(r.n), 0);
    return { ms, rows };
  },
};

// The browser half of `make bench` (bench/run.mjs calls it; `node bench/browser.mjs`
// runs it alone): one seeded per-user CSV of BENCH_BROWSER_MB (default 400) MB,
// cached in bench/out, evaluated by
//   - the app end to end in headless Chromium (dist/, file input -> decision card),
//     with and without the user column;
//   - the SDK's CsvEvaluator on a page's main thread fed from File.stream();
//   - the SDK's evaluateFile with 1 and N workers, once the web build has it;
//   - DuckDB-wasm's GROUP BY on the same File in the same browser;
//   - the SDK's evaluateCsv and native DuckDB in Node on the same file.
// The SDK runs the configuration the app's auto-mapping makes of these columns.
// Each figure is the best of BENCH_BROWSER_RUNS (default 3) runs after a warm-up.
// `--app-only [--dist DIR]` times only the app (to compare two builds of dist/).
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { DuckDBInstance } from "@duckdb/node-api";
import { evaluateCsv } from "kpilab";
import { AUTO_CONFIG, ROOT, launchBrowser, serveStatic } from "../tests/browser/harness.mjs";
import { csvBlocks } from "./generate.mjs";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const DUCKDB_DIST = join(ROOT, "node_modules/@duckdb/duckdb-wasm/dist");

/** The app's configuration for the generated columns, with or without `userColumn`. */
const appConfig = (userColumn) => {
  const { userColumn: _, ...rest } = AUTO_CONFIG;
  return userColumn ? AUTO_CONFIG : rest;
};

/** The equivalent GROUP BY: per variant, count and the sum and sum of squares of each KPI column. */
const groupBy = (source) => {
  const cols = ["converted", "revenue", "orders", "pre_revenue"];
  const sums = cols.map((c) => `sum(${c}) AS s_${c}, sum(${c} * ${c}) AS q_${c}`).join(", ");
  return `SELECT variant, count(*) AS n, ${sums} FROM read_csv('${source}', header = true) GROUP BY variant ORDER BY variant`;
};

/**
 * The seeded per-user file of about `mb` MB (whole blocks of rows), generated
 * once into bench/out. `twice`: each user on two rows half the file apart (about
 * 40 bytes a row, so 400 MB holds 5 M users), as issue 17's second file.
 */
export function browserFile(mb, { twice = false } = {}) {
  mkdirSync(here("out"), { recursive: true });
  const path = here(`out/users-${twice ? "twice-" : ""}${mb}MB.csv`);
  if (!existsSync(path)) {
    const part = `${path}.part`;
    const fd = openSync(part, "w");
    let bytes = 0;
    const userCycle = twice ? Math.round((mb * 1e6) / 40 / 2) : undefined;
    for (const block of csvBlocks(Infinity, { seed: 11, blockRows: 20_000, userCycle })) {
      bytes += writeSync(fd, block);
      if (bytes >= mb * 1e6) break;
    }
    closeSync(fd);
    renameSync(part, path);
  }
  return path;
}

/** Best (fastest) of `runs` calls of async `fn` (each resolves to { ms, ... }), after one warm-up call. */
async function bestOf(runs, fn) {
  await fn();
  let best = null;
  for (let i = 0; i < runs; i++) {
    const r = await fn();
    if (!best || r.ms < best.ms) best = r;
  }
  return best;
}

/** The app in dist/ (or `dist`): file input, auto-mapping, then Evaluate clicked until the decision card shows. */
async function timeApp(context, origin, path, userColumn, runs) {
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(e.message));
  await page.goto(`${origin}/?view=evaluate`);
  await page.getByTestId("csv-file").setInputFiles(path);
  await page.getByTestId("csv-preview").waitFor();
  if (!userColumn) await page.locator("#userColumn").selectOption("");
  const mapped = await page.locator("#userColumn").inputValue();
  if (mapped !== (userColumn ? "user_id" : "")) throw new Error(`the app mapped the user column to "${mapped}"`);
  const once = async () => {
    // Timed in the page: from the click to the moment a new decision card is in the DOM.
    const ms = await page.evaluate(
      (limitMs) =>
        new Promise((resolve, reject) => {
          const card = () => document.querySelector('[data-testid="decision-card"]');
          const old = card();
          const t0 = performance.now();
          const timer = setTimeout(() => reject(new Error(`no decision card after ${limitMs} ms: ${document.body.innerText.slice(0, 400)}`)), limitMs);
          const observer = new MutationObserver(() => {
            const now = card();
            if (now && now !== old) {
              const ms = performance.now() - t0;
              observer.disconnect();
              clearTimeout(timer);
              resolve(ms);
            }
          });
          observer.observe(document.body, { childList: true, subtree: true });
          document.querySelector('[data-testid="evaluate"]').click();
        }),
      Math.max(120_000, statSync(path).size / 1e3),
    );
    const counts = (await page.getByTestId("row-counts").textContent()).trim();
    const verdict = (await page.getByTestId("decision-verdict").textContent()).trim();
    return { ms, counts, verdict };
  };
  const best = await bestOf(runs, once);
  await page.close();
  if (problems.length) throw new Error(`the app failed: ${problems.join("; ")}`);
  return best;
}

/** The SDK's Node build on the file's bytes. */
function timeNodeSdk(bytes, config, runs) {
  return bestOf(runs, async () => {
    const t0 = performance.now();
    const e = evaluateCsv(bytes, config);
    return { ms: performance.now() - t0, rows: e.rows.used, verdict: e.decision.verdict };
  });
}

async function timeNodeDuckdb(path, runs) {
  const instance = await DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  const threads = (await conn.runAndReadAll("SELECT current_setting('threads') AS t")).getRowObjects()[0].t;
  const version = (await conn.runAndReadAll("SELECT version() AS v")).getRowObjects()[0].v;
  const sql = groupBy(path.replaceAll("'", "''"));
  const best = await bestOf(runs, async () => {
    const t0 = performance.now();
    const result = await conn.runAndReadAll(sql);
    const ms = performance.now() - t0;
    return { ms, rows: result.getRowObjects().reduce((s, r) => s + Number(r.n), 0) };
  });
  conn.closeSync();
  instance.closeSync();
  return { ...best, threads, version };
}

/** Runs the browser bench and prints its table; `options.appOnly` times only the app, from `options.dist`. */
export async function browserBench({ appOnly = false, dist = join(ROOT, "dist") } = {}) {
  const mbWanted = Number(process.env.BENCH_BROWSER_MB ?? 400);
  const runs = Number(process.env.BENCH_BROWSER_RUNS ?? 3);
  if (!existsSync(join(dist, "index.html"))) throw new Error(`${dist}/index.html is missing: run \`make dist\` first`);
  const path = browserFile(mbWanted);
  const mb = statSync(path).size / 1e6;
  const cores = availableParallelism();

  const results = []; // { name, user, ms, note }
  const twice = []; // { name, ms }: the file of 5 M users, each twice, with userColumn
  let twiceMb = 0;
  const add = (name, user, r, note = "") => {
    results.push({ name, user, ms: r.ms, note });
    process.stdout.write(`  ${name}${user ? " (userColumn)" : ""}: ${(r.ms / 1000).toFixed(2)} s\n`);
  };

  // Node first: its rows and verdict are what every browser contender must reproduce.
  const expected = {};
  if (!appOnly) {
    const bytes = readFileSync(path);
    for (const user of [false, true]) {
      const r = await timeNodeSdk(bytes, appConfig(user), runs);
      expected[user] = r;
      add("kpilab evaluateCsv (Node, bytes, 1 thread)", user, r);
    }
  } else {
    const bytes = readFileSync(path);
    for (const user of [false, true]) {
      const e = evaluateCsv(bytes, appConfig(user));
      expected[user] = { rows: e.rows.used, verdict: e.decision.verdict };
    }
  }
  const rowsText = (n) => n.toLocaleString("en-US");
  console.log(`browser bench file: ${path} (${rowsText(expected[false].rows)} rows, ${mb.toFixed(1)} MB), ${cores} cores, best of ${runs} after a warm-up`);

  const app = await serveStatic(dist);
  const browser = await launchBrowser();
  let benchSite = null;
  try {
    for (const user of [false, true]) {
      const r = await timeApp(browser.context, app.origin, path, user, runs);
      const want = `Read ${rowsText(expected[user].rows)}, used ${rowsText(expected[user].rows)}, skipped 0.`;
      if (r.counts !== want || r.verdict !== expected[user].verdict) {
        throw new Error(`the app showed "${r.counts}" / ${r.verdict}; the SDK: "${want}" / ${expected[user].verdict}`);
      }
      add("app end to end (Chromium, file input -> decision card)", user, r);
    }

    if (!appOnly) {
      await build({
        entryPoints: [join(DUCKDB_DIST, "duckdb-browser.mjs")],
        bundle: true,
        format: "esm",
        platform: "browser",
        outfile: here("out/browser/duckdb.mjs"),
        logLevel: "warning",
      });
      benchSite = await serveStatic(here("browser"), {
        "/pkg/": join(ROOT, "pkg"),
        "/duckdb/": DUCKDB_DIST,
        "/out/": here("out/browser"),
      });
      const page = await browser.context.newPage();
      const problems = [];
      page.on("pageerror", (e) => problems.push(e.message));
      await page.goto(`${benchSite.origin}/`);
      await page.waitForFunction(() => window.bench);
      await page.evaluate(() => window.bench.ready.then(() => true));
      await page.locator("#file").setInputFiles(path);

      for (const user of [false, true]) {
        const r = await bestOf(runs, () => page.evaluate((c) => window.bench.sdk(c), appConfig(user)));
        if (r.rows !== expected[user].rows) throw new Error(`CsvEvaluator in Chromium used ${r.rows} rows, Node ${expected[user].rows}`);
        add("kpilab CsvEvaluator (Chromium main thread, File.stream())", user, r);
      }

      const workerCounts = [...new Set([1, await page.evaluate(() => navigator.hardwareConcurrency)])];
      if (await page.evaluate(() => window.bench.hasEvaluateFile)) {
        for (const workers of workerCounts) {
          for (const user of [false, true]) {
            const r = await bestOf(runs, () => page.evaluate(([c, w]) => window.bench.evaluateFile(c, w), [appConfig(user), workers]));
            if (r.rows !== expected[user].rows) throw new Error(`evaluateFile used ${r.rows} rows, Node ${expected[user].rows}`);
            add(`kpilab evaluateFile (Chromium, ${workers} worker${workers > 1 ? "s" : ""})`, user, r);
          }
        }
      } else {
        console.log("  evaluateFile: not in this build");
      }

      // Issue 17's second file: 5 M users (at 400 MB), each on two rows.
      const twicePath = browserFile(mbWanted, { twice: true });
      const twiceNode = await timeNodeSdk(readFileSync(twicePath), appConfig(true), runs);
      twice.push({ name: "kpilab evaluateCsv (Node, bytes, 1 thread)", ...twiceNode });
      const twiceApp = await timeApp(browser.context, app.origin, twicePath, true, runs);
      const wantTwice = `Read ${rowsText(twiceNode.rows)}, used ${rowsText(twiceNode.rows)}, skipped 0.`;
      if (twiceApp.counts !== wantTwice || twiceApp.verdict !== twiceNode.verdict) {
        throw new Error(`the app showed "${twiceApp.counts}" / ${twiceApp.verdict}; the SDK: "${wantTwice}" / ${twiceNode.verdict}`);
      }
      twice.push({ name: "app end to end (Chromium, file input -> decision card)", ...twiceApp });
      if (await page.evaluate(() => window.bench.hasEvaluateFile)) {
        await page.locator("#file").setInputFiles(twicePath);
        const workers = Math.max(...workerCounts);
        const r = await bestOf(runs, () => page.evaluate(([c, w]) => window.bench.evaluateFile(c, w), [appConfig(true), workers]));
        if (r.rows !== twiceNode.rows) throw new Error(`evaluateFile used ${r.rows} rows, Node ${twiceNode.rows}`);
        twice.push({ name: `kpilab evaluateFile (Chromium, ${workers} workers)`, ...r });
        await page.locator("#file").setInputFiles(path);
      }
      twiceMb = statSync(twicePath).size / 1e6;
      for (const t of twice) process.stdout.write(`  ${t.name} (userColumn, each user twice): ${(t.ms / 1000).toFixed(2)} s\n`);

      const opened = await page.evaluate(() => window.bench.duckdbOpen());
      const duck = await bestOf(runs, () => page.evaluate((sql) => window.bench.duckdb(sql), groupBy("bench.csv")));
      if (duck.rows !== expected[false].rows) throw new Error(`DuckDB-wasm counted ${duck.rows} rows, kpilab ${expected[false].rows}`);
      add("DuckDB-wasm GROUP BY (Chromium, same File)", false, duck, `${opened.version}, ${opened.bundle}, 1 thread`);
      await page.close();
      if (problems.length) throw new Error(`the bench page failed: ${problems.join("; ")}`);

      const native = await timeNodeDuckdb(path, runs);
      if (native.rows !== expected[false].rows) throw new Error(`DuckDB counted ${native.rows} rows, kpilab ${expected[false].rows}`);
      add("DuckDB GROUP BY (Node, @duckdb/node-api)", false, native, `${native.version}, ${native.threads} threads`);
    }
  } finally {
    await browser.close();
    await app.close();
    await benchSite?.close();
  }

  // The table: MB/s, and each contender against the single-threaded SDK in Node
  // with the same user setting and against DuckDB-wasm.
  const rate = (r) => mb / (r.ms / 1000);
  const find = (prefix, user) => results.find((r) => r.name.startsWith(prefix) && r.user === user);
  const ratio = (a, b) => (a && b ? `${(rate(a) / rate(b)).toFixed(2)}x` : "-");
  const duckWasm = find("DuckDB-wasm", false);
  console.log(`\n${mb.toFixed(0)} MB per-user CSV (${rowsText(expected[false].rows)} rows; app configuration: 3 KPIs, CUPED, 2 segments)\n`);
  console.log("| contender | userColumn | s | MB/s | vs SDK in Node | vs DuckDB-wasm | notes |");
  console.log("|---|---|---:|---:|---:|---:|---|");
  for (const r of results) {
    const node = find("kpilab evaluateCsv (Node", r.user);
    console.log(
      `| ${r.name} | ${r.user ? "yes" : "no"} | ${(r.ms / 1000).toFixed(2)} | ${rate(r).toFixed(0)} | ${r === node ? "-" : ratio(r, node)} | ${r === duckWasm ? "-" : ratio(r, duckWasm)} | ${r.note} |`,
    );
  }
  if (!appOnly) {
    const appNo = find("app end to end", false), appUser = find("app end to end", true);
    const nodeNo = find("kpilab evaluateCsv (Node", false), nodeUser = find("kpilab evaluateCsv (Node", true);
    console.log("\nissue 17 targets:");
    console.log(`  app ${rate(appNo).toFixed(0)} MB/s (>= 400), ${ratio(appNo, nodeNo)} the SDK in Node (>= 1.5x)`);
    console.log(`  app with userColumn ${rate(appUser).toFixed(0)} MB/s (>= 300), ${ratio(appUser, nodeUser)} the SDK in Node (>= 1.5x)`);
    console.log(`  app ${ratio(appNo, duckWasm)} DuckDB-wasm (>= 5x); CsvEvaluator on the main thread ${ratio(find("kpilab CsvEvaluator", false), duckWasm)}`);
    if (twice.length) {
      const twiceRate = (t) => twiceMb / (t.ms / 1000);
      console.log(`\n${twiceMb.toFixed(0)} MB, each user on two rows (userColumn):\n`);
      console.log("| contender | s | MB/s | vs SDK in Node |");
      console.log("|---|---:|---:|---:|");
      for (const t of twice) {
        const vs = t === twice[0] ? "-" : `${(twiceRate(t) / twiceRate(twice[0])).toFixed(2)}x`;
        console.log(`| ${t.name} | ${(t.ms / 1000).toFixed(2)} | ${twiceRate(t).toFixed(0)} | ${vs} |`);
      }
      console.log(`  app with 5 M users (>= 300 MB/s, >= 1.5x the SDK in Node): ${twiceRate(twice[1]).toFixed(0)} MB/s, ${(twiceRate(twice[1]) / twiceRate(twice[0])).toFixed(2)}x`);
    }
  }
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { "app-only": { type: "boolean" }, dist: { type: "string" } } });
  await browserBench({ appOnly: values["app-only"], dist: values.dist ?? join(ROOT, "dist") });
}

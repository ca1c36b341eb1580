// Browser test of the Evaluate view (the built site in dist/, headless Chromium):
// a generated CSV goes in through the file input, is evaluated in the worker, and
// the decision card must agree with the SDK's own evaluateCsv on the same bytes,
// configured exactly as the app's auto-mapping configures it.
// Run: `PATH=node_modules/.bin:$PATH trunk build --release && node --test tests/browser/`
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, rmSync, openSync, writeSync, closeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { evaluateCsv } from "kpilab";
import { AUTO_CONFIG, DIST, OUT_DIR, ROOT, cspViolations, recordForeignRequests, serveStatic, useBuiltSite, watchProblems } from "./harness.mjs";
import { sampleCsv } from "../../scripts/sample-data.mjs";

// Two bad rows: a non-numeric KPI value and a short record.
const BAD_LINES = ["u900001,control,mobile,organic,maybe,1.00,1,0.00", "u900002,treatment,mobile"];

const site = useBuiltSite(["index.html", "worker_loader.js"]);
const problems = [];

async function openEvaluate() {
  const page = await site.browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 1000 });
  const foreign = recordForeignRequests(page, site.server.origin);
  const workers = [];
  page.on("worker", (w) => workers.push(w.url()));
  await watchProblems(page, problems);
  await page.goto(`${site.server.origin}/?view=evaluate`);
  await page.getByTestId("csv-file").waitFor({ state: "attached" });
  return { page, foreign, workers };
}

async function closePage(page) {
  const violations = await cspViolations(page);
  await page.close();
  return violations;
}

/** Polls `done` (a check on what the page has reported) for up to 10 s. */
async function waitUntil(done, what) {
  for (const start = Date.now(); !done(); ) {
    assert.ok(Date.now() - start < 10_000, `timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The number in "+6.0 %" / "-2.5 %". */
const number = (text) => Number(text.replace(/[^0-9eE.+-]/g, ""));

async function expectMatchesSdk(page, csvBytes) {
  const sdk = evaluateCsv(csvBytes, AUTO_CONFIG);
  const primary = sdk.kpis.find((k) => k.role === "primary").result.comparisons[0];
  await page.getByTestId("decision-verdict").waitFor({ timeout: 30_000 });
  assert.equal((await page.getByTestId("decision-verdict").textContent()).trim(), sdk.decision.verdict);

  const lift = page.getByTestId("primary-lift");
  assert.ok(Math.abs(number(await lift.textContent()) - primary.relativeLift * 100) <= 0.05 + 1e-9, "shown lift");
  assert.ok(Math.abs(Number(await lift.getAttribute("data-value")) - primary.relativeLift) < 1e-12, "exact lift");

  const p = page.getByTestId("primary-p-value");
  const shown = Number((await p.textContent()).trim());
  assert.ok(Math.abs(shown - primary.pValue) <= primary.pValue * 1e-3, `shown p ${shown} vs ${primary.pValue}`);
  assert.ok(Math.abs(Number(await p.getAttribute("data-value")) - primary.pValue) <= 1e-12, "exact p");
  return sdk;
}

test("an uploaded CSV is mapped on its own and matches the SDK", async () => {
  const csv = sampleCsv({ rows: 4000, seed: 7, lift: 0.3, extraLines: BAD_LINES });
  const file = join(OUT_DIR, "evaluate-input.csv");
  writeFileSync(file, csv);
  const { page, foreign, workers } = await openEvaluate();

  await page.getByTestId("csv-file").setInputFiles(file);
  await page.getByTestId("csv-preview").waitFor();
  assert.equal(await page.locator("#variantColumn").inputValue(), "variant");
  assert.equal(await page.locator("#userColumn").inputValue(), "user_id");
  assert.equal(await page.locator("#kpi-0-column").inputValue(), "converted");
  assert.equal(await page.locator("#kpi-1-covariate").inputValue(), "pre_revenue");
  // Choosing the file starts its worker, so Evaluate does not wait for one to compile.
  const csvWorkers = () => workers.filter((url) => url.endsWith("/worker_loader.js")).length;
  await waitUntil(() => csvWorkers() === 1, "a spare worker once the file is chosen");

  await page.getByTestId("evaluate").click();
  const sdk = await expectMatchesSdk(page, readFileSync(file));
  // The run took the spare (no second worker for it) and a fresh spare replaces it.
  await waitUntil(() => csvWorkers() === 2, "a fresh spare after the run");
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(csvWorkers(), 2, `one spare, then one fresh spare (${workers})`);

  // Bad rows are counted and named by line (header = line 1).
  assert.equal(sdk.rows.skipped, 2);
  const counts = await page.getByTestId("row-counts").textContent();
  assert.match(counts, /Read 4,002, used 4,000, skipped 2\./);
  const errors = await page.getByTestId("row-errors").textContent();
  assert.match(errors, new RegExp(`Line ${(4002).toLocaleString("en-US")}`));
  assert.match(errors, new RegExp(`Line ${(4003).toLocaleString("en-US")}`));
  assert.ok(await page.getByTestId("segment-table").isVisible());
  assert.ok(await page.locator("svg.forest-plot").isVisible());
  // One row per user: nothing is left out by the event-level rules, so no data-quality panel.
  assert.equal(await page.getByTestId("data-quality").count(), 0);

  assert.ok(workers.some((url) => url.endsWith("/worker_loader.js")), `the CSV was parsed in a worker (${workers})`);
  await page.screenshot({ path: join(OUT_DIR, "evaluate.png"), fullPage: true });
  assert.deepEqual(foreign, [], "no request may leave the page's origin");
  assert.deepEqual(await closePage(page), [], "CSP violations");
  assert.deepEqual(problems, []);
});

test("a 70 MB file with a user column is read by every worker, each for its share of the users, and matches the SDK", async () => {
  // Over 64 MiB, so the app starts one worker per core; with the user column
  // they partition the users (SDK.md §7). Users come back every 7th copy of the
  // block (their rows summed), and two bad rows sit in the middle of the file.
  const block = sampleCsv({ rows: 20000, seed: 5, lift: 0 }).split("\n").slice(1).filter(Boolean);
  const chunks = ["user_id,variant,device,channel,converted,revenue,orders,pre_revenue\n"];
  let size = 0;
  for (let copy = 0; size < 70e6; copy++) {
    const text = block.map((line) => line.replace(/^u(\d+),/, `u$1-${copy % 7},`)).join("\n") + "\n";
    chunks.push(text);
    size += text.length;
    if (copy === 40) chunks.push(BAD_LINES.join("\n") + "\n");
  }
  const bytes = Buffer.from(chunks.join(""));
  const file = join(tmpdir(), `kpilab-users-${process.pid}.csv`);
  writeFileSync(file, bytes);
  try {
    const { page, foreign, workers } = await openEvaluate();
    await page.getByTestId("csv-file").setInputFiles(file);
    await page.getByTestId("csv-preview").waitFor();
    assert.equal(await page.locator("#userColumn").inputValue(), "user_id");
    await page.getByTestId("evaluate").click();
    const sdk = await expectMatchesSdk(page, bytes);
    assert.equal(sdk.kpis[0].result.variants.reduce((n, v) => n + v.users, 0), 7 * 20000, "users, not rows");
    const { read, used, skipped } = sdk.rows;
    const count = (n) => n.toLocaleString("en-US");
    assert.equal((await page.getByTestId("row-counts").textContent()).trim(), `Read ${count(read)}, used ${count(used)}, skipped ${count(skipped)}.`);
    assert.equal(skipped, 2);
    const errors = await page.getByTestId("row-errors").textContent();
    for (const e of sdk.rows.errors) assert.match(errors, new RegExp(`Line ${count(e.line)}`));
    // Per arm, conversions / users as the SDK counts them (a user converts once).
    const row = page.getByTestId("kpi-row").first();
    const shown = async (id) => (await row.getByTestId(id).textContent()).replace(/\s/g, " ");
    const arms = sdk.kpis[0].result.variants;
    const counts = (a) => `${count(Math.round(a.mean * a.users))} / ${count(a.users)}`;
    const control = counts(arms.find((a) => a.name === sdk.control.name));
    const variant = counts(arms.find((a) => a.name !== sdk.control.name));
    assert.equal(await shown("control-counts"), control);
    assert.equal(await shown("variant-counts"), variant);
    assert.ok(workers.filter((url) => url.endsWith("/worker_loader.js")).length >= 2, `one worker per core (${workers})`);
    assert.deepEqual(foreign, []);
    assert.deepEqual(await closePage(page), []);
    assert.deepEqual(problems, []);
  } finally {
    rmSync(file, { force: true });
  }
});

test("Try sample data gives a verdict in one click", async () => {
  const { page, foreign } = await openEvaluate();
  await page.getByTestId("try-sample").click();
  const sdk = await expectMatchesSdk(page, readFileSync(join(ROOT, "assets/sample.csv")));
  assert.equal(sdk.decision.verdict, "ship");
  assert.deepEqual(foreign, []);
  assert.deepEqual(await closePage(page), []);
  assert.deepEqual(problems, []);
});

test("the CSV workers share the module the page compiled, and load their own wasm where the host serves it without its MIME type", async () => {
  for (const wasmType of ["application/wasm", "application/octet-stream"]) {
    const server = await serveStatic(DIST, {}, { ".wasm": wasmType });
    const page = await site.browser.context.newPage();
    let fetched = 0;
    page.on("request", (r) => {
      if (r.url().endsWith("/worker_bg.wasm")) fetched++;
    });
    await watchProblems(page, problems);
    await page.goto(`${server.origin}/?view=evaluate`);
    await page.getByTestId("try-sample").click();
    await expectMatchesSdk(page, readFileSync(join(ROOT, "assets/sample.csv")));
    // A second run's fresh worker takes the same module: the wasm is not fetched again.
    const before = fetched;
    const card = await page.getByTestId("decision-card").elementHandle();
    await page.getByTestId("evaluate").click();
    await page.waitForFunction((old) => {
      const now = document.querySelector('[data-testid="decision-card"]');
      return now && now !== old;
    }, card);
    await expectMatchesSdk(page, readFileSync(join(ROOT, "assets/sample.csv")));
    await page.close();
    await server.close();
    // Compiled once by the page; where it could not be, every worker fetched its own.
    if (wasmType === "application/wasm") {
      assert.equal(before, 1, `worker_bg.wasm fetched ${before} times`);
      assert.equal(fetched, 1, "a second run fetched the wasm again");
    } else {
      assert.ok(before >= 2, `worker_bg.wasm fetched ${before} times: the workers did not fetch their own`);
    }
  }
  assert.deepEqual(problems, []);
});

test("a 1 GB file is evaluated in the worker while the page keeps answering; Cancel stops a run", async (t) => {
  // 1 GB: many copies of a block of rows (the path is handed to Chromium, not copied).
  const block = sampleCsv({ rows: 5000, seed: 3 }).split("\n").slice(1).join("\n");
  const file = join(tmpdir(), `kpilab-big-${process.pid}.csv`);
  const fd = openSync(file, "w");
  writeSync(fd, "user_id,variant,device,channel,converted,revenue,orders,pre_revenue\n");
  const buffer = Buffer.from(block);
  let rows = 0;
  for (let written = 0; written < 1e9; written += buffer.length) {
    writeSync(fd, buffer);
    rows += 5000;
  }
  closeSync(fd);
  try {
    const { page, foreign } = await openEvaluate();
    await page.getByTestId("csv-file").setInputFiles(file);
    await page.getByTestId("csv-preview").waitFor();
    // Rows are users here; skip the per-user table to keep memory small.
    await page.locator("#userColumn").selectOption("");
    // While the workers parse, the page keeps drawing frames: the longest gap
    // between two animation frames, timed in the page (a round trip from here
    // would also time this process and the DevTools pipe on a busy machine),
    // up to the frame that shows the decision card (its render is the result).
    await page.evaluate(() => {
      const watch = { slowest: 0, frames: 0, done: false };
      window.frameWatch = watch;
      let last = performance.now();
      const tick = (now) => {
        if (document.querySelector('[data-testid="decision-card"]')) return void (watch.done = true);
        watch.slowest = Math.max(watch.slowest, now - last);
        watch.frames += 1;
        last = now;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const runStarted = Date.now();
    await page.getByTestId("evaluate").click();
    await page.getByTestId("decision-card").waitFor({ timeout: 120_000 });
    await page.waitForFunction(() => window.frameWatch.done);
    const { slowest, frames } = await page.evaluate(() => window.frameWatch);
    t.diagnostic(`1 GB in ${(Date.now() - runStarted) / 1000} s; slowest of ${frames} frames: ${slowest.toFixed(0)} ms`);
    assert.ok(frames >= 3, `only ${frames} frames drawn during the run`);
    assert.ok(slowest < 500, `the page stalled for ${slowest.toFixed(0)} ms while the workers parsed`);
    const used = rows.toLocaleString("en-US");
    assert.equal(await page.getByTestId("row-counts").textContent(), `Read ${used}, used ${used}, skipped 0.`);

    // A second run, stopped: no card, and the button is back.
    await page.getByTestId("evaluate").click();
    await page.getByTestId("csv-progress").waitFor();
    await page.getByTestId("cancel").click();
    await page.getByTestId("csv-progress").waitFor({ state: "detached" });
    assert.equal(await page.getByTestId("decision-card").count(), 0);
    assert.ok(await page.getByTestId("evaluate").isEnabled());
    assert.deepEqual(foreign, []);
    assert.deepEqual(await closePage(page), []);
    assert.deepEqual(problems, []);
  } finally {
    rmSync(file, { force: true });
  }
});

test("pasted per-variant totals are analysed without a file", async () => {
  const { page, foreign } = await openEvaluate();
  await page.getByTestId("totals-tab").click();
  await page.fill("#totals", "variant, users, conversions\ncontrol, 10000, 500\ntreatment, 10000, 600");
  // 600/10000 vs 500/10000 = +20 % relative.
  await page.locator(".kpi-results td", { hasText: "+20.0" }).waitFor();
  await page.fill("#totals", "control, 100, 500\ntreatment, 100, 5");
  await page.getByRole("alert").first().waitFor();
  assert.deepEqual(foreign, []);
  assert.deepEqual(await closePage(page), []);
  assert.deepEqual(problems, []);
});

test("the planner's plan file prefills the KPIs and the planned size (keep-running)", async () => {
  const file = join(OUT_DIR, "evaluate-input.csv"); // written by the first test
  const plan = {
    version: 1,
    plan: { metric: { kind: "proportion", baseline: 0.1 }, mde: 0.05, alpha: 0.05 },
    dailyUsers: 20000, trafficFraction: 1, usersPerVariant: [100000, 100000], days: 10,
    hypothesis: "A shorter checkout raises conversion",
    primaryKpi: { name: "checkout conversion", kind: "conversion", column: "converted" },
    guardrails: [{ name: "revenue per user", kind: "mean", higherIsBetter: true, nonInferiorityMargin: 0.05 }],
    actions: { win: "ship", loss: "roll back", inconclusive: "keep old" },
  };
  const planPath = join(OUT_DIR, "evaluate-plan.json");
  writeFileSync(planPath, JSON.stringify(plan));
  const { page, foreign } = await openEvaluate();
  await page.getByTestId("csv-file").setInputFiles(file);
  await page.getByTestId("plan-file").setInputFiles(planPath);
  await page.getByTestId("plan-note").filter({ hasText: "Loaded the plan" }).waitFor();
  assert.equal(await page.locator("#plannedUsers").inputValue(), "100000");
  assert.equal(await page.locator("#kpi-1-nonInferiorityMargin").inputValue(), "5");
  await page.getByTestId("evaluate").click();

  const config = {
    ...AUTO_CONFIG,
    kpis: [
      { ...AUTO_CONFIG.kpis[0], name: "checkout conversion" },
      { ...AUTO_CONFIG.kpis[1], nonInferiorityMargin: 0.05 },
      AUTO_CONFIG.kpis[2],
    ],
    analysis: { alpha: 0.05, plannedUsersPerVariant: 100000 },
  };
  const sdk = evaluateCsv(readFileSync(file), config);
  assert.equal(sdk.decision.verdict, "keep-running");
  await page.getByTestId("decision-verdict").waitFor();
  assert.equal((await page.getByTestId("decision-verdict").textContent()).trim(), "keep-running");
  const reasons = await page.locator(".reasons").textContent();
  for (const reason of sdk.decision.reasons) assert.ok(reasons.includes(reason), `reason shown: ${reason}`);
  assert.deepEqual(foreign, []);
  assert.deepEqual(await closePage(page), []);
  assert.deepEqual(problems, []);
});

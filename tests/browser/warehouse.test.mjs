// "Query your warehouse" (SDK.md §6): the tab shows toSql's query for the KPIs
// mapped in the Evaluate form; the query's result, pasted (DuckDB running the shown
// SQL on the fixture) or uploaded (the SDK's CsvEvaluator.aggregates()), gives the
// same result page as uploading the CSV. Column names can be typed when there is
// no file; KPIs toSql cannot express show its message. axe-core: 0 violations.
// Run after `make dist` and `make pkg`: node --test tests/browser/warehouse.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { CsvEvaluator, evaluateCsv, toSql } from "kpilab";
import {
  AUTO_CONFIG,
  OUT_DIR,
  cspViolations,
  recordForeignRequests,
  shownNumbers,
  useBuiltSite,
  watchProblems,
} from "./harness.mjs";
import { sampleCsv } from "../../scripts/sample-data.mjs";

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const site = useBuiltSite(["index.html", "worker_loader.js"]);
// Segment rows by name and no row-count line: what a result from SQL can show (SDK.md §6).
const AS_SQL_RETURNS = { segmentsByName: true, rowCounts: false };

/** Rows of objects as CSV text (null as an empty field), as a warehouse client exports them. */
function toCsv(rows) {
  const columns = Object.keys(rows[0]);
  const cell = (v) => (v === null || v === undefined ? "" : /[",\n]/.test(String(v)) ? `"${String(v).replaceAll('"', '""')}"` : String(v));
  return [columns.join(","), ...rows.map((r) => columns.map((c) => cell(r[c])).join(","))].join("\n") + "\n";
}

/** Equal texts; the exact values within 1e-9 relative (the SQL path sums in another order). */
function assertSame(actual, expected, what) {
  for (const key of ["lift", "pValue"]) {
    const [a, e] = [actual[key], expected[key]];
    assert.ok(Math.abs(a - e) <= 1e-9 * Math.max(1e-300, Math.abs(e)), `${what} ${key}: ${a} vs ${e}`);
  }
  const texts = (x) => ({ ...x, lift: 0, pValue: 0 });
  assert.deepEqual(texts(actual), texts(expected), what);
}

async function violations(page) {
  await page.evaluate(AXE);
  const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
  const found = await page.evaluate((t) => window.axe.run(document, { runOnly: { type: "tag", values: t } }), tags);
  return found.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

async function open(path = "/?view=evaluate") {
  const problems = [];
  const page = await site.browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 1000 });
  const foreign = recordForeignRequests(page, site.server.origin);
  await watchProblems(page, problems);
  await page.goto(`${site.server.origin}${path}`);
  return { page, problems, foreign };
}

test("the shown SQL run by DuckDB, and the SDK's aggregates, give the uploaded CSV's result page", async () => {
  const csv = sampleCsv({ rows: 3000, seed: 5, lift: 0.3 });
  const file = join(OUT_DIR, "warehouse-input.csv");
  writeFileSync(file, csv);
  const sdk = evaluateCsv(Buffer.from(csv), AUTO_CONFIG);
  const { page, problems, foreign } = await open();

  // The CSV uploaded: the reference page.
  await page.getByTestId("csv-file").setInputFiles(file);
  await page.getByTestId("csv-preview").waitFor();
  await page.getByTestId("evaluate").click();
  const uploaded = await shownNumbers(page, AS_SQL_RETURNS);
  assert.equal(uploaded.verdict, sdk.decision.verdict);
  assert.equal(uploaded.segmentCount, 7 * 3, "3 devices and 4 channels, 3 KPIs each");

  // The tab: the query for the mapped KPIs, as the SDK writes it, for each dialect.
  await page.getByTestId("warehouse-tab").click();
  const sqlBox = page.getByTestId("warehouse-sql");
  await sqlBox.waitFor();
  assert.equal(await page.locator("#kpi-0-column").inputValue(), "converted", "the mapper comes along");
  assert.equal((await sqlBox.textContent()).trim(), toSql(AUTO_CONFIG, { dialect: "duckdb", table: "events" }).trim());
  await page.locator("#warehouse-dialect").selectOption("bigquery");
  await page.locator("#warehouse-table").fill("project.dataset.ab_events");
  const bigquery = toSql(AUTO_CONFIG, { dialect: "bigquery", table: "project.dataset.ab_events" }).trim();
  await page.waitForFunction((want) => document.querySelector('[data-testid="warehouse-sql"]')?.textContent.trim() === want, bigquery);
  assert.deepEqual(await violations(page), [], "axe on the warehouse tab");
  await page.locator("#warehouse-dialect").selectOption("duckdb");
  await page.locator("#warehouse-table").fill("events");
  await page.waitForFunction(() => document.querySelector('[data-testid="warehouse-sql"]')?.textContent.includes('FROM events'));
  const shownSql = (await sqlBox.textContent()).trim();

  // DuckDB runs the shown query on the fixture; its result is pasted back.
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const db = await DuckDBInstance.create(":memory:");
  const con = await db.connect();
  let pasted;
  try {
    await con.run(`CREATE TABLE events AS SELECT * FROM read_csv('${file}', header = true)`);
    const rows = (await con.runAndReadAll(shownSql)).getRowObjectsJS().map((r) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v])),
    );
    pasted = toCsv(rows);
  } finally {
    con.closeSync();
    db.closeSync();
  }
  await page.locator("#warehouse-result").fill(pasted);
  await page.getByTestId("warehouse-evaluate").click();
  assertSame(await shownNumbers(page, AS_SQL_RETURNS), uploaded, "DuckDB's result pasted");
  assert.deepEqual(await violations(page), [], "axe on the warehouse result page");
  // The query's long lines scroll inside their box: the page fits, and the two columns do not overlap.
  const width = page.viewportSize().width;
  assert.ok(await page.evaluate((w) => document.documentElement.scrollWidth <= w, width), `no sideways scrolling at ${width} px`);
  const [setup, results] = [await page.locator(".warehouse > .evaluate-setup").boundingBox(), await page.locator(".warehouse > .planner-results").boundingBox()];
  assert.ok(setup.x + setup.width <= results.x, `setup column (right edge ${setup.x + setup.width}) before the results (${results.x})`);
  await page.screenshot({ path: join(OUT_DIR, "warehouse.png"), fullPage: true });

  // The SDK's aggregates of a local run, uploaded as a file.
  const evaluator = new CsvEvaluator(AUTO_CONFIG);
  evaluator.push(Buffer.from(csv));
  const aggregatesFile = join(OUT_DIR, "warehouse-aggregates.csv");
  writeFileSync(aggregatesFile, toCsv(evaluator.aggregates()));
  await page.locator("#warehouse-result").fill("");
  await page.getByTestId("warehouse-result-file").setInputFiles(aggregatesFile);
  await page.waitForFunction(() => document.querySelector("#warehouse-result").value.startsWith("segment_column"));
  assertSame(await shownNumbers(page, AS_SQL_RETURNS), uploaded, "the SDK's aggregates uploaded");
  // This result can be shared too.
  await page.getByTestId("share-results").click();
  assert.match(await page.getByTestId("share-link").inputValue(), /#share=v1\./);

  // A malformed result says what is wrong.
  await page.locator("#warehouse-result").fill("variant,users\ncontrol,10\n");
  await page.getByTestId("warehouse-evaluate").click();
  await page.getByTestId("warehouse-error").waitFor();
  assert.match(await page.getByTestId("warehouse-error").textContent(), /no column "segment_column"/);

  assert.deepEqual(foreign, [], "no request may leave the page's origin");
  assert.deepEqual(await cspViolations(page), []);
  assert.deepEqual(problems, []);
  await page.close();
});

test("without a file: typed column names give the SQL; a KPI toSql cannot express shows its message", async () => {
  const { page, problems, foreign } = await open();
  await page.getByTestId("warehouse-tab").click();
  await page.locator("#warehouse-columns").fill("user_id,variant,converted,revenue");
  // The typed names are the mapper's choices; the mapping is by hand (no values to guess from).
  await page.locator("#variantColumn").selectOption("variant");
  await page.locator("#userColumn").selectOption("user_id");
  await page.locator("#add-kpi").click();
  await page.locator("#kpi-0-column").selectOption("converted");
  const sqlBox = page.getByTestId("warehouse-sql");
  await sqlBox.waitFor();
  const config = { variantColumn: "variant", userColumn: "user_id", kpis: [{ name: "KPI 1", role: "primary", kind: "conversion", column: "converted" }] };
  await page.waitForFunction(
    (want) => document.querySelector('[data-testid="warehouse-sql"]')?.textContent.trim() === want,
    toSql(config, { dialect: "duckdb", table: "events" }).trim(),
  );
  assert.deepEqual(await violations(page), [], "axe on the tab without a file");

  // An event-level config (a timestamp column): toSql's own answer shows, its
  // UNSUPPORTED message in words while §4 has no SQL (helper "sql" adds it).
  await page.locator("#timestampColumn").selectOption("revenue");
  const eventLevel = { ...config, timestampColumn: "revenue" };
  let unsupported = null;
  try {
    toSql(eventLevel, { dialect: "duckdb", table: "events" });
  } catch (e) {
    assert.equal(e.code, "UNSUPPORTED");
    unsupported = e.message;
  }
  if (unsupported) {
    const error = page.getByTestId("warehouse-sql-error");
    await error.waitFor();
    assert.equal((await error.textContent()).trim(), `No query for these KPIs yet: ${unsupported}`);
  } else {
    await page.waitForFunction(() => document.querySelector('[data-testid="warehouse-sql"]')?.textContent.includes('"revenue"'));
  }
  assert.deepEqual(foreign, []);
  assert.deepEqual(problems, []);
  await page.close();
});

// Days left from the observed traffic (issue 16): the marketer types the days the
// test has run so far on the Evaluate form; keep running then says how many more
// days every variant needs at the observed users a day (the slowest arm sets the
// pace). The expected figures come from the SDK on the same file.
// Screenshot: tests/out/traffic-days-left.png.
// Run after `make dist` and `make pkg`: node --test tests/browser/traffic.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { evaluateCsv } from "kpilab";
import { AUTO_CONFIG, OUT_DIR, cspViolations, openEvaluate, useBuiltSite } from "./harness.mjs";
import { sampleCsv } from "../../scripts/sample-data.mjs";

const site = useBuiltSite(["index.html", "worker_loader.js"]);
const group = (n) => Math.round(n).toLocaleString("en-US");

test("typed days so far: keep running about N more days at the observed users a day; bad input gets a message under the field", async () => {
  const csv = sampleCsv({ rows: 4000, seed: 7, lift: 0.3 });
  const file = join(OUT_DIR, "traffic-input.csv");
  writeFileSync(file, csv);
  const problems = [];
  const { page, foreign } = await openEvaluate(site, problems, { width: 1280, height: 1000 });
  await page.getByTestId("csv-file").setInputFiles(file);
  await page.locator("#plannedUsers").waitFor();
  await page.fill("#plannedUsers", "100,000");

  await page.fill("#daysRun", "two weeks");
  await page.getByTestId("evaluate").click();
  assert.match(await page.locator("#daysRun-error").textContent(), /days the test has run so far as a whole number/);

  await page.fill("#daysRun", "14 days");
  await page.getByTestId("evaluate").click();
  await page.getByTestId("decision-verdict").waitFor({ timeout: 30_000 });

  const sdk = evaluateCsv(readFileSync(file), { ...AUTO_CONFIG, analysis: { alpha: 0.05, plannedUsersPerVariant: 100000 } });
  assert.equal(sdk.decision.verdict, "keep-running");
  const users = sdk.kpis[0].result.variants.map((v) => v.users);
  const total = users.reduce((a, b) => a + b, 0);
  const days = Math.ceil(Math.max(...users.map((n) => (100000 - n) / (n / 14))));
  const step = (await page.getByTestId("next-step").textContent()).trim();
  assert.equal(
    step,
    `Keep the test running about ${group(days)} more days: at the observed ${group(total / 14)} users a day (${group(total)} users in 14 days) every variant reaches its planned 100,000 users.`,
  );
  await page.screenshot({ path: join(OUT_DIR, "traffic-days-left.png"), fullPage: true });
  assert.deepEqual(foreign, []);
  assert.deepEqual(await cspViolations(page), []);
  assert.deepEqual(problems, []);
  await page.close();
});

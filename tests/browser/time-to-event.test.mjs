// Browser test of a time-to-convert KPI (SDK.md §5) in the Evaluate view: an
// event-level export with purchases over 30 days (generated here) goes in through
// the file input, the KPI is defined through the form as a user would (kind
// "Time to convert", the converting event), and the page must show one
// Kaplan-Meier curve per arm and the same RMST difference as the SDK's
// evaluateCsv (pkg/, in Node) to the displayed precision.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { evaluateCsv } from "kpilab";
import { OUT_DIR, cspViolations, recordForeignRequests, useBuiltSite, watchProblems } from "./harness.mjs";

const site = useBuiltSite(["index.html", "worker_loader.js"]);
const problems = [];

/** A GA4-like export: exposure, page views and purchases over 30 days, sorted by time. */
function purchasesOver30Days({ users = 400, seed = 11 } = {}) {
  let s = seed;
  const random = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const start = Date.UTC(2026, 0, 1) / 1000;
  const end = start + 30 * 86400;
  const rows = [];
  for (let i = 0; i < users; i++) {
    const variant = i % 2 ? "treatment" : "control";
    const rate = variant === "treatment" ? 0.09 : 0.05; // purchases per day
    const user = `u${String(i).padStart(5, "0")}`;
    const exposed = start + Math.floor(random() * 10 * 86400);
    rows.push([exposed, user, variant, "experiment_exposure"]);
    for (let v = 0; v < 2; v++) rows.push([exposed + 1 + Math.floor(random() * 20 * 86400), user, variant, "page_view"]);
    let t = exposed;
    for (let k = 0; k < 2; k++) {
      t += 60 + Math.floor((-Math.log(1 - random()) / rate) * 86400);
      if (t < end) rows.push([t, user, variant, "purchase"]);
    }
  }
  rows.sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));
  const iso = (sec) => new Date(sec * 1000).toISOString().replace(".000Z", "Z");
  return "event_time,user_id,variant,event_name\n" + rows.filter((r) => r[0] < end).map((r) => [iso(r[0]), r[1], r[2], r[3]].join(",")).join("\n") + "\n";
}

const CONFIG = {
  variantColumn: "variant",
  userColumn: "user_id",
  timestampColumn: "event_time",
  kpis: [{ name: "time to purchase", role: "primary", kind: "timeToEvent", where: { column: "event_name", equals: "purchase" }, unit: "days" }],
};

test("a time-to-convert KPI defined in the form shows the curves and the SDK's RMST difference", async () => {
  const file = join(OUT_DIR, "time-to-event-input.csv");
  writeFileSync(file, purchasesOver30Days());
  const page = await site.browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 1000 });
  const foreign = recordForeignRequests(page, site.server.origin);
  await watchProblems(page, problems);
  await page.goto(`${site.server.origin}/?view=evaluate`);
  await page.getByTestId("csv-file").waitFor({ state: "attached" });
  await page.getByTestId("csv-file").setInputFiles(file);
  await page.getByTestId("csv-preview").waitFor();

  // Columns, as a user picks them.
  await page.locator("#variantColumn").selectOption("variant");
  await page.locator("#userColumn").selectOption("user_id");
  await page.locator("#timestampColumn").selectOption("event_time");
  // No segments for this test (event_name looks like one to the auto-mapping).
  for (const chip of await page.locator(".chips input[type=checkbox]").all()) {
    if (await chip.isChecked()) await chip.uncheck();
  }
  // One KPI: time to purchase.
  while ((await page.locator("fieldset.kpi-draft").count()) > 1) {
    await page.locator("fieldset.kpi-draft").last().getByRole("button", { name: "Remove this KPI" }).click();
  }
  if ((await page.locator("fieldset.kpi-draft").count()) === 0) await page.locator("#add-kpi").click();
  await page.locator("#kpi-0-name").fill("time to purchase");
  await page.locator("#kpi-0-role").selectOption("primary");
  await page.locator("#kpi-0-kind").selectOption("timeToEvent");
  await page.locator("#kpi-0-eventNameColumn").selectOption("event_name");
  await page.locator("#kpi-0-where").fill("purchase");
  await page.locator("#kpi-0-unit").selectOption("days");

  await page.getByTestId("evaluate").click();
  await page.getByTestId("tte-rmst-diff").waitFor({ timeout: 30_000 });

  const sdk = evaluateCsv(readFileSync(file), CONFIG);
  const tte = sdk.kpis[0].timeToEvent;
  assert.equal(tte.variants.length, 2);

  // One curve (path) per arm, each with its band.
  const curve = page.getByTestId("km-curve");
  assert.ok(await curve.isVisible(), "the Kaplan-Meier chart is shown");
  assert.equal(await curve.locator("path.km-line").count(), tte.variants.length);
  assert.equal(await curve.locator("path.km-band").count(), tte.variants.length);

  // The RMST difference to the displayed precision (2 decimals), and per arm RMST.
  const shownDiff = (await page.getByTestId("tte-rmst-diff").textContent()).trim();
  assert.equal(Number(shownDiff), Number(tte.comparisons[0].absoluteLift.toFixed(2)), `shown ${shownDiff} vs SDK ${tte.comparisons[0].absoluteLift}`);
  const shownRmst = await page.getByTestId("tte-rmst").allTextContents();
  assert.deepEqual(shownRmst.map(Number), tte.variants.map((v) => Number(v.rmst.toFixed(2))));
  // How many are still waiting (censored).
  const waiting = tte.variants.reduce((n, v) => n + v.users - v.events, 0);
  const users = tte.variants.reduce((n, v) => n + v.users, 0);
  assert.match(await page.getByTestId("tte-waiting").textContent(), new RegExp(`^${waiting} of ${users} users have not converted yet`));
  // The decision reads the KPI like any other.
  assert.equal((await page.getByTestId("decision-verdict").textContent()).trim(), sdk.decision.verdict);

  await page.getByTestId("tte-summary").scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(OUT_DIR, "time-to-event.png"), fullPage: true });
  assert.deepEqual(foreign, [], "no request may leave the page's origin");
  assert.deepEqual(await cspViolations(page), [], "CSP violations");
  await page.close();
  assert.deepEqual(problems, []);
});

test("the planner's time-to-convert plan gives lifelines' users per variant and events", async () => {
  const cases = JSON.parse(readFileSync(new URL("../cases/time_to_event/cases.json", import.meta.url), "utf8"));
  const page = await site.browser.context.newPage();
  const foreign = recordForeignRequests(page, site.server.origin);
  await watchProblems(page, problems);
  await page.goto(`${site.server.origin}/`);
  await page.locator("#metric").selectOption("timeToEvent");
  for (const id of ["tte-plan-001", "tte-plan-003"]) {
    const c = cases.find((x) => x.id === id);
    // The planner takes the rate in percent (0.35 -> "35").
    await page.locator("#controlEventRate").fill(String(+(c.input.metric.controlEventRate * 100).toPrecision(12)));
    await page.locator("#hazardRatio").fill(String(c.input.metric.hazardRatio));
    const users = c.expect["usersPerVariant[0]"].toLocaleString("en-US");
    await page.getByTestId("users-per-variant").filter({ hasText: new RegExp(`^${users}$`) }).waitFor({ timeout: 10_000 });
    const events = c.expect.eventsNeeded.toLocaleString("en-US");
    assert.match(await page.getByTestId("events-needed").textContent(), new RegExp(`needs ${events} conversions`), id);
  }
  await page.screenshot({ path: join(OUT_DIR, "time-to-event-plan.png"), fullPage: true });
  assert.deepEqual(foreign, []);
  await page.close();
  assert.deepEqual(problems, []);
});

// The result page (issue 16, results half), by uploading and typing as a marketer
// would: per-arm users and conversions, the difference in points and the lift in
// one row that fits 1024 px; CUPED and every adjustment in words; days left from a
// loaded plan; KPIs added after the plan are exploratory and cannot decide; totals
// of every metric kind with alpha, the alternative, roles and the decision card,
// on a 390 px phone too. Each number is checked against the SDK on the same input.
// Screenshots land in tests/out/results-*.png.
// Run after `make dist` and `make pkg`: node --test tests/browser/results.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { analyze, evaluateAggregates, evaluateCsv } from "kpilab";
import { AUTO_CONFIG, OUT_DIR, cspViolations, openEvaluate as openPage, useBuiltSite } from "./harness.mjs";
import { sampleCsv } from "../../scripts/sample-data.mjs";

const site = useBuiltSite(["index.html", "worker_loader.js"]);

async function openEvaluate(width = 1280, height = 900) {
  const problems = [];
  const { page, foreign } = await openPage(site, problems, { width, height });
  const done = async () => {
    assert.deepEqual(foreign, [], "no request may leave the page's origin");
    assert.deepEqual(await cspViolations(page), [], "CSP violations");
    assert.deepEqual(problems, []);
    await page.close();
  };
  return { page, done };
}

/** The number in "+6.0 %", "-0.27 pts", "p = 0.0412". */
const number = (text) => Number(text.replace(/[^0-9eE.+-]/g, "").replace(/^[^0-9+-]+/, ""));

/** A file of one row per user: 25,018 control users with 741 conversions, 24,982 treatment users with 807. */
function armsCsv() {
  const lines = ["user_id,variant,converted"];
  const arms = [
    ["control", 25018, 741],
    ["treatment", 24982, 807],
  ];
  for (let i = 0; i < 25018; i++) {
    for (const [name, users, conversions] of arms) {
      // i -> i·7919 mod users is a bijection (7919 is a prime not dividing either size): exactly `conversions` ones.
      if (i < users) lines.push(`${name[0]}${i},${name},${(i * 7919) % users < conversions ? 1 : 0}`);
    }
  }
  return lines.join("\n") + "\n";
}

/** Whether the KPI table fits its box (no horizontal scrolling). */
const tableFits = (page) =>
  page.locator(".kpi-results .table-scroll").evaluate((box) => box.scrollWidth <= box.clientWidth + 1);

test("per arm: 25,018 / 24,982 users and 741 / 807 conversions, the difference in points and the lift, one row that fits 1024 px", async () => {
  const csv = armsCsv();
  const file = join(OUT_DIR, "results-arms.csv");
  writeFileSync(file, csv);
  const config = { variantColumn: "variant", userColumn: "user_id", kpis: [AUTO_CONFIG.kpis[0]] };
  const sdk = evaluateCsv(Buffer.from(csv), config);
  const arms = sdk.kpis[0].result.variants;
  assert.deepEqual(arms.map((a) => [a.users, Math.round(a.mean * a.users)]), [[25018, 741], [24982, 807]]);
  const c = sdk.kpis[0].result.comparisons[0];

  const { page, done } = await openEvaluate(1280);
  await page.getByTestId("csv-file").setInputFiles(file);
  await page.getByTestId("csv-preview").waitFor();
  await page.getByTestId("evaluate").click();
  await page.getByTestId("decision-verdict").waitFor({ timeout: 30_000 });
  assert.equal((await page.getByTestId("decision-verdict").textContent()).trim(), sdk.decision.verdict);

  const row = page.locator('[data-testid="kpi-row"][data-kpi="conversion rate"]');
  assert.equal((await row.getByTestId("control-counts").textContent()).replace(/\s/g, " "), "741 / 25,018");
  assert.equal((await row.getByTestId("variant-counts").textContent()).replace(/\s/g, " "), "807 / 24,982");
  const points = await row.getByTestId("absolute-difference").textContent();
  assert.match(points, /pts$/);
  assert.ok(Math.abs(number(points) - c.absoluteLift * 100) <= 0.005 + 1e-9, `difference ${points} vs ${c.absoluteLift}`);
  const lift = await row.getByTestId("relative-lift").textContent();
  assert.ok(Math.abs(number(lift) - c.relativeLift * 100) <= 0.05 + 1e-9, `lift ${lift}`);
  const ci = c.relativeCi.map((x) => `${x > 0 ? "+" : "-"}${Math.abs(x * 100).toFixed(1)}`);
  for (const bound of ci) assert.ok((await row.textContent()).includes(bound), `interval bound ${bound}`);

  // No raw code word on screen; the p-value tile keeps its number on one line.
  const code = await page.getByTestId("decision-verdict").boundingBox();
  assert.ok(code.width <= 1 && code.height <= 1, `the verdict code is off screen (${JSON.stringify(code)})`);
  const tile = page.getByTestId("primary-p-value");
  const oneLine = await tile.evaluate((dd) => dd.getBoundingClientRect().height < 1.6 * parseFloat(getComputedStyle(dd).lineHeight));
  assert.ok(oneLine, `p-value tile wraps: ${await tile.textContent()}`);
  // Inconclusive with no plan: what is needed to know more.
  if (sdk.decision.verdict === "inconclusive") {
    assert.match(await page.getByTestId("next-step").textContent(), /load the plan file, or type the planned users per variant/i);
  }

  assert.ok(await tableFits(page), "KPI table fits at 1280 px");
  await page.screenshot({ path: join(OUT_DIR, "results-1280.png"), fullPage: true });
  await page.setViewportSize({ width: 1024, height: 900 });
  assert.ok(await tableFits(page), "KPI table fits at 1024 px");
  await page.screenshot({ path: join(OUT_DIR, "results-1024.png"), fullPage: true });

  // A phone: nothing wider than the screen, the answer first and kept in view.
  await page.setViewportSize({ width: 390, height: 844 });
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 390), "no sideways scrolling at 390 px");
  const summary = page.getByTestId("decision-summary");
  assert.ok(await summary.isVisible());
  const [summaryBox, setupBox] = [await summary.boundingBox(), await page.locator(".evaluate-setup").boundingBox()];
  assert.ok(summaryBox.y < setupBox.y, "the answer comes before the settings");
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(OUT_DIR, "results-390.png"), fullPage: true });
  await row.scrollIntoViewIfNeeded();
  await page.evaluate(() => document.querySelector('[data-testid="kpi-table"]').scrollIntoView());
  const stuck = await summary.boundingBox();
  assert.ok(Math.abs(stuck.y) <= 1, `the summary stays at the top while scrolling (y = ${stuck.y})`);
  await page.screenshot({ path: join(OUT_DIR, "results-390-scrolled.png") });

  // α is typed in percent, as in the planner: "10" gives 90 % intervals, in the table and on the plot's axis.
  await page.setViewportSize({ width: 1280, height: 1000 });
  assert.equal(await page.locator("#alpha").inputValue(), "5");
  await page.fill("#alpha", "10");
  await page.getByTestId("evaluate").click();
  await page.getByTestId("kpi-table").waitFor();
  await page.waitForFunction(() => /90\s%\sinterval/.test(document.querySelector('[data-testid="kpi-table"] thead')?.textContent ?? ""));
  assert.match(await page.locator(".kpi-results svg .axis-label").textContent(), /\(90\s%\sinterval\)/);
  const at90 = evaluateCsv(Buffer.from(csv), { ...config, analysis: { alpha: 0.1 } }).kpis[0].result.comparisons[0];
  for (const x of at90.relativeCi) {
    const bound = `${x > 0 ? "+" : "-"}${Math.abs(x * 100).toFixed(1)}`;
    assert.ok((await row.textContent()).includes(bound), `90 % interval bound ${bound}`);
  }
  await done();
});

test("a loaded plan: a KPI added after it is exploratory and cannot decide; days left from the plan's traffic; CUPED in words", async () => {
  const csv = sampleCsv({ rows: 4000, seed: 7, lift: 0.3 });
  const file = join(OUT_DIR, "results-plan-input.csv");
  writeFileSync(file, csv);
  const plan = {
    version: 1,
    plan: { metric: { kind: "proportion", baseline: 0.1 }, mde: 0.05, alpha: 0.05 },
    dailyUsers: 20000, trafficFraction: 0.5, usersPerVariant: [100000, 100000], days: 20,
    hypothesis: "A shorter checkout raises conversion",
    primaryKpi: { name: "checkout conversion", kind: "conversion", column: "converted" },
    guardrails: [{ name: "revenue per user", kind: "mean", higherIsBetter: true, nonInferiorityMargin: 0.05 }],
    actions: { win: "ship", loss: "roll back", inconclusive: "keep old" },
  };
  const planPath = join(OUT_DIR, "results-plan.json");
  writeFileSync(planPath, JSON.stringify(plan));
  const { page, done } = await openEvaluate(1280);
  await page.getByTestId("csv-file").setInputFiles(file);
  await page.getByTestId("plan-file").setInputFiles(planPath);
  await page.getByTestId("plan-note").filter({ hasText: "Loaded the plan" }).waitFor();
  // After the plan: make "average order value" a primary, and type no planned size.
  assert.equal(await page.locator("#kpi-2-name").inputValue(), "average order value");
  await page.locator("#kpi-2-role").selectOption("primary");
  await page.fill("#plannedUsers", "");
  await page.getByTestId("evaluate").click();
  await page.getByTestId("decision-verdict").waitFor({ timeout: 30_000 });

  // As evaluated: the plan's KPIs, the late one only reported; the plan's size.
  const config = {
    ...AUTO_CONFIG,
    kpis: [
      { ...AUTO_CONFIG.kpis[0], name: "checkout conversion" },
      { ...AUTO_CONFIG.kpis[1], nonInferiorityMargin: 0.05 },
      { ...AUTO_CONFIG.kpis[2], role: "secondary" },
    ],
    analysis: { alpha: 0.05, plannedUsersPerVariant: 100000 },
  };
  const sdk = evaluateCsv(readFileSync(file), config);
  assert.equal(sdk.decision.verdict, "keep-running");
  assert.equal((await page.getByTestId("decision-verdict").textContent()).trim(), "keep-running");
  const late = page.locator('[data-testid="kpi-row"][data-kpi="average order value"]');
  assert.match(await late.getByTestId("exploratory").textContent(), /added after the plan — exploratory/);
  assert.equal(await page.locator('[data-testid="kpi-row"][data-kpi="checkout conversion"] [data-testid="exploratory"]').count(), 0);

  // Days left: each arm fills at half of 20,000 × 0.5 a day; the slowest sets the pace.
  const users = sdk.kpis[0].result.variants.map((v) => v.users);
  const days = Math.ceil(Math.max(...users.map((n) => (100000 - n) / 5000)));
  const step = await page.getByTestId("next-step").textContent();
  assert.match(step, new RegExp(`about ${days} more days`), step);
  assert.match(step, /20,000 users a day/);

  // CUPED and the other adjustments, in words, with the core's variance reduction.
  const words = await page.getByTestId("adjustments").textContent();
  const reduction = sdk.kpis[1].result.cuped.varianceReduction;
  assert.ok(reduction > 0 && reduction < 1);
  const shown = words.match(/pre_revenue from before the test to remove ([0-9.]+)\s%/);
  assert.ok(shown, words);
  assert.ok(Math.abs(Number(shown[1]) - reduction * 100) <= 0.05 + 1e-9, `${shown[1]} % vs ${reduction}`);
  assert.match(words, /revenue per user: a guardrail that may get up to 5\s% worse/);
  assert.match(words, /average order value was not in the plan/);
  // Every column of the KPI and segment tables is on screen at 1280 px.
  assert.ok(await tableFits(page), "KPI table fits at 1280 px");
  const segmentsFit = await page.locator('[aria-label="Segments (table)"]').evaluate((box) => box.scrollWidth <= box.clientWidth + 1);
  assert.ok(segmentsFit, "segment table fits at 1280 px");
  await page.screenshot({ path: join(OUT_DIR, "results-plan-1280.png"), fullPage: true });
  await done();
});

test("a plan watching more than three guardrails gets a gentle warning", async () => {
  const file = join(OUT_DIR, "results-plan-input.csv"); // written by the test above
  const guardrail = (name) => ({ name, kind: "mean", higherIsBetter: true, nonInferiorityMargin: null });
  const plan = {
    version: 1,
    plan: { metric: { kind: "proportion", baseline: 0.1 }, mde: 0.05 },
    dailyUsers: 1000, trafficFraction: 1, usersPerVariant: [5000, 5000], days: 10, hypothesis: "",
    primaryKpi: { name: "conversion rate", kind: "conversion", column: "converted" },
    guardrails: ["revenue", "orders", "refunds", "support tickets"].map(guardrail),
    actions: { win: "", loss: "", inconclusive: "" },
  };
  const planPath = join(OUT_DIR, "results-plan-many.json");
  writeFileSync(planPath, JSON.stringify(plan));
  const { page, done } = await openEvaluate(1280);
  await page.getByTestId("csv-file").setInputFiles(file);
  await page.getByTestId("plan-file").setInputFiles(planPath);
  const note = page.getByTestId("plan-note").filter({ hasText: "Loaded the plan" });
  await note.waitFor();
  assert.match(await note.textContent(), /4 guardrails.*1 primary KPI, 2–4 supporting ones and 1–3 guardrails/);
  await done();
});

test("totals of every kind: users + conversions and users + mean + sd, alpha, one-sided, roles, the decision card; fits 390 px", async () => {
  const { page, done } = await openEvaluate(390, 844);
  await page.getByTestId("totals-tab").click();
  const text = "variant, users, orders, revenue mean, revenue sd\ncontrol, 5000, 500, 12.5, 30\ntreatment, 5000, 580, 12.1, 29";
  await page.fill("#totals", text);
  await page.locator("#totals-kpi-1-role").selectOption("guardrail");
  await page.fill("#totals-alpha", "10");
  await page.locator("#totals-alternative").selectOption("greater");
  await page.getByTestId("adjustments").filter({ hasText: "One-sided" }).waitFor();

  // The SDK on the same totals: analyze per KPI, and the decision by an independent route (aggregates).
  const options = { alpha: 0.1, alternative: "greater" };
  const arms = [["control", 5000, 500, 12.5, 30], ["treatment", 5000, 580, 12.1, 29]];
  const orders = analyze({ metric: "proportion", variants: arms.map(([name, users, conversions]) => ({ name, users, conversions })), ...options });
  const sums = ([, n, , m, sd]) => ({ sum: n * m, sumSquares: (n - 1) * sd * sd + n * m * m });
  const revenue = analyze({ metric: "mean", variants: arms.map((a) => ({ name: a[0], users: a[1], ...sums(a) })), ...options });
  const rows = arms.map((a) => ({
    segment_column: null, segment_value: null, variant: a[0], users: a[1],
    orders__sum: a[2], revenue__sum: sums(a).sum, revenue__sum_squares: sums(a).sumSquares, revenue__shift: 0,
  }));
  const evaluation = evaluateAggregates(rows, {
    variantColumn: "variant",
    kpis: [
      { name: "orders", role: "primary", kind: "conversion", column: "orders" },
      { name: "revenue", role: "guardrail", kind: "mean", column: "revenue" },
    ],
    analysis: options,
  });
  assert.equal((await page.getByTestId("decision-verdict").textContent()).trim(), evaluation.decision.verdict);
  for (const reason of evaluation.decision.reasons) {
    assert.ok((await page.locator(".reasons").textContent()).includes(reason), `reason shown: ${reason}`);
  }
  for (const [name, result] of [["orders", orders], ["revenue", revenue]]) {
    const row = page.locator(`[data-testid="kpi-row"][data-kpi="${name}"]`);
    const c = result.comparisons[0];
    assert.ok(Math.abs(number(await row.getByTestId("relative-lift").textContent()) - c.relativeLift * 100) <= 0.05 + 1e-9, name);
    assert.match(await row.textContent(), /…\]/, `${name}: one-sided interval, open above`);
  }
  const p = Number(await page.getByTestId("primary-p-value").getAttribute("data-value"));
  assert.ok(Math.abs(p - orders.comparisons[0].pValue) <= 1e-12, `p ${p}`);
  assert.equal((await page.locator('[data-testid="kpi-row"][data-kpi="orders"] [data-testid="control-counts"]').textContent()).replace(/\s/g, " "), "500 / 5,000");
  assert.match(await page.locator('[data-testid="kpi-row"][data-kpi="revenue"] [data-testid="variant-counts"]').textContent(), /sd 29 · 5,000 users/);
  assert.match(await page.getByTestId("adjustments").textContent(), /α = 0\.1: intervals are at 90\s%/);
  assert.match(await page.locator(".kpi-table thead").textContent(), /90\s% interval/);

  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 390), "totals fit a 390 px phone");
  await page.screenshot({ path: join(OUT_DIR, "results-totals-390.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: join(OUT_DIR, "results-totals-1280.png"), fullPage: true });

  // Impossible numbers: the core's message, naming the KPI.
  await page.fill("#totals", "variant, users, conversions\ncontrol, 100, 500\ntreatment, 100, 5");
  assert.match(await page.getByTestId("totals-error").textContent(), /KPI "conversion rate"/);
  await done();
});

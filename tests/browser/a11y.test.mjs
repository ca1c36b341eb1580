// Accessibility: axe-core (npm, pinned) on the planner and on a result page
// (Evaluate on the sample data), zero WCAG 2.1 A/AA violations; after Evaluate the
// keyboard focus is on the decision. axe is evaluated through the DevTools
// protocol, so the page's CSP (no inline scripts) stays as it is.
// Run after `make dist`: node --test tests/browser/a11y.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cspViolations, useBuiltSite, watchProblems } from "./harness.mjs";

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const site = useBuiltSite(["index.html"]);

async function open(path) {
  const problems = [];
  const page = await site.browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  await watchProblems(page, problems);
  await page.goto(`${site.server.origin}${path}`);
  return { page, problems };
}

/** axe's WCAG 2.1 AA violations on the page, as "rule: target…" lines. */
async function violations(page) {
  await page.evaluate(AXE);
  const found = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }), TAGS);
  return found.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

test("the planner has no WCAG 2.1 AA violations", async () => {
  const { page, problems } = await open("/");
  await page.getByTestId("users-per-variant").waitFor();
  assert.deepEqual(await violations(page), []);
  assert.deepEqual(await cspViolations(page), []);
  assert.deepEqual(problems, []);
  await page.close();
});

test("the planner's new parts (units, explanations open, the 12.000 question, the phone summary) have no violations", async () => {
  const { page, problems } = await open("/");
  await page.getByTestId("users-per-variant").waitFor();
  await page.getByTestId("method-help").locator("summary").click();
  await page.getByTestId("correction-help").locator("summary").click();
  assert.deepEqual(await violations(page), [], "explanations open");
  await page.locator("#dailyUsers").fill("12.000");
  await page.getByTestId("ambiguity").waitFor();
  assert.deepEqual(await violations(page), [], "the question shown");
  await page.setViewportSize({ width: 390, height: 844 });
  assert.deepEqual(await violations(page), [], "at 390 px");
  await page.emulateMedia({ colorScheme: "dark" });
  assert.deepEqual(await violations(page), [], "dark, 390 px");
  // Answered, then an invalid field: the summary shows the last valid plan, readable.
  await page.getByTestId("ambiguity-grouped").click();
  await page.locator("#baseline").fill("abc");
  await page.locator("#baseline-error").waitFor();
  await page.locator(".plan-summary.outdated").waitFor();
  assert.deepEqual(await violations(page), [], "an invalid field, 390 px, dark");
  await page.emulateMedia({ colorScheme: "light" });
  assert.deepEqual(await violations(page), [], "an invalid field, 390 px");
  assert.deepEqual(await cspViolations(page), []);
  assert.deepEqual(problems, []);
  await page.close();
});

test("a result page has no WCAG 2.1 AA violations, and the focus is on the decision", async () => {
  const { page, problems } = await open("/?view=evaluate");
  await page.getByTestId("try-sample").click();
  await page.getByTestId("decision-verdict").waitFor({ timeout: 30_000 });
  await page.waitForFunction(() => document.activeElement?.dataset.testid === "decision-card");
  // The tables' scroll boxes are reachable by keyboard and named.
  for (const box of await page.locator(".table-scroll").all()) {
    assert.equal(await box.getAttribute("tabindex"), "0");
    assert.ok((await box.getAttribute("aria-label"))?.length > 0);
  }
  assert.deepEqual(await violations(page), []);
  assert.deepEqual(await cspViolations(page), []);
  assert.deepEqual(problems, []);
  await page.close();
});

test("a result on a 390 px phone and the totals result have no WCAG 2.1 AA violations", async () => {
  const { page, problems } = await open("/?view=evaluate");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByTestId("try-sample").click();
  await page.getByTestId("decision-verdict").waitFor({ timeout: 30_000 });
  await page.waitForFunction(() => document.activeElement?.dataset.testid === "decision-card");
  assert.deepEqual(await violations(page), []);

  await page.getByTestId("totals-tab").click();
  await page.fill("#totals", "variant, users, orders, revenue mean, revenue sd\ncontrol, 5000, 500, 12.5, 30\ntreatment, 5000, 580, 12.1, 29");
  await page.getByTestId("decision-card").waitFor();
  // Typing totals keeps the focus in the field (the card does not take it).
  assert.equal(await page.evaluate(() => document.activeElement?.id), "totals");
  assert.deepEqual(await violations(page), []);
  assert.deepEqual(await cspViolations(page), []);
  assert.deepEqual(problems, []);
  await page.close();
});

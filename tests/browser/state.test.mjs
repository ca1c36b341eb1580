// State kept across Plan and Evaluate, typed in by hand (not URL parameters): the
// navigation links carry the plan's query (src/app.rs), and the Evaluate mapping
// is kept in the tab's session storage (src/state/eval_session.rs).
// Run after `make dist`: node --test tests/browser/state.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { cspViolations, recordForeignRequests, useBuiltSite, watchProblems } from "./harness.mjs";

const site = useBuiltSite(["index.html"]);

async function open(path) {
  const problems = [];
  const page = await site.browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  const foreign = recordForeignRequests(page, site.server.origin);
  await watchProblems(page, problems);
  await page.goto(`${site.server.origin}${path}`);
  const done = async () => {
    assert.deepEqual(foreign, []);
    assert.deepEqual(await cspViolations(page), []);
    assert.deepEqual(problems, []);
    await page.close();
  };
  return { page, done };
}

/** Types `text` into the field with this id, as a user would. */
async function type(page, id, text) {
  const field = page.locator(`#${id}`);
  await field.click();
  await field.press("ControlOrMeta+a");
  await field.press("Backspace");
  await field.pressSequentially(text);
}

test("Plan → Evaluate → Plan keeps the planner's inputs", async () => {
  const { page, done } = await open("/");
  await page.getByTestId("users-per-variant").waitFor();
  await type(page, "dailyUsers", "5000");
  await type(page, "variants", "3");
  await page.locator("#method").selectOption("evan-miller");
  const plan = (await page.getByTestId("users-per-variant").textContent()).trim();

  await page.getByTestId("nav-evaluate").click();
  await page.getByTestId("csv-file").waitFor({ state: "attached" });
  await page.getByTestId("nav-plan").click();
  await page.getByTestId("users-per-variant").waitFor();
  assert.equal(await page.locator("#dailyUsers").inputValue(), "5000");
  assert.equal(await page.locator("#variants").inputValue(), "3");
  assert.equal(await page.locator("#method").inputValue(), "evan-miller");
  assert.equal((await page.getByTestId("users-per-variant").textContent()).trim(), plan, "the same plan");
  await done();
});

test("Evaluate → Plan → Evaluate keeps the mapping", async () => {
  const { page, done } = await open("/?view=evaluate");
  await page.getByTestId("try-sample").click();
  await page.getByTestId("decision-verdict").waitFor({ timeout: 30_000 });
  await type(page, "kpi-0-name", "checkout rate");
  await type(page, "control", "control");
  await page.locator("#kpi-1-covariate").selectOption("");

  await page.getByTestId("nav-plan").click();
  await page.getByTestId("users-per-variant").waitFor();
  await page.getByTestId("nav-evaluate").click();
  await page.locator("#kpi-0-name").waitFor();
  assert.equal(await page.locator("#kpi-0-name").inputValue(), "checkout rate");
  assert.equal(await page.locator("#control").inputValue(), "control");
  assert.equal(await page.locator("#kpi-1-covariate").inputValue(), "");
  assert.equal(await page.locator("#variantColumn").inputValue(), "variant");
  // The kept mapping evaluates as it stands.
  await page.getByTestId("evaluate").click();
  await page.getByTestId("decision-verdict").waitFor({ timeout: 30_000 });
  await done();
});

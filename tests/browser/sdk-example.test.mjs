// The npm package's web build in a real browser: the www/examples page imports
// "kpilab" through an import map, plans a test, and shows typed errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { planSampleSize } from "kpilab";
import { recordForeignRequests, useStaticSite } from "./harness.mjs";

const root = (p) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const site = useStaticSite(root("www/examples"), { "/node_modules/kpilab/": root("pkg") });

const digits = (s) => Number(s.replace(/[^0-9]/g, ""));

test("the example page plans a test with the web build", async () => {
  const page = await site.browser.context.newPage();
  const foreign = recordForeignRequests(page, site.server.origin);
  await page.goto(`${site.server.origin}/`);
  const users = page.getByTestId("users-per-variant");
  await assert.doesNotReject(users.filter({ hasText: /\d/ }).waitFor());
  const expected = planSampleSize({ metric: { kind: "proportion", baseline: 0.05 }, mde: 0.1 });
  assert.equal(digits(await users.textContent()), expected.usersPerVariant[0]);
  assert.equal(digits(await page.getByTestId("total-users").textContent()), expected.totalUsers);

  await page.fill("#baseline", "0.1");
  // golden case plan-pooled-001 (statsmodels): baseline 0.1, +10 % -> 14,751 per variant
  await page.waitForFunction(() => document.getElementById("users-per-variant").value === "14,751");

  await page.fill("#baseline", "1.5");
  await page.getByRole("alert").filter({ hasText: "metric.baseline" }).waitFor();
  assert.deepEqual(foreign, []);
  await page.close();
});

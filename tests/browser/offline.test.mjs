// Offline after one visit: the service worker (assets/sw.js) caches the built site,
// so with the network gone (Chromium offline and the server answering 503) a reload
// still shows the planner, computes a plan as you type, and evaluates the sample data.
// Run after `make dist`: node --test tests/browser/offline.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DIST, cspViolations, recordForeignRequests, useBuiltSite, watchProblems } from "./harness.mjs";

const site = useBuiltSite(["index.html", "sw.js", "worker_loader.js"]);

test("sw.js carries this build's id and every built file", () => {
  const sw = readFileSync(join(DIST, "sw.js"), "utf8");
  assert.match(sw, /const BUILD_ID = "[0-9a-f]{16}";/, "the post_build hook wrote a build id");
  const files = JSON.parse(sw.match(/const FILES = (\[.*\]);/)[1]);
  for (const f of ["index.html", "boot.js", "sample.csv", "worker_loader.js"]) assert.ok(files.includes(f), `${f} is precached`);
  assert.ok(files.some((f) => f.endsWith(".wasm")), "the wasm is precached");
  assert.ok(!files.includes("sw.js"), "the worker does not cache itself");
});

test("after one visit, a reload works offline: planner and the sample evaluation", async () => {
  const { context } = site.browser;
  const problems = [];
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  const foreign = recordForeignRequests(page, site.server.origin);
  await watchProblems(page, problems);
  await page.goto(`${site.server.origin}/`);
  await page.getByTestId("users-per-variant").waitFor();
  // Controlled = installed (every file cached) and activated.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });

  await context.setOffline(true);
  site.server.setDown(true);
  try {
    await page.reload();
    const users = page.getByTestId("users-per-variant");
    await users.waitFor();
    const before = (await users.textContent()).trim();
    // Typing still recomputes the plan: three arms give another plan.
    await page.locator("#variants").fill("");
    await page.locator("#variants").pressSequentially("3");
    await page.waitForFunction((b) => document.querySelector('[data-testid="users-per-variant"]').textContent.trim() !== b, before);
    const after = (await users.textContent()).trim();
    assert.notEqual(after, before, "the plan was computed again offline");

    // The Evaluate page, its sample data and the CSV worker come from the cache too.
    await page.getByTestId("nav-evaluate").click();
    await page.getByTestId("try-sample").click();
    await page.getByTestId("decision-verdict").waitFor({ timeout: 30_000 });
    assert.ok((await page.getByTestId("decision-verdict").textContent()).trim().length > 0);
  } finally {
    site.server.setDown(false);
    await context.setOffline(false);
  }
  assert.deepEqual(foreign, []);
  assert.deepEqual(await cspViolations(page), []);
  assert.deepEqual(problems, []);
  await page.close();
});

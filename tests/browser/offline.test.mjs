// Offline after one visit: the service worker (assets/sw.js) caches the built site,
// so with the network gone (Chromium offline and the server answering 503) a reload
// still shows the planner, computes a plan as you type, and evaluates the sample data.
// Run after `make dist`: node --test tests/browser/offline.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DIST, cspViolations, recordForeignRequests, serveStatic, useBuiltSite, watchProblems } from "./harness.mjs";

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
  const fromNetwork = [];
  page.on("response", (r) => {
    if (!r.fromServiceWorker() && !r.url().startsWith("data:") && !r.url().startsWith("blob:")) fromNetwork.push(`${r.status()} ${r.url()}`);
  });
  try {
    await page.reload();
    const users = page.getByTestId("users-per-variant");
    await users.waitFor();
    const before = (await users.textContent()).trim();
    // A new input still computes a new plan (Evan Miller's formula needs other numbers than pooled).
    await page.locator("#method").selectOption("evan-miller");
    await page.waitForFunction((b) => document.querySelector('[data-testid="users-per-variant"]').textContent.trim() !== b, before);
    const after = (await users.textContent()).trim();
    assert.notEqual(after, before, "the plan was computed again offline");

    // The Evaluate page, its sample data and the CSV worker come from the cache too.
    await page.getByTestId("nav-evaluate").click();
    await page.getByTestId("try-sample").click();
    await page.getByTestId("decision-verdict").waitFor({ timeout: 30_000 });
    assert.ok((await page.getByTestId("decision-verdict").textContent()).trim().length > 0);
    assert.deepEqual(fromNetwork, [], "every file came from the service worker's cache");
  } finally {
    site.server.setDown(false);
    await context.setOffline(false);
  }
  assert.deepEqual(foreign, []);
  assert.deepEqual(await cspViolations(page), []);
  assert.deepEqual(problems, []);
  await page.close();
});

test("a new deploy (a new build id) replaces the cache on the next visit", async () => {
  // A copy of dist/ that can be "deployed" again with another build id.
  const dir = mkdtempSync(join(tmpdir(), "kpilab-deploy-"));
  cpSync(DIST, dir, { recursive: true });
  const server = await serveStatic(dir);
  const page = await site.browser.context.newPage();
  try {
    const cacheNames = () => page.evaluate(() => caches.keys());
    const oldId = readFileSync(join(dir, "sw.js"), "utf8").match(/BUILD_ID = "(\w+)"/)[1];
    await page.goto(`${server.origin}/`);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });
    assert.deepEqual(await cacheNames(), [`kpilab-${oldId}`]);

    const sw = readFileSync(join(dir, "sw.js"), "utf8");
    writeFileSync(join(dir, "sw.js"), sw.replace(`BUILD_ID = "${oldId}"`, 'BUILD_ID = "0123456789abcdef"'));
    await page.reload();
    await page.waitForFunction(
      async () => JSON.stringify(await caches.keys()) === '["kpilab-0123456789abcdef"]',
      null,
      { timeout: 20_000, polling: 200 },
    );
    await page.getByTestId("users-per-variant").waitFor();
  } finally {
    await page.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

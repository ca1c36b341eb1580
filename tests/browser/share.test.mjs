// "Share results" (SDK.md §6): a finished evaluation gives a link whose # fragment
// carries the config and the aggregates; opened in a fresh browser (no file, and
// offline) it shows the same result page, computed again by evaluateAggregates in
// the worker. The decoded payload holds no user id and no raw value of the file.
// Run after `make dist` and `make pkg`: node --test tests/browser/share.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { inflateRawSync } from "node:zlib";
import { evaluateCsv } from "kpilab";
import {
  AUTO_CONFIG,
  OUT_DIR,
  cspViolations,
  launchBrowser,
  openEvaluate,
  recordForeignRequests,
  shownNumbers,
  useBuiltSite,
  watchProblems,
} from "./harness.mjs";
import { sampleCsv } from "../../scripts/sample-data.mjs";

const site = useBuiltSite(["index.html", "worker_loader.js"]);

/** The payload of a `#share=v1.<base64url>` link, decoded as a stranger would. */
function decodeLink(link) {
  const match = new URL(link).hash.match(/^#share=v1\.([A-Za-z0-9_-]+)$/);
  assert.ok(match, `a versioned share fragment: ${link.slice(0, 80)}…`);
  return JSON.parse(inflateRawSync(Buffer.from(match[1], "base64url")).toString("utf8"));
}

const close = (a, b, what) => assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

test("a shared link opens the same result in a fresh, offline browser, and carries no rows", async () => {
  const csv = sampleCsv({ rows: 3000, seed: 11, lift: 0.25 });
  const file = join(OUT_DIR, "share-input.csv");
  writeFileSync(file, csv);
  const sdk = evaluateCsv(Buffer.from(csv), AUTO_CONFIG);
  const primary = sdk.kpis.find((k) => k.role === "primary").result.comparisons[0];

  const problems = [];
  const { page, foreign } = await openEvaluate(site, problems);
  await page.getByTestId("csv-file").setInputFiles(file);
  await page.getByTestId("csv-preview").waitFor();
  await page.getByTestId("evaluate").click();
  const original = await shownNumbers(page);
  assert.equal(original.verdict, sdk.decision.verdict);
  assert.ok(original.kpiTable[0].includes("average order value") && original.segments[0].includes("tablet"), "the cards were read");
  assert.match(original.kpiTable[0], /%/);
  close(original.lift, primary.relativeLift, "lift");

  await page.getByTestId("share-results").click();
  const linkField = page.getByTestId("share-link");
  await linkField.waitFor();
  const link = await linkField.inputValue();
  assert.ok(link.startsWith(`${site.server.origin}/#share=v1.`), link.slice(0, 80));
  assert.ok(link.length < 16_000, `a link of ${link.length} characters`);

  // What the link carries: the config and the aggregates, not a user id or a value of a row.
  const payload = decodeLink(link);
  assert.deepEqual(Object.keys(payload).sort(), ["aggregates", "config"]);
  assert.deepEqual(payload.config.kpis.map((k) => k.name), AUTO_CONFIG.kpis.map((k) => k.name));
  const lines = csv.trim().split("\n").slice(1).map((l) => l.split(","));
  const cells = new Set(payload.aggregates.split(/[\n,]/));
  for (const [userId, , , , , revenue] of lines) {
    assert.ok(!payload.aggregates.includes(userId), `user id ${userId} in the link`);
    if (Number(revenue) > 0) assert.ok(!cells.has(revenue), `raw revenue ${revenue} is a cell of the link`);
  }
  assert.ok(!JSON.stringify(payload.config).match(/u\d{5}/), "no user id in the config");
  assert.equal(payload.aggregates.trim().split("\n").length - 1, 2 + 2 * 7, "whole data + 3 devices + 4 channels, per variant");

  // A fresh browser (another profile: no file, no session storage): first visit online…
  const fresh = await launchBrowser();
  try {
    const other = await fresh.context.newPage();
    await other.setViewportSize({ width: 1280, height: 1000 });
    const foreignThere = recordForeignRequests(other, site.server.origin);
    await watchProblems(other, problems);
    await other.goto(link);
    const shared = await shownNumbers(other);
    assert.deepEqual(shared, original, "the shared page shows the same numbers");
    close(shared.pValue, primary.pValue, "p-value");
    await other.getByTestId("shared-view").waitFor();
    assert.equal(await other.getByTestId("evaluate").count(), 0, "no file input or Evaluate button: nothing to upload");

    // …then offline, with the site gone: the link still opens from the service worker's cache.
    await other.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });
    await fresh.context.setOffline(true);
    site.server.setDown(true);
    try {
      const offline = await fresh.context.newPage();
      await offline.setViewportSize({ width: 1280, height: 1000 });
      await watchProblems(offline, problems);
      await offline.goto(link);
      assert.deepEqual(await shownNumbers(offline), original, "offline: the same numbers");
      await offline.close();
    } finally {
      site.server.setDown(false);
      await fresh.context.setOffline(false);
    }
    assert.deepEqual(foreignThere, []);
    assert.deepEqual(await cspViolations(other), []);
    await other.screenshot({ path: join(OUT_DIR, "shared.png"), fullPage: true });
  } finally {
    await fresh.close();
  }
  assert.deepEqual(foreign, [], "no request may leave the page's origin");
  assert.deepEqual(await cspViolations(page), []);
  assert.deepEqual(problems, []);
  await page.close();
});

test("a damaged or a newer link says so in words", async () => {
  const problems = [];
  const page = await site.browser.context.newPage();
  await watchProblems(page, problems);
  const cases = [
    ["#share=v1.AAAA-not-deflate", /damaged or incomplete/],
    ["#share=v1.", /damaged or incomplete/],
    ["#share=v7.eyJ4IjoxfQ", /newer kpilab \(format v7\)/],
  ];
  for (const [fragment, message] of cases) {
    await page.goto(`${site.server.origin}/${fragment}`);
    const error = page.getByTestId("share-error");
    await error.waitFor();
    assert.match(await error.textContent(), message, fragment);
  }
  // A well-formed link whose config the core refuses: the core's message, named.
  const bad = Buffer.from(JSON.stringify({ config: { variantColumn: "v", kpis: [] }, aggregates: "variant,users\n" }));
  const { deflateRawSync } = await import("node:zlib");
  await page.goto(`${site.server.origin}/#share=v1.${deflateRawSync(bad).toString("base64url")}`);
  await page.getByTestId("share-error").waitFor();
  assert.match(await page.getByTestId("share-error").textContent(), /could not be computed again: .*kpi/i);
  assert.deepEqual(problems, []);
  await page.close();
});

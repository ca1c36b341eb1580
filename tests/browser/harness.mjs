// Shared by every browser test: a static file server on 127.0.0.1, Debian's
// headless Chromium driven by playwright-core, and a guard that records every
// request leaving the page's own origin (privacy is the product).
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const DIST = join(ROOT, "dist");
export const OUT_DIR = join(ROOT, "tests/out");
process.env.NO_PROXY = "127.0.0.1,localhost";

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".csv": "text/csv; charset=utf-8",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

/**
 * Serves `root` (and optional extra mounts {"/pkg/": dir}) on a free loopback port;
 * `types` overrides content types by extension ({".wasm": "application/octet-stream"}).
 * `setDown(true)` makes it answer every request with 503 (a site that is gone: offline tests).
 */
export async function serveStatic(root, mounts = {}, types = {}) {
  let down = false;
  const server = createServer((req, res) => {
    if (down) {
      res.writeHead(503).end("down");
      return;
    }
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    let base = root;
    let rel = path;
    for (const [prefix, dir] of Object.entries(mounts)) {
      if (path.startsWith(prefix)) {
        base = dir;
        rel = path.slice(prefix.length - 1);
      }
    }
    let file = normalize(join(resolve(base), rel));
    if (!file.startsWith(resolve(base))) {
      res.writeHead(403).end();
      return;
    }
    try {
      if (statSync(file).isDirectory()) file = join(file, "index.html");
      const body = readFileSync(file);
      res.writeHead(200, { "content-type": types[extname(file)] ?? MIME[extname(file)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { origin, close: () => new Promise((ok) => server.close(ok)), setDown: (on) => (down = on) };
}

/** Debian Chromium, headless, with the flags that keep it off the network. */
export async function launchBrowser() {
  const userDataDir = mkdtempSync(join(tmpdir(), "kpilab-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Records every request of `page` whose origin is not `origin` (data: and blob: URLs are local). */
export function recordForeignRequests(page, origin) {
  const foreign = [];
  page.on("request", (req) => {
    const url = req.url();
    if (url.startsWith("data:") || url.startsWith("blob:")) return;
    if (new URL(url).origin !== origin) foreign.push(url);
  });
  return foreign;
}

/**
 * For one test file: serves the built site (dist/) and starts Chromium before its
 * tests, stops both after. `site.server.origin` and `site.browser.context` are set
 * once the tests run.
 */
export function useBuiltSite(requiredFiles = ["index.html"]) {
  return useStaticSite(DIST, {}, () => {
    for (const f of requiredFiles) {
      assert.ok(existsSync(join(DIST, f)), `dist/${f} is missing: run \`make dist\` first`);
    }
  });
}

/** A static server on `dir` (with `mounts`, as serveStatic) and a browser for the file's tests; `check` runs first. */
export function useStaticSite(dir, mounts = {}, check = () => {}) {
  const site = { server: null, browser: null };
  before(async () => {
    check();
    mkdirSync(OUT_DIR, { recursive: true });
    site.server = await serveStatic(dir, mounts);
    site.browser = await launchBrowser();
  });
  after(async () => {
    await site.browser?.close();
    await site.server?.close();
  });
  return site;
}

/** Pushes the page's errors and console errors into `problems`, and records CSP violations for `cspViolations`. */
export async function watchProblems(page, problems) {
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  // init scripts are not subject to the CSP, so this listener always runs
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
}

/** The CSP violations `watchProblems` recorded on `page`. */
export const cspViolations = (page) => page.evaluate(() => window.__cspViolations);

/** What auto_map.rs makes of the conventional columns (see its module doc). */
export const AUTO_CONFIG = {
  variantColumn: "variant",
  userColumn: "user_id",
  kpis: [
    { name: "conversion rate", role: "primary", kind: "conversion", column: "converted" },
    { name: "revenue per user", role: "guardrail", kind: "mean", column: "revenue", covariate: "pre_revenue" },
    { name: "average order value", role: "secondary", kind: "ratio", numerator: "revenue", denominator: "orders" },
  ],
  segmentColumns: ["device", "channel"],
};


/**
 * What a result page shows: the verdict, the primary KPI's exact lift and p-value
 * (data-value), and every card's text. `segmentsByName`: compare segment rows sorted
 * (SQL returns segment values by name, a file in its order: SDK.md §6); `rowCounts`:
 * include the row-count line (a warehouse result carries no line numbers).
 */
export async function shownNumbers(page, { segmentsByName = false, rowCounts = true } = {}) {
  await page.getByTestId("decision-verdict").waitFor({ timeout: 30_000 });
  const text = async (selector) => (await page.locator(selector).allInnerTexts()).map((t) => t.trim());
  const shown = {
    verdict: (await page.getByTestId("decision-verdict").textContent()).trim(),
    lift: Number(await page.getByTestId("primary-lift").getAttribute("data-value")),
    pValue: Number(await page.getByTestId("primary-p-value").getAttribute("data-value")),
    // Per KPI: decision, lift, interval, p-value, as the results tables show them.
    headline: await text('[data-testid="decision-card"] .headline'),
    reasons: await text('[data-testid="decision-card"] .reasons'),
    kpiTable: await text(".kpi-results"),
    segments: segmentsByName
      ? (await text('[data-testid="segment-table"] tbody tr')).sort()
      : await text('[data-testid="segment-table"]'),
    segmentCount: await page.locator('[data-testid="segment-table"] tbody tr').count(),
  };
  if (rowCounts) shown.rowCounts = (await page.getByTestId("row-counts").textContent()).trim();
  return shown;
}

/**
 * A new page of `site` on the Evaluate view, its file input ready: requests to
 * other origins go to `foreign`, page errors to `problems`. `watch(page)` runs
 * before the page loads (e.g. to record its requests).
 */
export async function openEvaluate(site, problems, { width = 1280, height = 1000, watch = () => {} } = {}) {
  const page = await site.browser.context.newPage();
  await page.setViewportSize({ width, height });
  const foreign = recordForeignRequests(page, site.server.origin);
  await watchProblems(page, problems);
  watch(page);
  await page.goto(`${site.server.origin}/?view=evaluate`);
  await page.getByTestId("csv-file").waitFor({ state: "attached" });
  return { page, foreign };
}

// Browser test of an event-level export (SDK.md §4) in the Evaluate view (the
// built site in dist/, headless Chromium): a GA4-like BigQuery export generated
// here goes in through the file input; the mapper must recognise its event,
// timestamp and user columns and offer its events; "purchase" within 7 days is
// picked from those offers as a user would, and the primary lift shown must be
// the SDK's own evaluateCsv on the same bytes with the same config. The export
// has one user in two variants, so the data-quality panel must say so.
// Run: `make pkg && make dist && node --test tests/browser/events.test.mjs`
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { evaluateCsv } from "kpilab";
import { OUT_DIR, cspViolations, recordForeignRequests, useBuiltSite, watchProblems } from "./harness.mjs";

const site = useBuiltSite(["index.html", "worker_loader.js"]);
const problems = [];

/** mulberry32: a small seeded generator, so the export is the same on every run. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY_US = 86_400_000_000;
const START_US = 1_717_200_000_000_000; // 2024-06-01T00:00:00Z

/**
 * A GA4 BigQuery-like export, sorted by time: event_timestamp in µs, event_date
 * as YYYYMMDD, user_pseudo_id, event_name (page_view, add_to_cart, purchase),
 * purchase_revenue empty except on purchases, the experiment's variant, device.
 * Users are exposed over 14 days and may buy up to 10 days later (so some
 * purchases fall outside a 7-day window); the export ends on day 16 (so the
 * last users' windows are still open); `multi` users appear in both arms.
 */
function ga4Export({ users, seed, multi = 1 }) {
  const rnd = random(seed);
  const rows = [];
  const event = (t, name, user, variant, device, revenue = "") => rows.push({ t: Math.round(t), name, user, variant, device, revenue });
  for (let i = 0; i < users; i++) {
    const user = `${1000000000 + i}.${1717200000 + i}`;
    const variant = rnd() < 0.5 ? "control" : "treatment";
    const device = rnd() < 0.6 ? "mobile" : "desktop";
    const exposed = START_US + rnd() * 14 * DAY_US;
    event(exposed, "page_view", user, variant, device);
    for (let n = Math.floor(rnd() * 4); n > 0; n--) event(exposed + rnd() * 3 * DAY_US, "page_view", user, variant, device);
    const buys = rnd() < (variant === "treatment" ? 0.16 : 0.11);
    if (buys || rnd() < 0.2) {
      const cart = exposed + rnd() * 2 * DAY_US;
      event(cart, "add_to_cart", user, variant, device);
      if (buys) event(cart + rnd() * 8 * DAY_US, "purchase", user, variant, device, (15 + rnd() * 90).toFixed(2));
    }
  }
  for (let i = 0; i < multi; i++) {
    const t = START_US + (i + 1) * 3_600_000_000;
    event(t, "page_view", `multi.${i}`, "control", "mobile");
    event(t + 60_000_000, "page_view", `multi.${i}`, "treatment", "mobile");
  }
  const kept = rows.filter((r) => r.t < START_US + 16 * DAY_US).sort((a, b) => a.t - b.t);
  const date = (t) => new Date(t / 1000).toISOString().slice(0, 10).replaceAll("-", "");
  const lines = kept.map((r) => [date(r.t), r.t, r.name, r.user, r.variant, r.device, r.revenue].join(","));
  return `event_date,event_timestamp,event_name,user_pseudo_id,variant,device,purchase_revenue\n${lines.join("\n")}\n`;
}

/** What the mapper builds for "purchase" within 7 days on this export (state/event_choices.rs). */
const PURCHASE_7D = {
  variantColumn: "variant",
  userColumn: "user_pseudo_id",
  timestampColumn: "event_timestamp",
  kpis: [
    {
      name: "purchase within 7 days",
      role: "primary",
      kind: "conversion",
      where: { column: "event_name", equals: "purchase" },
      window: { days: 7 },
    },
  ],
  segmentColumns: ["device"],
};

/** The number in "+6.0 %" / "-2.5 %". */
const number = (text) => Number(text.replace(/[^0-9eE.+-]/g, ""));

test("a GA4 export: purchase within 7 days picked from the offered events matches the SDK; data quality is shown", async () => {
  const csv = ga4Export({ users: 6000, seed: 13 });
  const file = join(OUT_DIR, "events-input.csv");
  writeFileSync(file, csv);
  const page = await site.browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 1000 });
  const foreign = recordForeignRequests(page, site.server.origin);
  await watchProblems(page, problems);
  await page.goto(`${site.server.origin}/?view=evaluate`);
  await page.getByTestId("csv-file").setInputFiles(file);
  await page.getByTestId("event-choices").waitFor();

  // The mapper recognised the event-level structure on its own.
  assert.equal(await page.locator("#userColumn").inputValue(), "user_pseudo_id");
  assert.equal(await page.locator("#timestampColumn").inputValue(), "event_timestamp");
  assert.equal(await page.locator("#eventColumn").inputValue(), "event_name");
  const offered = await page.locator("#choice-event option").allTextContents();
  for (const e of ["page_view", "add_to_cart", "purchase"]) assert.ok(offered.includes(e), `offered ${e}: ${offered}`);

  // Pick the offered "purchase", type 7 days, use it.
  await page.locator("#choice-event").selectOption({ label: "purchase" });
  await page.locator("#choice-days").fill("");
  await page.locator("#choice-days").pressSequentially("7");
  await page.getByTestId("use-conversion").click();
  assert.equal(await page.locator("#kpi-0-name").inputValue(), "purchase within 7 days");
  assert.equal(await page.locator("#kpi-0-event").inputValue(), "purchase");
  assert.equal(await page.locator("#kpi-0-window").inputValue(), "7");
  await page.getByTestId("evaluate").click();

  const sdk = evaluateCsv(readFileSync(file), PURCHASE_7D);
  const primary = sdk.kpis[0].result.comparisons[0];
  await page.getByTestId("decision-verdict").waitFor({ timeout: 60_000 });
  assert.equal((await page.getByTestId("decision-verdict").textContent()).trim(), sdk.decision.verdict);
  const lift = page.getByTestId("primary-lift");
  const shown = await lift.textContent();
  assert.equal(shown.trim(), `${primary.relativeLift < 0 ? "-" : "+"}${Math.abs(primary.relativeLift * 100).toFixed(1)}\u00a0%`, "shown lift");
  assert.ok(Math.abs(number(shown) - primary.relativeLift * 100) <= 0.05 + 1e-9, "shown lift within display precision");
  assert.ok(Math.abs(Number(await lift.getAttribute("data-value")) - primary.relativeLift) < 1e-12, "exact lift");
  const p = page.getByTestId("primary-p-value");
  assert.ok(Math.abs(Number(await p.getAttribute("data-value")) - primary.pValue) <= 1e-12, "exact p");

  // The user in two variants is excluded, and the panel says so in words.
  assert.equal(sdk.quality.multiVariantUsers, 1);
  assert.ok(sdk.quality.rowsOutsideWindow > 0, "some purchases fall after 7 days");
  const panel = page.getByTestId("data-quality");
  await panel.waitFor();
  assert.match(await page.getByTestId("quality-multi-variant").textContent(), /^1 user was seen in more than one variant: left out of every arm/);
  assert.match(
    await page.getByTestId("quality-outside-window").textContent(),
    new RegExp(`^${sdk.quality.rowsOutsideWindow.toLocaleString("en-US")} rows of a KPI's event fell outside its window`),
  );
  assert.ok(sdk.quality.usersWindowOpen > 0, "the last users' windows are open");
  assert.match(
    await page.getByTestId("quality-window-open").textContent(),
    new RegExp(`^${sdk.quality.usersWindowOpen.toLocaleString("en-US")} users were exposed less than the longest KPI window`),
  );
  await page.screenshot({ path: join(OUT_DIR, "events.png"), fullPage: true });

  // A preset in one click: the checkout funnel over the events the file has.
  await page.locator("#choice-preset").selectOption("checkoutFunnel");
  await page.getByTestId("add-preset").click();
  assert.equal(await page.locator("#kpi-1-steps").inputValue(), "page_view, add_to_cart, purchase");
  await page.getByTestId("evaluate").click();
  await page.getByTestId("funnel-chart").waitFor({ timeout: 60_000 });
  const funnelConfig = {
    ...PURCHASE_7D,
    kpis: [
      ...PURCHASE_7D.kpis,
      {
        name: "checkout funnel",
        role: "secondary",
        kind: "funnel",
        ordered: true,
        steps: ["page_view", "add_to_cart", "purchase"].map((e) => ({ name: e, where: { column: "event_name", equals: e } })),
      },
    ],
  };
  const funnel = evaluateCsv(readFileSync(file), funnelConfig).kpis[1];
  assert.equal(await page.getByTestId("funnel-step-row").count(), 3);
  const stepRows = await page.getByTestId("funnel-step-row").allTextContents();
  funnel.steps.forEach((s, i) => {
    const c = s.result.comparisons[0];
    const want = `${c.relativeLift < 0 ? "-" : "+"}${Math.abs(c.relativeLift * 100).toFixed(1)}\u00a0%`;
    assert.ok(stepRows[i].includes(s.name) && stepRows[i].includes(want), `step ${s.name}: ${stepRows[i]} has ${want}`);
  });
  await page.screenshot({ path: join(OUT_DIR, "events-funnel.png"), fullPage: true });

  assert.deepEqual(foreign, [], "no request may leave the page's origin");
  assert.deepEqual(await cspViolations(page), [], "CSP violations");
  await page.close();
  assert.deepEqual(problems, []);
});

// Browser test of the planner page (the built site in dist/, headless Chromium).
// Run: `PATH=node_modules/.bin:$PATH trunk build --release && node --test tests/browser/`
//
// Expected numbers are computed here, independently of the app, from the closed
// forms of SDK.md §1 (proportion pooled = R power.prop.test; mean = normal
// approximation) and cross-checked against the statsmodels values in
// shared/reference/cases.json (plan-pooled-001, plan-alloc-003, duration-002/003).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DIST, OUT_DIR, cspViolations, recordForeignRequests, useBuiltSite, watchProblems } from "./harness.mjs";

// ---- independent expectations -------------------------------------------------

/** Standard normal quantile: Acklam's rational approximation + one Halley step (|err| < 1e-13). */
function qnorm(p) {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  let x;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - lo) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    return -qnorm(1 - p);
  }
  const e = 0.5 * erfc(-x / Math.SQRT2) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** erfc: Taylor series below 0.5, a continued fraction above (relative error < 1e-10). */
function erfc(x) {
  if (x < 0) return 2 - erfc(-x);
  if (x < 0.5) {
    // Taylor series of erf.
    let sum = x, term = x;
    for (let n = 1; n < 60; n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  // Lentz continued fraction: erfc(x) = exp(-x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + …)))).
  let f = x, C = x, D = 0;
  for (let n = 1; n < 300; n++) {
    const an = n / 2;
    D = x + an * D;
    D = 1 / D;
    C = x + an / C;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/**
 * Users per arm (control first) under SDK §1's conventions, two-sided:
 * each comparison control vs treatment j with r = w_control/w_j needs n_j treatment
 * users; s = max n_j/w_j; arm i gets ceil(s*w_i).
 */
function expectedPlan({ metric, baseline, mean, stdDev, mde, alpha = 0.05, power = 0.8, weights = [1, 1], bonferroni = false, dailyUsers, trafficFraction = 1 }) {
  const comparisons = weights.length - 1;
  const a = bonferroni ? alpha / comparisons : alpha;
  const za = qnorm(1 - a / 2);
  const zb = qnorm(power);
  let s = 0;
  for (let j = 1; j < weights.length; j++) {
    const r = weights[0] / weights[j];
    let n;
    if (metric === "proportion") {
      const p1 = baseline;
      const p2 = baseline * (1 + mde);
      const pbar = (p2 + r * p1) / (1 + r);
      const h0 = za * Math.sqrt(pbar * (1 - pbar) * (1 + 1 / r));
      const h1 = zb * Math.sqrt(p2 * (1 - p2) + (p1 * (1 - p1)) / r);
      n = ((h0 + h1) / (p2 - p1)) ** 2;
    } else {
      const delta = mean * mde;
      n = ((za + zb) ** 2 * stdDev ** 2 * (1 + 1 / r)) / delta ** 2;
    }
    s = Math.max(s, n / weights[j]);
  }
  const usersPerVariant = weights.map((w) => Math.ceil(s * w));
  const totalUsers = usersPerVariant.reduce((x, y) => x + y, 0);
  const days = Math.ceil(totalUsers / (dailyUsers * trafficFraction));
  return { usersPerVariant, control: usersPerVariant[0], totalUsers, days, weeks: Math.ceil(days / 7) };
}

const PLANS = [
  {
    name: "proportion, equal split (cases.json plan-pooled-001 / duration-001)",
    query: "metric=proportion&baseline=0.1&mde=0.1&mdeType=relative&alpha=0.05&power=0.8&alternative=two-sided&variants=2&method=pooled&dailyUsers=2000&trafficFraction=1",
    inputs: { metric: "proportion", baseline: 0.1, mde: 0.1, dailyUsers: 2000 },
    reference: { control: 14751, totalUsers: 29502, days: 15, weeks: 3 },
  },
  {
    name: "proportion, 3 arms 2:1:1 + Bonferroni (cases.json plan-alloc-003)",
    query: "metric=proportion&baseline=0.1&mde=0.1&mdeType=relative&alpha=0.05&power=0.8&alternative=two-sided&variants=3&allocation=2,1,1&correction=bonferroni&method=pooled&dailyUsers=5000&trafficFraction=1",
    inputs: { metric: "proportion", baseline: 0.1, mde: 0.1, weights: [2, 1, 1], bonferroni: true, dailyUsers: 5000 },
    reference: { control: 26624, totalUsers: 53248 },
  },
  {
    name: "mean, 3 arms + Bonferroni (cases.json duration-003)",
    query: "metric=mean&mean=50&stdDev=30&mde=0.05&mdeType=relative&alpha=0.05&power=0.8&alternative=two-sided&variants=3&correction=bonferroni&method=pooled&dailyUsers=1500&trafficFraction=1",
    inputs: { metric: "mean", mean: 50, stdDev: 30, mde: 0.05, weights: [1, 1, 1], bonferroni: true, dailyUsers: 1500 },
    reference: { control: 2738, totalUsers: 8214, days: 6, weeks: 1 },
  },
];

// ---- page helpers ----------------------------------------------------------------

const IDS = ["users-per-variant", "total-users", "duration-days", "duration-weeks"];

/** The four headline numbers, separators stripped. */
async function headline(page) {
  const values = {};
  for (const id of IDS) {
    const text = await page.getByTestId(id).textContent();
    values[id] = Number(text.replace(/[^0-9]/g, ""));
  }
  return values;
}

function asHeadline(e) {
  return { "users-per-variant": e.control, "total-users": e.totalUsers, "duration-days": e.days, "duration-weeks": e.weeks };
}

/** Waits until the headline equals `expected` (results update asynchronously after input). */
async function expectHeadline(page, expected, message) {
  let last;
  for (let i = 0; i < 50; i++) {
    last = await headline(page);
    if (IDS.every((id) => last[id] === expected[id])) return;
    await page.waitForTimeout(100);
  }
  assert.deepEqual(last, expected, message);
}

// ---- the test ------------------------------------------------------------------------

const site = useBuiltSite();
const problems = []; // page errors, console errors (CSP violations land here)
const foreignByPage = [];

/** Closes a page after recording any CSP violation it saw. */
async function closePage(page) {
  for (const v of await cspViolations(page)) problems.push(`CSP violation: ${v}`);
  await page.close();
}

async function openPage(url, viewport = { width: 1280, height: 900 }) {
  const page = await site.browser.context.newPage();
  await page.setViewportSize(viewport);
  foreignByPage.push(recordForeignRequests(page, site.server.origin));
  await watchProblems(page, problems);
  await page.goto(url);
  await page.getByTestId("users-per-variant").waitFor();
  return page;
}

test("expectations agree with the statsmodels reference values", () => {
  for (const plan of PLANS) {
    const e = expectedPlan(plan.inputs);
    for (const [key, value] of Object.entries(plan.reference)) {
      assert.equal(e[key], value, `${plan.name}: ${key}`);
    }
  }
});

test("the CSP meta tag forbids other origins and inline scripts", () => {
  const html = readFileSync(join(DIST, "index.html"), "utf8");
  const csp = html.match(/http-equiv="Content-Security-Policy"\s+content="([^"]+)"/)?.[1] ?? "";
  for (const directive of ["default-src 'self'", "connect-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "img-src 'self' data: blob:", "style-src 'self'"]) {
    assert.ok(csp.includes(directive), `CSP lacks ${directive}: ${csp}`);
  }
  assert.ok(!csp.includes("unsafe-inline"), "CSP must not allow inline code");
  assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>/.test(html), "dist/index.html has an inline script the CSP would block");
  assert.ok(!/https?:\/\//.test(html.replace(/<!--[\s\S]*?-->/g, "")), "dist/index.html references another origin");
});

for (const plan of PLANS) {
  test(`plan from the URL: ${plan.name}`, async () => {
    const page = await openPage(`${site.server.origin}/?${plan.query}`);
    await expectHeadline(page, asHeadline(expectedPlan(plan.inputs)), plan.name);
    // The inputs show what the URL said.
    for (const [key, value] of new URLSearchParams(plan.query)) {
      const field = page.locator(`#${key}`);
      assert.equal(await field.inputValue(), value, `#${key} restored from the URL`);
      assert.equal(await page.locator(`label[for="${key}"]`).count(), 1, `#${key} has a label`);
    }
    assert.equal(await page.locator(".mde-table tbody tr").count(), 8, "MDE table has weeks 1..8");
    assert.ok(await page.locator("svg.power-curve path.curve").count(), "power curve drawn");
    await closePage(page);
  });
}

test("editing updates the results, the URL keeps the plan, errors stay inline", async () => {
  const page = await openPage(`${site.server.origin}/?${PLANS[0].query}`);
  await expectHeadline(page, asHeadline(expectedPlan(PLANS[0].inputs)));

  // Every keystroke recomputes: baseline 0.1 -> 0.05 (cases.json duration-002 has 31234 per arm).
  await page.locator("#baseline").fill("0.05");
  const edited = expectedPlan({ metric: "proportion", baseline: 0.05, mde: 0.1, dailyUsers: 2000 });
  assert.equal(edited.control, 31234);
  await expectHeadline(page, asHeadline(edited), "after editing the baseline");
  await page.locator("#dailyUsers").focus();
  await page.keyboard.press("End");
  await page.keyboard.type("0", { delay: 20 }); // 2000 -> 20000, typed key by key
  await page.locator("#trafficFraction").fill("0.5");
  const traffic = expectedPlan({ metric: "proportion", baseline: 0.05, mde: 0.1, dailyUsers: 20000, trafficFraction: 0.5 });
  await expectHeadline(page, asHeadline(traffic), "after editing the traffic");
  const sentence = (await page.locator("#plan-sentence").textContent()).replace(/\u00a0/g, " ");
  assert.equal(sentence, "With 20,000 users a day (50 % of them in the test), you need 1 week to detect a +10 % lift in a 5 % conversion rate, 80 % of the time.");

  // An invalid value: inline message at the field, last good numbers kept (greyed).
  await page.locator("#baseline").fill("1.5");
  await page.locator("#baseline-error").waitFor();
  assert.equal(await page.locator("#baseline").getAttribute("aria-invalid"), "true");
  assert.ok(await page.locator(".result-card.stale").count(), "result card greyed");
  await expectHeadline(page, asHeadline(traffic), "last good result stays visible");
  await page.locator("#baseline").fill("abc");
  assert.match(await page.locator("#baseline-error").textContent(), /not a number/);
  await page.locator("#baseline").fill("0.05");
  await page.locator("#baseline-error").waitFor({ state: "detached" });
  assert.equal(await page.locator(".result-card.stale").count(), 0);

  // The permalink: the URL now carries the edits and reproduces the plan in a new page.
  const url = page.url();
  const query = new URL(url).searchParams;
  assert.equal(query.get("baseline"), "0.05");
  assert.equal(query.get("dailyUsers"), "20000");
  assert.equal(query.get("trafficFraction"), "0.5");
  const before = await headline(page);
  const copy = await openPage(url);
  assert.deepEqual(await headline(copy), before, "same results from the permalink");
  await closePage(copy);

  // "Copy link" puts exactly that URL on the clipboard.
  await site.browser.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: site.server.origin });
  await page.locator("#copy-link").click();
  await page.getByText("Copied").first().waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), url);
  await closePage(page);
});

test("the test-plan card exports a JSON plan file and Markdown", async () => {
  const page = await openPage(`${site.server.origin}/?${PLANS[1].query}`);
  await page.locator("#hypothesis").fill("A shorter checkout raises conversion");
  await page.locator("#add-guardrail").click();
  await page.locator("#guardrail-0-name").fill("refund rate");
  await page.locator("#guardrail-0-direction").selectOption("lower");
  await page.locator("#guardrail-0-margin").fill("2");
  await page.locator("#win").fill("Ship to everyone");

  const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#download-json").click()]);
  const file = JSON.parse(readFileSync(await download.path(), "utf8"));
  const e = expectedPlan(PLANS[1].inputs);
  assert.equal(file.version, 1);
  assert.deepEqual(file.usersPerVariant, e.usersPerVariant);
  assert.equal(file.days, e.days);
  assert.equal(file.dailyUsers, 5000);
  assert.equal(file.trafficFraction, 1);
  assert.deepEqual(file.plan.allocation, [2, 1, 1]);
  assert.equal(file.plan.correction, "bonferroni");
  assert.equal(file.hypothesis, "A shorter checkout raises conversion");
  assert.deepEqual(file.primaryKpi, { name: "conversion rate", kind: "conversion" });
  assert.deepEqual(file.guardrails, [{ name: "refund rate", kind: "conversion", higherIsBetter: false, nonInferiorityMargin: 0.02 }]);
  assert.equal(file.actions.win, "Ship to everyone");

  const [md] = await Promise.all([page.waitForEvent("download"), page.locator("#download-markdown").click()]);
  const markdown = readFileSync(await md.path(), "utf8");
  assert.match(markdown, /\*\*Hypothesis:\*\* A shorter checkout raises conversion/);
  assert.match(markdown, /26,624 \/ 13,312 \/ 13,312/);
  assert.match(markdown, /\| refund rate \| conversion \| lower \| 2\s% \|/);

  // The card text is part of the permalink too.
  assert.equal(new URL(page.url()).searchParams.get("hypothesis"), "A shorter checkout raises conversion");
  await closePage(page);
});

test("screenshots (desktop, phone, dark) and keyboard use", async () => {
  const page = await openPage(`${site.server.origin}/?${PLANS[0].query}&hypothesis=${encodeURIComponent("A shorter checkout raises conversion")}&guardrail=${encodeURIComponent("bounce rate~conversion~lower~2")}`);
  await page.screenshot({ path: join(OUT_DIR, "planner.png"), fullPage: true });

  // Keyboard: Tab from the top reaches the first input, typing there recomputes.
  await page.keyboard.press("Tab"); // skip link
  let focused = "";
  for (let i = 0; i < 12 && focused !== "baseline"; i++) {
    await page.keyboard.press("Tab");
    focused = await page.evaluate(() => document.activeElement?.id ?? "");
  }
  assert.equal(focused, "baseline", "the baseline input is reachable by keyboard");

  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling on a phone (overflow ${overflow}px)`);
  await page.screenshot({ path: join(OUT_DIR, "planner-phone.png"), fullPage: true });

  await page.setViewportSize({ width: 1280, height: 900 });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: join(OUT_DIR, "planner-dark.png"), fullPage: true });
  await closePage(page);
});

test("no request left the page's origin, no errors, no CSP violations", () => {
  const foreign = foreignByPage.flat();
  assert.deepEqual(foreign, [], `requests to other origins: ${foreign.join(", ")}`);
  assert.deepEqual(problems, [], problems.join("\n"));
});

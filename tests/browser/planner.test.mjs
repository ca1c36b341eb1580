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
    query: "v=2&metric=proportion&baseline=10&mde=10&mdeType=relative&alpha=5&power=80&alternative=two-sided&variants=2&method=pooled&dailyUsers=2000&trafficFraction=100",
    inputs: { metric: "proportion", baseline: 0.1, mde: 0.1, dailyUsers: 2000 },
    reference: { control: 14751, totalUsers: 29502, days: 15, weeks: 3 },
  },
  {
    name: "proportion, 3 arms 2:1:1 + Bonferroni (cases.json plan-alloc-003)",
    query: "v=2&metric=proportion&baseline=10&mde=10&mdeType=relative&alpha=5&power=80&alternative=two-sided&variants=3&allocation=2,1,1&correction=bonferroni&method=pooled&dailyUsers=5000&trafficFraction=100",
    inputs: { metric: "proportion", baseline: 0.1, mde: 0.1, weights: [2, 1, 1], bonferroni: true, dailyUsers: 5000 },
    reference: { control: 26624, totalUsers: 53248 },
  },
  {
    name: "mean, 3 arms + Bonferroni (cases.json duration-003)",
    query: "v=2&metric=mean&mean=50&stdDev=30&mde=5&mdeType=relative&alpha=5&power=80&alternative=two-sided&variants=3&correction=bonferroni&method=pooled&dailyUsers=1500&trafficFraction=100",
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
      if (key === "v") continue; // the format's version, not a field
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

  // Every keystroke recomputes: baseline 10 % -> 5 % (cases.json duration-002 has 31234 per arm).
  await page.locator("#baseline").fill("5");
  const edited = expectedPlan({ metric: "proportion", baseline: 0.05, mde: 0.1, dailyUsers: 2000 });
  assert.equal(edited.control, 31234);
  await expectHeadline(page, asHeadline(edited), "after editing the baseline");
  await page.locator("#dailyUsers").focus();
  await page.keyboard.press("End");
  await page.keyboard.type("0", { delay: 20 }); // 2000 -> 20000, typed key by key
  await page.locator("#trafficFraction").fill("50");
  const traffic = expectedPlan({ metric: "proportion", baseline: 0.05, mde: 0.1, dailyUsers: 20000, trafficFraction: 0.5 });
  await expectHeadline(page, asHeadline(traffic), "after editing the traffic");
  const sentence = (await page.locator("#plan-sentence").textContent()).replace(/\u00a0/g, " ");
  assert.equal(sentence, "With 20,000 users a day (50 % of them in the test), you need 1 week to detect a +10 % lift in a 5 % conversion rate, 80 % of the time.");

  // An invalid value: inline message at the field, last good numbers kept (greyed).
  await page.locator("#baseline").fill("150");
  await page.locator("#baseline-error").waitFor();
  assert.equal(await page.locator("#baseline").getAttribute("aria-invalid"), "true");
  assert.ok(await page.locator(".result-card.stale").count(), "result card greyed");
  await expectHeadline(page, asHeadline(traffic), "last good result stays visible");
  await page.locator("#baseline").fill("abc");
  assert.match(await page.locator("#baseline-error").textContent(), /not a number/);
  await page.locator("#baseline").fill("5");
  await page.locator("#baseline-error").waitFor({ state: "detached" });
  assert.equal(await page.locator(".result-card.stale").count(), 0);

  // The permalink: the URL now carries the edits and reproduces the plan in a new page.
  const url = page.url();
  const query = new URL(url).searchParams;
  assert.equal(query.get("v"), "2", "new links carry the format's version");
  assert.equal(query.get("baseline"), "5");
  assert.equal(query.get("dailyUsers"), "20000");
  assert.equal(query.get("trafficFraction"), "50");
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

// ---- forgiving inputs (issue 16), all typed as a user would --------------------------

/** Types `text` into the field with this id, key by key, replacing what was there. */
async function type(page, id, text) {
  const field = page.locator(`#${id}`);
  await field.click();
  await field.press("ControlOrMeta+a");
  await field.press("Backspace");
  await field.pressSequentially(text, { delay: 5 });
}

/** The plan: a 3.2 % checkout, +8 % relative, 12,000 visitors a day. */
const CHECKOUT = expectedPlan({ metric: "proportion", baseline: 0.032, mde: 0.08, dailyUsers: 12000 });

/** Evan Miller's calculator: H0 variance baseline(1 - baseline) in both arms (SDK.md §1), two-sided, equal arms. */
function evanMiller(p1, relative, alpha = 0.05, power = 0.8) {
  const p2 = p1 * (1 + relative);
  const h0 = qnorm(1 - alpha / 2) * Math.sqrt(2 * p1 * (1 - p1));
  const h1 = qnorm(power) * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return Math.ceil(((h0 + h1) / (p2 - p1)) ** 2);
}

test("the issue's plan typed in percent: 3.2 and 8 give 77,062 per variant", async () => {
  assert.equal(CHECKOUT.control, 77062);
  assert.equal(CHECKOUT.days, 13);
  const page = await openPage(`${site.server.origin}/`);
  // The unit sits in the field and is part of its accessible name.
  assert.equal((await page.locator("#baseline").locator("xpath=..").locator(".unit").textContent()).trim(), "%");
  assert.equal(await page.getByLabel("Baseline conversion rate (in percent)").count(), 1);
  assert.equal(await page.getByLabel("Minimum detectable effect (in percent)").count(), 1);
  await type(page, "baseline", "3.2");
  await type(page, "mde", "8");
  await type(page, "dailyUsers", "12,000");
  await expectHeadline(page, asHeadline(CHECKOUT), "3.2 / 8 / 12,000");
  assert.match(await page.locator("#mde-hint").textContent(), /3\.2\s%\s→\s3\.46\s%/);

  // Both conventions, and a trailing % (the alpha/power defaults are 5 and 80 percent).
  for (const [baseline, mde, daily] of [["3,2", "8 %", "12 000"], ["3.2%", "8,0", "12.000,5"], ["3,2 %", "8%", "12000"]]) {
    await type(page, "baseline", baseline);
    await type(page, "mde", mde);
    await type(page, "dailyUsers", daily);
    await expectHeadline(page, asHeadline(CHECKOUT), `${baseline} / ${mde} / ${daily}`);
  }
  assert.equal(await page.locator("#alpha").inputValue(), "5");
  assert.equal(await page.locator("#power").inputValue(), "80");
  assert.equal(await page.locator("#trafficFraction").inputValue(), "100");
  await closePage(page);
});

test("Relative ↔ Absolute converts the effect (8 % of 3.2 % = 0.256 points) and keeps 77,062", async () => {
  const page = await openPage(`${site.server.origin}/`);
  await type(page, "baseline", "3.2");
  await type(page, "mde", "8");
  await type(page, "dailyUsers", "12000");
  await expectHeadline(page, asHeadline(CHECKOUT));
  await page.locator("#mdeType").selectOption("absolute");
  await page.waitForFunction(() => document.querySelector("#mde").value === "0.256");
  assert.equal(await page.getByLabel("Minimum detectable effect (in percentage points)").count(), 1);
  assert.equal((await page.locator("#mde").locator("xpath=..").locator(".unit").textContent()).trim(), "points");
  await expectHeadline(page, asHeadline(CHECKOUT), "absolute 0.256 points");
  await page.locator("#mdeType").selectOption("relative");
  await page.waitForFunction(() => document.querySelector("#mde").value === "8");
  await expectHeadline(page, asHeadline(CHECKOUT), "back to relative 8 %");
  await closePage(page);
});

test("an ambiguous count (\"12.000\" visitors) asks instead of guessing", async () => {
  const page = await openPage(`${site.server.origin}/`);
  await type(page, "baseline", "3.2");
  await type(page, "mde", "8");
  await type(page, "dailyUsers", "12.000");
  const question = page.getByTestId("ambiguity");
  await question.waitFor();
  assert.match(await question.textContent(), /did you mean 12,000 visitors or 12 visitors\?/);
  assert.equal(await page.getByTestId("users-per-variant").count(), 0, "no plan until answered");
  assert.match(await page.getByTestId("plan-summary").textContent(), /Answer the question at Daily users/);
  await page.locator("fieldset").filter({ has: page.locator("#dailyUsers") }).screenshot({ path: join(OUT_DIR, "planner-question.png") });
  await page.getByRole("button", { name: "12,000 visitors", exact: true }).click();
  await question.waitFor({ state: "detached" });
  assert.equal(await page.locator("#dailyUsers").inputValue(), "12000");
  await page.getByTestId("users-per-variant").waitFor();
  await expectHeadline(page, asHeadline(CHECKOUT), "answered 12,000");

  await type(page, "dailyUsers", "12.000");
  await question.waitFor();
  await page.getByRole("button", { name: "12 visitors", exact: true }).click();
  await page.getByTestId("users-per-variant").waitFor();
  const twelve = expectedPlan({ metric: "proportion", baseline: 0.032, mde: 0.08, dailyUsers: 12 });
  await expectHeadline(page, asHeadline(twelve), "answered 12");
  await closePage(page);
});

test("old permalinks (fractions, no version) open the same plan", async () => {
  const old = "metric=proportion&baseline=0.032&mde=0.08&mdeType=relative&alpha=0.05&power=0.8&alternative=two-sided&variants=2&method=pooled&dailyUsers=12000&trafficFraction=1";
  const page = await openPage(`${site.server.origin}/?${old}`);
  await expectHeadline(page, asHeadline(CHECKOUT), "old link");
  assert.equal(await page.locator("#baseline").inputValue(), "3.2");
  assert.equal(await page.locator("#mde").inputValue(), "8");
  assert.equal(await page.locator("#alpha").inputValue(), "5");
  assert.equal(await page.locator("#power").inputValue(), "80");
  assert.equal(await page.locator("#trafficFraction").inputValue(), "100");
  const query = new URL(page.url()).searchParams;
  assert.equal(query.get("v"), "2");
  assert.equal(query.get("baseline"), "3.2");
  // The rewritten link opens the same plan.
  const again = await openPage(page.url());
  await expectHeadline(again, asHeadline(CHECKOUT), "rewritten link");
  await closePage(again);
  // The other old plans too (the statsmodels cases above, in their first format).
  const oldAlloc = "metric=proportion&baseline=0.1&mde=0.1&mdeType=relative&alpha=0.05&power=0.8&alternative=two-sided&variants=3&allocation=2,1,1&correction=bonferroni&method=pooled&dailyUsers=5000&trafficFraction=1";
  const alloc = await openPage(`${site.server.origin}/?${oldAlloc}`);
  await expectHeadline(alloc, asHeadline(expectedPlan(PLANS[1].inputs)), "old 2:1:1 link");
  await closePage(alloc);
  await closePage(page);
});

test("each method and correction is explained where it is chosen, with its difference on this plan", async () => {
  const page = await openPage(`${site.server.origin}/`);
  await type(page, "baseline", "3.2");
  await type(page, "mde", "8");
  await type(page, "dailyUsers", "12000");
  await expectHeadline(page, asHeadline(CHECKOUT));
  const help = page.getByTestId("method-help");
  assert.equal(await help.evaluate((d) => d.tagName), "DETAILS");
  await help.locator("summary").click();
  const em = evanMiller(0.032, 0.08);
  assert.equal(CHECKOUT.control - em, 2011);
  const text = (id) => page.getByTestId(id).textContent().then((t) => t.replace(/\s+/g, " "));
  assert.match(await text("method-evan-miller"), /Evan Miller's calculator would ask 2,011 users fewer per variant \(75,051\)\./);
  assert.match(await text("method-pooled"), /Your choice: 77,062 users per variant\./);
  for (const id of ["method-pooled", "method-unpooled", "method-evan-miller", "method-arcsine"]) {
    assert.ok((await text(id)).length > 60, `${id} is explained`);
  }
  // Choosing Evan Miller: the headline follows and the pooled line now says "more".
  await page.locator("#method").selectOption("evan-miller");
  await expectHeadline(page, asHeadline({ control: em, totalUsers: 2 * em, days: Math.ceil((2 * em) / 12000), weeks: Math.ceil(Math.ceil((2 * em) / 12000) / 7) }));
  assert.match(await text("method-pooled"), /The pooled test would ask 2,011 users more per variant \(77,062\)\./);

  const corrections = page.getByTestId("correction-help");
  await corrections.locator("summary").click();
  assert.match(await text("correction-bonferroni"), /changes nothing here/);
  await type(page, "variants", "3");
  await page.locator("#method").selectOption("pooled");
  const three = expectedPlan({ metric: "proportion", baseline: 0.032, mde: 0.08, weights: [1, 1, 1], dailyUsers: 12000 });
  const threeBonferroni = expectedPlan({ metric: "proportion", baseline: 0.032, mde: 0.08, weights: [1, 1, 1], bonferroni: true, dailyUsers: 12000 });
  await expectHeadline(page, asHeadline(three));
  const more = (threeBonferroni.control - three.control).toLocaleString("en-US");
  assert.match(await text("correction-bonferroni"), new RegExp(`Bonferroni would ask ${more} users more per variant`));
  await closePage(page);
});

test("messages use the words on the screen: every field's label, no internal names", async () => {
  const page = await openPage(`${site.server.origin}/`);
  const INTERNAL = /\b[a-z]+[A-Z]\w*\b|\bmetric\.\w+|\bsrmAlpha\b/;
  /** The visible label of an input (without the unit read to screen readers). */
  const label = (id) => page.locator(`label[for="${id}"]`).evaluate((l) => l.firstChild.textContent.trim());
  async function bad(id, value) {
    const good = await page.locator(`#${id}`).inputValue();
    await type(page, id, value);
    const error = page.locator(`#${id}-error`);
    await error.waitFor({ timeout: 5_000 }).catch(() => {});
    assert.equal(await error.count(), 1, `#${id} = "${value}" shows a message at the field`);
    const message = await error.textContent();
    const name = await label(id);
    assert.ok(message.includes(name), `#${id} = "${value}": "${message}" names "${name}"`);
    assert.doesNotMatch(message, INTERNAL, `#${id} = "${value}": "${message}"`);
    await type(page, id, good);
    await error.waitFor({ state: "detached" });
  }
  const conversion = [
    ["baseline", "abc"], ["baseline", "0"], ["baseline", "150"], ["mde", "0"], ["mde", "5000"], ["mde", "x"],
    ["alpha", "0"], ["alpha", "100"], ["power", "abc"], ["power", "100"], ["power", "2"], ["variants", "1"], ["variants", "2.5"],
    ["allocation", "1,2,3"], ["allocation", "1,x"], ["dailyUsers", "0"], ["dailyUsers", "lots"], ["trafficFraction", "0"], ["trafficFraction", "150"],
  ];
  for (const [id, value] of conversion) await bad(id, value);
  await page.locator("#alternative").selectOption("greater");
  await bad("mde", "-5");
  await page.locator("#alternative").selectOption("two-sided");
  await page.locator("#metric").selectOption("mean");
  for (const [id, value] of [["mean", "x"], ["stdDev", "0"], ["stdDev", ""]]) await bad(id, value);
  await page.locator("#mdeType").selectOption("relative");
  await bad("mean", "0");
  await page.locator("#metric").selectOption("timeToEvent");
  for (const [id, value] of [["controlEventRate", "0"], ["controlEventRate", "100"], ["hazardRatio", "1"], ["hazardRatio", "x"]]) await bad(id, value);
  const body = await page.locator("body").innerText();
  assert.doesNotMatch(body, /metric\.baseline|srmAlpha|trafficFraction|dailyUsers|stdDev/);
  await closePage(page);
});

test("on a phone the answer comes first: a sticky summary above the form (screenshots 390 and 1280 px)", async () => {
  const page = await openPage(`${site.server.origin}/`, { width: 390, height: 844 });
  await type(page, "baseline", "3.2");
  await type(page, "mde", "8");
  await type(page, "dailyUsers", "12,000");
  const summary = page.getByTestId("plan-summary");
  await page.getByTestId("summary-users").filter({ hasText: /^77,062$/ }).waitFor();
  assert.equal((await page.getByTestId("summary-days").textContent()).trim(), "13");
  await page.evaluate(() => window.scrollTo(0, 0));
  const top = await summary.boundingBox();
  const form = await page.locator("form.plan-inputs").boundingBox();
  assert.ok(top.y < form.y, "the summary is above the form");
  assert.ok(top.y + top.height < 400, `the answer is in the first screen (at ${top.y}px)`);
  await page.screenshot({ path: join(OUT_DIR, "planner-390.png") });
  // Scrolled down to the traffic fields, the answer is still at the top of the screen.
  await page.locator("#trafficFraction").scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, 200));
  const stuck = await summary.boundingBox();
  assert.ok(stuck.y >= -1 && stuck.y < 5, `the summary sticks to the top (at ${stuck.y}px)`);
  await page.screenshot({ path: join(OUT_DIR, "planner-390-scrolled.png") });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling on a phone (overflow ${overflow}px)`);
  await page.screenshot({ path: join(OUT_DIR, "planner-390-full.png"), fullPage: true });

  // Beside the form the result card is the answer; the summary line is not shown.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.evaluate(() => window.scrollTo(0, 0));
  assert.equal(await summary.isVisible(), false);
  await page.getByTestId("method-help").locator("summary").click();
  await page.screenshot({ path: join(OUT_DIR, "planner-1280.png"), fullPage: true });
  await closePage(page);
});

test("no request left the page's origin, no errors, no CSP violations", () => {
  const foreign = foreignByPage.flat();
  assert.deepEqual(foreign, [], `requests to other origins: ${foreign.join(", ")}`);
  assert.deepEqual(problems, [], problems.join("\n"));
});

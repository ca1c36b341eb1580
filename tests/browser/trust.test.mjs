// The Evaluate view never guesses in silence (issue "Trust"): the control is
// found by name whatever the first row says, or named as assumed; an empty
// variant is a bad row with its line; a tiny arm named like another is flagged.
// Each file goes in through the file input and is checked against the SDK's
// evaluateCsv on the same bytes with the app's automatic mapping.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { evaluateCsv } from "kpilab";
import { AUTO_CONFIG, OUT_DIR, cspViolations, recordForeignRequests, useBuiltSite, watchProblems } from "./harness.mjs";
import { sampleCsv } from "../../scripts/sample-data.mjs";

const site = useBuiltSite(["index.html", "worker_loader.js"]);
const problems = [];

/** The sample file with its arms renamed; the first data row is the treatment's. */
function renamed(control, treatment, extraLines = []) {
  const [header, ...rows] = sampleCsv({ rows: 3000, seed: 11, lift: 0.3 }).trimEnd().split("\n");
  const named = rows.map((r) => r.replace(",control,", `,${control},`).replace(",treatment,", `,${treatment},`));
  const firstTreatment = named.findIndex((r) => r.includes(`,${treatment},`));
  const [first] = named.splice(firstTreatment, 1);
  return [header, first, ...named, ...extraLines].join("\n") + "\n";
}

async function evaluate(name, csv) {
  const file = join(OUT_DIR, `trust-${name}.csv`);
  writeFileSync(file, csv);
  const page = await site.browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 1000 });
  const foreign = recordForeignRequests(page, site.server.origin);
  await watchProblems(page, problems);
  await page.goto(`${site.server.origin}/?view=evaluate`);
  await page.getByTestId("csv-file").setInputFiles(file);
  await page.getByTestId("csv-preview").waitFor();
  await page.getByTestId("evaluate").click();
  await page.getByTestId("decision-verdict").waitFor({ timeout: 30_000 });
  const sdk = evaluateCsv(Buffer.from(csv), AUTO_CONFIG);
  assert.equal((await page.getByTestId("decision-verdict").textContent()).trim(), sdk.decision.verdict);
  assert.equal((await page.getByTestId("control-name").textContent()).trim(), sdk.control.name);
  const done = async () => {
    await page.screenshot({ path: join(OUT_DIR, `trust-${name}.png`), fullPage: true });
    assert.deepEqual(foreign, []);
    assert.deepEqual(await cspViolations(page), []);
    await page.close();
  };
  return { page, sdk, done };
}

test("A/B starting with B: A is the control, found by name, lifts point the right way", async () => {
  const { page, sdk, done } = await evaluate("ab", renamed("A", "B"));
  assert.deepEqual(sdk.control, { name: "A", chosenBy: "name" });
  const primary = sdk.kpis[0].result.comparisons[0];
  assert.equal(primary.variant, "B");
  assert.ok(primary.relativeLift > 0, "B converts more, as generated");
  assert.match(await page.getByTestId("control-line").textContent(), /recognised by its name/);
  await done();
});

test("Original / Variation 1: Original is the control", async () => {
  const { sdk, done } = await evaluate("original", renamed("Original", "Variation 1"));
  assert.deepEqual(sdk.control, { name: "Original", chosenBy: "name" });
  await done();
});

test("red / blue: the first is assumed, and the page says so", async () => {
  const { page, sdk, done } = await evaluate("redblue", renamed("red", "blue"));
  assert.deepEqual(sdk.control, { name: "blue", chosenBy: "first" });
  assert.ok(sdk.warnings.some((w) => w.code === "CONTROL_ASSUMED"));
  const line = page.getByTestId("control-line");
  assert.match(await line.textContent(), /assumed: .*first one in the file/);
  assert.match(await line.getAttribute("class"), /warning/);
  await done();
});

test("an empty variant is a bad row with its line, not an arm named \"\"", async () => {
  const csv = renamed("control", "treatment", ["u900001,,mobile,organic,1,10.00,1,0.00"]);
  const { page, sdk, done } = await evaluate("empty", csv);
  assert.equal(sdk.rows.skipped, 1);
  assert.equal(sdk.kpis[0].result.variants.length, 2);
  assert.match(await page.getByTestId("row-errors").textContent(), /Line 3,002/);
  await done();
});

test("a 'contrl' typo is flagged as a likely typo, not silently a third arm", async () => {
  const csv = renamed("control", "treatment", ["u900001,contrl,mobile,organic,1,10.00,1,0.00", "u900002,contrl,desktop,paid,0,0.00,0,0.00"]);
  const { page, sdk, done } = await evaluate("typo", csv);
  const typo = sdk.warnings.find((w) => w.code === "VARIANT_LIKELY_TYPO");
  assert.ok(typo && /contrl/.test(typo.message), JSON.stringify(sdk.warnings));
  const shown = page.locator('[data-testid="evaluation-warning"][data-code="VARIANT_LIKELY_TYPO"]');
  assert.match(await shown.textContent(), /contrl/);
  await done();
  assert.deepEqual(problems, []);
});

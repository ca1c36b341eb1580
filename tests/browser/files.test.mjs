// Spreadsheets and unreadable files in the Evaluate view (the built site, headless
// Chromium, files given through the file input). tests/cases/decimal_comma holds one
// shop export written three ways by generate.py: shop_dot.csv, its ";" decimal-comma
// twin shop_comma.csv and shop.xlsx (openpyxl); all three must give the same KPI
// table. A binary file gets a message naming it and no preview; a real .xlsx
// renamed .csv is read as the workbook it is. The xlsx worker is fetched only
// when a workbook is chosen.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { OUT_DIR, ROOT, cspViolations, openEvaluate as openPage, useBuiltSite } from "./harness.mjs";

const FIXTURES = join(ROOT, "tests/cases/decimal_comma");
const expected = JSON.parse(readFileSync(join(FIXTURES, "expected.json"), "utf8"));
const site = useBuiltSite(["index.html", "worker_loader.js", "xlsx_worker_loader.js"]);
const problems = [];

async function openEvaluate() {
  const requests = [];
  const watch = (page) => page.on("request", (r) => requests.push(new URL(r.url()).pathname));
  const { page, foreign } = await openPage(site, problems, { watch });
  return { page, foreign, requests };
}

async function closePage(page, foreign) {
  assert.deepEqual(foreign, [], "no request may leave the page's origin");
  assert.deepEqual(await cspViolations(page), [], "CSP violations");
  await page.close();
}

const fetchedXlsxWorker = (requests) => requests.some((p) => /xlsx_worker/.test(p));

/** Uploads `file`, checks the mapping, evaluates; returns the KPI table's text. */
async function kpiTable(page, file) {
  await page.getByTestId("csv-file").setInputFiles(file);
  await page.getByTestId("csv-preview").waitFor({ timeout: 30_000 });
  // revenue is a KPI (guardrail, with its pre-period covariate), not a segment
  assert.equal(await page.locator("#kpi-0-column").inputValue(), "converted");
  assert.equal(await page.locator("#kpi-1-column").inputValue(), "revenue");
  assert.equal(await page.locator("#kpi-1-covariate").inputValue(), "pre_revenue");
  await page.getByTestId("evaluate").click();
  await page.getByTestId("decision-verdict").waitFor({ timeout: 30_000 });
  return (await page.locator("section.kpi-results").innerText()).trim();
}

test("an .xlsx and a decimal-comma file give the same KPI table as the CSV", async () => {
  const tables = {};
  {
    const { page, foreign, requests } = await openEvaluate();
    tables.csv = await kpiTable(page, join(FIXTURES, "shop_dot.csv"));
    assert.equal(await page.getByTestId("decimal-note").count(), 0, "a plain CSV has no decimal-comma note");
    assert.ok(!fetchedXlsxWorker(requests), "a CSV must not fetch the xlsx worker");
    await closePage(page, foreign);
  }
  {
    const { page, foreign, requests } = await openEvaluate();
    await page.getByTestId("csv-file").setInputFiles(join(FIXTURES, "shop_comma.csv"));
    const note = page.getByTestId("decimal-note");
    await note.waitFor();
    assert.match(await note.innerText(), /Numbers use a decimal comma \(12,50 = 12\.5\)/);
    assert.ok(await page.getByTestId("decimal-comma").isChecked());
    await page.setViewportSize({ width: 390, height: 900 });
    await page.screenshot({ path: join(OUT_DIR, "files-decimal-comma-390.png"), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 1000 });
    tables.comma = await kpiTable(page, join(FIXTURES, "shop_comma.csv"));
    assert.ok(!fetchedXlsxWorker(requests));
    // Switched off, "0,00" is no number: every row is skipped, and the page says so.
    await page.getByTestId("decimal-comma").uncheck();
    await page.getByTestId("evaluate").click();
    await page.getByTestId("eval-error").waitFor({ timeout: 30_000 });
    assert.match(await page.getByTestId("eval-error").innerText(), /"0,00" is not a number/);
    await closePage(page, foreign);
  }
  {
    const { page, foreign, requests } = await openEvaluate();
    tables.xlsx = await kpiTable(page, join(FIXTURES, "shop.xlsx"));
    assert.ok(fetchedXlsxWorker(requests), "the workbook is read by the xlsx worker");
    const sheet = page.locator("#sheet");
    assert.equal(await sheet.inputValue(), "Data");
    assert.deepEqual(await sheet.locator("option").allInnerTexts(), ["Data", "Notes"]);
    await page.screenshot({ path: join(OUT_DIR, "files-xlsx.png"), fullPage: true });
    await closePage(page, foreign);
  }
  // Revenue per user as pandas reads the comma file (expected.json), control then treatment.
  const [control, treatment] = expected.variants;
  const [c, t] = [control.revenueMean.toFixed(2), treatment.revenueMean.toFixed(2)];
  // The row "revenue per user": each arm's mean (then its sd and users), control first.
  const revenue = new RegExp(`revenue per user\\s+guardrail\\s+${c.replace(".", "\\.")}\\s+sd [\\d.]+ · [\\d,]+ users\\s+${t.replace(".", "\\.")}\\s`);
  assert.match(tables.csv, revenue, `revenue per user ${c} and ${t} in\n${tables.csv}`);
  assert.equal(tables.comma, tables.csv, "decimal-comma file vs CSV");
  assert.equal(tables.xlsx, tables.csv, ".xlsx vs CSV");
  assert.deepEqual(problems, []);
});

test("the sheet picker reads another sheet, and back", async () => {
  const { page, foreign } = await openEvaluate();
  await page.getByTestId("csv-file").setInputFiles(join(FIXTURES, "shop.xlsx"));
  await page.getByTestId("csv-preview").waitFor({ timeout: 30_000 });
  await page.locator("#sheet").selectOption("Notes");
  await page.getByTestId("file-error").waitFor({ timeout: 30_000 });
  assert.match(await page.getByTestId("file-error").innerText(), /Found only one column/);
  assert.equal(await page.getByTestId("csv-preview").count(), 0);
  await page.locator("#sheet").selectOption("Data");
  await page.getByTestId("csv-preview").waitFor({ timeout: 30_000 });
  assert.equal(await page.locator("#variantColumn").inputValue(), "variant");
  await closePage(page, foreign);
  assert.deepEqual(problems, []);
});

test("a binary file gets a message naming it and no preview; a renamed .xlsx is read as one", async () => {
  const { page, foreign } = await openEvaluate();
  const png = join(OUT_DIR, "chart-export.csv");
  // A PNG header and compressed-looking bytes, named .csv.
  const bytes = Buffer.alloc(4096);
  Buffer.from("89504e470d0a1a0a0000000d49484452", "hex").copy(bytes);
  for (let i = 16; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
  writeFileSync(png, bytes);
  await page.getByTestId("csv-file").setInputFiles(png);
  const error = page.getByTestId("file-error");
  await error.waitFor();
  assert.match(await error.innerText(), /“chart-export\.csv” is a PNG image, not a CSV file/);
  assert.equal(await page.getByTestId("csv-preview").count(), 0, "no preview of a binary file");
  const evaluate = page.getByTestId("evaluate");
  assert.ok(await evaluate.isVisible());
  assert.ok(await evaluate.isDisabled());

  // NUL bytes in an otherwise text-looking file.
  const nul = join(OUT_DIR, "nul.csv");
  writeFileSync(nul, Buffer.concat([Buffer.from("variant,converted\nA,1\n"), Buffer.alloc(64), Buffer.from("B,0\n")]));
  await page.getByTestId("csv-file").setInputFiles(nul);
  await page.waitForFunction(() => /nul\.csv/.test(document.querySelector("[data-testid=file-error]")?.textContent ?? ""));
  assert.match(await error.innerText(), /NUL bytes/);
  assert.equal(await page.getByTestId("csv-preview").count(), 0);

  const renamed = join(OUT_DIR, "shop-export.csv");
  copyFileSync(join(FIXTURES, "shop.xlsx"), renamed);
  await page.getByTestId("csv-file").setInputFiles(renamed);
  await page.getByTestId("csv-preview").waitFor({ timeout: 30_000 });
  assert.equal(await page.getByTestId("file-error").count(), 0);
  assert.equal(await page.locator("#kpi-1-column").inputValue(), "revenue");
  await page.screenshot({ path: join(OUT_DIR, "files-renamed-xlsx.png"), fullPage: true });
  await closePage(page, foreign);
  assert.deepEqual(problems, []);
});

// Every golden case of tests/reference/cases.json through the built npm package,
// imported the way a user would.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as kpilab from "kpilab";
import { CASES_PATH, loadCases, mismatches } from "./cases.mjs";

const cases = loadCases();
const rawText = readFileSync(CASES_PATH, "utf8");

const call = {
  planSampleSize: (i) => kpilab.planSampleSize(i),
  planMde: (i) => kpilab.planMde(i),
  planPower: (i) => kpilab.planPower(i),
  planDuration: (i) => kpilab.planDuration(i),
  analyze: (i) => kpilab.analyze(i),
  kpis: (i) => kpilab.kpis(i),
  evaluateCsv: (i) => kpilab.evaluateCsv(i.data, i.config),
};

for (const fn of [...new Set(cases.map((c) => c.fn))]) {
  test(`golden cases: ${fn}`, () => {
    const failures = [];
    const mine = cases.filter((c) => c.fn === fn);
    for (const c of mine) {
      let actual;
      try {
        actual = call[fn](c.input);
      } catch (e) {
        failures.push(`${c.id}: threw ${e.code ?? ""} ${e.field ?? ""} ${e.message}`);
        continue;
      }
      for (const m of mismatches(c, actual, rawText)) failures.push(`${c.id}: ${m}`);
    }
    assert.deepEqual(failures, [], `${failures.length} failures in ${mine.length} ${fn} cases`);
  });
}

test("evaluateCsv takes bytes as well as text, with the same result", () => {
  const c = cases.find((x) => x.fn === "evaluateCsv");
  const fromText = kpilab.evaluateCsv(c.input.data, c.input.config);
  const fromBytes = kpilab.evaluateCsv(new TextEncoder().encode(c.input.data), c.input.config);
  assert.deepEqual(fromBytes, fromText);
});

test("CsvEvaluator streaming in odd chunks equals evaluateCsv", () => {
  for (const c of cases.filter((x) => x.fn === "evaluateCsv")) {
    const bytes = new TextEncoder().encode(c.input.data);
    const oneShot = kpilab.evaluateCsv(bytes, c.input.config);
    for (const size of [1, 7, 64, 4096]) {
      const ev = new kpilab.CsvEvaluator(c.input.config);
      for (let i = 0; i < bytes.length; i += size) ev.push(bytes.subarray(i, i + size));
      assert.equal(ev.progress().bytes, bytes.length);
      assert.deepEqual(ev.finish(), oneShot, `${c.id} with ${size}-byte chunks`);
    }
  }
});

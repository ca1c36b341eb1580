// decimal: "," through the built package: the semicolon export of
// tests/cases/decimal_comma gives what pandas read_csv(sep=";", decimal=",",
// thousands=".") reads (expected.json, checked there by a second route), and the
// same evaluation as its "." twin.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { evaluateCsv, KpilabError } from "kpilab";

const dir = new URL("../cases/decimal_comma/", import.meta.url);
const read = (name) => readFileSync(new URL(name, dir), "utf8");
const expected = JSON.parse(read("expected.json"));

const config = (extra) => ({
  variantColumn: "variant",
  segmentColumns: ["device"],
  kpis: [
    { name: "conversion", role: "primary", kind: "conversion", column: "converted" },
    { name: "revenue", role: "secondary", kind: "mean", column: "revenue" },
    { name: "pre_revenue", role: "secondary", kind: "mean", column: "pre_revenue" },
    { name: "revenue_cuped", role: "guardrail", kind: "mean", column: "revenue", covariate: "pre_revenue" },
    { name: "aov", role: "secondary", kind: "ratio", numerator: "revenue", denominator: "orders" },
  ],
  ...extra,
});

const close = (got, want, what) =>
  assert.ok(Math.abs(got - want) <= 1e-12 * Math.abs(want), `${what}: expected ${want}, got ${got}`);

test("a decimal-comma file reads as pandas reads it", () => {
  const e = evaluateCsv(read("shop_comma.csv"), config({ delimiter: ";", decimal: "," }));
  assert.equal(e.rows.skipped, 0);
  expected.variants.forEach((want, i) => {
    const [conversion, revenue, pre] = [0, 1, 2].map((k) => e.kpis[k].result.variants[i]);
    assert.equal(conversion.name, want.name);
    assert.equal(conversion.users, want.users);
    close(conversion.mean, want.conversions / want.users, `${want.name} conversion`);
    close(revenue.mean, want.revenueMean, `${want.name} revenue mean`);
    close(revenue.stdDev, want.revenueSd, `${want.name} revenue sd`);
    close(pre.mean, want.preRevenueMean, `${want.name} pre_revenue mean`);
    close(pre.stdDev, want.preRevenueSd, `${want.name} pre_revenue sd`);
  });
});

test("a decimal-comma file evaluates as its dot twin", () => {
  const comma = evaluateCsv(read("shop_comma.csv"), config({ delimiter: ";", decimal: "," }));
  const dot = evaluateCsv(read("shop_dot.csv"), config({}));
  assert.deepEqual(comma, dot);
});

test('decimal "," with delimiter "," is an error naming decimal', () => {
  assert.throws(
    () => evaluateCsv("variant,revenue\na,1\n", config({ decimal: "," })),
    (e) => e instanceof KpilabError && e.code === "INVALID_INPUT" && e.field === "decimal" && /delimiter/.test(e.message),
  );
});

test('an unknown decimal is an error naming decimal, even beside delimiter ";"', () => {
  assert.throws(
    () => evaluateCsv("variant;revenue\na;1\n", config({ delimiter: ";", decimal: ";" })),
    (e) => e instanceof KpilabError && e.code === "INVALID_INPUT" && e.field === "decimal" && e.message === 'decimal must be one of ".", ","; got ";"',
  );
});

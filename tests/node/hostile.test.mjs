// Hostile values at every SDK function: every leaf of a valid input is replaced by
// NaN, ±Infinity, -0, ±1e308, a string, null, undefined, an object, an array; every
// field is dropped in turn; extra fields, empty and huge arrays. Each call must
// throw a typed KpilabError or return a result whose every number is finite.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as kpilab from "kpilab";
import { KpilabError } from "kpilab";

const HOSTILE = [NaN, Infinity, -Infinity, -0, 1e308, -1e308, 5e-324, "12", "", null, undefined, {}, [], true, 2 ** 53 + 1];

const plan = { metric: { kind: "proportion", baseline: 0.05 }, mde: 0.1, alpha: 0.05, power: 0.8, allocation: [1, 1] };
const meanPlan = { metric: { kind: "mean", mean: 50, stdDev: 30 }, mde: 0.05, method: "t", variants: 3, correction: "bonferroni" };
const BASES = {
  planSampleSize: [plan, meanPlan, { metric: { kind: "timeToEvent", controlEventRate: 0.3, hazardRatio: 0.8 }, allocation: [1, 2] }],
  planMde: [{ ...plan, usersPerVariant: 10000 }, { ...meanPlan, usersPerVariant: 500 }],
  planPower: [{ ...plan, usersPerVariant: 10000 }, { ...meanPlan, usersPerVariant: 500 }],
  planDuration: [{ ...plan, dailyUsers: 2000, trafficFraction: 0.5 }],
  powerCurve: [plan],
  analyze: [
    { metric: "proportion", variants: [{ name: "A", users: 1000, conversions: 50 }, { name: "B", users: 1000, conversions: 70 }], method: "bayesian" },
    {
      metric: "mean",
      variants: [
        { name: "A", users: 100, sum: 500, sumSquares: 4000, covariate: { sum: 400, sumSquares: 3000, crossSum: 3100 } },
        { name: "B", users: 100, sum: 550, sumSquares: 4500, covariate: { sum: 410, sumSquares: 3100, crossSum: 3300 } },
      ],
      method: "sequential",
    },
    {
      metric: "ratio",
      variants: [
        { name: "A", users: 100, numerator: { sum: 900, sumSquares: 12000 }, denominator: { sum: 110, sumSquares: 150 }, crossSum: 1200 },
        { name: "B", users: 100, numerator: { sum: 950, sumSquares: 13000 }, denominator: { sum: 112, sumSquares: 155 }, crossSum: 1300 },
      ],
      correction: "holm",
      expectedAllocation: [1, 1],
    },
  ],
  analyzeTimeToEvent: [
    {
      variants: [
        { name: "control", times: [1, 2, 2, 5, 8, 9], events: [1, 1, 0, 1, 0, 1] },
        { name: "B", times: [1, 3, 4, 4, 7, 9], events: [1, 0, 1, 1, 1, 0] },
      ],
      alpha: 0.1,
      alternative: "greater",
      horizon: 8,
      unit: "hours",
      higherIsBetter: true,
    },
  ],
  kpis: [{ visitors: 1000, conversions: 50, revenue: 5000, orders: 55, bounces: 300, sessions: 1200, cost: 900, newCustomers: 40 }],
};

/** Every path to a leaf (number, string, boolean) of `value`. */
function leaves(value, path = []) {
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, Array.isArray(value) ? Number(k) : k]));
  }
  return [path];
}

function withValue(obj, path, v) {
  const copy = structuredClone(obj);
  let cur = copy;
  for (const k of path.slice(0, -1)) cur = cur[k];
  if (v === DROP) delete cur[path.at(-1)];
  else cur[path.at(-1)] = v;
  return copy;
}
const DROP = Symbol("drop");

function assertFinite(value, where) {
  if (typeof value === "number") assert.ok(Number.isFinite(value), `${where}: ${value} is not finite`);
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) assertFinite(v, `${where}.${k}`);
}

/** Calls fn(input); passes when it throws a KpilabError or returns only finite numbers. */
function survives(name, input) {
  let out;
  try {
    out = name === "powerCurve" ? kpilab.powerCurve(input, 20) : kpilab[name](input);
  } catch (e) {
    assert.ok(e instanceof KpilabError, `${name}(${JSON.stringify(input)}) threw ${e}`);
    assert.ok(e.message.length > 0);
    return "error";
  }
  assertFinite(out, name);
  return "ok";
}

for (const [name, bases] of Object.entries(BASES)) {
  test(`${name}: every leaf replaced by a hostile value, every field dropped`, () => {
    const seen = { ok: 0, error: 0 };
    for (const base of bases) {
      assert.equal(survives(name, base), "ok", "the base input is valid");
      for (const path of leaves(base)) {
        for (const v of [...HOSTILE, DROP]) seen[survives(name, withValue(base, path, v))]++;
        for (let depth = 1; depth < path.length; depth++) seen[survives(name, withValue(base, path.slice(0, depth), DROP))]++;
      }
      seen[survives(name, { ...base, unexpected: "field", __proto__x: 1 })]++;
    }
    // both outcomes occur: the bad values are caught, the harmless ones pass
    assert.ok(seen.error > 0 && seen.ok > 0, JSON.stringify(seen));
  });
}

test("analyze with empty and huge variant arrays", () => {
  assert.equal(survives("analyze", { metric: "proportion", variants: [] }), "error");
  const many = Array.from({ length: 20_000 }, (_, i) => ({ name: `v${i}`, users: 1000 + i, conversions: 50 + (i % 7) }));
  survives("analyze", { metric: "proportion", variants: many, correction: "benjamini-hochberg" });
  survives("analyze", { metric: "proportion", variants: many, method: "bayesian" });
});

test("planning with a huge number of arms and extreme scales", () => {
  survives("planSampleSize", { ...plan, variants: 1e6 });
  survives("planSampleSize", { ...plan, allocation: Array(100_000).fill(1), variants: 100_000 });
  survives("planSampleSize", { metric: { kind: "proportion", baseline: 1e-6 }, mde: 0.001 });
  survives("planMde", { metric: { kind: "proportion", baseline: 0.5 }, usersPerVariant: 1e10 });
  survives("planSampleSize", { metric: { kind: "mean", mean: 1e300, stdDev: 1e-300 }, mde: 0.1 });
});

test("evaluateCsv with hostile configs and bytes", () => {
  const data = "variant,converted,revenue\ncontrol,1,10\ntreatment,0,NaN\ncontrol,true,1e308\ntreatment,1,-1e308\n";
  const kpi = { name: "K", role: "primary", kind: "mean", column: "revenue" };
  const configs = [
    {},
    { variantColumn: "variant" },
    { variantColumn: "variant", kpis: [] },
    { variantColumn: "variant", kpis: [kpi], delimiter: "" },
    { variantColumn: "variant", kpis: [kpi], delimiter: ",," },
    { variantColumn: "variant", kpis: [{ ...kpi, kind: "ratio" }] },
    { variantColumn: "variant", kpis: [kpi], annualUsers: Infinity, revenueKpi: "K" },
    { variantColumn: "variant", kpis: [kpi], analysis: { alpha: 2 } },
    { variantColumn: "variant", kpis: [kpi], onBadRow: "fail" },
  ];
  for (const config of configs) {
    try {
      assertFinite(kpilab.evaluateCsv(data, config), "evaluateCsv");
    } catch (e) {
      assert.ok(e instanceof KpilabError, `evaluateCsv(${JSON.stringify(config)}) threw ${e}`);
    }
  }
  for (const bad of [42, null, {}, [1, 2]]) {
    assert.throws(() => kpilab.evaluateCsv(bad, { variantColumn: "variant", kpis: [kpi] }), KpilabError);
  }
});

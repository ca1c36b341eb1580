// Thrown errors are KpilabError instances with a code, a field path and a message,
// one test per code; and no Rust panic ever reaches JS.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as kpilab from "kpilab";
import { KpilabError } from "kpilab";

function thrown(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail("expected a throw");
}

const csv = "variant,converted\ncontrol,1\ntreatment,0\n";
const conversionKpi = { name: "Conversion", role: "primary", kind: "conversion", column: "converted" };

test("INVALID_INPUT names the field and the fix", () => {
  const e = thrown(() => kpilab.planSampleSize({ metric: { kind: "proportion", baseline: 1.5 }, mde: 0.1 }));
  assert.ok(e instanceof KpilabError && e instanceof Error);
  assert.equal(e.name, "KpilabError");
  assert.equal(e.code, "INVALID_INPUT");
  assert.equal(e.field, "metric.baseline");
  assert.match(e.message, /between 0 and 1/);

  const c = thrown(() =>
    kpilab.analyze({
      metric: "proportion",
      variants: [
        { name: "A", users: 500, conversions: 50 },
        { name: "B", users: 500, conversions: 520 },
      ],
    }),
  );
  assert.ok(c instanceof KpilabError);
  assert.equal(c.code, "INVALID_INPUT");
  assert.equal(c.field, "variants[1].conversions");
  assert.match(c.message, /520.*500/);
});

test("INVALID_INPUT for a value of the wrong type carries its path", () => {
  const e = thrown(() => kpilab.analyze({ metric: "proportion", variants: [{ name: "A", users: "many", conversions: 1 }] }));
  assert.ok(e instanceof KpilabError);
  assert.equal(e.code, "INVALID_INPUT");
  assert.equal(e.field, "variants[0].users");
});

test("UNSUPPORTED: a one-sided sequential test", () => {
  const e = thrown(() =>
    kpilab.analyze({
      metric: "proportion",
      method: "sequential",
      alternative: "greater",
      variants: [
        { name: "A", users: 1000, conversions: 100 },
        { name: "B", users: 1000, conversions: 120 },
      ],
    }),
  );
  assert.ok(e instanceof KpilabError);
  assert.equal(e.code, "UNSUPPORTED");
  assert.equal(e.field, "alternative");
});

test("CSV_PARSE: a KPI column missing from the header", () => {
  const e = thrown(() =>
    kpilab.evaluateCsv(csv, { variantColumn: "variant", kpis: [{ ...conversionKpi, column: "purchased" }] }),
  );
  assert.ok(e instanceof KpilabError);
  assert.equal(e.code, "CSV_PARSE");
  assert.equal(e.field, "kpis[0].column");
  assert.match(e.message, /purchased/);
});

test("NO_SOLUTION: a power no effect size can reach", () => {
  const e = thrown(() =>
    kpilab.planMde({ metric: { kind: "proportion", baseline: 0.5 }, usersPerVariant: 3, power: 0.99, alpha: 0.001 }),
  );
  assert.ok(e instanceof KpilabError);
  assert.equal(e.code, "NO_SOLUTION");
  assert.equal(typeof e.field, "string");
});

test("a finished CsvEvaluator refuses more work with a KpilabError", () => {
  const ev = new kpilab.CsvEvaluator({ variantColumn: "variant", kpis: [conversionKpi] });
  ev.push(new TextEncoder().encode(csv));
  ev.finish();
  const e = thrown(() => ev.push(new Uint8Array([1])));
  assert.ok(e instanceof KpilabError);
  assert.equal(e.code, "INVALID_INPUT");
});

test("no panic reaches JS: hostile inputs throw KpilabError and the module stays alive", () => {
  const hostile = [undefined, null, 0, "x", [], {}, { metric: null }, { metric: { kind: "nope" } }];
  const fns = [kpilab.planSampleSize, kpilab.planMde, kpilab.planPower, kpilab.planDuration, kpilab.powerCurve, kpilab.analyze, kpilab.kpis];
  for (const fn of fns) {
    for (const input of hostile) {
      try {
        fn(input);
      } catch (e) {
        assert.ok(e instanceof KpilabError, `${fn.name}(${JSON.stringify(input)}) threw ${e}`);
      }
    }
  }
  for (const data of [new Uint8Array([0xff, 0xfe, 0x00, 0x0a]), "", "\n\n", '"unterminated']) {
    try {
      kpilab.evaluateCsv(data, { variantColumn: "variant", kpis: [conversionKpi] });
    } catch (e) {
      assert.ok(e instanceof KpilabError, `evaluateCsv threw ${e}`);
    }
  }
  // a trapped wasm module would fail here
  assert.equal(kpilab.kpis({ visitors: 4, conversions: 1 }).conversionRate, 0.25);
});

test("a wrong type, an unknown variant or a missing field is located in the input", () => {
  const plan = (metric, extra = {}) => () => kpilab.planSampleSize({ metric, mde: 0.1, ...extra });
  const cases = [
    [plan({ kind: "proportion", baseline: "0.05" }), "metric.baseline"],
    [plan({ kind: "percentage", baseline: 0.05 }), "metric.kind"],
    [plan({ kind: "proportion", baseline: 0.05 }, { variants: 2.5 }), "variants"],
    [plan({ kind: "proportion", baseline: 0.05 }, { method: "welch" }), "method"],
    [() => kpilab.planSampleSize({ mde: 0.1 }), "metric"],
  ];
  for (const [call, field] of cases) {
    const e = thrown(call);
    assert.ok(e instanceof KpilabError);
    assert.equal(e.code, "INVALID_INPUT");
    assert.equal(e.field, field, e.message);
  }
});

// Strict inputs: an unknown key is an error naming its path and the nearest known name;
// wrong values are said as typed, not in serde's words.
const arms = () => [
  { name: "A", users: 100, conversions: 10 },
  { name: "B", users: 100, conversions: 12 },
];

function invalid(call, field, message) {
  const e = thrown(call);
  assert.ok(e instanceof KpilabError, String(e));
  assert.equal(e.code, "INVALID_INPUT");
  assert.equal(e.field, field, e.message);
  if (message instanceof RegExp) assert.match(e.message, message);
  else assert.equal(e.message, message);
}

test("an unknown top-level field is an error with a did-you-mean", () => {
  invalid(
    () => kpilab.analyze({ metric: "proportion", variants: arms(), altenative: "less" }),
    "altenative",
    'unknown option "altenative"; did you mean "alternative"?',
  );
  invalid(
    () => kpilab.planMde({ metric: { kind: "proportion", baseline: 0.1 }, usersPerVarant: 1000 }),
    "usersPerVarant",
    'unknown option "usersPerVarant"; did you mean "usersPerVariant"?',
  );
  invalid(
    () => kpilab.planSampleSize({ metric: { kind: "proportion", baseline: 0.1 }, mde: 0.1, qqqqqqqqqq: 1 }),
    "qqqqqqqqqq",
    'unknown option "qqqqqqqqqq"',
  );
  invalid(() => kpilab.kpis({ visitor: 10 }), "visitor", 'unknown option "visitor"; did you mean "visitors"?');
});

test("an unknown field in the analysis of an EvalConfig names its path", () => {
  invalid(
    () => kpilab.evaluateCsv(csv, { variantColumn: "variant", kpis: [conversionKpi], analysis: { altenative: "less" } }),
    "analysis.altenative",
    'unknown option "altenative"; did you mean "alternative"?',
  );
  invalid(
    () => new kpilab.CsvEvaluator({ variantColumn: "variant", kpis: [conversionKpi], analysis: { plannedUsersPerVarient: 5 } }),
    "analysis.plannedUsersPerVarient",
    'unknown option "plannedUsersPerVarient"; did you mean "plannedUsersPerVariant"?',
  );
});

test("an unknown field in a kpi spec names kpis[i]", () => {
  const { column, ...rest } = conversionKpi;
  invalid(
    () => kpilab.evaluateCsv(csv, { variantColumn: "variant", kpis: [{ ...rest, colum: column }] }),
    "kpis[0].colum",
    'unknown option "colum"; did you mean "column"?',
  );
});

test("an unknown field in a variant names variants[i]", () => {
  const variants = arms();
  variants[1].conversion = 12;
  invalid(
    () => kpilab.analyze({ metric: "proportion", variants }),
    "variants[1].conversion",
    'unknown option "conversion"; did you mean "conversions"?',
  );
});

test("a wrong enum value or type is said as typed", () => {
  invalid(
    () => kpilab.analyze({ metric: 5, variants: arms() }),
    "metric",
    'metric must be one of "proportion", "mean", "ratio"; got 5',
  );
  invalid(
    () => kpilab.analyze({ metric: "rate", variants: arms() }),
    "metric",
    'metric must be one of "proportion", "mean", "ratio"; got "rate"',
  );
  invalid(
    () => kpilab.analyze({ metric: "proportion", variants: [{ name: "A", users: "many", conversions: 1 }, arms()[1]] }),
    "variants[0].users",
    'variants[0].users must be a number; got "many"',
  );
  invalid(() => kpilab.planSampleSize({ mde: 0.1 }), "metric", "metric is required");
});

test("negative or non-finite kpis() totals are INVALID_INPUT naming the field", () => {
  invalid(() => kpilab.kpis({ visitors: -1, conversions: 5 }), "visitors", /negative.*-1/);
  invalid(() => kpilab.kpis({ revenue: Infinity }), "revenue", /finite/);
  invalid(() => kpilab.kpis({ cost: NaN }), "cost", /finite/);
  assert.equal(kpilab.kpis({ visitors: 4, conversions: 1 }).conversionRate, 0.25);
});

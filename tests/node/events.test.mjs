// Event-level KPI definitions (SDK.md §4) through the SDK: every golden case of
// tests/cases/event_level (pandas and a plain loop agree) gives its data quality,
// row counts and per-arm values; CsvEvaluator in chunks gives the same Evaluation.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as kpilab from "kpilab";

const dir = new URL("../cases/event_level/", import.meta.url);
const { cases } = JSON.parse(readFileSync(new URL("cases.json", dir), "utf8"));

function close(actual, expected, what) {
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);
}

/** The per-user mean of one arm the generator's sufficient statistics imply. */
function expectedMean(kind, arm) {
  if (kind === "conversion") return arm.conversions / arm.users;
  if (kind === "mean") return arm.sum / arm.users;
  if (kind === "ratio") return arm.numerator.sum / arm.denominator.sum;
  return arm.steps[arm.steps.length - 1] / arm.users;
}

for (const c of cases) {
  test(`event-level golden case ${c.name}`, () => {
    const data = readFileSync(new URL(c.csv, dir));
    const ev = kpilab.evaluateCsv(data, c.config);
    const { cappedValues, ...counts } = c.expected.quality;
    for (const [key, value] of Object.entries(counts)) assert.equal(ev.quality[key], value, `quality.${key}`);
    assert.equal(ev.quality.cappedValues.length, cappedValues.length);
    cappedValues.forEach((cv, i) => {
      const got = ev.quality.cappedValues[i];
      assert.deepEqual([got.kpi, got.part, got.users], [cv.kpi, cv.part, cv.users]);
      close(got.cap, cv.cap, `cap of ${cv.kpi}`);
    });
    assert.equal(ev.rows.read, c.expected.rows.read);
    assert.equal(ev.rows.skipped, c.expected.rows.skipped);
    assert.deepEqual(ev.rows.errors.map((e) => e.line), c.expected.errorLines);
    assert.equal(ev.warnings.some((w) => w.code === "SAMPLE_CONTAMINATION"), counts.multiVariantUsers > 0);
    c.config.kpis.forEach((spec, i) => {
      const kpi = ev.kpis[i];
      const want = c.expected.kpis[i];
      assert.equal(kpi.name, spec.name);
      want.arms.forEach((arm, v) => {
        const got = kpi.result.variants[v];
        assert.equal(got.name, arm.variant);
        assert.equal(got.users, arm.users);
        close(got.mean, expectedMean(spec.kind, arm), `${spec.name} ${arm.variant}`);
      });
      if (spec.kind === "funnel") {
        assert.equal(kpi.steps.length, spec.steps.length);
        kpi.steps.forEach((step, s) => {
          assert.equal(step.name, spec.steps[s].name);
          want.arms.forEach((arm, v) => {
            // Every step is a share of all exposed users of the arm.
            assert.equal(step.result.variants[v].users, arm.users);
            close(step.result.variants[v].mean, arm.steps[s] / arm.users, `${spec.name} step ${s}`);
            const rate = step.fromPrevious[v].rate;
            if (s === 0 || arm.steps[s - 1] === 0) assert.equal(rate, undefined);
            else close(rate, arm.steps[s] / arm.steps[s - 1], `${spec.name} step ${s} from previous`);
          });
        });
      } else {
        assert.equal(kpi.steps, undefined);
      }
    });

    const streaming = new kpilab.CsvEvaluator(c.config);
    for (let at = 0, n = 1; at < data.length; at += n, n = (n * 7 + 3) % 4093) streaming.push(data.subarray(at, at + n));
    assert.deepEqual(streaming.finish(), ev);
  });
}

test("one row per user still reports quality, all zeros", () => {
  const ev = kpilab.evaluateCsv("variant,converted\ncontrol,1\ntreatment,0\ncontrol,0\ntreatment,1\n", {
    variantColumn: "variant",
    kpis: [{ name: "c", role: "primary", kind: "conversion", column: "converted" }],
  });
  assert.deepEqual(ev.quality, {
    multiVariantUsers: 0,
    rowsBeforeExposure: 0,
    rowsOutsideWindow: 0,
    usersWithoutExposure: 0,
    usersWindowOpen: 0,
    cappedValues: [],
    timestampErrors: 0,
  });
});

test("event-level config mistakes are INVALID_INPUT naming the field", () => {
  const base = { variantColumn: "variant", userColumn: "user_pseudo_id", timestampColumn: "event_timestamp" };
  const invalid = (config, field, message) => {
    assert.throws(
      () => new kpilab.CsvEvaluator(config),
      (e) => e.code === "INVALID_INPUT" && e.field === field && (!message || message.test(e.message)),
    );
  };
  invalid({ ...base, kpis: [{ name: "p", role: "primary", kind: "conversion", where: { column: "event_name", equal: "purchase" } }] },
    "kpis[0].where.equal", /did you mean "equals"/);
  invalid({ ...base, kpis: [{ name: "p", role: "primary", kind: "conversion", where: { column: "event_name" } }] }, "kpis[0].where");
  invalid({ ...base, kpis: [{ name: "w", role: "primary", kind: "mean", column: "x", window: { days: -1 } }] }, "kpis[0].window.days");
  invalid({ ...base, kpis: [{ name: "c", role: "primary", kind: "mean", column: "x", cap: { percentile: 120 } }] }, "kpis[0].cap.percentile");
  invalid({ ...base, kpis: [{ name: "f", role: "primary", kind: "funnel", steps: [] }] }, "kpis[0].steps");
  invalid({ variantColumn: "v", kpis: [{ name: "p", role: "primary", kind: "conversion", where: { column: "e", equals: 1 } }] }, "userColumn");
});

test("kpiPresets give KpiSpecs that evaluate a GA4 export", () => {
  assert.deepEqual(Object.keys(kpilab.kpiPresets), [
    "conversionRate", "revenuePerUser", "averageOrderValue", "ordersPerUser", "bounceRate", "repeatPurchaseRate",
    "activation", "trialToPaid", "qualifiedLeadRate", "refundRate", "timeToConvert", "checkoutFunnel",
  ]);
  assert.deepEqual(kpilab.kpiPresets.averageOrderValue(), {
    name: "average order value",
    role: "secondary",
    kind: "ratio",
    numerator: { column: "purchase_revenue", where: { column: "event_name", equals: "purchase" }, aggregate: "sum" },
    denominator: { where: { column: "event_name", equals: "purchase" }, aggregate: "count" },
    higherIsBetter: true,
  });
  const refund = kpilab.kpiPresets.refundRate({ eventColumn: "event" });
  assert.deepEqual([refund.role, refund.higherIsBetter, refund.where], ["guardrail", false, { column: "event", equals: "refund" }]);
  assert.deepEqual(kpilab.kpiPresets.activation({ days: 3, event: "signup" }).window, { days: 3 });
  assert.equal(kpilab.kpiPresets.checkoutFunnel({ steps: ["add_to_cart", "purchase"] }).steps.length, 2);
  assert.throws(() => kpilab.kpiPreset("conversionrate"), (e) => e.code === "INVALID_INPUT" && /did you mean "conversionRate"/.test(e.message));
  assert.throws(() => kpilab.kpiPresets.conversionRate({ evnt: "x" }), (e) => e.code === "INVALID_INPUT" && e.field === "evnt");

  // The golden GA4 file: the presets' purchase conversion and AOV give the golden case's values.
  const c = cases.find((x) => x.name === "ga4-full");
  const data = readFileSync(new URL(c.csv, dir));
  const config = { ...c.config, kpis: [kpilab.kpiPresets.conversionRate({ days: 7 }), kpilab.kpiPresets.averageOrderValue()] };
  const ev = kpilab.evaluateCsv(data, config);
  const golden = kpilab.evaluateCsv(data, { ...c.config, kpis: [c.config.kpis[0], c.config.kpis[3]] });
  assert.deepEqual(ev.kpis.map((k) => k.result), golden.kpis.map((k) => k.result));
});

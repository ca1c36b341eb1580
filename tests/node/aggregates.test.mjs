// Aggregates (SDK.md §6) through the SDK: for every golden evaluateCsv case and
// every event-level case, evaluateAggregates(ev.aggregates(), config) equals
// ev.finish() (conversion, mean with CUPED, ratio, segments, userColumn, §4
// filters, aggregates, windows, caps, funnels, §5 time to event per user and
// event level: count rows), as row objects and as CSV text.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as kpilab from "kpilab";

const golden = JSON.parse(readFileSync(new URL("../reference/cases.json", import.meta.url), "utf8"));
const eventDir = new URL("../cases/event_level/", import.meta.url);
const events = JSON.parse(readFileSync(new URL("cases.json", eventDir), "utf8")).cases;
const timeToEvent = JSON.parse(readFileSync(new URL("../cases/time_to_event/evaluate_cases.json", import.meta.url), "utf8"));

const cases = [
  ...golden.filter((c) => c.fn === "evaluateCsv").map((c) => ({ name: c.id, data: c.input.data, config: c.input.config })),
  ...events.map((c) => ({ name: c.name, data: readFileSync(new URL(c.csv, eventDir)), config: c.config })),
  ...timeToEvent.map((c) => ({ name: c.id, data: c.input.csv, config: c.input.config })),
];

/** The evaluation without listed bad-row lines (aggregates carry counts only). */
export function withoutLines(e) {
  return { ...e, rows: { ...e.rows, errors: [], errorsNotListed: 0 } };
}

/** Rows as a warehouse client's CSV export (header first, null empty). */
export function toCsv(rows) {
  const columns = Object.keys(rows[0]);
  const cell = (v) => (v === null ? "" : /[",\n]/.test(String(v)) ? `"${String(v).replaceAll('"', '""')}"` : String(v));
  return [columns.join(","), ...rows.map((r) => columns.map((c) => cell(r[c])).join(","))].join("\n") + "\n";
}

for (const c of cases) {
  test(`aggregates of ${c.name} give finish()'s evaluation`, (t) => {
    const ev = new kpilab.CsvEvaluator(c.config);
    ev.push(typeof c.data === "string" ? new TextEncoder().encode(c.data) : c.data);
    let rows;
    try {
      rows = ev.aggregates();
    } catch (e) {
      assert.throws(() => kpilab.evaluateCsv(c.data, c.config), { message: e.message });
      return t.skip(`an error case: ${e.message}`);
    }
    assert.ok(rows.length >= 2 && rows.every((r) => "users" in r && "variant" in r && "segment_column" in r));
    let expected;
    try {
      expected = withoutLines(ev.finish());
    } catch (e) {
      assert.throws(() => kpilab.evaluateAggregates(rows, c.config), { message: e.message });
      return;
    }
    assert.deepEqual(withoutLines(kpilab.evaluateAggregates(rows, c.config)), expected);
    assert.deepEqual(withoutLines(kpilab.evaluateAggregates(toCsv(rows), c.config)), expected);
    assert.throws(() => ev.finish(), { name: "KpilabError" });
  });
}

test("bad aggregates are KpilabErrors naming the column", () => {
  const config = { variantColumn: "v", kpis: [{ name: "conv", role: "primary", kind: "conversion", column: "c" }] };
  assert.throws(() => kpilab.evaluateAggregates([{ segment_column: null, segment_value: null, variant: "a", users: 3 }], config), {
    name: "KpilabError",
    code: "INVALID_INPUT",
    message: /conv__sum/,
  });
  assert.throws(() => kpilab.evaluateAggregates("segment_column,variant\n", config), { code: "INVALID_INPUT", message: /segment_value/ });
  assert.throws(() => kpilab.toSql(config, { dialect: "oracle", table: "t" }), { name: "KpilabError" });
  assert.throws(
    () => kpilab.toSql({ ...config, kpis: [{ ...config.kpis[0], where: { column: "e", equals: "it's" } }], userColumn: "u" }, { dialect: "duckdb", table: "t" }),
    { code: "UNSUPPORTED", field: "kpis[0].where" },
  );
  assert.throws(
    () => kpilab.toSql({ ...config, userColumn: "u", exposure: { where: { column: "e", equals: "x" } } }, { dialect: "duckdb", table: "t" }),
    { code: "UNSUPPORTED", field: "exposure.where" },
  );
});

test("time-to-event aggregates: count rows with time, <kpi>__events and <kpi>__censored", () => {
  const c = timeToEvent[0];
  const ev = new kpilab.CsvEvaluator(c.input.config);
  ev.push(new TextEncoder().encode(c.input.csv));
  const rows = ev.aggregates();
  const counts = rows.filter((r) => r.time !== null);
  assert.ok(counts.length > 10 && counts.every((r) => r.users === null && Number.isInteger(r["time to convert__events"])));
  const users = rows.filter((r) => r.time === null && r.segment_column === null).reduce((s, r) => s + r.users, 0);
  const whole = counts.filter((r) => r.segment_column === null);
  assert.equal(whole.reduce((s, r) => s + r["time to convert__events"] + r["time to convert__censored"], 0), users);
  // A count row for a cell without users is refused, naming the row.
  const bad = [...rows, { ...counts[0], variant: "nobody" }];
  assert.throws(() => kpilab.evaluateAggregates(bad, c.input.config), { code: "INVALID_INPUT", field: `aggregates[${rows.length}]` });
});

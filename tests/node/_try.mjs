import * as kpilab from "kpilab";
import { writeFileSync } from "node:fs";
import { generateEvents, eventConfig, firstRowConfig } from "/work/wt-sql/tests/node/warehouse-events.mjs";
const csv = generateEvents(3, 1200);
writeFileSync("/tmp/sqlw/ev.csv", csv);
const { DuckDBInstance } = await import("@duckdb/node-api");
const db = await DuckDBInstance.create(":memory:");
const con = await db.connect();
await con.run(`CREATE TABLE ev AS SELECT * FROM read_csv('/tmp/sqlw/ev.csv', header = true, types = {'event_time': 'TIMESTAMPTZ', 'session_id': 'VARCHAR'})`);
for (const config of [eventConfig, firstRowConfig]) {
  const sql = kpilab.toSql(config, { dialect: "duckdb", table: "ev" });
  writeFileSync("/tmp/sqlw/q.sql", sql);
  const reader = await con.runAndReadAll(sql);
  const rows = reader.getRowObjectsJS().map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v])));
  const expected = kpilab.evaluateCsv(csv, config);
  const got = kpilab.evaluateAggregates(rows, config);
  let bad = 0;
  function cmp(a, e, p) {
    if (typeof e === "number" && typeof a === "number") { if (!(Math.abs(a - e) <= 1e-9 * Math.max(1, Math.abs(e)))) { if (bad++ < 15) console.log(p, a, e); } }
    else if (Array.isArray(e)) { if (!Array.isArray(a) || a.length !== e.length) { if (bad++ < 15) console.log(p, "len", a?.length, e.length); return; } e.forEach((x, i) => cmp(a[i], x, `${p}[${i}]`)); }
    else if (e && typeof e === "object") { for (const k of new Set([...Object.keys(e), ...Object.keys(a ?? {})])) cmp(a?.[k], e[k], `${p}.${k}`); }
    else if (a !== e) { if (bad++ < 15) console.log(p, JSON.stringify(a)?.slice(0, 200), JSON.stringify(e)?.slice(0, 200)); }
  }
  cmp(got, expected, "");
  console.log("mismatches", bad, "rows", rows.length, expected.quality, expected.rows);
}

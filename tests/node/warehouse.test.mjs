// The warehouse path on real engines (SDK.md §6): the same generated CSVs loaded
// into DuckDB (@duckdb/node-api) and PostgreSQL (Debian's postgresql: a throwaway
// cluster on a unix socket in a temp dir, stopped after); toSql → engine →
// evaluateAggregates equals evaluateCsv on the file within 1e-9 relative (the same
// decision and reasons), for every KPI kind and feature: §3 conversion, mean with
// CUPED, ratio, segments, userColumn; §4 event level (warehouse-events.mjs):
// where (equals, in, notIn, all, any, numbers), every aggregate, threshold,
// windows, exposure, ratio parts, value and percentile caps, ordered and
// unordered funnels, typed TIMESTAMPTZ, ISO text, epoch seconds and µs (unit given or
// by magnitude), no timestamps;
// §5 time to event (count rows); values near 1e7 with a small spread (shifted sums).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, readFileSync, rmSync, chmodSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import * as kpilab from "kpilab";
import { CHANNELS, DEVICES, eventConfig, firstRowConfig, generateEvents, rng } from "./warehouse-events.mjs";

const dir = mkdtempSync(join(tmpdir(), "kpilab-warehouse-"));
chmodSync(dir, 0o755);
after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Users with a variant, device and channel; `rowsPerUser` > 1 gives several rows
 * per user (summed by userColumn). The first rows show variants and segment
 * values in name order, so first appearance (CSV) and name order (SQL) agree.
 */
function generate(seed, users, rowsPerUser, switchers = 0) {
  const r = rng(seed);
  const lines = ["user_id,variant,device,channel,converted,revenue,orders,pre_revenue,balance"];
  const profile = [];
  for (let u = 0; u < users; u++) {
    const variant = u % 2 === 0 ? "control" : "treatment";
    const device = u < 6 ? DEVICES[Math.floor(u / 2)] : DEVICES[Math.floor(r() * 3)];
    const channel = u < 6 ? CHANNELS[Math.floor(u / 2)] : CHANNELS[Math.floor(r() * 3)];
    profile.push({ id: `u${String(u).padStart(6, "0")}`, variant, device, channel, lift: variant === "treatment" ? 0.03 : 0 });
  }
  for (let k = 0; k < rowsPerUser; k++) {
    for (const p of profile) {
      const converted = r() < 0.1 + p.lift ? 1 : 0;
      const orders = converted ? 1 + Math.floor(r() * 3) : 0;
      const revenue = converted ? (20 + 80 * r() * (1 + p.lift)).toFixed(2) : "0.00";
      const pre = (r() < 0.5 ? 0 : 100 * r()).toFixed(2);
      // near 1e7 with a spread of about 1: the stability case
      const balance = (1e7 + r() + p.lift).toFixed(6);
      // A few control users (after the first 6) later name treatment: USER_IN_SEVERAL_VARIANTS
      // (counted in their first row's arm by the CSV path, their smallest by SQL: both control).
      const u = Number(p.id.slice(1));
      const variant = k > 0 && u >= 6 && u < 6 + 2 * switchers && p.variant === "control" ? "treatment" : p.variant;
      lines.push([p.id, variant, p.device, p.channel, converted, revenue, orders, pre, balance].join(","));
    }
  }
  return lines.join("\n") + "\n";
}

const KPIS = [
  { name: "conv", role: "primary", kind: "conversion", column: "converted" },
  { name: "rev", role: "secondary", kind: "mean", column: "revenue", covariate: "pre_revenue" },
  { name: "aov", role: "guardrail", kind: "ratio", numerator: "revenue", denominator: "orders", nonInferiorityMargin: 0.05 },
  { name: "balance", role: "secondary", kind: "mean", column: "balance" },
  { name: "orders_mean", role: "secondary", kind: "mean", column: "orders" },
];
const SECTION_3_COLUMNS = {
  duckdb: {},
  postgres: `user_id text, variant text, device text, channel text, converted integer,
        revenue double precision, orders integer, pre_revenue double precision, balance double precision`,
};
/** Event columns; time: TIMESTAMPTZ ("iso"), ISO 8601 text ("text") or epoch numbers ("s", "us"). */
const eventColumns = (time, engaged = "integer") => ({
  duckdb: { event_time: { iso: "TIMESTAMPTZ", text: "VARCHAR", s: "BIGINT", us: "BIGINT" }[time], session_id: "VARCHAR", engaged: engaged.toUpperCase() },
  postgres: `event_time ${{ iso: "timestamptz", text: "text", s: "bigint", us: "bigint" }[time]}, user_id text, variant text, event_name text, device text,
        channel text, session_id text, quantity integer, revenue double precision, balance double precision, engaged ${engaged}`,
});
const files = [
  {
    name: "per_user",
    csv: generate(7, 4000, 1),
    config: { variantColumn: "variant", kpis: KPIS, segmentColumns: ["device", "channel"] },
    columns: SECTION_3_COLUMNS,
    cells: 2 + 2 * 2 * 3,
  },
  {
    name: "user_column",
    csv: generate(11, 1500, 3, 5),
    config: { variantColumn: "variant", userColumn: "user_id", kpis: KPIS, segmentColumns: ["device"], analysis: { alpha: 0.1 } },
    columns: SECTION_3_COLUMNS,
    cells: 2 + 2 * 3,
  },
  { name: "events", csv: generateEvents(3, 1200, "iso"), config: eventConfig, columns: eventColumns("iso") },
  {
    name: "events_epoch",
    // A third arm left out by analysis.variants (its rows excluded before any event rule).
    csv: generateEvents(5, 900, "s", ["control", "treatment", "zz_holdout"]),
    config: { ...eventConfig, timestampUnit: "s", segmentColumns: ["channel"], analysis: { alpha: 0.1, variants: ["control", "treatment"] } },
    columns: eventColumns("s"),
  },
  // timestampUnit "auto" on epoch numbers: the unit by magnitude, as the CSV path.
  { name: "events_us_auto", csv: generateEvents(17, 500, "us"), config: { ...eventConfig, segmentColumns: ["device"] }, columns: eventColumns("us") },
  { name: "events_text_time", csv: generateEvents(13, 500, "iso"), config: { ...eventConfig, segmentColumns: [] }, columns: eventColumns("text", "boolean") },
  { name: "events_first_row", csv: generateEvents(9, 800, "iso"), config: firstRowConfig, columns: eventColumns("iso") },
  // §5 per user (one row each: a duration and a 0/1 or true/false event), the golden cases' data.
  ...JSON.parse(readFileSync(new URL("../cases/time_to_event/evaluate_cases.json", import.meta.url), "utf8"))
    .filter((c) => c.input.config.kpis[0].column)
    .map((c, i) => ({
      name: `tte_per_user_${i}`,
      // SQL orders arms by name: the hours case's arm "b" becomes "treatment" (after "control").
      csv: c.input.csv.replaceAll(",b,", ",treatment,"),
      config: c.input.config,
      columns: {
        duckdb: {},
        postgres: [
          "user_id text, variant text, days_to_convert double precision, converted integer, device text",
          '"user" text, arm text, hours double precision, purchased boolean',
        ][i],
      },
    })),
];
for (const f of files) {
  f.path = join(dir, `${f.name}.csv`);
  writeFileSync(f.path, f.csv);
  chmodSync(f.path, 0o644);
}

/** Numbers within 1e-9 relative (absolute near 0), everything else equal. */
function assertClose(actual, expected, path = "") {
  if (typeof expected === "number" && typeof actual === "number") {
    assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${path}: ${actual} vs ${expected}`);
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), path);
    assert.equal(actual.length, expected.length, `${path}.length`);
    expected.forEach((e, i) => assertClose(actual[i], e, `${path}[${i}]`));
  } else if (expected && typeof expected === "object") {
    assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${path} keys`);
    for (const k of Object.keys(expected)) assertClose(actual[k], expected[k], `${path}.${k}`);
  } else {
    assert.equal(actual, expected, path);
  }
}

test("DuckDB: toSql → engine → evaluateAggregates equals evaluateCsv", async () => {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const db = await DuckDBInstance.create(":memory:");
  const con = await db.connect();
  try {
    for (const f of files) {
      const types = Object.entries(f.columns.duckdb).map(([c, t]) => `'${c}': '${t}'`);
      const typed = types.length ? `, types = {${types.join(", ")}}` : "";
      await con.run(`CREATE TABLE ${f.name} AS SELECT * FROM read_csv('${f.path}', header = true${typed})`);
      const sql = kpilab.toSql(f.config, { dialect: "duckdb", table: f.name });
      const reader = await con.runAndReadAll(sql);
      const rows = reader.getRowObjectsJS().map((r) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v])),
      );
      if (f.cells) assert.equal(rows.length, f.cells);
      const expected = kpilab.evaluateCsv(f.csv, f.config);
      assertClose(kpilab.evaluateAggregates(rows, f.config), expected, f.name);
    }
  } finally {
    con.closeSync();
    db.closeSync();
  }
});

/** A throwaway PostgreSQL cluster on a unix socket; runs `fn(psql)` and stops it. */
async function withPostgres(fn) {
  const bin = ["/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin"].find((d) =>
    existsSync(join(d, "initdb")),
  );
  assert.ok(bin, "PostgreSQL is not installed: run scripts/bootstrap.sh (it installs Debian's postgresql)");
  const data = join(dir, "pgdata");
  const socket = join(dir, "socket");
  // initdb refuses root: run the server as the postgres user then.
  const asServer = process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--"]] : [null, []];
  const run = (cmd, args) =>
    asServer[0] ? execFileSync(asServer[0], [...asServer[1], cmd, ...args], { stdio: "pipe" }) : execFileSync(cmd, args, { stdio: "pipe" });
  execFileSync("mkdir", ["-p", data, socket]);
  if (asServer[0]) execFileSync("chown", ["postgres", data, socket]);
  run(join(bin, "initdb"), ["-D", data, "--auth=trust", "--locale=C", "--encoding=UTF8", "-U", "postgres"]);
  run(join(bin, "pg_ctl"), ["-D", data, "-w", "-l", join(socket, "log"), "-o", `-k ${socket} -c listen_addresses=''`, "start"]);
  try {
    const psql = (args, input) =>
      execFileSync("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", socket, "-U", "postgres", "-d", "postgres", ...args], {
        input,
        encoding: "utf8",
      });
    await fn(psql);
  } finally {
    run(join(bin, "pg_ctl"), ["-D", data, "-w", "-m", "fast", "stop"]);
  }
}

test("PostgreSQL: toSql → engine → evaluateAggregates (its CSV output) equals evaluateCsv", async () => {
  await withPostgres(async (psql) => {
    for (const f of files) {
      psql(["-c", `CREATE TABLE ${f.name} (${f.columns.postgres})`]);
      psql(["-c", `\\copy ${f.name} FROM '${f.path}' CSV HEADER`]);
      const sql = kpilab.toSql(f.config, { dialect: "postgres", table: f.name });
      const csv = psql(["--csv", "-f", "-"], sql);
      const expected = kpilab.evaluateCsv(f.csv, f.config);
      assertClose(kpilab.evaluateAggregates(csv, f.config), expected, f.name);
    }
  });
});

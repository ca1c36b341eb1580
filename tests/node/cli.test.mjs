// `npx kpilab` (SDK.md §7): the bin of the package, run as a user would.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import * as kpilab from "kpilab";

const require = createRequire(import.meta.url);
const pkgDir = join(require.resolve("kpilab"), "..");
const bin = join(pkgDir, JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")).bin.kpilab);
const golden = JSON.parse(readFileSync(new URL("../reference/cases.json", import.meta.url), "utf8"));
const c = golden.find((g) => g.fn === "evaluateCsv" && g.input.config.segmentColumns?.length);
const dir = mkdtempSync(join(tmpdir(), "kpilab-cli-"));
const data = join(dir, "data.csv");
const config = join(dir, "config.json");
writeFileSync(data, c.input.data);
writeFileSync(config, JSON.stringify(c.input.config));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

const run = (...args) => spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });

test("kpilab evaluate prints evaluateCsv's Evaluation as JSON", () => {
  const r = run("evaluate", data, "--config", config);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), JSON.parse(JSON.stringify(kpilab.evaluateCsv(c.input.data, c.input.config))));
});

test("md and csv formats, and the aggregates round trip through kpilab aggregate", () => {
  const md = run("evaluate", data, "--config", config, "--format", "md");
  assert.equal(md.status, 0, md.stderr);
  assert.match(md.stdout, /^# Decision: /);
  const csv = run("evaluate", data, "--config", config, "--format", "csv");
  assert.match(csv.stdout.split("\n")[0], /^segment_column,segment_value,kpi,role,variant,control,absoluteLift/);
  const agg = run("evaluate", data, "--config", config, "--format", "aggregates");
  assert.match(agg.stdout, /^segment_column,segment_value,variant,users,/);
  const file = join(dir, "agg.csv");
  writeFileSync(file, agg.stdout);
  const back = run("aggregate", file, "--config", config);
  assert.equal(back.status, 0, back.stderr);
  const expected = kpilab.evaluateCsv(c.input.data, c.input.config);
  assert.deepEqual(JSON.parse(back.stdout).kpis, JSON.parse(JSON.stringify(expected.kpis)));
});

test("kpilab sql and kpilab plan", () => {
  const sql = run("sql", "--dialect", "bigquery", "--table", "proj.ds.users", "--config", config);
  assert.equal(sql.status, 0, sql.stderr);
  assert.equal(sql.stdout, kpilab.toSql(c.input.config, { dialect: "bigquery", table: "proj.ds.users" }));
  const input = { metric: { kind: "proportion", baseline: 0.1 }, mde: 0.1 };
  const plan = run("plan", JSON.stringify(input));
  assert.equal(plan.status, 0, plan.stderr);
  assert.deepEqual(JSON.parse(plan.stdout), kpilab.planSampleSize(input));
});

test("--help on each command; bad input exits non-zero with the KpilabError's message", () => {
  for (const cmd of ["evaluate", "sql", "aggregate", "plan"]) {
    const r = run(cmd, "--help");
    assert.equal(r.status, 0);
    assert.match(r.stdout, new RegExp(`^kpilab ${cmd}`));
  }
  assert.equal(run("--help").status, 0);
  const bad = join(dir, "bad.json");
  writeFileSync(bad, JSON.stringify({ ...c.input.config, kpis: [] }));
  const r = run("evaluate", data, "--config", bad);
  assert.equal(r.status, 1);
  let message;
  try {
    kpilab.evaluateCsv(c.input.data, { ...c.input.config, kpis: [] });
  } catch (e) {
    message = e.message;
  }
  assert.ok(r.stderr.includes(message), r.stderr);
  const u = run("sql", "--dialect", "oracle", "--table", "t", "--config", config);
  assert.equal(u.status, 1);
  assert.match(u.stderr, /^kpilab: .*oracle/);
  assert.equal(run("evaluate", join(dir, "missing.csv"), "--config", config).status, 2);
  assert.equal(run("frobnicate").status, 2);
});

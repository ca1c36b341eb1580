// toSql for the warehouses without an engine here (BigQuery, Snowflake, Spark,
// ClickHouse; DuckDB and PostgreSQL too): each query parses with sqlglot in its own
// dialect (tests/sql/parse.py, sqlglot pinned by scripts/bootstrap.sh in .venv),
// for §3 configs and for every §4/§5 feature (warehouse-events.mjs: filters,
// aggregates, windows, exposure, value and percentile caps, funnels, time to event).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import * as kpilab from "kpilab";
import { eventConfig, firstRowConfig } from "./warehouse-events.mjs";

const python = fileURLToPath(new URL("../../.venv/bin/python", import.meta.url));
const script = fileURLToPath(new URL("../sql/parse.py", import.meta.url));
const DIALECTS = ["duckdb", "postgres", "bigquery", "snowflake", "spark", "clickhouse"];

const configs = [
  {
    variantColumn: "variant",
    segmentColumns: ["device", "channel"],
    kpis: [
      { name: "conv", role: "primary", kind: "conversion", column: "converted" },
      { name: "rev", role: "secondary", kind: "mean", column: "revenue", covariate: "pre_revenue" },
      { name: "aov", role: "guardrail", kind: "ratio", numerator: "revenue", denominator: "orders" },
    ],
  },
  { variantColumn: "arm", userColumn: "user_id", kpis: [{ name: "orders", role: "primary", kind: "mean", column: "orders" }] },
];
const eventConfigs = [eventConfig, { ...eventConfig, timestampUnit: "ms" }, firstRowConfig];

test("every dialect's query parses with sqlglot in that dialect, with the documented columns", () => {
  assert.ok(existsSync(python), "sqlglot's venv is missing: run scripts/bootstrap.sh sql");
  const queries = configs.flatMap((config) =>
    DIALECTS.map((dialect) => ({ dialect, sql: kpilab.toSql(config, { dialect, table: "analytics.events" }) })),
  );
  const { parsed } = JSON.parse(execFileSync(python, [script], { input: JSON.stringify(queries), encoding: "utf8" }));
  assert.equal(parsed.length, queries.length);
  for (const [i, p] of parsed.entries()) {
    assert.equal(p.type, "Select", p.dialect);
    assert.deepEqual(p.ctes, ["src", "per_user", "ref", "cells"], p.dialect);
    assert.equal(p.dialect, queries[i].dialect);
  }
});

test("event-level and time-to-event queries parse in every dialect", () => {
  const queries = eventConfigs.flatMap((config) =>
    DIALECTS.map((dialect) => ({ dialect, sql: kpilab.toSql(config, { dialect, table: "analytics.events" }) })),
  );
  const { parsed } = JSON.parse(execFileSync(python, [script], { input: JSON.stringify(queries), encoding: "utf8" }));
  assert.equal(parsed.length, queries.length);
  for (const [i, p] of parsed.entries()) {
    assert.equal(p.type, "Select", p.dialect);
    assert.equal(p.dialect, queries[i].dialect);
    for (const cte of ["src", "kl_users", "kl_counted", "kl_per_user", "kl_values", "per_user", "quality", "ref", "cells"]) {
      assert.ok(p.ctes.includes(cte), `${p.dialect}: ${cte} in ${p.ctes}`);
    }
    if (i < 2 * DIALECTS.length) assert.ok(p.ctes.includes("kl_caps") && p.ctes.includes("kl_f11_2"), `${p.dialect}: ${p.ctes}`);
  }
});

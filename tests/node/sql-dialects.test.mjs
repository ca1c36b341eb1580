// toSql for the warehouses without an engine here (BigQuery, Snowflake, Spark,
// ClickHouse; DuckDB and PostgreSQL too): each query parses with sqlglot in its own
// dialect (tests/sql/parse.py, sqlglot pinned by scripts/bootstrap.sh in .venv).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import * as kpilab from "kpilab";

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

#!/usr/bin/env node
// `npx kpilab`: the SDK on the command line (SDK.md §7). Node >= 18, no dependencies.
"use strict";
const fs = require("node:fs");
const { parseArgs } = require("node:util");
const kpilab = require("./index.cjs");

const HELP = {
  main: `kpilab: A/B test evaluation, warehouse SQL and planning.

Usage:
  kpilab evaluate <data.csv> --config <c.json> [--format json|md|csv|aggregates]
  kpilab sql --dialect <duckdb|postgres|bigquery|snowflake|spark|clickhouse> --table <t> --config <c.json>
  kpilab aggregate <result.csv> --config <c.json> [--format json|md|csv]
  kpilab plan <input.json | JSON> [--what sample-size|mde|power|duration]

Run "kpilab <command> --help" for a command's options. Exit code 1: bad input (the
message is the KpilabError's); 2: bad usage.`,
  evaluate: `kpilab evaluate <data.csv> --config <c.json> [--format json|md|csv|aggregates] [--no-progress]

Evaluates a row-level CSV (one row per user, or per event with userColumn) with an
EvalConfig and prints the Evaluation (json, the default), a Markdown report (md),
one CSV row per KPI comparison (csv), or the run's aggregates as CSV (aggregates:
the shareable sufficient statistics, read back by "kpilab aggregate").
Files over 8 MiB show a progress bar on stderr.`,
  sql: `kpilab sql --dialect <dialect> --table <table> --config <c.json>

Prints the one query that computes the config's aggregates in a warehouse
(duckdb, postgres, bigquery, snowflake, spark, clickhouse). Export its result as
CSV and evaluate it with "kpilab aggregate".`,
  aggregate: `kpilab aggregate <result.csv> --config <c.json> [--format json|md|csv]

Evaluates aggregates (the CSV result of "kpilab sql"'s query, or of
"kpilab evaluate --format aggregates") with the same config: the same Evaluation
as evaluating the rows themselves.`,
  plan: `kpilab plan <input.json | JSON> [--what sample-size|mde|power|duration]

Planning: the input of planSampleSize (default), planMde, planPower or
planDuration, as a file or inline JSON, e.g.
  kpilab plan '{"metric":{"kind":"proportion","baseline":0.1},"mde":0.1}'`,
};

class Usage extends Error {}

function readJson(what, pathOrJson) {
  if (pathOrJson === undefined) throw new Usage(`${what} is required`);
  const text = /^\s*[[{]/.test(pathOrJson) ? pathOrJson : readText(pathOrJson);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new kpilab.KpilabError("INVALID_INPUT", what, `${what}: not valid JSON (${e.message})`);
  }
}

function readText(path) {
  try {
    return fs.readFileSync(path, "utf8");
  } catch (e) {
    throw new Usage(`cannot read ${path}: ${e.code === "ENOENT" ? "no such file" : e.message}`);
  }
}

function parse(args, options) {
  try {
    return parseArgs({ args, options: { help: { type: "boolean", short: "h" }, ...options }, allowPositionals: true });
  } catch (e) {
    throw new Usage(e.message);
  }
}

const fmt = (x, digits = 4) => (x === null || x === undefined ? "" : typeof x === "number" ? Number(x.toPrecision(digits)).toString() : String(x));
const ci = (b) => (b ? `[${fmt(b[0])}, ${fmt(b[1])}]` : "");

/** One line per (segment, KPI, comparison): the numbers a report needs. */
function comparisonRows(ev) {
  const rows = [];
  const add = (segment, k) => {
    for (const c of k.result.comparisons) {
      rows.push({
        segment_column: segment?.column ?? "",
        segment_value: segment?.value ?? "",
        kpi: k.name,
        role: k.role,
        variant: c.variant,
        control: c.control,
        absoluteLift: c.absoluteLift,
        relativeLift: c.relativeLift,
        relativeCiLow: c.relativeCi?.[0] ?? null,
        relativeCiHigh: c.relativeCi?.[1] ?? null,
        pValue: c.pValue ?? null,
        significant: c.significant,
        verdict: c.verdict,
      });
    }
  };
  ev.kpis.forEach((k) => add(null, k));
  ev.segments.forEach((s) => s.kpis.forEach((k) => add(s, k)));
  return rows;
}

function csvCell(v) {
  const s = v === null || v === undefined ? "" : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function toCsv(rows) {
  if (rows.length === 0) return "";
  const columns = Object.keys(rows[0]);
  return [columns.join(","), ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(","))].join("\n") + "\n";
}

function toMarkdown(ev) {
  const out = [`# Decision: ${ev.decision.verdict}${ev.decision.variant ? ` (${ev.decision.variant})` : ""}`, ""];
  ev.decision.reasons.forEach((r) => out.push(`- ${r}`));
  out.push("", `Control: ${ev.control.name} (${ev.control.chosenBy}). Rows: ${ev.rows.read} read, ${ev.rows.used} used, ${ev.rows.skipped} skipped.`, "");
  out.push("| Segment | KPI | Role | Variant | Relative lift | 95% CI | p-value | Verdict |", "|---|---|---|---|---|---|---|---|");
  for (const r of comparisonRows(ev)) {
    const seg = r.segment_column ? `${r.segment_column} = ${r.segment_value}` : "all";
    out.push(`| ${seg} | ${r.kpi} | ${r.role} | ${r.variant} | ${fmt(r.relativeLift)} | ${ci([r.relativeCiLow, r.relativeCiHigh])} | ${fmt(r.pValue)} | ${r.verdict} |`);
  }
  if (ev.warnings.length) out.push("", "Warnings:", ...ev.warnings.map((w) => `- ${w.code}: ${w.message}`));
  return out.join("\n") + "\n";
}

function print(ev, format) {
  switch (format ?? "json") {
    case "json":
      return JSON.stringify(ev, null, 2) + "\n";
    case "md":
      return toMarkdown(ev);
    case "csv":
      return toCsv(comparisonRows(ev));
    default:
      throw new Usage(`--format must be json, md or csv (got "${format}")`);
  }
}

const BIG = 8 * 1024 * 1024;

function evaluateFile(path, config, showProgress) {
  let size;
  try {
    size = fs.statSync(path).size;
  } catch {
    throw new Usage(`cannot read ${path}: no such file`);
  }
  const ev = new kpilab.CsvEvaluator(config);
  const fd = fs.openSync(path, "r");
  const buf = Buffer.allocUnsafe(4 * 1024 * 1024);
  const bar = showProgress && size > BIG;
  let done = 0;
  let last = -1;
  try {
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      ev.push(buf.subarray(0, n));
      done += n;
      const pct = Math.floor((100 * done) / size);
      if (bar && pct !== last) {
        last = pct;
        const filled = Math.round(pct / 2.5);
        process.stderr.write(`\r[${"#".repeat(filled)}${" ".repeat(40 - filled)}] ${pct}% ${ev.progress().rows} rows`);
      }
    }
  } finally {
    fs.closeSync(fd);
    if (bar) process.stderr.write("\n");
  }
  return ev;
}

const COMMANDS = {
  evaluate(args) {
    const { values, positionals } = parse(args, { config: { type: "string" }, format: { type: "string" }, "no-progress": { type: "boolean" } });
    if (values.help) return HELP.evaluate + "\n";
    if (positionals.length !== 1) throw new Usage("give one CSV file: kpilab evaluate <data.csv> --config <c.json>");
    const config = readJson("--config", values.config);
    const ev = evaluateFile(positionals[0], config, !values["no-progress"]);
    if (values.format === "aggregates") return toCsv(ev.aggregates());
    return print(ev.finish(), values.format);
  },
  sql(args) {
    const { values, positionals } = parse(args, { config: { type: "string" }, dialect: { type: "string" }, table: { type: "string" } });
    if (values.help) return HELP.sql + "\n";
    if (positionals.length) throw new Usage(`unexpected argument "${positionals[0]}"`);
    if (!values.dialect || !values.table) throw new Usage("--dialect and --table are required");
    return kpilab.toSql(readJson("--config", values.config), { dialect: values.dialect, table: values.table });
  },
  aggregate(args) {
    const { values, positionals } = parse(args, { config: { type: "string" }, format: { type: "string" } });
    if (values.help) return HELP.aggregate + "\n";
    if (positionals.length !== 1) throw new Usage("give one aggregates CSV: kpilab aggregate <result.csv> --config <c.json>");
    const config = readJson("--config", values.config);
    return print(kpilab.evaluateAggregates(readText(positionals[0]), config), values.format);
  },
  plan(args) {
    const { values, positionals } = parse(args, { what: { type: "string" } });
    if (values.help) return HELP.plan + "\n";
    if (positionals.length !== 1) throw new Usage("give the plan input: a JSON file or inline JSON");
    const input = readJson("plan input", positionals[0]);
    const fn = { "sample-size": kpilab.planSampleSize, mde: kpilab.planMde, power: kpilab.planPower, duration: kpilab.planDuration }[values.what ?? "sample-size"];
    if (!fn) throw new Usage(`--what must be sample-size, mde, power or duration (got "${values.what}")`);
    return JSON.stringify(fn(input), null, 2) + "\n";
  },
};

function main(argv) {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(HELP.main + "\n");
    return command ? 0 : 2;
  }
  const run = COMMANDS[command];
  try {
    if (!run) throw new Usage(`unknown command "${command}"`);
    process.stdout.write(run(rest));
    return 0;
  } catch (e) {
    if (e instanceof Usage) {
      process.stderr.write(`kpilab ${run ? command : ""}: ${e.message}\n${run ? `Run "kpilab ${command} --help".` : HELP.main}\n`);
      return 2;
    }
    if (e instanceof kpilab.KpilabError) {
      process.stderr.write(`kpilab: ${e.message}${e.field ? ` (${e.field})` : ""} [${e.code}]\n`);
      return 1;
    }
    throw e;
  }
}

process.exitCode = main(process.argv.slice(2));

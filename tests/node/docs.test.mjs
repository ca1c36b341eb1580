// The package README against the generated types: its warning-code table lists
// exactly the WarningCode union of the .d.ts (from the Rust enum), in order; the
// API reference in www/api/ documents every exported function.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";

const root = new URL("../../", import.meta.url);
const read = (path) => readFileSync(new URL(path, root), "utf8");

test("the README lists every warning code, and only those", () => {
  const union = read("pkg/web/kpilab_wasm.d.ts").match(/^export type WarningCode = (.*);$/m);
  assert.ok(union, "WarningCode is a string union in the .d.ts");
  const codes = [...union[1].matchAll(/"([A-Z_]+)"/g)].map((m) => m[1]);
  const section = read("www/README.md").split(/^## Warnings$/m)[1].split(/^## /m)[0];
  const listed = [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
  assert.deepEqual(listed, codes, "www/README.md ## Warnings must list the WarningCode union (crates/kpilab-core/src/analyze/warning_code.rs)");
});

test("www/api (typedoc, make docs) documents every function of the package", () => {
  for (const name of ["planSampleSize", "planMde", "planPower", "planDuration", "powerCurve", "analyze", "kpis", "evaluateCsv"]) {
    assert.ok(existsSync(new URL(`www/api/functions/${name}.html`, root)), `www/api/functions/${name}.html: run make docs`);
  }
  for (const name of ["CsvEvaluator", "KpilabError"]) assert.ok(existsSync(new URL(`www/api/classes/${name}.html`, root)), name);
  assert.match(read("www/api/types/WarningCode.html"), /REVENUE_IMPACT_ONE_SIDED/);
});

// Each field of these input types has a doc comment (from the Rust doc comments,
// via tsify), and each optional field with a default says it.
const DOCUMENTED_INPUTS = ["PlanInput", "FixedSizeInput", "DurationInput", "AnalysisOptions", "AnalyzeInputFields", "VariantFields", "Moments", "EvalConfig", "EvalAnalysis", "KpiSpecFields"];
const WITH_DEFAULT = ["method", "alpha", "alternative", "correction", "srmAlpha", "sequentialTuning", "cuped", "higherIsBetter", "relativeInterval", "mdeType", "power", "variants", "allocation", "trafficFraction", "expectedAllocation", "control", "userColumn", "segmentColumns", "analysis", "delimiter", "decimal", "onBadRow", "annualUsers", "plannedUsersPerVariant"];

test("every option of the input types is documented, with its default", () => {
  const dts = read("pkg/web/kpilab_wasm.d.ts");
  for (const name of DOCUMENTED_INPUTS) {
    const block = dts.match(new RegExp(`^export (?:interface ${name}\\b[^{]*\\{|type ${name} = [^{]*\\{)([\\s\\S]*?)^\\}`, "m"));
    assert.ok(block, `${name} is declared`);
    const members = [...block[1].matchAll(/(?:\/\*\*([\s\S]*?)\*\/\s*)?^ {4}(\w+)(\??):/gm)];
    assert.ok(members.length > 0, name);
    for (const [, doc, field, optional] of members) {
      assert.ok(doc && doc.trim(), `${name}.${field} has no doc comment (add a /// line on the Rust field)`);
      if (optional && WITH_DEFAULT.includes(field) && name !== "VariantFields") {
        assert.match(doc, /[Dd]efault/, `${name}.${field}: the doc comment should give the default`);
      }
    }
  }
});

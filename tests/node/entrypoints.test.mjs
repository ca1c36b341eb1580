// The package works as users import it: ESM import and CommonJS require in Node
// with no init call, the web build with initSync, and the exports map.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { planSampleSize as esmPlan, KpilabError as EsmError } from "kpilab";

const require = createRequire(import.meta.url);
const plan = { metric: { kind: "proportion", baseline: 0.1 }, mde: 0.1 };

test("ESM import needs no init", () => {
  assert.equal(esmPlan(plan).usersPerVariant[0], 14751);
});

test("CommonJS require needs no init and gives the same numbers", () => {
  const cjs = require("kpilab");
  assert.deepEqual(cjs.planSampleSize(plan), esmPlan(plan));
  try {
    cjs.planSampleSize({ metric: { kind: "proportion", baseline: 0 }, mde: 0.1 });
    assert.fail("expected a throw");
  } catch (e) {
    // the CommonJS and ESM classes recognise the same errors
    assert.ok(e instanceof cjs.KpilabError && e instanceof EsmError);
  }
});

test("the web build loads with initSync and agrees", async () => {
  const web = await import("kpilab/web");
  // the one .wasm of the package, by its export (the Node, web and bundler builds share it)
  web.initSync({ module: readFileSync(require.resolve("kpilab/kpilab_wasm_bg.wasm")) });
  assert.deepEqual(web.planSampleSize(plan), esmPlan(plan));
});

test("package.json exports Node, browser and bundler entries", () => {
  const pkg = require("kpilab/package.json");
  assert.equal(pkg.name, "kpilab");
  assert.ok(pkg.exports["."].node.import && pkg.exports["."].node.require && pkg.exports["."].browser);
  assert.ok(pkg.exports["./bundler"] && pkg.exports["./web"]);
});

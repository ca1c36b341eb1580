// Browser-style code runs unchanged in Node (SSR, Vitest): `init`, the default
// export and `initSync` are no-ops; errors carry toJSON() and KpilabError.from
// rebuilds them; the web build before init() throws a KpilabError.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import init, { init as namedInit, initSync, analyze, planSampleSize, CsvEvaluator, KpilabError } from "kpilab";

const require = createRequire(import.meta.url);
const plan = { metric: { kind: "proportion", baseline: 0.1 }, mde: 0.1 };
const bad = { metric: "proportion", variants: [{ name: "A", users: 500, conversions: 50 }, { name: "B", users: 500, conversions: 520 }] };

test("README browser code runs in Node: await init() is a no-op", async () => {
  await init();
  await namedInit();
  initSync();
  assert.equal(planSampleSize(plan).usersPerVariant[0], 14751);
  const cjs = require("kpilab");
  await cjs.default();
  await cjs.init();
  cjs.initSync();
  assert.equal(cjs.planSampleSize(plan).usersPerVariant[0], 14751);
});

test("wasm errors have toJSON(); KpilabError.from rebuilds them", () => {
  for (const fn of [() => analyze(bad), () => new CsvEvaluator({ variantColumn: "", kpis: [] }), () => require("kpilab").analyze(bad)]) {
    let caught;
    try {
      fn();
    } catch (e) {
      caught = e;
    }
    assert.ok(caught instanceof KpilabError);
    const json = caught.toJSON();
    assert.deepEqual(Object.keys(json).sort(), ["code", "field", "message", "name"]);
    const back = KpilabError.from(JSON.parse(JSON.stringify(caught)));
    assert.ok(back instanceof KpilabError && back instanceof Error);
    assert.equal(Object.getPrototypeOf(back), KpilabError.prototype);
    assert.deepEqual(back.toJSON(), json);
  }
  assert.throws(() => KpilabError.from(null), TypeError);
});

test("the web build before init() throws a KpilabError saying to call init()", async () => {
  const web = await import("kpilab/web");
  assert.throws(() => web.planSampleSize(plan), (e) => e instanceof KpilabError && e.code === "UNSUPPORTED" && /await init\(\)/.test(e.message));
  assert.throws(() => new web.CsvEvaluator({}), (e) => e instanceof KpilabError && /await init\(\)/.test(e.message));
});

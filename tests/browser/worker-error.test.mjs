// The README's worker recipe: a module worker on the web build catches a
// KpilabError and posts e.toJSON(); the page rebuilds it with KpilabError.from.
// Also: calling before init() throws a KpilabError that says to call init().
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { recordForeignRequests, useStaticSite } from "./harness.mjs";

const root = (p) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const site = useStaticSite(root("tests/browser/fixtures/worker"), { "/pkg/": root("pkg") });

test("a worker's KpilabError crosses postMessage as toJSON() and comes back with KpilabError.from", async () => {
  const page = await site.browser.context.newPage();
  const foreign = recordForeignRequests(page, site.server.origin);
  await page.goto(`${site.server.origin}/`);
  const r = await page.evaluate(async () => {
    const { KpilabError } = await import("/pkg/web.mjs");
    const worker = new Worker("/worker.mjs", { type: "module" });
    const msg = await new Promise((ok, ko) => {
      worker.onmessage = (e) => ok(e.data);
      worker.onerror = (e) => ko(new Error(`worker: ${e.message}`));
    });
    worker.terminate();
    const e = KpilabError.from(msg.error);
    return {
      msg,
      isKpilab: e instanceof KpilabError,
      isError: e instanceof Error,
      ownClass: Object.getPrototypeOf(e) === KpilabError.prototype,
      code: e.code,
      field: e.field,
      message: e.message,
      name: e.name,
      roundTrip: JSON.stringify(e) === JSON.stringify(msg.error),
    };
  });
  assert.equal(r.msg.users, 14751);
  assert.equal(r.msg.error.name, "KpilabError");
  assert.ok(r.isKpilab && r.isError && r.ownClass);
  assert.equal(r.name, "KpilabError");
  assert.equal(r.code, "INVALID_INPUT");
  assert.equal(r.field, "variants[1].conversions");
  assert.match(r.message, /exceed/);
  assert.ok(r.roundTrip);
  // before init(): a KpilabError telling what to do, not a TypeError
  assert.equal(r.msg.beforeInit.name, "KpilabError");
  assert.equal(r.msg.beforeInit.code, "UNSUPPORTED");
  assert.match(r.msg.beforeInit.message, /await init\(\)/);
  assert.deepEqual(foreign, []);
  await page.close();
});

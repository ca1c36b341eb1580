// evaluateFile (SDK.md §7) in Chromium: the file read in slices by 1, 2 and 4
// module workers equals evaluateCsv on the whole file. Slices are tiny
// (`sliceBytes`), so their edges fall inside quoted fields that hold line breaks
// and delimiters, inside CRLF pairs and on bad rows; the row errors keep their
// line numbers. Numbers agree within 1e-12 relative (absolute under 1: a lift is
// a difference of means, its last digits are rounding noise), everything else
// exactly (the core's slice_tests say the same). Also: userColumn (the users
// partitioned: every worker reads the whole file for its share of them; the
// core's partition_tests), event-level rules with exposure, windows and caps
// (read on one worker), a KpilabError from a worker, and abort.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { recordForeignRequests, useStaticSite } from "./harness.mjs";

const root = (p) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const site = useStaticSite(root("tests/browser/fixtures/worker"), { "/pkg/": root("pkg") });

const CONFIG = {
  variantColumn: "variant",
  segmentColumns: ["device"],
  kpis: [
    { name: "conversion", role: "primary", kind: "conversion", column: "converted" },
    { name: "revenue", role: "secondary", kind: "mean", column: "revenue", covariate: "pre" },
    { name: "aov", role: "secondary", kind: "ratio", numerator: "revenue", denominator: "orders" },
  ],
};

/** Quoted labels with line breaks and delimiters, bad rows of several kinds, blank lines. */
function csv(rows, nl, seed = 3) {
  let s = seed;
  const next = (n) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return Math.floor(s / 65536) % n;
  };
  let out = `\uFEFFvariant,device,converted,revenue,pre,orders${nl}`;
  for (let i = 0; i < rows; i++) {
    const variant = ["control", "treatment", '"treat,ment"', "control", "treatment"][next(5)];
    const device = ["desktop", '"mo\nbile"', '"tab\r\nlet, ""x"""', "desktop"][next(4)];
    const converted = next(25) === 0 ? "x" : ["0", "1", "0", "true"][next(4)];
    const revenue = (1e6 + next(1000) / 100).toFixed(2);
    const row = next(30) === 0 ? "only,three,fields" : next(40) === 0 ? "" : `${variant},${device},${converted},${revenue},${next(50)},${next(4)}`;
    out += row + nl;
  }
  return out;
}

function assertClose(a, b, path = "evaluation") {
  if (typeof a === "number" && typeof b === "number") {
    assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b), 1), `${path}: ${a} vs ${b}`);
  } else if (Array.isArray(a)) {
    assert.ok(Array.isArray(b) && a.length === b.length, `${path}: lengths`);
    a.forEach((x, i) => assertClose(x, b[i], `${path}[${i}]`));
  } else if (a && typeof a === "object") {
    assert.deepEqual(Object.keys(a), Object.keys(b), `${path}: keys`);
    for (const k of Object.keys(a)) assertClose(a[k], b[k], `${path}.${k}`);
  } else {
    assert.equal(a, b, path);
  }
}

/** In the page: evaluateCsv, then evaluateFile for every (workers, sliceBytes). */
async function compare(page, text, config, runs) {
  return page.evaluate(
    async ({ text, config, runs }) => {
      const k = await import("/pkg/web.mjs");
      await k.default();
      // An array of numbers: bytes (not all UTF-8).
      const data = Array.isArray(text) ? new Uint8Array(text) : text;
      const whole = k.evaluateCsv(data, config);
      const file = new Blob([data]);
      const out = [];
      for (const [workers, sliceBytes] of runs) {
        let progress = 0;
        const got = await k.evaluateFile(file, config, { workers, sliceBytes, onProgress: (p) => (progress = p.bytes) });
        out.push({ workers, sliceBytes, got, progress });
      }
      return { whole, out, size: file.size };
    },
    { text, config, runs },
  );
}

/**
 * `csv` with a user column first: users from a pool of `pool` (so they come back
 * in later slices), now and then in another variant, quoted ids with line
 * breaks, a label that is not UTF-8 (bad only on a user's first row). Values in
 * quarters and eighths: every per-user sum is exact, whatever the order a
 * user's rows in two slices are added in (the standard deviation of equal sums
 * is ill-conditioned: 0 against the square root of a few ulps).
 */
function userCsv(rows, nl, seed = 5, pool = 40) {
  let s = seed;
  const next = (n) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return Math.floor(s / 65536) % n;
  };
  const parts = [`\uFEFFuser,variant,device,converted,revenue,pre,orders${nl}`];
  for (let i = 0; i < rows; i++) {
    const user = next(8) === 0 ? `"u${next(pool)}\nx"` : `u${next(pool)}`;
    const variant = ["control", "treatment", '"treat,ment"', "control", "treatment"][next(5)];
    const device = ["desktop", '"mo\nbile"', '"tab\r\nlet, ""x"""', "desktop"][next(4)];
    const converted = next(25) === 0 ? "x" : ["0", "1", "0", "true"][next(4)];
    const kind = next(40);
    if (kind === 0) parts.push(`${user},only,three${nl}`);
    else if (kind === 1) parts.push(nl);
    else if (kind < 5) parts.push(`u${next(2 * pool)},`, new Uint8Array([0xff, 0x74]), `,desktop,1,2,3,1${nl}`);
    else parts.push(`${user},${variant},${device},${converted},${next(1000) / 4},${next(50) / 8},${next(4)}${nl}`);
  }
  return parts;
}

/** An event export (SDK.md §4): exposures, views, purchases within a window, a capped revenue. */
function eventCsv(rows, nl, seed = 11) {
  let s = seed;
  const next = (n) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return Math.floor(s / 65536) % n;
  };
  let out = `user,variant,device,event,ts,revenue${nl}`;
  const start = Date.UTC(2024, 0, 1);
  for (let i = 0; i < rows; i++) {
    const user = next(6) === 0 ? `"u${next(60)}\n"` : `u${next(60)}`;
    const variant = next(30) === 0 ? "treatment" : ["control", "treatment"][next(60) % 2];
    const device = ["desktop", '"mo\r\nbile, x"'][next(2)];
    const event = ["exposure", "view", "purchase", "purchase", "view"][next(5)];
    const ts = new Date(start + i * 3600_000 * 3).toISOString();
    const revenue = event === "purchase" ? (next(12) === 0 ? "oops" : String(next(400) / 4)) : "";
    out += (next(35) === 0 ? `${user},broken` : `${user},${variant},${device},${event},${ts},${revenue}`) + nl;
  }
  return out;
}

const RUNS = [[1, undefined], [2, undefined], [4, undefined], [1, 61], [2, 7], [2, 23], [4, 13], [4, 97], [4, 331]];

for (const [name, nl] of [["LF", "\n"], ["CRLF", "\r\n"]]) {
  test(`evaluateFile with 1, 2 and 4 workers equals evaluateCsv (${name}, quoted line breaks and bad rows at slice edges)`, async () => {
    const page = await site.browser.context.newPage();
    const foreign = recordForeignRequests(page, site.server.origin);
    await page.goto(`${site.server.origin}/`);
    const text = csv(400, nl);
    const { whole, out, size } = await compare(page, text, CONFIG, RUNS);
    assert.ok(whole.rows.skipped >= 10 && whole.rows.errors.length === whole.rows.skipped, "bad rows in the file");
    assert.equal(whole.segments.length, 3, "quoted segment labels");
    for (const run of out) {
      assertClose(run.got, whole, `workers ${run.workers}, sliceBytes ${run.sliceBytes}`);
      assert.deepEqual(run.got.rows.errors, whole.rows.errors, "same row errors, same lines");
      assert.equal(run.progress, size, "progress reaches the file size");
    }
    assert.deepEqual(foreign, []);
    await page.close();
  });
}

for (const [name, nl] of [["LF", "\n"], ["CRLF", "\r\n"]]) {
  test(`evaluateFile with userColumn and 1, 2 and 4 workers equals evaluateCsv (${name}, users in partitions)`, async () => {
    const page = await site.browser.context.newPage();
    await page.goto(`${site.server.origin}/`);
    const blob = new Blob(userCsv(500, nl));
    const bytes = [...new Uint8Array(await blob.arrayBuffer())];
    const users = { ...CONFIG, userColumn: "user" };
    const { whole, out, size } = await compare(page, bytes, users, RUNS);
    assert.ok(whole.rows.errors.some((e) => /UTF-8/.test(e.message)), "a label that is not UTF-8 on a user's first row");
    assert.ok(whole.warnings.some((w) => w.code === "USER_IN_SEVERAL_VARIANTS"), "users in several variants");
    assert.ok(whole.kpis[0].result.variants[0].users < 120, "users, not rows");
    for (const run of out) {
      assertClose(run.got, whole, `userColumn, workers ${run.workers}, sliceBytes ${run.sliceBytes}`);
      assert.deepEqual(run.got.rows.errors, whole.rows.errors, "same row errors, same lines");
      assert.equal(run.progress, size, "progress reaches the file size");
    }
    await page.close();
  });

  test(`evaluateFile with event-level rules (exposure, window, cap) equals evaluateCsv (${name})`, async () => {
    const page = await site.browser.context.newPage();
    await page.goto(`${site.server.origin}/`);
    const config = {
      variantColumn: "variant",
      userColumn: "user",
      timestampColumn: "ts",
      segmentColumns: ["device"],
      exposure: { where: { column: "event", equals: "exposure" } },
      kpis: [
        { name: "purchase in 2 days", role: "primary", kind: "conversion", where: { column: "event", equals: "purchase" }, window: { days: 2 } },
        { name: "revenue", role: "secondary", kind: "mean", column: "revenue", where: { column: "event", equals: "purchase" }, aggregate: "sum", cap: { percentile: 0.9 } },
      ],
    };
    const { whole, out } = await compare(page, eventCsv(600, nl), config, [[1, undefined], [2, 50], [4, 7]]);
    assert.ok(whole.rows.errors.length > 5, "bad rows");
    assert.ok(whole.quality.multiVariantUsers > 0 && whole.quality.cappedValues.length === 1, JSON.stringify(whole.quality));
    for (const run of out) {
      assertClose(run.got, whole, `event level, workers ${run.workers}, sliceBytes ${run.sliceBytes}`);
      assert.deepEqual(run.got.rows.errors, whole.rows.errors, "same row errors, same lines");
    }
    await page.close();
  });
}

test("evaluateFile with userColumn and onBadRow fail equals evaluateCsv", async () => {
  const page = await site.browser.context.newPage();
  await page.goto(`${site.server.origin}/`);
  const text = csv(300, "\n", 9);
  const r = await page.evaluate(
    async ({ text, config }) => {
      const k = await import("/pkg/web.mjs");
      await k.default();
      const wholeError = (() => {
        try {
          k.evaluateCsv(text, config);
        } catch (e) {
          return e.toJSON();
        }
      })();
      const errors = [];
      for (const workers of [1, 2, 4]) {
        try {
          await k.evaluateFile(new Blob([text]), config, { workers, sliceBytes: 29 });
        } catch (e) {
          errors.push({ json: e.toJSON(), isKpilab: e instanceof k.KpilabError, own: Object.getPrototypeOf(e) === k.KpilabError.prototype });
        }
      }
      return { wholeError, errors };
    },
    { text, config: { ...CONFIG, userColumn: "pre", onBadRow: "fail" } },
  );
  assert.match(r.wholeError.message, /^line \d+: /);
  assert.equal(r.errors.length, 3);
  for (const e of r.errors) {
    assert.deepEqual(e.json, r.wholeError, "the single pass's error: same first bad row, same line");
    assert.ok(e.isKpilab && e.own);
  }
  await page.close();
});

test("a worker's KpilabError is rethrown as a KpilabError; abort stops every worker", async () => {
  const page = await site.browser.context.newPage();
  await page.goto(`${site.server.origin}/`);
  const r = await page.evaluate(async (config) => {
    const k = await import("/pkg/web.mjs");
    await k.default();
    // A column the header lacks: the workers' error, rethrown here.
    let missing;
    try {
      await k.evaluateFile(new Blob(["variant,x\ncontrol,1\ntreatment,0\n"]), config, { workers: 2, sliceBytes: 5 });
    } catch (e) {
      missing = { ...e.toJSON(), isKpilab: e instanceof k.KpilabError };
    }
    // ~24 MB: abort on the first progress message.
    const line = "control,desktop,1,1000000.5,3,1\ntreatment,desktop,0,1000001.5,4,2\n";
    const big = new Blob(["variant,device,converted,revenue,pre,orders\n", ...Array(360000).fill(line)]);
    const ac = new AbortController();
    const started = performance.now();
    let aborted;
    try {
      await k.evaluateFile(big, config, { workers: 4, signal: ac.signal, onProgress: () => ac.abort() });
    } catch (e) {
      aborted = { name: e.name, ms: performance.now() - started };
    }
    let before;
    try {
      await k.evaluateFile(big, config, { signal: AbortSignal.abort() });
    } catch (e) {
      before = e.name;
    }
    return { missing, aborted, before };
  }, CONFIG);
  assert.equal(r.missing.code, "CSV_PARSE");
  assert.ok(r.missing.isKpilab);
  assert.match(r.missing.message, /device/);
  assert.equal(r.aborted.name, "AbortError");
  assert.equal(r.before, "AbortError");
  await page.close();
});

// Every case of tests/cases/time_to_event/cases.json (lifelines 0.30.0 + survRM2's
// RMST variance, each checked by a second route) through the built npm package.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as kpilab from "kpilab";
import { lookup } from "./cases.mjs";

const path = fileURLToPath(new URL("../cases/time_to_event/cases.json", import.meta.url));
const cases = JSON.parse(readFileSync(path, "utf8"));
const rawText = readFileSync(path, "utf8");

const call = {
  analyzeTimeToEvent: (i) => kpilab.analyzeTimeToEvent(i),
  planSampleSize: (i) => kpilab.planSampleSize(i),
};

/** The `tolPaths` entry whose fragment `path` contains, else the case's `tol`. */
function tolerance(c, p) {
  const hit = Object.entries(c.tolPaths ?? {}).find(([frag]) => p.includes(frag));
  return hit ? hit[1] : c.tol;
}

/** Integers are exact (counts, ceilings): read the literal from the file, as JSON.parse drops 8.0 vs 8. */
function isIntegerLiteral(id, p) {
  const start = rawText.indexOf(`"id": "${id}"`);
  const at = rawText.indexOf(`"${p}": `, rawText.lastIndexOf(`"expect"`, rawText.indexOf(`"${p}": `, start))) + p.length + 4;
  return /^-?\d+[,\n}]/.test(rawText.slice(at, at + 40));
}

test("there are the 16 generated cases", () => assert.ok(cases.length >= 16));

for (const c of cases) {
  test(`${c.id} (${c.fn})`, () => {
    const actual = call[c.fn](c.input);
    const bad = [];
    for (const [p, expected] of Object.entries(c.expect)) {
      const got = lookup(actual, p);
      if (expected === null) {
        if (got !== undefined && got !== null) bad.push(`${p}: expected absent, got ${got}`);
      } else if (typeof expected === "number") {
        const tol = tolerance(c, p);
        const exact = isIntegerLiteral(c.id, p);
        const bound = tol.abs + tol.rel * Math.abs(expected);
        if (typeof got !== "number" || (exact ? got !== expected : !(Math.abs(got - expected) <= bound))) {
          bad.push(`${p}: expected ${expected}, got ${got}`);
        }
      } else if (got !== expected) {
        bad.push(`${p}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`);
      }
    }
    assert.deepEqual(bad.slice(0, 20), []);
  });
}

test("bad input throws a KpilabError naming the field", () => {
  const input = {
    variants: [
      { name: "control", times: [1, 2, 3], events: [1, 0, 1] },
      { name: "b", times: [1, -2], events: [1, 1] },
    ],
  };
  assert.throws(() => kpilab.analyzeTimeToEvent(input), (e) => {
    assert.ok(e instanceof kpilab.KpilabError);
    assert.equal(e.code, "INVALID_INPUT");
    assert.equal(e.field, "variants[1].times[1]");
    return true;
  });
  assert.throws(() => kpilab.analyzeTimeToEvent({ ...input, horizn: 3 }), (e) => {
    assert.equal(e.code, "INVALID_INPUT");
    assert.match(e.message, /horizon/);
    return true;
  });
  const tooFar = { variants: [input.variants[0], { name: "b", times: [1, 2], events: [1, 0] }], horizon: 2.5 };
  assert.throws(() => kpilab.analyzeTimeToEvent(tooFar), (e) => e.field === "horizon");
});

test("events take 0/1 or booleans alike", () => {
  const v = (events) => ({
    variants: [
      { name: "control", times: [1, 2, 3, 4], events },
      { name: "b", times: [1, 2, 2, 5], events: [1, 1, 0, 1] },
    ],
  });
  assert.deepEqual(kpilab.analyzeTimeToEvent(v([1, 0, 1, 1])), kpilab.analyzeTimeToEvent(v([true, false, true, true])));
});

// evaluateCsv with timeToEvent KPIs (tests/cases/time_to_event/evaluate_cases.json:
// lifelines on per-user durations derived from the rows by pandas and by a plain
// loop), whole and streamed through CsvEvaluator in random chunk sizes.
const evalPath = fileURLToPath(new URL("../cases/time_to_event/evaluate_cases.json", import.meta.url));
const evalText = readFileSync(evalPath, "utf8");
const evalCases = JSON.parse(evalText);

function evalMismatches(c, actual) {
  const bad = [];
  for (const [p, expected] of Object.entries(c.expect)) {
    const got = lookup(actual, p);
    if (expected === null) {
      if (got !== undefined && got !== null) bad.push(`${p}: expected absent, got ${got}`);
    } else if (typeof expected === "number") {
      const tol = tolerance(c, p);
      const start = evalText.indexOf(`"id": "${c.id}"`);
      const at = evalText.indexOf(`"${p}": `, evalText.indexOf(`"expect"`, start)) + p.length + 4;
      const exact = /^-?\d+[,\n}]/.test(evalText.slice(at, at + 40));
      const bound = tol.abs + tol.rel * Math.abs(expected);
      if (typeof got !== "number" || (exact ? got !== expected : !(Math.abs(got - expected) <= bound))) {
        bad.push(`${p}: expected ${expected}, got ${got}`);
      }
    } else if (got !== expected) {
      bad.push(`${p}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`);
    }
  }
  return bad;
}

test("there are the 4 generated evaluateCsv time-to-event cases", () => assert.ok(evalCases.length >= 4));

for (const c of evalCases) {
  test(`${c.id} (evaluateCsv, whole and in random chunks)`, () => {
    const whole = kpilab.evaluateCsv(c.input.csv, c.input.config);
    assert.deepEqual(evalMismatches(c, whole).slice(0, 20), []);
    const bytes = new TextEncoder().encode(c.input.csv);
    let seed = 12345;
    for (const max of [7, 300, 5000]) {
      const ev = new kpilab.CsvEvaluator(c.input.config);
      for (let at = 0; at < bytes.length; ) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        const end = Math.min(bytes.length, at + 1 + (seed % max));
        ev.push(bytes.subarray(at, end));
        at = end;
      }
      assert.deepEqual(ev.finish(), whole, `chunks up to ${max} bytes`);
    }
  });
}

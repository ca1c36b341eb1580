// Loads the golden cases and checks a result against a case's expectations,
// with the conventions of tests/reference/README.md.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const CASES_PATH =
  process.env.KPILAB_CASES ?? fileURLToPath(new URL("../reference/cases.json", import.meta.url));

export function loadCases() {
  return JSON.parse(readFileSync(CASES_PATH, "utf8"));
}

/** `comparisons[0].relativeCi[1]` (or `$`) inside `root`; undefined when absent. */
export function lookup(root, path) {
  if (path === "$") return root;
  let cur = root;
  for (const part of path.split(".")) {
    const [key, ...idx] = part.split("[");
    if (key) cur = cur?.[key];
    for (const i of idx) cur = cur?.[Number(i.slice(0, -1))];
  }
  return cur;
}

/** Every mismatch between `actual` and the case's `expect`, as readable lines. */
export function mismatches(testCase, actual, rawExpectText) {
  const out = [];
  for (const [path, expected] of Object.entries(testCase.expect)) {
    const got = lookup(actual, path);
    if (expected === null) {
      if (got !== undefined && got !== null) out.push(`${path}: expected absent, got ${got}`);
    } else if (typeof expected === "number") {
      const exact = isIntegerLiteral(rawExpectText, testCase.id, path);
      const bound = testCase.tol.abs + testCase.tol.rel * Math.abs(expected);
      const ok = typeof got === "number" && (exact ? got === expected : Math.abs(got - expected) <= bound);
      if (!ok) out.push(`${path}: expected ${expected}, got ${got} (allowed ${exact ? "exact" : bound})`);
    } else if (got !== expected) {
      out.push(`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`);
    }
  }
  return out;
}

// JSON.parse loses the difference between 14751 and 14751.0; the README makes
// integers (ceilings, counts) exact, so read the literal from the source text.
const literalCache = new Map();
function isIntegerLiteral(text, id, path) {
  const key = `${id}\u0000${path}`;
  if (!literalCache.has(key)) {
    const start = text.indexOf(`"id": "${id}"`);
    const expectAt = text.indexOf(`"expect"`, start);
    const at = text.indexOf(`"${path}": `, expectAt) + path.length + 4;
    const literal = text.slice(at).match(/^-?[0-9.eE+-]+/)[0];
    literalCache.set(key, /^-?\d+$/.test(literal));
  }
  return literalCache.get(key);
}

// The wasm build splits records with simd128 (16 bytes per step), a code path the
// native Rust tests do not run. These files put line ends, CRLF pairs, quotes
// and delimiters at every offset of a 16-byte block; the JS side knows the
// answer because it wrote the file.
import test from "node:test";
import assert from "node:assert/strict";
import * as kpilab from "kpilab";

const CONFIG = {
  variantColumn: "variant",
  segmentColumns: ["device"],
  kpis: [
    { name: "Conversion", role: "primary", kind: "conversion", column: "converted" },
    { name: "Revenue", role: "secondary", kind: "mean", column: "revenue" },
  ],
};

/** A file of `rows` rows whose padding column grows by one byte per row. */
function tricky(rows, eol) {
  const expected = { control: { users: 0, conversions: 0, revenue: 0 }, "test arm": { users: 0, conversions: 0, revenue: 0 } };
  let text = `pad,variant,device,converted,revenue${eol}`;
  for (let i = 0; i < rows; i++) {
    const variant = i % 3 === 0 ? "test arm" : "control";
    const converted = i % 5 === 0 ? 1 : 0;
    const revenue = converted ? (i % 7) + 0.25 : 0;
    const pad = "x".repeat(i % 37);
    // Some rows quote a field (a delimiter or an escaped quote inside), some a label.
    const padField = i % 11 === 0 ? `"${pad},""q"""` : pad;
    const variantField = i % 13 === 0 ? `"${variant}"` : variant;
    text += `${padField},${variantField},${["desktop", "mobile"][i % 2]},${converted},${revenue}${eol}`;
    if (i % 17 === 0) text += eol; // blank lines are no records
    const e = expected[variant];
    e.users += 1;
    e.conversions += converted;
    e.revenue += revenue;
  }
  return { bytes: new TextEncoder().encode(text), expected };
}

for (const [name, eol] of [["LF", "\n"], ["CRLF", "\r\n"], ["lone CR", "\r"]]) {
  test(`every block offset of a ${name} file splits right, in any chunking`, () => {
    const { bytes, expected } = tricky(400, eol);
    const whole = kpilab.evaluateCsv(bytes, CONFIG);
    assert.deepEqual(whole.rows, { read: 400, used: 400, skipped: 0, excluded: 0, errors: [], errorsNotListed: 0 });
    const [conversion, revenue] = whole.kpis.map((k) => Object.fromEntries(k.result.variants.map((v) => [v.name, v])));
    for (const [variant, e] of Object.entries(expected)) {
      assert.equal(conversion[variant].users, e.users, variant);
      assert.ok(Math.abs(conversion[variant].mean - e.conversions / e.users) < 1e-15, variant);
      assert.ok(Math.abs(revenue[variant].mean - e.revenue / e.users) < 1e-12, variant);
    }
    for (const size of [1, 2, 3, 5, 15, 16, 17, 31, 33, 100]) {
      const ev = new kpilab.CsvEvaluator(CONFIG);
      for (let i = 0; i < bytes.length; i += size) ev.push(bytes.subarray(i, i + size));
      assert.deepEqual(ev.finish(), whole, `${size}-byte chunks`);
    }
  });
}

test("bad rows keep their line numbers at every block offset", () => {
  const lines = ["variant,converted"];
  const bad = [];
  for (let i = 0; i < 60; i++) {
    const pad = " ".repeat(i % 19);
    if (i % 7 === 3) {
      lines.push(`control,1,extra${pad}`);
      bad.push(lines.length);
    } else {
      lines.push(`${i % 2 ? "control" : "treatment"},${pad}${i % 3 ? 0 : 1}${pad}`);
    }
  }
  const r = kpilab.evaluateCsv(lines.join("\r\n"), { variantColumn: "variant", kpis: [CONFIG.kpis[0]] });
  assert.deepEqual(r.rows.errors.map((e) => e.line), bad);
  assert.equal(r.rows.read, 60);
  assert.equal(r.rows.skipped, bad.length);
});

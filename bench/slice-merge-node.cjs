// Times the userColumn slice path in Node, phase by phase (issue 17):
// CsvEvaluator on the whole file, CsvSliceEvaluator on the whole file, then
// SliceMerger.absorb+finish of that one state.
// Usage: node bench/slice-merge-node.cjs <pkg/node dir> <csv file>
const fs = require("fs");
const path = require("path");
const [pkgDir, file] = process.argv.slice(2);
const raw = require(path.resolve(pkgDir, "kpilab_wasm.js"));
const cfg = {
  variantColumn: "variant",
  userColumn: "user_id",
  kpis: [
    { name: "conversion rate", role: "primary", kind: "conversion", column: "converted" },
    { name: "revenue per user", role: "guardrail", kind: "mean", column: "revenue", covariate: "pre_revenue" },
    { name: "average order value", role: "secondary", kind: "ratio", numerator: "revenue", denominator: "orders" },
  ],
  segmentColumns: ["device", "channel"],
};
const bytes = fs.readFileSync(file);
const CHUNK = 1 << 22;
const feed = (ev, from) => {
  for (let i = from; i < bytes.length; i += CHUNK) ev.push(bytes.subarray(i, Math.min(bytes.length, i + CHUNK)));
};
const t = () => Number(process.hrtime.bigint()) / 1e9;
let t0 = t();
const whole = new raw.CsvEvaluator(cfg);
feed(whole, 0);
const a = whole.finish();
const tWhole = t() - t0;
const len = raw.csvHeaderLength(bytes.subarray(0, 1 << 16), cfg, false);
const header = bytes.subarray(0, len);
t0 = t();
const slice = new raw.CsvSliceEvaluator(cfg, header, true);
feed(slice, len);
const state = slice.finish();
const tSlice = t() - t0;
t0 = t();
const merger = new raw.SliceMerger(cfg, header);
if (!merger.absorb(state)) throw new Error("first slice missed");
const b = merger.finish();
const tMerge = t() - t0;
const same = JSON.stringify(a.rows) === JSON.stringify(b.rows) && a.kpis.length === b.kpis.length;
console.log(JSON.stringify({ wholeS: +tWhole.toFixed(2), sliceS: +tSlice.toFixed(2), absorbFinishS: +tMerge.toFixed(2), sameRows: same }));

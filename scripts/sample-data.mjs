#!/usr/bin/env node
// Generates kpilab's "Try sample data" file, assets/sample.csv: one row per user of
// a seeded A/B test (control vs treatment), with the conventional column names the
// Evaluate view maps on its own. Same seed, same bytes.
//   node scripts/sample-data.mjs [rows] [out]     (defaults: 12000, assets/sample.csv)
// The browser test imports `sampleCsv` to make its own, smaller file.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** mulberry32: a tiny seeded PRNG, uniform in [0, 1). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick(random, weighted) {
  let u = random() * weighted.reduce((s, [, w]) => s + w, 0);
  for (const [value, w] of weighted) if ((u -= w) < 0) return value;
  return weighted[weighted.length - 1][0];
}

/**
 * CSV text: user_id,variant,device,channel,converted,revenue,orders,pre_revenue.
 * `lift` is the treatment's relative lift in conversion; `extraLines` are appended
 * verbatim (e.g. bad rows for a test).
 */
export function sampleCsv({ rows = 12000, seed = 42, baseline = 0.1, lift = 0.25, extraLines = [] } = {}) {
  const random = prng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const lines = ["user_id,variant,device,channel,converted,revenue,orders,pre_revenue"];
  for (let i = 1; i <= rows; i++) {
    const variant = random() < 0.5 ? "control" : "treatment";
    const device = pick(random, [["mobile", 6], ["desktop", 3], ["tablet", 1]]);
    const channel = pick(random, [["organic", 4], ["paid", 3], ["email", 2], ["social", 1]]);
    // Past spend predicts future spend: the CUPED covariate.
    const pre = random() < 0.3 ? Math.exp(3.2 + 0.8 * normal()) : 0;
    const rate = baseline * (variant === "treatment" ? 1 + lift : 1) * (pre > 0 ? 1.5 : 0.8);
    const converted = random() < rate ? 1 : 0;
    const orders = converted ? 1 + (random() < 0.25 ? 1 : 0) + (random() < 0.08 ? 1 : 0) : 0;
    let revenue = 0;
    for (let o = 0; o < orders; o++) revenue += Math.exp(3.6 + 0.5 * normal()) + 0.2 * pre;
    lines.push(`u${String(i).padStart(6, "0")},${variant},${device},${channel},${converted},${revenue.toFixed(2)},${orders},${pre.toFixed(2)}`);
  }
  return [...lines, ...extraLines].join("\n") + "\n";
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = Number(process.argv[2] ?? 12000);
  const out = process.argv[3] ?? new URL("../assets/sample.csv", import.meta.url);
  writeFileSync(out, sampleCsv({ rows }));
  console.log(`wrote ${rows} rows to ${out}`);
}

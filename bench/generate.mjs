// Seeded per-user experiment export: one row per user, the columns a CRO team
// exports (variant, segments, conversion, revenue, orders, pre-period revenue).
// `csvBlocks` yields CSV text in blocks, so a 1 GB stream never sits in memory.

import { prng } from "../scripts/sample-data.mjs";

export const HEADER = "user_id,variant,device,channel,converted,revenue,orders,pre_revenue\n";

export const CONFIG = {
  variantColumn: "variant",
  segmentColumns: ["device"],
  kpis: [
    { name: "Conversion", role: "primary", kind: "conversion", column: "converted" },
    { name: "Revenue per user", role: "guardrail", kind: "mean", column: "revenue", covariate: "pre_revenue", nonInferiorityMargin: 0.02 },
    { name: "Average order value", role: "secondary", kind: "ratio", numerator: "revenue", denominator: "orders" },
  ],
};

const VARIANTS = ["control", "treatment"];
const DEVICES = ["desktop", "mobile", "tablet"];
const CHANNELS = ["ads", "email", "organic", "social"];

/**
 * CSV blocks of about `blockRows` rows each, `total` rows in all, header first.
 * `userCycle`: row i belongs to user `i % userCycle` (so each user comes back
 * every `userCycle` rows, always in the arm a hash of their id gives);
 * otherwise every row is a user of its own.
 */
export function* csvBlocks(total, { seed = 42, blockRows = 10_000, userCycle } = {}) {
  const r = prng(seed);
  yield HEADER;
  for (let start = 0; start < total; start += blockRows) {
    let s = "";
    for (let i = start; i < Math.min(total, start + blockRows); i++) {
      const user = userCycle ? i % userCycle : i;
      const arm = userCycle ? (Math.imul(user + 1, 2654435761) >>> 16) & 1 : r() < 0.5 ? 0 : 1;
      const device = DEVICES[Math.floor(r() * 3)];
      const channel = CHANNELS[Math.floor(r() * 4)];
      const pre = r() < 0.3 ? (r() * 120).toFixed(2) : "0";
      const converted = r() < (arm ? 0.053 : 0.05) ? 1 : 0;
      const orders = converted ? 1 + Math.floor(r() * 2) : 0;
      const revenue = converted ? (orders * (20 + r() * 80) + Number(pre) * 0.2).toFixed(2) : "0";
      s += `${user + 1},${VARIANTS[arm]},${device},${channel},${converted},${revenue},${orders},${pre}\n`;
    }
    yield s;
  }
}

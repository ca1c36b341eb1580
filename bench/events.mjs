// Seeded GA4-like event export (SDK.md §4): one row per event, `event_timestamp`
// in microseconds, about 5 events per user (exposure, page views, sometimes a
// cart, a checkout and a purchase with `purchase_revenue`), sorted by time.
// `eventBlocks` yields CSV text in blocks, so a big file never sits in memory.

import { prng } from "../scripts/sample-data.mjs";

export const EVENT_HEADER = "event_timestamp,user_pseudo_id,event_name,purchase_revenue,variant,device\n";

const purchase = { column: "event_name", equals: "purchase" };
export const EVENT_CONFIG = {
  variantColumn: "variant",
  userColumn: "user_pseudo_id",
  timestampColumn: "event_timestamp",
  exposure: { where: { column: "event_name", equals: "experiment_exposure" } },
  segmentColumns: ["device"],
  kpis: [
    { name: "Purchase within 7 days", role: "primary", kind: "conversion", where: purchase, window: { days: 7 } },
    { name: "Revenue per user", role: "guardrail", kind: "mean", column: "purchase_revenue", where: purchase, cap: { percentile: 99 } },
    {
      name: "Average order value", role: "secondary", kind: "ratio",
      numerator: { column: "purchase_revenue", where: purchase }, denominator: { where: purchase },
    },
  ],
};

const DEVICES = ["desktop", "mobile", "tablet"];
const T0 = 1_709_251_200_000_000;

/** About `events` rows in all (users = events / 5), header first; time advances per user. */
export function* eventBlocks(events, { seed = 7, blockUsers = 2_000 } = {}) {
  const r = prng(seed);
  const users = Math.max(1, Math.round(events / 5));
  yield EVENT_HEADER;
  let t = T0;
  for (let start = 0; start < users; start += blockUsers) {
    let s = "";
    for (let u = start; u < Math.min(users, start + blockUsers); u++) {
      const id = `${1_000_000_000 + u}.${1_700_000_000 + (u % 997)}`;
      const variant = r() < 0.5 ? "control" : "treatment";
      const device = DEVICES[Math.floor(r() * 3)];
      t += 1 + Math.floor(r() * 500_000);
      const row = (dt, name, revenue = "") => `${t + dt},${id},${name},${revenue},${variant},${device}\n`;
      s += row(0, "experiment_exposure");
      s += row(1_000_000, "page_view") + row(30_000_000, "page_view");
      if (r() < 0.3) {
        s += row(60_000_000, "add_to_cart");
        if (r() < (variant === "treatment" ? 0.2 : 0.18)) s += row(90_000_000, "purchase", (10 + r() * 90).toFixed(2));
        else s += row(90_000_000, "page_view");
      } else {
        s += row(60_000_000, "page_view");
      }
    }
    yield s;
  }
}

// Event-level data for the warehouse round trip (SDK.md §4, §5, §6): GA4-like
// events sorted by time with distinct instants per user, so file order (the CSV
// path) and time order (SQL) agree. Shared by warehouse.test.mjs.

/** Deterministic uniform [0, 1) (mulberry32). */
export function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const DEVICES = ["desktop", "mobile", "tablet"];
export const CHANNELS = ["ads", "email", "organic"];
const START = Date.UTC(2025, 11, 1);
const HOUR = 3600e3;

/**
 * `users` users over 20 days: a page view before exposure for some, the
 * exposure, then sessions of page views, carts (quantity), checkouts and
 * purchases (revenue, a balance near 1e7); ~5 % never exposed, ~3 % later seen
 * in another arm. `time`: "iso" (ISO 8601 with ms, Z), "s" (epoch seconds) or "us"
 * (epoch microseconds, as GA4's event_timestamp);
 * `arms` in name order.
 */
export function generateEvents(seed, users, time = "iso", arms = ["control", "treatment"]) {
  const r = rng(seed);
  const events = [];
  for (let u = 0; u < users; u++) {
    const id = `u${String(u).padStart(5, "0")}`;
    const variant = arms[u % arms.length];
    const lift = variant === "treatment" ? 0.05 : 0;
    const device = u < 6 ? DEVICES[Math.floor(u / 2)] : DEVICES[Math.floor(r() * 3)];
    const channel = u < 6 ? CHANNELS[Math.floor(u / 2)] : CHANNELS[Math.floor(r() * 3)];
    // Whole milliseconds (or seconds), distinct per user: a step of >= 1 s.
    // Users 0-5 are exposed first, in name order of variant, device and channel (SQL's
    // order is by name, the CSV path's by first appearance).
    let t = u < 6 ? START - (6 - u) * 60e3 : START + Math.floor(r() * 6 * 24) * HOUR + Math.floor(r() * HOUR);
    const row = (event, extra = {}) => {
      events.push({ t, id, variant: extra.variant ?? variant, event, device, channel, ...extra });
      t += 1000 + Math.floor(r() * 6 * HOUR);
    };
    if (u >= 6 && r() < 0.3) row("page_view", { session: 1 });
    if (u >= 6 && r() < 0.05) {
      row("page_view", { session: 2 });
      continue; // never exposed
    }
    row("experiment_exposure", { session: 2 });
    const sessions = 1 + Math.floor(r() * 4);
    for (let s = 0; s < sessions; s++) {
      const session = 3 + s;
      row("page_view", { session });
      if (r() < 0.5 + lift) {
        row("add_to_cart", { session, quantity: 1 + Math.floor(r() * 3) });
        if (r() < 0.6) {
          row("begin_checkout", { session });
          if (r() < 0.5 + lift) {
            const revenue = r() < 0.02 ? 900 + 500 * r() : 20 + 80 * r() * (1 + lift);
            row("purchase", { session, revenue: revenue.toFixed(2), quantity: 1 + Math.floor(r() * 2), balance: (1e7 + r()).toFixed(6) });
          }
        }
      } else if (r() < 0.1) {
        row("purchase", { session, revenue: (10 + 20 * r()).toFixed(2), quantity: 1, balance: (1e7 + r()).toFixed(6) });
      }
      t += Math.floor(r() * 96 * HOUR);
    }
    if (u >= 6 && r() < 0.03) row("page_view", { session: 9, variant: variant === arms[0] ? arms[1] : arms[0] });
  }
  events.sort((a, b) => a.t - b.t || (a.id < b.id ? -1 : 1));
  const header = "event_time,user_id,variant,event_name,device,channel,session_id,quantity,revenue,balance,engaged";
  const lines = [header];
  for (const e of events) {
    const stamp = { iso: new Date(e.t).toISOString(), s: String(Math.floor(e.t / 1000)), us: String(e.t * 1000 + 131) }[time];
    const engaged = e.event === "page_view" ? (e.session % 2) : 1;
    lines.push([stamp, e.id, e.variant, e.event, e.device, e.channel, `s${e.session}`, e.quantity ?? "", e.revenue ?? "", e.balance ?? "", engaged].join(","));
  }
  return lines.join("\n") + "\n";
}

const purchase = { column: "event_name", equals: "purchase" };

/** Every §4 and §5 feature: filters (equals, in, notIn, all, any, numbers), aggregates, threshold, windows, caps, funnels, time to event. */
export const EVENT_KPIS = [
  { name: "buyers", role: "primary", kind: "conversion", where: purchase, window: { days: 7 } },
  { name: "revenue", role: "secondary", kind: "mean", column: "revenue", where: purchase, cap: { percentile: 99 } },
  { name: "revenue_capped", role: "secondary", kind: "mean", column: "revenue", where: purchase, aggregate: "sum", cap: { value: 150 }, window: { days: 10, hours: 12 } },
  {
    name: "aov",
    role: "guardrail",
    kind: "ratio",
    numerator: { column: "revenue", where: purchase, aggregate: "sum" },
    denominator: { where: purchase, aggregate: "count" },
    cap: { percentile: 95 },
    nonInferiorityMargin: 0.1,
  },
  { name: "repeat", role: "secondary", kind: "conversion", where: purchase, aggregate: "count", threshold: 2 },
  { name: "sessions", role: "secondary", kind: "mean", column: "session_id", aggregate: "distinct" },
  { name: "max_quantity", role: "secondary", kind: "mean", column: "quantity", aggregate: "max", where: { column: "event_name", in: ["add_to_cart", "purchase"] } },
  { name: "min_quantity", role: "secondary", kind: "mean", column: "quantity", aggregate: "min", where: { column: "event_name", equals: "add_to_cart" } },
  { name: "engaged", role: "secondary", kind: "conversion", column: "engaged", aggregate: "any", where: { column: "event_name", equals: "page_view" } },
  {
    name: "big_carts",
    role: "secondary",
    kind: "conversion",
    where: { all: [{ column: "event_name", equals: "add_to_cart" }, { any: [{ column: "quantity", in: [2, 3] }, { column: "device", notIn: ["desktop", "mobile"] }] }] },
  },
  { name: "balance", role: "secondary", kind: "mean", column: "balance", aggregate: "max", where: purchase },
  {
    name: "checkout",
    role: "secondary",
    kind: "funnel",
    ordered: true,
    window: { days: 14 },
    steps: [
      { name: "view", where: { column: "event_name", equals: "page_view" } },
      { name: "cart", where: { column: "event_name", equals: "add_to_cart" } },
      { name: "buy", where: purchase },
    ],
  },
  {
    name: "checkout_any_order",
    role: "secondary",
    kind: "funnel",
    steps: [
      { name: "cart", where: { column: "event_name", equals: "add_to_cart" } },
      { name: "checkout", where: { column: "event_name", equals: "begin_checkout" } },
    ],
  },
  { name: "time_to_buy", role: "secondary", kind: "timeToEvent", where: purchase, window: { days: 14 }, unit: "hours" },
  { name: "days_to_cart", role: "secondary", kind: "timeToEvent", where: { column: "event_name", equals: "add_to_cart" } },
];

export const eventConfig = {
  variantColumn: "variant",
  userColumn: "user_id",
  timestampColumn: "event_time",
  exposure: { where: { column: "event_name", equals: "experiment_exposure" } },
  segmentColumns: ["device", "channel"],
  kpis: EVENT_KPIS,
};

/** No timestamps: exposure = a user's (only) rows, no windows, no order. */
export const firstRowConfig = {
  variantColumn: "variant",
  userColumn: "user_id",
  segmentColumns: ["device"],
  kpis: EVENT_KPIS.filter((k) => !k.window && !k.ordered && k.kind !== "timeToEvent"),
};

// A typed usage example: compiles with `tsc --noEmit` against the built package.
import { planSampleSize, analyze, evaluateCsv, kpis, KpilabError } from "kpilab";
import type { PlanInput, AnalyzeResult, Evaluation, SampleSizePlan } from "kpilab";

const input: PlanInput = { metric: { kind: "proportion", baseline: 0.05 }, mde: 0.1, alternative: "two-sided" };
const plan: SampleSizePlan = planSampleSize(input);
const perArm: number = plan.usersPerVariant[0];

const result: AnalyzeResult = analyze({
  metric: "proportion",
  variants: [
    { name: "control", users: 10_000, conversions: 500 },
    { name: "new-checkout", users: 10_000, conversions: 560 },
  ],
  correction: "holm",
});
const lift: number | null = result.comparisons[0].relativeLift;
const verdict: "better" | "worse" | "inconclusive" = result.comparisons[0].verdict;

const evaluation: Evaluation = evaluateCsv("variant,converted\ncontrol,1\n", {
  variantColumn: "variant",
  kpis: [{ name: "Conversion", role: "primary", kind: "conversion", column: "converted" }],
});
const decision: "ship" | "do-not-ship" | "keep-running" | "inconclusive" = evaluation.decision.verdict;
const aov: number | undefined = kpis({ revenue: 100, orders: 4 }).averageOrderValue;

try {
  planSampleSize(input);
} catch (e) {
  if (e instanceof KpilabError) {
    const where: string = e.field;
    const code: "INVALID_INPUT" | "UNSUPPORTED" | "CSV_PARSE" | "NO_SOLUTION" = e.code;
    console.log(where, code);
  }
}
console.log(perArm, lift, verdict, decision, aov);

// Time to convert: events take 0/1 or booleans; median is null when not reached.
import { analyzeTimeToEvent } from "kpilab";
import type { TimeToEventResult } from "kpilab";
const tte: TimeToEventResult = analyzeTimeToEvent({
  variants: [
    { name: "control", times: [3, 8, 12, 30], events: [1, 1, true, 0] },
    { name: "b", times: [2, 4, 9, 30], events: [1, 1, 1, false] },
  ],
  unit: "days",
});
const median: number | null = tte.variants[0].median;
const hr: number = tte.comparisons[0].hazardRatio;
const events: number | undefined = planSampleSize({ metric: { kind: "timeToEvent", controlEventRate: 0.3, hazardRatio: 0.8 } }).eventsNeeded;
console.log(median, hr, events);

// Event-level KPIs (SDK.md §4): presets, filters, funnels and data quality are typed.
import { kpiPresets } from "kpilab";
import type { DataQuality, KpiSpec } from "kpilab";
const checkout: KpiSpec = kpiPresets.checkoutFunnel({ eventColumn: "event_name" });
const eventLevel: Evaluation = evaluateCsv("event_timestamp,user_pseudo_id,event_name,variant\n", {
  variantColumn: "variant",
  userColumn: "user_pseudo_id",
  timestampColumn: "event_timestamp",
  timestampUnit: "us",
  exposure: { where: { column: "event_name", equals: "experiment_exposure" } },
  kpis: [
    { name: "purchase in 7 days", role: "primary", kind: "conversion", where: { column: "event_name", in: ["purchase"] }, window: { days: 7 } },
    { name: "aov", role: "secondary", kind: "ratio", numerator: { column: "purchase_revenue", where: { all: [{ column: "event_name", equals: "purchase" }] } }, denominator: { where: { column: "event_name", equals: "purchase" }, aggregate: "count" }, cap: { percentile: 99 } },
    checkout,
  ],
});
const quality: DataQuality = eventLevel.quality;
const contaminated: number = quality.multiVariantUsers;
const stepShare: number | undefined = eventLevel.kpis[2].steps?.[1].fromPrevious[0].rate;
void [contaminated, stepShare];

// evaluateFile (SDK.md §7): Node takes a path or a Blob.
import { evaluateFile } from "kpilab";
const fromPath: Promise<Evaluation> = evaluateFile("data.csv", { variantColumn: "variant", kpis: [{ name: "c", role: "primary", kind: "conversion", column: "converted" }] }, {
  onProgress: (p) => p.bytes + p.rows,
  signal: new AbortController().signal,
});
void fromPath;
// Warehouse SQL and aggregates (SDK.md §6): the dialect is a union, rows are plain records.
import { toSql, evaluateAggregates, CsvEvaluator } from "kpilab";
import type { AggregateRow, SqlDialect, EvalConfig } from "kpilab";
const aggConfig: EvalConfig = { variantColumn: "variant", kpis: [{ name: "conv", role: "primary", kind: "conversion", column: "c" }] };
const dialect: SqlDialect = "bigquery";
const sql: string = toSql(aggConfig, { dialect, table: "project.dataset.users" });
const localRun = new CsvEvaluator(aggConfig);
const aggRows: AggregateRow[] = localRun.aggregates();
const fromRows: Evaluation = evaluateAggregates(aggRows, aggConfig);
const fromCsv: Evaluation = evaluateAggregates("segment_column,segment_value,variant,users,conv__sum\n", aggConfig);
console.log(sql, fromRows, fromCsv);
// Time to convert as a KPI (SDK.md §5): per user or event level; KpiResult.timeToEvent.
const ttc: Evaluation = evaluateCsv("user_id,variant,event_name,event_time\n", {
  variantColumn: "variant",
  userColumn: "user_id",
  timestampColumn: "event_time",
  kpis: [
    { name: "time to purchase", role: "primary", kind: "timeToEvent", where: { column: "event_name", equals: "purchase" }, window: { days: 30 }, unit: "days" },
    { name: "days to convert", role: "secondary", kind: "timeToEvent", column: "days", eventColumn: "converted", horizon: 14, higherIsBetter: false },
  ],
});
const rmstDiff: number | undefined = ttc.kpis[0].timeToEvent?.comparisons[0].absoluteLift;
void rmstDiff;

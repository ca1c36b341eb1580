//! TypeScript unions for the inputs whose required fields depend on a kind.
//!
//! tsify declares the core's flat structs (every field optional) under the names
//! `VariantFields`, `KpiSpecFields` and `AnalyzeInputFields` (their
//! `tsify(rename)`); the package's `Variant`, `KpiSpec` and `AnalyzeInput` are
//! the unions below, so that `tsc` rejects a mean variant without its moments or
//! a conversion KPI without its column. Each member picks its fields from the
//! generated interface (`Pick`/`Required`), so it keeps the Rust doc comments.
//! A field added in Rust must be placed here: in the common part (`VariantCommon`,
//! `KpiSpecCommon`) or in the members of the kinds it applies to;
//! tests/types/drift.mts (`make test-types`) fails until it is, and when a member
//! invents a field, gives one another type, or a kind has no member.
//! A kind that needs one of two fields (SDK.md §4: a conversion KPI with `where`
//! needs no `column`) becomes a type alias over both cases, e.g.
//! `export type ConversionKpi = KpiSpecCommon & { kind: "conversion" } &
//! ((Required<Pick<KpiSpecFields, "column">> & Pick<KpiSpecFields, "where">) |
//! (Pick<KpiSpecFields, "column"> & Required<Pick<KpiSpecFields, "where">>));`
//! fields every kind takes (`where`, `aggregate`, `window`, `cap`) go in `KpiSpecCommon`.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_INPUT_UNIONS: &str = r#"
/** The fields every arm takes, whatever the metric. */
export type VariantCommon = Pick<VariantFields, "name" | "users">;
/** An arm of a `metric: "proportion"` analysis: `conversions` out of `users`. */
export interface ProportionVariant extends VariantCommon, Required<Pick<VariantFields, "conversions">> {}
/** An arm of a `metric: "mean"` analysis: the sum and sum of squares of a per-user value; `covariate` for CUPED. */
export interface MeanVariant extends VariantCommon, Required<Pick<VariantFields, "sum" | "sumSquares">>, Pick<VariantFields, "covariate"> {}
/** An arm of a `metric: "ratio"` analysis (e.g. average order value = revenue / orders). */
export interface RatioVariant extends VariantCommon, Required<Pick<VariantFields, "numerator" | "denominator" | "crossSum">> {}
/** One arm's aggregated data; the fields it needs depend on the metric. */
export type Variant = ProportionVariant | MeanVariant | RatioVariant;

/** `analyze` on conversion rates. */
export interface ProportionAnalyzeInput extends AnalyzeInputFields { metric: "proportion"; variants: ProportionVariant[] }
/** `analyze` on a per-user mean (e.g. revenue per user). */
export interface MeanAnalyzeInput extends AnalyzeInputFields { metric: "mean"; variants: MeanVariant[] }
/** `analyze` on a ratio of per-user sums (e.g. revenue / orders). */
export interface RatioAnalyzeInput extends AnalyzeInputFields { metric: "ratio"; variants: RatioVariant[] }
/** The input of `analyze`: `metric` decides which fields every variant carries. */
export type AnalyzeInput = ProportionAnalyzeInput | MeanAnalyzeInput | RatioAnalyzeInput;

/** The fields every KPI takes, whatever its kind (name, role, direction, guardrail margin; event level: rows, window, cap). */
export type KpiSpecCommon = Pick<KpiSpecFields, "name" | "role" | "higherIsBetter" | "nonInferiorityMargin" | "where" | "window">;
/** A conversion KPI: a 0/1 or true/false `column`, or (event level) the rows matching `where`; `aggregate` and `threshold` per user. */
export type ConversionKpi = KpiSpecCommon & { kind: "conversion" } & Pick<KpiSpecFields, "aggregate" | "threshold"> &
  ((Required<Pick<KpiSpecFields, "column">> & Pick<KpiSpecFields, "where">) | (Pick<KpiSpecFields, "column"> & Required<Pick<KpiSpecFields, "where">>));
/** A mean KPI: a numeric per-user `column` (or, counting rows, `where`); `covariate` for CUPED; `cap` winsorizes. */
export type MeanKpi = KpiSpecCommon & { kind: "mean" } & Pick<KpiSpecFields, "covariate" | "aggregate" | "cap"> &
  ((Required<Pick<KpiSpecFields, "column">> & Pick<KpiSpecFields, "where">) | (Pick<KpiSpecFields, "column"> & Required<Pick<KpiSpecFields, "where">>));
/** A ratio KPI: `numerator / denominator`, per-user columns or event-level parts (e.g. revenue / orders). */
export interface RatioKpi extends KpiSpecCommon, Required<Pick<KpiSpecFields, "numerator" | "denominator">>, Pick<KpiSpecFields, "cap"> { kind: "ratio" }
/** A funnel KPI (event level): the share of exposed users reaching each step, `ordered` or in any order. */
export interface FunnelKpi extends KpiSpecCommon, Required<Pick<KpiSpecFields, "steps">>, Pick<KpiSpecFields, "ordered"> { kind: "funnel" }
/** A time-to-convert KPI: per user a duration `column` and a 0/1 `eventColumn` (0 = still waiting), or (event level) the converting event `where`; results in `KpiResult.timeToEvent`; converting sooner is better. */
export type TimeToEventKpi = Omit<KpiSpecCommon, "higherIsBetter"> & { kind: "timeToEvent"; higherIsBetter?: false } & Pick<KpiSpecFields, "unit" | "horizon"> &
  (Required<Pick<KpiSpecFields, "column" | "eventColumn">> | Required<Pick<KpiSpecFields, "where">>);
/** One KPI of `EvalConfig.kpis`; `kind` decides which columns it needs. */
export type KpiSpec = ConversionKpi | MeanKpi | RatioKpi | FunnelKpi | TimeToEventKpi;
"#;

//! Inputs and outputs of the row-level evaluation (SDK.md §3), mirroring the JSON contract.

use serde::{Deserialize, Serialize};

use crate::serde_embed::deserialize_embedded;
use crate::serde_embed::strict;

use crate::analyze::{AnalysisOptions, AnalyzeResult};
use crate::csv::{Decimal, TimestampUnit};
use crate::evaluate::event_types::{
    Aggregate, Cap, DataQuality, Exposure, FunnelStep, KpiWindow, RatioPart, StepResult,
};
use crate::evaluate::filter::Filter;
use crate::survival::{TimeToEventResult, TimeUnit};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub enum KpiRole {
    /// The KPI the test is meant to move; decides ship / do-not-ship.
    Primary,
    /// Reported, never decisive.
    Secondary,
    /// Must not get (significantly, or beyond its margin) worse.
    Guardrail,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub enum KpiKind {
    /// A 0/1 or true/false column: a proportion.
    Conversion,
    /// A numeric per-user column.
    Mean,
    /// `numerator / denominator`, both per-user columns (e.g. revenue / orders).
    Ratio,
    /// Event-level steps: the share of exposed users reaching each.
    Funnel,
    /// Time to convert: Kaplan-Meier per arm, the RMST difference as the verdict.
    TimeToEvent,
}

/// One KPI. In TypeScript this is `KpiSpecFields` (every field of every kind); the
/// package's `KpiSpec` is a union on `kind`.
// The unions: crates/kpilab-wasm/src/input_types.rs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(rename = "KpiSpecFields"))]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct KpiSpec {
    /// Shown in results and reasons; unique within `kpis`.
    pub name: String,
    /// `"primary"` decides, `"guardrail"` can block, `"secondary"` is reported.
    pub role: KpiRole,
    /// `"conversion"`, `"mean"` or `"ratio"`: which columns the KPI reads.
    pub kind: KpiKind,
    /// Conversion: a 0/1 or true/false column; mean: a numeric column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub column: Option<String>,
    /// Ratio: the numerator, a numeric column (e.g. revenue) or, event level,
    /// `{ column?, where?, aggregate? }`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub numerator: Option<RatioPart>,
    /// Ratio: the denominator, a numeric column (e.g. orders) or, event level,
    /// `{ column?, where?, aggregate? }`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub denominator: Option<RatioPart>,
    /// Pre-period column for CUPED (mean KPIs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub covariate: Option<String>,
    /// Default true; false when a decrease is good (bounce rate, refund rate).
    /// timeToEvent KPIs: always false (converting sooner is better).
    #[serde(default = "default_true")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub higher_is_better: bool,
    /// Guardrails: largest acceptable relative harm, e.g. 0.02.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub non_inferiority_margin: Option<f64>,
    /// Event level: only rows matching this count for the KPI.
    #[serde(default, rename = "where", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub where_: Option<Filter>,
    /// Per user; default `any` (conversion), `sum` (mean).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub aggregate: Option<Aggregate>,
    /// Conversion: the user converts when the aggregate reaches it (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub threshold: Option<f64>,
    /// Only rows within this time after exposure count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub window: Option<KpiWindow>,
    /// Winsorize per-user values from above (mean, both ratio parts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub cap: Option<Cap>,
    /// Funnel KPIs: the steps, in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub steps: Option<Vec<FunnelStep>>,
    /// Funnel KPIs: steps must be reached in order, at strictly later timestamps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub ordered: Option<bool>,
    /// Time-to-event KPIs, per user: the 0/1 column next to the duration `column`
    /// (1 = converted at that time, 0 = censored: still waiting).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub event_column: Option<String>,
    /// Time-to-event KPIs: the unit of durations and results (default days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub unit: Option<TimeUnit>,
    /// Time-to-event KPIs: tau of the restricted mean, in `unit`; default the
    /// smallest over arms of each arm's largest observed time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub horizon: Option<f64>,
}

strict!(KpiSpec; Serialize);

impl KpiSpec {
    /// A KPI with only the §3 fields set.
    pub fn new(name: &str, role: KpiRole, kind: KpiKind) -> KpiSpec {
        KpiSpec {
            name: name.to_string(),
            role,
            kind,
            column: None,
            numerator: None,
            denominator: None,
            covariate: None,
            higher_is_better: true,
            non_inferiority_margin: None,
            where_: None,
            aggregate: None,
            threshold: None,
            window: None,
            cap: None,
            steps: None,
            ordered: None,
            event_column: None,
            unit: None,
            horizon: None,
        }
    }
}

fn default_true() -> bool {
    true
}

/// `analyze`'s options plus the planned size that turns "inconclusive" into "keep-running".
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct EvalAnalysis {
    #[serde(flatten)]
    pub options: AnalysisOptions,
    /// Users per variant the test was planned for: until every arm has them, a
    /// result that is not yet decisive is `"keep-running"`; default none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub planned_users_per_variant: Option<f64>,
    /// Limits the evaluation to these arms; rows of others count in `rows.excluded`.
    /// Default: every variant in the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub variants: Option<Vec<String>>,
}

deserialize_embedded!(EvalAnalysis { options: AnalysisOptions } + {
    planned_users_per_variant: Option<f64> = "plannedUsersPerVariant" or Default::default,
    variants: Option<Vec<String>> = "variants" or Default::default,
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub enum OnBadRow {
    /// Skip the row and report its line.
    #[default]
    Skip,
    /// Stop with a `CSV_PARSE` error naming the line.
    Fail,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct EvalConfig {
    /// The column that names each row's variant.
    pub variant_column: String,
    /// When given, rows of the same user are summed first; default: one row per user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub user_column: Option<String>,
    /// The KPIs to evaluate, at least one; the primary ones decide.
    pub kpis: Vec<KpiSpec>,
    /// Columns to slice the results by (e.g. device, channel); default none.
    #[serde(default)]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub segment_columns: Vec<String>,
    /// `analyze`'s options for every KPI (control, method, alpha, ...); default `{}`.
    #[serde(default)]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub analysis: EvalAnalysis,
    /// The field separator, one character; default `","`.
    #[serde(default = "default_delimiter")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub delimiter: String,
    /// The decimal separator of every number column (KPI, covariate, ratio part,
    /// numbers in `where`): `"."` (default) or `","`, with which "12,50" is 12.5 and
    /// dots may group thousands ("1.234,5" is 1234.5; a dot anywhere else makes the
    /// cell no number). `","` needs another `delimiter` (e.g. `";"`).
    #[serde(default)]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub decimal: Decimal,
    /// Default `"skip"` (each skipped row is listed in `rows.errors`).
    #[serde(default)]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub on_bad_row: OnBadRow,
    /// Users a year, to project `revenueKpi`'s lift into `revenueImpact`; default none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub annual_users: Option<f64>,
    /// Name of a mean KPI (per user) to project over `annualUsers`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub revenue_kpi: Option<String>,
    /// Event level: ISO 8601 dates/date-times or epoch numbers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub timestamp_column: Option<String>,
    /// The unit of epoch-number timestamps: "s", "ms", "us", or (default) "auto":
    /// by magnitude, below 1e11 seconds, below 1e14 milliseconds, else microseconds.
    #[serde(default)]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub timestamp_unit: TimestampUnit,
    /// A user's exposure = their first row matching `exposure.where` (default: first row).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub exposure: Option<Exposure>,
}

strict!(EvalConfig; Serialize);

impl EvalConfig {
    /// A config with these KPIs and every option at its default.
    pub fn new(variant_column: &str, kpis: Vec<KpiSpec>) -> EvalConfig {
        EvalConfig {
            variant_column: variant_column.to_string(),
            user_column: None,
            kpis,
            segment_columns: Vec::new(),
            analysis: EvalAnalysis::default(),
            delimiter: default_delimiter(),
            decimal: Decimal::Dot,
            on_bad_row: OnBadRow::Skip,
            annual_users: None,
            revenue_kpi: None,
            timestamp_column: None,
            timestamp_unit: TimestampUnit::Auto,
            exposure: None,
        }
    }
}

fn default_delimiter() -> String {
    ",".to_string()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct KpiResult {
    pub name: String,
    pub role: KpiRole,
    /// For a funnel: the last step's result (completion).
    pub result: AnalyzeResult,
    /// Funnel KPIs: one result per step, each against all exposed users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub steps: Option<Vec<StepResult>>,
    /// Time-to-event KPIs: the curves, medians, RMST and tests (`result` holds
    /// the RMST comparison in `analyze`'s shape, for the decision rule).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub time_to_event: Option<TimeToEventResult>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct SegmentResult {
    pub column: String,
    pub value: String,
    pub kpis: Vec<KpiResult>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub enum DecisionVerdict {
    Ship,
    DoNotShip,
    KeepRunning,
    Inconclusive,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct Decision {
    pub verdict: DecisionVerdict,
    /// With `ship`: the best qualifying treatment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub variant: Option<String>,
    /// Each names the KPI and the number behind it.
    pub reasons: Vec<String>,
    /// Each treatment's own verdict against the control, in variant order.
    pub arms: Vec<ArmDecision>,
}

/// One treatment's verdict (SDK.md §3 decision rule for that arm alone).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct ArmDecision {
    pub variant: String,
    pub verdict: DecisionVerdict,
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct RevenueImpact {
    pub annual: f64,
    pub ci: [f64; 2],
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct RowError {
    /// 1-based physical line; the header is line 1.
    pub line: f64,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct RowReport {
    pub read: f64,
    pub used: f64,
    pub skipped: f64,
    /// Good rows of arms left out by `analysis.variants`: not skipped (so within
    /// `used = read - skipped`, as SDK.md §3 defines it), but in no arm.
    pub excluded: f64,
    /// The first bad rows with their lines (at most `MAX_ROW_ERRORS`).
    pub errors: Vec<RowError>,
    /// Bad rows counted in `skipped` but not listed in `errors` (memory stays bounded).
    pub errors_not_listed: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct Evaluation {
    pub kpis: Vec<KpiResult>,
    pub segments: Vec<SegmentResult>,
    pub decision: Decision,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub revenue_impact: Option<RevenueImpact>,
    pub rows: RowReport,
    /// The control used and why (`given`, `name` or `first`).
    pub control: crate::analyze::ControlInfo,
    /// Warnings about the evaluation as a whole (e.g. many segments sliced).
    pub warnings: Vec<crate::analyze::Warning>,
    /// What the event-level rules left out (all zeros for one row per user).
    pub quality: DataQuality,
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct Progress {
    pub bytes: f64,
    pub rows: f64,
}

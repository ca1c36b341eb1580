//! Inputs and outputs of `analyze` (SDK.md §2), mirroring the JSON contract.

use serde::{Deserialize, Serialize};

use crate::serde_embed::deserialize_embedded;
use crate::serde_embed::strict;

use crate::common::Alternative;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub enum MetricKind {
    /// Conversions out of users.
    Proportion,
    /// Mean of a per-user value, from its sum and sum of squares.
    Mean,
    /// Ratio of two per-user sums (e.g. revenue / orders), delta method.
    Ratio,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub enum AnalysisMethod {
    /// Fixed-horizon tests: z (proportion, ratio) or Welch t (mean), with p-values.
    #[default]
    Frequentist,
    /// Posteriors with flat priors: chance to beat control and expected loss; no p-value.
    Bayesian,
    /// An always-valid confidence sequence (gbstats): safe to look at any time; two-sided only.
    Sequential,
}

/// How `relativeCi` is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub enum RelativeInterval {
    /// The relative lifts the verdict's own test does not reject (Fieller): it
    /// excludes 0 exactly when the result is significant.
    #[default]
    Fieller,
    /// The delta method on mB/mA - 1 with a z quantile (gbstats' relative CI,
    /// which uses t); can disagree with the p-value near the threshold.
    Delta,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub enum Correction {
    /// Each comparison at `alpha`.
    #[default]
    None,
    /// Holm's step-down (statsmodels `multipletests(method="holm")`).
    Holm,
    /// p-values times the number of comparisons.
    Bonferroni,
    /// False discovery rate (statsmodels `multipletests(method="fdr_bh")`).
    BenjaminiHochberg,
}

/// Sufficient statistics of one per-user column: its sum, sum of squares and,
/// on a covariate, the sum of metric × covariate.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct Moments {
    /// Sum over users of the per-user value.
    pub sum: f64,
    /// Sum over users of the squared per-user value.
    pub sum_squares: f64,
    /// On a covariate: sum over users of metric × covariate (required by CUPED).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub cross_sum: Option<f64>,
}

strict!(Moments; Serialize);

/// One arm's aggregated data. Which fields are required depends on the metric:
/// proportion `conversions`; mean `sum`, `sumSquares` (and optionally `covariate`);
/// ratio `numerator`, `denominator`, `crossSum`.
/// In TypeScript this is `VariantFields` (every field of every metric); the
/// package's `Variant` is the union `ProportionVariant | MeanVariant | RatioVariant`.
// The unions: crates/kpilab-wasm/src/input_types.rs.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(rename = "VariantFields"))]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct Variant {
    /// The arm's name, unique within the input (e.g. "control").
    pub name: String,
    /// Users in the arm: a whole number >= 0 (at least 2 for mean and ratio).
    pub users: f64,
    /// Proportion: users who converted, 0 <= conversions <= users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub conversions: Option<f64>,
    /// Mean: sum over users of the per-user value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub sum: Option<f64>,
    /// Mean: sum over users of the squared per-user value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub sum_squares: Option<f64>,
    /// Mean: pre-period covariate for CUPED; `crossSum` = sum of metric × covariate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub covariate: Option<Moments>,
    /// Ratio: moments of the per-user numerator (e.g. revenue).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub numerator: Option<Moments>,
    /// Ratio: moments of the per-user denominator (e.g. orders).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub denominator: Option<Moments>,
    /// Ratio metrics: sum over users of numerator × denominator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub cross_sum: Option<f64>,
}

strict!(Variant; Serialize);

/// Settings of an analysis, shared by `analyze` and the CSV evaluator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct AnalysisOptions {
    /// Name of the control variant; default: the one named like a control
    /// (control, baseline, original, default, a, 0, v0, off, false), else the
    /// first, with the warning `CONTROL_ASSUMED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub control: Option<String>,
    /// Default `"frequentist"`.
    #[serde(default)]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub method: AnalysisMethod,
    /// Significance level, 0 < alpha < 1; default 0.05. Per-arm intervals are 1 - alpha.
    #[serde(default = "default_alpha")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub alpha: f64,
    /// Default `"two-sided"`; `"greater"`: the treatment is above the control.
    #[serde(default)]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub alternative: Alternative,
    /// Multiple-comparison correction across the treatment-vs-control
    /// comparisons (adjusts p-values, not intervals); default `"none"`.
    #[serde(default)]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub correction: Correction,
    /// Expected share of users per variant for the SRM check; default equal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub expected_allocation: Option<Vec<f64>>,
    /// The SRM check flags a mismatch when its p-value is below this; default 0.001.
    #[serde(default = "default_srm_alpha")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub srm_alpha: f64,
    /// Sequential only: the confidence sequence's tuning N* (the sample size
    /// where it is tightest); default 5000.
    #[serde(default = "default_tuning")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub sequential_tuning: f64,
    /// Default: true when every variant carries a covariate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub cuped: Option<bool>,
    /// Default true; false when a decrease is good (bounce rate, refunds): orients `verdict`.
    #[serde(default = "default_true")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub higher_is_better: bool,
    /// Default `"fieller"`: the relative interval inverts the verdict's test.
    #[serde(default)]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub relative_interval: RelativeInterval,
}

strict!(AnalysisOptions; Serialize);

impl Default for AnalysisOptions {
    fn default() -> Self {
        AnalysisOptions {
            control: None,
            method: AnalysisMethod::default(),
            alpha: default_alpha(),
            alternative: Alternative::default(),
            correction: Correction::default(),
            expected_allocation: None,
            srm_alpha: default_srm_alpha(),
            sequential_tuning: default_tuning(),
            cuped: None,
            higher_is_better: true,
            relative_interval: RelativeInterval::default(),
        }
    }
}

fn default_alpha() -> f64 {
    0.05
}
fn default_srm_alpha() -> f64 {
    0.001
}
fn default_tuning() -> f64 {
    5000.0
}
fn default_true() -> bool {
    true
}

/// In TypeScript this is `AnalyzeInputFields`; the package's `AnalyzeInput` is a
/// union on `metric` that ties each metric to its variants' fields.
// The unions: crates/kpilab-wasm/src/input_types.rs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(rename = "AnalyzeInputFields"))]
pub struct AnalyzeInput {
    /// Which fields every variant carries: `"proportion"`, `"mean"` or `"ratio"`.
    pub metric: MetricKind,
    /// At least 2, names unique.
    pub variants: Vec<Variant>,
    #[serde(flatten)]
    pub options: AnalysisOptions,
}

deserialize_embedded!(AnalyzeInput { options: AnalysisOptions } + {
    metric: MetricKind = "metric",
    variants: Vec<Variant> = "variants",
});

/// `[low, high]`; `null` is the unbounded side of a one-sided interval.
pub type Bound2 = [Option<f64>; 2];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct ArmSummary {
    pub name: String,
    pub users: f64,
    pub mean: f64,
    pub std_dev: f64,
    pub ci: [f64; 2],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub enum Verdict {
    Better,
    Worse,
    Inconclusive,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
// `null` (not `undefined`) for absent lifts and p-values, as the binding serializes them.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Comparison {
    pub variant: String,
    pub control: String,
    pub absolute_lift: f64,
    /// `null` when the control mean is 0.
    pub relative_lift: Option<f64>,
    pub absolute_ci: Bound2,
    pub relative_ci: Option<Bound2>,
    /// `null` for bayesian.
    pub p_value: Option<f64>,
    pub adjusted_p_value: Option<f64>,
    pub significant: bool,
    pub verdict: Verdict,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub chance_to_beat_control: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub expected_loss: Option<f64>,
    /// Sequential only: how many times wider the always-valid interval is than
    /// a fixed-horizon one at the same data (the price of peeking).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub width_vs_fixed_horizon: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct Srm {
    pub chi_square: f64,
    pub p_value: f64,
    pub mismatch: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct Warning {
    pub code: super::WarningCode,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct AnalyzeResult {
    pub variants: Vec<ArmSummary>,
    /// Non-control variants in input order, each against the control.
    pub comparisons: Vec<Comparison>,
    pub srm: Srm,
    pub warnings: Vec<Warning>,
    /// Present when CUPED adjusted the comparisons (mean metrics with a covariate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub cuped: Option<CupedSummary>,
}

/// What CUPED did: the all-arm slope and the share of the per-user variance it removed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct CupedSummary {
    /// theta = cov(Y, X) / var(X) over all users of all arms.
    pub theta: f64,
    /// 1 - Σ(n-1)·adjusted variance / Σ(n-1)·observed variance over the arms, in [0, 1]:
    /// 0.3 = the intervals rest on 30 % less variance (about ρ² of metric and covariate).
    pub variance_reduction: f64,
}

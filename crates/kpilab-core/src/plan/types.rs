//! Inputs and outputs of the planning functions (SDK.md §1), mirroring the JSON contract.

use serde::{Deserialize, Serialize};

use crate::serde_embed::deserialize_embedded;
use crate::serde_embed::strict;

use crate::common::Alternative;

/// The KPI being planned for.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub enum PlanMetric {
    /// A conversion rate.
    Proportion {
        /// The control's conversion rate, 0 < baseline < 1.
        baseline: f64,
    },
    /// A per-user mean (e.g. revenue per visitor).
    #[serde(rename_all = "camelCase")]
    Mean {
        /// The control's mean.
        mean: f64,
        /// The per-user standard deviation, > 0.
        std_dev: f64,
    },
    /// Time to convert (SDK.md §5): the control's share converting during the
    /// test and the hazard ratio to detect (variant over control).
    #[serde(rename_all = "camelCase")]
    TimeToEvent {
        /// The share of control users converting during the test, 0 < rate < 1.
        control_event_rate: f64,
        /// The hazard ratio to detect (variant over control), > 0 and != 1.
        hazard_ratio: f64,
    },
}

/// `PlanMetric` as read: serde's derive for an internally tagged enum first copies
/// the object into its `Content` tree, several KB of wasm; this flat form does not.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(remote = "Self", deny_unknown_fields)]
struct PlanMetricFields {
    kind: PlanMetricKind,
    baseline: Option<f64>,
    mean: Option<f64>,
    std_dev: Option<f64>,
    control_event_rate: Option<f64>,
    hazard_ratio: Option<f64>,
}

strict!(PlanMetricFields);

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
enum PlanMetricKind {
    Proportion,
    Mean,
    TimeToEvent,
}

impl<'de> Deserialize<'de> for PlanMetric {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let f: PlanMetricFields = crate::serde_embed::via_map(deserializer)?;
        let field = |value: Option<f64>, name| value.ok_or_else(|| serde::de::Error::missing_field(name));
        Ok(match f.kind {
            PlanMetricKind::Proportion => PlanMetric::Proportion { baseline: field(f.baseline, "baseline")? },
            PlanMetricKind::Mean => {
                PlanMetric::Mean { mean: field(f.mean, "mean")?, std_dev: field(f.std_dev, "stdDev")? }
            }
            PlanMetricKind::TimeToEvent => PlanMetric::TimeToEvent {
                control_event_rate: field(f.control_event_rate, "controlEventRate")?,
                hazard_ratio: field(f.hazard_ratio, "hazardRatio")?,
            },
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub enum MdeType {
    /// `0.1` = +10 % of the baseline.
    #[default]
    Relative,
    /// In the metric's own unit (`0.01` = one percentage point for a rate).
    Absolute,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub enum PlanCorrection {
    /// Each comparison at `alpha`.
    #[default]
    None,
    /// alpha / (variants - 1) per comparison.
    Bonferroni,
}

/// How the test statistic's variance is modelled (see the table in SDK.md §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub enum PlanMethod {
    /// Proportions: pooled H0 variance (R power.prop.test); means: normal approximation.
    #[default]
    Pooled,
    /// Proportions: each arm's own variance under H0 as under H1.
    Unpooled,
    /// Proportions: baseline × (1 - baseline) in both arms under H0 (Evan Miller's calculator).
    EvanMiller,
    /// Proportions: Cohen's h on arcsine-transformed rates (statsmodels NormalIndPower, R pwr.2p.test).
    Arcsine,
    /// Means only: pooled-variance noncentral t (statsmodels TTestIndPower).
    T,
}

/// Everything a plan needs; `mde` is required by planSampleSize, planPower, planDuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct PlanInput {
    /// The KPI: a conversion rate with its baseline, or a mean with its standard deviation.
    pub metric: PlanMetric,
    /// The effect to detect (required by planSampleSize and planDuration), read
    /// as `mdeType` says; negative for `alternative: "less"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub mde: Option<f64>,
    /// Default `"relative"` (0.1 = +10 % of the baseline).
    #[serde(default)]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub mde_type: MdeType,
    /// Significance level, 0 < alpha < 1; default 0.05.
    #[serde(default = "default_alpha")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub alpha: f64,
    /// Chance of detecting the effect when it is there, 0 < power < 1; default 0.8.
    #[serde(default = "default_power")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub power: f64,
    /// Default `"two-sided"`.
    #[serde(default)]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub alternative: Alternative,
    /// Arms including the control; default 2.
    #[serde(default = "default_variants")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub variants: u32,
    /// Weight per arm, control first; default equal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub allocation: Option<Vec<f64>>,
    /// Default `"none"`; `"bonferroni"` splits alpha over the variants - 1 comparisons.
    #[serde(default)]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub correction: PlanCorrection,
    /// Default `"pooled"`.
    #[serde(default)]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub method: PlanMethod,
}

strict!(PlanInput; Serialize);

fn default_alpha() -> f64 {
    0.05
}
fn default_power() -> f64 {
    0.8
}
fn default_variants() -> u32 {
    2
}
fn default_traffic_fraction() -> f64 {
    1.0
}

/// `planMde` / `planPower`: a plan with a fixed number of users per variant.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct FixedSizeInput {
    #[serde(flatten)]
    pub plan: PlanInput,
    /// Users in each arm (the total `usersPerVariant × variants` is split by `allocation`).
    pub users_per_variant: f64,
}

deserialize_embedded!(FixedSizeInput { plan: PlanInput } + { users_per_variant: f64 = "usersPerVariant" });

/// `planDuration`: a plan plus the traffic that feeds it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct DurationInput {
    #[serde(flatten)]
    pub plan: PlanInput,
    /// Users who visit per day, before `trafficFraction`.
    pub daily_users: f64,
    /// Share of the daily users that enter the test, 0 < f <= 1; default 1.
    #[serde(default = "default_traffic_fraction")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub traffic_fraction: f64,
}

deserialize_embedded!(DurationInput { plan: PlanInput } + {
    daily_users: f64 = "dailyUsers",
    traffic_fraction: f64 = "trafficFraction" or default_traffic_fraction,
});

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct SampleSizePlan {
    /// Whole users per arm (ceilings), control first.
    pub users_per_variant: Vec<f64>,
    pub users_per_variant_exact: Vec<f64>,
    pub total_users: f64,
    /// Time-to-event plans: conversions needed over all arms (Freedman), a ceiling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub events_needed: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub events_needed_exact: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct MdePlan {
    pub absolute: f64,
    pub relative: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct DurationPlan {
    pub days: f64,
    pub weeks: f64,
    pub total_users: f64,
    pub users_per_variant: Vec<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct PowerPoint {
    pub users_per_variant: f64,
    pub power: f64,
}

//! Inputs and outputs of `analyzeTimeToEvent` (SDK.md §5), mirroring the JSON contract.

use serde::{Deserialize, Serialize};

use crate::analyze::{Bound2, Verdict, Warning};
use crate::common::Alternative;
use crate::serde_embed::strict;

/// The unit of every time in the input and the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub enum TimeUnit {
    #[default]
    Days,
    Hours,
}

/// Whether a user converted (`1`, `true`) or is censored (`0`, `false`), as
/// given: any other number is refused by the analysis, which can name the
/// element (`variants[0].events[3]`; serde's error could not tell it from an
/// equal number in `times`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(transparent)]
pub struct EventFlag(pub f64);

impl EventFlag {
    /// `Some(converted)` for 0/1, `None` for any other number.
    pub fn converted(self) -> Option<bool> {
        (self.0 == 0.0 || self.0 == 1.0).then_some(self.0 == 1.0)
    }
}

impl<'de> Deserialize<'de> for EventFlag {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = EventFlag;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("0, 1, true or false")
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<EventFlag, E> {
                Ok(EventFlag(if v { 1.0 } else { 0.0 }))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<EventFlag, E> {
                Ok(EventFlag(v as f64))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<EventFlag, E> {
                Ok(EventFlag(v as f64))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<EventFlag, E> {
                Ok(EventFlag(v))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// One arm: each user's time (to conversion, or to the end of observation) and
/// whether they converted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct TimeToEventVariant {
    pub name: String,
    pub times: Vec<f64>,
    /// 1 / true = converted at `times[i]`, 0 / false = censored there.
    #[cfg_attr(feature = "tsify", tsify(type = "(0 | 1 | boolean)[]"))]
    pub events: Vec<EventFlag>,
}

strict!(TimeToEventVariant; Serialize);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct TimeToEventInput {
    /// At least 2, names unique.
    pub variants: Vec<TimeToEventVariant>,
    /// Default: the variant named like a control, else the first (`CONTROL_ASSUMED`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub control: Option<String>,
    #[serde(default = "default_alpha")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub alpha: f64,
    #[serde(default)]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub alternative: Alternative,
    /// tau of the restricted mean, in `unit`; default: the smallest over arms of
    /// each arm's largest observed time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub horizon: Option<f64>,
    #[serde(default)]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub unit: TimeUnit,
    /// Default false: converting sooner (a smaller restricted mean) is better.
    #[serde(default)]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub higher_is_better: bool,
}

strict!(TimeToEventInput; Serialize);

fn default_alpha() -> f64 {
    0.05
}

/// One point of a Kaplan-Meier curve: S just after `time` and its pointwise band.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct CurvePoint {
    pub time: f64,
    pub survival: f64,
    pub lower: f64,
    pub upper: f64,
    /// Users at risk just before `time`.
    pub at_risk: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct SurvivalArm {
    pub name: String,
    pub users: u64,
    /// Users who converted; the rest are censored (still waiting).
    pub events: u64,
    /// First time with S <= 0.5; `null` when the curve never gets there.
    pub median: Option<f64>,
    pub median_ci: Bound2,
    /// Restricted mean time to convert up to `horizon`.
    pub rmst: f64,
    /// Variance of the `rmst` estimate (survRM2's Greenwood plug-in).
    pub rmst_variance: f64,
    /// At most 200 points, time 0 first.
    pub curve: Vec<CurvePoint>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct TimeToEventComparison {
    pub variant: String,
    pub control: String,
    /// RMST(variant) - RMST(control), in `unit`.
    pub absolute_lift: f64,
    pub absolute_ci: Bound2,
    pub relative_lift: f64,
    /// Fieller interval of the RMST ratio; `[null, null]` with `RELATIVE_CI_UNBOUNDED`.
    pub relative_ci: Bound2,
    /// Of the RMST-difference z test (one-sided for one-sided alternatives).
    pub p_value: f64,
    pub significant: bool,
    pub verdict: Verdict,
    /// Evidence, always two-sided: lifelines `logrank_test`.
    pub log_rank_chi_square: f64,
    pub log_rank_p_value: f64,
    /// Hazard of the variant over the control's (Cox, Efron ties).
    pub hazard_ratio: f64,
    pub hazard_ratio_ci: [f64; 2],
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct TimeToEventResult {
    /// tau used for every RMST.
    pub horizon: f64,
    /// The unit of every time (as given; default days).
    pub unit: TimeUnit,
    pub variants: Vec<SurvivalArm>,
    /// Non-control variants in input order, each against the control.
    pub comparisons: Vec<TimeToEventComparison>,
    pub warnings: Vec<Warning>,
}

//! Inputs and outputs of event-level KPI definitions (SDK.md §4), mirroring the
//! JSON contract. The fields that use them live on `EvalConfig`, `KpiSpec`,
//! `KpiResult` and `Evaluation`.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::filter::Filter;
use crate::analyze::AnalyzeResult;
use crate::serde_embed::strict;

/// How a KPI turns a user's counted rows into one number (`aggregate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub enum Aggregate {
    /// 1 when a counted row has a non-zero value (or, without `column`, exists).
    Any,
    Sum,
    /// Counted rows.
    Count,
    /// Distinct trimmed, non-empty text values of `column`.
    Distinct,
    Max,
    Min,
}

/// Rows within `days × 24 + hours` hours after exposure (inclusive at exposure,
/// exclusive at the end).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct KpiWindow {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub days: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub hours: Option<f64>,
}

strict!(KpiWindow; Serialize);

/// Winsorizing from above: `{ value }` or `{ percentile }` (0-100, pooled over arms).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct Cap {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub value: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub percentile: Option<f64>,
}

strict!(Cap; Serialize);

/// `exposure`: a user's exposure is their first row matching `where` (default: first row).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct Exposure {
    #[serde(default, rename = "where", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub where_: Option<Filter>,
}

strict!(Exposure; Serialize);

/// A ratio's numerator or denominator: a column name (summed per user, as in
/// §3) or `{ column?, where?, aggregate? }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub enum RatioPart {
    Column(String),
    Part(RatioPartSpec),
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct RatioPartSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub column: Option<String>,
    #[serde(default, rename = "where", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub where_: Option<Filter>,
    /// Default: `sum` with a column, `count` without.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub aggregate: Option<Aggregate>,
}

strict!(RatioPartSpec; Serialize);

impl From<String> for RatioPart {
    fn from(s: String) -> Self {
        RatioPart::Column(s)
    }
}

impl From<&str> for RatioPart {
    fn from(s: &str) -> Self {
        RatioPart::Column(s.to_string())
    }
}

impl RatioPart {
    /// The plain column name of a §3 part.
    pub fn column_name(&self) -> Option<&str> {
        match self {
            RatioPart::Column(c) => Some(c),
            RatioPart::Part(_) => None,
        }
    }
}

/// A string or an object, without serde's untagged buffering (wasm size).
impl<'de> Deserialize<'de> for RatioPart {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PartVisitor;
        impl<'de> Visitor<'de> for PartVisitor {
            type Value = RatioPart;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a column name or { column?, where?, aggregate? }")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RatioPart, E> {
                Ok(RatioPart::Column(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RatioPart, A::Error> {
                RatioPartSpec::deserialize(de::value::MapAccessDeserializer::new(map)).map(RatioPart::Part)
            }
        }
        deserializer.deserialize_any(PartVisitor)
    }
}

/// One step of a funnel KPI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct FunnelStep {
    pub name: String,
    #[serde(rename = "where")]
    pub where_: Filter,
}

strict!(FunnelStep; Serialize);

/// One funnel step's result: the share of exposed users who reached it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct StepResult {
    pub name: String,
    pub result: AnalyzeResult,
    /// Diagnostic, per variant: users who reached this step / users who reached
    /// the previous one (absent for the first step, or when none reached the
    /// previous one). Not a comparison between arms (post-treatment populations).
    pub from_previous: Vec<StepRate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct StepRate {
    pub variant: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub rate: Option<f64>,
}

/// What the event-level rules left out, and why.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct DataQuality {
    /// Exposed users seen in more than one variant: left out of every arm.
    pub multi_variant_users: f64,
    /// Good rows of users not exposed yet (their exposure row comes later, or never).
    pub rows_before_exposure: f64,
    /// Rows that matched a windowed KPI but fell outside its window (once per row).
    pub rows_outside_window: f64,
    /// Users with rows but no exposure row: in no arm.
    pub users_without_exposure: f64,
    /// Users in the arms exposed less than the longest window before the data's last timestamp.
    pub users_window_open: f64,
    pub capped_values: Vec<CappedValue>,
    /// Rows with an unreadable timestamp (also in `rows.errors`).
    pub timestamp_errors: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct CappedValue {
    pub kpi: String,
    /// Which values: `value` (mean), `numerator` or `denominator` (ratio).
    pub part: String,
    pub cap: f64,
    /// Users whose value was strictly above the cap.
    pub users: f64,
}

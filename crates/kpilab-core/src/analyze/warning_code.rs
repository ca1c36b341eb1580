//! Every warning the engine gives, as one enum beside `ErrorCode`, serialized as
//! its SCREAMING_SNAKE_CASE name (a string union in the SDK's `.d.ts`).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub enum WarningCode {
    /// Users are not split between the variants as expected (sample ratio mismatch).
    Srm,
    /// Fewer than 30 users in a variant.
    LowSample,
    /// A proportion arm at 0 % or 100 %: its interval has no spread and is no evidence.
    DegenerateArm,
    /// A mean or ratio arm where every user has the same value.
    NoVariation,
    /// The control averages 0: no relative lift.
    ZeroControlMean,
    /// The control is too uncertain for a bounded relative interval.
    RelativeCiUnbounded,
    /// CUPED was asked for or possible but not applied.
    CupedSkipped,
    /// No variant is named like a control: the first is used.
    ControlAssumed,
    /// A tiny arm named within edit distance 2 of another (e.g. `contrl`).
    VariantLikelyTypo,
    /// Many segment values were analysed: some will look significant by chance.
    ManySegments,
    /// A user appears in more than one variant.
    UserInSeveralVariants,
    /// A segment value had too few users or arms to analyse.
    SegmentSkipped,
    /// The revenue projection uses a one-sided interval.
    RevenueImpactOneSided,
    /// Event level: users were exposed in more than one variant and left out.
    SampleContamination,
}

/// `w.code == "SRM"` reads as the JSON does.
impl PartialEq<&str> for WarningCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::WarningCode;

    #[test]
    fn as_str_is_the_serde_name() {
        for code in [
            WarningCode::Srm,
            WarningCode::LowSample,
            WarningCode::DegenerateArm,
            WarningCode::NoVariation,
            WarningCode::ZeroControlMean,
            WarningCode::RelativeCiUnbounded,
            WarningCode::CupedSkipped,
            WarningCode::ControlAssumed,
            WarningCode::VariantLikelyTypo,
            WarningCode::ManySegments,
            WarningCode::UserInSeveralVariants,
            WarningCode::SegmentSkipped,
            WarningCode::RevenueImpactOneSided,
            WarningCode::SampleContamination,
        ] {
            assert_eq!(serde_json::to_value(code).unwrap(), serde_json::json!(code.as_str()));
        }
    }
}

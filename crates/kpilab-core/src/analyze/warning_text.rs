//! Every warning's words, one function per situation, beside the codes
//! (`warning_code.rs`): what the user reads, in one place, so the texts stay
//! consistent and the computing code stays about numbers.

use super::types::Warning;
use super::warning_code::WarningCode;

fn warning(code: WarningCode, message: String) -> Warning {
    Warning { code, message }
}

fn quoted_list<S: AsRef<str>>(names: &[S]) -> String {
    names.iter().map(|n| format!("\"{}\"", n.as_ref())).collect::<Vec<_>>().join(", ")
}

/// Fewer users in an arm than the reliable minimum.
pub fn low_sample(variant: &str, users: f64, minimum: f64) -> Warning {
    warning(
        WarningCode::LowSample,
        format!("Variant \"{variant}\" has only {users} users; with fewer than {minimum} per variant the results are unreliable. Keep the test running."),
    )
}

pub fn cuped_not_a_mean() -> Warning {
    warning(
        WarningCode::CupedSkipped,
        "CUPED (variance reduction with pre-period data) only applies to mean metrics such as revenue per user, so it was not used.".into(),
    )
}

pub fn cuped_missing(variants: &[&str]) -> Warning {
    warning(
        WarningCode::CupedSkipped,
        format!(
            "CUPED was not applied because pre-period data is missing for {}; results are correct but less precise.",
            quoted_list(variants)
        ),
    )
}

pub fn cuped_constant_covariate() -> Warning {
    warning(
        WarningCode::CupedSkipped,
        "CUPED was not applied because the pre-period value is the same for every user, so it cannot explain any variation.".into(),
    )
}

/// A proportion arm at 0 % (`all_converted` false) or 100 %.
pub fn degenerate_arm(variant: &str, all_converted: bool) -> Warning {
    let what = if all_converted { "converted every user (100 %)" } else { "has no conversions (0 %)" };
    warning(
        WarningCode::DegenerateArm,
        format!("Variant \"{variant}\" {what}, so the normal approximation has no spread to work with: its interval is not evidence. Collect more data."),
    )
}

pub fn no_variation(variant: &str) -> Warning {
    warning(
        WarningCode::NoVariation,
        format!("Variant \"{variant}\" shows the same value for every user, so its uncertainty cannot be estimated and intervals may look too narrow. Collect more data."),
    )
}

pub fn zero_control_mean(control: &str) -> Warning {
    warning(
        WarningCode::ZeroControlMean,
        format!("The control \"{control}\" averages 0, so a relative (percent) lift cannot be computed; use the absolute lift."),
    )
}

pub fn relative_ci_unbounded(control: &str, variants: &[&str]) -> Warning {
    warning(
        WarningCode::RelativeCiUnbounded,
        format!(
            "The control \"{control}\" is measured too imprecisely for a bounded percent interval ({}): its own interval reaches 0, so any relative lift fits the data. Use the absolute lift and its interval, or collect more data.",
            quoted_list(variants)
        ),
    )
}

/// Time to convert: the control's restricted mean time too uncertain for a ratio.
pub fn relative_rmst_unbounded(variant: &str) -> Warning {
    warning(
        WarningCode::RelativeCiUnbounded,
        format!("The control's restricted mean time is too uncertain for a bounded relative interval for \"{variant}\"; read the absolute difference instead."),
    )
}

/// Sample ratio mismatch; `observed`/`expected` are the shares as text.
pub fn srm(counts: &[String], observed: &[String], expected: &[String], variants: &[&str], p: f64) -> Warning {
    let p_text = if p < 1e-4 { "p < 0.0001".to_string() } else { format!("p = {p:.4}") };
    warning(
        WarningCode::Srm,
        format!(
            "Sample ratio mismatch: users split {} ({}) across {} but {} was expected ({p_text}). \
             Assignment or tracking is probably broken, so these results may be biased; fix the cause before deciding.",
            counts.join(" / "),
            observed.join(" / "),
            quoted_list(variants),
            expected.join(" / "),
        ),
    )
}

pub fn control_assumed(name: &str, field: &str) -> Warning {
    warning(
        WarningCode::ControlAssumed,
        format!(
            "No variant is named like a control (control, baseline, original, default, A, 0, v0, off, false), \
             so the first one, \"{name}\", was used as the control. If that is wrong, set `{field}` to the control's name."
        ),
    )
}

pub fn many_segments(comparisons: usize, segments: usize, treatments: usize, alpha: f64) -> Warning {
    warning(
        WarningCode::ManySegments,
        format!(
            "{comparisons} segment comparisons ({segments} segments × {treatments} treatments): at alpha = {alpha} about {:.1} per KPI will look significant by chance alone; treat segment results as exploratory or confirm them in a follow-up test",
            comparisons as f64 * alpha
        ),
    )
}

pub fn user_in_several_variants(rows: u64) -> Warning {
    warning(
        WarningCode::UserInSeveralVariants,
        format!("{rows} rows name a different variant than their user's first row; those rows were counted for the first row's variant (check the assignment)"),
    )
}

pub fn sample_contamination(users: f64) -> Warning {
    let who = if users == 1.0 { "1 user was".to_string() } else { format!("{users} users were") };
    warning(
        WarningCode::SampleContamination,
        format!("{who} exposed in one variant and later seen in another; they are left out of every arm (check the assignment: a user must stay in one variant)"),
    )
}

pub fn segment_skipped(column: &str, value: &str, kpi: &str, why: &str) -> Warning {
    warning(WarningCode::SegmentSkipped, format!("segment {column} = \"{value}\" left out: KPI \"{kpi}\": {why}"))
}

pub fn revenue_impact_one_sided(kpi: &str) -> Warning {
    warning(
        WarningCode::RevenueImpactOneSided,
        format!("no revenue projection for \"{kpi}\": a one-sided test has an unbounded interval"),
    )
}

/// `keep`: the other arms' names, quoted, for the `analysis.variants` example.
pub fn variant_likely_typo(variant: &str, users: f64, close_to: &str, keep: &[&str]) -> Warning {
    warning(
        WarningCode::VariantLikelyTypo,
        format!(
            "variant \"{variant}\" has only {users} users (under 1 % of the largest arm) and its name is close to \"{close_to}\": \
             probably a typo in the data. Fix those rows, or evaluate only the real arms with \
             analysis.variants, e.g. [{}].",
            quoted_list(keep)
        ),
    )
}

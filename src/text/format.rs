//! How numbers and plan settings are written for people: "2,000", "10 %",
//! "+10 % lift", and the one sentence a marketer pastes into a ticket. Every
//! percent on the page is written by `percent`.

use kpilab_core::common::Alternative;
use kpilab_core::plan::{MdeType, PlanCorrection, PlanInput, PlanMethod, PlanMetric};

use crate::models::plan_file::PlanFile;

/// "29502" -> "29,502"; non-finite -> "—".
pub fn group_thousands(x: f64) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 && digits != "0" {
        out.insert(0, '-');
    }
    out
}

/// A number with at most `decimals` decimals and no trailing zeros: 0.050 -> "0.05".
pub fn trimmed(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    let s = format!("{x:.decimals$}");
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

/// Plain value as typed in a plan (alpha 0.05).
pub fn plain(x: f64) -> String {
    trimmed(x, 6)
}

/// The ways the app writes a share as a percent; `percent` writes them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PercentStyle {
    /// "5 %", "5.36 %", "12.5 %": two decimals below 10 %, else one, no trailing zeros.
    Share,
    /// A planned change, always signed with a typographic minus: "+10 %", "−5 %".
    Change,
    /// An observed lift, ASCII sign and exactly one decimal: "+6.0 %", "-2.5 %".
    Lift,
    /// A chart tick: "+5 %", "0 %", "-2.5 %", one decimal at most, a plain space.
    Axis,
}

/// A share as a percent, 0.05 -> "5 %" (see `PercentStyle`); non-finite -> "—".
/// A no-break space keeps "10 %" together when a sentence wraps.
pub fn percent(x: f64, style: PercentStyle) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    let magnitude = x.abs();
    let digits = match style {
        PercentStyle::Share | PercentStyle::Change => {
            percent_number(magnitude, if magnitude * 100.0 < 10.0 { 2 } else { 1 })
        }
        PercentStyle::Lift => format!("{:.1}", magnitude * 100.0),
        PercentStyle::Axis => percent_number(magnitude, 1),
    };
    let sign = match style {
        PercentStyle::Share if x < 0.0 && digits != "0" => "-",
        PercentStyle::Share => "",
        PercentStyle::Change if x < 0.0 => "−",
        PercentStyle::Change => "+",
        PercentStyle::Lift if x < 0.0 => "-",
        PercentStyle::Lift => "+",
        PercentStyle::Axis if digits == "0" => "",
        PercentStyle::Axis if x < 0.0 => "-",
        PercentStyle::Axis => "+",
    };
    let space = if style == PercentStyle::Axis { ' ' } else { '\u{a0}' };
    format!("{sign}{digits}{space}%")
}

/// A share as a number of percent (or percentage points), no unit and at most
/// `decimals` decimals: 0.02 -> "2", 0.0125 -> "1.25".
pub fn percent_number(x: f64, decimals: usize) -> String {
    trimmed(x * 100.0, decimals)
}

/// A value in the metric's unit: a rate as a percent, a mean as a number.
pub fn metric_value(plan: &PlanInput, x: f64) -> String {
    match plan.metric {
        PlanMetric::Proportion { .. } | PlanMetric::TimeToEvent { .. } => percent(x, PercentStyle::Share),
        PlanMetric::Mean { .. } => trimmed(x, 3),
    }
}

fn baseline_value(plan: &PlanInput) -> f64 {
    match plan.metric {
        PlanMetric::Proportion { baseline } => baseline,
        PlanMetric::Mean { mean, .. } => mean,
        PlanMetric::TimeToEvent { control_event_rate, .. } => control_event_rate,
    }
}

/// "5 %" for a rate, "50 (standard deviation 30)" for a mean.
pub fn baseline_phrase(plan: &PlanInput) -> String {
    match plan.metric {
        PlanMetric::Proportion { baseline } => percent(baseline, PercentStyle::Share),
        PlanMetric::Mean { mean, std_dev } => {
            format!("{} (standard deviation {})", trimmed(mean, 3), trimmed(std_dev, 3))
        }
        PlanMetric::TimeToEvent { control_event_rate, hazard_ratio } => format!(
            "{} converting (hazard ratio {})",
            percent(control_event_rate, PercentStyle::Share),
            trimmed(hazard_ratio, 3)
        ),
    }
}

/// The planned effect relative to the baseline (mde may be absolute).
fn relative_effect(plan: &PlanInput) -> f64 {
    let mde = plan.mde.unwrap_or(0.0);
    match plan.mde_type {
        MdeType::Relative => mde,
        MdeType::Absolute => mde / baseline_value(plan),
    }
}

/// "+10 % lift" / "−5 % drop" / "+1 percentage point lift".
pub fn lift_phrase(plan: &PlanInput) -> String {
    let mde = plan.mde.unwrap_or(0.0);
    let word = if mde < 0.0 { "drop" } else { "lift" };
    match (plan.mde_type, plan.metric) {
        // A time-to-event plan's effect is its hazard ratio (no mde).
        (_, PlanMetric::TimeToEvent { hazard_ratio, .. }) => format!("hazard ratio of {}", trimmed(hazard_ratio, 3)),
        (MdeType::Relative, _) => format!("{} {word}", percent(mde, PercentStyle::Change)),
        (MdeType::Absolute, PlanMetric::Proportion { .. }) => {
            let unit = if (mde.abs() * 100.0 - 1.0).abs() < 1e-12 { "percentage point" } else { "percentage points" };
            format!("{}{} {unit} {word}", sign(mde), percent_number(mde.abs(), 3))
        }
        (MdeType::Absolute, PlanMetric::Mean { .. }) => {
            let change = percent(relative_effect(plan), PercentStyle::Change);
            format!("{}{} {word} ({change})", sign(mde), trimmed(mde.abs(), 3))
        }
    }
}

/// "+10 % relative (5 % → 5.5 %)".
pub fn effect_phrase(plan: &PlanInput) -> String {
    let base = baseline_value(plan);
    let target = base * (1.0 + relative_effect(plan));
    format!("{} ({} → {})", lift_phrase(plan), metric_value(plan, base), metric_value(plan, target))
}

pub fn alternative_phrase(a: Alternative) -> &'static str {
    match a {
        Alternative::TwoSided => "two-sided",
        Alternative::Greater => "one-sided, variant better",
        Alternative::Less => "one-sided, variant worse",
    }
}

pub fn correction_phrase(plan: &PlanInput) -> String {
    match plan.correction {
        PlanCorrection::None => "no multiple-comparison correction".into(),
        PlanCorrection::Bonferroni => {
            let comparisons = plan.variants.saturating_sub(1).max(1);
            format!(
                "Bonferroni over {comparisons} comparison{} (α = {} each)",
                if comparisons == 1 { "" } else { "s" },
                plain(plan.alpha / comparisons as f64)
            )
        }
    }
}

pub fn method_phrase(m: PlanMethod) -> &'static str {
    match m {
        PlanMethod::Pooled => "pooled (normal approximation)",
        PlanMethod::Unpooled => "unpooled",
        PlanMethod::EvanMiller => "Evan Miller",
        PlanMethod::Arcsine => "arcsine (Cohen's h)",
        PlanMethod::T => "Student t",
    }
}

/// "50 / 50" as shares of the traffic, control first.
pub fn allocation_phrase(plan: &PlanInput) -> String {
    let arms = plan.variants.max(1) as usize;
    let weights = plan.allocation.clone().unwrap_or_else(|| vec![1.0; arms]);
    let sum: f64 = weights.iter().sum();
    if weights.is_empty() || sum <= 0.0 {
        return "equal".into();
    }
    weights.iter().map(|w| percent(w / sum, PercentStyle::Share)).collect::<Vec<_>>().join(" / ")
}

/// "1 week" / "3 weeks".
pub fn weeks(n: f64) -> String {
    format!("{} week{}", group_thousands(n), if n == 1.0 { "" } else { "s" })
}

/// The sentence for a ticket: "With 2,000 users a day, you need 3 weeks to detect a
/// +10 % lift in a 5 % conversion rate, 80 % of the time."
pub fn ticket_sentence(
    plan: &PlanInput,
    kpi_name: &str,
    daily_users: f64,
    traffic_fraction: f64,
    weeks_needed: f64,
) -> String {
    let traffic = if traffic_fraction < 1.0 {
        format!(
            "With {} users a day ({} of them in the test)",
            group_thousands(daily_users),
            percent(traffic_fraction, PercentStyle::Share)
        )
    } else {
        format!("With {} users a day", group_thousands(daily_users))
    };
    let kpi = match plan.metric {
        PlanMetric::Proportion { baseline } => format!("a {} {kpi_name}", percent(baseline, PercentStyle::Share)),
        PlanMetric::Mean { mean, .. } => format!("{kpi_name} (now {})", trimmed(mean, 3)),
        PlanMetric::TimeToEvent { control_event_rate, .. } => {
            format!("{kpi_name} ({} converting now)", percent(control_event_rate, PercentStyle::Share))
        }
    };
    let arms = if plan.variants > 2 {
        format!(" for each of {} variants against control", plan.variants - 1)
    } else {
        String::new()
    };
    format!(
        "{traffic}, you need {} to detect a {} in {kpi}{arms}, {} of the time.",
        weeks(weeks_needed),
        lift_phrase(plan),
        percent(plan.power, PercentStyle::Share)
    )
}

/// A p-value as a plain number with 4 significant digits: "0.0002334", "0.5", "3.1e-9".
pub fn p_value(p: f64) -> String {
    if !p.is_finite() {
        return "—".into();
    }
    if p > 0.0 && p < 1e-6 {
        return format!("{p:.1e}");
    }
    let decimals = if p > 0.0 { (3 - p.log10().floor() as i32).clamp(0, 10) as usize } else { 4 };
    trimmed(p, decimals)
}

/// The sign of a planned change in prose: "+" or the typographic "−".
pub fn sign(x: f64) -> &'static str {
    if x < 0.0 {
        "−"
    } else {
        "+"
    }
}

/// A file size or an amount read: 1_500_000 bytes -> "1.5 MB".
pub fn megabytes(bytes: f64) -> String {
    format!("{:.1} MB", bytes / 1e6)
}

/// What loading a plan file into the Evaluate form did.
pub fn plan_loaded_note(plan: &PlanFile) -> String {
    format!(
        "Loaded the plan: primary KPI \"{}\", {} guardrail{}, {} users per variant planned.",
        plan.primary_kpi.name,
        plan.guardrails.len(),
        if plan.guardrails.len() == 1 { "" } else { "s" },
        group_thousands(plan.users_per_variant.first().copied().unwrap_or(f64::NAN)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(json: &str) -> PlanInput {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn thousands() {
        assert_eq!(group_thousands(29502.0), "29,502");
        assert_eq!(group_thousands(999.0), "999");
        assert_eq!(group_thousands(1_234_567.0), "1,234,567");
        assert_eq!(group_thousands(f64::NAN), "—");
    }

    /// The tests read more easily with plain spaces.
    fn spaced(s: String) -> String {
        s.replace('\u{a0}', " ")
    }

    #[test]
    fn percents() {
        assert_eq!(spaced(percent(0.05, PercentStyle::Share)), "5 %");
        assert_eq!(spaced(percent(0.055, PercentStyle::Share)), "5.5 %");
        assert_eq!(spaced(percent(0.8, PercentStyle::Share)), "80 %");
        assert_eq!(spaced(percent(-0.1, PercentStyle::Change)), "−10 %");
    }

    #[test]
    fn the_issue_sentence() {
        let p = plan(r#"{"metric":{"kind":"proportion","baseline":0.05},"mde":0.1}"#);
        assert_eq!(
            spaced(ticket_sentence(&p, "conversion rate", 2000.0, 1.0, 3.0)),
            "With 2,000 users a day, you need 3 weeks to detect a +10 % lift in a 5 % conversion rate, 80 % of the time."
        );
    }

    #[test]
    fn p_values_and_lifts() {
        assert_eq!(p_value(0.00023341990262880287), "0.0002334");
        assert_eq!(p_value(0.5), "0.5");
        assert_eq!(p_value(0.054164), "0.05416");
        assert_eq!(p_value(3.14e-9), "3.1e-9");
        assert_eq!(spaced(percent(0.06, PercentStyle::Lift)), "+6.0 %");
        assert_eq!(spaced(percent(-0.0251, PercentStyle::Lift)), "-2.5 %");
    }

    #[test]
    fn effects() {
        let p = plan(r#"{"metric":{"kind":"proportion","baseline":0.05},"mde":0.01,"mdeType":"absolute"}"#);
        assert_eq!(spaced(effect_phrase(&p)), "+1 percentage point lift (5 % → 6 %)");
    }
}

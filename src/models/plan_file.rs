//! The test plan as a file: the JSON schema the Evaluate view loads, and the
//! Markdown a marketer pastes into a ticket. Both are built from numbers the core
//! computed; nothing here does statistics.

use kpilab_core::evaluate::KpiKind;
use kpilab_core::plan::{DurationPlan, PlanInput};
use serde::{Deserialize, Serialize};

use crate::text::format::{self, effect_phrase, group_thousands, PercentStyle};

/// Schema version written in every plan file.
pub const PLAN_FILE_VERSION: u32 = 1;

/// `kpilab-plan.json`, version 1:
///
/// ```json
/// { "version": 1,
///   "plan": { "metric": {"kind": "proportion", "baseline": 0.05}, "mde": 0.1, "mdeType": "relative",
///             "alpha": 0.05, "power": 0.8, "alternative": "two-sided", "variants": 2,
///             "correction": "none", "method": "pooled" },
///   "dailyUsers": 2000, "trafficFraction": 1,
///   "usersPerVariant": [31234, 31234], "days": 32,
///   "hypothesis": "…",
///   "primaryKpi": {"name": "conversion rate", "kind": "conversion", "column": "converted"},
///   "guardrails": [{"name": "bounce rate", "kind": "conversion", "higherIsBetter": false,
///                   "nonInferiorityMargin": 0.02}],
///   "actions": {"win": "…", "loss": "…", "inconclusive": "…"} }
/// ```
/// `plan` is the SDK's `PlanInput`, KPI kinds are the core's `KpiKind`; `usersPerVariant` is per arm, control first;
/// a guardrail's `nonInferiorityMargin` is relative (0.02 = 2 %) or null.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanFile {
    pub version: u32,
    pub plan: PlanInput,
    pub daily_users: f64,
    pub traffic_fraction: f64,
    pub users_per_variant: Vec<f64>,
    pub days: f64,
    pub hypothesis: String,
    pub primary_kpi: PrimaryKpi,
    pub guardrails: Vec<Guardrail>,
    pub actions: Actions,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrimaryKpi {
    pub name: String,
    pub kind: KpiKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
}

/// A KPI that must not get worse; `margin` is relative (0.02 = may drop 2 %).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Guardrail {
    pub name: String,
    pub kind: KpiKind,
    pub higher_is_better: bool,
    #[serde(default)]
    pub non_inferiority_margin: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Actions {
    pub win: String,
    pub loss: String,
    pub inconclusive: String,
}

impl PlanFile {
    pub fn to_json(&self) -> String {
        // Serializing plain data with finite numbers cannot fail; fall back to "{}" anyway
        // rather than panic (a panic kills the wasm module).
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".into())
    }

    /// For the Evaluate view: reads a plan file, refusing other versions.
    pub fn from_json(text: &str) -> Result<PlanFile, String> {
        let file: PlanFile = serde_json::from_str(text).map_err(|e| format!("Not a kpilab plan file: {e}"))?;
        if file.version != PLAN_FILE_VERSION {
            return Err(format!("Plan file version {} is not supported (expected {PLAN_FILE_VERSION}).", file.version));
        }
        Ok(file)
    }

    /// The plan card as Markdown, for a ticket or a wiki page.
    pub fn to_markdown(&self, duration: &DurationPlan) -> String {
        let plan = &self.plan;
        let arms = plan.variants.max(1) as usize;
        let mut md = String::new();
        md.push_str("# A/B test plan\n\n");
        md.push_str(&format!("**Hypothesis:** {}\n\n", or_dash(&self.hypothesis)));

        let column = self.primary_kpi.column.as_deref().map(|c| format!(", column `{c}`")).unwrap_or_default();
        md.push_str(&format!(
            "**Primary KPI:** {} ({}{column}) — baseline {}, detect {}\n\n",
            or_dash(&self.primary_kpi.name),
            self.primary_kpi.kind.as_str(),
            format::baseline_phrase(plan),
            effect_phrase(plan),
        ));

        md.push_str("## Design\n\n");
        md.push_str(&format!("- Arms: {arms} (control + {})\n", arms.saturating_sub(1)));
        md.push_str(&format!("- Allocation: {}\n", format::allocation_phrase(plan)));
        md.push_str(&format!(
            "- Significance: α = {} ({}), {}\n",
            format::plain(plan.alpha),
            format::alternative_phrase(plan.alternative),
            format::correction_phrase(plan)
        ));
        md.push_str(&format!("- Power: {}\n", format::percent(plan.power, PercentStyle::Share)));
        md.push_str(&format!("- Method: {}\n", format::method_phrase(plan.method)));
        md.push_str(&format!(
            "- Users per variant: {} (control first); {} in total\n",
            self.users_per_variant.iter().map(|n| group_thousands(*n)).collect::<Vec<_>>().join(" / "),
            group_thousands(duration.total_users),
        ));
        md.push_str(&format!(
            "- Duration: {} days → run {} whole week{} at {} users/day, {} of them in the test\n\n",
            group_thousands(duration.days),
            group_thousands(duration.weeks),
            if duration.weeks == 1.0 { "" } else { "s" },
            group_thousands(self.daily_users),
            format::percent(self.traffic_fraction, PercentStyle::Share),
        ));

        md.push_str("## Guardrails\n\n");
        if self.guardrails.is_empty() {
            md.push_str("None.\n\n");
        } else {
            md.push_str("| KPI | Kind | Better when | Non-inferiority margin |\n|---|---|---|---|\n");
            for g in &self.guardrails {
                md.push_str(&format!(
                    "| {} | {} | {} | {} |\n",
                    or_dash(&g.name).replace('|', "\\|"),
                    g.kind.as_str(),
                    if g.higher_is_better { "higher" } else { "lower" },
                    g.non_inferiority_margin
                        .map(|m| format::percent(m, PercentStyle::Share))
                        .unwrap_or_else(|| "none (must not be significantly worse)".into()),
                ));
            }
            md.push('\n');
        }

        md.push_str("## Decision\n\n");
        md.push_str(&format!("- **Win:** {}\n", or_dash(&self.actions.win)));
        md.push_str(&format!("- **Loss:** {}\n", or_dash(&self.actions.loss)));
        md.push_str(&format!("- **Inconclusive:** {}\n", or_dash(&self.actions.inconclusive)));
        md
    }
}

fn or_dash(s: &str) -> &str {
    if s.trim().is_empty() {
        "—"
    } else {
        s.trim()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kpilab_core::plan::PlanMetric;

    fn sample() -> PlanFile {
        PlanFile {
            version: 1,
            plan: serde_json::from_str(r#"{"metric":{"kind":"proportion","baseline":0.05},"mde":0.1}"#).unwrap(),
            daily_users: 2000.0,
            traffic_fraction: 1.0,
            users_per_variant: vec![31234.0, 31234.0],
            days: 32.0,
            hypothesis: "Shorter checkout raises conversion".into(),
            primary_kpi: PrimaryKpi { name: "conversion rate".into(), kind: KpiKind::Conversion, column: None },
            guardrails: vec![Guardrail {
                name: "bounce rate".into(),
                kind: KpiKind::Conversion,
                higher_is_better: false,
                non_inferiority_margin: Some(0.02),
            }],
            actions: Actions { win: "ship".into(), loss: "roll back".into(), inconclusive: "keep old".into() },
        }
    }

    #[test]
    fn json_uses_the_documented_keys_and_round_trips() {
        let file = sample();
        let json = file.to_json();
        for key in [
            "\"version\": 1",
            "\"dailyUsers\"",
            "\"trafficFraction\"",
            "\"usersPerVariant\"",
            "\"primaryKpi\"",
            "\"higherIsBetter\"",
            "\"nonInferiorityMargin\"",
            "\"inconclusive\"",
        ] {
            assert!(json.contains(key), "{key} missing in {json}");
        }
        let back = PlanFile::from_json(&json).unwrap();
        assert_eq!(back, file);
        assert!(matches!(back.plan.metric, PlanMetric::Proportion { .. }));
    }

    #[test]
    fn other_versions_are_refused() {
        let json = sample().to_json().replace("\"version\": 1", "\"version\": 2");
        assert!(PlanFile::from_json(&json).is_err());
    }
}

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

/// Guardrails beyond which a plan gets the gentle focus warning.
pub const MAX_GUARDRAILS: usize = 3;

impl PlanFile {
    /// The KPI names decided before the test: the primary, then the guardrails.
    pub fn kpi_names(&self) -> Vec<&str> {
        std::iter::once(self.primary_kpi.name.trim()).chain(self.guardrails.iter().map(|g| g.name.trim())).collect()
    }

    /// Whether the KPI named `name` was decided in this plan (names compared trimmed).
    pub fn has_kpi(&self, name: &str) -> bool {
        self.kpi_names().contains(&name.trim())
    }

    /// The gentle warning for a plan that watches too much at once (playbooks: 1
    /// primary, 2–4 supporting, 1–3 guardrails), with `primaries` primary KPIs
    /// (the file has one; the Evaluate form may have more); None when focused.
    pub fn focus_warning(&self, primaries: usize) -> Option<String> {
        let mut parts = Vec::new();
        if primaries > 1 {
            parts.push(format!("{primaries} primary KPIs"));
        }
        if self.guardrails.len() > MAX_GUARDRAILS {
            parts.push(format!("{} guardrails", self.guardrails.len()));
        }
        (!parts.is_empty()).then(|| {
            format!(
                "This test watches {}. Each extra KPI is one more chance of a false alarm; playbooks suggest focusing on 1 primary KPI, 2–4 supporting ones and 1–3 guardrails.",
                parts.join(" and ")
            )
        })
    }

    /// Days still needed until every arm has its planned users, at the plan's daily
    /// traffic (`dailyUsers × trafficFraction`, split as the planned sizes are);
    /// `observed` is per arm, control first. None when the plan has no traffic or the
    /// arms do not match; 0 when every arm is there.
    pub fn days_left(&self, observed: &[f64]) -> Option<f64> {
        let per_day = self.daily_users * self.traffic_fraction;
        let planned_total: f64 = self.users_per_variant.iter().sum();
        if !(per_day > 0.0 && planned_total > 0.0) || observed.len() != self.users_per_variant.len() {
            return None;
        }
        // Each arm fills at its planned share of the daily users; the slowest sets the pace.
        let days = self
            .users_per_variant
            .iter()
            .zip(observed)
            .map(|(planned, seen)| (planned - seen).max(0.0) / (per_day * planned / planned_total))
            .fold(0.0, f64::max);
        days.is_finite().then(|| days.ceil())
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
    fn kpis_of_the_plan_and_days_left() {
        let file = sample();
        assert_eq!(file.kpi_names(), ["conversion rate", "bounce rate"]);
        assert!(file.has_kpi(" bounce rate") && !file.has_kpi("revenue"));
        // 2,000 a day, 1,000 per arm: the control lacks 31,234 − 25,000 = 6,234 users → 6.234 days.
        assert_eq!(file.days_left(&[25_000.0, 30_000.0]), Some(7.0));
        assert_eq!(file.days_left(&[40_000.0, 31_234.0]), Some(0.0));
        assert_eq!(file.days_left(&[1.0]), None, "arms do not match");
        let half = PlanFile { traffic_fraction: 0.5, ..sample() };
        assert_eq!(half.days_left(&[25_000.0, 30_000.0]), Some(13.0));
    }

    #[test]
    fn a_plan_with_too_many_kpis_gets_a_gentle_warning() {
        let mut file = sample();
        assert_eq!(file.focus_warning(1), None);
        assert!(file.focus_warning(2).unwrap().starts_with("This test watches 2 primary KPIs."));
        file.guardrails = vec![file.guardrails[0].clone(); 4];
        let warning = file.focus_warning(1).unwrap();
        assert!(warning.contains("4 guardrails") && warning.contains("1–3 guardrails"), "{warning}");
    }

    #[test]
    fn other_versions_are_refused() {
        let json = sample().to_json().replace("\"version\": 1", "\"version\": 2");
        assert!(PlanFile::from_json(&json).is_err());
    }
}

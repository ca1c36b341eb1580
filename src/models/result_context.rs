//! What a result page needs besides the `Evaluation`: the settings it was run
//! with (to say every adjustment in words), each KPI's kind, and the loaded plan
//! with the KPIs that were not in it. Pure, tested natively.

use std::rc::Rc;

use kpilab_core::evaluate::{EvalConfig, KpiKind, KpiRole, KpiSpec};

use crate::models::plan_file::PlanFile;

#[derive(Debug, Clone, PartialEq)]
pub struct ResultContext {
    /// The configuration as evaluated (after `hold_to_plan`).
    pub config: EvalConfig,
    pub plan: Option<Rc<PlanFile>>,
    /// KPIs not in the loaded plan: evaluated as secondary, shown as exploratory.
    pub exploratory: Vec<String>,
    /// Days the test has run so far, as typed (for days left at the observed traffic).
    pub days_run: Option<f64>,
}

impl ResultContext {
    /// The configuration to evaluate and its context. With a plan loaded, KPIs
    /// decided before the test keep their roles; any other KPI was added after
    /// the plan, so it becomes secondary (reported, never deciding ship or
    /// do-not-ship) and is marked exploratory. The plan's size is used when none is typed.
    pub fn prepare(mut config: EvalConfig, plan: Option<Rc<PlanFile>>) -> ResultContext {
        let mut exploratory = Vec::new();
        if let Some(plan) = &plan {
            // The plan knows the size even when none is typed: keep-running and days left work.
            let analysis = &mut config.analysis;
            if analysis.planned_users_per_variant.is_none() {
                analysis.planned_users_per_variant = plan.users_per_variant.first().copied().filter(|n| *n > 0.0);
            }
            for kpi in config.kpis.iter_mut().filter(|k| !plan.has_kpi(&k.name)) {
                kpi.role = KpiRole::Secondary;
                kpi.non_inferiority_margin = None;
                exploratory.push(kpi.name.clone());
            }
        }
        ResultContext { config, plan, exploratory, days_run: None }
    }

    /// A context for results that have no file or plan (per-variant totals).
    pub fn of_config(config: EvalConfig) -> ResultContext {
        ResultContext { config, plan: None, exploratory: Vec::new(), days_run: None }
    }

    /// The same context with the days the test has run so far.
    pub fn with_days_run(self, days_run: Option<f64>) -> ResultContext {
        ResultContext { days_run, ..self }
    }

    pub fn spec(&self, name: &str) -> Option<&KpiSpec> {
        self.config.kpis.iter().find(|k| k.name.trim() == name.trim())
    }

    pub fn kind_of(&self, name: &str) -> Option<KpiKind> {
        self.spec(name).map(|k| k.kind)
    }

    pub fn is_exploratory(&self, name: &str) -> bool {
        self.exploratory.iter().any(|n| n == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> PlanFile {
        let json = r#"{"version":1,"plan":{"metric":{"kind":"proportion","baseline":0.1},"mde":0.05},
            "dailyUsers":1000,"trafficFraction":1,"usersPerVariant":[100,100],"days":1,"hypothesis":"",
            "primaryKpi":{"name":"checkout conversion","kind":"conversion"},
            "guardrails":[{"name":"revenue per user","kind":"mean","higherIsBetter":true,"nonInferiorityMargin":0.05}],
            "actions":{"win":"","loss":"","inconclusive":""}}"#;
        PlanFile::from_json(json).unwrap()
    }

    fn config() -> EvalConfig {
        let kpi = |name: &str, role, kind| KpiSpec { column: Some("c".into()), ..KpiSpec::new(name, role, kind) };
        let mut late = kpi("average order value", KpiRole::Guardrail, KpiKind::Mean);
        late.non_inferiority_margin = Some(0.1);
        EvalConfig::new(
            "variant",
            vec![
                kpi("checkout conversion", KpiRole::Primary, KpiKind::Conversion),
                kpi("revenue per user", KpiRole::Guardrail, KpiKind::Mean),
                late,
                kpi("bounce", KpiRole::Primary, KpiKind::Conversion),
            ],
        )
    }

    #[test]
    fn kpis_added_after_the_plan_cannot_decide() {
        let ctx = ResultContext::prepare(config(), Some(Rc::new(plan())));
        assert_eq!(ctx.exploratory, ["average order value", "bounce"]);
        let roles: Vec<KpiRole> = ctx.config.kpis.iter().map(|k| k.role).collect();
        assert_eq!(roles, [KpiRole::Primary, KpiRole::Guardrail, KpiRole::Secondary, KpiRole::Secondary]);
        assert_eq!(ctx.config.kpis[2].non_inferiority_margin, None);
        assert!(ctx.is_exploratory("bounce") && !ctx.is_exploratory("revenue per user"));
        assert_eq!(ctx.kind_of("revenue per user"), Some(KpiKind::Mean));
        assert_eq!(ctx.config.analysis.planned_users_per_variant, Some(100.0), "the plan's size");
    }

    #[test]
    fn without_a_plan_nothing_changes() {
        let ctx = ResultContext::prepare(config(), None);
        assert!(ctx.exploratory.is_empty());
        assert_eq!(ctx.config, config());
    }
}

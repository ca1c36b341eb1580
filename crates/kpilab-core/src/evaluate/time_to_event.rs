//! Time-to-event KPIs in the CSV evaluator (SDK.md §5): per user a duration
//! and a 0/1 event (converted, or censored = still waiting), collected per
//! arm and group as counts of events and censorings per distinct time
//! (`SurvivalCounts`), so memory is bounded by the distinct times, never by
//! the rows. The statistics are `survival::analyze_survival`'s; this file also
//! puts its RMST comparison into `analyze`'s result shape, so the decision
//! rule of §3 reads a time-to-event KPI like any other.
//!
//! Per user (§3 rows): `column` is the duration in `unit`, `eventColumn` the
//! 0/1 flag (with `userColumn` both are summed per user like every §3 column,
//! so give one row per user). Event level (§4 rows): the duration is the first
//! row matching `where` (in file order, at or after exposure and inside
//! `window`) minus the exposure; a user without one is censored at the end of
//! their observation: the data's largest timestamp, or the end of `window`
//! when that comes first (see `events.rs` and `event_plan.rs`).

use std::collections::HashMap;

use super::types::{EvalConfig, KpiKind, KpiSpec};
use crate::analyze::{srm, AnalysisOptions, AnalyzeInput, AnalyzeResult, ArmSummary, Comparison, Srm};
use crate::error::{KpilabError, Result};
use crate::special::normal::normal_isf;
use crate::survival::{
    analyze_survival, SurvivalArmInput, SurvivalCounts, SurvivalOptions, TimeToEventResult, TimeUnit,
};
use crate::validate;

/// One time-to-event KPI's value slots (per-user duration and 0/1 event).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Slots {
    kpi: usize,
    time: usize,
    event: usize,
}

/// Counts per time of every time-to-event KPI, per `(group, variant)`.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct SurvivalAcc {
    slots: Vec<Slots>,
    /// Per `(group, variant)`: one `SurvivalCounts` per entry of `slots`.
    cells: HashMap<(u32, u32), Vec<SurvivalCounts>>,
    /// The first negative or non-finite duration: `(slot entry, value)`.
    bad: Option<(usize, f64)>,
    /// The group of each segment, in `Prepared::segments` order (set by `prepare`).
    pub segment_groups: Vec<u32>,
}

impl SurvivalAcc {
    /// `kpi` reads its duration from value slot `time` and its event from `event`.
    pub fn track(&mut self, kpi: usize, time: usize, event: usize) {
        self.slots.push(Slots { kpi, time, event });
    }

    /// One user (or one row without `userColumn`) of `variant` in every group of `groups`.
    #[inline]
    pub fn add(&mut self, variant: u32, groups: &[u32], values: &[f64]) {
        if self.slots.is_empty() {
            return;
        }
        let n = self.slots.len();
        for &g in groups {
            let cell = self.cells.entry((g, variant)).or_insert_with(|| vec![SurvivalCounts::default(); n]);
            for (j, s) in self.slots.iter().enumerate() {
                let t = values[s.time];
                if !t.is_finite() || t < 0.0 {
                    self.bad.get_or_insert((j, t));
                    continue;
                }
                cell[j].add(t, values[s.event] > 0.0);
            }
        }
    }

    /// The counts of time-to-event KPI `kpi` in `(group, variant)` (for the aggregates).
    pub fn counts(&self, kpi: usize, group: u32, variant: u32) -> Option<&SurvivalCounts> {
        let j = self.slots.iter().position(|s| s.kpi == kpi)?;
        self.cells.get(&(group, variant)).map(|c| &c[j])
    }

    /// Adds tied counts of tracked KPI `kpi` in `(group, variant)` (from aggregates rows).
    pub fn add_counts(&mut self, kpi: usize, group: u32, variant: u32, time: f64, events: u64, censored: u64) {
        let Some(j) = self.slots.iter().position(|s| s.kpi == kpi) else {
            return;
        };
        let n = self.slots.len();
        let cell = self.cells.entry((group, variant)).or_insert_with(|| vec![SurvivalCounts::default(); n]);
        cell[j].add_counts(time, events, censored);
    }

    /// A duration that cannot be a time to convert is an `INVALID_INPUT` error.
    pub fn check(&self, config: &EvalConfig) -> Result<()> {
        let Some((j, t)) = self.bad else {
            return Ok(());
        };
        let i = self.slots[j].kpi;
        let k = &config.kpis[i];
        Err(KpilabError::invalid(
            format!("kpis[{i}].column"),
            format!(
                "KPI \"{}\": a duration is {t}; times to convert must be numbers >= 0 (time from exposure to conversion, or to the end of observation)",
                k.name
            ),
        ))
    }

    /// KPI `kpi` in group `group` (0 = the whole test): `analyze_survival` on the
    /// arms of `input` (their names and order), and its comparison in `analyze`'s shape.
    pub fn analyze(
        &self,
        kpi: usize,
        group: u32,
        input: &AnalyzeInput,
        spec: &KpiSpec,
    ) -> Result<(AnalyzeResult, TimeToEventResult)> {
        let j = self.slots.iter().position(|s| s.kpi == kpi).expect("a tracked time-to-event KPI");
        let empty = SurvivalCounts::default();
        let arms: Vec<SurvivalArmInput> = input
            .variants
            .iter()
            .enumerate()
            .map(|(v, arm)| SurvivalArmInput {
                name: &arm.name,
                counts: self.cells.get(&(group, v as u32)).map_or(&empty, |c| &c[j]).clone(),
            })
            .collect();
        let opts = &input.options;
        let options = SurvivalOptions {
            control: opts.control.clone(),
            alpha: opts.alpha,
            alternative: opts.alternative,
            horizon: spec.horizon,
            unit: spec.unit.unwrap_or_default(),
            higher_is_better: spec.higher_is_better,
        };
        let result = analyze_survival(&arms, &options)?;
        let shaped = analyze_shape(&result, &arms, opts)?;
        Ok((shaped, result))
    }
}

/// The RMST comparison as an `AnalyzeResult`: per arm `mean` = RMST, `stdDev`
/// = sqrt(users × rmstVariance) (the spread its standard error implies), `ci`
/// = RMST ± z·se; per comparison the RMST-difference z test's numbers as
/// `analyzeTimeToEvent` gives them; `srm` the users per arm against
/// `expectedAllocation` (scipy `chisquare`, as `analyze`).
fn analyze_shape(r: &TimeToEventResult, arms: &[SurvivalArmInput], opts: &AnalysisOptions) -> Result<AnalyzeResult> {
    let z = normal_isf(opts.alpha / 2.0);
    let variants = r
        .variants
        .iter()
        .map(|v| {
            let se = v.rmst_variance.sqrt();
            ArmSummary {
                name: v.name.clone(),
                users: v.users as f64,
                mean: v.rmst,
                std_dev: (v.users as f64 * v.rmst_variance).sqrt(),
                ci: [v.rmst - z * se, v.rmst + z * se],
            }
        })
        .collect();
    let comparisons = r
        .comparisons
        .iter()
        .map(|c| Comparison {
            variant: c.variant.clone(),
            control: c.control.clone(),
            absolute_lift: c.absolute_lift,
            relative_lift: Some(c.relative_lift),
            absolute_ci: c.absolute_ci,
            relative_ci: Some(c.relative_ci),
            p_value: Some(c.p_value),
            adjusted_p_value: None,
            significant: c.significant,
            verdict: c.verdict,
            chance_to_beat_control: None,
            expected_loss: None,
            width_vs_fixed_horizon: None,
        })
        .collect();
    let users: Vec<f64> = arms.iter().map(|a| a.counts.users() as f64).collect();
    let weights = validate::weights("expectedAllocation", opts.expected_allocation.as_deref(), users.len())?;
    let srm: Srm = srm::check(&users, &weights, opts.srm_alpha);
    Ok(AnalyzeResult { variants, comparisons, srm, warnings: r.warnings.clone(), cuped: None })
}

/// Checks a KPI's §5 fields (all kinds): `eventColumn`, `unit` and `horizon`
/// belong to time-to-event KPIs, which take no covariate, aggregate,
/// threshold, cap or steps.
pub(crate) fn validate_spec(k: &KpiSpec, i: usize) -> Result<()> {
    let at = |key: &str| format!("kpis[{i}].{key}");
    if k.kind != KpiKind::TimeToEvent {
        for (key, given) in
            [("eventColumn", k.event_column.is_some()), ("unit", k.unit.is_some()), ("horizon", k.horizon.is_some())]
        {
            if given {
                return Err(KpilabError::invalid(
                    at(key),
                    format!("KPI \"{}\": `{key}` applies to timeToEvent KPIs only", k.name),
                ));
            }
        }
        return Ok(());
    }
    for (key, given) in [
        ("covariate", k.covariate.is_some()),
        ("aggregate", k.aggregate.is_some()),
        ("threshold", k.threshold.is_some()),
        ("cap", k.cap.is_some()),
        ("steps", k.steps.is_some()),
        ("numerator", k.numerator.is_some()),
        ("denominator", k.denominator.is_some()),
    ] {
        if given {
            return Err(KpilabError::invalid(
                at(key),
                format!(
                    "KPI \"{}\": a timeToEvent KPI takes no `{key}` (per user: column + eventColumn; event level: where)",
                    k.name
                ),
            ));
        }
    }
    if let Some(h) = k.horizon {
        validate::positive(&at("horizon"), h)?;
    }
    Ok(())
}

/// Microseconds per `unit` (event-level durations are in µs).
pub(crate) fn unit_us(unit: Option<TimeUnit>) -> f64 {
    match unit.unwrap_or_default() {
        TimeUnit::Days => crate::csv::DAY_US as f64,
        TimeUnit::Hours => crate::csv::HOUR_US as f64,
    }
}

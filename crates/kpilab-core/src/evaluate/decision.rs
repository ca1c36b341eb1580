//! The SDK's ship / do-not-ship rule (SDK.md §3 "Decision rule"; reference
//! `decide`), per treatment against the control:
//! - do-not-ship: a primary is significantly worse, a guardrail without a margin
//!   is significantly worse, or a guardrail's whole relativeCi lies beyond its
//!   margin on the harmful side;
//! - ship: every primary is significantly better, every guardrail passes (no
//!   margin: not significantly worse; margin: the harmful-side relativeCi bound is
//!   within it) and there is no SRM; with several treatments the best qualifying
//!   one (largest primary lift in the good direction) is named;
//! - keep-running: neither, and the planned users per variant are not reached;
//! - inconclusive otherwise.
//!
//! Several treatments: each gets its own verdict in `Decision.arms`; overall
//! `ship` (the best qualifying arm) if any arm ships, else `keep-running` if any
//! arm is keep-running, else `do-not-ship` if every arm is, else `inconclusive`.
//!
//! "Worse" follows each KPI's `higherIsBetter`. Every reason names the KPI and
//! the number behind it.

use super::types::{ArmDecision, Decision, DecisionVerdict, EvalAnalysis, KpiResult, KpiRole, KpiSpec};
use crate::analyze::Comparison;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Call {
    Ship,
    DoNotShip,
    Open,
}

struct TreatmentCall {
    variant: String,
    call: Call,
    /// Primary lift in the good direction, to rank qualifying treatments.
    score: f64,
    reasons: Vec<String>,
}

/// The decision for `results` (one per spec, same order) under SDK.md §3's rule
/// (module doc); `analysis` gives the planned size and the SRM threshold.
pub fn decide(specs: &[KpiSpec], results: &[KpiResult], analysis: &EvalAnalysis) -> Decision {
    let Some(first_primary) = specs.iter().position(|k| k.role == KpiRole::Primary) else {
        return Decision {
            verdict: DecisionVerdict::Inconclusive,
            variant: None,
            reasons: vec!["no KPI has the role \"primary\", so none can decide ship or do-not-ship".into()],
            arms: Vec::new(),
        };
    };
    let primary = &results[first_primary];
    let srm = primary.result.srm;
    let multiple = primary.result.comparisons.len() > 1;

    let calls: Vec<TreatmentCall> =
        primary.result.comparisons.iter().map(|c| judge_treatment(&c.variant, specs, results, multiple)).collect();

    let mut srm_reason = None;
    if srm.mismatch {
        srm_reason = Some(format!(
            "{}: sample ratio mismatch, users per variant ({}) are off the expected split (SRM p = {} < srmAlpha {}); check the assignment before trusting any result",
            primary.name,
            primary.result.variants.iter().map(|v| format!("{} {}", v.name, v.users)).collect::<Vec<_>>().join(", "),
            num(srm.p_value),
            num(analysis.options.srm_alpha),
        ));
    }

    // Each treatment's own verdict: ship / do-not-ship / keep-running (its arm or the
    // control below the planned size) / inconclusive.
    let users_of = |name: &str| primary.result.variants.iter().find(|v| v.name == name).map_or(0.0, |v| v.users);
    let control_users = primary.result.comparisons.first().map_or(0.0, |c| users_of(&c.control));
    let arms: Vec<ArmDecision> = calls
        .iter()
        .map(|t| {
            let mut reasons = t.reasons.clone();
            let verdict = match t.call {
                Call::Ship if !srm.mismatch => DecisionVerdict::Ship,
                Call::DoNotShip => DecisionVerdict::DoNotShip,
                _ => {
                    reasons.extend(srm_reason.clone());
                    let smallest = users_of(&t.variant).min(control_users);
                    match analysis.planned_users_per_variant {
                        Some(planned) if smallest < planned => {
                            reasons.push(format!(
                                "{}: {} has {} of the {} planned users per variant",
                                primary.name,
                                if users_of(&t.variant) <= control_users { &t.variant } else { "the control" },
                                num(smallest),
                                num(planned)
                            ));
                            DecisionVerdict::KeepRunning
                        }
                        _ => DecisionVerdict::Inconclusive,
                    }
                }
            };
            ArmDecision { variant: t.variant.clone(), verdict, reasons }
        })
        .collect();

    let best_ship = calls
        .iter()
        .zip(&arms)
        .filter(|(_, a)| a.verdict == DecisionVerdict::Ship)
        .max_by(|a, b| a.0.score.total_cmp(&b.0.score));
    if let Some((best, _)) = best_ship {
        return Decision {
            verdict: DecisionVerdict::Ship,
            variant: Some(best.variant.clone()),
            reasons: best.reasons.clone(),
            arms,
        };
    }

    let all_reasons = |extra: Option<String>| -> Vec<String> {
        extra
            .into_iter()
            .chain(srm_reason.clone())
            .chain(calls.iter().flat_map(|t| t.reasons.iter().cloned()))
            .collect()
    };
    if arms.iter().any(|a| a.verdict == DecisionVerdict::KeepRunning) {
        let smallest = primary.result.variants.iter().map(|v| v.users).fold(f64::INFINITY, f64::min);
        let planned = analysis.planned_users_per_variant.unwrap_or(0.0);
        let reason = format!(
            "{}: the smallest variant has {} of the {} planned users per variant",
            primary.name,
            num(smallest),
            num(planned)
        );
        return Decision {
            verdict: DecisionVerdict::KeepRunning,
            variant: None,
            reasons: all_reasons(Some(reason)),
            arms,
        };
    }
    if !arms.is_empty() && arms.iter().all(|a| a.verdict == DecisionVerdict::DoNotShip) {
        return Decision { verdict: DecisionVerdict::DoNotShip, variant: None, reasons: all_reasons(None), arms };
    }
    Decision { verdict: DecisionVerdict::Inconclusive, variant: None, reasons: all_reasons(None), arms }
}

fn judge_treatment(variant: &str, specs: &[KpiSpec], results: &[KpiResult], multiple: bool) -> TreatmentCall {
    let prefix = if multiple { format!("{variant}: ") } else { String::new() };
    let mut t =
        TreatmentCall { variant: variant.to_string(), call: Call::Open, score: f64::NEG_INFINITY, reasons: Vec::new() };
    let (mut any_block, mut all_primaries_better, mut all_guardrails_pass) = (false, true, true);
    for (spec, result) in specs.iter().zip(results) {
        if spec.role == KpiRole::Secondary {
            continue;
        }
        let Some(c) = result.result.comparisons.iter().find(|c| c.variant == variant) else {
            continue;
        };
        let sign = if spec.higher_is_better { 1.0 } else { -1.0 };
        let better = c.significant && sign * c.absolute_lift > 0.0;
        let worse = c.significant && sign * c.absolute_lift < 0.0;
        let name = &spec.name;
        match spec.role {
            KpiRole::Primary => {
                if t.score == f64::NEG_INFINITY {
                    t.score = sign * c.relative_lift.unwrap_or(c.absolute_lift);
                }
                let what = if better {
                    format!("{} is {} than {}", c.variant, clearly(c, "better"), c.control)
                } else if worse {
                    format!("{} is {} than {}", c.variant, clearly(c, "worse"), c.control)
                } else if c.chance_to_beat_control.is_some() {
                    format!("no clear winner between {} and {} yet", c.variant, c.control)
                } else {
                    format!("no significant difference between {} and {} yet", c.variant, c.control)
                };
                t.reasons.push(format!("{prefix}{name} (primary): {what}: {}", evidence(c)));
                any_block |= worse;
                all_primaries_better &= better;
            }
            KpiRole::Guardrail => {
                let (pass, block, text) = match spec.non_inferiority_margin {
                    None => {
                        let what = if worse { clearly(c, "worse") } else { format!("not {}", clearly(c, "worse")) };
                        (!worse, worse, format!("{what}: {}", evidence(c)))
                    }
                    Some(m) => margin_check(c, spec.higher_is_better, m),
                };
                t.reasons.push(format!("{prefix}{name} (guardrail): {text}"));
                any_block |= block;
                all_guardrails_pass &= pass;
            }
            KpiRole::Secondary => {}
        }
    }
    t.call = if any_block {
        Call::DoNotShip
    } else if all_primaries_better && all_guardrails_pass {
        Call::Ship
    } else {
        Call::Open
    };
    t
}

/// `(passes, blocks, reason)` of a guardrail with a relative non-inferiority margin,
/// read on the relativeCi bound on the harmful side (lower when higher is better).
fn margin_check(c: &Comparison, higher_is_better: bool, margin: f64) -> (bool, bool, String) {
    let Some([lo, hi]) = c.relative_ci else {
        return (
            false,
            false,
            format!(
                "relative change undefined (control mean is 0), so the {} margin cannot be checked",
                pct_abs(margin)
            ),
        );
    };
    let (lo, hi) = (lo.unwrap_or(f64::NEG_INFINITY), hi.unwrap_or(f64::INFINITY));
    let ci = format!("relative CI [{}, {}]", pct(lo), pct(hi));
    // Harmful side: down when higher is better, up otherwise.
    let (harm_bound, far_bound, limit) = if higher_is_better { (lo, hi, -margin) } else { (hi, lo, margin) };
    let within = if higher_is_better { harm_bound > limit } else { harm_bound < limit };
    let beyond = if higher_is_better { far_bound < limit } else { far_bound > limit };
    let text = if within {
        format!("worst case {} stays within the {} margin ({ci})", pct(harm_bound), pct(limit))
    } else if beyond {
        format!("the whole {ci} lies beyond the {} margin", pct(limit))
    } else {
        format!(
            "worst case {} crosses the {} margin, non-inferiority not shown yet ({ci})",
            pct(harm_bound),
            pct(limit)
        )
    };
    (within, beyond, text)
}

/// Lift and the evidence behind it: p-value (frequentist, sequential) or chance to
/// beat control (bayesian).
/// "significantly worse" for a test, "credibly worse" for a posterior: Bayesian
/// results speak of chances, not significance.
fn clearly(c: &Comparison, word: &str) -> String {
    let how = if c.chance_to_beat_control.is_some() { "credibly" } else { "significantly" };
    format!("{how} {word}")
}

fn evidence(c: &Comparison) -> String {
    let lift = match c.relative_lift {
        Some(r) => format!("{} relative", pct(r)),
        None => format!("{}{} absolute", if c.absolute_lift >= 0.0 { "+" } else { "" }, num(c.absolute_lift)),
    };
    let p = c.adjusted_p_value.or(c.p_value);
    match (p, c.chance_to_beat_control) {
        (Some(p), _) if p < 1e-4 => format!("{lift}, p < 0.0001"),
        (Some(p), _) => format!("{lift}, p = {}", num(p)),
        (None, Some(chance)) => format!("{lift}, chance to beat control {}", pct_abs(chance)),
        (None, None) => lift,
    }
}

/// Signed percent, e.g. `+3.21 %`.
fn pct(x: f64) -> String {
    if x.is_infinite() {
        return if x > 0.0 { "+∞".into() } else { "−∞".into() };
    }
    format!("{:+.2} %", x * 100.0)
}

fn pct_abs(x: f64) -> String {
    format!("{:.2} %", x * 100.0)
}

/// Up to 4 significant digits, no exponent for ordinary magnitudes.
fn num(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    if x.abs() >= 1e4 || x.fract() == 0.0 {
        return format!("{}", x.round());
    }
    let digits = (3 - x.abs().log10().floor() as i32).clamp(0, 12) as usize;
    let s = format!("{x:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::{AnalyzeResult, ArmSummary, Srm, Verdict};

    fn comparison(variant: &str, lift: f64, rel_ci: [f64; 2], p: f64) -> Comparison {
        let significant = p < 0.05;
        Comparison {
            variant: variant.into(),
            control: "control".into(),
            absolute_lift: lift,
            relative_lift: Some(lift * 10.0),
            absolute_ci: [Some(lift - 0.01), Some(lift + 0.01)],
            relative_ci: Some([Some(rel_ci[0]), Some(rel_ci[1])]),
            p_value: Some(p),
            adjusted_p_value: Some(p),
            significant,
            verdict: if !significant {
                Verdict::Inconclusive
            } else if lift > 0.0 {
                Verdict::Better
            } else {
                Verdict::Worse
            },
            chance_to_beat_control: None,
            expected_loss: None,
            width_vs_fixed_horizon: None,
        }
    }

    fn result(comparisons: Vec<Comparison>, users: f64, srm_p: f64) -> AnalyzeResult {
        let arm = |name: &str| ArmSummary { name: name.into(), users, mean: 0.1, std_dev: 0.3, ci: [0.09, 0.11] };
        let mut variants = vec![arm("control")];
        variants.extend(comparisons.iter().map(|c| arm(&c.variant)));
        AnalyzeResult {
            variants,
            comparisons,
            srm: Srm { chi_square: 1.0, p_value: srm_p, mismatch: srm_p < 0.001 },
            warnings: vec![],
            cuped: None,
        }
    }

    fn spec(name: &str, role: KpiRole, higher_is_better: bool, margin: Option<f64>) -> KpiSpec {
        KpiSpec {
            column: Some(name.into()),
            higher_is_better,
            non_inferiority_margin: margin,
            ..KpiSpec::new(name, role, super::super::types::KpiKind::Conversion)
        }
    }

    fn kr(spec: &KpiSpec, result: AnalyzeResult) -> KpiResult {
        KpiResult { name: spec.name.clone(), role: spec.role, result, steps: None, time_to_event: None }
    }

    fn run(specs: &[KpiSpec], results: Vec<AnalyzeResult>, planned: Option<f64>) -> Decision {
        let results: Vec<KpiResult> = specs.iter().zip(results).map(|(s, r)| kr(s, r)).collect();
        let analysis = EvalAnalysis { planned_users_per_variant: planned, ..EvalAnalysis::default() };
        decide(specs, &results, &analysis)
    }

    #[test]
    fn ships_when_primary_better_and_guardrails_hold() {
        let specs =
            [spec("conversion", KpiRole::Primary, true, None), spec("bounce_rate", KpiRole::Guardrail, false, None)];
        let d = run(
            &specs,
            vec![
                result(vec![comparison("treatment", 0.02, [0.05, 0.35], 0.003)], 1000.0, 0.5),
                result(vec![comparison("treatment", 0.01, [-0.05, 0.2], 0.3)], 1000.0, 0.5),
            ],
            None,
        );
        assert_eq!(d.verdict, DecisionVerdict::Ship);
        assert_eq!(d.variant.as_deref(), Some("treatment"));
        assert_eq!(
            d.reasons,
            [
                "conversion (primary): treatment is significantly better than control: +20.00 % relative, p = 0.003",
                "bounce_rate (guardrail): not significantly worse: +10.00 % relative, p = 0.3",
            ]
        );
    }

    #[test]
    fn guardrail_worse_follows_higher_is_better() {
        let specs =
            [spec("conversion", KpiRole::Primary, true, None), spec("bounce_rate", KpiRole::Guardrail, false, None)];
        // Bounce rate significantly UP is worse.
        let d = run(
            &specs,
            vec![
                result(vec![comparison("treatment", 0.02, [0.05, 0.35], 0.003)], 1000.0, 0.5),
                result(vec![comparison("treatment", 0.01, [0.02, 0.2], 0.01)], 1000.0, 0.5),
            ],
            None,
        );
        assert_eq!(d.verdict, DecisionVerdict::DoNotShip);
        assert!(
            d.reasons[1].starts_with("bounce_rate (guardrail): significantly worse: +10.00 % relative, p = 0.01"),
            "{:?}",
            d.reasons
        );
        // Primary significantly worse.
        let d = run(
            &specs[..1],
            vec![result(vec![comparison("treatment", -0.02, [-0.3, -0.1], 0.001)], 1000.0, 0.5)],
            None,
        );
        assert_eq!(d.verdict, DecisionVerdict::DoNotShip);
    }

    #[test]
    fn margins_are_read_on_the_harmful_bound() {
        let specs =
            [spec("conversion", KpiRole::Primary, true, None), spec("sessions", KpiRole::Guardrail, true, Some(0.1))];
        let primary = || result(vec![comparison("treatment", 0.02, [0.05, 0.35], 0.003)], 1000.0, 0.5);
        // Within: lower bound -4 % > -10 %, even though significantly worse.
        let d = run(
            &specs,
            vec![primary(), result(vec![comparison("treatment", -0.002, [-0.04, -0.01], 0.01)], 1000.0, 0.5)],
            None,
        );
        assert_eq!(d.verdict, DecisionVerdict::Ship);
        assert!(d.reasons[1].contains("worst case -4.00 % stays within the -10.00 % margin"), "{:?}", d.reasons);
        // Crossing: not shown, inconclusive.
        let d = run(
            &specs,
            vec![primary(), result(vec![comparison("treatment", -0.002, [-0.15, 0.02], 0.2)], 1000.0, 0.5)],
            None,
        );
        assert_eq!(d.verdict, DecisionVerdict::Inconclusive);
        assert!(d.reasons[1].contains("worst case -15.00 % crosses the -10.00 % margin"), "{:?}", d.reasons);
        // Wholly beyond: do-not-ship.
        let d = run(
            &specs,
            vec![primary(), result(vec![comparison("treatment", -0.02, [-0.3, -0.12], 0.001)], 1000.0, 0.5)],
            None,
        );
        assert_eq!(d.verdict, DecisionVerdict::DoNotShip);
        // Lower is better: the upper bound is harmful.
        let specs =
            [spec("conversion", KpiRole::Primary, true, None), spec("refunds", KpiRole::Guardrail, false, Some(0.05))];
        let d = run(
            &specs,
            vec![primary(), result(vec![comparison("treatment", 0.0, [-0.2, 0.04], 0.5)], 1000.0, 0.5)],
            None,
        );
        assert_eq!(d.verdict, DecisionVerdict::Ship);
        let d = run(
            &specs,
            vec![primary(), result(vec![comparison("treatment", 0.0, [-0.2, 0.06], 0.5)], 1000.0, 0.5)],
            None,
        );
        assert_eq!(d.verdict, DecisionVerdict::Inconclusive);
    }

    #[test]
    fn srm_blocks_ship_and_planned_size_keeps_running() {
        let specs = [spec("conversion", KpiRole::Primary, true, None)];
        let d = run(&specs, vec![result(vec![comparison("treatment", 0.02, [0.05, 0.35], 0.003)], 1000.0, 1e-6)], None);
        assert_eq!(d.verdict, DecisionVerdict::Inconclusive);
        assert!(d.reasons[0].starts_with("conversion: sample ratio mismatch"), "{:?}", d.reasons);
        let d = run(
            &specs,
            vec![result(vec![comparison("treatment", 0.001, [-0.05, 0.07], 0.6)], 1200.0, 0.5)],
            Some(5000.0),
        );
        assert_eq!(d.verdict, DecisionVerdict::KeepRunning);
        assert_eq!(d.reasons[0], "conversion: the smallest variant has 1200 of the 5000 planned users per variant");
        let d = run(
            &specs,
            vec![result(vec![comparison("treatment", 0.001, [-0.05, 0.07], 0.6)], 6000.0, 0.5)],
            Some(5000.0),
        );
        assert_eq!(d.verdict, DecisionVerdict::Inconclusive);
    }

    #[test]
    fn several_treatments_ship_the_best_qualifying_one() {
        let specs =
            [spec("conversion", KpiRole::Primary, true, None), spec("bounce_rate", KpiRole::Guardrail, false, None)];
        let d = run(
            &specs,
            vec![
                result(
                    vec![
                        comparison("b", 0.01, [0.02, 0.2], 0.01),
                        comparison("c", 0.03, [0.1, 0.5], 0.001),
                        comparison("d", 0.05, [0.2, 0.8], 0.001),
                    ],
                    1000.0,
                    0.5,
                ),
                // d breaks the guardrail, so c (the best that qualifies) ships.
                result(
                    vec![
                        comparison("b", 0.0, [-0.1, 0.1], 0.9),
                        comparison("c", 0.0, [-0.1, 0.1], 0.9),
                        comparison("d", 0.02, [0.05, 0.3], 0.01),
                    ],
                    1000.0,
                    0.5,
                ),
            ],
            None,
        );
        assert_eq!((d.verdict, d.variant.as_deref()), (DecisionVerdict::Ship, Some("c")));
        assert!(d.reasons.iter().all(|r| r.starts_with("c: ")), "{:?}", d.reasons);
    }

    #[test]
    fn each_treatment_gets_its_own_verdict() {
        let specs = [spec("conversion", KpiRole::Primary, true, None)];
        let harmful = || comparison("b", -0.02, [-0.3, -0.1], 0.001);
        let verdicts = |d: &Decision| d.arms.iter().map(|a| (a.variant.clone(), a.verdict)).collect::<Vec<_>>();
        use DecisionVerdict::*;
        // Harmful + inconclusive: inconclusive overall.
        let d =
            run(&specs, vec![result(vec![harmful(), comparison("c", 0.001, [-0.05, 0.07], 0.6)], 1000.0, 0.5)], None);
        assert_eq!((d.verdict, d.variant.as_deref()), (Inconclusive, None));
        assert_eq!(verdicts(&d), [("b".to_string(), DoNotShip), ("c".to_string(), Inconclusive)]);
        assert_eq!(
            d.arms[0].reasons,
            ["b: conversion (primary): b is significantly worse than control: -20.00 % relative, p = 0.001"]
        );
        // Harmful + harmful: do-not-ship.
        let d =
            run(&specs, vec![result(vec![harmful(), comparison("c", -0.01, [-0.2, -0.01], 0.01)], 1000.0, 0.5)], None);
        assert_eq!(d.verdict, DoNotShip);
        assert_eq!(verdicts(&d), [("b".to_string(), DoNotShip), ("c".to_string(), DoNotShip)]);
        // Ship + harmful: ship, naming the shipping arm.
        let d =
            run(&specs, vec![result(vec![harmful(), comparison("c", 0.02, [0.05, 0.35], 0.003)], 1000.0, 0.5)], None);
        assert_eq!((d.verdict, d.variant.as_deref()), (Ship, Some("c")));
        assert_eq!(verdicts(&d), [("b".to_string(), DoNotShip), ("c".to_string(), Ship)]);
        // Harmful + open below the planned size: keep-running, for that arm too.
        let d = run(
            &specs,
            vec![result(vec![harmful(), comparison("c", 0.001, [-0.05, 0.07], 0.6)], 1000.0, 0.5)],
            Some(5000.0),
        );
        assert_eq!(d.verdict, KeepRunning);
        assert_eq!(verdicts(&d), [("b".to_string(), DoNotShip), ("c".to_string(), KeepRunning)]);
        assert_eq!(d.arms[1].reasons[1], "conversion: c has 1000 of the 5000 planned users per variant");
    }

    #[test]
    fn numbers_read_naturally() {
        assert_eq!(num(0.003), "0.003");
        assert_eq!(num(0.012345), "0.01235");
        assert_eq!(num(5000.0), "5000");
        assert_eq!(num(12.5), "12.5");
        assert_eq!(pct(-0.04), "-4.00 %");
    }
}

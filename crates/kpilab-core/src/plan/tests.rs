//! Edge cases of the planning functions: typed errors naming the field, and
//! finite answers at the extremes.

use super::*;
use crate::common::Alternative;
use crate::error::ErrorCode;
use kpilab_test_support::assert_close;

fn proportion(baseline: f64, mde: f64) -> PlanInput {
    PlanInput {
        metric: PlanMetric::Proportion { baseline },
        mde: Some(mde),
        mde_type: MdeType::Relative,
        alpha: 0.05,
        power: 0.8,
        alternative: Alternative::TwoSided,
        variants: 2,
        allocation: None,
        correction: PlanCorrection::None,
        method: PlanMethod::Pooled,
    }
}

fn mean(mean: f64, std_dev: f64, mde: f64, method: PlanMethod) -> PlanInput {
    PlanInput { metric: PlanMetric::Mean { mean, std_dev }, method, ..proportion(0.1, mde) }
}

fn fixed(plan: PlanInput, users_per_variant: f64) -> FixedSizeInput {
    FixedSizeInput { plan, users_per_variant }
}

fn duration(plan: PlanInput, daily_users: f64, traffic_fraction: f64) -> DurationInput {
    DurationInput { plan, daily_users, traffic_fraction }
}

/// Asserts an error with this code and field.
fn fails<T: std::fmt::Debug>(result: crate::error::Result<T>, code: ErrorCode, field: &str) {
    let err = result.expect_err("expected an error");
    assert_eq!((err.code, err.field.as_str()), (code, field), "message: {}", err.message);
    assert!(!err.message.is_empty());
}

#[test]
fn sample_size_matches_r_power_prop_test() {
    // R: power.prop.test(p1 = 0.1, p2 = 0.11, power = 0.8) -> n = 14750.79
    let plan = plan_sample_size(&proportion(0.1, 0.1)).unwrap();
    assert_close!(plan.users_per_variant_exact[0], 14750.79046904492, 0.0, 1e-8, strict);
    assert_eq!(plan.users_per_variant, vec![14751.0, 14751.0]);
    assert_eq!(plan.total_users, 29502.0);
}

#[test]
fn baseline_outside_the_unit_interval_is_rejected() {
    for baseline in [0.0, 1.0, -0.2, 1.5, f64::NAN, f64::INFINITY] {
        fails(plan_sample_size(&proportion(baseline, 0.1)), ErrorCode::InvalidInput, "metric.baseline");
    }
}

#[test]
fn mde_must_give_a_valid_different_rate() {
    fails(plan_sample_size(&proportion(0.6, 1.0)), ErrorCode::InvalidInput, "mde"); // p2 = 1.2
    fails(plan_sample_size(&proportion(0.5, 1.0)), ErrorCode::InvalidInput, "mde"); // p2 = 1
    fails(plan_sample_size(&proportion(0.1, -1.0)), ErrorCode::InvalidInput, "mde"); // p2 = 0
    fails(plan_sample_size(&proportion(0.1, 0.0)), ErrorCode::InvalidInput, "mde");
    fails(plan_sample_size(&proportion(0.1, 1e-17)), ErrorCode::InvalidInput, "mde"); // p2 rounds to p1
    fails(plan_sample_size(&proportion(0.1, f64::NAN)), ErrorCode::InvalidInput, "mde");
    let missing = PlanInput { mde: None, ..proportion(0.1, 0.1) };
    fails(plan_sample_size(&missing), ErrorCode::InvalidInput, "mde");
    fails(plan_power(&fixed(missing.clone(), 1000.0)), ErrorCode::InvalidInput, "mde");
    fails(plan_duration(&duration(missing.clone(), 100.0, 1.0)), ErrorCode::InvalidInput, "mde");
    fails(power_curve(&missing, 50), ErrorCode::InvalidInput, "mde");
    // planMde does not need one
    assert!(plan_mde(&fixed(missing, 1000.0)).is_ok());
}

#[test]
fn mde_direction_must_follow_the_alternative() {
    let greater_down = PlanInput { alternative: Alternative::Greater, ..proportion(0.1, -0.1) };
    fails(plan_sample_size(&greater_down), ErrorCode::InvalidInput, "mde");
    let less_up = PlanInput { alternative: Alternative::Less, ..proportion(0.1, 0.1) };
    fails(plan_sample_size(&less_up), ErrorCode::InvalidInput, "mde");
    let less_up_mean = PlanInput { alternative: Alternative::Less, ..mean(10.0, 2.0, 0.5, PlanMethod::T) };
    fails(plan_power(&fixed(less_up_mean, 100.0)), ErrorCode::InvalidInput, "mde");
    // two-sided takes either sign; a downward two-sided plan equals the `less` one at alpha/2
    let down = plan_sample_size(&proportion(0.2, -0.1)).unwrap();
    let less = PlanInput { alternative: Alternative::Less, alpha: 0.025, ..proportion(0.2, -0.1) };
    assert_eq!(down.users_per_variant_exact, plan_sample_size(&less).unwrap().users_per_variant_exact);
}

#[test]
fn mean_inputs_are_checked() {
    for sd in [0.0, -1.0, f64::NAN] {
        fails(plan_sample_size(&mean(10.0, sd, 0.1, PlanMethod::Pooled)), ErrorCode::InvalidInput, "metric.stdDev");
    }
    fails(plan_sample_size(&mean(f64::INFINITY, 1.0, 0.1, PlanMethod::Pooled)), ErrorCode::InvalidInput, "metric.mean");
    // a relative mde of a zero mean is no effect
    fails(plan_sample_size(&mean(0.0, 1.0, 0.1, PlanMethod::Pooled)), ErrorCode::InvalidInput, "metric.mean");
    let absolute = PlanInput { mde_type: MdeType::Absolute, ..mean(0.0, 1.0, 0.1, PlanMethod::Pooled) };
    assert!(plan_sample_size(&absolute).is_ok());
    fails(plan_mde(&fixed(absolute, 100.0)), ErrorCode::InvalidInput, "metric.mean");
}

/// Found by tests/node/hostile.test.mjs: a subnormal mean made `relative` Infinity.
#[test]
fn mde_of_a_subnormal_mean_is_an_error_not_infinity() {
    let tiny = PlanInput { mde_type: MdeType::Absolute, ..mean(5e-324, 30.0, 0.1, PlanMethod::T) };
    fails(plan_mde(&fixed(tiny, 500.0)), ErrorCode::InvalidInput, "metric.mean");
}

#[test]
fn method_must_suit_the_metric() {
    fails(
        plan_sample_size(&PlanInput { method: PlanMethod::T, ..proportion(0.1, 0.1) }),
        ErrorCode::InvalidInput,
        "method",
    );
    for method in [PlanMethod::Arcsine, PlanMethod::Unpooled, PlanMethod::EvanMiller] {
        fails(plan_sample_size(&mean(10.0, 2.0, 0.1, method)), ErrorCode::InvalidInput, "method");
    }
}

#[test]
fn alpha_power_variants_and_allocation_are_checked() {
    for alpha in [0.0, 1.0, -0.1, f64::NAN] {
        fails(plan_sample_size(&PlanInput { alpha, ..proportion(0.1, 0.1) }), ErrorCode::InvalidInput, "alpha");
    }
    for power in [0.0, 1.0, 2.0, f64::NEG_INFINITY] {
        fails(plan_sample_size(&PlanInput { power, ..proportion(0.1, 0.1) }), ErrorCode::InvalidInput, "power");
    }
    // power at or below the significance level needs no users at all
    fails(plan_sample_size(&PlanInput { power: 0.02, ..proportion(0.1, 0.1) }), ErrorCode::InvalidInput, "power");
    for variants in [0, 1, 5000] {
        fails(plan_sample_size(&PlanInput { variants, ..proportion(0.1, 0.1) }), ErrorCode::InvalidInput, "variants");
    }
    let short = PlanInput { variants: 3, allocation: Some(vec![1.0, 1.0]), ..proportion(0.1, 0.1) };
    fails(plan_sample_size(&short), ErrorCode::InvalidInput, "allocation");
    let negative = PlanInput { allocation: Some(vec![1.0, -1.0]), ..proportion(0.1, 0.1) };
    fails(plan_sample_size(&negative), ErrorCode::InvalidInput, "allocation[1]");
    let nan = PlanInput { allocation: Some(vec![f64::NAN, 1.0]), ..proportion(0.1, 0.1) };
    fails(plan_sample_size(&nan), ErrorCode::InvalidInput, "allocation[0]");
}

#[test]
fn allocation_scale_does_not_matter() {
    let small = PlanInput { allocation: Some(vec![0.6, 0.4]), ..proportion(0.1, 0.1) };
    let huge = PlanInput { allocation: Some(vec![6e300, 4e300]), ..proportion(0.1, 0.1) };
    let (a, b) = (plan_sample_size(&small).unwrap(), plan_sample_size(&huge).unwrap());
    assert_eq!(a.users_per_variant, b.users_per_variant);
    assert_eq!(a.users_per_variant, vec![18377.0, 12251.0]);
}

#[test]
fn fixed_sizes_are_checked() {
    for n in [0.0, -5.0, f64::NAN, f64::INFINITY] {
        fails(plan_power(&fixed(proportion(0.1, 0.1), n)), ErrorCode::InvalidInput, "usersPerVariant");
        fails(plan_mde(&fixed(proportion(0.1, 0.1), n)), ErrorCode::InvalidInput, "usersPerVariant");
    }
    // the t test needs at least 2 users in every arm
    let t = mean(100.0, 20.0, 0.1, PlanMethod::T);
    for n in [0.5, 1.0, 1.5, 1.99] {
        fails(plan_power(&fixed(t.clone(), n)), ErrorCode::InvalidInput, "usersPerVariant");
        fails(plan_mde(&fixed(t.clone(), n)), ErrorCode::InvalidInput, "usersPerVariant");
    }
    let p = plan_power(&fixed(t, 2.0)).unwrap();
    assert!(p > 0.0 && p < 0.1, "{p}");
}

#[test]
fn huge_sizes_give_finite_answers() {
    let p = plan_power(&fixed(proportion(0.1, 0.1), 1e9)).unwrap();
    assert_eq!(p, 1.0);
    let t = plan_power(&fixed(mean(100.0, 20.0, 0.0001, PlanMethod::T), 1e9)).unwrap();
    // normal limit: Φ(0.01/20·sqrt(5e8) - 1.96) = Φ(9.22) ≈ 1
    assert!(t > 0.999999 && t <= 1.0, "{t}");
    let tiny = plan_power(&fixed(mean(100.0, 20.0, 1e-6, PlanMethod::T), 1e9)).unwrap();
    // d·sqrt(n/2) = 5e-6·sqrt(5e8) = 0.1118: power = Φ(0.1118 - 1.96) = 0.0323
    assert_close!(tiny, 0.032_34, 0.0, 1e-4, strict, "{tiny}");
    for method in [PlanMethod::Pooled, PlanMethod::T] {
        let m = plan_mde(&fixed(mean(100.0, 20.0, 0.1, method), 1e9)).unwrap();
        // (1.96 + 0.8416)·20·sqrt(2/1e9) = 0.0025057
        assert_close!(m.absolute, 0.002_505_7, 0.0, 1e-6, strict, "{m:?}");
    }
    let m = plan_mde(&fixed(proportion(0.1, 0.1), 1e9)).unwrap();
    assert!(m.absolute > 0.0 && m.absolute < 1e-4, "{m:?}");
    let t_plan = plan_sample_size(&mean(100.0, 20.0, 1e-5, PlanMethod::T)).unwrap();
    let normal_plan = plan_sample_size(&mean(100.0, 20.0, 1e-5, PlanMethod::Pooled)).unwrap();
    let ratio = t_plan.users_per_variant_exact[0] / normal_plan.users_per_variant_exact[0];
    assert_close!(ratio, 1.0, 0.0, 1e-8, strict);
    assert!(t_plan.total_users.is_finite(), "{ratio}");
}

#[test]
fn astronomical_sizes_are_no_solution() {
    let tiny_effect = mean(100.0, 20.0, 1e-12, PlanMethod::Pooled);
    fails(plan_sample_size(&tiny_effect), ErrorCode::NoSolution, "mde");
    fails(plan_sample_size(&mean(100.0, 20.0, 1e-12, PlanMethod::T)), ErrorCode::NoSolution, "mde");
    fails(plan_sample_size(&proportion(0.1, 1e-10)), ErrorCode::NoSolution, "mde");
    fails(plan_duration(&duration(tiny_effect, 1000.0, 1.0)), ErrorCode::NoSolution, "mde");
    // a lopsided allocation multiplies the control arm past the limit
    let lopsided = PlanInput { allocation: Some(vec![1.0, 1e-300]), ..proportion(0.1, 0.1) };
    fails(plan_sample_size(&lopsided), ErrorCode::NoSolution, "mde");
}

#[test]
fn too_few_users_for_any_effect_is_no_solution() {
    // with 3 users per arm even p2 -> 1 does not reach 99 % power
    let plan = PlanInput { power: 0.99, ..proportion(0.5, 0.1) };
    fails(plan_mde(&fixed(plan.clone(), 3.0)), ErrorCode::NoSolution, "usersPerVariant");
    let arcsine = PlanInput { method: PlanMethod::Arcsine, ..plan };
    fails(plan_mde(&fixed(arcsine, 3.0)), ErrorCode::NoSolution, "usersPerVariant");
}

#[test]
fn mde_round_trips_through_the_sample_size() {
    for method in [PlanMethod::Pooled, PlanMethod::Unpooled, PlanMethod::EvanMiller, PlanMethod::Arcsine] {
        for alternative in [Alternative::TwoSided, Alternative::Less] {
            let plan = PlanInput { method, alternative, mde: None, ..proportion(0.3, 0.1) };
            let m = plan_mde(&fixed(plan.clone(), 5000.0)).unwrap();
            assert_eq!(m.absolute < 0.0, alternative == Alternative::Less);
            let back = PlanInput { mde: Some(m.relative), ..plan };
            let n = plan_sample_size(&back).unwrap().users_per_variant_exact[0];
            assert_close!(n, 5000.0, 0.0, 1e-6, strict, "{method:?} {alternative:?}: {n}");
        }
    }
    let t = PlanInput { mde: None, mde_type: MdeType::Absolute, ..mean(100.0, 20.0, 0.0, PlanMethod::T) };
    let m = plan_mde(&fixed(t.clone(), 30.0)).unwrap();
    let n = plan_sample_size(&PlanInput { mde: Some(m.absolute), ..t }).unwrap().users_per_variant_exact[0];
    assert_close!(n, 30.0, 0.0, 1e-8, strict, "{n}");
}

#[test]
fn duration_rounds_up_only_when_needed() {
    // 128 users at 37/day: 3.46 -> 4 days; at 32/day exactly 4 days
    let t = PlanInput { mde_type: MdeType::Absolute, ..mean(100.0, 20.0, 10.0, PlanMethod::T) };
    assert_eq!(plan_duration(&duration(t.clone(), 37.0, 1.0)).unwrap().days, 4.0);
    assert_eq!(plan_duration(&duration(t.clone(), 32.0, 1.0)).unwrap().days, 4.0);
    // 64/day with 50 % of the traffic, and 0.1 fractions that are not exact in binary
    assert_eq!(plan_duration(&duration(t.clone(), 64.0, 0.5)).unwrap().days, 4.0);
    let d = plan_duration(&duration(t.clone(), 320.0, 0.1)).unwrap();
    assert_eq!((d.days, d.weeks, d.total_users), (4.0, 1.0, 128.0));
    // 100·0.29 = 28.999999999999996: 29 users a day still fill 2·29 in 2 days
    let n58 = PlanInput { mde_type: MdeType::Absolute, ..mean(100.0, 20.0, 14.8, PlanMethod::Pooled) };
    let d = plan_duration(&duration(n58, 100.0, 0.29)).unwrap();
    assert_eq!((d.total_users, d.days), (58.0, 2.0));
    let d = plan_duration(&duration(t.clone(), 1.0, 1.0)).unwrap();
    assert_eq!((d.days, d.weeks), (128.0, 19.0));
    for daily in [0.0, -3.0, f64::NAN] {
        fails(plan_duration(&duration(t.clone(), daily, 1.0)), ErrorCode::InvalidInput, "dailyUsers");
    }
    for fraction in [0.0, 1.01, -0.5, f64::INFINITY] {
        fails(plan_duration(&duration(t.clone(), 100.0, fraction)), ErrorCode::InvalidInput, "trafficFraction");
    }
    fails(plan_duration(&duration(t, 1e-300, 1e-10)), ErrorCode::NoSolution, "dailyUsers");
}

#[test]
fn power_curve_spans_the_plan() {
    let plan = proportion(0.1, 0.1);
    let curve = power_curve(&plan, 50).unwrap();
    assert_eq!(curve.len(), 50);
    let needed = plan_sample_size(&plan).unwrap().users_per_variant_exact[0];
    assert_close!(curve[0].users_per_variant, 0.05 * needed, 0.0, 1e-6, strict);
    assert_close!(curve[49].users_per_variant, 2.5 * needed, 0.0, 1e-6, strict);
    assert!(curve.windows(2).all(|w| w[1].users_per_variant > w[0].users_per_variant && w[1].power > w[0].power));
    assert!(curve.iter().all(|p| p.power.is_finite() && p.power > 0.0 && p.power < 1.0));
    // the curve agrees with planPower
    let p = plan_power(&fixed(plan.clone(), curve[20].users_per_variant)).unwrap();
    assert_eq!(p, curve[20].power);
    // t with a huge effect: the first point still has df >= 1
    let t = PlanInput { mde_type: MdeType::Absolute, ..mean(0.0, 1.0, 5.0, PlanMethod::T) };
    let curve = power_curve(&t, 10).unwrap();
    assert!(curve[0].users_per_variant >= 1.5 && curve.iter().all(|p| p.power.is_finite()));
    for points in [0, 1, 100_000] {
        fails(power_curve(&plan, points), ErrorCode::InvalidInput, "points");
    }
}

#[test]
fn unequal_allocation_and_bonferroni_power() {
    let plan = PlanInput {
        variants: 3,
        allocation: Some(vec![2.0, 1.0, 1.0]),
        correction: PlanCorrection::Bonferroni,
        ..proportion(0.1, 0.1)
    };
    let sized = plan_sample_size(&plan).unwrap();
    // at the planned size (average per arm) every comparison has the target power
    let average = sized.users_per_variant_exact.iter().sum::<f64>() / 3.0;
    let p = plan_power(&fixed(plan, average)).unwrap();
    assert_close!(p, 0.8, 0.0, 1e-12, strict, "{p}");
}

#[test]
fn no_input_panics_or_gives_non_finite_numbers() {
    let numbers = [f64::NAN, -1.0, 0.0, 1e-300, 1e-9, 0.003, 0.5, 0.999_999, 1.0, 7.0, 1e9, 1e300, f64::INFINITY];
    let mut answered = 0;
    for metric in [
        PlanMetric::Proportion { baseline: 0.1 },
        PlanMetric::Proportion { baseline: 1e-9 },
        PlanMetric::Proportion { baseline: 0.999_999 },
        PlanMetric::Mean { mean: 50.0, std_dev: 30.0 },
        PlanMetric::Mean { mean: -2.0, std_dev: 1e-200 },
    ] {
        for method in
            [PlanMethod::Pooled, PlanMethod::Unpooled, PlanMethod::EvanMiller, PlanMethod::Arcsine, PlanMethod::T]
        {
            for &mde in &numbers {
                for alternative in [Alternative::TwoSided, Alternative::Greater, Alternative::Less] {
                    for mde in [mde, -mde] {
                        let plan = PlanInput { metric, method, alternative, ..proportion(0.1, mde) };
                        if let Ok(p) = plan_sample_size(&plan) {
                            answered += 1;
                            assert!(
                                p.total_users.is_finite()
                                    && p.users_per_variant_exact.iter().all(|n| n.is_finite() && *n >= 0.0)
                                    && p.users_per_variant.iter().all(|n| *n >= 1.0),
                                "{plan:?}: {p:?}"
                            );
                        }
                        for &n in &[1.0, 2.5, 1e9, 1e300] {
                            if let Ok(p) = plan_power(&fixed(plan.clone(), n)) {
                                assert!((0.0..=1.0).contains(&p), "{plan:?} {n}: {p}");
                            }
                            if let Ok(m) = plan_mde(&fixed(plan.clone(), n)) {
                                assert!(m.absolute.is_finite() && m.relative.is_finite(), "{plan:?} {n}: {m:?}");
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(answered > 100, "{answered}");
}
#[test]
fn a_huge_effect_needs_the_smallest_t_test() {
    for mde in [1e9, 1e300] {
        let plan = mean(50.0, 30.0, mde, PlanMethod::T);
        assert_eq!(plan_sample_size(&plan).unwrap().users_per_variant, vec![2.0, 2.0]);
        assert!(power_curve(&plan, 5).unwrap().iter().all(|p| p.power > 0.99));
    }
}

/// Found by fuzzing (fuzz/corpus-regressions/json_inputs/slow-t-mde-subnormal-sd.json):
/// the t MDE solve ran 17 s for a subnormal stdDev and 1.1 users per arm. It now
/// solves in units of stdDev, so the MDE scales exactly with it.
#[test]
fn t_mde_scales_with_std_dev() {
    let at = |sd: f64| plan_mde(&fixed(mean(100.0, sd, 0.1, PlanMethod::T), 40.0)).unwrap().absolute;
    let unit = at(1.0);
    for sd in [1e-300, 1e-6, 1e6, 1e300] {
        assert_close!(at(sd) / sd, unit, 1e-12, 0.0, "sd {sd}: {} vs {unit}", at(sd) / sd);
    }
    assert!(at(3e-319).is_finite());
}

#[test]
fn plan_metric_reads_both_kinds_and_names_what_is_missing() {
    let read = |json: &str| serde_json::from_str::<PlanMetric>(json).map_err(|e| e.to_string());
    assert_eq!(read(r#"{"kind": "proportion", "baseline": 0.05}"#), Ok(PlanMetric::Proportion { baseline: 0.05 }));
    assert_eq!(
        read(r#"{"stdDev": 40, "kind": "mean", "mean": 25}"#),
        Ok(PlanMetric::Mean { mean: 25.0, std_dev: 40.0 })
    );
    assert_eq!(
        read(r#"{"kind": "timeToEvent", "controlEventRate": 0.3, "hazardRatio": 0.8}"#),
        Ok(PlanMetric::TimeToEvent { control_event_rate: 0.3, hazard_ratio: 0.8 })
    );
    let extra = read(r#"{"stdDev": 40, "kind": "mean", "mean": 25, "extra": 1}"#).unwrap_err();
    assert!(extra.contains("unknown field `extra`"), "{extra}");
    for (json, says) in [
        (r#"{"kind": "proportion"}"#, "missing field `baseline`"),
        (r#"{"kind": "mean", "mean": 1}"#, "missing field `stdDev`"),
        (r#"{"kind": "timeToEvent", "controlEventRate": 0.3}"#, "missing field `hazardRatio`"),
        (r#"{"baseline": 0.1}"#, "missing field `kind`"),
        (
            r#"{"kind": "median", "baseline": 0.1}"#,
            "unknown variant `median`, expected one of `proportion`, `mean`, `timeToEvent`",
        ),
        (r#"{"kind": "proportion", "baseline": "5%"}"#, "invalid type: string \"5%\", expected f64"),
    ] {
        let err = read(json).expect_err(json);
        assert!(err.contains(says), "{json}: {err}");
    }
}

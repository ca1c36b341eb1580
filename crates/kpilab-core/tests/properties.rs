//! Properties that must hold for every input, not just the golden cases.

use kpilab_core::analyze::{AnalysisOptions, Correction, MetricKind, Variant};
use kpilab_core::plan::{FixedSizeInput, MdeType, PlanMetric};
use kpilab_core::*;
use kpilab_test_support::assert_close;
use proptest::prelude::*;

fn proportion_plan(baseline: f64, mde: f64, alpha: f64, power: f64) -> PlanInput {
    serde_json::from_value(serde_json::json!({
        "metric": { "kind": "proportion", "baseline": baseline },
        "mde": mde, "alpha": alpha, "power": power,
    }))
    .unwrap()
}

fn at_size(plan: &PlanInput, users: f64) -> FixedSizeInput {
    FixedSizeInput { plan: plan.clone(), users_per_variant: users }
}

fn proportion_arm(name: &str, users: u32, rate: f64) -> Variant {
    Variant {
        name: name.into(),
        users: users as f64,
        conversions: Some((users as f64 * rate).round()),
        ..Default::default()
    }
}

fn analyze_proportions(arms: Vec<Variant>, options: AnalysisOptions) -> AnalyzeResult {
    analyze(&AnalyzeInput { metric: MetricKind::Proportion, variants: arms, options }).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn planned_size_reaches_the_target_power(
        baseline in 0.01f64..0.9, mde in 0.05f64..0.5, alpha in 0.01f64..0.1, power in 0.5f64..0.95,
    ) {
        prop_assume!(baseline * (1.0 + mde) < 0.99);
        let plan = proportion_plan(baseline, mde, alpha, power);
        let n = plan_sample_size(&plan).unwrap().users_per_variant[0];
        let achieved = plan_power(&at_size(&plan, n)).unwrap();
        prop_assert!(achieved >= power - 1e-9, "power {achieved} < {power} at n = {n}");
    }

    #[test]
    fn sample_size_falls_as_mde_or_alpha_grows(baseline in 0.02f64..0.5, mde in 0.05f64..0.4, alpha in 0.01f64..0.09) {
        let n = |mde: f64, alpha: f64| plan_sample_size(&proportion_plan(baseline, mde, alpha, 0.8)).unwrap().users_per_variant_exact[0];
        prop_assert!(n(mde * 1.1, alpha) < n(mde, alpha));
        prop_assert!(n(mde, alpha * 1.1) < n(mde, alpha));
    }

    #[test]
    fn mde_and_sample_size_are_inverses(baseline in 0.02f64..0.6, users in 500f64..200_000.0) {
        let plan = proportion_plan(baseline, 0.1, 0.05, 0.8);
        let mde = plan_mde(&at_size(&plan, users)).unwrap();
        let mut back = plan.clone();
        back.mde = Some(mde.absolute);
        back.mde_type = MdeType::Absolute;
        let exact = plan_sample_size(&back).unwrap().users_per_variant_exact[0];
        assert_close!(exact, users, 1e-6, 0.0, "{exact} vs {users}");
    }

    #[test]
    fn every_ci_contains_its_point_estimate(
        n_a in 50u32..100_000, n_b in 50u32..100_000, p_a in 0.01f64..0.99, p_b in 0.01f64..0.99,
        alpha in 0.001f64..0.2,
    ) {
        let options = AnalysisOptions { alpha, ..Default::default() };
        let r = analyze_proportions(vec![proportion_arm("A", n_a, p_a), proportion_arm("B", n_b, p_b)], options);
        for arm in &r.variants {
            prop_assert!(arm.ci[0] <= arm.mean && arm.mean <= arm.ci[1]);
        }
        let c = &r.comparisons[0];
        let [lo, hi] = c.absolute_ci;
        prop_assert!(lo.unwrap() <= c.absolute_lift && c.absolute_lift <= hi.unwrap());
        if let (Some(rel), Some([lo, hi])) = (c.relative_lift, c.relative_ci) {
            prop_assert!(lo.unwrap() <= rel && rel <= hi.unwrap());
        }
    }

    #[test]
    fn swapping_control_and_variant_flips_the_lift(
        n_a in 50u32..100_000, n_b in 50u32..100_000, p_a in 0.01f64..0.99, p_b in 0.01f64..0.99,
    ) {
        let a = proportion_arm("A", n_a, p_a);
        let b = proportion_arm("B", n_b, p_b);
        // "A" names a control (SDK.md §3), so each direction says which arm is the control.
        let control = |name: &str| AnalysisOptions { control: Some(name.into()), ..Default::default() };
        let forward = analyze_proportions(vec![a.clone(), b.clone()], control("A"));
        let backward = analyze_proportions(vec![b, a], control("B"));
        prop_assert_eq!(forward.comparisons[0].absolute_lift, -backward.comparisons[0].absolute_lift);
        prop_assert_eq!(forward.comparisons[0].p_value, backward.comparisons[0].p_value);
    }

    #[test]
    fn p_values_and_chances_are_probabilities(
        n_a in 1u32..2_000_000, n_b in 1u32..2_000_000, p_a in 0.0f64..=1.0, p_b in 0.0f64..=1.0,
        bayesian in any::<bool>(),
    ) {
        let method = if bayesian { analyze::AnalysisMethod::Bayesian } else { analyze::AnalysisMethod::Frequentist };
        let options = AnalysisOptions { method, ..Default::default() };
        let r = analyze_proportions(vec![proportion_arm("A", n_a, p_a), proportion_arm("B", n_b, p_b)], options);
        let c = &r.comparisons[0];
        for x in [c.p_value, c.adjusted_p_value, c.chance_to_beat_control, c.expected_loss, Some(r.srm.p_value)].into_iter().flatten() {
            prop_assert!((0.0..=1.0).contains(&x), "{x} outside [0, 1]");
        }
    }

    #[test]
    fn holm_sits_between_benjamini_hochberg_and_bonferroni(
        rates in proptest::collection::vec(0.05f64..0.07, 3..7), users in 1_000u32..50_000,
    ) {
        let arms: Vec<Variant> = rates.iter().enumerate().map(|(i, &p)| proportion_arm(&format!("v{i}"), users, p)).collect();
        let adjusted = |correction| -> Vec<f64> {
            let options = AnalysisOptions { correction, ..Default::default() };
            analyze_proportions(arms.clone(), options).comparisons.iter().map(|c| c.adjusted_p_value.unwrap()).collect()
        };
        let (bh, holm, bonferroni) = (adjusted(Correction::BenjaminiHochberg), adjusted(Correction::Holm), adjusted(Correction::Bonferroni));
        for i in 0..bh.len() {
            prop_assert!(bh[i] <= holm[i] + 1e-15 && holm[i] <= bonferroni[i] + 1e-15, "{} {} {}", bh[i], holm[i], bonferroni[i]);
        }
    }

    #[test]
    fn streaming_with_any_chunking_equals_one_shot(
        rows in proptest::collection::vec((0usize..3, any::<bool>(), 0.0f64..500.0, 0usize..3), 1..200),
        cuts in proptest::collection::vec(1usize..97, 0..40),
        crlf in any::<bool>(),
    ) {
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut csv = format!("\u{feff}user_id,variant,converted,revenue,device{eol}");
        for (i, (arm, converted, revenue, device)) in rows.iter().enumerate() {
            let device = ["desktop", "\"mobile, app\"", "tablet"][*device];
            csv += &format!("{i},{},{},{revenue:.2},{device}{eol}", ["control", "b", "c"][*arm], *converted as u8);
        }
        let config: EvalConfig = serde_json::from_value(serde_json::json!({
            "variantColumn": "variant",
            "kpis": [
                { "name": "Conversion", "role": "primary", "kind": "conversion", "column": "converted" },
                { "name": "Revenue", "role": "guardrail", "kind": "mean", "column": "revenue" },
            ],
            "segmentColumns": ["device"],
        })).unwrap();
        let bytes = csv.as_bytes();
        let one_shot = evaluate_csv(bytes, &config);
        let mut streaming = CsvEvaluator::new(config).unwrap();
        let mut at = 0;
        for cut in cuts.iter().chain(std::iter::repeat(&61)) {
            if at >= bytes.len() { break; }
            let end = (at + cut).min(bytes.len());
            streaming.push(&bytes[at..end]).unwrap();
            at = end;
        }
        prop_assert_eq!(streaming.finish(), one_shot);
    }
}

#[test]
fn plan_metric_for_means_round_trips() {
    // guards the JSON shape the app's URL state and the SDK rely on
    let m: PlanMetric = serde_json::from_str(r#"{"kind":"mean","mean":10,"stdDev":4}"#).unwrap();
    assert_eq!(m, PlanMetric::Mean { mean: 10.0, std_dev: 4.0 });
}

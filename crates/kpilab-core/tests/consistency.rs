//! One test behind every verdict (SDK.md §2): for every method, metric and
//! alternative, `significant` <=> the absolute interval excludes 0 <=> the
//! relative interval excludes 0 (when it has a bounded side); and results do
//! not depend on the unit of the values (every sum rescaled by 10^k).

use kpilab_core::analyze::{AnalysisMethod, AnalysisOptions, Bound2, Comparison, MetricKind, Moments, Variant};
use kpilab_core::*;
use kpilab_test_support::assert_close;
use proptest::prelude::*;

/// An arm drawn from a few plain numbers: `users`, a `level` (rate, mean or
/// ratio) and a `spread`, turned into moments that are possible data.
fn arm(metric: MetricKind, i: usize, users: u32, level: f64, spread: f64, covariate: bool) -> Variant {
    let n = users as f64;
    let name = format!("arm{i}");
    match metric {
        MetricKind::Proportion => {
            Variant { name, users: n, conversions: Some((n * level.clamp(0.0, 1.0)).round()), ..Default::default() }
        }
        MetricKind::Mean => {
            let (sum, ss) = (n * level, n * (level * level + spread * spread));
            let cov = covariate.then_some(Moments {
                sum: n * (level * 0.8),
                sum_squares: n * (0.64 * level * level + spread * spread),
                cross_sum: Some(n * (0.8 * level * level + 0.5 * spread * spread)),
            });
            Variant { name, users: n, sum: Some(sum), sum_squares: Some(ss), covariate: cov, ..Default::default() }
        }
        MetricKind::Ratio => {
            let den = Moments { sum: n * 1.5, sum_squares: n * (2.25 + 0.25), cross_sum: None };
            let num_mean = 1.5 * level;
            let num = Moments {
                sum: n * num_mean,
                sum_squares: n * (num_mean * num_mean + spread * spread),
                cross_sum: None,
            };
            let cross = n * (1.5 * num_mean + 0.3 * spread * 0.5);
            Variant {
                name,
                users: n,
                numerator: Some(num),
                denominator: Some(den),
                cross_sum: Some(cross),
                ..Default::default()
            }
        }
    }
}

fn excludes_zero(ci: Bound2) -> bool {
    ci[0].is_some_and(|lo| lo > 0.0) || ci[1].is_some_and(|hi| hi < 0.0)
}

fn check(c: &Comparison) -> std::result::Result<(), TestCaseError> {
    prop_assert_eq!(
        c.significant,
        excludes_zero(c.absolute_ci),
        "absoluteCi {:?} vs significant {:?}",
        c.absolute_ci,
        c
    );
    if let Some(rel) = c.relative_ci.filter(|r| r[0].is_some() || r[1].is_some()) {
        prop_assert_eq!(c.significant, excludes_zero(rel), "relativeCi {:?} vs significant {:?}", rel, c);
    }
    Ok(())
}

fn metric_of(i: u8) -> MetricKind {
    [MetricKind::Proportion, MetricKind::Mean, MetricKind::Ratio][i as usize % 3]
}

fn method_of(i: u8) -> AnalysisMethod {
    [AnalysisMethod::Frequentist, AnalysisMethod::Sequential, AnalysisMethod::Bayesian][i as usize % 3]
}

fn alternative_of(i: u8) -> Alternative {
    [Alternative::TwoSided, Alternative::Greater, Alternative::Less][i as usize % 3]
}

type Arms = Vec<(u32, f64, f64)>;

fn arms_strategy() -> impl Strategy<Value = Arms> {
    proptest::collection::vec((2u32..5_000, 0.01f64..0.99, 0.05f64..3.0), 2..4)
}

fn input(metric: MetricKind, arms: &Arms, covariate: bool, options: AnalysisOptions) -> AnalyzeInput {
    let variants =
        arms.iter().enumerate().map(|(i, &(n, level, spread))| arm(metric, i, n, level, spread, covariate)).collect();
    AnalyzeInput { metric, variants, options }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn significance_and_both_intervals_agree(
        arms in arms_strategy(), metric in 0u8..3, method in 0u8..3, alternative in 0u8..3,
        alpha in 0.005f64..0.2, covariate in any::<bool>(),
    ) {
        let method = method_of(method);
        let alternative = if method == AnalysisMethod::Sequential { Alternative::TwoSided } else { alternative_of(alternative) };
        let options = AnalysisOptions { method, alternative, alpha, ..Default::default() };
        let r = analyze(&input(metric_of(metric), &arms, covariate, options)).unwrap();
        for c in &r.comparisons {
            check(c)?;
        }
    }

    #[test]
    fn rescaling_every_value_changes_no_result(
        arms in arms_strategy(), metric in 1u8..3, method in 0u8..3, k in -150i32..=150, covariate in any::<bool>(),
    ) {
        let metric = metric_of(metric);
        let method = method_of(method);
        let options = AnalysisOptions { method, ..Default::default() };
        let base = analyze(&input(metric, &arms, covariate, options.clone())).unwrap();
        let s = 10f64.powi(k);
        let mut scaled = input(metric, &arms, covariate, options);
        for v in &mut scaled.variants {
            let scale_moments = |m: &mut Moments, by: f64| {
                m.sum *= by;
                m.sum_squares *= by * by;
                m.cross_sum = m.cross_sum.map(|x| x * by * by);
            };
            v.sum = v.sum.map(|x| x * s);
            v.sum_squares = v.sum_squares.map(|x| x * s * s);
            if let Some(c) = v.covariate.as_mut() { scale_moments(c, s) }
            if let Some(m) = v.numerator.as_mut() { scale_moments(m, s) }
            // numerator × denominator: the denominator keeps its unit
            v.cross_sum = v.cross_sum.map(|x| x * s);
        }
        let r = analyze(&scaled).unwrap();
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()) + 1e-300;
        for (c0, c1) in base.comparisons.iter().zip(&r.comparisons) {
            prop_assert_eq!(c0.significant, c1.significant);
            prop_assert!(close(c0.absolute_lift * s, c1.absolute_lift), "{} vs {}", c0.absolute_lift * s, c1.absolute_lift);
            for (x, y) in [(c0.p_value, c1.p_value), (c0.relative_lift, c1.relative_lift), (c0.chance_to_beat_control, c1.chance_to_beat_control)] {
                if let (Some(x), Some(y)) = (x, y) {
                    prop_assert!((x - y).abs() <= 1e-9 * x.abs().max(1e-3), "{x} vs {y} at 10^{k}");
                }
            }
            let (r0, r1) = (c0.relative_ci.unwrap(), c1.relative_ci.unwrap());
            for i in 0..2 {
                prop_assert_eq!(r0[i].is_some(), r1[i].is_some());
                if let (Some(x), Some(y)) = (r0[i], r1[i]) {
                    prop_assert!((x - y).abs() <= 1e-9 * x.abs().max(1e-3), "relativeCi {x} vs {y} at 10^{k}");
                }
            }
        }
    }
}

/// Audit: "Ship it" at p = 0.046 beside a relative interval that crossed 0.
/// 480/10000 against 542/10000: Wald p = 0.04647, delta interval
/// [-0.597 %, +26.43 %], Fieller [+0.191 %, +27.38 %]. Expected values: 40-digit
/// mpmath, the Wald test inverted by root finding on its p-value.
#[test]
fn fieller_interval_excludes_zero_when_p_is_just_below_alpha() {
    let run = |relative: &str| {
        let input: AnalyzeInput = serde_json::from_value(serde_json::json!({
            "metric": "proportion", "relativeInterval": relative,
            "variants": [{ "name": "control", "users": 10000, "conversions": 480 }, { "name": "b", "users": 10000, "conversions": 542 }],
        }))
        .unwrap();
        analyze(&input).unwrap().comparisons.remove(0)
    };
    let fieller = run("fieller");
    assert_close!(fieller.p_value.unwrap(), 0.04646687766826575, 1e-9, 0.0);
    let [lo, hi] = fieller.relative_ci.unwrap();
    assert_close!(lo.unwrap(), 0.001907262530889398, 1e-9, 0.0, "{lo:?}");
    assert_close!(hi.unwrap(), 0.273764168685801, 1e-9, 0.0, "{hi:?}");
    assert!(fieller.significant);
    let delta = run("delta");
    let [lo, hi] = delta.relative_ci.unwrap();
    assert_close!(lo.unwrap(), -0.005967317601374887, 1e-9, 0.0, "{lo:?}");
    assert_close!(hi.unwrap(), 0.2643006509347082, 1e-9, 0.0, "{hi:?}");
}

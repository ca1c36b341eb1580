//! Unit tests of `analyze`: input errors name their field and code, degenerate
//! data gives finite answers, warnings fire where a marketer needs them.

use super::*;
use crate::error::ErrorCode;
use kpilab_test_support::assert_close;

fn prop(name: &str, users: f64, conversions: f64) -> Variant {
    Variant { name: name.into(), users, conversions: Some(conversions), ..Default::default() }
}

fn mean(name: &str, users: f64, sum: f64, sum_squares: f64) -> Variant {
    Variant { name: name.into(), users, sum: Some(sum), sum_squares: Some(sum_squares), ..Default::default() }
}

fn ratio(name: &str, users: f64, num: (f64, f64), den: (f64, f64), cross: f64) -> Variant {
    Variant {
        name: name.into(),
        users,
        numerator: Some(Moments { sum: num.0, sum_squares: num.1, cross_sum: None }),
        denominator: Some(Moments { sum: den.0, sum_squares: den.1, cross_sum: None }),
        cross_sum: Some(cross),
        ..Default::default()
    }
}

fn input(metric: MetricKind, variants: Vec<Variant>) -> AnalyzeInput {
    AnalyzeInput { metric, variants, options: AnalysisOptions::default() }
}

fn two_props() -> AnalyzeInput {
    input(MetricKind::Proportion, vec![prop("control", 10000.0, 1000.0), prop("treatment", 10000.0, 1100.0)])
}

fn err(inp: &AnalyzeInput) -> (ErrorCode, String) {
    let e = analyze(inp).expect_err("expected an error");
    (e.code, e.field)
}

fn invalid(field: &str) -> (ErrorCode, String) {
    (ErrorCode::InvalidInput, field.to_string())
}

/// Every number in the result is finite (the JSON contract).
fn assert_all_finite(r: &AnalyzeResult) {
    let json = serde_json::to_value(r).unwrap();
    fn walk(v: &serde_json::Value) {
        match v {
            serde_json::Value::Number(n) => assert!(n.as_f64().unwrap().is_finite()),
            serde_json::Value::Array(a) => a.iter().for_each(walk),
            serde_json::Value::Object(o) => o.values().for_each(walk),
            _ => {}
        }
    }
    walk(&json);
    ensure_finite(r).unwrap();
}

#[test]
fn proportion_matches_statsmodels_wald() {
    let r = analyze(&two_props()).unwrap();
    let c = &r.comparisons[0];
    // statsmodels test_proportions_2indep(1100, 10000, 1000, 10000, method="wald")
    assert_close!(c.absolute_lift, 0.01, 0.0, 1e-15, strict);
    assert_close!(c.p_value.unwrap(), 0.021058073216077926, 0.0, 1e-12, strict, "{:?}", c.p_value);
    assert!(c.significant);
    assert_eq!(c.verdict, Verdict::Better);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[test]
fn higher_is_better_false_flips_the_verdict() {
    let mut inp = two_props();
    inp.options.higher_is_better = false;
    assert_eq!(analyze(&inp).unwrap().comparisons[0].verdict, Verdict::Worse);
}

#[test]
fn one_sided_interval_has_an_unbounded_side() {
    let mut inp = two_props();
    inp.options.alternative = Alternative::Greater;
    let c = &analyze(&inp).unwrap().comparisons[0];
    assert!(c.absolute_ci[0].is_some() && c.absolute_ci[1].is_none());
    assert!(c.relative_ci.unwrap()[1].is_none());
    inp.options.alternative = Alternative::Less;
    let c = &analyze(&inp).unwrap().comparisons[0];
    assert!(c.absolute_ci[0].is_none() && c.absolute_ci[1].is_some());
    assert!(c.p_value.unwrap() > 0.5);
}

#[test]
fn structural_errors_name_their_field() {
    let mut inp = two_props();
    inp.variants.truncate(1);
    assert_eq!(err(&inp), invalid("variants"));

    let mut inp = two_props();
    inp.variants[1].name = "control".into();
    assert_eq!(err(&inp), invalid("variants[1].name"));

    let mut inp = two_props();
    inp.options.control = Some("nope".into());
    assert_eq!(err(&inp), invalid("control"));

    let mut inp = two_props();
    inp.options.alpha = 1.0;
    assert_eq!(err(&inp), invalid("alpha"));
    inp.options.alpha = 0.0;
    assert_eq!(err(&inp), invalid("alpha"));

    let mut inp = two_props();
    inp.options.srm_alpha = f64::NAN;
    assert_eq!(err(&inp), invalid("srmAlpha"));

    let mut inp = two_props();
    inp.options.expected_allocation = Some(vec![1.0, 1.0, 1.0]);
    assert_eq!(err(&inp), invalid("expectedAllocation"));
    inp.options.expected_allocation = Some(vec![1.0, -1.0]);
    assert_eq!(err(&inp), invalid("expectedAllocation[1]"));

    let mut inp = two_props();
    inp.options.sequential_tuning = 0.0;
    assert_eq!(err(&inp), invalid("sequentialTuning"));
}

#[test]
fn count_errors_name_their_field() {
    for (users, conv, field) in [
        (0.0, 0.0, "variants[1].users"),
        (-5.0, 0.0, "variants[1].users"),
        (100.5, 1.0, "variants[1].users"),
        (f64::INFINITY, 1.0, "variants[1].users"),
        (500.0, 520.0, "variants[1].conversions"),
        (500.0, -1.0, "variants[1].conversions"),
        (500.0, 1.5, "variants[1].conversions"),
        (500.0, f64::NAN, "variants[1].conversions"),
    ] {
        let mut inp = two_props();
        inp.variants[1] = prop("treatment", users, conv);
        assert_eq!(err(&inp), invalid(field), "users {users} conversions {conv}");
    }
    let mut inp = two_props();
    inp.variants[0].conversions = None;
    assert_eq!(err(&inp), invalid("variants[0].conversions"));
    inp.variants[0] = prop("control", 500.0, 520.0);
    let e = analyze(&inp).unwrap_err();
    assert!(e.message.contains("conversions (520) exceed users (500)"), "{}", e.message);
}

#[test]
fn mean_and_ratio_errors_name_their_field() {
    let good = || input(MetricKind::Mean, vec![mean("a", 100.0, 500.0, 3000.0), mean("b", 100.0, 520.0, 3200.0)]);
    let mut inp = good();
    inp.variants[1].sum = None;
    assert_eq!(err(&inp), invalid("variants[1].sum"));
    let mut inp = good();
    inp.variants[0].sum_squares = None;
    assert_eq!(err(&inp), invalid("variants[0].sumSquares"));
    let mut inp = good();
    inp.variants[0].sum_squares = Some(1000.0); // < 500²/100: negative variance
    assert_eq!(err(&inp), invalid("variants[0].sumSquares"));
    let mut inp = good();
    inp.variants[1].sum = Some(f64::INFINITY);
    assert_eq!(err(&inp), invalid("variants[1].sum"));

    let good = || {
        input(
            MetricKind::Ratio,
            vec![
                ratio("a", 100.0, (500.0, 4000.0), (50.0, 60.0), 300.0),
                ratio("b", 100.0, (550.0, 4500.0), (55.0, 65.0), 330.0),
            ],
        )
    };
    assert!(analyze(&good()).is_ok());
    let mut inp = good();
    inp.variants[1].numerator = None;
    assert_eq!(err(&inp), invalid("variants[1].numerator"));
    let mut inp = good();
    inp.variants[1].denominator = None;
    assert_eq!(err(&inp), invalid("variants[1].denominator"));
    let mut inp = good();
    inp.variants[0].cross_sum = None;
    assert_eq!(err(&inp), invalid("variants[0].crossSum"));
    let mut inp = good();
    inp.variants[0].denominator = Some(Moments { sum: 0.0, sum_squares: 0.0, cross_sum: None });
    assert_eq!(err(&inp), invalid("variants[0].denominator.sum"));
    let mut inp = good();
    inp.variants[0].numerator = Some(Moments { sum: 500.0, sum_squares: f64::NAN, cross_sum: None });
    assert_eq!(err(&inp), invalid("variants[0].numerator.sumSquares"));
    let mut inp = good();
    inp.variants[0].cross_sum = Some(1e6); // far beyond Cauchy–Schwarz
    assert_eq!(err(&inp), invalid("variants[0].crossSum"));
}

#[test]
fn one_sided_sequential_is_unsupported() {
    let mut inp = two_props();
    inp.options.method = AnalysisMethod::Sequential;
    inp.options.alternative = Alternative::Less;
    assert_eq!(err(&inp), (ErrorCode::Unsupported, "alternative".to_string()));
}

#[test]
fn zero_conversions_give_finite_answers() {
    for method in [AnalysisMethod::Frequentist, AnalysisMethod::Sequential, AnalysisMethod::Bayesian] {
        for (c_a, c_b) in [(0.0, 0.0), (10.0, 0.0), (0.0, 10.0), (1000.0, 1000.0)] {
            let mut inp = input(MetricKind::Proportion, vec![prop("a", 1000.0, c_a), prop("b", 1000.0, c_b)]);
            inp.options.method = method;
            let r = analyze(&inp).unwrap();
            assert_all_finite(&r);
            let c = &r.comparisons[0];
            if c_a == 0.0 {
                assert!(c.relative_lift.is_none() && c.relative_ci.is_none());
                assert!(r.warnings.iter().any(|w| w.code == "ZERO_CONTROL_MEAN"));
            }
            if c_a == 10.0 && method != AnalysisMethod::Bayesian {
                // README item 17: a zero-width relative interval at -1.
                assert_eq!(c.relative_lift, Some(-1.0));
                assert_eq!(c.relative_ci, Some([Some(-1.0), Some(-1.0)]));
            }
            if method != AnalysisMethod::Bayesian && c_a == c_b {
                assert_eq!(c.p_value, Some(1.0));
                assert!(!c.significant);
            }
        }
    }
}

#[test]
fn billion_users_stay_finite() {
    for method in [AnalysisMethod::Frequentist, AnalysisMethod::Sequential, AnalysisMethod::Bayesian] {
        let mut inp = input(MetricKind::Proportion, vec![prop("a", 1e9, 5e8), prop("b", 1e9, 5.0001e8)]);
        inp.options.method = method;
        let r = analyze(&inp).unwrap();
        assert_all_finite(&r);
        if method == AnalysisMethod::Bayesian {
            let chance = r.comparisons[0].chance_to_beat_control.unwrap();
            // Normal approximation: z = 1e-5/ sqrt(2·0.25/1e9) ≈ 0.447 → Φ ≈ 0.6726
            assert_close!(chance, 0.6726, 0.0, 1e-3, strict, "{chance}");
        }
        let mut inp = input(MetricKind::Mean, vec![mean("a", 1e9, 5e10, 5e12), mean("b", 1e9, 5.1e10, 5.2e12)]);
        inp.options.method = method;
        assert_all_finite(&analyze(&inp).unwrap());
        let mut inp = input(
            MetricKind::Ratio,
            vec![
                ratio("a", 1e9, (5e10, 5e12), (1e9, 2e9), 6e10),
                ratio("b", 1e9, (5.1e10, 5.2e12), (1e9, 2e9), 6.1e10),
            ],
        );
        inp.options.method = method;
        assert_all_finite(&analyze(&inp).unwrap());
    }
}

#[test]
fn zero_variance_means_and_single_users_are_finite() {
    let inp = input(MetricKind::Mean, vec![mean("a", 50.0, 100.0, 200.0), mean("b", 50.0, 150.0, 450.0)]);
    let r = analyze(&inp).unwrap();
    assert_all_finite(&r);
    assert_eq!(r.comparisons[0].p_value, Some(0.0));
    assert!(r.warnings.iter().any(|w| w.code == "NO_VARIATION"));
    let inp = input(MetricKind::Mean, vec![mean("a", 2.0, 3.0, 9.0), mean("b", 40.0, 150.0, 700.0)]);
    let r = analyze(&inp).unwrap();
    assert_all_finite(&r);
    assert!(r.warnings.iter().any(|w| w.code == "LOW_SAMPLE" && w.message.contains("\"a\"")));
}

/// Audit: one user per arm gave p = 0 and "significant"; no spread can be
/// estimated from one user, so it is an error naming the arm's users.
#[test]
fn a_mean_arm_with_one_user_is_an_error() {
    let inp = input(MetricKind::Mean, vec![mean("a", 1.0, 3.0, 9.0), mean("b", 40.0, 150.0, 700.0)]);
    assert_eq!(err(&inp), (ErrorCode::InvalidInput, "variants[0].users".to_string()));
    let inp = input(
        MetricKind::Ratio,
        vec![ratio("a", 10.0, (50.0, 300.0), (10.0, 12.0), 60.0), ratio("b", 1.0, (5.0, 25.0), (1.0, 1.0), 5.0)],
    );
    assert_eq!(err(&inp), (ErrorCode::InvalidInput, "variants[1].users".to_string()));
}

/// Audit: sumSquares below sum²/n (here 99.9 < 100 for sum 20, n 4) passed as
/// a zero variance and gave p = 0; it is an impossible input.
#[test]
fn moments_implying_a_negative_variance_are_an_error() {
    let inp = input(MetricKind::Mean, vec![mean("a", 4.0, 20.0, 99.9), mean("b", 40.0, 150.0, 700.0)]);
    assert_eq!(err(&inp), (ErrorCode::InvalidInput, "variants[0].sumSquares".to_string()));
    let inp = input(MetricKind::Mean, vec![mean("a", 4.0, 20.0, 100.0 - 1e-5), mean("b", 40.0, 150.0, 700.0)]);
    assert_eq!(err(&inp), (ErrorCode::InvalidInput, "variants[0].sumSquares".to_string()));
}

#[test]
fn srm_adds_a_warning() {
    let inp = input(MetricKind::Proportion, vec![prop("control", 10000.0, 1000.0), prop("treatment", 10600.0, 1100.0)]);
    let r = analyze(&inp).unwrap();
    assert!(r.srm.mismatch);
    let w = r.warnings.iter().find(|w| w.code == "SRM").expect("SRM warning");
    assert!(w.message.contains("10000 / 10600"), "{}", w.message);
}

#[test]
fn cuped_default_on_off_and_missing() {
    let cov = |s: f64, ss: f64, x: f64| Some(Moments { sum: s, sum_squares: ss, cross_sum: Some(x) });
    let mut a = mean("a", 1000.0, 10000.0, 150000.0);
    let mut b = mean("b", 1000.0, 10500.0, 160000.0);
    a.covariate = cov(9000.0, 120000.0, 125000.0);
    b.covariate = cov(9100.0, 122000.0, 129000.0);
    let with = analyze(&input(MetricKind::Mean, vec![a.clone(), b.clone()])).unwrap();
    let mut off = input(MetricKind::Mean, vec![a.clone(), b.clone()]);
    off.options.cuped = Some(false);
    let without = analyze(&off).unwrap();
    assert_close!(without.comparisons[0].absolute_lift, 0.5, 0.0, 1e-12, strict);
    assert!(with.comparisons[0].absolute_lift != without.comparisons[0].absolute_lift);
    let width = |r: &AnalyzeResult| r.comparisons[0].absolute_ci[1].unwrap() - r.comparisons[0].absolute_ci[0].unwrap();
    assert!(width(&with) < width(&without), "CUPED narrows the interval");

    let mut requested = input(MetricKind::Mean, vec![a.clone(), mean("b", 1000.0, 10500.0, 160000.0)]);
    requested.options.cuped = Some(true);
    let r = analyze(&requested).unwrap();
    assert!(r.warnings.iter().any(|w| w.code == "CUPED_SKIPPED"));
    assert_close!(r.comparisons[0].absolute_lift, 0.5, 0.0, 1e-12, strict);

    let mut bad = b.clone();
    bad.covariate = Some(Moments { sum: 9100.0, sum_squares: 122000.0, cross_sum: None });
    assert_eq!(err(&input(MetricKind::Mean, vec![a, bad])), invalid("variants[1].covariate.crossSum"));
}

/// The variance reduction against a second route: the per-user adjusted values
/// y - theta·(x - x̄) computed one by one, their within-arm variances pooled.
#[test]
fn cuped_reports_theta_and_the_variance_it_removed() {
    let users = |arm: u64| -> Vec<(f64, f64)> {
        (0..500u64)
            .map(|i| {
                let x = ((i * 37 + arm * 11) % 101) as f64 / 10.0;
                let noise = ((i * 53 + 7) % 17) as f64 - 8.0;
                (2.0 * x + noise + arm as f64, x)
            })
            .collect()
    };
    let arms = [users(0), users(1)];
    let variant = |name: &str, u: &[(f64, f64)]| Variant {
        name: name.into(),
        users: u.len() as f64,
        sum: Some(u.iter().map(|p| p.0).sum()),
        sum_squares: Some(u.iter().map(|p| p.0 * p.0).sum()),
        covariate: Some(Moments {
            sum: u.iter().map(|p| p.1).sum(),
            sum_squares: u.iter().map(|p| p.1 * p.1).sum(),
            cross_sum: Some(u.iter().map(|p| p.0 * p.1).sum()),
        }),
        ..Variant::default()
    };
    let r =
        analyze(&input(MetricKind::Mean, vec![variant("control", &arms[0]), variant("treatment", &arms[1])])).unwrap();
    let cuped = r.cuped.expect("CUPED applied");

    let all: Vec<(f64, f64)> = arms.concat();
    let n = all.len() as f64;
    let (my, mx) = (all.iter().map(|p| p.0).sum::<f64>() / n, all.iter().map(|p| p.1).sum::<f64>() / n);
    let cov: f64 = all.iter().map(|p| (p.0 - my) * (p.1 - mx)).sum::<f64>() / (n - 1.0);
    let var_x: f64 = all.iter().map(|p| (p.1 - mx).powi(2)).sum::<f64>() / (n - 1.0);
    let theta = cov / var_x;
    let within = |values: Vec<f64>| {
        let m = values.iter().sum::<f64>() / values.len() as f64;
        values.iter().map(|v| (v - m).powi(2)).sum::<f64>()
    };
    let (mut before, mut after) = (0.0, 0.0);
    for arm in &arms {
        before += within(arm.iter().map(|p| p.0).collect());
        after += within(arm.iter().map(|p| p.0 - theta * (p.1 - mx)).collect());
    }
    assert_close!(cuped.theta, theta, 1e-9, 1e-12);
    assert_close!(cuped.variance_reduction, 1.0 - after / before, 1e-9, 1e-12);
    assert!(cuped.variance_reduction > 0.3, "x explains much of y here: {}", cuped.variance_reduction);

    let mut off = input(MetricKind::Mean, vec![variant("control", &arms[0]), variant("treatment", &arms[1])]);
    off.options.cuped = Some(false);
    assert_eq!(analyze(&off).unwrap().cuped, None);
}

#[test]
fn bayesian_significance_follows_chance() {
    let mut inp = two_props();
    inp.options.method = AnalysisMethod::Bayesian;
    let c = &analyze(&inp).unwrap().comparisons[0];
    assert!(c.p_value.is_none() && c.adjusted_p_value.is_none());
    assert!(c.chance_to_beat_control.unwrap() > 0.95);
    assert!(c.significant);
    assert_eq!(c.verdict, Verdict::Better);
}

/// A mean arm with `users`, sample mean `m` and sample sd `sd`.
fn mean_sd(name: &str, users: f64, m: f64, sd: f64) -> Variant {
    let sum = users * m;
    mean(name, users, sum, sd * sd * (users - 1.0) + sum * sum / users)
}

/// Audit: Bayesian "significant" at a 95.2 % chance beside a 95 % interval
/// crossing 0, and "significant" for `greater` at a 4.6 % chance. Two-sided
/// needs the chance beyond 97.5 % (or below 2.5 %); one-sided beyond 95 % in
/// its own direction. μ/σ = 1.665 gives Φ = 0.9520436 (normal posterior; mpmath `ncdf`).
#[test]
fn bayesian_significance_is_its_own_credible_interval() {
    let sigma = (25.0f64 / 100.0 * 2.0).sqrt();
    let arms = |d: f64| vec![mean_sd("control", 100.0, 10.0, 5.0), mean_sd("b", 100.0, 10.0 + d, 5.0)];
    let run = |d: f64, alternative: Alternative| {
        let mut inp = input(MetricKind::Mean, arms(d));
        inp.options.method = AnalysisMethod::Bayesian;
        inp.options.alternative = alternative;
        analyze(&inp).unwrap().comparisons.remove(0)
    };
    let up = run(1.665 * sigma, Alternative::TwoSided);
    assert_close!(
        up.chance_to_beat_control.unwrap(),
        0.952_043_622_088_264_4,
        0.0,
        1e-12,
        strict,
        "{:?}",
        up.chance_to_beat_control
    );
    assert!(!up.significant && up.absolute_ci[0].unwrap() < 0.0);
    let greater = run(1.665 * sigma, Alternative::Greater);
    assert!(greater.significant && greater.absolute_ci[0].unwrap() > 0.0 && greater.absolute_ci[1].is_none());
    assert_eq!(greater.verdict, Verdict::Better);
    // a 4.8 % chance: "greater" is not significant, "less" is (worse)
    let down = run(-1.665 * sigma, Alternative::Greater);
    assert!(!down.significant);
    let less = run(-1.665 * sigma, Alternative::Less);
    assert!(less.significant && less.absolute_ci[1].unwrap() < 0.0);
    assert_eq!(less.verdict, Verdict::Worse);
}

/// statsmodels clips the per-arm Wald interval to [0, 1]: 1/40 gives
/// 0.025 ± 1.96·0.02469 = [-0.0234, 0.0734] unclipped (mpmath: 0.0733827342).
#[test]
fn per_arm_proportion_intervals_are_clipped_to_zero_and_one() {
    let r = analyze(&input(MetricKind::Proportion, vec![prop("control", 40.0, 1.0), prop("b", 40.0, 39.0)])).unwrap();
    assert_eq!(r.variants[0].ci[0], 0.0);
    assert_close!(r.variants[0].ci[1], 0.073_382_734_201_990_72, 0.0, 1e-12, strict, "{:?}", r.variants[0].ci);
    assert_eq!(r.variants[1].ci[1], 1.0);
}

/// A rate cannot fall by more than 100 %: a treatment with 1 conversion in 30
/// against 2 in 30 has a Fieller lower end below -1 before clipping.
#[test]
fn relative_bounds_of_a_rate_stop_at_minus_100_percent() {
    let r = analyze(&input(MetricKind::Proportion, vec![prop("control", 30.0, 12.0), prop("b", 30.0, 1.0)])).unwrap();
    let [lo, hi] = r.comparisons[0].relative_ci.unwrap();
    assert_eq!(lo, Some(-1.0));
    assert!(hi.unwrap() < 0.0 && r.comparisons[0].significant);
}

/// Audit: 0 conversions collapsed the relative interval to [-1, -1] beside
/// p = 0.31. Now the interval inverts the same Wald test: with p = 0.31 the
/// control is too uncertain for a bounded interval, and the arm is flagged.
#[test]
fn an_arm_without_conversions_is_flagged_and_shows_no_false_evidence() {
    let r =
        analyze(&input(MetricKind::Proportion, vec![prop("control", 1000.0, 1.0), prop("b", 1000.0, 0.0)])).unwrap();
    let c = &r.comparisons[0];
    assert_close!(c.p_value.unwrap(), 0.317_068_416_092_514_8, 0.0, 1e-12, strict, "{:?}", c.p_value);
    assert_eq!(c.relative_ci, Some([None, None]));
    assert!(r.warnings.iter().any(|w| w.code == "DEGENERATE_ARM" && w.message.contains("\"b\"")));
    assert!(r.warnings.iter().any(|w| w.code == "RELATIVE_CI_UNBOUNDED"));
}

/// Audit: scaling every value by 1e78 changed the relative interval 3x (the
/// delta method's mA⁴ overflowed); both intervals are now unit-free.
#[test]
fn values_scaled_by_1e78_give_the_same_relative_interval() {
    for relative in [RelativeInterval::Fieller, RelativeInterval::Delta] {
        let run = |s: f64| {
            let a = mean("control", 500.0, 500.0 * 20.0 * s, (20.0f64.powi(2) * 500.0 + 36.0 * 499.0) * s * s);
            let b = mean("b", 500.0, 500.0 * 21.0 * s, (21.0f64.powi(2) * 500.0 + 36.0 * 499.0) * s * s);
            let mut inp = input(MetricKind::Mean, vec![a, b]);
            inp.options.relative_interval = relative;
            analyze(&inp).unwrap().comparisons.remove(0).relative_ci.unwrap()
        };
        let (one, huge) = (run(1.0), run(1e78));
        for i in 0..2 {
            let (x, y) = (one[i].unwrap(), huge[i].unwrap());
            assert_close!(y, x, 1e-12, 0.0, strict, "{relative:?}: {x} vs {y}");
        }
    }
}

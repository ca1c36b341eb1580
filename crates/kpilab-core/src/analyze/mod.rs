//! Analysis of aggregated results (SDK.md §2): per-arm summaries, each treatment
//! against the control (frequentist, sequential or Bayesian), multiple-testing
//! corrections, the SRM check and plain-language warnings.
//!
//! One concept per file: `arms` (moments → mean/variance, input checks), `cuped`,
//! `frequentist`, `sequential`, `bayesian` (+ `beta_posterior` for the exact
//! Evan Miller sums), `corrections`, `srm`. The normal, t and Beta functions
//! they share with planning are in `crate::special`.

mod arms;
mod bayesian;
mod beta_posterior;
mod control;
mod corrections;
mod cuped;
pub(crate) mod fieller;
mod frequentist;
mod sequential;
pub(crate) mod srm;
mod types;
mod warning_code;
pub(crate) mod warning_text;

#[cfg(test)]
mod tests;

pub use control::{choose_control, control_assumed, ChosenBy, ControlInfo, CONTROL_NAMES};
pub use types::*;
pub use warning_code::WarningCode;
use warning_text as text;

use std::collections::HashSet;

use arms::Arm;
use frequentist::{Effect, Reference};

use crate::common::Alternative;
use crate::error::{KpilabError, Result};
use crate::special::beta::{beta_quantile, Tail};
use crate::validate;

/// Below this many users per arm the normal approximations get shaky.
const SMALL_ARM: f64 = 30.0;

/// Analyses aggregated A/B results (SDK.md §2 `analyze`). References per
/// statistic: statsmodels `test_proportions_2indep`/`confint_proportions_2indep`
/// (Wald, diff), scipy `ttest_ind_from_stats(equal_var=False)`, the delta method of
/// gbstats `RatioStatistic`, gbstats `SequentialTwoSidedTTest`, Evan Miller's exact
/// Beta formulas, statsmodels `multipletests`, scipy `chisquare`.
///
/// Invalid input gives an `INVALID_INPUT` error naming the field; a one-sided
/// sequential request gives `UNSUPPORTED`. The output never holds NaN or Infinity.
pub fn analyze(input: &AnalyzeInput) -> Result<AnalyzeResult> {
    analyze_shifted(input, 0.0)
}

/// `analyze` of a mean metric whose moments are of `value - shift` (the same
/// shift in every arm and for the whole covariate): variances, covariances and
/// CUPED are shift-invariant, the arm means get `shift` back. The CSV evaluator's
/// shifted moments (crate-private; the JSON contract has raw moments).
pub(crate) fn analyze_shifted(input: &AnalyzeInput, shift: f64) -> Result<AnalyzeResult> {
    let opts = &input.options;
    check_options(input)?;
    let (control, assumed) = control_index(input)?;
    let mut raw: Vec<Arm> =
        input.variants.iter().enumerate().map(|(i, v)| arms::build_arm(input.metric, v, i)).collect::<Result<_>>()?;
    if input.metric == MetricKind::Mean && shift != 0.0 {
        raw.iter_mut().for_each(|a| a.mean += shift);
    }

    let mut warnings: Vec<Warning> = assumed.into_iter().collect();
    let (tested, cuped) = cuped_arms(input, &raw, &mut warnings)?;
    let variants = input.variants.iter().zip(&raw).map(|(v, arm)| summarize(input, &v.name, arm)).collect();

    let mut comparisons = Vec::new();
    for (j, v) in input.variants.iter().enumerate().filter(|&(j, _)| j != control) {
        comparisons.push(compare(input, &tested[control], &tested[j], &v.name, &input.variants[control].name));
    }
    apply_corrections(&mut comparisons, opts);

    let users: Vec<f64> = raw.iter().map(|a| a.n).collect();
    let weights = validate::weights("expectedAllocation", opts.expected_allocation.as_deref(), users.len())?;
    let srm = srm::check(&users, &weights, opts.srm_alpha);

    add_data_warnings(input, &raw, control, &comparisons, &mut warnings);
    if srm.mismatch {
        warnings.push(srm_warning(input, &users, &weights, srm.p_value));
    }
    let result = AnalyzeResult { variants, comparisons, srm, warnings, cuped };
    ensure_finite(&result)?;
    Ok(result)
}

fn check_options(input: &AnalyzeInput) -> Result<()> {
    let opts = &input.options;
    validate::open_unit("alpha", opts.alpha)?;
    validate::open_unit("srmAlpha", opts.srm_alpha)?;
    validate::positive("sequentialTuning", opts.sequential_tuning)?;
    if opts.method == AnalysisMethod::Sequential && opts.alternative != Alternative::TwoSided {
        return Err(KpilabError::unsupported(
            "alternative",
            "sequential testing is two-sided only; use alternative \"two-sided\" or the frequentist method",
        ));
    }
    if input.variants.len() < 2 {
        return Err(KpilabError::invalid(
            "variants",
            format!("an A/B test needs at least 2 variants (a control and a treatment), got {}", input.variants.len()),
        ));
    }
    validate::weights("expectedAllocation", opts.expected_allocation.as_deref(), input.variants.len())?;
    let mut seen = HashSet::new();
    for (i, v) in input.variants.iter().enumerate() {
        if !seen.insert(v.name.as_str()) {
            return Err(KpilabError::invalid(
                arms::field(i, "name"),
                format!("the variant name \"{}\" is used twice; every variant needs its own name", v.name),
            ));
        }
    }
    Ok(())
}

/// The control's index (SDK.md §3 rule, `control::choose_control`) and, when
/// nothing named it, the `CONTROL_ASSUMED` warning.
fn control_index(input: &AnalyzeInput) -> Result<(usize, Option<Warning>)> {
    let names: Vec<&str> = input.variants.iter().map(|v| v.name.as_str()).collect();
    match control::choose_control(&names, input.options.control.as_deref()) {
        Some((i, ChosenBy::First)) => Ok((i, Some(control::control_assumed(names[i], "control")))),
        Some((i, _)) => Ok((i, None)),
        None => Err(KpilabError::invalid(
            "control",
            format!(
                "the control \"{}\" is not one of the variants ({})",
                input.options.control.as_deref().unwrap_or_default(),
                names.join(", ")
            ),
        )),
    }
}

/// The arms the comparisons use: CUPED-adjusted when it applies (mean metric,
/// every variant with a covariate, not switched off), else the raw arms.
fn cuped_arms(
    input: &AnalyzeInput,
    raw: &[Arm],
    warnings: &mut Vec<Warning>,
) -> Result<(Vec<Arm>, Option<CupedSummary>)> {
    let unadjusted = Ok((raw.to_vec(), None));
    let requested = input.options.cuped;
    if requested == Some(false) {
        return unadjusted;
    }
    let missing: Vec<&str> = input.variants.iter().filter(|v| v.covariate.is_none()).map(|v| v.name.as_str()).collect();
    let any_covariate = missing.len() < input.variants.len();
    if input.metric != MetricKind::Mean {
        if requested == Some(true) || any_covariate {
            warnings.push(text::cuped_not_a_mean());
        }
        return unadjusted;
    }
    if !missing.is_empty() {
        if requested == Some(true) || any_covariate {
            warnings.push(text::cuped_missing(&missing));
        }
        return unadjusted;
    }
    match cuped::adjust(&input.variants, raw)? {
        Ok((adjusted, theta)) => {
            let variance_reduction = cuped::variance_reduction(raw, &adjusted);
            Ok((adjusted, Some(CupedSummary { theta, variance_reduction })))
        }
        Err(cuped::Skipped::ConstantCovariate) => {
            warnings.push(text::cuped_constant_covariate());
            unadjusted
        }
    }
}

/// Per-arm display: always two-sided 1-alpha. Proportion: Wald z interval
/// (statsmodels `proportion_confint(method="normal")`), or equal-tailed Beta
/// quantiles when Bayesian (scipy `beta.ppf`/`beta.isf`); mean: t interval with
/// n-1 df (scipy `t.interval`), normal when Bayesian; ratio: delta-method z interval.
/// Proportion intervals are clipped to [0, 1].
/// Shows the observed (not CUPED-adjusted) values.
fn summarize(input: &AnalyzeInput, name: &str, arm: &Arm) -> ArmSummary {
    let alpha = input.options.alpha;
    let se = arm.var_of_mean().sqrt();
    let bayesian = input.options.method == AnalysisMethod::Bayesian;
    let ci = match input.metric {
        MetricKind::Proportion if bayesian => {
            let (a, b) = bayesian::beta_posterior(arm);
            [Some(beta_quantile(a, b, alpha / 2.0, Tail::Lower)), Some(beta_quantile(a, b, alpha / 2.0, Tail::Upper))]
        }
        MetricKind::Mean if !bayesian => {
            frequentist::interval(arm.mean, se, alpha, Reference::StudentT(arm.n - 1.0), Alternative::TwoSided)
        }
        _ => frequentist::interval(arm.mean, se, alpha, Reference::Normal, Alternative::TwoSided),
    };
    let mut ci = [ci[0].unwrap_or(arm.mean), ci[1].unwrap_or(arm.mean)];
    if input.metric == MetricKind::Proportion {
        // statsmodels `proportion_confint` clips the Wald interval to [0, 1].
        ci = [ci[0].clamp(0.0, 1.0), ci[1].clamp(0.0, 1.0)];
    }
    ArmSummary { name: name.to_string(), users: arm.n, mean: arm.mean, std_dev: arm.var.sqrt(), ci }
}

fn compare(input: &AnalyzeInput, control: &Arm, treatment: &Arm, variant: &str, control_name: &str) -> Comparison {
    let opts = &input.options;
    let (alpha, alternative, rel) = (opts.alpha, opts.alternative, opts.relative_interval);
    let (mut effect, chance, loss): (Effect, _, _) = match opts.method {
        AnalysisMethod::Frequentist => {
            (frequentist::compare(input.metric, control, treatment, alpha, alternative, rel), None, None)
        }
        AnalysisMethod::Sequential => {
            (sequential::compare(control, treatment, alpha, opts.sequential_tuning, rel), None, None)
        }
        AnalysisMethod::Bayesian => {
            let b = if input.metric == MetricKind::Proportion {
                bayesian::compare_proportions(control, treatment, alpha, alternative, rel)
            } else {
                bayesian::compare_normal(control, treatment, alpha, alternative, rel)
            };
            (b.effect, Some(b.chance_to_beat_control), Some(b.expected_loss))
        }
    };
    if input.metric == MetricKind::Proportion {
        // A rate cannot fall by more than 100 %.
        if let Some([Some(lo), _]) = effect.relative_ci.as_mut() {
            *lo = lo.max(-1.0);
        }
    }
    // Bayesian significance is decided here; p-value methods after the correction.
    let significant = chance.is_some_and(|c| bayesian::significant(c, alpha, alternative));
    let direction = match chance {
        Some(c) => c - 0.5,
        None => effect.absolute_lift,
    };
    Comparison {
        variant: variant.to_string(),
        control: control_name.to_string(),
        absolute_lift: effect.absolute_lift,
        relative_lift: effect.relative_lift,
        absolute_ci: effect.absolute_ci,
        relative_ci: effect.relative_ci,
        p_value: effect.p_value,
        adjusted_p_value: None,
        significant,
        verdict: verdict(significant, direction, opts.higher_is_better),
        chance_to_beat_control: chance,
        expected_loss: loss,
        width_vs_fixed_horizon: (opts.method == AnalysisMethod::Sequential).then(|| {
            sequential::multiplier(control.n + treatment.n, alpha, opts.sequential_tuning)
                / crate::special::normal::normal_isf(alpha / 2.0)
        }),
    }
}

/// Better/worse by the sign of the effect (flipped when lower is better) when
/// significant, else inconclusive.
fn verdict(significant: bool, direction: f64, higher_is_better: bool) -> Verdict {
    let oriented = if higher_is_better { direction } else { -direction };
    if !significant || oriented == 0.0 {
        Verdict::Inconclusive
    } else if oriented > 0.0 {
        Verdict::Better
    } else {
        Verdict::Worse
    }
}

/// Adjusts the p-values across the comparisons (statsmodels `multipletests`) and
/// sets `significant = adjustedPValue < alpha` and the verdict.
fn apply_corrections(comparisons: &mut [Comparison], opts: &AnalysisOptions) {
    let p: Vec<f64> = comparisons.iter().filter_map(|c| c.p_value).collect();
    if p.len() != comparisons.len() {
        return; // Bayesian: no p-values
    }
    for (c, adj) in comparisons.iter_mut().zip(corrections::adjust(&p, opts.correction)) {
        c.adjusted_p_value = Some(adj);
        c.significant = adj < opts.alpha;
        c.verdict = verdict(c.significant, c.absolute_lift, opts.higher_is_better);
    }
}

fn add_data_warnings(
    input: &AnalyzeInput,
    raw: &[Arm],
    control: usize,
    comparisons: &[Comparison],
    warnings: &mut Vec<Warning>,
) {
    for (v, arm) in input.variants.iter().zip(raw) {
        if arm.n < SMALL_ARM {
            warnings.push(text::low_sample(&v.name, arm.n, SMALL_ARM));
        }
    }
    for (v, arm) in input.variants.iter().zip(raw) {
        if input.metric == MetricKind::Proportion && arm.var == 0.0 {
            warnings.push(text::degenerate_arm(&v.name, arm.mean != 0.0));
        } else if input.metric != MetricKind::Proportion && arm.var == 0.0 {
            warnings.push(text::no_variation(&v.name));
        }
    }
    if comparisons.iter().any(|c| c.relative_lift.is_none()) {
        warnings.push(text::zero_control_mean(&input.variants[control].name));
    }
    let unbounded: Vec<&str> =
        comparisons.iter().filter(|c| c.relative_ci == Some([None, None])).map(|c| c.variant.as_str()).collect();
    if !unbounded.is_empty() {
        warnings.push(text::relative_ci_unbounded(&input.variants[control].name, &unbounded));
    }
}

fn percent(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

fn srm_warning(input: &AnalyzeInput, users: &[f64], weights: &[f64], p: f64) -> Warning {
    let total: f64 = users.iter().sum();
    let weight_total: f64 = weights.iter().sum();
    let observed: Vec<String> = users.iter().map(|u| percent(u / total)).collect();
    let expected: Vec<String> = weights.iter().map(|w| percent(w / weight_total)).collect();
    let counts: Vec<String> = users.iter().map(|u| format!("{u}")).collect();
    let names: Vec<&str> = input.variants.iter().map(|v| v.name.as_str()).collect();
    text::srm(&counts, &observed, &expected, &names, p)
}

/// Last line of defence for the "never NaN/Infinity" contract: inputs so extreme
/// that a statistic overflows get a typed error instead of a non-finite number.
fn ensure_finite(r: &AnalyzeResult) -> Result<()> {
    let mut numbers: Vec<f64> = vec![r.srm.chi_square, r.srm.p_value];
    for v in &r.variants {
        numbers.extend([v.users, v.mean, v.std_dev, v.ci[0], v.ci[1]]);
    }
    for c in &r.comparisons {
        numbers.push(c.absolute_lift);
        numbers.extend(c.absolute_ci.iter().flatten());
        numbers.extend(c.relative_lift);
        numbers.extend(c.relative_ci.iter().flatten().flatten());
        numbers
            .extend([c.p_value, c.adjusted_p_value, c.chance_to_beat_control, c.expected_loss].into_iter().flatten());
    }
    numbers.extend(r.cuped.iter().flat_map(|c| [c.theta, c.variance_reduction]));
    if numbers.iter().all(|x| x.is_finite()) {
        Ok(())
    } else {
        Err(KpilabError::no_solution(
            "variants",
            "these numbers are too extreme to analyse reliably (a statistic overflowed); check the sums for unit or scale errors",
        ))
    }
}

//! Time to convert (SDK.md §5): per arm a Kaplan-Meier curve with its
//! exponential Greenwood band, the median and its CI, and the restricted mean
//! time to convert (RMST) up to a horizon tau; per comparison the RMST
//! difference z test (the verdict) with a Fieller relative interval, and, as
//! evidence, the log-rank test and the Cox hazard ratio.
//!
//! One concept per file: `kaplan_meier` (counts per distinct time, the curve,
//! the band, the median), `rmst`, `pair` (two arms on pooled times),
//! `log_rank`, `cox`, `curve` (thinning to at most 200 points), `types`.

mod cox;
mod curve;
mod kaplan_meier;
mod log_rank;
mod pair;
mod rmst;
mod types;

pub use kaplan_meier::SurvivalCounts;
pub use types::*;

use std::collections::HashSet;

use crate::analyze::fieller::{relative_set, MeanAndVariance};
use crate::analyze::warning_text as text;
use crate::analyze::{choose_control, control_assumed, ChosenBy, Verdict, Warning};
use crate::common::Alternative;
use crate::error::{KpilabError, Result};
use crate::special::normal::{normal_cdf, normal_isf, normal_sf};
use crate::validate;

/// Below this many users per arm the normal approximations get shaky.
const SMALL_ARM: u64 = 30;

/// One arm's users, ready for the analysis.
pub struct SurvivalArmInput<'a> {
    pub name: &'a str,
    pub counts: SurvivalCounts,
}

/// The settings of a time-to-event analysis (`TimeToEventInput` without the data).
#[derive(Debug, Clone, PartialEq)]
pub struct SurvivalOptions {
    pub control: Option<String>,
    pub alpha: f64,
    pub alternative: Alternative,
    pub horizon: Option<f64>,
    pub unit: TimeUnit,
    pub higher_is_better: bool,
}

/// Analyses times to convert (SDK.md §5 `analyzeTimeToEvent`). References:
/// lifelines 0.30 `KaplanMeierFitter` (curve, exponential Greenwood band),
/// `median_survival_times(confidence_interval_)`, `restricted_mean_survival_time`,
/// `logrank_test`, `CoxPHFitter` (Efron ties); R survRM2 `rmst2` for the RMST
/// variance; the Fieller interval of SDK.md §2 for `relativeCi`.
///
/// Bad input gives `INVALID_INPUT` naming the field (negative or non-finite
/// times, `times`/`events` of different lengths, an arm without conversions, a
/// horizon past an arm's last observation); a hazard ratio without a finite
/// estimate gives `NO_SOLUTION`. The output never holds NaN or Infinity.
pub fn analyze_time_to_event(input: &TimeToEventInput) -> Result<TimeToEventResult> {
    let mut arms = Vec::with_capacity(input.variants.len());
    for (i, v) in input.variants.iter().enumerate() {
        if v.times.len() != v.events.len() {
            return Err(KpilabError::invalid(
                format!("variants[{i}].events"),
                format!(
                    "variant \"{}\" has {} times but {} events; give one event flag (1 = converted, 0 = still waiting) per time",
                    v.name,
                    v.times.len(),
                    v.events.len()
                ),
            ));
        }
        let mut counts = SurvivalCounts::default();
        for (j, (&t, e)) in v.times.iter().zip(&v.events).enumerate() {
            if !t.is_finite() || t < 0.0 {
                return Err(KpilabError::invalid(
                    format!("variants[{i}].times[{j}]"),
                    format!("a time must be a finite number >= 0 (time from exposure to conversion or to the end of observation); got {t}"),
                ));
            }
            let Some(converted) = e.converted() else {
                return Err(KpilabError::invalid(
                    format!("variants[{i}].events[{j}]"),
                    format!("an event must be 1 (converted) or 0 (still waiting), or true/false; got {}", e.0),
                ));
            };
            counts.add(t, converted);
        }
        arms.push(SurvivalArmInput { name: &v.name, counts });
    }
    let options = SurvivalOptions {
        control: input.control.clone(),
        alpha: input.alpha,
        alternative: input.alternative,
        horizon: input.horizon,
        unit: input.unit,
        higher_is_better: input.higher_is_better,
    };
    analyze_survival(&arms, &options)
}

/// `analyze_time_to_event` on arms already reduced to counts per distinct time
/// (the CSV evaluator streams users into `SurvivalCounts`).
pub fn analyze_survival(arms: &[SurvivalArmInput], options: &SurvivalOptions) -> Result<TimeToEventResult> {
    validate::open_unit("alpha", options.alpha)?;
    if arms.len() < 2 {
        return Err(KpilabError::invalid(
            "variants",
            format!("an A/B test needs at least 2 variants (a control and a treatment), got {}", arms.len()),
        ));
    }
    let mut seen = HashSet::new();
    for (i, a) in arms.iter().enumerate() {
        if !seen.insert(a.name) {
            return Err(KpilabError::invalid(
                format!("variants[{i}].name"),
                format!("the variant name \"{}\" is used twice; every variant needs its own name", a.name),
            ));
        }
        if a.counts.users() == 0 {
            return Err(KpilabError::invalid(
                format!("variants[{i}].times"),
                format!("variant \"{}\" has no users; give each user's time to convert", a.name),
            ));
        }
        if a.counts.events() == 0 {
            return Err(KpilabError::invalid(
                format!("variants[{i}].events"),
                format!(
                    "no user of variant \"{}\" has converted yet (every event is 0); a time-to-convert analysis needs at least one conversion per variant",
                    a.name
                ),
            ));
        }
    }
    let names: Vec<&str> = arms.iter().map(|a| a.name).collect();
    let mut warnings = Vec::new();
    let control = match choose_control(&names, options.control.as_deref()) {
        Some((i, ChosenBy::First)) => {
            warnings.push(control_assumed(names[i], "control"));
            i
        }
        Some((i, _)) => i,
        None => {
            return Err(KpilabError::invalid(
                "control",
                format!(
                    "the control \"{}\" is not one of the variants ({})",
                    options.control.as_deref().unwrap_or_default(),
                    names.join(", ")
                ),
            ))
        }
    };
    let tau = horizon(arms, options)?;

    let band_z = normal_isf(options.alpha / 2.0);
    let tables: Vec<_> = arms.iter().map(|a| kaplan_meier::kaplan_meier(&a.counts, band_z)).collect();
    let variants: Vec<SurvivalArm> = arms.iter().zip(&tables).map(|(a, rows)| summarize(a, rows, tau)).collect();
    for v in variants.iter().filter(|v| v.users < SMALL_ARM) {
        warnings.push(text::low_sample(&v.name, v.users as f64, SMALL_ARM as f64));
    }

    let mut comparisons = Vec::new();
    for j in (0..arms.len()).filter(|&j| j != control) {
        comparisons.push(compare(arms, &variants, control, j, options, &mut warnings)?);
    }
    let result = TimeToEventResult { horizon: tau, unit: options.unit, variants, comparisons, warnings };
    if !all_finite(&result) {
        return Err(KpilabError::no_solution(
            "variants",
            "the data give no finite estimate; check the times and events",
        ));
    }
    Ok(result)
}

/// tau: the given horizon (checked against every arm's last observation) or the
/// smallest of the arms' largest observed times.
fn horizon(arms: &[SurvivalArmInput], options: &SurvivalOptions) -> Result<f64> {
    let unit = options.unit.as_str();
    let (shortest, name) = arms.iter().map(|a| (a.counts.last_time(), a.name)).fold((f64::INFINITY, ""), |best, x| {
        if x.0 < best.0 {
            x
        } else {
            best
        }
    });
    let tau = match options.horizon {
        Some(h) => {
            if !h.is_finite() || h <= 0.0 {
                return Err(KpilabError::invalid(
                    "horizon",
                    format!("horizon must be a number > 0 (in {unit}); got {h}"),
                ));
            }
            if h > shortest {
                return Err(KpilabError::invalid(
                    "horizon",
                    format!(
                        "horizon {h} {unit} is past the last observation of variant \"{name}\" ({shortest} {unit}); \
                         the restricted mean needs every variant observed up to the horizon: use at most {shortest}"
                    ),
                ));
            }
            h
        }
        None => shortest,
    };
    if tau <= 0.0 {
        return Err(KpilabError::invalid(
            "horizon",
            format!("variant \"{name}\" has no time above 0, so there is no horizon for the restricted mean"),
        ));
    }
    Ok(tau)
}

fn summarize(arm: &SurvivalArmInput, rows: &[kaplan_meier::KmRow], tau: f64) -> SurvivalArm {
    let (rmst, rmst_variance) = rmst::rmst(rows, tau);
    SurvivalArm {
        name: arm.name.to_string(),
        users: arm.counts.users(),
        events: arm.counts.events(),
        median: kaplan_meier::first_reaching_half(rows, |r| r.survival),
        median_ci: [
            kaplan_meier::first_reaching_half(rows, |r| r.lower),
            kaplan_meier::first_reaching_half(rows, |r| r.upper),
        ],
        rmst,
        rmst_variance,
        curve: curve::thin(rows),
    }
}

fn compare(
    arms: &[SurvivalArmInput],
    variants: &[SurvivalArm],
    control: usize,
    j: usize,
    options: &SurvivalOptions,
    warnings: &mut Vec<Warning>,
) -> Result<TimeToEventComparison> {
    let (a, b) = (&variants[control], &variants[j]);
    let alpha = options.alpha;
    let diff = b.rmst - a.rmst;
    let se = (a.rmst_variance + b.rmst_variance).sqrt();
    if se <= 0.0 || !se.is_finite() {
        return Err(KpilabError::no_solution(
            "horizon",
            format!(
                "the restricted means of \"{}\" and \"{}\" have no variance up to the horizon; choose a later horizon",
                b.name, a.name
            ),
        ));
    }
    let z = diff / se;
    let (p_value, q) = match options.alternative {
        Alternative::TwoSided => (2.0 * normal_sf(z.abs()), normal_isf(alpha / 2.0)),
        Alternative::Greater => (normal_sf(z), normal_isf(alpha)),
        Alternative::Less => (normal_cdf(z), normal_isf(alpha)),
    };
    let absolute_ci = match options.alternative {
        Alternative::TwoSided => [Some(diff - q * se), Some(diff + q * se)],
        Alternative::Greater => [Some(diff - q * se), None],
        Alternative::Less => [None, Some(diff + q * se)],
    };
    let mv = |v: &SurvivalArm| MeanAndVariance { mean: v.rmst, var: v.rmst_variance };
    let relative_ci = relative_set(mv(a), mv(b), q, options.alternative).unwrap_or_else(|| {
        warnings.push(text::relative_rmst_unbounded(&b.name));
        [None, None]
    });
    let significant = p_value < alpha;
    let verdict = if !significant || diff == 0.0 {
        Verdict::Inconclusive
    } else if (diff > 0.0) == options.higher_is_better {
        Verdict::Better
    } else {
        Verdict::Worse
    };

    let rows = pair::pair_rows(&arms[control].counts, &arms[j].counts);
    let (log_rank_chi_square, log_rank_p_value) = log_rank::log_rank(&rows);
    let Some((hazard_ratio, hazard_ratio_ci)) = cox::hazard_ratio(&rows, normal_isf(alpha / 2.0)) else {
        return Err(KpilabError::no_solution(
            format!("variants[{j}].events"),
            format!(
                "the hazard ratio of \"{}\" against \"{}\" has no finite estimate (one variant converts only while the other has no one left waiting); collect more data",
                b.name, a.name
            ),
        ));
    };
    Ok(TimeToEventComparison {
        variant: b.name.clone(),
        control: a.name.clone(),
        absolute_lift: diff,
        absolute_ci,
        relative_lift: b.rmst / a.rmst - 1.0,
        relative_ci,
        p_value,
        significant,
        verdict,
        log_rank_chi_square,
        log_rank_p_value,
        hazard_ratio,
        hazard_ratio_ci,
    })
}

fn all_finite(r: &TimeToEventResult) -> bool {
    let ok = |x: f64| x.is_finite();
    let ok2 = |b: &[Option<f64>; 2]| b.iter().flatten().all(|x| x.is_finite());
    ok(r.horizon)
        && r.variants.iter().all(|v| {
            v.median.is_none_or(ok)
                && ok2(&v.median_ci)
                && ok(v.rmst)
                && ok(v.rmst_variance)
                && v.curve.iter().all(|p| ok(p.time) && ok(p.survival) && ok(p.lower) && ok(p.upper))
        })
        && r.comparisons.iter().all(|c| {
            ok(c.absolute_lift)
                && ok2(&c.absolute_ci)
                && ok(c.relative_lift)
                && ok2(&c.relative_ci)
                && ok(c.p_value)
                && ok(c.log_rank_chi_square)
                && ok(c.log_rank_p_value)
                && ok(c.hazard_ratio)
                && c.hazard_ratio_ci.iter().all(|x| x.is_finite())
        })
}

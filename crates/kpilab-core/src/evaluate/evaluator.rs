//! `CsvEvaluator`: bytes in (any chunking), `Evaluation` out (SDK.md §3).
//!
//! push → `RecordReader` (records) → `Rows` (checks, accounting, moments);
//! finish → one `AnalyzeInput` per KPI (and per segment) → `analyze` → decision
//! and revenue projection. Memory: the moments (groups × variants × terms), one
//! partial record, and with `userColumn` one entry per distinct user.

use super::decision::decide;
use super::layout::KpiTerms;
use super::layout::Layout;
use super::rows::Rows;
use super::time_to_event::SurvivalAcc;
use super::types::{
    EvalConfig, Evaluation, KpiKind, KpiResult, KpiSpec, Progress, RevenueImpact, RowReport, SegmentResult,
};
use crate::analyze::warning_text as text;
use crate::analyze::{
    analyze_shifted, choose_control, control_assumed, AnalysisOptions, AnalyzeInput, ChosenBy, ControlInfo, MetricKind,
    Warning,
};
use crate::csv::RecordReader;
use crate::edit_distance::edit_distance;
use crate::error::{KpilabError, Result};
use crate::evaluate::event_types::{DataQuality, StepRate, StepResult};

/// Segment comparisons beyond which a multiplicity warning is added.
const MANY_SEGMENT_COMPARISONS: usize = 10;

/// Streaming evaluator: push chunks split anywhere; memory bounded by variants ×
/// segments × KPIs (plus distinct users with `userColumn`), never by file size.
pub struct CsvEvaluator {
    pub(super) config: EvalConfig,
    pub(super) reader: RecordReader,
    pub(super) rows: Rows,
    bytes: u64,
    /// After an error the stream is unusable; later calls repeat the error.
    pub(super) failed: Option<KpilabError>,
}

/// Per KPI: a funnel's step inputs (empty for other kinds).
pub(crate) type StepInputs = Vec<Vec<AnalyzeInput>>;

/// The `analyze` inputs the moments give, before any statistics (testable alone).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Prepared {
    pub kpis: Vec<AnalyzeInput>,
    /// Per KPI: a funnel's step inputs (empty for other kinds).
    pub steps: StepInputs,
    /// `(column, value, one input per KPI, step inputs per KPI)` in segmentColumns,
    /// then first-appearance order.
    pub segments: Vec<(String, String, Vec<AnalyzeInput>, StepInputs)>,
    pub rows: RowReport,
    pub control: ControlInfo,
    /// Per KPI: `[value, covariate]` shifts of a mean KPI's moments (the inputs
    /// hold moments of `x - shift`, the same in every group; 0 for other kinds).
    pub shifts: Vec<[f64; 2]>,
    pub warnings: Vec<Warning>,
    pub quality: DataQuality,
    /// Rows naming another variant than their user's first row (`USER_IN_SEVERAL_VARIANTS`).
    pub switched_variant_rows: u64,
    /// Time-to-event KPIs' counts per time (`time_to_event.rs`).
    pub survival: SurvivalAcc,
}

impl CsvEvaluator {
    pub fn new(mut config: EvalConfig) -> Result<Self> {
        // SDK.md §5: `higherIsBetter?: false`, converting sooner is better.
        for k in config.kpis.iter_mut().filter(|k| k.kind == KpiKind::TimeToEvent) {
            k.higher_is_better = false;
        }
        let layout = Layout::from_config(&config)?;
        let reader = RecordReader::new(layout.delimiter);
        let rows = Rows::new(layout, &config);
        Ok(CsvEvaluator { config, reader, rows, bytes: 0, failed: None })
    }

    pub fn push(&mut self, chunk: &[u8]) -> Result<()> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        self.bytes += chunk.len() as u64;
        let (rows, config) = (&mut self.rows, &self.config);
        // One dispatch per chunk, none per row: the plain path stays as it was.
        let outcome = match rows.events {
            None => rows.read_plain(&mut self.reader, chunk, config),
            Some(_) => self.reader.push(chunk, &mut |rec| rows.handle_event(rec, config)),
        };
        if let Err(e) = &outcome {
            self.failed = Some(e.clone());
        }
        outcome
    }

    pub fn progress(&self) -> Progress {
        Progress { bytes: self.bytes as f64, rows: self.rows.tally.read as f64 }
    }

    pub fn finish(self) -> Result<Evaluation> {
        let config = self.config.clone();
        let prepared = self.prepare()?;
        evaluate(prepared, &config)
    }

    /// Ends the stream: its aggregates (SDK.md §6) and its evaluation from there.
    pub fn end(self) -> Result<super::aggregates::Finished> {
        let config = self.config.clone();
        Ok(super::aggregates::Finished { prepared: self.prepare()?, config })
    }

    /// Ends the stream and turns the moments into `analyze` inputs.
    pub(crate) fn prepare(mut self) -> Result<Prepared> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        let (rows, config) = (&mut self.rows, &self.config);
        match rows.events {
            None => rows.finish_plain(&mut self.reader, config)?,
            Some(_) => self.reader.finish(&mut |rec| rows.handle_event(rec, config))?,
        }
        self.rows.fold_users();
        self.rows.survival.check(&self.config)?;
        let mut prepared = prepare(&self.rows, &self.config)?;
        prepared.survival = std::mem::take(&mut self.rows.survival);
        prepared.survival.segment_groups = segment_groups(&self.rows, &self.config);
        Ok(prepared)
    }
}

pub(super) fn prepare(rows: &Rows, config: &EvalConfig) -> Result<Prepared> {
    if rows.columns.is_none() {
        return Err(KpilabError::csv("", "the CSV is empty: it has no header row"));
    }
    let names = rows.variants.names();
    if let Some(wanted) = &config.analysis.variants {
        for (i, w) in wanted.iter().enumerate() {
            if !names.contains(w) {
                let found: Vec<&str> = names.iter().chain(rows.excluded.names()).map(String::as_str).collect();
                return Err(KpilabError::invalid(
                    format!("analysis.variants[{i}]"),
                    format!(
                        "analysis.variants names \"{w}\", which is not a value of column \"{}\"; found: {}",
                        config.variant_column,
                        found.join(", ")
                    ),
                ));
            }
        }
    }
    if names.len() < 2 {
        let found = match names.first() {
            None => "no usable data rows".to_string(),
            Some(n) => format!("only one variant (\"{n}\") in column \"{}\"", config.variant_column),
        };
        let first_error = rows.tally.errors.first().map_or(String::new(), |e| {
            format!(" ({} rows were skipped; the first, line {}: {})", rows.tally.skipped, e.line, e.message)
        });
        return Err(KpilabError::csv(
            "variantColumn",
            format!("found {found}; a test needs a control and at least one treatment{first_error}"),
        ));
    }
    let mut warnings = Vec::new();
    let given = config.analysis.options.control.as_deref();
    let Some((control_index, chosen_by)) = choose_control(names, given) else {
        return Err(KpilabError::csv(
            "analysis.control",
            format!(
                "control \"{}\" is not a value of column \"{}\"; found: {}",
                given.unwrap_or_default(),
                config.variant_column,
                names.join(", ")
            ),
        ));
    };
    let control = names[control_index].clone();
    if chosen_by == ChosenBy::First {
        warnings.push(control_assumed(&control, "analysis.control"));
    }
    let users: Vec<f64> = (0..names.len()).map(|v| rows.acc.users(0, v as u32) as f64).collect();
    warnings.extend(likely_typos(names, &users));

    let input = |i: usize, spec: &KpiSpec, terms: &KpiTerms, group: u32| -> Result<AnalyzeInput> {
        let variants: Vec<_> = (0..names.len()).map(|v| rows.acc.variant(terms, group, v as u32, &names[v])).collect();
        if !variants.iter().all(variant_is_finite) {
            return Err(KpilabError::csv(
                format!("kpis[{i}]"),
                format!("KPI \"{}\": the values are too large to add up (the sums overflow)", spec.name),
            ));
        }
        let metric = match spec.kind {
            // A time to convert: only the users per arm (its counts are `Prepared::survival`).
            KpiKind::Conversion | KpiKind::Funnel | KpiKind::TimeToEvent => MetricKind::Proportion,
            KpiKind::Mean => MetricKind::Mean,
            KpiKind::Ratio => MetricKind::Ratio,
        };
        let options = AnalysisOptions {
            control: Some(control.clone()),
            higher_is_better: spec.higher_is_better,
            ..config.analysis.options.clone()
        };
        Ok(AnalyzeInput { metric, variants, options })
    };
    let inputs_for = |group: u32| -> Result<(Vec<AnalyzeInput>, StepInputs)> {
        let mut kpis = Vec::with_capacity(config.kpis.len());
        let mut steps = Vec::with_capacity(config.kpis.len());
        for (i, (spec, terms)) in config.kpis.iter().zip(&rows.layout.kpis).enumerate() {
            kpis.push(input(i, spec, terms, group)?);
            steps.push(
                rows.layout.steps[i]
                    .iter()
                    .map(|&t| input(i, spec, &KpiTerms::Conversion { conversions: t }, group))
                    .collect::<Result<_>>()?,
            );
        }
        Ok((kpis, steps))
    };

    let (kpis, steps) = inputs_for(0)?;
    let mut segments = Vec::new();
    for (j, column) in config.segment_columns.iter().enumerate() {
        for (value, &group) in rows.segments[j].names().iter().zip(&rows.segment_groups[j]) {
            let (kpis, steps) = inputs_for(group)?;
            segments.push((column.clone(), value.clone(), kpis, steps));
        }
    }

    let switched_variant_rows = rows.users.as_ref().map_or(0, |u| u.switched_variant);
    let quality = rows.events.as_ref().map(|e| e.quality.clone()).unwrap_or_default();
    warnings.extend(data_warnings(segments.len(), names.len(), config, switched_variant_rows, &quality));
    let shifts = rows.layout.kpis.iter().map(|k| rows.acc.mean_shifts(k)).collect();
    Ok(Prepared {
        kpis,
        steps,
        quality,
        segments,
        rows: rows.tally.report(),
        control: ControlInfo { name: control, chosen_by },
        shifts,
        warnings,
        switched_variant_rows,
        survival: SurvivalAcc::default(),
    })
}

/// The evaluation-wide warnings after the control's and the typos': many segment
/// comparisons, users switching variant, contaminated users (shared with the
/// aggregates path, `aggregates.rs`).
pub(super) fn data_warnings(
    segments: usize,
    variants: usize,
    config: &EvalConfig,
    switched: u64,
    quality: &DataQuality,
) -> Vec<Warning> {
    let mut warnings = Vec::new();
    let comparisons = segments * (variants - 1);
    if comparisons > MANY_SEGMENT_COMPARISONS {
        let alpha = config.analysis.options.alpha;
        warnings.push(text::many_segments(comparisons, segments, variants - 1, alpha));
    }
    if switched > 0 {
        warnings.push(text::user_in_several_variants(switched));
    }
    if quality.multi_variant_users > 0.0 {
        warnings.push(text::sample_contamination(quality.multi_variant_users));
    }
    warnings
}

/// The group of each segment, in the order `prepare` lists the segments.
fn segment_groups(rows: &Rows, config: &EvalConfig) -> Vec<u32> {
    (0..config.segment_columns.len()).flat_map(|j| rows.segment_groups[j].iter().copied()).collect()
}

fn variant_is_finite(v: &crate::analyze::Variant) -> bool {
    let moments = |m: &Option<crate::analyze::Moments>| {
        m.as_ref()
            .is_none_or(|m| m.sum.is_finite() && m.sum_squares.is_finite() && m.cross_sum.is_none_or(f64::is_finite))
    };
    [v.conversions, v.sum, v.sum_squares, v.cross_sum].iter().all(|x| x.is_none_or(f64::is_finite))
        && moments(&v.covariate)
        && moments(&v.numerator)
        && moments(&v.denominator)
}

/// Statistics, decision and revenue projection from the prepared inputs.
#[inline(never)]
pub(super) fn evaluate(prepared: Prepared, config: &EvalConfig) -> Result<Evaluation> {
    let Prepared {
        kpis: inputs,
        steps,
        segments: segment_inputs,
        rows,
        control,
        shifts,
        mut warnings,
        quality,
        survival,
        switched_variant_rows: _,
    } = prepared;
    // One KPI in one group (0 = the whole test): `analyze`, or the survival analysis.
    let analyze_kpi = |i: usize, group: u32, input: &AnalyzeInput| match config.kpis[i].kind {
        KpiKind::TimeToEvent => survival.analyze(i, group, input, &config.kpis[i]).map(|(r, t)| (r, Some(t))),
        _ => analyze_shifted(input, shifts[i][0]).map(|r| (r, None)),
    };
    let mut kpis = Vec::with_capacity(inputs.len());
    for (i, (spec, input)) in config.kpis.iter().zip(&inputs).enumerate() {
        let fail = |e: KpilabError| {
            KpilabError::new(e.code, format!("kpis[{i}]"), format!("KPI \"{}\": {}", spec.name, e.message))
        };
        let (result, time_to_event) = analyze_kpi(i, 0, input).map_err(fail)?;
        let steps = step_results(spec, &steps[i]).map_err(fail)?;
        kpis.push(KpiResult { name: spec.name.clone(), role: spec.role, result, steps, time_to_event });
    }

    // Each segment is analysed on its own rows with the same settings; one that
    // cannot be (e.g. a variant without users there) is left out with a warning.
    let mut segments = Vec::with_capacity(segment_inputs.len());
    'segments: for (s, (column, value, inputs, seg_steps)) in segment_inputs.into_iter().enumerate() {
        let mut seg_kpis = Vec::with_capacity(inputs.len());
        let group = survival.segment_groups.get(s).copied().unwrap_or(0);
        for (i, ((spec, input), steps)) in config.kpis.iter().zip(&inputs).zip(&seg_steps).enumerate() {
            let analyzed = analyze_kpi(i, group, input).and_then(|r| Ok((r, step_results(spec, steps)?)));
            match analyzed {
                Ok(((result, time_to_event), steps)) => {
                    seg_kpis.push(KpiResult { name: spec.name.clone(), role: spec.role, result, steps, time_to_event })
                }
                Err(e) => {
                    warnings.push(text::segment_skipped(&column, &value, &spec.name, &e.message));
                    continue 'segments;
                }
            }
        }
        segments.push(SegmentResult { column, value, kpis: seg_kpis });
    }

    let decision = decide(&config.kpis, &kpis, &config.analysis);
    let revenue_impact = revenue_impact(config, &kpis, decision.variant.as_deref(), &mut warnings);
    Ok(Evaluation { kpis, segments, decision, revenue_impact, rows, control, warnings, quality })
}

/// A funnel's per-step results (SDK.md §4): each step against all exposed users,
/// plus the step-to-step rate per variant as a diagnostic.
fn step_results(spec: &KpiSpec, inputs: &[AnalyzeInput]) -> Result<Option<Vec<StepResult>>> {
    let Some(steps) = &spec.steps else {
        return Ok(None);
    };
    let mut results = Vec::with_capacity(inputs.len());
    for (j, (step, input)) in steps.iter().zip(inputs).enumerate() {
        let from_previous = input
            .variants
            .iter()
            .enumerate()
            .map(|(v, arm)| {
                let previous = j.checked_sub(1).and_then(|p| inputs[p].variants[v].conversions);
                let rate = previous.zip(arm.conversions).filter(|&(p, _)| p > 0.0).map(|(p, c)| c / p);
                StepRate { variant: arm.name.clone(), rate }
            })
            .collect();
        results.push(StepResult { name: step.name.clone(), result: analyze_shifted(input, 0.0)?, from_previous });
    }
    Ok(Some(results))
}

/// SDK.md §3: `annual = absoluteLift × annualUsers`, `ci = absoluteCi × annualUsers`,
/// for the shipped treatment, else the first.
fn revenue_impact(
    config: &EvalConfig,
    kpis: &[KpiResult],
    shipped: Option<&str>,
    warnings: &mut Vec<Warning>,
) -> Option<RevenueImpact> {
    let (name, annual_users) = (config.revenue_kpi.as_ref()?, config.annual_users?);
    let kpi = kpis.iter().find(|k| &k.name == name)?;
    let comparisons = &kpi.result.comparisons;
    let c = shipped.and_then(|v| comparisons.iter().find(|c| c.variant == v)).or(comparisons.first())?;
    match c.absolute_ci {
        [Some(lo), Some(hi)] => {
            let impact =
                RevenueImpact { annual: c.absolute_lift * annual_users, ci: [lo * annual_users, hi * annual_users] };
            (impact.annual.is_finite() && impact.ci.iter().all(|x| x.is_finite())).then_some(impact)
        }
        _ => {
            warnings.push(text::revenue_impact_one_sided(name));
            None
        }
    }
}

/// `VARIANT_LIKELY_TYPO`: an arm with fewer than 1 % of the users of the largest
/// arm whose name is within edit distance 2 (any case) of another arm's.
pub(super) fn likely_typos(names: &[String], users: &[f64]) -> Vec<Warning> {
    let largest = users.iter().copied().fold(0.0, f64::max);
    let lower: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
    let mut warnings = Vec::new();
    for (i, name) in names.iter().enumerate() {
        if users[i] * 100.0 >= largest {
            continue;
        }
        // The closest other arm, the larger one on a tie.
        let close = (0..names.len())
            .filter(|&j| j != i)
            .map(|j| (edit_distance(&lower[i], &lower[j]), -users[j], j))
            .filter(|&(d, _, _)| d <= 2)
            .min_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        if let Some((_, _, j)) = close {
            let keep: Vec<&str> = names.iter().enumerate().filter(|&(k, _)| k != i).map(|(_, n)| n.as_str()).collect();
            warnings.push(text::variant_likely_typo(name, users[i], &names[j], &keep));
        }
    }
    warnings
}

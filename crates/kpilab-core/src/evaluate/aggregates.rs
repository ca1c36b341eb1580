//! Aggregates (SDK.md §6): the sufficient statistics of an evaluation as rows, one
//! per (segment column, segment value, variant), and the evaluation back from them
//! through the same `analyze` path as `evaluateCsv`.
//!
//! Columns (`<kpi>` is the KPI's name; every sum is over the cell's users):
//!
//! | column | meaning |
//! |---|---|
//! | `segment_column`, `segment_value` | null on the whole-data rows |
//! | `variant`, `users` | the arm and its users in the cell |
//! | `<kpi>__sum` | conversion, funnel: converted users (funnel: the last step); mean: Σ(y - shift) |
//! | `<kpi>__sum_squares`, `<kpi>__shift` | mean: Σ(y - shift)², and the shift (one value for every row) |
//! | `<kpi>__covariate_sum`, `<kpi>__covariate_sum_squares`, `<kpi>__covariate_shift` | mean with CUPED: the same for the covariate x |
//! | `<kpi>__cross_sum` | mean with CUPED: Σ(y - shift)(x - covariate_shift); ratio: Σ(a - numerator_shift)(b - denominator_shift) |
//! | `<kpi>__numerator_sum`, `<kpi>__numerator_sum_squares`, `<kpi>__numerator_shift` | ratio: Σ(a - shift), Σ(a - shift)², the shift |
//! | `<kpi>__denominator_sum`, `<kpi>__denominator_sum_squares`, `<kpi>__denominator_shift` | ratio: the same for b |
//! | `<kpi>__step_<j>__sum` | funnel: users who reached step j (1-based) |
//! | `<kpi>__<part>_cap`, `<kpi>__<part>_capped_users` | capped KPIs (`part`: value, numerator, denominator): the cap and the users above it |
//! | `time` | only with a time-to-event KPI: null on the rows above; a number on a count row (below) |
//! | `<kpi>__events`, `<kpi>__censored` | time-to-event: on a count row, the cell's users who converted / were censored at `time` (in the KPI's `unit`) |
//! | `rows_read`, `rows_skipped`, `rows_excluded`, `switched_variant_rows`, `multi_variant_users`, `rows_before_exposure`, `rows_outside_window`, `users_without_exposure`, `users_window_open`, `timestamp_errors` | counts for `rows` and `quality`: summed over the whole-data rows (missing = 0) |
//!
//! Time-to-event KPIs (SDK.md §5) add long "count rows": one per (segment column,
//! segment value, variant, KPI, distinct time) with `time` set, that KPI's
//! `<kpi>__events` and `<kpi>__censored`, and every other statistic null (`users`
//! too); the Kaplan-Meier, Greenwood, median, RMST, log-rank and Cox (Efron)
//! statistics are exact functions of these tied counts, so `evaluate_aggregates`
//! gives `evaluateCsv`'s numbers. A cell without converting or censored users
//! at a time has no row for it; count rows may come in any order.
//!
//! Shifts make the sums numerically stable (values near 1e9 with a spread of 0.01
//! keep their variance); any per-KPI constant works, the reader re-centres rows
//! whose shift differs. Null sums read as 0 (SQL's SUM over no rows).

use std::collections::BTreeMap;

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Serialize, Serializer};

use super::evaluator::{data_warnings, evaluate, likely_typos, Prepared, StepInputs};
use super::sum::CompensatedSum;
use super::time_to_event::SurvivalAcc;
use super::types::{EvalConfig, Evaluation, KpiKind, KpiSpec, RowReport};
use crate::analyze::{
    choose_control, control_assumed, AnalysisOptions, AnalyzeInput, ChosenBy, ControlInfo, MetricKind, Moments, Variant,
};
use crate::csv::number::parse_number;
use crate::error::{KpilabError, Result};
use crate::evaluate::event_types::{CappedValue, DataQuality};

/// One cell of an aggregates row: a number or a text (`null` is `None`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Cell {
    Number(f64),
    Text(String),
}

/// Rows of named cells, in column order (serialized as an array of objects).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Aggregates {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Option<Cell>>>,
}

/// The count columns carried by the whole-data rows (summed over them).
pub const COUNT_COLUMNS: [&str; 10] = [
    "rows_read",
    "rows_skipped",
    "rows_excluded",
    "switched_variant_rows",
    "multi_variant_users",
    "rows_before_exposure",
    "rows_outside_window",
    "users_without_exposure",
    "users_window_open",
    "timestamp_errors",
];

/// Which statistic of a KPI a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KpiStat {
    Sum,
    SumSquares,
    Shift,
    CovariateSum,
    CovariateSumSquares,
    CovariateShift,
    CrossSum,
    NumeratorSum,
    NumeratorSumSquares,
    NumeratorShift,
    DenominatorSum,
    DenominatorSumSquares,
    DenominatorShift,
    /// Funnel step, 0-based (the column name is 1-based).
    StepSum(usize),
}

impl KpiStat {
    /// The column name of this statistic of KPI `kpi`.
    pub fn column(self, kpi: &str) -> String {
        let suffix = match self {
            KpiStat::Sum => "sum",
            KpiStat::SumSquares => "sum_squares",
            KpiStat::Shift => "shift",
            KpiStat::CovariateSum => "covariate_sum",
            KpiStat::CovariateSumSquares => "covariate_sum_squares",
            KpiStat::CovariateShift => "covariate_shift",
            KpiStat::CrossSum => "cross_sum",
            KpiStat::NumeratorSum => "numerator_sum",
            KpiStat::NumeratorSumSquares => "numerator_sum_squares",
            KpiStat::NumeratorShift => "numerator_shift",
            KpiStat::DenominatorSum => "denominator_sum",
            KpiStat::DenominatorSumSquares => "denominator_sum_squares",
            KpiStat::DenominatorShift => "denominator_shift",
            KpiStat::StepSum(j) => return format!("{kpi}__step_{}__sum", j + 1),
        };
        format!("{kpi}__{suffix}")
    }
}

/// The statistics columns of one KPI, in output order.
pub fn kpi_stats(spec: &KpiSpec) -> Vec<KpiStat> {
    use KpiStat::*;
    match spec.kind {
        KpiKind::Conversion => vec![Sum],
        KpiKind::Mean if spec.covariate.is_some() => {
            vec![Sum, SumSquares, Shift, CovariateSum, CovariateSumSquares, CovariateShift, CrossSum]
        }
        KpiKind::Mean => vec![Sum, SumSquares, Shift],
        KpiKind::Ratio => vec![
            NumeratorSum,
            NumeratorSumSquares,
            NumeratorShift,
            DenominatorSum,
            DenominatorSumSquares,
            DenominatorShift,
            CrossSum,
        ],
        KpiKind::Funnel => {
            let steps = spec.steps.as_ref().map_or(0, Vec::len);
            std::iter::once(Sum).chain((0..steps).map(StepSum)).collect()
        }
        // No per-cell sums: its counts per time are the count rows (`time_to_event_columns`).
        KpiKind::TimeToEvent => Vec::new(),
    }
}

/// The count columns of a time-to-event KPI: `[events, censored]` at `time`.
pub fn time_to_event_columns(kpi: &str) -> [String; 2] {
    [format!("{kpi}__events"), format!("{kpi}__censored")]
}

/// Whether the aggregates of `config` have count rows (a `time` column).
pub fn has_count_rows(config: &EvalConfig) -> bool {
    config.kpis.iter().any(|k| k.kind == KpiKind::TimeToEvent)
}

/// Parts a cap can apply to, in `quality.cappedValues` order.
const CAP_PARTS: [&str; 3] = ["value", "numerator", "denominator"];

fn cap_columns(kpi: &str, part: &str) -> [String; 2] {
    [format!("{kpi}__{part}_cap"), format!("{kpi}__{part}_capped_users")]
}

/// A finished local run: its aggregates, and its evaluation.
pub struct Finished {
    pub(super) prepared: Prepared,
    pub(super) config: EvalConfig,
}

impl Finished {
    /// The run's aggregates (SDK.md §6): `evaluate_aggregates` of them gives `evaluate()`.
    pub fn aggregates(&self) -> Aggregates {
        let (p, config) = (&self.prepared, &self.config);
        let mut columns: Vec<String> = ["segment_column", "segment_value", "variant", "users"].map(String::from).into();
        let timed = has_count_rows(config);
        if timed {
            columns.push("time".to_string());
        }
        // Per KPI: where its columns start (a time-to-event KPI's are its two counts).
        let mut kpi_at = Vec::new();
        for spec in &config.kpis {
            kpi_at.push(columns.len());
            match spec.kind {
                KpiKind::TimeToEvent => columns.extend(time_to_event_columns(&spec.name)),
                _ => columns.extend(kpi_stats(spec).into_iter().map(|s| s.column(&spec.name))),
            }
        }
        columns.extend(COUNT_COLUMNS.map(String::from));
        for c in &p.quality.capped_values {
            columns.extend(cap_columns(&c.kpi, &c.part));
        }
        let q = &p.quality;
        let counts = [
            p.rows.read,
            p.rows.skipped,
            p.rows.excluded,
            p.switched_variant_rows as f64,
            q.multi_variant_users,
            q.rows_before_exposure,
            q.rows_outside_window,
            q.users_without_exposure,
            q.users_window_open,
            q.timestamp_errors,
        ];
        let mut rows = Vec::new();
        let width = columns.len();
        let mut group = |segment: Option<(&str, &str)>, id: u32, inputs: &[AnalyzeInput], steps: &StepInputs| {
            let variants = &inputs[0].variants;
            for (v, arm) in variants.iter().enumerate() {
                if segment.is_some() && arm.users == 0.0 {
                    continue; // as SQL's GROUP BY: no row for an empty cell
                }
                let text = |s: &str| Some(Cell::Text(s.to_string()));
                let num = |x: f64| Some(Cell::Number(x));
                let mut row = vec![
                    segment.and_then(|s| text(s.0)),
                    segment.and_then(|s| text(s.1)),
                    text(&arm.name),
                    num(arm.users),
                ];
                if timed {
                    row.push(None);
                }
                for (i, spec) in config.kpis.iter().enumerate() {
                    let arm = &inputs[i].variants[v];
                    match spec.kind {
                        KpiKind::TimeToEvent => row.extend([None, None]),
                        _ => row.extend(
                            kpi_stats(spec)
                                .into_iter()
                                .map(|stat| num(stat_value(stat, arm, p.shifts[i], &steps[i], v))),
                        ),
                    }
                }
                let first = segment.is_none() && v == 0;
                for c in counts {
                    row.push(match (segment, first) {
                        (Some(_), _) => None,
                        (None, true) => num(c),
                        (None, false) => num(0.0),
                    });
                }
                for c in &q.capped_values {
                    row.push(segment.is_none().then_some(Cell::Number(c.cap)));
                    row.push(segment.is_none().then_some(Cell::Number(if first { c.users } else { 0.0 })));
                }
                let label = row[..3].to_vec();
                rows.push(row);
                // The cell's count rows, one per KPI and time.
                for (i, _) in config.kpis.iter().enumerate().filter(|(_, k)| k.kind == KpiKind::TimeToEvent) {
                    let Some(counts) = p.survival.counts(i, id, v as u32) else { continue };
                    for (time, events, censored) in counts.rows() {
                        let mut r = label.clone();
                        r.resize(width, None);
                        r[4] = num(time);
                        r[kpi_at[i]] = num(events as f64);
                        r[kpi_at[i] + 1] = num(censored as f64);
                        rows.push(r);
                    }
                }
            }
        };
        group(None, 0, &p.kpis, &p.steps);
        for (s, (column, value, inputs, steps)) in p.segments.iter().enumerate() {
            let id = p.survival.segment_groups.get(s).copied().unwrap_or(0);
            group(Some((column, value)), id, inputs, steps);
        }
        Aggregates { columns, rows }
    }

    /// The evaluation (= `CsvEvaluator::finish`).
    pub fn evaluate(self) -> Result<Evaluation> {
        evaluate(self.prepared, &self.config)
    }
}

/// A statistic of one arm's `analyze` input (moments as the accumulator gives them).
fn stat_value(stat: KpiStat, arm: &Variant, shifts: [f64; 2], steps: &[AnalyzeInput], v: usize) -> f64 {
    let m = |m: &Option<Moments>| m.unwrap_or_default();
    match stat {
        KpiStat::Sum => arm.conversions.or(arm.sum).unwrap_or(0.0),
        KpiStat::SumSquares => arm.sum_squares.unwrap_or(0.0),
        KpiStat::Shift => shifts[0],
        KpiStat::CovariateSum => m(&arm.covariate).sum,
        KpiStat::CovariateSumSquares => m(&arm.covariate).sum_squares,
        KpiStat::CovariateShift => shifts[1],
        KpiStat::CrossSum => arm.cross_sum.or(m(&arm.covariate).cross_sum).unwrap_or(0.0),
        KpiStat::NumeratorSum => m(&arm.numerator).sum,
        KpiStat::NumeratorSumSquares => m(&arm.numerator).sum_squares,
        KpiStat::DenominatorSum => m(&arm.denominator).sum,
        KpiStat::DenominatorSumSquares => m(&arm.denominator).sum_squares,
        // The accumulator hands ratios over unshifted.
        KpiStat::NumeratorShift | KpiStat::DenominatorShift => 0.0,
        KpiStat::StepSum(j) => steps[j].variants[v].conversions.unwrap_or(0.0),
    }
}

impl Serialize for Aggregates {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.rows.len()))?;
        for row in &self.rows {
            seq.serialize_element(&Row { columns: &self.columns, cells: row })?;
        }
        seq.end()
    }
}

struct Row<'a> {
    columns: &'a [String],
    cells: &'a [Option<Cell>],
}

impl Serialize for Row<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.columns.len()))?;
        for (c, v) in self.columns.iter().zip(self.cells) {
            map.serialize_entry(c, v)?;
        }
        map.end()
    }
}

impl Aggregates {
    /// From row objects (e.g. a warehouse client's result); columns in first-seen order.
    pub fn from_rows(rows: Vec<BTreeMap<String, Option<Cell>>>) -> Aggregates {
        let mut columns: Vec<String> = Vec::new();
        for r in &rows {
            for k in r.keys() {
                if !columns.contains(k) {
                    columns.push(k.clone());
                }
            }
        }
        let rows = rows.into_iter().map(|mut r| columns.iter().map(|c| r.remove(c).flatten()).collect()).collect();
        Aggregates { columns, rows }
    }

    /// The CSV text of a query result (header first; an empty field is null).
    /// A small RFC 4180 reader of its own: aggregates are a few rows, and the
    /// streaming `RecordReader` is too big to instantiate again in the wasm.
    pub fn from_csv(data: &[u8]) -> Result<Aggregates> {
        let text = String::from_utf8_lossy(data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data));
        let mut records: Vec<Vec<String>> = Vec::new();
        let (mut record, mut field, mut quoted, mut chars) =
            (Vec::new(), String::new(), false, text.chars().peekable());
        let mut end_record = |record: &mut Vec<String>, field: &mut String| {
            record.push(std::mem::take(field));
            let r = std::mem::take(record);
            if !(r.len() == 1 && r[0].trim().is_empty()) {
                records.push(r);
            }
        };
        while let Some(c) = chars.next() {
            match (c, quoted) {
                ('"', true) if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                ('"', _) => quoted = !quoted,
                (',', false) => record.push(std::mem::take(&mut field)),
                ('\r', false) => {}
                ('\n', false) => end_record(&mut record, &mut field),
                (c, _) => field.push(c),
            }
        }
        if !field.is_empty() || !record.is_empty() {
            end_record(&mut record, &mut field);
        }
        let mut records = records.into_iter();
        let columns: Vec<String> = records.next().unwrap_or_default().iter().map(|c| c.trim().to_string()).collect();
        let mut rows = Vec::new();
        for (i, r) in records.enumerate() {
            if r.len() != columns.len() {
                return Err(KpilabError::csv(
                    "aggregates",
                    format!("row {i}: {} fields, the header has {}", r.len(), columns.len()),
                ));
            }
            rows.push(
                r.into_iter().map(|f| (!f.trim().is_empty()).then(|| Cell::Text(f.trim().to_string()))).collect(),
            );
        }
        Ok(Aggregates { columns, rows })
    }

    /// CSV text (header first, null as an empty field, numbers in shortest round-trip form).
    pub fn to_csv(&self) -> String {
        let quote = |s: &str| match s.contains([',', '"', '\n', '\r']) {
            true => format!("\"{}\"", s.replace('"', "\"\"")),
            false => s.to_string(),
        };
        let mut out = self.columns.iter().map(|c| quote(c)).collect::<Vec<_>>().join(",");
        out.push('\n');
        for row in &self.rows {
            let cells: Vec<String> = row
                .iter()
                .map(|c| match c {
                    None => String::new(),
                    Some(Cell::Number(x)) => format!("{x}"),
                    Some(Cell::Text(t)) => quote(t),
                })
                .collect();
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        out
    }
}

/// Reads cells of one row by column name.
struct Reader<'a> {
    columns: &'a [String],
}

impl<'a> Reader<'a> {
    fn new(a: &'a Aggregates) -> Self {
        Reader { columns: &a.columns }
    }

    fn position(&self, column: &str) -> Option<usize> {
        // Exact, else in any case (engines that fold unquoted names to one case).
        self.columns
            .iter()
            .position(|c| c == column)
            .or_else(|| self.columns.iter().position(|c| c.eq_ignore_ascii_case(column)))
    }

    fn require(&self, column: &str) -> Result<usize> {
        self.position(column).ok_or_else(|| {
            KpilabError::invalid(
                "aggregates",
                format!("the aggregates have no column \"{column}\"; run the query toSql gives for this config"),
            )
        })
    }
}

fn text(cell: &Option<Cell>) -> Option<String> {
    match cell {
        None => None,
        Some(Cell::Text(t)) => Some(t.clone()),
        Some(Cell::Number(x)) => Some(x.to_string()),
    }
}

fn number(cell: &Option<Cell>, column: &str, line: usize) -> Result<f64> {
    let x = match cell {
        None => return Ok(0.0),
        Some(Cell::Number(x)) => *x,
        // The CSV path's number reader (no second float parser in the wasm).
        Some(Cell::Text(t)) => parse_number(t.trim().as_bytes(), false).ok_or_else(|| {
            KpilabError::invalid(
                format!("aggregates[{line}].{column}"),
                format!("row {line}: \"{t}\" in column \"{column}\" is not a number"),
            )
        })?,
    };
    if !x.is_finite() {
        return Err(KpilabError::invalid(
            format!("aggregates[{line}].{column}"),
            format!("row {line}: column \"{column}\" must be a finite number"),
        ));
    }
    Ok(x)
}

/// `(segment column index and value (None: whole data), arms by variant)`.
type Group = (Option<(usize, String)>, Arms);

/// A count row: (line, segment, variant, time, per time-to-event KPI (events, censored)).
type CountRow = (usize, Option<(usize, String)>, String, f64, Vec<(f64, f64)>);

/// A group's cells by variant name (few: a linear search).
type Arms = Vec<(String, ArmRow)>;

fn arm_of<'a>(arms: &'a Arms, name: &str) -> Option<&'a ArmRow> {
    arms.iter().find(|(n, _)| n == name).map(|(_, a)| a)
}

/// One cell's numbers, parsed.
struct ArmRow {
    users: f64,
    /// Per KPI, per stat of `kpi_stats`.
    stats: Vec<Vec<f64>>,
}

/// The evaluation from aggregates (SDK.md §6): the same `analyze` inputs and rules
/// as `evaluateCsv`; variants and segment values in the order of the rows.
pub fn evaluate_aggregates(a: &Aggregates, config: &EvalConfig) -> Result<Evaluation> {
    super::CsvEvaluator::new(config.clone())?; // the same validation as the CSV path
                                               // As `CsvEvaluator::new`: a time to convert is better sooner (SDK.md §5).
    let mut normalized = config.clone();
    for k in normalized.kpis.iter_mut().filter(|k| k.kind == KpiKind::TimeToEvent) {
        k.higher_is_better = false;
    }
    let config = &normalized;
    let r = Reader::new(a);
    let time = if has_count_rows(config) { Some(r.require("time")?) } else { None };
    // Per time-to-event KPI: (index, events column, censored column).
    let tte_columns: Vec<(usize, usize, usize)> = config
        .kpis
        .iter()
        .enumerate()
        .filter(|(_, k)| k.kind == KpiKind::TimeToEvent)
        .map(|(i, k)| {
            let [e, c] = time_to_event_columns(&k.name);
            Ok((i, r.require(&e)?, r.require(&c)?))
        })
        .collect::<Result<_>>()?;
    let [seg_col, seg_val, variant, users] =
        [r.require("segment_column")?, r.require("segment_value")?, r.require("variant")?, r.require("users")?];
    let stat_columns: Vec<Vec<(KpiStat, usize, String)>> = config
        .kpis
        .iter()
        .map(|spec| {
            kpi_stats(spec)
                .into_iter()
                .map(|s| {
                    let name = s.column(&spec.name);
                    Ok((s, r.require(&name)?, name))
                })
                .collect::<Result<_>>()
        })
        .collect::<Result<_>>()?;
    let count_columns: Vec<Option<usize>> = COUNT_COLUMNS.iter().map(|c| r.position(c)).collect();
    let caps: Vec<(String, &str, [usize; 2])> = config
        .kpis
        .iter()
        .flat_map(|k| CAP_PARTS.iter().map(move |p| (k.name.clone(), *p)))
        .filter_map(|(k, p)| {
            let [c, u] = cap_columns(&k, p);
            Some((k, p, [r.position(&c)?, r.position(&u)?]))
        })
        .collect();

    // Groups: 0 = whole data, then one per (segment column, value) in row order.
    let mut groups: Vec<Group> = vec![(None, Vec::new())];
    let mut names: Vec<String> = Vec::new();
    let mut counts = [0.0; COUNT_COLUMNS.len()];
    let mut cap_values: Vec<(f64, f64)> = vec![(0.0, 0.0); caps.len()];
    let mut excluded_rows = 0.0;
    let mut timed: Vec<CountRow> = Vec::new();
    for (line, row) in a.rows.iter().enumerate() {
        let arm = text(&row[variant]).unwrap_or_default();
        let segment = match text(&row[seg_col]) {
            None => None,
            Some(c) => {
                let j = config.segment_columns.iter().position(|s| *s == c).ok_or_else(|| {
                    KpilabError::invalid(
                        format!("aggregates[{line}].segment_column"),
                        format!("row {line}: segment column \"{c}\" is not in segmentColumns"),
                    )
                })?;
                Some((j, text(&row[seg_val]).unwrap_or_default()))
            }
        };
        let included = config.analysis.variants.as_ref().is_none_or(|w| w.contains(&arm));
        if let Some(t) = time.filter(|&t| row[t].is_some()) {
            let at = number(&row[t], "time", line)?;
            if at < 0.0 {
                return Err(KpilabError::invalid(
                    format!("aggregates[{line}].time"),
                    format!("row {line}: time {at} is negative; times to convert are >= 0"),
                ));
            }
            let counts = tte_columns
                .iter()
                .map(|&(i, e, c)| {
                    let name = &config.kpis[i].name;
                    let count = |col: usize, what: &str| -> Result<f64> {
                        let x = number(&row[col], &format!("{name}__{what}"), line)?;
                        if x < 0.0 || x.fract() != 0.0 {
                            return Err(KpilabError::invalid(
                                format!("aggregates[{line}].{name}__{what}"),
                                format!("row {line}: {name}__{what} must be a count (a whole number >= 0); got {x}"),
                            ));
                        }
                        Ok(x)
                    };
                    Ok((count(e, "events")?, count(c, "censored")?))
                })
                .collect::<Result<_>>()?;
            if included {
                timed.push((line, segment, arm, at, counts));
            }
            continue;
        }
        if segment.is_none() {
            for (k, col) in count_columns.iter().enumerate() {
                if let Some(&col) = col.as_ref() {
                    counts[k] += number(&row[col], COUNT_COLUMNS[k], line)?;
                }
            }
            if !included {
                excluded_rows += count_columns[0].map_or(Ok(0.0), |c| number(&row[c], "rows_read", line))?;
                continue;
            }
            for (k, (_, _, [c, u])) in caps.iter().enumerate() {
                cap_values[k].0 = number(&row[*c], "cap", line)?;
                cap_values[k].1 += number(&row[*u], "capped_users", line)?;
            }
            if !names.contains(&arm) {
                names.push(arm.clone());
            }
        }
        if !included {
            continue;
        }
        let stats = stat_columns
            .iter()
            .map(|cols| cols.iter().map(|(_, c, name)| number(&row[*c], name, line)).collect::<Result<_>>())
            .collect::<Result<_>>()?;
        let parsed = ArmRow { users: number(&row[users], "users", line)?, stats };
        let g = match groups.iter().position(|(s, _)| *s == segment) {
            Some(g) => g,
            None => {
                groups.push((segment, Vec::new()));
                groups.len() - 1
            }
        };
        if arm_of(&groups[g].1, &arm).is_some() {
            return Err(KpilabError::invalid(
                format!("aggregates[{line}]"),
                format!("row {line}: a second row for variant \"{arm}\" in the same segment"),
            ));
        }
        groups[g].1.push((arm, parsed));
    }

    if let Some(wanted) = &config.analysis.variants {
        if let Some((i, w)) = wanted.iter().enumerate().find(|(_, w)| !names.contains(w)) {
            return Err(KpilabError::invalid(
                format!("analysis.variants[{i}]"),
                format!("analysis.variants names \"{w}\", which is not a variant of the aggregates"),
            ));
        }
    }
    if names.len() < 2 {
        return Err(KpilabError::invalid(
            "aggregates",
            format!("the whole-data rows name {} variant(s); a test needs at least two", names.len()),
        ));
    }
    let given = config.analysis.options.control.as_deref();
    let Some((control_index, chosen_by)) = choose_control(&names, given) else {
        return Err(KpilabError::invalid(
            "analysis.control",
            format!(
                "control \"{}\" is not a variant of the aggregates; found: {}",
                given.unwrap_or(""),
                names.join(", ")
            ),
        ));
    };
    let control = names[control_index].clone();
    let mut warnings = Vec::new();
    if chosen_by == ChosenBy::First {
        warnings.push(control_assumed(&control, "analysis.control"));
    }
    let whole_users: Vec<f64> = names.iter().map(|n| arm_of(&groups[0].1, n).map_or(0.0, |a| a.users)).collect();
    warnings.extend(likely_typos(&names, &whole_users));

    // Mean KPIs: the shifts of the first whole-data row, which every cell is re-centred on.
    let shifts: Vec<[f64; 2]> = config
        .kpis
        .iter()
        .enumerate()
        .map(|(i, _)| {
            let first = arm_of(&groups[0].1, &names[0]);
            let of = |s: KpiStat| {
                let k = stat_columns[i].iter().position(|c| c.0 == s)?;
                first.map(|a| a.stats[i][k])
            };
            [of(KpiStat::Shift).unwrap_or(0.0), of(KpiStat::CovariateShift).unwrap_or(0.0)]
        })
        .collect();

    let inputs_for = |arms: &Arms| -> (Vec<AnalyzeInput>, StepInputs) {
        let mut kpis = Vec::new();
        let mut steps = Vec::new();
        for (i, spec) in config.kpis.iter().enumerate() {
            let stat = |arm: Option<&ArmRow>, s: KpiStat| {
                let k = stat_columns[i].iter().position(|c| c.0 == s);
                arm.zip(k).map_or(0.0, |(a, k)| a.stats[i][k])
            };
            let variants = names
                .iter()
                .map(|n| {
                    let arm = arm_of(arms, n);
                    arm_variant(spec, n, arm.map_or(0.0, |a| a.users), |s| stat(arm, s), shifts[i])
                })
                .collect();
            let metric = match spec.kind {
                KpiKind::Conversion | KpiKind::Funnel => MetricKind::Proportion,
                // A time to convert: only the users per arm, as in `evaluator.rs`.
                KpiKind::TimeToEvent => MetricKind::Proportion,
                KpiKind::Mean => MetricKind::Mean,
                KpiKind::Ratio => MetricKind::Ratio,
            };
            let options = AnalysisOptions {
                control: Some(control.clone()),
                higher_is_better: spec.higher_is_better,
                ..config.analysis.options.clone()
            };
            let step_count = spec.steps.as_ref().filter(|_| spec.kind == KpiKind::Funnel).map_or(0, Vec::len);
            steps.push(
                (0..step_count)
                    .map(|j| AnalyzeInput {
                        metric: MetricKind::Proportion,
                        variants: names
                            .iter()
                            .map(|n| {
                                let arm = arm_of(arms, n);
                                Variant {
                                    name: n.clone(),
                                    users: arm.map_or(0.0, |a| a.users),
                                    conversions: Some(stat(arm, KpiStat::StepSum(j)).round()),
                                    ..Variant::default()
                                }
                            })
                            .collect(),
                        options: options.clone(),
                    })
                    .collect(),
            );
            kpis.push(AnalyzeInput { metric, variants, options });
        }
        (kpis, steps)
    };

    let (kpis, steps) = inputs_for(&groups[0].1);
    let mut segments = Vec::new();
    let mut survival = SurvivalAcc::default();
    for (j, column) in config.segment_columns.iter().enumerate() {
        for (g, (segment, arms)) in groups.iter().enumerate().skip(1) {
            if let Some((_, value)) = segment.as_ref().filter(|(sj, _)| *sj == j) {
                let (kpis, steps) = inputs_for(arms);
                segments.push((column.clone(), value.clone(), kpis, steps));
                survival.segment_groups.push(g as u32);
            }
        }
    }
    // Time-to-event counts: group = the cell's index in `groups` (0 = whole data).
    for &(i, _, _) in &tte_columns {
        survival.track(i, 0, 0);
    }
    for (line, segment, arm, at, counts) in timed {
        let cell = groups
            .iter()
            .position(|(s, _)| *s == segment)
            .zip(names.iter().position(|n| *n == arm))
            .filter(|&(g, _)| arm_of(&groups[g].1, &arm).is_some());
        let Some((g, v)) = cell else {
            return Err(KpilabError::invalid(
                format!("aggregates[{line}]"),
                format!("row {line}: a count row (time {at}) for variant \"{arm}\" in a cell without its row of users"),
            ));
        };
        for (&(i, _, _), &(events, censored)) in tte_columns.iter().zip(&counts) {
            survival.add_counts(i, g as u32, v as u32, at, events as u64, censored as u64);
        }
    }
    let count = |name: &str| counts[COUNT_COLUMNS.iter().position(|c| *c == name).expect("a count column")];
    let quality = DataQuality {
        multi_variant_users: count("multi_variant_users"),
        rows_before_exposure: count("rows_before_exposure"),
        rows_outside_window: count("rows_outside_window"),
        users_without_exposure: count("users_without_exposure"),
        users_window_open: count("users_window_open"),
        capped_values: caps
            .iter()
            .zip(&cap_values)
            .map(|((kpi, part, _), &(cap, users))| CappedValue { kpi: kpi.clone(), part: part.to_string(), cap, users })
            .collect(),
        timestamp_errors: count("timestamp_errors"),
    };
    let switched = count("switched_variant_rows") as u64;
    warnings.extend(data_warnings(segments.len(), names.len(), config, switched, &quality));
    let (read, skipped) = (count("rows_read"), count("rows_skipped"));
    let rows = RowReport {
        read,
        used: read - skipped,
        skipped,
        excluded: count("rows_excluded") + excluded_rows,
        errors: Vec::new(),
        errors_not_listed: skipped,
    };
    let prepared = Prepared {
        kpis,
        steps,
        segments,
        rows,
        control: ControlInfo { name: control, chosen_by },
        shifts,
        warnings,
        quality,
        switched_variant_rows: switched,
        survival,
    };
    evaluate(prepared, config)
}

/// One arm's `analyze` input from its statistics: mean moments re-centred on the
/// KPI's reference `shifts`, ratio moments unshifted (as the accumulator gives them).
fn arm_variant(spec: &KpiSpec, name: &str, users: f64, stat: impl Fn(KpiStat) -> f64, shifts: [f64; 2]) -> Variant {
    use KpiStat::*;
    let n = users;
    let exact = |terms: &[f64]| {
        let mut s = CompensatedSum::default();
        terms.iter().for_each(|&x| s.add(x));
        s.value()
    };
    let mut v = Variant { name: name.to_string(), users, ..Variant::default() };
    match spec.kind {
        KpiKind::Conversion | KpiKind::Funnel => v.conversions = Some(stat(Sum).round()),
        KpiKind::TimeToEvent => {} // its counts are the count rows (`SurvivalAcc`)
        KpiKind::Mean => {
            // Moments about c' re-centred on c: d = c' - c.
            let dy = stat(Shift) - shifts[0];
            let (sy, syy) = (stat(Sum), stat(SumSquares));
            v.sum = Some(exact(&[sy, n * dy]));
            v.sum_squares = Some(exact(&[syy, 2.0 * dy * sy, n * dy * dy]));
            if spec.covariate.is_some() {
                let dx = stat(CovariateShift) - shifts[1];
                let (sx, sxx) = (stat(CovariateSum), stat(CovariateSumSquares));
                v.covariate = Some(Moments {
                    sum: exact(&[sx, n * dx]),
                    sum_squares: exact(&[sxx, 2.0 * dx * sx, n * dx * dx]),
                    cross_sum: Some(exact(&[stat(CrossSum), dx * sy, dy * sx, n * dy * dx])),
                });
            }
        }
        KpiKind::Ratio => {
            let (ca, cb) = (stat(NumeratorShift), stat(DenominatorShift));
            let (sa, sb) = (stat(NumeratorSum), stat(DenominatorSum));
            v.numerator = Some(Moments {
                sum: exact(&[sa, n * ca]),
                sum_squares: exact(&[stat(NumeratorSumSquares), 2.0 * ca * sa, n * ca * ca]),
                cross_sum: None,
            });
            v.denominator = Some(Moments {
                sum: exact(&[sb, n * cb]),
                sum_squares: exact(&[stat(DenominatorSumSquares), 2.0 * cb * sb, n * cb * cb]),
                cross_sum: None,
            });
            v.cross_sum = Some(exact(&[stat(CrossSum), cb * sa, ca * sb, n * ca * cb]));
        }
    }
    v
}

/// `evaluate_aggregates` of a query result's CSV text (header first).
pub fn evaluate_aggregates_csv(data: &[u8], config: &EvalConfig) -> Result<Evaluation> {
    evaluate_aggregates(&Aggregates::from_csv(data)?, config)
}

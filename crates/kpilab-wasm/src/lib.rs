//! kpilab's wasm-bindgen layer: every function of the npm package `kpilab` (see its README), conversion only.
//! The numbers come from `kpilab-core`; see its docs for the reference each matches.

mod input_types;
mod interop;

use interop::{from_js, output, stream_bytes, to_js, to_js_error, to_js_with_bytes};
use kpilab_core::evaluate::presets::PresetOptions;
use kpilab_core::plan::{DurationInput, FixedSizeInput};
use kpilab_core::{AnalyzeInput, EvalConfig, KpiTotals, PlanInput, TimeToEventInput};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_DATA: &str = r#"
/** A CSV file's text, or its bytes (faster: no UTF-16 round trip). */
export type CsvData = string | Uint8Array;
/** `[low, high]`; `null` is the unbounded side of a one-sided interval. */
export type Bound2 = [number | null, number | null];
/** The KPI presets a measurement plan usually names. */
export type KpiPresetName = "conversionRate" | "revenuePerUser" | "averageOrderValue" | "ordersPerUser" | "bounceRate"
  | "repeatPurchaseRate" | "activation" | "trialToPaid" | "qualifiedLeadRate" | "refundRate" | "timeToConvert" | "checkoutFunnel";
/**
 * KPI presets: each returns a `KpiSpec` for the given column and event names
 * (GA4 names by default: `event_name`, `purchase`, `purchase_revenue`), ready for `EvalConfig.kpis`.
 */
export declare const kpiPresets: { readonly [K in KpiPresetName]: (options?: PresetOptions) => KpiSpec };
/**
 * One row of aggregates (column names in the README): `segment_column`, `segment_value`, `variant`, `users`, `<kpi>__sum`, ...
 * With a time-to-event KPI there are also count rows: `time` set (in the KPI's unit), `<kpi>__events` and
 * `<kpi>__censored` the users converting / censored at that time in the cell, every other statistic null.
 */
export type AggregateRow = Record<string, string | number | null>;
/** The warehouses `toSql` writes for. */
export type SqlDialect = "duckdb" | "postgres" | "bigquery" | "snowflake" | "spark" | "clickhouse";
/** `toSql` options: the dialect and the table (used as written, e.g. `project.dataset.events`). */
export interface SqlOptions { dialect: SqlDialect; table: string }
"#;

/// Users per arm needed to detect `mde` (R power.prop.test, statsmodels).
#[wasm_bindgen(js_name = planSampleSize, unchecked_return_type = "SampleSizePlan")]
pub fn plan_sample_size(
    #[wasm_bindgen(unchecked_param_type = "PlanInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    output(kpilab_core::plan_sample_size(&from_js::<PlanInput>(input, "input")?))
}

/// The smallest effect detectable with `usersPerVariant` users per arm.
#[wasm_bindgen(js_name = planMde, unchecked_return_type = "MdePlan")]
pub fn plan_mde(#[wasm_bindgen(unchecked_param_type = "FixedSizeInput")] input: JsValue) -> Result<JsValue, JsValue> {
    output(kpilab_core::plan_mde(&from_js::<FixedSizeInput>(input, "input")?))
}

/// Power (0..1) with `usersPerVariant` users per arm; the smallest over comparisons.
#[wasm_bindgen(js_name = planPower)]
pub fn plan_power(#[wasm_bindgen(unchecked_param_type = "FixedSizeInput")] input: JsValue) -> Result<f64, JsValue> {
    kpilab_core::plan_power(&from_js::<FixedSizeInput>(input, "input")?).map_err(to_js_error)
}

/// Days and whole weeks the test needs at the given traffic.
#[wasm_bindgen(js_name = planDuration, unchecked_return_type = "DurationPlan")]
pub fn plan_duration(
    #[wasm_bindgen(unchecked_param_type = "DurationInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    output(kpilab_core::plan_duration(&from_js::<DurationInput>(input, "input")?))
}

/// Power at `points` sample sizes around the plan (default 50), for charts.
#[wasm_bindgen(js_name = powerCurve, unchecked_return_type = "PowerPoint[]")]
pub fn power_curve(
    #[wasm_bindgen(unchecked_param_type = "PlanInput")] input: JsValue,
    points: Option<u32>,
) -> Result<JsValue, JsValue> {
    let input = from_js::<PlanInput>(input, "input")?;
    output(kpilab_core::power_curve(&input, points.unwrap_or(50) as usize))
}

/// Frequentist, sequential or Bayesian analysis of aggregated results.
#[wasm_bindgen(unchecked_return_type = "AnalyzeResult")]
pub fn analyze(#[wasm_bindgen(unchecked_param_type = "AnalyzeInput")] input: JsValue) -> Result<JsValue, JsValue> {
    output(kpilab_core::analyze(&from_js::<AnalyzeInput>(input, "input")?))
}

/// Time to convert: Kaplan-Meier curves, medians, restricted mean times (RMST)
/// and their difference as the verdict, log-rank test and Cox hazard ratio.
#[wasm_bindgen(js_name = analyzeTimeToEvent, unchecked_return_type = "TimeToEventResult")]
pub fn analyze_time_to_event(
    #[wasm_bindgen(unchecked_param_type = "TimeToEventInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    output(kpilab_core::analyze_time_to_event(&from_js::<TimeToEventInput>(input, "input")?))
}

/// Conversion rate, revenue per visitor, AOV, bounce rate, CAC and ROI from totals.
#[wasm_bindgen(unchecked_return_type = "KpiValues")]
pub fn kpis(#[wasm_bindgen(unchecked_param_type = "KpiTotals")] totals: JsValue) -> Result<JsValue, JsValue> {
    output(kpilab_core::kpis(&from_js::<KpiTotals>(totals, "totals")?))
}

/// The KPI preset `preset` (see `kpiPresets`) for the given column and event names.
#[wasm_bindgen(js_name = kpiPreset, unchecked_return_type = "KpiSpec")]
pub fn kpi_preset(
    #[wasm_bindgen(unchecked_param_type = "KpiPresetName")] preset: &str,
    #[wasm_bindgen(unchecked_param_type = "PresetOptions | undefined")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let options = match options.is_undefined() || options.is_null() {
        true => PresetOptions::default(),
        false => from_js::<PresetOptions>(options, "options")?,
    };
    output(kpilab_core::evaluate::presets::kpi_preset(preset, &options))
}

/// KPI evaluation of a whole row-level CSV with a ship / do-not-ship decision.
#[wasm_bindgen(js_name = evaluateCsv, unchecked_return_type = "Evaluation")]
pub fn evaluate_csv(
    #[wasm_bindgen(unchecked_param_type = "CsvData")] data: JsValue,
    #[wasm_bindgen(unchecked_param_type = "EvalConfig")] config: JsValue,
) -> Result<JsValue, JsValue> {
    let config = from_js::<EvalConfig>(config, "config")?;
    let mut evaluator = kpilab_core::CsvEvaluator::new(config).map_err(to_js_error)?;
    stream_bytes(&data, |chunk| evaluator.push(chunk).map_err(to_js_error))?;
    output(evaluator.finish())
}

/// One query computing the aggregates of `config` in a warehouse; run it,
/// then pass its result to `evaluateAggregates`. Every §3, §4 and §5 feature:
/// `timestampColumn` may be a TIMESTAMP, DATE, ISO 8601 text or epoch numbers (read
/// as the CSV path reads a cell; session time zone UTC); "first" is earliest by time (`exposure.where` and ordered
/// funnels need `timestampColumn`); time-to-event KPIs add count rows (`AggregateRow`).
#[wasm_bindgen(js_name = toSql)]
pub fn to_sql(
    #[wasm_bindgen(unchecked_param_type = "EvalConfig")] config: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SqlOptions")] options: JsValue,
) -> Result<String, JsValue> {
    // Two strings: read directly (a serde visitor for them costs wasm size).
    let config = from_js::<EvalConfig>(config, "config")?;
    let get = |key: &str| {
        let value = js_sys::Reflect::get(&options, &key.into()).ok().and_then(|v| v.as_string());
        value.ok_or_else(|| {
            to_js_error(kpilab_core::KpilabError::invalid(
                format!("options.{key}"),
                format!("options.{key} is required: a string"),
            ))
        })
    };
    let dialect = kpilab_core::Dialect::from_name(&get("dialect")?).map_err(to_js_error)?;
    kpilab_core::to_sql(&config, dialect, &get("table")?).map_err(to_js_error)
}

/// The same `Evaluation` as `evaluateCsv`, from aggregates: the rows `toSql`'s query
/// returns (objects, or its result as CSV text) or `CsvEvaluator.aggregates()`.
#[wasm_bindgen(js_name = evaluateAggregates, unchecked_return_type = "Evaluation")]
pub fn evaluate_aggregates(
    #[wasm_bindgen(unchecked_param_type = "string | AggregateRow[]")] aggregates: JsValue,
    #[wasm_bindgen(unchecked_param_type = "EvalConfig")] config: JsValue,
) -> Result<JsValue, JsValue> {
    // Row objects arrive as CSV text (wrap.mjs writes it): one reader, no second
    // deserializer in the wasm.
    let config = from_js::<EvalConfig>(config, "config")?;
    let Some(text) = aggregates.as_string() else {
        return Err(to_js_error(kpilab_core::KpilabError::invalid(
            "aggregates",
            "aggregates must be the CSV text of the query result or an array of row objects",
        )));
    };
    output(kpilab_core::evaluate::evaluate_aggregates_csv(text.as_bytes(), &config))
}

/// Streaming evaluation: push chunks split anywhere; memory stays bounded.
#[wasm_bindgen]
pub struct CsvEvaluator {
    inner: Option<kpilab_core::CsvEvaluator>,
    /// After `aggregates()`: the ended stream, which `finish()` then evaluates.
    ended: Option<kpilab_core::evaluate::aggregates::Finished>,
}

#[wasm_bindgen]
impl CsvEvaluator {
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "EvalConfig")] config: JsValue) -> Result<CsvEvaluator, JsValue> {
        let config = from_js::<EvalConfig>(config, "config")?;
        let inner = kpilab_core::CsvEvaluator::new(config).map_err(to_js_error)?;
        Ok(CsvEvaluator { inner: Some(inner), ended: None })
    }

    /// Feeds the next bytes of the file.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), JsValue> {
        self.live()?.push(chunk).map_err(to_js_error)
    }

    /// Bytes and rows consumed so far.
    #[wasm_bindgen(unchecked_return_type = "Progress")]
    pub fn progress(&mut self) -> Result<JsValue, JsValue> {
        let p = self.live()?.progress();
        output(Ok(p))
    }

    /// Ends the stream and evaluates; the evaluator cannot be used afterwards.
    #[wasm_bindgen(unchecked_return_type = "Evaluation")]
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        if let Some(ended) = self.ended.take() {
            return output(ended.evaluate());
        }
        self.live()?;
        output(self.inner.take().expect("checked by live()").finish())
    }

    /// Ends the stream and returns its aggregates (see `AggregateRow`): `evaluateAggregates`
    /// of them equals `finish()`, which may still be called once.
    #[wasm_bindgen(unchecked_return_type = "AggregateRow[]")]
    pub fn aggregates(&mut self) -> Result<JsValue, JsValue> {
        if self.ended.is_none() {
            self.live()?;
            let inner = self.inner.take().expect("checked by live()");
            self.ended = Some(inner.end().map_err(to_js_error)?);
        }
        to_js(&self.ended.as_ref().expect("ended above").aggregates())
    }

    fn live(&mut self) -> Result<&mut kpilab_core::CsvEvaluator, JsValue> {
        self.inner.as_mut().ok_or_else(|| {
            to_js_error(kpilab_core::KpilabError::invalid("", "this CsvEvaluator has finished; create a new one"))
        })
    }
}

#[wasm_bindgen(typescript_custom_section)]
const TS_SLICES: &str = r#"
/**
 * One slice's partial evaluation (`CsvSliceEvaluator.finish()`): plain data that
 * survives `postMessage`, for `SliceMerger.absorb`. `prefix` holds the bytes the
 * slice skipped before its first record (through its first line feed).
 */
export type SliceState = { readonly prefix: ArrayLike<number>; readonly [key: string]: unknown };
/**
 * One user partition's partial evaluation (`CsvPartitionEvaluator.finish()`):
 * plain data that survives `postMessage`, for `PartitionMerger.absorb`.
 */
export type PartitionState = { readonly index: number; readonly count: number; readonly [key: string]: unknown };
"#;

/// Whether `evaluateFile` may read this config's file in parallel slices (not
/// with event-level rules or a `timeToEvent` KPI: those are read on one worker).
#[wasm_bindgen(js_name = canSplit)]
pub fn can_split(#[wasm_bindgen(unchecked_param_type = "EvalConfig")] config: JsValue) -> Result<bool, JsValue> {
    let config = from_js::<EvalConfig>(config, "config")?;
    kpilab_core::evaluate::slice::can_split(&config).map_err(to_js_error)
}

/// Whether `evaluateFile` may read this config's file in user partitions
/// (`userColumn`, no event-level rules, no `timeToEvent` KPI): every worker
/// reads the whole file for its share of the users.
#[wasm_bindgen(js_name = canPartition)]
pub fn can_partition(#[wasm_bindgen(unchecked_param_type = "EvalConfig")] config: JsValue) -> Result<bool, JsValue> {
    let config = from_js::<EvalConfig>(config, "config")?;
    kpilab_core::evaluate::partition::can_partition(&config).map_err(to_js_error)
}

/// Bytes of the header record (with a BOM, blank lines before it and its line
/// ending) at the start of `data`, the file's first bytes; `undefined`: read more
/// (`atEnd`: `data` is the whole file).
#[wasm_bindgen(js_name = csvHeaderLength)]
pub fn csv_header_length(
    data: &[u8],
    #[wasm_bindgen(unchecked_param_type = "EvalConfig")] config: JsValue,
    at_end: bool,
) -> Result<Option<u32>, JsValue> {
    let config = from_js::<EvalConfig>(config, "config")?;
    let len = kpilab_core::evaluate::slice::header_len(&config, data, at_end).map_err(to_js_error)?;
    Ok(len.map(|n| n as u32))
}

/// Evaluates one byte range of a file (a worker's part of `evaluateFile`).
#[wasm_bindgen]
pub struct CsvSliceEvaluator {
    inner: Option<kpilab_core::evaluate::slice::SliceEvaluator>,
}

#[wasm_bindgen]
impl CsvSliceEvaluator {
    /// `header`: the file's first `csvHeaderLength` bytes; `atRecordStart`: the
    /// slice starts right after the header.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "EvalConfig")] config: JsValue,
        header: &[u8],
        #[wasm_bindgen(js_name = atRecordStart)] at_record_start: bool,
    ) -> Result<CsvSliceEvaluator, JsValue> {
        let config = from_js::<EvalConfig>(config, "config")?;
        let inner =
            kpilab_core::evaluate::slice::SliceEvaluator::new(&config, header, at_record_start).map_err(to_js_error)?;
        Ok(CsvSliceEvaluator { inner: Some(inner) })
    }

    /// Feeds the slice's next bytes.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), JsValue> {
        self.live()?.push(chunk).map_err(to_js_error)
    }

    /// Bytes and rows of this slice consumed so far.
    #[wasm_bindgen(unchecked_return_type = "Progress")]
    pub fn progress(&mut self) -> Result<JsValue, JsValue> {
        let p = self.live()?.progress();
        output(Ok(p))
    }

    /// The slice's state, for `SliceMerger.absorb`; the evaluator cannot be used afterwards.
    #[wasm_bindgen(unchecked_return_type = "SliceState")]
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        self.live()?;
        let state = self.inner.take().expect("checked by live()").finish().map_err(to_js_error)?;
        to_js_with_bytes(&state)
    }

    fn live(&mut self) -> Result<&mut kpilab_core::evaluate::slice::SliceEvaluator, JsValue> {
        self.inner.as_mut().ok_or_else(|| {
            to_js_error(kpilab_core::KpilabError::invalid("", "this CsvSliceEvaluator has finished; create a new one"))
        })
    }
}

/// Adds slice states up in file order into the `Evaluation` of the whole file.
#[wasm_bindgen]
pub struct SliceMerger {
    inner: Option<kpilab_core::evaluate::slice::SliceMerger>,
}

#[wasm_bindgen]
impl SliceMerger {
    /// `header`: the file's first `csvHeaderLength` bytes.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "EvalConfig")] config: JsValue,
        header: &[u8],
    ) -> Result<SliceMerger, JsValue> {
        let config = from_js::<EvalConfig>(config, "config")?;
        let inner = kpilab_core::evaluate::slice::SliceMerger::new(config, header).map_err(to_js_error)?;
        Ok(SliceMerger { inner: Some(inner) })
    }

    /// Adds the next slice; `false`: its first record was guessed wrong (a quoted
    /// field spans its first line feed): `push` the slice's bytes after
    /// `state.prefix.length`, then go on.
    pub fn absorb(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "SliceState")] state: JsValue,
    ) -> Result<bool, JsValue> {
        let state = from_js::<kpilab_core::evaluate::slice::SliceState>(state, "state")?;
        self.live()?.absorb(&state).map_err(to_js_error)
    }

    /// File bytes read in order (after a miss, or the whole file).
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), JsValue> {
        self.live()?.push(chunk).map_err(to_js_error)
    }

    /// The whole file's evaluation; the merger cannot be used afterwards.
    #[wasm_bindgen(unchecked_return_type = "Evaluation")]
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        self.live()?;
        output(self.inner.take().expect("checked by live()").finish())
    }

    fn live(&mut self) -> Result<&mut kpilab_core::evaluate::slice::SliceMerger, JsValue> {
        self.inner.as_mut().ok_or_else(|| {
            to_js_error(kpilab_core::KpilabError::invalid("", "this SliceMerger has finished; create a new one"))
        })
    }
}

/// Reads a whole file for one partition of its users (a worker's part of
/// `evaluateFile` with `userColumn`).
#[wasm_bindgen]
pub struct CsvPartitionEvaluator {
    inner: Option<kpilab_core::CsvEvaluator>,
}

#[wasm_bindgen]
impl CsvPartitionEvaluator {
    /// Partition `index` (0 to `count - 1`) of `count`; push the whole file, header included.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "EvalConfig")] config: JsValue,
        index: u32,
        count: u32,
    ) -> Result<CsvPartitionEvaluator, JsValue> {
        let config = from_js::<EvalConfig>(config, "config")?;
        let inner = kpilab_core::CsvEvaluator::for_partition(&config, index, count).map_err(to_js_error)?;
        Ok(CsvPartitionEvaluator { inner: Some(inner) })
    }

    /// Feeds the file's next bytes.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), JsValue> {
        self.live()?.push(chunk).map_err(to_js_error)
    }

    /// Bytes read, and rows of this partition's users, so far.
    #[wasm_bindgen(unchecked_return_type = "Progress")]
    pub fn progress(&mut self) -> Result<JsValue, JsValue> {
        let p = self.live()?.progress();
        output(Ok(p))
    }

    /// The partition's state, for `PartitionMerger.absorb`; the evaluator cannot be used afterwards.
    #[wasm_bindgen(unchecked_return_type = "PartitionState")]
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        self.live()?;
        let state = self.inner.take().expect("checked by live()").finish_partition().map_err(to_js_error)?;
        to_js(&state)
    }

    fn live(&mut self) -> Result<&mut kpilab_core::CsvEvaluator, JsValue> {
        self.inner.as_mut().ok_or_else(|| {
            to_js_error(kpilab_core::KpilabError::invalid(
                "",
                "this CsvPartitionEvaluator has finished; create a new one",
            ))
        })
    }
}

/// Adds the user partitions of one file up into the `Evaluation` of the whole file.
#[wasm_bindgen]
pub struct PartitionMerger {
    inner: Option<kpilab_core::evaluate::partition::PartitionMerger>,
}

#[wasm_bindgen]
impl PartitionMerger {
    /// `header`: the file's first `csvHeaderLength` bytes.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "EvalConfig")] config: JsValue,
        header: &[u8],
    ) -> Result<PartitionMerger, JsValue> {
        let config = from_js::<EvalConfig>(config, "config")?;
        let inner = kpilab_core::evaluate::partition::PartitionMerger::new(config, header).map_err(to_js_error)?;
        Ok(PartitionMerger { inner: Some(inner) })
    }

    /// Adds one partition's state, in any order.
    pub fn absorb(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "PartitionState")] state: JsValue,
    ) -> Result<(), JsValue> {
        let state = from_js::<kpilab_core::evaluate::partition::PartitionState>(state, "state")?;
        self.live()?.absorb(state).map_err(to_js_error)
    }

    /// The whole file's evaluation, once every partition is in; the merger cannot be used afterwards.
    #[wasm_bindgen(unchecked_return_type = "Evaluation")]
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        self.live()?;
        output(self.inner.take().expect("checked by live()").finish())
    }

    fn live(&mut self) -> Result<&mut kpilab_core::evaluate::partition::PartitionMerger, JsValue> {
        self.inner.as_mut().ok_or_else(|| {
            to_js_error(kpilab_core::KpilabError::invalid("", "this PartitionMerger has finished; create a new one"))
        })
    }
}

//! kpilab's wasm-bindgen layer: every function of the npm package `kpilab` (see its README), conversion only.
//! The numbers come from `kpilab-core`; see its docs for the reference each matches.

mod input_types;
mod interop;

use interop::{from_js, output, stream_bytes, to_js_error};
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

/// Streaming evaluation: push chunks split anywhere; memory stays bounded.
#[wasm_bindgen]
pub struct CsvEvaluator {
    inner: Option<kpilab_core::CsvEvaluator>,
}

#[wasm_bindgen]
impl CsvEvaluator {
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "EvalConfig")] config: JsValue) -> Result<CsvEvaluator, JsValue> {
        let config = from_js::<EvalConfig>(config, "config")?;
        let inner = kpilab_core::CsvEvaluator::new(config).map_err(to_js_error)?;
        Ok(CsvEvaluator { inner: Some(inner) })
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
        self.live()?;
        output(self.inner.take().expect("checked by live()").finish())
    }

    fn live(&mut self) -> Result<&mut kpilab_core::CsvEvaluator, JsValue> {
        self.inner.as_mut().ok_or_else(|| {
            to_js_error(kpilab_core::KpilabError::invalid("", "this CsvEvaluator has finished; create a new one"))
        })
    }
}

//! The planner's inputs exactly as typed, and their parsing into the core's inputs.
//!
//! Fields stay text so a half-typed value ("0.") survives a re-render and the URL
//! can carry it; only `to_duration_input` turns them into numbers.

use kpilab_core::common::Alternative;
use kpilab_core::plan::{DurationInput, MdeType, PlanCorrection, PlanInput, PlanMethod, PlanMetric};

use std::rc::Rc;

use yew::Reducible;

use kpilab_core::evaluate::KpiKind;

use crate::models::plan_file::Guardrail;
use crate::state::number::{parse_margin, parse_number, parse_percent, read_number, NumberError, NumberKind, Reading};
use crate::state::FieldError;
use crate::text::format::{group_thousands, percent, trimmed, PercentStyle};

/// Every planner field, keyed like the URL query (see `url_state`).
#[derive(Debug, Clone, PartialEq)]
pub struct PlannerForm {
    /// "proportion", "mean" or "timeToEvent".
    pub metric: String,
    pub baseline: String,
    pub mean: String,
    pub std_dev: String,
    /// timeToEvent: the control's share converting during the test…
    pub control_event_rate: String,
    /// …and the hazard ratio to detect (variant over control).
    pub hazard_ratio: String,
    pub mde: String,
    /// "relative" or "absolute".
    pub mde_type: String,
    pub alpha: String,
    pub power: String,
    /// "two-sided", "greater" or "less".
    pub alternative: String,
    pub variants: String,
    /// Comma-separated weights, control first; empty = equal split.
    pub allocation: String,
    /// "none" or "bonferroni".
    pub correction: String,
    /// "pooled", "unpooled", "evan-miller", "arcsine" or "t".
    pub method: String,
    pub daily_users: String,
    pub traffic_fraction: String,
    pub card: PlanCardText,
}

/// The test-plan card: the words around the numbers.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlanCardText {
    pub hypothesis: String,
    pub kpi_name: String,
    /// CSV column the Evaluate view will read; optional.
    pub kpi_column: String,
    pub guardrails: Vec<GuardrailDraft>,
    pub on_win: String,
    pub on_loss: String,
    pub on_inconclusive: String,
}

/// A guardrail as typed; the margin stays text (in percent) until export.
#[derive(Debug, Clone, PartialEq)]
pub struct GuardrailDraft {
    pub name: String,
    pub kind: KpiKind,
    pub higher_is_better: bool,
    /// "2" = the KPI may get 2 % worse; empty = no margin.
    pub margin_percent: String,
}

impl Default for GuardrailDraft {
    fn default() -> Self {
        GuardrailDraft {
            name: String::new(),
            kind: KpiKind::Conversion,
            higher_is_better: true,
            margin_percent: String::new(),
        }
    }
}

impl GuardrailDraft {
    /// The relative margin (2 -> 0.02), None when empty; Err when unreadable or negative.
    pub fn margin(&self) -> Result<Option<f64>, String> {
        parse_margin(&self.margin_percent).map_err(String::from)
    }

    /// For the plan file; an unreadable margin is left out (the card shows why).
    pub fn to_guardrail(&self) -> Guardrail {
        Guardrail {
            name: self.name.trim().to_string(),
            kind: self.kind,
            higher_is_better: self.higher_is_better,
            non_inferiority_margin: self.margin().ok().flatten(),
        }
    }
}

impl Default for PlannerForm {
    /// The example from the issue: 5 % conversion, +10 % relative, 2,000 users a day.
    /// Rates, effects, alpha, power and the traffic share are typed in percent.
    fn default() -> Self {
        PlannerForm {
            metric: "proportion".into(),
            baseline: "5".into(),
            mean: "50".into(),
            std_dev: "30".into(),
            control_event_rate: "35".into(),
            hazard_ratio: "0.7".into(),
            mde: "10".into(),
            mde_type: "relative".into(),
            alpha: "5".into(),
            power: "80".into(),
            alternative: "two-sided".into(),
            variants: "2".into(),
            allocation: String::new(),
            correction: "none".into(),
            method: "pooled".into(),
            daily_users: "2000".into(),
            traffic_fraction: "100".into(),
            card: PlanCardText::default(),
        }
    }
}

/// Input ids of the planning fields, in the order they appear on the page.
pub const FIELD_IDS: &[&str] = &[
    "metric",
    "baseline",
    "mean",
    "stdDev",
    "controlEventRate",
    "hazardRatio",
    "mde",
    "mdeType",
    "alpha",
    "power",
    "alternative",
    "variants",
    "allocation",
    "correction",
    "method",
    "dailyUsers",
    "trafficFraction",
];

/// Maps a core error path ("metric.baseline", "allocation[1]", "daily_users") to the
/// id of the input that caused it; "" when no single input is to blame.
pub fn input_id_for_path(path: &str) -> String {
    let last = path.rsplit('.').next().unwrap_or("");
    let without_index = last.split('[').next().unwrap_or("");
    let camel = snake_to_camel(without_index);
    if FIELD_IDS.contains(&camel.as_str()) {
        camel
    } else {
        String::new()
    }
}

fn snake_to_camel(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut upper = false;
    for c in s.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Methods that make sense for a metric kind; the first is the default.
pub fn methods_for(metric: &str) -> &'static [(&'static str, &'static str)] {
    if metric == "mean" {
        &[("pooled", "Normal (z)"), ("t", "Student t")]
    } else {
        &[("pooled", "Pooled"), ("unpooled", "Unpooled"), ("evan-miller", "Evan Miller"), ("arcsine", "Arcsine")]
    }
}

/// One change to the form, as the inputs report it.
#[derive(Debug, Clone, PartialEq)]
pub enum FormEdit {
    /// A field by its query key ("baseline", "hypothesis", …).
    Set(&'static str, String),
    AddGuardrail,
    RemoveGuardrail(usize),
    Guardrail(usize, GuardrailDraft),
}

impl PlannerForm {
    pub fn apply(&mut self, edit: FormEdit) {
        match edit {
            FormEdit::Set(key, value) => {
                self.set(key, value);
            }
            FormEdit::AddGuardrail => self.card.guardrails.push(GuardrailDraft::default()),
            FormEdit::RemoveGuardrail(i) if i < self.card.guardrails.len() => {
                self.card.guardrails.remove(i);
            }
            FormEdit::Guardrail(i, g) => {
                if let Some(slot) = self.card.guardrails.get_mut(i) {
                    *slot = g;
                }
            }
            FormEdit::RemoveGuardrail(_) => {}
        }
    }

    /// Sets a field by its query key; unknown keys are ignored. Returns whether the key is known.
    pub fn set(&mut self, key: &str, value: String) -> bool {
        let card = &mut self.card;
        match key {
            "metric" => {
                self.metric = if value == "mean" || value == "timeToEvent" { value } else { "proportion".into() };
                // Keep the method valid for the new metric kind.
                let methods = methods_for(&self.metric);
                if !methods.iter().any(|(m, _)| *m == self.method) {
                    self.method = methods[0].0.into();
                }
            }
            "baseline" => self.baseline = value,
            "mean" => self.mean = value,
            "stdDev" => self.std_dev = value,
            "controlEventRate" => self.control_event_rate = value,
            "hazardRatio" => self.hazard_ratio = value,
            "mde" => self.mde = value,
            "mdeType" => {
                // The effect keeps its meaning: +8 % relative of 3.2 % becomes 0.256 points.
                if value != self.mde_type {
                    if let Some(converted) = self.converted_mde(&value) {
                        self.mde = converted;
                    }
                }
                self.mde_type = value;
            }
            "alpha" => self.alpha = value,
            "power" => self.power = value,
            "alternative" => self.alternative = value,
            "variants" => self.variants = value,
            "allocation" => self.allocation = value,
            "correction" => self.correction = value,
            "method" => self.method = value,
            "dailyUsers" => self.daily_users = value,
            "trafficFraction" => self.traffic_fraction = value,
            "hypothesis" => card.hypothesis = value,
            "kpiName" => card.kpi_name = value,
            "kpiColumn" => card.kpi_column = value,
            "win" => card.on_win = value,
            "loss" => card.on_loss = value,
            "inconclusive" => card.on_inconclusive = value,
            _ => return false,
        }
        true
    }

    pub fn is_mean(&self) -> bool {
        self.metric == "mean"
    }

    /// Time to convert (Freedman's formula): no effect size, a hazard ratio instead.
    pub fn is_time_to_event(&self) -> bool {
        self.metric == "timeToEvent"
    }

    /// The primary KPI's kind in the Evaluate vocabulary.
    pub fn kpi_kind(&self) -> KpiKind {
        if self.is_mean() {
            KpiKind::Mean
        } else if self.is_time_to_event() {
            KpiKind::TimeToEvent
        } else {
            KpiKind::Conversion
        }
    }

    /// The KPI name to show: the card's, or a sensible default for the metric.
    pub fn kpi_display_name(&self) -> String {
        let name = self.card.kpi_name.trim();
        if !name.is_empty() {
            name.to_string()
        } else if self.is_mean() {
            "revenue per visitor".into()
        } else if self.is_time_to_event() {
            "time to convert".into()
        } else {
            "conversion rate".into()
        }
    }

    /// The unit shown in a field ("%", "points"), None for plain numbers.
    pub fn unit_for(&self, id: &str) -> Option<&'static str> {
        match id {
            "baseline" | "controlEventRate" | "alpha" | "power" | "trafficFraction" => Some("%"),
            "mde" if self.mde_type != "absolute" => Some("%"),
            "mde" if !self.is_mean() => Some("points"),
            _ => None,
        }
    }

    /// Whether the field's text is in percent (or percentage points).
    pub fn is_percent_field(&self, id: &str) -> bool {
        self.unit_for(id).is_some()
    }

    /// The effect re-expressed for `to` ("relative"/"absolute"), None when it cannot be.
    fn converted_mde(&self, to: &str) -> Option<String> {
        if self.is_time_to_event() || !matches!(to, "relative" | "absolute") {
            return None;
        }
        // The base in the effect's unit: the rate in percent, or the mean.
        let base = if self.is_mean() { parse_number(&self.mean).ok()? } else { parse_percent(&self.baseline).ok()? };
        let mde = if self.is_percent_field("mde") { parse_percent(&self.mde) } else { parse_number(&self.mde) }.ok()?;
        let converted = if to == "absolute" {
            base * mde / 100.0
        } else {
            if base == 0.0 {
                return None;
            }
            mde / base * 100.0
        };
        converted.is_finite().then(|| typed_number(converted))
    }

    /// A count field that could mean two numbers ("12.000" visitors), to ask about.
    pub fn ambiguity(&self) -> Option<Ambiguity> {
        [("dailyUsers", &self.daily_users, "visitors"), ("variants", &self.variants, "arms")].into_iter().find_map(
            |(field, text, noun)| match read_number(text, NumberKind::Count) {
                Ok(Reading::Ambiguous { grouped, decimal }) => {
                    Some(Ambiguity { field, text: text.trim().to_string(), grouped, decimal, noun })
                }
                _ => None,
            },
        )
    }

    /// Parses every field; the first unreadable or out-of-range one is reported
    /// against its input, in the words on the screen. Percent fields become the
    /// core's shares here (3.2 -> 0.032).
    pub fn to_duration_input(&self) -> Result<DurationInput, FieldError> {
        let metric = if self.is_mean() {
            let std_dev = number("stdDev", &self.std_dev)?;
            if std_dev <= 0.0 {
                return Err(FieldError::new("stdDev", "Standard deviation must be more than 0."));
            }
            PlanMetric::Mean { mean: number("mean", &self.mean)?, std_dev }
        } else if self.is_time_to_event() {
            let hazard_ratio = number("hazardRatio", &self.hazard_ratio)?;
            if hazard_ratio <= 0.0 || hazard_ratio == 1.0 {
                return Err(FieldError::new(
                    "hazardRatio",
                    "Hazard ratio to detect must be above 0 and not 1 (0.7 = converting 30 % slower).",
                ));
            }
            PlanMetric::TimeToEvent {
                control_event_rate: share("controlEventRate", &self.control_event_rate, "35")?,
                hazard_ratio,
            }
        } else {
            PlanMetric::Proportion { baseline: share("baseline", &self.baseline, "3.2")? }
        };
        let mde_type: MdeType = self.mde_type.parse().unwrap_or(MdeType::Relative);
        let mde = if self.is_time_to_event() { None } else { Some(self.effect(&metric, mde_type)?) };
        let alpha = share("alpha", &self.alpha, "5")?;
        let power = share("power", &self.power, "80")?;
        let variants = count("variants", &self.variants)?;
        if variants.fract() != 0.0 || !(2.0..=1000.0).contains(&variants) {
            return Err(FieldError::new(
                "variants",
                "Number of arms: enter a whole number from 2 to 1,000 (2 = control + one variant).",
            ));
        }
        let variants = variants as u32;
        // The core's check, in percent: power must exceed the one tail's significance level.
        let comparisons = if self.correction == "bonferroni" { f64::from(variants - 1) } else { 1.0 };
        let tail = alpha / comparisons / if self.alternative == "two-sided" { 2.0 } else { 1.0 };
        if power <= tail {
            return Err(FieldError::new(
                "power",
                format!(
                    "Power must be above {} (the significance level per tail); 80 is usual.",
                    percent(tail, PercentStyle::Share)
                ),
            ));
        }
        let allocation = allocation(&self.allocation)?;
        if let Some(weights) = &allocation {
            if weights.len() != variants as usize || weights.iter().any(|w| *w <= 0.0) {
                return Err(FieldError::new(
                    "allocation",
                    format!(
                        "Allocation: enter {variants} positive weights, one per arm, control first (e.g. {}), or leave it empty.",
                        vec!["1"; variants.min(4) as usize].join(",")
                    ),
                ));
            }
        }
        let plan = PlanInput {
            metric,
            mde,
            mde_type,
            alpha,
            power,
            // The selects offer the core's names; anything else (an old link) is the default.
            alternative: self.alternative.parse().unwrap_or(Alternative::TwoSided),
            variants,
            allocation,
            correction: self.correction.parse().unwrap_or(PlanCorrection::None),
            method: self.method.parse().unwrap_or(PlanMethod::Pooled),
        };
        let daily_users = count("dailyUsers", &self.daily_users)?;
        if daily_users <= 0.0 {
            return Err(FieldError::new("dailyUsers", "Daily users must be more than 0."));
        }
        let traffic_fraction = number("trafficFraction", &self.traffic_fraction)?;
        if !(traffic_fraction > 0.0 && traffic_fraction <= 100.0) {
            return Err(FieldError::new(
                "trafficFraction",
                "Share of traffic in the test must be more than 0 and at most 100 %.",
            ));
        }
        Ok(DurationInput { plan, daily_users, traffic_fraction: traffic_fraction / 100.0 })
    }

    /// The effect in the core's unit, with the checks a marketer can act on.
    fn effect(&self, metric: &PlanMetric, mde_type: MdeType) -> Result<f64, FieldError> {
        let typed = number("mde", &self.mde)?;
        if typed == 0.0 {
            return Err(FieldError::new(
                "mde",
                "Minimum detectable effect must not be 0: a test cannot detect no change.",
            ));
        }
        let mde = if self.is_percent_field("mde") { typed / 100.0 } else { typed };
        let (before, after) = match (*metric, mde_type) {
            (PlanMetric::Proportion { baseline }, MdeType::Relative) => (baseline, baseline * (1.0 + mde)),
            (PlanMetric::Proportion { baseline }, MdeType::Absolute) => (baseline, baseline + mde),
            (PlanMetric::Mean { mean, .. }, MdeType::Relative) => (mean, mean * (1.0 + mde)),
            (PlanMetric::Mean { mean, .. }, MdeType::Absolute) => (mean, mean + mde),
            (PlanMetric::TimeToEvent { .. }, _) => return Ok(mde),
        };
        if matches!(metric, PlanMetric::Proportion { .. }) && !(after > 0.0 && after < 1.0) {
            return Err(FieldError::new(
                "mde",
                format!(
                    "Minimum detectable effect: the variant would convert at {}, outside 0 to 100 %; enter a smaller effect.",
                    percent(after, PercentStyle::Share)
                ),
            ));
        }
        if matches!(metric, PlanMetric::Mean { mean, .. } if *mean == 0.0) && mde_type == MdeType::Relative {
            return Err(FieldError::new(
                "mean",
                "Current mean is 0, so a relative effect means nothing: set \"Effect is\" to Absolute and type the change in the KPI's unit.",
            ));
        }
        let alternative: Alternative = self.alternative.parse().unwrap_or(Alternative::TwoSided);
        match alternative {
            Alternative::Greater if after < before => Err(FieldError::new(
                "mde",
                "Minimum detectable effect: the test is \"One-sided: better\" but this effect lowers the KPI; enter a positive effect or choose \"One-sided: worse\".",
            )),
            Alternative::Less if after > before => Err(FieldError::new(
                "mde",
                "Minimum detectable effect: the test is \"One-sided: worse\" but this effect raises the KPI; enter a negative effect or choose \"One-sided: better\".",
            )),
            _ => Ok(mde),
        }
    }
}

/// "12.000" in a count field: 12,000 or 12?
#[derive(Debug, Clone, PartialEq)]
pub struct Ambiguity {
    /// The input's id.
    pub field: &'static str,
    pub text: String,
    /// Read with a thousands dot…
    pub grouped: f64,
    /// …or with a decimal point.
    pub decimal: f64,
    /// What is counted ("visitors").
    pub noun: &'static str,
}

/// The label of each planning input, as on the screen; messages name fields by it.
pub fn label_for(id: &str) -> &'static str {
    match id {
        "metric" => "KPI type",
        "baseline" => "Baseline conversion rate",
        "mean" => "Current mean",
        "stdDev" => "Standard deviation",
        "controlEventRate" => "Control: share converting during the test",
        "hazardRatio" => "Hazard ratio to detect",
        "mde" => "Minimum detectable effect",
        "mdeType" => "Effect is",
        "alpha" => "Significance level (α)",
        "power" => "Power",
        "alternative" => "Test",
        "variants" => "Number of arms",
        "allocation" => "Allocation",
        "correction" => "Multiple comparisons",
        "method" => "Method",
        "dailyUsers" => "Daily users",
        "trafficFraction" => "Share of traffic in the test",
        _ => "",
    }
}

/// The core's names in its messages, and the words on the screen for them
/// (longest first, so "metric.baseline" goes before "baseline").
const CORE_WORDS: &[(&str, &str)] = &[
    ("metric.baseline", "the baseline conversion rate"),
    ("metric.stdDev", "the standard deviation"),
    ("metric.mean", "the current mean"),
    ("metric.controlEventRate", "the control's share converting"),
    ("metric.hazardRatio", "the hazard ratio"),
    ("metric.kind", "the KPI type"),
    ("controlEventRate", "the control's share converting"),
    ("hazardRatio", "the hazard ratio"),
    ("trafficFraction", "the share of traffic in the test"),
    ("dailyUsers", "daily users"),
    ("usersPerVariant", "users per variant"),
    ("stdDev", "the standard deviation"),
    ("mdeType", "\"Effect is\""),
    ("planSampleSize", "the sample size"),
    ("planDuration", "the duration"),
    ("planPower", "the power"),
    ("planMde", "the detectable effect"),
];

/// A core error next to the input its path names, in the words on the screen:
/// the label first, and none of the core's field names in the text.
pub fn screen_error(path: &str, message: &str) -> FieldError {
    let id = input_id_for_path(path);
    let mut text = message.to_string();
    for (core, screen) in CORE_WORDS {
        text = text.replace(core, screen);
    }
    let label = label_for(&id);
    if label.is_empty() {
        FieldError::new("", text)
    } else {
        FieldError::new(&id, format!("{label}: {text}"))
    }
}

/// A number as it would be typed: at most 10 significant digits, no trailing zeros.
pub fn typed_number(x: f64) -> String {
    let magnitude = if x == 0.0 { 0 } else { x.abs().log10().floor() as i32 };
    let decimals = (9 - magnitude).clamp(0, 15) as usize;
    trimmed(x, decimals)
}

/// A numeric field, or the message for its input (named by its label).
fn number(field: &str, text: &str) -> Result<f64, FieldError> {
    let value = if matches!(field, "baseline" | "controlEventRate" | "alpha" | "power" | "trafficFraction" | "mde") {
        parse_percent(text)
    } else {
        parse_number(text)
    };
    value.map_err(|e| unreadable(field, text, e))
}

fn unreadable(field: &str, text: &str, e: NumberError) -> FieldError {
    let label = label_for(field);
    match e {
        NumberError::Empty => FieldError::new(field, format!("{label}: enter a number.")),
        NumberError::Unreadable => FieldError::new(field, format!("{label}: \"{}\" is not a number.", text.trim())),
    }
}

/// A percent field as the core's share, checked to be strictly between 0 and 100 %.
fn share(field: &str, text: &str, example: &str) -> Result<f64, FieldError> {
    let x = number(field, text)?;
    if x > 0.0 && x < 100.0 {
        Ok(x / 100.0)
    } else {
        Err(FieldError::new(
            field,
            format!("{} must be between 0 and 100 % (in percent, e.g. {example}).", label_for(field)),
        ))
    }
}

/// A count: "12,000", "12 000", "12.000,5"; an ambiguous "12.000" waits for the answer.
fn count(field: &str, text: &str) -> Result<f64, FieldError> {
    match read_number(text, NumberKind::Count) {
        Ok(Reading::Value(x)) => Ok(x),
        Ok(Reading::Ambiguous { grouped, decimal }) => Err(FieldError::new(
            field,
            format!(
                "{}: is \"{}\" {} or {}? Choose below.",
                label_for(field),
                text.trim(),
                group_thousands(grouped),
                typed_number(decimal)
            ),
        )),
        Err(e) => Err(unreadable(field, text, e)),
    }
}

/// "50,50" or "50 / 50" or "2:1:1"; empty means an equal split.
fn allocation(text: &str) -> Result<Option<Vec<f64>>, FieldError> {
    let parts: Vec<&str> = text.split([',', '/', ':', ';']).map(str::trim).filter(|p| !p.is_empty()).collect();
    if parts.is_empty() {
        return Ok(None);
    }
    parts.iter().map(|p| number("allocation", p)).collect::<Result<Vec<_>, _>>().map(Some)
}

/// The form as reducer state, so quick successive edits all apply to the latest form.
#[derive(Debug, PartialEq)]
pub struct PlannerState(pub PlannerForm);

impl Reducible for PlannerState {
    type Action = FormEdit;

    fn reduce(self: Rc<Self>, edit: FormEdit) -> Rc<Self> {
        let mut form = self.0.clone();
        form.apply(edit);
        Rc::new(PlannerState(form))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kpilab_test_support::assert_close;

    /// The plan, typed as a marketer would.
    fn checkout() -> PlannerForm {
        let mut f = PlannerForm::default();
        f.set("baseline", "3.2".into());
        f.set("mde", "8".into());
        f.set("dailyUsers", "12,000".into());
        f
    }

    #[test]
    fn core_paths_map_to_input_ids() {
        assert_eq!(input_id_for_path("metric.baseline"), "baseline");
        assert_eq!(input_id_for_path("metric.stdDev"), "stdDev");
        assert_eq!(input_id_for_path("allocation[1]"), "allocation");
        assert_eq!(input_id_for_path("daily_users"), "dailyUsers");
        assert_eq!(input_id_for_path("usersPerVariant"), "");
        assert_eq!(input_id_for_path(""), "");
    }

    #[test]
    fn percent_fields_are_percent() {
        let input = checkout().to_duration_input().unwrap();
        assert_eq!(input.plan.metric, PlanMetric::Proportion { baseline: 0.032 });
        assert_close!(input.plan.mde.unwrap(), 0.08, 0.0, 1e-15, strict);
        assert_close!(input.plan.alpha, 0.05, 0.0, 1e-15, strict);
        assert_close!(input.plan.power, 0.8, 0.0, 1e-15, strict);
        assert_eq!(input.daily_users, 12000.0);
        assert_eq!(input.traffic_fraction, 1.0);
        let mut f = checkout();
        f.set("baseline", "3,2 %".into());
        assert_eq!(f.to_duration_input().unwrap().plan.metric, PlanMetric::Proportion { baseline: 0.032 });
    }

    #[test]
    fn the_effect_type_switch_converts_the_value() {
        let mut f = checkout();
        f.set("mdeType", "absolute".into());
        assert_eq!(f.mde, "0.256");
        assert_eq!(f.unit_for("mde"), Some("points"));
        f.set("mdeType", "relative".into());
        assert_eq!(f.mde, "8");
        f.set("metric", "mean".into());
        f.set("mdeType", "absolute".into());
        assert_eq!(f.mde, "4"); // 8 % of 50
        assert_eq!(f.unit_for("mde"), None);
    }

    #[test]
    fn an_ambiguous_count_is_asked_about() {
        let mut f = checkout();
        f.set("dailyUsers", "12.000".into());
        let a = f.ambiguity().unwrap();
        assert_eq!((a.field, a.grouped, a.decimal), ("dailyUsers", 12000.0, 12.0));
        assert_eq!(f.to_duration_input().unwrap_err().field, "dailyUsers");
        f.set("dailyUsers", "12.000,5".into());
        assert_eq!(f.ambiguity(), None);
    }

    #[test]
    fn messages_name_the_label() {
        let cases = [
            ("baseline", "0"),
            ("baseline", "abc"),
            ("mde", "0"),
            ("mde", "5000"),
            ("alpha", "100"),
            ("power", ""),
            ("power", "2"),
            ("variants", "1"),
            ("allocation", "1,2,3"),
            ("dailyUsers", "-5"),
            ("trafficFraction", "150"),
        ];
        for (id, text) in cases {
            let mut f = checkout();
            f.set(id, text.into());
            let e = f.to_duration_input().unwrap_err();
            assert_eq!(e.field, id, "{id}={text}");
            assert!(e.message.contains(label_for(id)), "{id}={text}: {}", e.message);
        }
        let e = screen_error("metric.baseline", "metric.baseline must be in (0, 1)");
        assert_eq!(
            (e.field.as_str(), e.message.as_str()),
            ("baseline", "Baseline conversion rate: the baseline conversion rate must be in (0, 1)")
        );
        assert_eq!(
            screen_error("trafficFraction", "trafficFraction too big").message,
            "Share of traffic in the test: the share of traffic in the test too big"
        );
    }

    #[test]
    fn typed_numbers() {
        assert_eq!(typed_number(0.032 * 8.0), "0.256");
        assert_eq!(typed_number(0.256 / 3.2 * 100.0), "8");
        assert_eq!(typed_number(12000.0), "12000");
        assert_eq!(typed_number(0.0), "0");
    }

    #[test]
    fn time_to_event_plans_take_a_hazard_ratio() {
        let mut f = PlannerForm::default();
        f.set("metric", "timeToEvent".into());
        f.set("controlEventRate", "35".into());
        f.set("hazardRatio", "0.7".into());
        let input = f.to_duration_input().unwrap();
        assert_eq!(input.plan.metric, PlanMetric::TimeToEvent { control_event_rate: 0.35, hazard_ratio: 0.7 });
        assert_eq!(input.plan.mde, None);
        assert_eq!(f.kpi_kind(), KpiKind::TimeToEvent);
        f.set("hazardRatio", "x".into());
        assert_eq!(f.to_duration_input().unwrap_err().field, "hazardRatio");
    }

    #[test]
    fn allocation_lists() {
        assert_eq!(allocation("").unwrap(), None);
        assert_eq!(allocation("2, 1,1").unwrap(), Some(vec![2.0, 1.0, 1.0]));
        assert_eq!(allocation("60/40").unwrap(), Some(vec![60.0, 40.0]));
        assert!(allocation("60,x").is_err());
    }
}

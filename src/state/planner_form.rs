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
use crate::state::number::{parse_margin, parse_number, NumberError};
use crate::state::FieldError;

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
    fn default() -> Self {
        PlannerForm {
            metric: "proportion".into(),
            baseline: "0.05".into(),
            mean: "50".into(),
            std_dev: "30".into(),
            control_event_rate: "0.35".into(),
            hazard_ratio: "0.7".into(),
            mde: "0.1".into(),
            mde_type: "relative".into(),
            alpha: "0.05".into(),
            power: "0.8".into(),
            alternative: "two-sided".into(),
            variants: "2".into(),
            allocation: String::new(),
            correction: "none".into(),
            method: "pooled".into(),
            daily_users: "2000".into(),
            traffic_fraction: "1".into(),
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
            "mdeType" => self.mde_type = value,
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

    /// Parses every field; the first unreadable one is reported against its input.
    /// Range checks are the core's job (its errors carry the field path).
    pub fn to_duration_input(&self) -> Result<DurationInput, FieldError> {
        let metric = if self.is_mean() {
            PlanMetric::Mean { mean: number("mean", &self.mean)?, std_dev: number("stdDev", &self.std_dev)? }
        } else if self.is_time_to_event() {
            PlanMetric::TimeToEvent {
                control_event_rate: number("controlEventRate", &self.control_event_rate)?,
                hazard_ratio: number("hazardRatio", &self.hazard_ratio)?,
            }
        } else {
            PlanMetric::Proportion { baseline: number("baseline", &self.baseline)? }
        };
        let plan = PlanInput {
            metric,
            // A time-to-event plan's effect is the hazard ratio.
            mde: if self.is_time_to_event() { None } else { Some(number("mde", &self.mde)?) },
            // The selects offer the core's names; anything else (an old link) is the default.
            mde_type: self.mde_type.parse().unwrap_or(MdeType::Relative),
            alpha: number("alpha", &self.alpha)?,
            power: number("power", &self.power)?,
            alternative: self.alternative.parse().unwrap_or(Alternative::TwoSided),
            variants: whole_number("variants", &self.variants)?,
            allocation: allocation(&self.allocation)?,
            correction: self.correction.parse().unwrap_or(PlanCorrection::None),
            method: self.method.parse().unwrap_or(PlanMethod::Pooled),
        };
        Ok(DurationInput {
            plan,
            daily_users: number("dailyUsers", &self.daily_users)?,
            traffic_fraction: number("trafficFraction", &self.traffic_fraction)?,
        })
    }
}

/// A numeric field, or the message for its input.
fn number(field: &str, text: &str) -> Result<f64, FieldError> {
    parse_number(text).map_err(|e| match e {
        NumberError::Empty => FieldError::new(field, "Enter a number."),
        NumberError::Unreadable => FieldError::new(field, format!("\"{}\" is not a number.", text.trim())),
    })
}

fn whole_number(field: &str, text: &str) -> Result<u32, FieldError> {
    let x = number(field, text)?;
    if x.fract() == 0.0 && (0.0..=1000.0).contains(&x) {
        Ok(x as u32)
    } else {
        Err(FieldError::new(field, "Enter a whole number of arms (2 = control + one variant)."))
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
    fn numbers_accept_separators_and_percent() {
        assert_eq!(number("x", "2,000").unwrap(), 2000.0);
        assert_close!(number("x", "5%").unwrap(), 0.05, 0.0, 1e-15, strict);
        assert!(number("x", "abc").is_err());
        assert!(number("x", "").is_err());
    }

    #[test]
    fn time_to_event_plans_take_a_hazard_ratio() {
        let mut f = PlannerForm::default();
        f.set("metric", "timeToEvent".into());
        f.set("controlEventRate", "0.35".into());
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

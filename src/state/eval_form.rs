//! The Evaluate view's settings as typed: column mapping, KPIs and roles, analysis
//! options. Text until `to_config` turns them into the core's `EvalConfig`; the
//! core then validates the rest (`CsvEvaluator::new`).

use std::rc::Rc;

use kpilab_core::analyze::{AnalysisMethod, AnalysisOptions, Correction};
use kpilab_core::csv::{Decimal, TimestampUnit};
use kpilab_core::evaluate::event_types::{Aggregate, Exposure, FunnelStep, KpiWindow, RatioPart, RatioPartSpec};
use kpilab_core::evaluate::filter::{Filter, FilterValue};
use kpilab_core::evaluate::{EvalAnalysis, EvalConfig, KpiKind, KpiRole, KpiSpec, OnBadRow};
use kpilab_core::survival::TimeUnit;
use kpilab_core::CsvEvaluator;

use crate::models::event_file::EventFile;
use crate::models::observed_traffic::parse_days_run;
use crate::models::plan_file::PlanFile;
use crate::state::event_choices::EventChoices;
use crate::state::number::{parse_alpha, parse_margin, parse_number, NumberError};
use crate::state::FieldError;
use crate::text::format::{percent_number, plain};

// Serialize: kept in the tab's session storage across Plan and Evaluate (state::eval_session).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct EvalForm {
    pub variant_column: String,
    /// "" = each row is one user already.
    pub user_column: String,
    /// "" = a variant named "control", else the first.
    pub control: String,
    pub kpis: Vec<KpiDraft>,
    pub segment_columns: Vec<String>,
    /// "frequentist", "bayesian" or "sequential".
    pub method: String,
    pub alpha: String,
    /// "none", "holm", "bonferroni" or "benjamini-hochberg".
    pub correction: String,
    /// Users per variant the plan needs; "" = no plan.
    pub planned_users: String,
    /// Days the test has run so far; "" = unknown (days left then need the plan).
    pub days_run: String,
    pub annual_users: String,
    /// Name of the mean KPI to project over a year; "" = none.
    pub revenue_kpi: String,
    pub delimiter: char,
    /// ',' when numbers are written "12,50" (detected by the preview; can be switched off), else '.'.
    pub decimal: char,
    /// Event level (SDK.md §4): the column naming each row's event; "" = none.
    pub event_column: String,
    /// The time of each row; "" = none (no windows).
    pub timestamp_column: String,
    /// "auto", "s", "ms" or "us" (epoch numbers).
    pub timestamp_unit: String,
    /// A user's exposure = their first row of this event; "" = their first row.
    pub exposure_event: String,
    /// What the preview showed of an event-level file (its events are the choices);
    /// not kept across views: it is read again from the file's preview.
    #[serde(skip)]
    pub event_file: Option<Rc<EventFile>>,
    /// The mapper's "Conversion = users with at least one … within … days" line.
    pub choices: EventChoices,
}

impl Default for EvalForm {
    fn default() -> Self {
        EvalForm {
            variant_column: String::new(),
            user_column: String::new(),
            control: String::new(),
            kpis: Vec::new(),
            segment_columns: Vec::new(),
            method: "frequentist".into(),
            alpha: "5".into(),
            correction: "none".into(),
            planned_users: String::new(),
            days_run: String::new(),
            annual_users: String::new(),
            revenue_kpi: String::new(),
            delimiter: ',',
            decimal: '.',
            event_column: String::new(),
            timestamp_column: String::new(),
            timestamp_unit: "auto".into(),
            exposure_event: String::new(),
            event_file: None,
            choices: EventChoices::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct KpiDraft {
    pub name: String,
    pub role: KpiRole,
    pub kind: KpiKind,
    /// Conversion and mean KPIs.
    pub column: String,
    /// Ratio KPIs.
    pub numerator: String,
    pub denominator: String,
    /// CUPED pre-period column (mean KPIs); "" = none.
    pub covariate: String,
    pub higher_is_better: bool,
    /// Guardrails: "2" = may get 2 % worse; "" = must not be significantly worse.
    pub margin_percent: String,
    /// Time to convert, per user: the 0/1 converted column next to the duration `column`.
    pub event_column: String,
    /// Time to convert, event level: the column naming each row's event…
    pub event_name_column: String,
    /// …and the converting event (e.g. "purchase"); set = event level.
    pub event_value: String,
    /// Time to convert: "days" or "hours".
    pub unit: String,
    /// Event level: only rows of this event count (`where: {column: eventColumn, equals}`);
    /// "" = every row. Ratio KPIs apply it to both parts.
    pub event: String,
    /// Only rows within this many days after exposure count; "" = no window.
    pub window_days: String,
    /// "" = the default (any for a conversion, sum for a mean), else an `Aggregate` name.
    pub aggregate: String,
    /// Conversion: the per-user aggregate that counts as converted; "" = 1.
    pub threshold: String,
    /// Funnel: the step events in order, comma-separated.
    pub steps: String,
    /// Funnel: each step must follow the previous one in time.
    pub ordered: bool,
}

impl KpiDraft {
    pub fn new(name: &str, role: KpiRole, kind: KpiKind) -> KpiDraft {
        KpiDraft {
            name: name.into(),
            role,
            kind,
            column: String::new(),
            numerator: String::new(),
            denominator: String::new(),
            covariate: String::new(),
            higher_is_better: kind != KpiKind::TimeToEvent,
            margin_percent: String::new(),
            event_column: String::new(),
            event_name_column: String::new(),
            event_value: String::new(),
            unit: "days".into(),
            event: String::new(),
            window_days: String::new(),
            aggregate: String::new(),
            threshold: String::new(),
            steps: String::new(),
            ordered: false,
        }
    }

    /// The draft of a `KpiSpec` the form can show (its filters are events of
    /// `event_column`, as the presets' are); None for anything else (e.g. a cap).
    pub fn from_spec(spec: &KpiSpec, event_column: &str) -> Option<KpiDraft> {
        let event_of = |f: &Filter| match f {
            Filter { column: Some(c), equals: Some(FilterValue::Text(v)), .. }
                if c == event_column && *f == Filter::equals(event_column, v.as_str()) =>
            {
                Some(v.clone())
            }
            _ => None,
        };
        let mut d = KpiDraft::new(&spec.name, spec.role, spec.kind);
        d.higher_is_better = spec.higher_is_better;
        d.margin_percent = spec.non_inferiority_margin.map(|m| percent_number(m, 4)).unwrap_or_default();
        d.covariate = spec.covariate.clone().unwrap_or_default();
        d.column = spec.column.clone().unwrap_or_default();
        if let Some(f) = &spec.where_ {
            d.event = event_of(f)?;
        }
        if let Some(a) = spec.aggregate {
            d.aggregate = aggregate_name(a);
        }
        d.threshold = spec.threshold.map(plain).unwrap_or_default();
        match spec.window {
            Some(KpiWindow { days: Some(days), hours: None }) => d.window_days = plain(days),
            Some(_) => return None,
            None => {}
        }
        if spec.cap.is_some() {
            return None;
        }
        for (part, text) in [(&spec.numerator, &mut d.numerator), (&spec.denominator, &mut d.denominator)] {
            match part {
                Some(RatioPart::Column(c)) => *text = c.clone(),
                Some(RatioPart::Part(p)) => {
                    d.event = event_of(p.where_.as_ref()?)?;
                    *text = p.column.clone().unwrap_or_default();
                }
                None => {}
            }
        }
        if let Some(steps) = &spec.steps {
            let names: Option<Vec<String>> =
                steps.iter().map(|s| event_of(&s.where_).filter(|e| *e == s.name)).collect();
            d.steps = names?.join(", ");
            d.ordered = spec.ordered == Some(true);
        }
        if spec.kind == KpiKind::TimeToEvent {
            // Time to convert keeps its converting event and units in fields of its own.
            d.event_value = std::mem::take(&mut d.event);
            if !d.event_value.is_empty() {
                d.event_name_column = event_column.to_string();
            }
            d.event_column = spec.event_column.clone().unwrap_or_default();
            d.unit = spec.unit.unwrap_or_default().as_str().to_string();
        }
        // Only what `to_spec` gives back: anything else would be silently lost.
        (d.to_spec(0, event_column).ok().as_ref() == Some(spec)).then_some(d)
    }
}

/// One change to the form.
#[derive(Debug, Clone, PartialEq)]
pub enum EvalEdit {
    /// A top-level field by its key ("variantColumn", "alpha", …).
    Set(&'static str, String),
    /// Boxed: a draft is much larger than the other edits.
    Kpi(usize, Box<KpiDraft>),
    AddKpi,
    RemoveKpi(usize),
    ToggleSegment(String),
    /// A field of the event choices ("event", "days", "revenueColumn", "preset").
    Choice(&'static str, String),
    /// Adds "users with at least one <event> within <days>" as the primary KPI.
    UseConversion,
    /// Adds revenue per user from the chosen revenue column.
    UseRevenue,
    /// Adds the chosen preset, filled with the mapped column names.
    AddPreset,
}

impl EvalForm {
    pub fn apply(&mut self, edit: EvalEdit) {
        match edit {
            EvalEdit::Set(key, value) => match key {
                "variantColumn" => self.variant_column = value,
                "userColumn" => self.user_column = value,
                "control" => self.control = value,
                "method" => self.method = value,
                "alpha" => self.alpha = value,
                "correction" => self.correction = value,
                "plannedUsers" => self.planned_users = value,
                "daysRun" => self.days_run = value,
                "annualUsers" => self.annual_users = value,
                "revenueKpi" => self.revenue_kpi = value,
                "eventColumn" => self.event_column = value,
                "timestampColumn" => self.timestamp_column = value,
                "timestampUnit" => self.timestamp_unit = value,
                "exposureEvent" => self.exposure_event = value,
                "decimal" => self.decimal = if value == "," { ',' } else { '.' },
                _ => {}
            },
            EvalEdit::Choice(key, value) => self.choices.set(key, value),
            EvalEdit::UseConversion => self.use_conversion_choice(),
            EvalEdit::UseRevenue => self.use_revenue_choice(),
            EvalEdit::AddPreset => self.add_chosen_preset(),
            EvalEdit::Kpi(i, kpi) => {
                if let Some(slot) = self.kpis.get_mut(i) {
                    // Keep the revenue projection pointing at a renamed KPI.
                    if slot.name == self.revenue_kpi {
                        self.revenue_kpi = kpi.name.clone();
                    }
                    *slot = *kpi;
                }
            }
            EvalEdit::AddKpi => {
                let role = if self.kpis.iter().any(|k| k.role == KpiRole::Primary) {
                    KpiRole::Secondary
                } else {
                    KpiRole::Primary
                };
                self.kpis.push(KpiDraft::new(&format!("KPI {}", self.kpis.len() + 1), role, KpiKind::Conversion));
            }
            EvalEdit::RemoveKpi(i) => {
                if i < self.kpis.len() {
                    let removed = self.kpis.remove(i);
                    if removed.name == self.revenue_kpi {
                        self.revenue_kpi.clear();
                    }
                }
            }
            EvalEdit::ToggleSegment(column) => {
                if let Some(at) = self.segment_columns.iter().position(|c| *c == column) {
                    self.segment_columns.remove(at);
                } else {
                    self.segment_columns.push(column);
                }
            }
        }
    }

    /// The days the test has run so far, as typed ("14", "14 days"); None when empty.
    pub fn days_run(&self) -> Result<Option<f64>, FieldError> {
        parse_days_run(&self.days_run).map_err(|message| FieldError::new("daysRun", message))
    }

    /// The core's config, or the first problem (numbers here, the rest from the core).
    pub fn to_config(&self) -> Result<EvalConfig, FieldError> {
        if self.variant_column.is_empty() {
            return Err(FieldError::new("variantColumn", "Pick the column that says which variant each user saw."));
        }
        let alpha = parse_alpha(&self.alpha).map_err(|message| FieldError::new("alpha", message))?;
        let planned = number(
            "plannedUsers",
            &self.planned_users,
            "Enter the planned users per variant as a number, or leave it empty.",
        )?;
        self.days_run()?;
        let annual =
            number("annualUsers", &self.annual_users, "Enter the users a year as a number, or leave it empty.")?;
        if self.kpis.is_empty() && self.event_file.is_some() {
            return Err(FieldError::new(
                "kpis",
                "Choose what counts: pick the event of a conversion and click \"Use as primary KPI\", or add a preset.",
            ));
        }
        let mut kpis = Vec::with_capacity(self.kpis.len());
        for (i, k) in self.kpis.iter().enumerate() {
            kpis.push(k.to_spec(i, &self.event_column)?);
        }
        let exposure = match non_empty(&self.exposure_event) {
            None => None,
            Some(_) if self.event_column.is_empty() => {
                return Err(FieldError::new("exposureEvent", "Pick the event column first: exposure is an event."))
            }
            Some(event) => Some(Exposure { where_: Some(Filter::equals(&self.event_column, event.as_str())) }),
        };
        let options = AnalysisOptions {
            control: non_empty(&self.control),
            // The selects offer the core's names; anything else is the default.
            method: self.method.parse().unwrap_or(AnalysisMethod::Frequentist),
            alpha,
            correction: self.correction.parse().unwrap_or(Correction::None),
            ..AnalysisOptions::default()
        };
        let config = EvalConfig {
            variant_column: self.variant_column.clone(),
            user_column: non_empty(&self.user_column),
            kpis,
            segment_columns: self.segment_columns.clone(),
            analysis: EvalAnalysis { options, planned_users_per_variant: planned, variants: None },
            delimiter: self.delimiter.to_string(),
            decimal: if self.decimal == ',' { Decimal::Comma } else { Decimal::Dot },
            on_bad_row: OnBadRow::Skip,
            // The projection needs both; one alone is not an error, just no projection.
            annual_users: annual.filter(|_| !self.revenue_kpi.is_empty()),
            revenue_kpi: non_empty(&self.revenue_kpi).filter(|_| annual.is_some()),
            timestamp_column: non_empty(&self.timestamp_column),
            timestamp_unit: serde_json::from_value(self.timestamp_unit.clone().into()).unwrap_or(TimestampUnit::Auto),
            exposure,
        };
        // Everything that does not need the data (names, kinds, margins…), checked by the core.
        CsvEvaluator::new(config.clone()).map_err(|e| FieldError { field: e.field, message: e.message })?;
        Ok(config)
    }

    /// Prefills KPIs, roles, margins and the planned size from the planner's plan file.
    /// KPI columns come from the file when it names them, else from the current mapping
    /// (a KPI of the same kind), else they are left for the user to pick. Mapped KPIs
    /// the plan does not mention stay, as secondary (reported, never decisive).
    pub fn apply_plan(&mut self, plan: &PlanFile) {
        let mut unused = std::mem::take(&mut self.kpis);
        let mut take = |kind: KpiKind, role: KpiRole| match unused.iter().position(|k| k.kind == kind) {
            Some(i) => unused.remove(i),
            None => KpiDraft::new("", role, kind),
        };
        let mut primary = take(plan.primary_kpi.kind, KpiRole::Primary);
        if let Some(column) = &plan.primary_kpi.column {
            primary.column = column.clone();
        }
        primary.name = or(&plan.primary_kpi.name, "primary KPI");
        primary.role = KpiRole::Primary;
        let mut kpis = vec![primary];
        for g in &plan.guardrails {
            let mut draft = take(g.kind, KpiRole::Guardrail);
            draft.name = or(&g.name, "guardrail");
            draft.role = KpiRole::Guardrail;
            draft.higher_is_better = g.higher_is_better;
            draft.margin_percent = g.non_inferiority_margin.map(|m| percent_number(m, 4)).unwrap_or_default();
            kpis.push(draft);
        }
        for mut rest in unused {
            if !kpis.iter().any(|k| k.name == rest.name) {
                rest.role = KpiRole::Secondary;
                rest.margin_percent.clear();
                kpis.push(rest);
            }
        }
        if !kpis.iter().any(|k| k.name == self.revenue_kpi && k.kind == KpiKind::Mean) {
            self.revenue_kpi.clear();
        }
        self.kpis = kpis;
        self.alpha = percent_number(plan.plan.alpha, 4);
        self.planned_users = plan.users_per_variant.first().map(|n| format!("{n}")).unwrap_or_default();
    }
}

impl KpiDraft {
    /// The core's KPI (`i` names its fields in problems); filters are on `event_column`.
    pub fn to_spec(&self, i: usize, event_column: &str) -> Result<KpiSpec, FieldError> {
        let field = |name: &str| format!("kpis[{i}].{name}");
        let problem =
            |name: &str, what: String| FieldError::new(&field(name), format!("KPI \"{}\": {what}", self.name));
        let event = non_empty(&self.event);
        let filter = |e: &str| -> Result<Filter, FieldError> {
            match event_column.is_empty() {
                true => Err(problem("event", "pick the event column first (Columns).".into())),
                false => Ok(Filter::equals(event_column, e)),
            }
        };
        let where_ = event.as_deref().map(filter).transpose()?;
        // With an event, a conversion or count needs no column: its rows are what count.
        let needs = |value: &str, name: &str, what: &str| -> Result<Option<String>, FieldError> {
            match (non_empty(value), &where_) {
                (None, None) => Err(problem(name, format!("pick {what}."))),
                (column, _) => Ok(column),
            }
        };
        let part = |column: Option<String>| match &where_ {
            None => column.map(RatioPart::Column),
            Some(w) => Some(RatioPart::Part(RatioPartSpec {
                aggregate: Some(if column.is_some() { Aggregate::Sum } else { Aggregate::Count }),
                column,
                where_: Some(w.clone()),
            })),
        };
        let mut spec = KpiSpec::new(self.name.trim(), self.role, self.kind);
        match self.kind {
            KpiKind::Conversion => spec.column = needs(&self.column, "column", "the 0/1 column")?,
            KpiKind::Mean => spec.column = needs(&self.column, "column", "the numeric column")?,
            KpiKind::Ratio => {
                spec.numerator = part(needs(&self.numerator, "numerator", "the numerator column (e.g. revenue)")?);
                spec.denominator =
                    part(needs(&self.denominator, "denominator", "the denominator column (e.g. orders)")?);
            }
            KpiKind::Funnel => {
                let names: Vec<&str> = self.steps.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
                if names.is_empty() {
                    return Err(problem(
                        "steps",
                        "list the step events in order, e.g. view_item, add_to_cart, purchase.".into(),
                    ));
                }
                let steps = names.iter().map(|s| Ok(FunnelStep { name: s.to_string(), where_: filter(s)? }));
                spec.steps = Some(steps.collect::<Result<_, FieldError>>()?);
                spec.ordered = self.ordered.then_some(true);
            }
            KpiKind::TimeToEvent => {
                // Event level (a converting event is named) or per user (duration + 0/1 columns).
                if self.event_value.trim().is_empty() {
                    spec.column = needs(&self.column, "column", "the duration column (or name the converting event)")?;
                    spec.event_column = needs(&self.event_column, "eventColumn", "the 0/1 converted column")?;
                } else {
                    let events = needs(&self.event_name_column, "where", "the column naming each row's event")?;
                    spec.where_ = events.map(|c| Filter::equals(&c, self.event_value.trim()));
                }
                // "days" is the default: left out, as the SDK's presets leave it
                spec.unit = self.unit.parse().ok().filter(|u: &TimeUnit| *u != TimeUnit::default());
            }
        }
        if !matches!(self.kind, KpiKind::Ratio | KpiKind::TimeToEvent) {
            spec.where_ = where_.filter(|_| self.kind != KpiKind::Funnel);
        }
        spec.covariate = non_empty(&self.covariate).filter(|_| self.kind == KpiKind::Mean);
        // Converting sooner is better.
        spec.higher_is_better = self.higher_is_better && self.kind != KpiKind::TimeToEvent;
        spec.non_inferiority_margin = if self.role == KpiRole::Guardrail {
            parse_margin(&self.margin_percent)
                .map_err(|message| FieldError::new(&field("nonInferiorityMargin"), message))?
        } else {
            None
        };
        if let Some(a) = non_empty(&self.aggregate).filter(|_| matches!(self.kind, KpiKind::Conversion | KpiKind::Mean))
        {
            spec.aggregate = Some(
                serde_json::from_value(a.clone().into())
                    .map_err(|_| problem("aggregate", format!("\"{a}\" is no way to add up rows.")))?,
            );
        }
        if self.kind == KpiKind::Conversion {
            spec.threshold = number(&field("threshold"), &self.threshold, "Enter the threshold as a number, e.g. 2.")?;
        }
        let days = number(&field("window"), &self.window_days, "Enter the window in days as a number, e.g. 7.")?;
        spec.window = days.map(|d| KpiWindow { days: Some(d), hours: None });
        Ok(spec)
    }
}

/// The serde name of an aggregate ("sum").
pub fn aggregate_name(a: Aggregate) -> String {
    serde_json::to_value(a).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
}

fn non_empty(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

fn or(s: &str, fallback: &str) -> String {
    non_empty(s).unwrap_or_else(|| fallback.into())
}

/// "" -> None; "2,000" or "2000" -> Some(2000); anything else -> Err(message).
fn number(field: &str, text: &str, message: &str) -> Result<Option<f64>, FieldError> {
    match parse_number(text) {
        Ok(x) => Ok(Some(x)),
        Err(NumberError::Empty) => Ok(None),
        Err(NumberError::Unreadable) => Err(FieldError::new(field, message)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> EvalForm {
        let mut kpi = KpiDraft::new("conversion rate", KpiRole::Primary, KpiKind::Conversion);
        kpi.column = "converted".into();
        EvalForm { variant_column: "variant".into(), kpis: vec![kpi], ..EvalForm::default() }
    }

    #[test]
    fn builds_a_config() {
        let mut f = form();
        f.planned_users = "31,234".into();
        let config = f.to_config().unwrap();
        assert_eq!(config.kpis[0].column.as_deref(), Some("converted"));
        assert_eq!(config.analysis.planned_users_per_variant, Some(31234.0));
        assert_eq!(config.delimiter, ",");
    }

    #[test]
    fn problems_name_their_field() {
        let mut f = form();
        f.kpis[0].column.clear();
        assert_eq!(f.to_config().unwrap_err().field, "kpis[0].column");
        let mut f = form();
        f.alpha = "100".into();
        assert_eq!(f.to_config().unwrap_err().field, "alpha");
        f.alpha = "5".into();
        f.days_run = "two weeks".into();
        assert_eq!(f.to_config().unwrap_err().field, "daysRun");
        f.days_run = "14 days".into();
        assert_eq!(f.days_run(), Ok(Some(14.0)));
        f.alpha = "100".into();
        let mut f = form();
        f.apply(EvalEdit::AddKpi);
        f.kpis[1].name = "conversion rate".into();
        f.kpis[1].column = "x".into();
        assert_eq!(f.to_config().unwrap_err().field, "kpis[1].name");
    }

    #[test]
    fn time_to_convert_kpis_per_user_and_event_level() {
        let mut f = form();
        let mut ttc = KpiDraft::new("time to convert", KpiRole::Primary, KpiKind::TimeToEvent);
        assert!(!ttc.higher_is_better);
        ttc.column = "days".into();
        f.kpis = vec![ttc.clone()];
        assert_eq!(f.to_config().unwrap_err().field, "kpis[0].eventColumn");
        f.kpis[0].event_column = "converted".into();
        let spec = &f.to_config().unwrap().kpis[0];
        assert_eq!((spec.column.as_deref(), spec.event_column.as_deref()), (Some("days"), Some("converted")));
        assert!(!spec.higher_is_better);
        // Event level: the converting event, with user and time columns.
        ttc.event_value = "purchase".into();
        f.kpis = vec![ttc];
        f.user_column = "user_id".into();
        assert_eq!(f.to_config().unwrap_err().field, "kpis[0].where");
        f.kpis[0].event_name_column = "event_name".into();
        assert_eq!(f.to_config().unwrap_err().field, "timestampColumn");
        f.timestamp_column = "event_time".into();
        let config = f.to_config().unwrap();
        assert_eq!(config.kpis[0].where_, Some(Filter::equals("event_name", "purchase")));
        assert_eq!(config.kpis[0].column, None);
        assert_eq!(config.timestamp_column.as_deref(), Some("event_time"));
    }

    #[test]
    fn plan_file_prefills_kpis_and_size() {
        let json = r#"{"version":1,"plan":{"metric":{"kind":"proportion","baseline":0.05},"mde":0.1,"alpha":0.1},
            "dailyUsers":2000,"trafficFraction":1,"usersPerVariant":[31234,31234],"days":32,"hypothesis":"h",
            "primaryKpi":{"name":"checkout rate","kind":"conversion"},
            "guardrails":[{"name":"revenue","kind":"mean","higherIsBetter":true,"nonInferiorityMargin":0.02}],
            "actions":{"win":"","loss":"","inconclusive":""}}"#;
        let plan = PlanFile::from_json(json).unwrap();
        let mut f = form();
        let mut aov = KpiDraft::new("average order value", KpiRole::Guardrail, KpiKind::Ratio);
        aov.numerator = "revenue".into();
        aov.denominator = "orders".into();
        f.kpis.push(aov);
        f.apply_plan(&plan);
        assert_eq!(f.kpis.len(), 3);
        assert_eq!((f.kpis[2].name.as_str(), f.kpis[2].role), ("average order value", KpiRole::Secondary));
        assert_eq!(f.kpis[0].name, "checkout rate");
        assert_eq!(f.kpis[0].column, "converted");
        assert_eq!(f.kpis[1].role, KpiRole::Guardrail);
        assert_eq!(f.kpis[1].margin_percent, "2");
        assert_eq!(f.planned_users, "31234");
        assert_eq!(f.alpha, "10");
        // The guardrail has no column yet: the form says so.
        assert_eq!(f.to_config().unwrap_err().field, "kpis[1].column");
    }

    #[test]
    fn the_days_so_far_are_kept_in_the_session_and_old_sessions_still_read() {
        let f = EvalForm { days_run: "14 days".into(), ..EvalForm::default() };
        let back: EvalForm = serde_json::from_str(&serde_json::to_string(&f).unwrap()).unwrap();
        assert_eq!(back.days_run, "14 days");
        let old: EvalForm = serde_json::from_str(r#"{"variant_column":"variant"}"#).unwrap();
        assert_eq!((old.variant_column.as_str(), old.days_run.as_str()), ("variant", ""));
    }
}

//! The Evaluate view's settings as typed: column mapping, KPIs and roles, analysis
//! options. Text until `to_config` turns them into the core's `EvalConfig`; the
//! core then validates the rest (`CsvEvaluator::new`).

use kpilab_core::analyze::{AnalysisMethod, AnalysisOptions, Correction};
use kpilab_core::evaluate::event_types::RatioPart;
use kpilab_core::evaluate::filter::Filter;
use kpilab_core::evaluate::{EvalAnalysis, EvalConfig, KpiKind, KpiRole, KpiSpec, OnBadRow};
use kpilab_core::CsvEvaluator;

use crate::models::plan_file::PlanFile;
use crate::state::number::{parse_margin, parse_number, NumberError};
use crate::state::FieldError;
use crate::text::format::{percent_number, plain};

#[derive(Debug, Clone, PartialEq)]
pub struct EvalForm {
    pub variant_column: String,
    /// "" = each row is one user already.
    pub user_column: String,
    /// Event exports: the time of each row ("" = none).
    pub timestamp_column: String,
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
    pub annual_users: String,
    /// Name of the mean KPI to project over a year; "" = none.
    pub revenue_kpi: String,
    pub delimiter: char,
}

impl Default for EvalForm {
    fn default() -> Self {
        EvalForm {
            variant_column: String::new(),
            user_column: String::new(),
            timestamp_column: String::new(),
            control: String::new(),
            kpis: Vec::new(),
            segment_columns: Vec::new(),
            method: "frequentist".into(),
            alpha: "0.05".into(),
            correction: "none".into(),
            planned_users: String::new(),
            annual_users: String::new(),
            revenue_kpi: String::new(),
            delimiter: ',',
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
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
        }
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
}

impl EvalForm {
    pub fn apply(&mut self, edit: EvalEdit) {
        match edit {
            EvalEdit::Set(key, value) => match key {
                "variantColumn" => self.variant_column = value,
                "userColumn" => self.user_column = value,
                "timestampColumn" => self.timestamp_column = value,
                "control" => self.control = value,
                "method" => self.method = value,
                "alpha" => self.alpha = value,
                "correction" => self.correction = value,
                "plannedUsers" => self.planned_users = value,
                "annualUsers" => self.annual_users = value,
                "revenueKpi" => self.revenue_kpi = value,
                _ => {}
            },
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

    /// The core's config, or the first problem (numbers here, the rest from the core).
    pub fn to_config(&self) -> Result<EvalConfig, FieldError> {
        if self.variant_column.is_empty() {
            return Err(FieldError::new("variantColumn", "Pick the column that says which variant each user saw."));
        }
        let alpha = number("alpha", &self.alpha, "Enter the significance level, e.g. 0.05.")?
            .filter(|a| *a > 0.0 && *a < 1.0)
            .ok_or_else(|| FieldError::new("alpha", "The significance level must be between 0 and 1, e.g. 0.05."))?;
        let planned = number(
            "plannedUsers",
            &self.planned_users,
            "Enter the planned users per variant as a number, or leave it empty.",
        )?;
        let annual =
            number("annualUsers", &self.annual_users, "Enter the users a year as a number, or leave it empty.")?;
        let mut kpis = Vec::with_capacity(self.kpis.len());
        for (i, k) in self.kpis.iter().enumerate() {
            kpis.push(k.to_spec(i)?);
        }
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
            timestamp_column: non_empty(&self.timestamp_column),
            kpis,
            segment_columns: self.segment_columns.clone(),
            analysis: EvalAnalysis { options, planned_users_per_variant: planned, variants: None },
            delimiter: self.delimiter.to_string(),
            on_bad_row: OnBadRow::Skip,
            // The projection needs both; one alone is not an error, just no projection.
            annual_users: annual.filter(|_| !self.revenue_kpi.is_empty()),
            revenue_kpi: non_empty(&self.revenue_kpi).filter(|_| annual.is_some()),
            ..EvalConfig::new("", Vec::new())
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
        self.alpha = plain(plan.plan.alpha);
        self.planned_users = plan.users_per_variant.first().map(|n| format!("{n}")).unwrap_or_default();
    }
}

impl KpiDraft {
    fn to_spec(&self, i: usize) -> Result<KpiSpec, FieldError> {
        let field = |name: &str| format!("kpis[{i}].{name}");
        let needs = |value: &str, name: &str, what: &str| -> Result<Option<String>, FieldError> {
            match value.is_empty() {
                true => Err(FieldError::new(&field(name), format!("KPI \"{}\": pick {what}.", self.name))),
                false => Ok(Some(value.to_string())),
            }
        };
        let (column, numerator, denominator) = match self.kind {
            KpiKind::Conversion => (needs(&self.column, "column", "the 0/1 column")?, None, None),
            KpiKind::Mean => (needs(&self.column, "column", "the numeric column")?, None, None),
            KpiKind::Ratio => (
                None,
                needs(&self.numerator, "numerator", "the numerator column (e.g. revenue)")?,
                needs(&self.denominator, "denominator", "the denominator column (e.g. orders)")?,
            ),
            // The form has no funnel editor yet (event-level KPIs come from presets).
            KpiKind::Funnel => {
                return Err(FieldError::new(&field("kind"), "Funnel KPIs are not editable in this form yet."))
            }
            // Event level (a converting event is named) or per user (duration + 0/1 columns).
            KpiKind::TimeToEvent if !self.event_value.trim().is_empty() => (None, None, None),
            KpiKind::TimeToEvent => {
                (needs(&self.column, "column", "the duration column (or name the converting event)")?, None, None)
            }
        };
        let mut time_to_event = KpiSpec::new("", self.role, self.kind);
        if self.kind == KpiKind::TimeToEvent {
            if self.event_value.trim().is_empty() {
                time_to_event.event_column = needs(&self.event_column, "eventColumn", "the 0/1 converted column")?;
            } else {
                let events = needs(&self.event_name_column, "where", "the column naming each row's event")?;
                time_to_event.where_ = events.map(|c| Filter::equals(&c, self.event_value.trim()));
            }
            time_to_event.unit = Some(self.unit.parse().unwrap_or_default());
        }
        let margin = if self.role == KpiRole::Guardrail {
            parse_margin(&self.margin_percent)
                .map_err(|message| FieldError::new(&field("nonInferiorityMargin"), message))?
        } else {
            None
        };
        Ok(KpiSpec {
            name: self.name.trim().to_string(),
            role: self.role,
            kind: self.kind,
            column,
            numerator: numerator.map(RatioPart::Column),
            denominator: denominator.map(RatioPart::Column),
            covariate: non_empty(&self.covariate).filter(|_| self.kind == KpiKind::Mean),
            higher_is_better: self.higher_is_better && self.kind != KpiKind::TimeToEvent,
            non_inferiority_margin: margin,
            ..time_to_event
        })
    }
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
        f.alpha = "2".into();
        assert_eq!(f.to_config().unwrap_err().field, "alpha");
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
        assert_eq!(f.alpha, "0.1");
        // The guardrail has no column yet: the form says so.
        assert_eq!(f.to_config().unwrap_err().field, "kpis[1].column");
    }
}

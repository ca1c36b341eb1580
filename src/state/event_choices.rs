//! The column mapper's choices for an event-level file: "Conversion = users with
//! at least one <event> within <N> days", revenue per user from a column filled
//! on some events (GA4's `purchase_revenue`), and the core's §4 presets
//! (`kpilab_core::evaluate::presets`) filled with the mapped column names. Each
//! adds a `KpiDraft` to the form, so the config is the one the SDK would get.

use kpilab_core::evaluate::presets::{kpi_preset, PresetOptions, PRESET_NAMES};
use kpilab_core::evaluate::{KpiKind, KpiRole, KpiSpec};

use crate::models::column_names::normalize;
use crate::models::event_file::EventFile;
use crate::state::eval_form::{EvalForm, KpiDraft};
use crate::state::number::parse_number;

/// GA4's e-commerce events in funnel order; the checkout funnel preset takes those the file has.
const FUNNEL_ORDER: &[&str] = &[
    "page_view",
    "view_item_list",
    "view_item",
    "add_to_cart",
    "view_cart",
    "begin_checkout",
    "add_shipping_info",
    "add_payment_info",
    "purchase",
];
/// A 0/1 column of bounced sessions (the bounce-rate preset needs one).
const BOUNCE_NAMES: &[&str] = &["bounced", "bounce", "is_bounce", "is_bounced", "bounced_session"];

/// What the choice line shows (text until a button turns it into a KPI).
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct EventChoices {
    /// The event that counts as a conversion.
    pub event: String,
    /// Within this many days of exposure; "" = the whole test.
    pub days: String,
    /// A numeric column filled on some events, for revenue per user.
    pub revenue_column: String,
    /// One of `PRESET_NAMES`.
    pub preset: String,
}

impl EventChoices {
    /// The first choices for a file: its likely goal event, 7 days, its first revenue-like column.
    pub fn for_file(file: &EventFile) -> EventChoices {
        EventChoices {
            event: file.likely_goal().unwrap_or_default().to_string(),
            days: "7".into(),
            revenue_column: file.valued_columns.first().map(|c| c.column.clone()).unwrap_or_default(),
            preset: PRESET_NAMES[0].to_string(),
        }
    }

    pub fn set(&mut self, key: &str, value: String) {
        match key {
            "event" => self.event = value,
            "days" => self.days = value,
            "revenueColumn" => self.revenue_column = value,
            "preset" => self.preset = value,
            _ => {}
        }
    }

    /// The window typed, when it is a number > 0.
    fn days(&self) -> Option<f64> {
        parse_number(&self.days).ok().filter(|d| d.is_finite() && *d > 0.0)
    }
}

/// "purchase within 7 days" (or "purchase conversion" without a window).
pub fn conversion_name(event: &str, days: Option<f64>) -> String {
    match days {
        Some(1.0) => format!("{event} within 1 day"),
        Some(d) => format!("{event} within {} days", crate::text::format::plain(d)),
        None => format!("{event} conversion"),
    }
}

/// The choice line as a sentence: "Conversion = users with at least one purchase within 7 days".
pub fn conversion_sentence(c: &EventChoices) -> String {
    let event = if c.event.is_empty() { "…" } else { c.event.as_str() };
    match c.days() {
        Some(1.0) => format!("Conversion = users with at least one {event} within 1 day"),
        Some(d) => {
            format!("Conversion = users with at least one {event} within {} days", crate::text::format::plain(d))
        }
        None => format!("Conversion = users with at least one {event}"),
    }
}

/// "Revenue per user = sum of purchase_revenue on purchase rows within 7 days".
pub fn revenue_sentence(c: &EventChoices, event: Option<&str>) -> String {
    let rows = event.map(|e| format!(" on {e} rows")).unwrap_or_default();
    let within = match c.days() {
        Some(1.0) => " within 1 day".to_string(),
        Some(d) => format!(" within {} days", crate::text::format::plain(d)),
        None => String::new(),
    };
    format!("Revenue per user = sum of {}{rows}{within}", c.revenue_column)
}

/// The presets the file can use, as (name, label): bounce rate only with a bounce
/// column; the checkout funnel only with two of its steps.
pub fn offered_presets(file: &EventFile) -> Vec<(&'static str, String)> {
    PRESET_NAMES
        .iter()
        .filter(|name| match **name {
            "bounceRate" => bounce_column(file).is_some(),
            "checkoutFunnel" => funnel_steps(file).len() >= 2,
            _ => true,
        })
        .map(|name| {
            let label = kpi_preset(name, &PresetOptions::default()).map(|k| k.name).unwrap_or_default();
            let mut chars = label.chars();
            let label = chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default();
            (*name, label)
        })
        .collect()
}

fn bounce_column(file: &EventFile) -> Option<&String> {
    BOUNCE_NAMES.iter().find_map(|n| file.header.iter().find(|h| normalize(h) == *n))
}

fn funnel_steps(file: &EventFile) -> Vec<String> {
    FUNNEL_ORDER.iter().filter(|s| file.has_event(s)).map(|s| s.to_string()).collect()
}

/// The event a spec counts (its `where`, or its ratio numerator's).
fn counted_event(spec: &KpiSpec) -> Option<String> {
    use kpilab_core::evaluate::event_types::RatioPart;
    use kpilab_core::evaluate::filter::FilterValue;
    let filter = spec.where_.as_ref().or(match &spec.numerator {
        Some(RatioPart::Part(p)) => p.where_.as_ref(),
        _ => None,
    })?;
    match &filter.equals {
        Some(FilterValue::Text(v)) => Some(v.clone()),
        _ => None,
    }
}

impl EvalForm {
    fn file(&self) -> Option<&EventFile> {
        self.event_file.as_deref()
    }

    /// Adds `draft`, replacing a KPI of the same name; a new primary demotes the old one.
    pub fn add_kpi(&mut self, draft: KpiDraft) {
        if draft.role == KpiRole::Primary {
            for k in self.kpis.iter_mut().filter(|k| k.role == KpiRole::Primary && k.name != draft.name) {
                k.role = KpiRole::Secondary;
                k.margin_percent.clear();
            }
        }
        match self.kpis.iter_mut().find(|k| k.name == draft.name) {
            Some(slot) => *slot = draft,
            None => self.kpis.push(draft),
        }
    }

    /// "Conversion = users with at least one <event> within <days> days", as the primary KPI.
    pub fn use_conversion_choice(&mut self) {
        let event = self.choices.event.trim().to_string();
        if event.is_empty() {
            return;
        }
        let days = self.choices.days();
        let mut k = KpiDraft::new(&conversion_name(&event, days), KpiRole::Primary, KpiKind::Conversion);
        k.event = event;
        k.window_days = days.map(crate::text::format::plain).unwrap_or_default();
        self.add_kpi(k);
    }

    /// Revenue per user: the sum of the chosen column on the rows of the event that fills it
    /// (a guardrail beside a primary conversion, else the primary; as `auto_map` does).
    pub fn use_revenue_choice(&mut self) {
        let Some(file) = self.file() else { return };
        let Some(valued) = file.valued_columns.iter().find(|c| c.column == self.choices.revenue_column) else {
            return;
        };
        let role =
            if self.kpis.iter().any(|k| k.role == KpiRole::Primary) { KpiRole::Guardrail } else { KpiRole::Primary };
        let options = PresetOptions {
            role: Some(role),
            event_column: Some(self.event_column.clone()),
            revenue_column: Some(valued.column.clone()),
            event: valued.events.first().cloned(),
            days: self.choices.days(),
            ..PresetOptions::default()
        };
        if let Some(draft) = self.preset_draft("revenuePerUser", options) {
            self.revenue_kpi = draft.name.clone();
            self.add_kpi(draft);
        }
    }

    /// The chosen preset, filled with the mapped names: its own event when the file has
    /// it, else the chosen conversion event.
    pub fn add_chosen_preset(&mut self) {
        let Some(file) = self.file() else { return };
        let name = self.choices.preset.clone();
        let steps = funnel_steps(file);
        let mut options = PresetOptions {
            event_column: Some(self.event_column.clone()),
            revenue_column: non_empty(&self.choices.revenue_column),
            column: bounce_column(file).cloned(),
            steps: (steps.len() >= 2).then_some(steps),
            days: self.choices.days().filter(|_| name == "activation"),
            ..PresetOptions::default()
        };
        let default_event = kpi_preset(&name, &options).ok().as_ref().and_then(counted_event);
        if default_event.is_some_and(|e| !file.has_event(&e)) {
            options.event = non_empty(&self.choices.event);
        }
        if let Some(draft) = self.preset_draft(&name, options) {
            self.add_kpi(draft);
        }
    }

    fn preset_draft(&self, name: &str, options: PresetOptions) -> Option<KpiDraft> {
        let spec = kpi_preset(name, &options).ok()?;
        KpiDraft::from_spec(&spec, &self.event_column)
    }
}

fn non_empty(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use kpilab_core::evaluate::event_types::KpiWindow;
    use kpilab_core::evaluate::filter::Filter;

    use super::*;
    use crate::models::event_file::{EventCount, ValuedColumn};
    use crate::state::eval_form::EvalEdit;

    fn ga4() -> EventFile {
        let events = ["page_view", "add_to_cart", "purchase"];
        EventFile {
            event_column: "event_name".into(),
            timestamp_column: "event_timestamp".into(),
            user_column: "user_pseudo_id".into(),
            events: events.iter().map(|e| EventCount { name: e.to_string(), rows: 1 }).collect(),
            valued_columns: vec![ValuedColumn { column: "purchase_revenue".into(), events: vec!["purchase".into()] }],
            header: ["event_timestamp", "event_name", "user_pseudo_id", "variant", "purchase_revenue", "device"]
                .map(String::from)
                .to_vec(),
        }
    }

    fn form() -> EvalForm {
        let file = ga4();
        EvalForm {
            variant_column: "variant".into(),
            user_column: file.user_column.clone(),
            event_column: file.event_column.clone(),
            timestamp_column: file.timestamp_column.clone(),
            choices: EventChoices::for_file(&file),
            event_file: Some(Rc::new(file)),
            ..EvalForm::default()
        }
    }

    #[test]
    fn purchase_within_7_days_is_the_sdk_config() {
        let mut f = form();
        assert_eq!(f.to_config().unwrap_err().field, "kpis");
        f.apply(EvalEdit::Choice("days", "7".into()));
        f.apply(EvalEdit::UseConversion);
        let config = f.to_config().unwrap();
        let k = &config.kpis[0];
        assert_eq!(
            (k.name.as_str(), k.role, k.kind),
            ("purchase within 7 days", KpiRole::Primary, KpiKind::Conversion)
        );
        assert_eq!(k.where_, Some(Filter::equals("event_name", "purchase")));
        assert_eq!(k.window, Some(KpiWindow { days: Some(7.0), hours: None }));
        assert_eq!((k.column.as_ref(), k.aggregate, k.threshold), (None, None, None));
        assert_eq!(config.user_column.as_deref(), Some("user_pseudo_id"));
        assert_eq!(config.timestamp_column.as_deref(), Some("event_timestamp"));
        // The JSON the SDK would be given, field by field.
        let json = serde_json::to_value(&config).unwrap();
        assert_eq!(
            json["kpis"][0],
            serde_json::json!({"name": "purchase within 7 days", "role": "primary", "kind": "conversion",
                "higherIsBetter": true, "where": {"column": "event_name", "equals": "purchase"}, "window": {"days": 7.0}})
        );
    }

    #[test]
    fn revenue_guards_the_conversion_and_a_new_primary_demotes_the_old() {
        let mut f = form();
        f.apply(EvalEdit::UseConversion);
        f.apply(EvalEdit::UseRevenue);
        let config = f.to_config().unwrap();
        let want = kpi_preset(
            "revenuePerUser",
            &PresetOptions { role: Some(KpiRole::Guardrail), days: Some(7.0), ..PresetOptions::default() },
        )
        .unwrap();
        assert_eq!(config.kpis[1], want);
        assert_eq!(f.revenue_kpi, "revenue per user");
        f.apply(EvalEdit::Choice("event", "add_to_cart".into()));
        f.apply(EvalEdit::Choice("days", "".into()));
        f.apply(EvalEdit::UseConversion);
        let roles: Vec<(&str, KpiRole)> = f.kpis.iter().map(|k| (k.name.as_str(), k.role)).collect();
        assert_eq!(
            roles,
            [
                ("purchase within 7 days", KpiRole::Secondary),
                ("revenue per user", KpiRole::Guardrail),
                ("add_to_cart conversion", KpiRole::Primary)
            ]
        );
    }

    #[test]
    fn every_offered_preset_is_the_cores_preset_with_the_mapped_names() {
        let mut file = ga4();
        file.header.push("bounced".into());
        let offered = offered_presets(&file);
        assert_eq!(offered.len(), PRESET_NAMES.len());
        assert_eq!(offered[0], ("conversionRate", "Conversion rate".to_string()));
        for (name, _) in offered {
            let mut f = form();
            f.event_file = Some(Rc::new(file.clone()));
            f.apply(EvalEdit::Choice("preset", name.into()));
            f.apply(EvalEdit::AddPreset);
            assert_eq!(f.kpis.len(), 1, "{name}");
            let spec = f.kpis[0].to_spec(0, &f.event_column).unwrap();
            let mut options = PresetOptions {
                event_column: Some("event_name".into()),
                revenue_column: Some("purchase_revenue".into()),
                column: Some("bounced".into()),
                steps: Some(["page_view", "add_to_cart", "purchase"].map(String::from).to_vec()),
                ..PresetOptions::default()
            };
            if name == "activation" {
                options.days = Some(7.0);
            }
            // Events the file lacks (first_open, refund…) become the chosen one.
            if ["activation", "trialToPaid", "qualifiedLeadRate", "refundRate"].contains(&name) {
                options.event = Some("purchase".into());
            }
            assert_eq!(spec, kpi_preset(name, &options).unwrap(), "{name}");
        }
        // Without a bounce column or funnel steps, those presets are not offered.
        let mut bare = ga4();
        bare.events.retain(|e| e.name == "purchase");
        let names: Vec<&str> = offered_presets(&bare).into_iter().map(|(n, _)| n).collect();
        assert!(!names.contains(&"bounceRate") && !names.contains(&"checkoutFunnel"));
    }

    #[test]
    fn sentences_say_what_the_kpi_counts() {
        let mut c = EventChoices::for_file(&ga4());
        assert_eq!(conversion_sentence(&c), "Conversion = users with at least one purchase within 7 days");
        assert_eq!(
            revenue_sentence(&c, Some("purchase")),
            "Revenue per user = sum of purchase_revenue on purchase rows within 7 days"
        );
        c.days.clear();
        assert_eq!(conversion_sentence(&c), "Conversion = users with at least one purchase");
    }

    #[test]
    fn names_of_conversions() {
        assert_eq!(conversion_name("purchase", Some(7.0)), "purchase within 7 days");
        assert_eq!(conversion_name("purchase", Some(1.0)), "purchase within 1 day");
        assert_eq!(conversion_name("sign_up", None), "sign_up conversion");
    }
}

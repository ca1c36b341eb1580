//! Zero-config mapping for conventional files: columns named like variant/group,
//! converted, revenue, orders, user_id, pre_revenue and low-cardinality text columns
//! fill the Evaluate form on their own, so a verdict is two clicks away.
//!
//! converted -> primary conversion KPI; revenue -> "revenue per user" guardrail (mean,
//! pre_revenue as its CUPED covariate); revenue / orders -> "average order value"
//! secondary ratio; device, channel, … (2-20 text values) -> segments.
//!
//! An event-level file (models::event_file: event, timestamp and user columns)
//! gets its user, timestamp and event columns (and an experiment's exposure event)
//! instead; its KPIs are picked from the events found (state::event_choices).

use std::rc::Rc;

use kpilab_core::evaluate::{KpiKind, KpiRole};

use crate::models::column_names::{looks_like_id, normalize};
use crate::models::csv_preview::{ColumnKind, ColumnProfile, CsvPreview};
use crate::models::event_file::EventFile;
use crate::state::eval_form::{EvalForm, KpiDraft};
use crate::state::event_choices::EventChoices;

const VARIANT_NAMES: &[&str] = &[
    "variant",
    "variation",
    "group",
    "arm",
    "bucket",
    "branch",
    "test_group",
    "experiment_group",
    "treatment_group",
    "cohort",
];
const USER_NAMES: &[&str] =
    &["user_id", "userid", "user", "visitor_id", "visitorid", "visitor", "customer_id", "client_id", "uid"];
const CONVERSION_NAMES: &[&str] =
    &["converted", "conversion", "conversions", "convert", "is_converted", "purchased", "signed_up", "signup"];
const REVENUE_NAMES: &[&str] = &["revenue", "sales", "revenue_per_user", "gmv", "amount", "spend", "order_value"];
const ORDER_NAMES: &[&str] = &["orders", "order_count", "n_orders", "num_orders", "purchases", "transactions"];
/// Exposure events of experiment tools (GA4 custom events, Segment, Mixpanel, Amplitude).
const EXPOSURE_EVENTS: &[&str] =
    &["experiment_exposure", "exposure", "experiment_viewed", "experiment_started", "experiment_impression", "exposed"];
/// A text column with this many distinct values (in the preview) can be a segment.
const SEGMENT_VALUES: std::ops::RangeInclusive<usize> = 2..=20;

pub const CONVERSION_KPI: &str = "conversion rate";
pub const REVENUE_KPI: &str = "revenue per user";
pub const AOV_KPI: &str = "average order value";

/// The form a conventional file gets without any clicks.
pub fn guess(preview: &CsvPreview) -> EvalForm {
    let columns = &preview.columns;
    let events = preview.events.as_ref();
    // An event file's event and time columns are neither variants nor segments.
    let event_level =
        |c: &ColumnProfile| events.is_some_and(|e| c.name == e.event_column || c.name == e.timestamp_column);
    let variant = find(columns, VARIANT_NAMES, |c| c.kind == ColumnKind::Text).or_else(|| {
        columns.iter().find(|c| c.kind == ColumnKind::Text && (2..=6).contains(&c.distinct) && !event_level(c))
    });
    let user = match events {
        Some(e) => columns.iter().find(|c| c.name == e.user_column),
        None => find(columns, USER_NAMES, |_| true),
    };
    let conversion = find(columns, CONVERSION_NAMES, |c| c.kind == ColumnKind::Binary);
    let revenue = find(columns, REVENUE_NAMES, ColumnProfile::is_numeric);
    let orders = find(columns, ORDER_NAMES, ColumnProfile::is_numeric);
    let pre_revenue = revenue.and_then(|r| {
        let r = normalize(&r.name);
        columns.iter().filter(|c| c.is_numeric()).find(|c| {
            let n = normalize(&c.name);
            [
                format!("pre_{r}"),
                format!("{r}_pre"),
                format!("pre_period_{r}"),
                format!("past_{r}"),
                format!("prev_{r}"),
            ]
            .contains(&n)
        })
    });

    let mut kpis = Vec::new();
    if events.is_some() {
        // Event rows: KPIs are chosen from the events found (state::event_choices), not
        // guessed from columns that are empty on most rows.
    } else if let Some(c) = conversion {
        let mut k = KpiDraft::new(CONVERSION_KPI, KpiRole::Primary, KpiKind::Conversion);
        k.column = c.name.clone();
        kpis.push(k);
    }
    if let Some(r) = revenue.filter(|_| events.is_none()) {
        // Revenue guards a conversion test; with no conversion column it is the goal.
        let role = if kpis.is_empty() { KpiRole::Primary } else { KpiRole::Guardrail };
        let mut k = KpiDraft::new(REVENUE_KPI, role, KpiKind::Mean);
        k.column = r.name.clone();
        k.covariate = pre_revenue.map(|c| c.name.clone()).unwrap_or_default();
        kpis.push(k);
        if let Some(o) = orders {
            let mut k = KpiDraft::new(AOV_KPI, KpiRole::Secondary, KpiKind::Ratio);
            k.numerator = r.name.clone();
            k.denominator = o.name.clone();
            kpis.push(k);
        }
    }

    let taken = |c: &ColumnProfile| [variant, user].iter().flatten().any(|t| t.name == c.name);
    let segment_columns = columns
        .iter()
        .filter(|c| {
            c.kind == ColumnKind::Text
                && SEGMENT_VALUES.contains(&c.distinct)
                && !taken(c)
                && !looks_like_id(&c.name)
                && !event_level(c)
        })
        // Nearly one value per row is an identifier, not a segment.
        .filter(|c| c.distinct * 2 <= preview.sampled_rows.max(4))
        .map(|c| c.name.clone())
        .collect();

    EvalForm {
        variant_column: variant.map(|c| c.name.clone()).unwrap_or_default(),
        user_column: user.map(|c| c.name.clone()).unwrap_or_default(),
        revenue_kpi: if revenue.is_some() && events.is_none() { REVENUE_KPI.into() } else { String::new() },
        kpis,
        segment_columns,
        delimiter: preview.delimiter,
        decimal: if preview.decimal == kpilab_core::csv::Decimal::Comma { ',' } else { '.' },
        event_column: events.map(|e| e.event_column.clone()).unwrap_or_default(),
        timestamp_column: events.map(|e| e.timestamp_column.clone()).unwrap_or_default(),
        exposure_event: events.and_then(exposure_event).unwrap_or_default(),
        choices: events.map(EventChoices::for_file).unwrap_or_default(),
        event_file: events.cloned().map(Rc::new),
        ..EvalForm::default()
    }
}

/// An experiment's own exposure event, when the export has one (else a user's first row is their exposure).
fn exposure_event(file: &EventFile) -> Option<String> {
    file.events.iter().find(|e| EXPOSURE_EVENTS.contains(&normalize(&e.name).as_str())).map(|e| e.name.clone())
}

/// The first column whose normalized name is in `names` (in the list's order) and passes `ok`.
fn find<'a>(
    columns: &'a [ColumnProfile],
    names: &[&str],
    ok: impl Fn(&ColumnProfile) -> bool,
) -> Option<&'a ColumnProfile> {
    names.iter().find_map(|name| columns.iter().find(|c| normalize(&c.name) == *name && ok(c)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::csv_preview::preview;

    fn sample() -> String {
        let mut csv = String::from("user_id,Variant,device,channel,converted,revenue,orders,pre_revenue,session_id\n");
        for i in 0..40 {
            let variant = if i % 2 == 0 { "control" } else { "treatment" };
            let device = ["mobile", "desktop", "tablet"][i % 3];
            let channel = ["paid", "organic"][i % 2];
            csv.push_str(&format!(
                "u{i},{variant},{device},{channel},{},{}.5,{},3.25,s{i}\n",
                i % 5 == 0,
                i % 4,
                i % 4,
            ));
        }
        csv
    }

    #[test]
    fn conventional_columns_map_themselves() {
        let form = guess(&preview(sample().as_bytes(), true).unwrap());
        assert_eq!(form.variant_column, "Variant");
        assert_eq!(form.user_column, "user_id");
        assert_eq!(form.segment_columns, ["device", "channel"]);
        let k = &form.kpis;
        assert_eq!(
            (k[0].name.as_str(), k[0].role, k[0].column.as_str()),
            (CONVERSION_KPI, KpiRole::Primary, "converted")
        );
        assert_eq!(
            (k[1].role, k[1].kind, k[1].column.as_str(), k[1].covariate.as_str()),
            (KpiRole::Guardrail, KpiKind::Mean, "revenue", "pre_revenue")
        );
        assert_eq!(
            (k[2].kind, k[2].numerator.as_str(), k[2].denominator.as_str()),
            (KpiKind::Ratio, "revenue", "orders")
        );
        assert_eq!(form.revenue_kpi, REVENUE_KPI);
        assert!(form.to_config().is_ok());
    }

    /// The decimal-comma twin of the sample: revenue stays a KPI (not a segment),
    /// and the config reads it with `decimal: ","`.
    #[test]
    fn a_semicolon_decimal_comma_file_offers_revenue_as_a_kpi() {
        let csv = sample().replace(',', ";").replace(".5;", ",5;").replace("3.25", "3,25");
        let form = guess(&preview(csv.as_bytes(), true).unwrap());
        assert_eq!((form.delimiter, form.decimal), (';', ','));
        assert_eq!(form.segment_columns, ["device", "channel"]);
        assert_eq!((form.kpis[1].column.as_str(), form.kpis[1].covariate.as_str()), ("revenue", "pre_revenue"));
        let config = form.to_config().unwrap();
        assert_eq!((config.delimiter.as_str(), config.decimal), (";", kpilab_core::csv::Decimal::Comma));
    }

    #[test]
    fn an_event_export_sets_user_and_time_and_offers_its_events() {
        let mut csv = String::from("event_timestamp,user_pseudo_id,event_name,variant,device,purchase_revenue\n");
        for i in 0..30u64 {
            let (event, revenue) = [("page_view", ""), ("add_to_cart", ""), ("purchase", "19.9")][(i % 3) as usize];
            let variant = ["control", "treatment"][(i / 3 % 2) as usize];
            let device = ["mobile", "desktop"][(i / 6 % 2) as usize];
            csv.push_str(&format!(
                "{},p{},{event},{variant},{device},{revenue}\n",
                1_717_200_000_000_000 + i * 1_000_000,
                i / 3
            ));
        }
        let form = guess(&preview(csv.as_bytes(), true).unwrap());
        assert_eq!(
            (form.user_column.as_str(), form.timestamp_column.as_str(), form.event_column.as_str()),
            ("user_pseudo_id", "event_timestamp", "event_name")
        );
        assert_eq!(form.variant_column, "variant");
        assert_eq!(form.segment_columns, ["device"]);
        assert!(form.kpis.is_empty() && form.exposure_event.is_empty());
        assert_eq!((form.choices.event.as_str(), form.choices.days.as_str()), ("purchase", "7"));
        assert_eq!(form.choices.revenue_column, "purchase_revenue");
        let events: Vec<&str> = form.event_file.as_ref().unwrap().events.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(events, ["page_view", "add_to_cart", "purchase"]);
    }

    #[test]
    fn revenue_alone_is_primary() {
        let form = guess(&preview(b"group,revenue\nA,1\nB,2\nA,3\n", true).unwrap());
        assert_eq!(form.variant_column, "group");
        assert_eq!(form.kpis[0].role, KpiRole::Primary);
        assert_eq!(form.kpis[0].kind, KpiKind::Mean);
    }
}

//! KPI presets (SDK.md §4 list): the KPIs a measurement plan usually names,
//! each a `KpiSpec` for the given column and event names (GA4 names by default).

use serde::{Deserialize, Serialize};

use super::event_types::{Aggregate, FunnelStep, KpiWindow, RatioPart, RatioPartSpec};
use super::filter::Filter;
use super::types::{KpiKind, KpiRole, KpiSpec};
use crate::error::{KpilabError, Result};
use crate::serde_embed::strict;

/// The names of the presets, in the order the app offers them.
pub const PRESET_NAMES: &[&str] = &[
    "conversionRate",
    "revenuePerUser",
    "averageOrderValue",
    "ordersPerUser",
    "bounceRate",
    "repeatPurchaseRate",
    "activation",
    "trialToPaid",
    "qualifiedLeadRate",
    "refundRate",
    "timeToConvert",
    "checkoutFunnel",
];

/// Column and event names for a preset; every field has a GA4 default.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct PresetOptions {
    /// The KPI's name (default: the preset's, e.g. "conversion rate").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub role: Option<KpiRole>,
    /// The column naming each row's event (default `event_name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub event_column: Option<String>,
    /// The event that counts (defaults: `purchase`; `first_open` for activation;
    /// `subscription_paid` trial-to-paid; `generate_lead_qualified` qualified leads; `refund`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub event: Option<String>,
    /// The revenue column (default `purchase_revenue`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub revenue_column: Option<String>,
    /// bounceRate: the 0/1 column of bounced sessions (default `bounced`; use the
    /// session id as `userColumn`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub column: Option<String>,
    /// A window after exposure in days (activation: default 7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub days: Option<f64>,
    /// checkoutFunnel: the step events in order (default view_item, add_to_cart,
    /// begin_checkout, purchase).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub steps: Option<Vec<String>>,
}

strict!(PresetOptions; Serialize);

/// The preset `name` (one of `PRESET_NAMES`) as a `KpiSpec`.
pub fn kpi_preset(name: &str, options: &PresetOptions) -> Result<KpiSpec> {
    let column = options.event_column.clone().unwrap_or_else(|| "event_name".into());
    let revenue = options.revenue_column.clone().unwrap_or_else(|| "purchase_revenue".into());
    let event = |default: &str| options.event.clone().unwrap_or_else(|| default.into());
    let is = |e: &str| Filter::equals(&column, e);
    let window = match options.days {
        None => None,
        Some(d) if d.is_finite() && d > 0.0 => Some(KpiWindow { days: Some(d), hours: None }),
        Some(d) => return Err(KpilabError::invalid("days", format!("days must be a number > 0; got {d}"))),
    };
    let purchase = is(&event("purchase"));
    let (label, role, mut spec) = match name {
        "conversionRate" => ("conversion rate", KpiRole::Primary, conversion(purchase)),
        "revenuePerUser" => (
            "revenue per user",
            KpiRole::Primary,
            KpiSpec {
                column: Some(revenue),
                where_: Some(purchase),
                aggregate: Some(Aggregate::Sum),
                ..KpiSpec::new("", KpiRole::Primary, KpiKind::Mean)
            },
        ),
        "averageOrderValue" => (
            "average order value",
            KpiRole::Secondary,
            KpiSpec {
                numerator: Some(RatioPart::Part(RatioPartSpec {
                    column: Some(revenue),
                    where_: Some(purchase.clone()),
                    aggregate: Some(Aggregate::Sum),
                })),
                denominator: Some(RatioPart::Part(RatioPartSpec {
                    column: None,
                    where_: Some(purchase),
                    aggregate: Some(Aggregate::Count),
                })),
                ..KpiSpec::new("", KpiRole::Secondary, KpiKind::Ratio)
            },
        ),
        "ordersPerUser" => (
            "orders per user",
            KpiRole::Secondary,
            KpiSpec {
                where_: Some(purchase),
                aggregate: Some(Aggregate::Count),
                ..KpiSpec::new("", KpiRole::Secondary, KpiKind::Mean)
            },
        ),
        "bounceRate" => (
            "bounce rate",
            KpiRole::Guardrail,
            KpiSpec {
                column: Some(options.column.clone().unwrap_or_else(|| "bounced".into())),
                higher_is_better: false,
                ..KpiSpec::new("", KpiRole::Guardrail, KpiKind::Conversion)
            },
        ),
        "repeatPurchaseRate" => (
            "repeat purchase rate",
            KpiRole::Secondary,
            KpiSpec { aggregate: Some(Aggregate::Count), threshold: Some(2.0), ..conversion(purchase) },
        ),
        "activation" => {
            let days = options.days.unwrap_or(7.0);
            let spec = KpiSpec {
                window: Some(window.unwrap_or(KpiWindow { days: Some(days), hours: None })),
                ..conversion(is(&event("first_open")))
            };
            ("activation", KpiRole::Primary, spec)
        }
        "trialToPaid" => ("trial to paid", KpiRole::Primary, conversion(is(&event("subscription_paid")))),
        "qualifiedLeadRate" => {
            ("qualified lead rate", KpiRole::Primary, conversion(is(&event("generate_lead_qualified"))))
        }
        "refundRate" => {
            ("refund rate", KpiRole::Guardrail, KpiSpec { higher_is_better: false, ..conversion(is(&event("refund"))) })
        }
        // Time from exposure to the first purchase (SDK.md §5); sooner is better.
        "timeToConvert" => (
            "time to convert",
            KpiRole::Primary,
            KpiSpec {
                where_: Some(purchase),
                higher_is_better: false,
                ..KpiSpec::new("", KpiRole::Primary, KpiKind::TimeToEvent)
            },
        ),
        "checkoutFunnel" => {
            let names = options.steps.clone().unwrap_or_else(|| {
                ["view_item", "add_to_cart", "begin_checkout", "purchase"].map(String::from).to_vec()
            });
            if names.is_empty() {
                return Err(KpilabError::invalid("steps", "list at least one step event"));
            }
            let steps = names.iter().map(|s| FunnelStep { name: s.clone(), where_: is(s) }).collect();
            let spec = KpiSpec {
                steps: Some(steps),
                ordered: Some(true),
                ..KpiSpec::new("", KpiRole::Secondary, KpiKind::Funnel)
            };
            ("checkout funnel", KpiRole::Secondary, spec)
        }
        other => {
            let near = PRESET_NAMES
                .iter()
                .min_by_key(|n| crate::edit_distance::edit_distance(&n.to_lowercase(), &other.to_lowercase()))
                .expect("presets");
            return Err(KpilabError::invalid(
                "preset",
                format!("no preset \"{other}\"; did you mean \"{near}\"? The presets: {}", PRESET_NAMES.join(", ")),
            ));
        }
    };
    spec.name = options.name.clone().unwrap_or_else(|| label.into());
    spec.role = options.role.unwrap_or(role);
    spec.window = spec.window.or(window);
    Ok(spec)
}

fn conversion(filter: Filter) -> KpiSpec {
    KpiSpec { where_: Some(filter), ..KpiSpec::new("", KpiRole::Primary, KpiKind::Conversion) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluate::{evaluate_csv, EvalConfig};
    use kpilab_test_support::assert_close;

    #[test]
    fn every_preset_is_a_valid_kpi_and_serializes_as_the_contract() {
        for name in PRESET_NAMES {
            let spec = kpi_preset(name, &PresetOptions::default()).unwrap();
            let config = EvalConfig {
                user_column: Some("u".into()),
                timestamp_column: Some("t".into()),
                ..EvalConfig::new("v", vec![spec.clone()])
            };
            crate::evaluate::CsvEvaluator::new(config).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            // Round trip through JSON (what the SDK hands back and takes again).
            let json = serde_json::to_value(&spec).unwrap();
            assert_eq!(serde_json::from_value::<KpiSpec>(json).unwrap(), spec, "{name}");
        }
        let aov = serde_json::to_value(kpi_preset("averageOrderValue", &PresetOptions::default()).unwrap()).unwrap();
        assert_eq!(
            aov["numerator"],
            serde_json::json!({"column": "purchase_revenue", "where": {"column": "event_name", "equals": "purchase"}, "aggregate": "sum"})
        );
        assert_eq!(aov["denominator"]["aggregate"], "count");
        let repeat = kpi_preset("repeatPurchaseRate", &PresetOptions::default()).unwrap();
        assert_eq!((repeat.aggregate, repeat.threshold), (Some(Aggregate::Count), Some(2.0)));
        let activation = kpi_preset("activation", &PresetOptions { days: Some(3.0), ..Default::default() }).unwrap();
        assert_eq!(activation.window, Some(KpiWindow { days: Some(3.0), hours: None }));
        assert!(!kpi_preset("refundRate", &PresetOptions::default()).unwrap().higher_is_better);
        let ttc = kpi_preset("timeToConvert", &PresetOptions::default()).unwrap();
        assert_eq!((ttc.kind, ttc.higher_is_better), (KpiKind::TimeToEvent, false));
    }

    #[test]
    fn presets_evaluate_an_event_export() {
        let data = "v,u,t,event_name,purchase_revenue\n\
            a,1,2024-01-01,purchase,10\na,1,2024-01-02,purchase,5\na,2,2024-01-01,page_view,\n\
            b,3,2024-01-01,purchase,7\nb,4,2024-01-01,page_view,\nb,5,2024-01-03,purchase,1\n";
        let kpis = ["conversionRate", "revenuePerUser", "averageOrderValue", "repeatPurchaseRate"]
            .iter()
            .map(|n| kpi_preset(n, &PresetOptions::default()).unwrap())
            .collect();
        let config = EvalConfig { user_column: Some("u".into()), ..EvalConfig::new("v", kpis) };
        let ev = evaluate_csv(data.as_bytes(), &config).unwrap();
        let check = |k: usize, want: [f64; 2]| {
            for (arm, w) in ev.kpis[k].result.variants.iter().zip(want) {
                assert_close!(arm.mean, w, 0.0, 1e-12, strict, "{}", ev.kpis[k].name);
            }
        };
        check(0, [0.5, 2.0 / 3.0]);
        check(1, [7.5, 8.0 / 3.0]);
        check(2, [7.5, 4.0]);
        check(3, [0.5, 0.0]);
    }

    #[test]
    fn unknown_presets_say_which_exist() {
        let e = kpi_preset("conversionrate", &PresetOptions::default()).unwrap_err();
        assert_eq!(e.field, "preset");
        assert!(e.message.contains("did you mean \"conversionRate\""), "{}", e.message);
        assert_eq!(
            kpi_preset("activation", &PresetOptions { days: Some(0.0), ..Default::default() }).unwrap_err().field,
            "days"
        );
    }
}

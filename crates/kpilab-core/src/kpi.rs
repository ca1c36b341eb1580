//! Plain KPI arithmetic from totals (SDK.md §3, `kpis`).

use serde::{Deserialize, Serialize};

use crate::error::{KpilabError, Result};
use crate::serde_embed::strict;

/// Totals of a period or a channel; every field optional.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct KpiTotals {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub visitors: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub conversions: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub revenue: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub orders: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub bounces: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub sessions: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub cost: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub new_customers: Option<f64>,
}

strict!(KpiTotals; Serialize);

/// Each KPI is absent when an input is missing, not finite, or its denominator is 0.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct KpiValues {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub conversion_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub revenue_per_visitor: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub average_order_value: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub bounce_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub customer_acquisition_cost: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub return_on_investment: Option<f64>,
}

/// `a / b`, or absent when either is missing, the denominator is 0, or the result is not finite.
fn quotient(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    let (a, b) = (a?, b?);
    let q = a / b;
    (b != 0.0 && q.is_finite()).then_some(q)
}

/// A given total must be a finite number >= 0: a count or an amount of money.
fn check_total(name: &str, value: Option<f64>) -> Result<()> {
    match value {
        Some(v) if !v.is_finite() => {
            Err(KpilabError::invalid(name, format!("{name} must be a finite number; got {v}")))
        }
        Some(v) if v < 0.0 => Err(KpilabError::invalid(name, format!("{name} cannot be negative; got {v}"))),
        _ => Ok(()),
    }
}

/// The standard marketing KPIs from totals. Matches the plain definitions of
/// GA4 / Optimizely reports (checked exactly against Python `fractions`).
/// A negative or non-finite total is an `INVALID_INPUT` error naming it.
pub fn kpis(t: &KpiTotals) -> Result<KpiValues> {
    for (name, value) in [
        ("visitors", t.visitors),
        ("conversions", t.conversions),
        ("revenue", t.revenue),
        ("orders", t.orders),
        ("bounces", t.bounces),
        ("sessions", t.sessions),
        ("cost", t.cost),
        ("newCustomers", t.new_customers),
    ] {
        check_total(name, value)?;
    }
    Ok(KpiValues {
        conversion_rate: quotient(t.conversions, t.visitors),
        revenue_per_visitor: quotient(t.revenue, t.visitors),
        average_order_value: quotient(t.revenue, t.orders),
        bounce_rate: quotient(t.bounces, t.sessions),
        customer_acquisition_cost: quotient(t.cost, t.new_customers),
        return_on_investment: quotient(t.revenue.zip(t.cost).map(|(r, c)| r - c), t.cost),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_denominator_and_missing_inputs_are_absent() {
        let v =
            kpis(&KpiTotals { visitors: Some(0.0), conversions: Some(5.0), revenue: Some(10.0), ..Default::default() })
                .unwrap();
        assert_eq!(v.conversion_rate, None);
        assert_eq!(v.average_order_value, None);
        assert_eq!(v.return_on_investment, None);
    }

    #[test]
    fn zero_numerator_gives_zero() {
        let v = kpis(&KpiTotals { visitors: Some(100.0), conversions: Some(0.0), ..Default::default() }).unwrap();
        assert_eq!(v.conversion_rate, Some(0.0));
    }

    #[test]
    fn overflowing_quotient_is_absent_not_infinite() {
        let v = kpis(&KpiTotals { revenue: Some(1e308), orders: Some(1e-10), ..Default::default() }).unwrap();
        assert_eq!(v.average_order_value, None);
    }

    #[test]
    fn negative_or_non_finite_totals_are_errors_naming_the_field() {
        let e = kpis(&KpiTotals { visitors: Some(-1.0), conversions: Some(5.0), ..Default::default() }).unwrap_err();
        assert_eq!(e.code, crate::error::ErrorCode::InvalidInput);
        assert_eq!(e.field, "visitors");
        assert!(e.message.contains("negative") && e.message.contains("-1"), "{}", e.message);
        let e = kpis(&KpiTotals { new_customers: Some(f64::NAN), ..Default::default() }).unwrap_err();
        assert_eq!(e.field, "newCustomers");
        let e = kpis(&KpiTotals { revenue: Some(f64::INFINITY), ..Default::default() }).unwrap_err();
        assert_eq!(e.field, "revenue");
        assert!(kpis(&KpiTotals { revenue: Some(-0.0), ..Default::default() }).is_ok());
    }
}

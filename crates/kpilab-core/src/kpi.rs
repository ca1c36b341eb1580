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
    /// Average revenue per order, given (else `revenue / orders`), for the lifetime value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub average_order_value: Option<f64>,
    /// Purchases per customer per period (e.g. per year), for the lifetime value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub purchase_frequency: Option<f64>,
    /// Periods a customer stays (in the unit of `purchaseFrequency`), for the lifetime value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub customer_lifespan: Option<f64>,
    /// Customers at the start of the period (churn, retention).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub customers_at_start: Option<f64>,
    /// Customers at the end of the period, new ones included (retention).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub customers_at_end: Option<f64>,
    /// Customers of the start who left during the period (churn).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub customers_lost: Option<f64>,
    /// Customers who bought at least once (repeat purchase rate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub customers: Option<f64>,
    /// Of those, customers who bought at least twice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub repeat_customers: Option<f64>,
    /// Leads the `cost` bought (cost per lead).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub leads: Option<f64>,
    /// Revenue per customer per month (payback months).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub monthly_revenue_per_customer: Option<f64>,
    /// Gross margin as a fraction of revenue, 0-1 (payback months; default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub gross_margin: Option<f64>,
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
    /// `averageOrderValue × purchaseFrequency × customerLifespan` (the textbook CLV, undiscounted, on revenue).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub customer_lifetime_value: Option<f64>,
    /// `customersLost / customersAtStart`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub churn_rate: Option<f64>,
    /// `(customersAtEnd − newCustomers) / customersAtStart` (the customer retention rate); without `customersAtEnd`, `1 − churnRate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub retention_rate: Option<f64>,
    /// `repeatCustomers / customers`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub repeat_purchase_rate: Option<f64>,
    /// `cost / leads`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub cost_per_lead: Option<f64>,
    /// `customerLifetimeValue / customerAcquisitionCost`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub ltv_to_cac: Option<f64>,
    /// `customerAcquisitionCost / (monthlyRevenuePerCustomer × grossMargin)`: months until a customer's margin repays their acquisition cost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub payback_months: Option<f64>,
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
        ("averageOrderValue", t.average_order_value),
        ("purchaseFrequency", t.purchase_frequency),
        ("customerLifespan", t.customer_lifespan),
        ("customersAtStart", t.customers_at_start),
        ("customersAtEnd", t.customers_at_end),
        ("customersLost", t.customers_lost),
        ("customers", t.customers),
        ("repeatCustomers", t.repeat_customers),
        ("leads", t.leads),
        ("monthlyRevenuePerCustomer", t.monthly_revenue_per_customer),
        ("grossMargin", t.gross_margin),
    ] {
        check_total(name, value)?;
    }
    if let (Some(end), Some(new)) = (t.customers_at_end, t.new_customers) {
        if new > end {
            return Err(KpilabError::invalid(
                "newCustomers",
                format!(
                    "newCustomers ({new}) exceed customersAtEnd ({end}); customersAtEnd counts the new customers too"
                ),
            ));
        }
    }
    let average_order_value = t.average_order_value.or(quotient(t.revenue, t.orders));
    let finite = |x: f64| x.is_finite().then_some(x);
    let customer_lifetime_value = average_order_value
        .zip(t.purchase_frequency)
        .zip(t.customer_lifespan)
        .and_then(|((a, f), l)| finite(a * f * l));
    let customer_acquisition_cost = quotient(t.cost, t.new_customers);
    let churn_rate = quotient(t.customers_lost, t.customers_at_start);
    let retention_rate = match t.customers_at_end {
        Some(end) => quotient(t.new_customers.map(|n| end - n), t.customers_at_start),
        None => churn_rate.map(|c| 1.0 - c),
    };
    let monthly_margin = t.monthly_revenue_per_customer.map(|r| r * t.gross_margin.unwrap_or(1.0));
    Ok(KpiValues {
        churn_rate,
        retention_rate,
        repeat_purchase_rate: quotient(t.repeat_customers, t.customers),
        cost_per_lead: quotient(t.cost, t.leads),
        ltv_to_cac: quotient(customer_lifetime_value, customer_acquisition_cost),
        payback_months: quotient(customer_acquisition_cost, monthly_margin),
        customer_lifetime_value,
        conversion_rate: quotient(t.conversions, t.visitors),
        revenue_per_visitor: quotient(t.revenue, t.visitors),
        average_order_value: quotient(t.revenue, t.orders),
        bounce_rate: quotient(t.bounces, t.sessions),
        customer_acquisition_cost,
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

    #[test]
    fn lifetime_churn_retention_and_payback() {
        // Worked by hand (Python fractions): AOV 50 x 4 per year x 3 years = 600;
        // CAC 2000 / 20 = 100, LTV:CAC 6; payback 100 / (40 x 0.25) = 10 months.
        let t = KpiTotals {
            revenue: Some(5000.0),
            orders: Some(100.0),
            purchase_frequency: Some(4.0),
            customer_lifespan: Some(3.0),
            cost: Some(2000.0),
            new_customers: Some(20.0),
            customers_at_start: Some(200.0),
            customers_at_end: Some(190.0),
            customers_lost: Some(30.0),
            customers: Some(80.0),
            repeat_customers: Some(20.0),
            leads: Some(400.0),
            monthly_revenue_per_customer: Some(40.0),
            gross_margin: Some(0.25),
            ..Default::default()
        };
        let v = kpis(&t).unwrap();
        assert_eq!(v.customer_lifetime_value, Some(600.0));
        assert_eq!(v.customer_acquisition_cost, Some(100.0));
        assert_eq!(v.ltv_to_cac, Some(6.0));
        assert_eq!(v.payback_months, Some(10.0));
        assert_eq!(v.churn_rate, Some(0.15));
        // (190 - 20) / 200
        assert_eq!(v.retention_rate, Some(0.85));
        assert_eq!(v.repeat_purchase_rate, Some(0.25));
        assert_eq!(v.cost_per_lead, Some(5.0));
        // A given average order value wins; without customersAtEnd retention is 1 - churn.
        let v = kpis(&KpiTotals {
            average_order_value: Some(10.0),
            revenue: Some(1.0),
            orders: Some(1.0),
            purchase_frequency: Some(2.0),
            customer_lifespan: Some(0.5),
            customers_at_start: Some(50.0),
            customers_lost: Some(5.0),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(v.customer_lifetime_value, Some(10.0));
        assert_eq!(v.average_order_value, Some(1.0));
        assert_eq!(v.retention_rate, Some(0.9));
        assert_eq!(v.payback_months, None);
        assert_eq!(v.ltv_to_cac, None);
        // Gross margin defaults to 1; a margin of 0 never pays back (absent, not Infinity).
        let t = KpiTotals {
            cost: Some(300.0),
            new_customers: Some(3.0),
            monthly_revenue_per_customer: Some(25.0),
            ..Default::default()
        };
        assert_eq!(kpis(&t).unwrap().payback_months, Some(4.0));
        assert_eq!(kpis(&KpiTotals { gross_margin: Some(0.0), ..t }).unwrap().payback_months, None);
    }

    #[test]
    fn new_totals_reject_negatives_and_inconsistent_counts() {
        for (t, field) in [
            (KpiTotals { leads: Some(-1.0), ..Default::default() }, "leads"),
            (KpiTotals { customer_lifespan: Some(-2.0), ..Default::default() }, "customerLifespan"),
            (KpiTotals { gross_margin: Some(-0.1), ..Default::default() }, "grossMargin"),
            (KpiTotals { repeat_customers: Some(f64::NAN), ..Default::default() }, "repeatCustomers"),
            (KpiTotals { customers_at_end: Some(5.0), new_customers: Some(6.0), ..Default::default() }, "newCustomers"),
        ] {
            let e = kpis(&t).unwrap_err();
            assert_eq!((e.code, e.field.as_str()), (crate::error::ErrorCode::InvalidInput, field));
        }
    }
}

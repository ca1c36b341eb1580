//! Zero-config mapping for conventional files: columns named like variant/group,
//! converted, revenue, orders, user_id, pre_revenue and low-cardinality text columns
//! fill the Evaluate form on their own, so a verdict is two clicks away.
//!
//! converted -> primary conversion KPI; revenue -> "revenue per user" guardrail (mean,
//! pre_revenue as its CUPED covariate); revenue / orders -> "average order value"
//! secondary ratio; device, channel, … (2-20 text values) -> segments.

use kpilab_core::evaluate::{KpiKind, KpiRole};

use crate::csv_preview::{ColumnKind, ColumnProfile, CsvPreview};
use crate::eval_form::{EvalForm, KpiDraft};

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
/// A text column with this many distinct values (in the preview) can be a segment.
const SEGMENT_VALUES: std::ops::RangeInclusive<usize> = 2..=20;

pub const CONVERSION_KPI: &str = "conversion rate";
pub const REVENUE_KPI: &str = "revenue per user";
pub const AOV_KPI: &str = "average order value";

/// The form a conventional file gets without any clicks.
pub fn guess(preview: &CsvPreview) -> EvalForm {
    let columns = &preview.columns;
    let variant = find(columns, VARIANT_NAMES, |c| c.kind == ColumnKind::Text)
        .or_else(|| columns.iter().find(|c| c.kind == ColumnKind::Text && (2..=6).contains(&c.distinct)));
    let user = find(columns, USER_NAMES, |_| true);
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
    if let Some(c) = conversion {
        let mut k = KpiDraft::new(CONVERSION_KPI, KpiRole::Primary, KpiKind::Conversion);
        k.column = c.name.clone();
        kpis.push(k);
    }
    if let Some(r) = revenue {
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
            c.kind == ColumnKind::Text && SEGMENT_VALUES.contains(&c.distinct) && !taken(c) && !looks_like_id(&c.name)
        })
        // Nearly one value per row is an identifier, not a segment.
        .filter(|c| c.distinct * 2 <= preview.sampled_rows.max(4))
        .map(|c| c.name.clone())
        .collect();

    EvalForm {
        variant_column: variant.map(|c| c.name.clone()).unwrap_or_default(),
        user_column: user.map(|c| c.name.clone()).unwrap_or_default(),
        revenue_kpi: if revenue.is_some() { REVENUE_KPI.into() } else { String::new() },
        kpis,
        segment_columns,
        delimiter: preview.delimiter,
        ..EvalForm::default()
    }
}

/// The first column whose normalized name is in `names` (in the list's order) and passes `ok`.
fn find<'a>(
    columns: &'a [ColumnProfile],
    names: &[&str],
    ok: impl Fn(&ColumnProfile) -> bool,
) -> Option<&'a ColumnProfile> {
    names.iter().find_map(|name| columns.iter().find(|c| normalize(&c.name) == *name && ok(c)))
}

/// "Pre Revenue" / "pre-revenue" / "preRevenue" -> "pre_revenue".
fn normalize(name: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in name.trim().chars() {
        if c.is_ascii_uppercase() && prev_lower {
            out.push('_');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

fn looks_like_id(name: &str) -> bool {
    let n = normalize(name);
    n == "id" || n.ends_with("_id") || n.ends_with("id") && n.len() <= 4
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csv_preview::preview;

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

    #[test]
    fn names_normalize() {
        assert_eq!(normalize("Pre Revenue"), "pre_revenue");
        assert_eq!(normalize("preRevenue"), "pre_revenue");
        assert_eq!(normalize(" user-id "), "user_id");
    }

    #[test]
    fn revenue_alone_is_primary() {
        let form = guess(&preview(b"group,revenue\nA,1\nB,2\nA,3\n", true).unwrap());
        assert_eq!(form.variant_column, "group");
        assert_eq!(form.kpis[0].role, KpiRole::Primary);
        assert_eq!(form.kpis[0].kind, KpiKind::Mean);
    }
}

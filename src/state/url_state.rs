//! The whole plan in the URL query, so a link reproduces it on any static server.
//!
//! Planning keys are the SDK's PlanInput names flattened, the values as typed
//! (rates, effects, alpha, power and the traffic share in percent), after the
//! format's version `v=2`:
//! `v=2&metric=proportion&baseline=5&mde=10&mdeType=relative&alpha=5&power=80&alternative=two-sided&variants=2&method=pooled&dailyUsers=2000&trafficFraction=100`
//! (`mean`/`stdDev` for metric=mean, `allocation=2,1,1`, `correction=bonferroni`).
//! A link without `v` is version 1, from before percents: its values are the
//! SDK's shares (`baseline=0.05`) and are turned into percents as it is read.
//! The plan card adds `hypothesis`, `kpiName`, `kpiColumn`, `win`, `loss`,
//! `inconclusive` and one `guardrail=name~kind~higher|lower~margin` per guardrail.
//! Pure string work (no DOM), so it is unit-tested natively.

use kpilab_core::evaluate::KpiKind;

use crate::state::number::parse_number;
use crate::state::planner_form::{typed_number, GuardrailDraft, PlannerForm};

/// The query format written by `to_query`; links without `v` are version 1 (shares).
pub const FORMAT_VERSION: &str = "2";

/// PlannerForm -> "metric=proportion&baseline=0.05&…" (no leading '?').
pub fn to_query(form: &PlannerForm) -> String {
    let mut pairs: Vec<(&str, String)> = vec![("v", FORMAT_VERSION.into()), ("metric", form.metric.clone())];
    if form.is_mean() {
        pairs.push(("mean", form.mean.clone()));
        pairs.push(("stdDev", form.std_dev.clone()));
    } else if form.is_time_to_event() {
        pairs.push(("controlEventRate", form.control_event_rate.clone()));
        pairs.push(("hazardRatio", form.hazard_ratio.clone()));
    } else {
        pairs.push(("baseline", form.baseline.clone()));
    }
    pairs.extend([
        ("mde", form.mde.clone()),
        ("mdeType", form.mde_type.clone()),
        ("alpha", form.alpha.clone()),
        ("power", form.power.clone()),
        ("alternative", form.alternative.clone()),
        ("variants", form.variants.clone()),
    ]);
    if !form.allocation.trim().is_empty() {
        pairs.push(("allocation", form.allocation.clone()));
    }
    if form.correction != "none" {
        pairs.push(("correction", form.correction.clone()));
    }
    pairs.extend([
        ("method", form.method.clone()),
        ("dailyUsers", form.daily_users.clone()),
        ("trafficFraction", form.traffic_fraction.clone()),
    ]);
    let card = &form.card;
    for (key, value) in [("hypothesis", &card.hypothesis), ("kpiName", &card.kpi_name), ("kpiColumn", &card.kpi_column)]
    {
        if !value.is_empty() {
            pairs.push((key, value.clone()));
        }
    }
    for g in &card.guardrails {
        pairs.push(("guardrail", guardrail_to_text(g)));
    }
    for (key, value) in [("win", &card.on_win), ("loss", &card.on_loss), ("inconclusive", &card.on_inconclusive)] {
        if !value.is_empty() {
            pairs.push((key, value.clone()));
        }
    }
    pairs.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect::<Vec<_>>().join("&")
}

/// "?metric=…" (or "") -> PlannerForm; missing or unknown keys keep the defaults.
pub fn from_query(query: &str) -> PlannerForm {
    let mut form = PlannerForm::default();
    let query = query.strip_prefix('?').unwrap_or(query);
    let mut guardrails = Vec::new();
    let mut version = "1".to_string();
    let mut values = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = decode(value);
        match decode(key).as_str() {
            "guardrail" => guardrails.push(guardrail_from_text(&value)),
            "v" => version = value,
            known => values.push((known.to_string(), value)),
        }
    }
    // The metric and the effect's type first: whether "mde" is a percent depends on them.
    values.sort_by_key(|(key, _)| !matches!(key.as_str(), "metric" | "mdeType"));
    for (key, value) in values {
        let legacy = version == "1" && form.is_percent_field(&key);
        // Set directly: `set("mdeType")` would convert an effect not read yet.
        let value = if legacy { share_to_percent(&value) } else { value };
        if key == "mdeType" {
            form.mde_type = value;
        } else {
            form.set(&key, value);
        }
    }
    form.card.guardrails = guardrails;
    form
}

/// A version-1 value, a share ("0.032"), as the percent typed today ("3.2");
/// an unreadable one stays as it was, for its field to flag.
fn share_to_percent(value: &str) -> String {
    match parse_number(value) {
        Ok(x) => typed_number(x * 100.0),
        Err(_) => value.to_string(),
    }
}

fn guardrail_to_text(g: &GuardrailDraft) -> String {
    let direction = if g.higher_is_better { "higher" } else { "lower" };
    format!("{}~{}~{direction}~{}", g.name.replace('~', "-"), g.kind.as_str(), g.margin_percent.replace('~', ""))
}

fn guardrail_from_text(text: &str) -> GuardrailDraft {
    let mut parts = text.split('~');
    GuardrailDraft {
        name: parts.next().unwrap_or("").to_string(),
        kind: parts.next().and_then(|k| k.parse().ok()).unwrap_or(KpiKind::Conversion),
        higher_is_better: parts.next() != Some("lower"),
        margin_percent: parts.next().unwrap_or("").to_string(),
    }
}

/// Percent-encodes all but unreserved characters; ',' stays readable for allocations.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b',') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Reverses `encode`, also accepting '+' for a space (form encoding); bad escapes stay literal.
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(v) => {
                        out.push(v);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_plan_matches_the_issue_example() {
        assert_eq!(
            to_query(&PlannerForm::default()),
            "v=2&metric=proportion&baseline=5&mde=10&mdeType=relative&alpha=5&power=80&alternative=two-sided&variants=2&method=pooled&dailyUsers=2000&trafficFraction=100"
        );
        assert_eq!(from_query(&to_query(&PlannerForm::default())), PlannerForm::default());
    }

    #[test]
    fn version_1_links_of_shares_open_the_same_plan() {
        let old = from_query("?metric=proportion&baseline=0.032&mde=0.08&mdeType=relative&alpha=0.05&power=0.8&alternative=two-sided&variants=2&method=pooled&dailyUsers=12000&trafficFraction=0.5");
        assert_eq!((old.baseline.as_str(), old.mde.as_str()), ("3.2", "8"));
        assert_eq!((old.alpha.as_str(), old.power.as_str(), old.traffic_fraction.as_str()), ("5", "80", "50"));
        assert_eq!(old.daily_users, "12000");
        let input = old.to_duration_input().unwrap();
        assert_eq!(input.plan.metric, kpilab_core::plan::PlanMetric::Proportion { baseline: 0.032 });
        assert_eq!(input.traffic_fraction, 0.5);
        // An absolute effect on a rate was a share too (0.01 = one point); on a mean it is the mean's unit.
        let points = from_query("mdeType=absolute&mde=0.00256&baseline=0.032");
        assert_eq!(points.mde, "0.256");
        let mean = from_query("metric=mean&mean=50&stdDev=30&mdeType=absolute&mde=2.5");
        assert_eq!(mean.mde, "2.5");
        // Version 2 is read as typed.
        assert_eq!(from_query("v=2&baseline=3.2&mde=8").baseline, "3.2");
        assert_eq!(from_query("v=2&baseline=3.2&mde=8").mde, "8");
    }

    #[test]
    fn round_trip_with_card_and_odd_characters() {
        let mut form = from_query("?metric=mean&mean=50&stdDev=30&variants=3&allocation=2,1,1&correction=bonferroni");
        form.card.hypothesis = "Free shipping & 10% off → more revenue?".into();
        form.card.guardrails.push(GuardrailDraft {
            name: "refund rate".into(),
            kind: KpiKind::Conversion,
            higher_is_better: false,
            margin_percent: "2".into(),
        });
        form.card.guardrails.push(GuardrailDraft {
            name: "AOV".into(),
            kind: KpiKind::Ratio,
            higher_is_better: true,
            margin_percent: String::new(),
        });
        let again = from_query(&to_query(&form));
        assert_eq!(again, form);
        assert_eq!(again.allocation, "2,1,1");
    }

    #[test]
    fn decoding_is_forgiving() {
        assert_eq!(decode("a+b%20c"), "a b c");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz"), "%zz");
        assert_eq!(decode("%e2%86%92"), "→");
    }
}

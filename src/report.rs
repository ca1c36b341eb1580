//! The evaluation as files to take away: a Markdown report for a ticket or wiki,
//! and a CSV of every comparison (all users, then each segment). Only presents
//! numbers the core computed.

use kpilab_core::analyze::{AnalyzeResult, Comparison};
use kpilab_core::csv::{DecisionVerdict, Evaluation, KpiResult};

use crate::eval_form::role_name;
use crate::format::{group_thousands, lift, p_value, trimmed};

pub fn verdict_name(v: DecisionVerdict) -> &'static str {
    match v {
        DecisionVerdict::Ship => "ship",
        DecisionVerdict::DoNotShip => "do-not-ship",
        DecisionVerdict::KeepRunning => "keep-running",
        DecisionVerdict::Inconclusive => "inconclusive",
    }
}

/// The relative lift, "+8.0 %", or "—" when there is none (zero control mean).
pub fn relative_lift(c: &Comparison) -> String {
    c.relative_lift.map(lift).unwrap_or("—".into())
}

/// "[-1.2 %, +8.0 %]"; an open side (one-sided test) is "…".
pub fn relative_ci(c: &Comparison) -> String {
    match c.relative_ci {
        Some([lo, hi]) => format!("[{}, {}]", lo.map(lift).unwrap_or("…".into()), hi.map(lift).unwrap_or("…".into())),
        None => "—".into(),
    }
}

/// p-value, or for a Bayesian analysis the chance to beat control.
pub fn evidence(c: &Comparison) -> String {
    match (c.p_value, c.chance_to_beat_control) {
        (Some(p), _) => format!("p = {}", p_value(p)),
        (None, Some(chance)) => {
            format!("{} chance to beat control", crate::format::percent(chance))
        }
        _ => "—".into(),
    }
}

fn verdict_word(c: &Comparison) -> &'static str {
    match c.verdict {
        kpilab_core::analyze::Verdict::Better => "better",
        kpilab_core::analyze::Verdict::Worse => "worse",
        kpilab_core::analyze::Verdict::Inconclusive => "inconclusive",
    }
}

fn arm_mean(result: &AnalyzeResult, name: &str) -> f64 {
    result.variants.iter().find(|a| a.name == name).map(|a| a.mean).unwrap_or(f64::NAN)
}

pub fn markdown(evaluation: &Evaluation, source: &str) -> String {
    let d = &evaluation.decision;
    let mut md = format!("# A/B test evaluation\n\nData: `{source}` — evaluated in the browser with kpilab.\n\n");
    let variant = d.variant.as_deref().map(|v| format!(" ({v})")).unwrap_or_default();
    md.push_str(&format!("## Decision: **{}**{variant}\n\n", verdict_name(d.verdict)));
    for reason in &d.reasons {
        md.push_str(&format!("- {reason}\n"));
    }
    md.push_str("\n## KPIs\n\n");
    kpi_table(&mut md, &evaluation.kpis);
    if let Some(r) = &evaluation.revenue_impact {
        md.push_str(&format!(
            "\n**Revenue projection:** {} a year (95 % CI {} to {}).\n",
            group_thousands(r.annual),
            group_thousands(r.ci[0]),
            group_thousands(r.ci[1])
        ));
    }
    if let Some(srm) = evaluation.kpis.first().map(|k| k.result.srm).filter(|s| s.mismatch) {
        md.push_str(&format!(
            "\n**Sample ratio mismatch:** users are not split as expected (χ² = {}, p = {}). Check the assignment before trusting the results.\n",
            trimmed(srm.chi_square, 2),
            p_value(srm.p_value)
        ));
    }
    for s in &evaluation.segments {
        md.push_str(&format!("\n## Segment {} = {}\n\n", s.column, s.value));
        kpi_table(&mut md, &s.kpis);
    }
    let rows = &evaluation.rows;
    md.push_str(&format!(
        "\n## Rows\n\nRead {}, used {}, skipped {}.\n",
        group_thousands(rows.read),
        group_thousands(rows.used),
        group_thousands(rows.skipped)
    ));
    for e in &rows.errors {
        md.push_str(&format!("- line {}: {}\n", group_thousands(e.line), e.message));
    }
    md
}

fn kpi_table(md: &mut String, kpis: &[KpiResult]) {
    md.push_str("| KPI | Role | Variant | Control | Variant value | Relative lift | 95 % CI | Evidence | Verdict |\n|---|---|---|---|---|---|---|---|---|\n");
    for k in kpis {
        for c in &k.result.comparisons {
            md.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
                k.name.replace('|', "\\|"),
                role_name(k.role),
                c.variant,
                trimmed(arm_mean(&k.result, &c.control), 4),
                trimmed(arm_mean(&k.result, &c.variant), 4),
                relative_lift(c),
                relative_ci(c),
                evidence(c),
                verdict_word(c),
            ));
        }
    }
}

/// Every comparison as a CSV row; segment columns empty for all users.
pub fn csv(evaluation: &Evaluation) -> String {
    let mut out = String::from("segment_column,segment_value,kpi,role,variant,control,control_mean,variant_mean,absolute_lift,relative_lift,relative_ci_low,relative_ci_high,p_value,adjusted_p_value,chance_to_beat_control,verdict\n");
    let all = std::iter::once(("", "", &evaluation.kpis));
    let segments = evaluation.segments.iter().map(|s| (s.column.as_str(), s.value.as_str(), &s.kpis));
    for (column, value, kpis) in all.chain(segments) {
        for k in kpis {
            for c in &k.result.comparisons {
                let ci = c.relative_ci.unwrap_or([None, None]);
                let cells = [
                    cell(column),
                    cell(value),
                    cell(&k.name),
                    role_name(k.role).into(),
                    cell(&c.variant),
                    cell(&c.control),
                    num(Some(arm_mean(&k.result, &c.control))),
                    num(Some(arm_mean(&k.result, &c.variant))),
                    num(Some(c.absolute_lift)),
                    num(c.relative_lift),
                    num(ci[0]),
                    num(ci[1]),
                    num(c.p_value),
                    num(c.adjusted_p_value),
                    num(c.chance_to_beat_control),
                    verdict_word(c).into(),
                ];
                out.push_str(&cells.join(","));
                out.push('\n');
            }
        }
    }
    out
}

/// RFC 4180 quoting when needed.
fn cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn num(x: Option<f64>) -> String {
    x.filter(|x| x.is_finite()).map(|x| format!("{x}")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kpilab_core::csv::{evaluate_csv, EvalConfig};

    fn evaluation() -> Evaluation {
        let mut data = String::from("variant,device,converted\n");
        for i in 0..400 {
            let variant = if i % 2 == 0 { "control" } else { "treatment" };
            let device = if i % 3 == 0 { "mobile, phone" } else { "desktop" };
            data.push_str(&format!("{variant},\"{device}\",{}\n", u8::from(i % 7 == 0 || (i % 2 == 1 && i % 5 == 0))));
        }
        data.push_str("control,desktop\n");
        let config: EvalConfig = serde_json::from_str(
            r#"{"variantColumn":"variant","segmentColumns":["device"],"kpis":[{"name":"conversion rate","role":"primary","kind":"conversion","column":"converted"}]}"#,
        )
        .unwrap();
        evaluate_csv(data.as_bytes(), &config).unwrap()
    }

    #[test]
    fn markdown_has_decision_kpis_segments_and_rows() {
        let md = markdown(&evaluation(), "test.csv");
        assert!(md.contains("## Decision: **"));
        assert!(md.contains("| conversion rate | primary | treatment |"));
        assert!(md.contains("## Segment device = mobile, phone"));
        assert!(md.contains("skipped 1"), "{md}");
        assert!(md.contains("- line 402:"), "{md}");
    }

    #[test]
    fn csv_quotes_and_counts_rows() {
        let text = csv(&evaluation());
        assert_eq!(text.lines().count(), 1 + 1 + 2);
        assert!(text.contains("device,\"mobile, phone\",conversion rate,primary,treatment,control,"));
    }
}

//! The evaluation as files to take away: a Markdown report for a ticket or wiki,
//! and a CSV of every comparison (all users, then each segment). Only presents
//! numbers the core computed.

use kpilab_core::analyze::{AnalysisMethod, AnalyzeResult, ArmSummary, Comparison, Correction, WarningCode};
use kpilab_core::common::Alternative;
use kpilab_core::evaluate::{DecisionVerdict, Evaluation, KpiKind, KpiResult, KpiRole};

use crate::models::observed_traffic::{observed_pace, ObservedPace};
use crate::models::result_context::ResultContext;
use crate::text::format::{group_thousands, p_value, percent, plain, trimmed, PercentStyle};

/// Whether values of this kind are shares (written as percents, differences in points).
fn is_share(kind: Option<KpiKind>) -> bool {
    matches!(kind, Some(KpiKind::Conversion | KpiKind::Funnel))
}

/// What is behind an arm's value: "741 / 25,018" (conversions / users) for a
/// share, "sd 12.4 · 25,018 users" for a mean, "25,018 users" otherwise. The
/// conversions are the arm's rate times its users (a whole number).
pub fn arm_counts(kind: Option<KpiKind>, arm: &ArmSummary) -> String {
    match kind {
        _ if is_share(kind) => {
            format!("{} / {}", group_thousands((arm.mean * arm.users).round()), group_thousands(arm.users))
        }
        Some(KpiKind::Mean) => format!("sd {} · {} users", trimmed(arm.std_dev, 2), group_thousands(arm.users)),
        _ => format!("{} users", group_thousands(arm.users)),
    }
}

/// The absolute difference: "+0.27 pts" for shares (percentage points), "+1.23" for amounts.
pub fn absolute_difference(kind: Option<KpiKind>, c: &Comparison) -> String {
    let x = c.absolute_lift;
    let sign = if x > 0.0 { "+" } else { "" };
    if is_share(kind) {
        format!("{sign}{}\u{a0}pts", trimmed(x * 100.0, 2))
    } else {
        format!("{sign}{}", trimmed(x, 2))
    }
}

/// "95 %" for alpha 0.05: the level of the intervals shown.
pub fn interval_level(alpha: f64) -> String {
    percent(1.0 - alpha, PercentStyle::Share)
}

/// Every adjustment behind the numbers, in words: CUPED and how much variance it
/// removed, a KPI's own warnings, the correction, the method, a one-sided test,
/// guardrail margins, lower-is-better KPIs and KPIs added after the plan.
pub fn adjustments(e: &Evaluation, ctx: &ResultContext) -> Vec<String> {
    let options = &ctx.config.analysis.options;
    let mut lines = Vec::new();
    for k in &e.kpis {
        if let Some(cuped) = k.result.cuped {
            let covariate = ctx.spec(&k.name).and_then(|s| s.covariate.clone()).unwrap_or("the covariate".into());
            lines.push(format!(
                "{}: CUPED used each user's {covariate} from before the test to remove {} of the variance, so its interval is narrower; the values shown are the observed ones.",
                k.name,
                percent(cuped.variance_reduction, PercentStyle::Share)
            ));
        }
        // SRM has its banner, an assumed control its line above.
        for w in k.result.warnings.iter().filter(|w| !matches!(w.code, WarningCode::Srm | WarningCode::ControlAssumed))
        {
            let line = format!("{}: {}", k.name, w.message);
            if !lines.contains(&line) {
                lines.push(line);
            }
        }
    }
    let treatments = e.kpis.first().map_or(0, |k| k.result.comparisons.len());
    let correction = match options.correction {
        Correction::None => None,
        Correction::Holm => Some("Holm's correction"),
        Correction::Bonferroni => Some("The Bonferroni correction"),
        Correction::BenjaminiHochberg => Some("The Benjamini-Hochberg correction (false discovery rate)"),
    };
    if let Some(name) = correction {
        lines.push(if treatments > 1 {
            format!("{name} adjusts each KPI's p-values for the {treatments} variants compared with the control.")
        } else {
            format!("{name} is set, but with one variant against the control it changes nothing.")
        });
    }
    match options.method {
        AnalysisMethod::Frequentist => {}
        AnalysisMethod::Sequential => lines.push(
            "Sequential analysis: the p-values stay valid however often you look at the test, at the price of wider intervals.".into(),
        ),
        AnalysisMethod::Bayesian => lines.push(
            "Bayesian analysis with flat priors: the evidence is each variant's chance to beat the control, not a p-value.".into(),
        ),
    }
    match options.alternative {
        Alternative::TwoSided => {}
        Alternative::Greater => lines
            .push("One-sided test: only an increase counts as evidence, so a drop is never called significant.".into()),
        Alternative::Less => lines
            .push("One-sided test: only a decrease counts as evidence, so a rise is never called significant.".into()),
    }
    if options.alpha != 0.05 {
        lines.push(format!(
            "Significance level α = {}: intervals are at {}.",
            plain(options.alpha),
            interval_level(options.alpha)
        ));
    }
    for spec in &ctx.config.kpis {
        if let (KpiRole::Guardrail, Some(m)) = (spec.role, spec.non_inferiority_margin) {
            lines.push(format!(
                "{}: a guardrail that may get up to {} worse before it blocks shipping (its non-inferiority margin).",
                spec.name,
                percent(m, PercentStyle::Share)
            ));
        }
        if !spec.higher_is_better {
            lines.push(format!("{}: lower is better, so a drop counts as better.", spec.name));
        }
    }
    for name in &ctx.exploratory {
        lines.push(format!(
            "{name} was not in the plan: added after the plan — exploratory. It is reported but cannot decide ship or do-not-ship."
        ));
    }
    lines
}

/// Per arm, control first, the primary KPI's users (for days left).
fn observed_users(e: &Evaluation) -> Vec<f64> {
    let Some(primary) = e.kpis.iter().find(|k| k.role == KpiRole::Primary) else { return Vec::new() };
    let users = |name: &str| primary.result.variants.iter().find(|v| v.name == name).map_or(0.0, |v| v.users);
    let control = primary.result.comparisons.first().map(|c| users(&c.control));
    control.into_iter().chain(primary.result.comparisons.iter().map(|c| users(&c.variant))).collect()
}

/// "Keep the test running about 6 more days: at the observed 1,786 users a day
/// (25,000 users in 14 days) every variant reaches its planned 30,000 users", with
/// the plan's daily users compared when a plan is loaded.
fn observed_sentence(pace: &ObservedPace, planned: f64, ctx: &ResultContext) -> String {
    let plural = |n: f64, word: &str| format!("{} {word}{}", group_thousands(n), if n == 1.0 { "" } else { "s" });
    let plan_clause = ctx
        .plan
        .as_ref()
        .map(|p| p.daily_users * p.traffic_fraction)
        .filter(|d| *d > 0.0)
        .map(|d| format!("; the plan expected {} a day", group_thousands(d.round())))
        .unwrap_or_default();
    format!(
        "Keep the test running about {} more {}: at the observed {} users a day ({} users in {}) every variant reaches its planned {} users{plan_clause}.",
        group_thousands(pace.days_left),
        if pace.days_left == 1.0 { "day" } else { "days" },
        group_thousands(pace.per_day.round()),
        group_thousands(pace.users),
        plural(pace.days_run, "day"),
        group_thousands(planned),
    )
}

/// What to do next when the answer is not ship or do-not-ship: days left at the
/// observed traffic (users so far / days run, when the days are known), else at the
/// plan's traffic, or what is needed to know it. None for ship / do-not-ship.
pub fn next_step(e: &Evaluation, ctx: &ResultContext) -> Option<String> {
    let planned = ctx.config.analysis.planned_users_per_variant;
    let observed =
        planned.zip(ctx.days_run).and_then(|(n, days)| Some((n, observed_pace(&observed_users(e), n, days)?)));
    match (e.decision.verdict, &ctx.plan) {
        (DecisionVerdict::Ship | DecisionVerdict::DoNotShip, _) => None,
        (DecisionVerdict::KeepRunning, _) if observed.is_some() => {
            observed.map(|(n, pace)| observed_sentence(&pace, n, ctx))
        }
        (DecisionVerdict::KeepRunning, Some(plan)) => Some(match plan.days_left(&observed_users(e)) {
            Some(days) => format!(
                "Keep the test running about {} more day{}: at the plan's {} users a day ({} of them in the test) every variant reaches its planned {} users.",
                group_thousands(days),
                if days == 1.0 { "" } else { "s" },
                group_thousands(plan.daily_users),
                percent(plan.traffic_fraction, PercentStyle::Share),
                plan.users_per_variant.iter().map(|n| group_thousands(*n)).collect::<Vec<_>>().join(" / "),
            ),
            None => "Keep the test running until every variant has its planned users; the plan's daily users do not fit these variants, so the days left are unknown.".into(),
        }),
        (DecisionVerdict::KeepRunning, None) => Some(format!(
            "Keep the test running until every variant has {} users. To see how many days that takes, type the days the test has run so far, or load the plan file (it has the daily users).",
            group_thousands(planned.unwrap_or(f64::NAN))
        )),
        (DecisionVerdict::Inconclusive, _) if planned.is_none() => Some(
            "Next step: without a planned size the app cannot tell whether more users would settle it. Load the plan file, or type the planned users per variant, to see whether to keep running and for how many days.".into(),
        ),
        (DecisionVerdict::Inconclusive, plan) => {
            let action = plan.as_ref().map(|p| p.actions.inconclusive.trim()).filter(|a| !a.is_empty());
            Some(format!(
                "Every variant has its planned users: the difference is smaller than the test was sized to detect.{}",
                action.map(|a| format!(" The plan says: {a}")).unwrap_or_default()
            ))
        }
    }
}

/// The relative lift, "+8.0 %", or "—" when there is none (zero control mean).
pub fn relative_lift(c: &Comparison) -> String {
    c.relative_lift.map(|x| percent(x, PercentStyle::Lift)).unwrap_or("—".into())
}

/// "[-1.2 %, +8.0 %]"; an open side (one-sided test) is "…"; a set with no
/// bounded side says so.
pub fn relative_ci(c: &Comparison) -> String {
    match c.relative_ci {
        Some([None, None]) => "unbounded (control too uncertain)".into(),
        Some([lo, hi]) => format!(
            "[{}, {}]",
            lo.map(|x| percent(x, PercentStyle::Lift)).unwrap_or("…".into()),
            hi.map(|x| percent(x, PercentStyle::Lift)).unwrap_or("…".into())
        ),
        None => "—".into(),
    }
}

/// p-value, or for a Bayesian analysis the chance to beat control. A
/// sequential p-value is always valid; at 1 it means no evidence yet, and the
/// text says what the always-valid interval costs.
pub fn evidence(c: &Comparison) -> String {
    match (c.p_value, c.chance_to_beat_control, c.width_vs_fixed_horizon) {
        (Some(p), _, Some(width)) if p >= 1.0 => format!(
            "always-valid p = 1: no evidence yet; the interval is {}× wider than a fixed-horizon one",
            trimmed(width, 1)
        ),
        (Some(p), _, Some(_)) => format!("always-valid p = {}", p_value(p)),
        (Some(p), _, None) => format!("p = {}", p_value(p)),
        (None, Some(chance), _) => {
            format!("{} chance to beat control", percent(chance, PercentStyle::Share))
        }
        _ => "—".into(),
    }
}

fn arm_users(result: &AnalyzeResult, name: &str) -> f64 {
    result.variants.iter().find(|a| a.name == name).map(|a| a.users).unwrap_or(f64::NAN)
}

fn arm_mean(result: &AnalyzeResult, name: &str) -> f64 {
    result.variants.iter().find(|a| a.name == name).map(|a| a.mean).unwrap_or(f64::NAN)
}

pub fn markdown(evaluation: &Evaluation, source: &str) -> String {
    let d = &evaluation.decision;
    let mut md =
        format!("# A/B test evaluation\n\nData: {} — evaluated in the browser with kpilab.\n\n", md_text(source));
    let variant = d.variant.as_deref().map(|v| format!(" ({})", md_text(v))).unwrap_or_default();
    md.push_str(&format!("## Decision: **{}**{variant}\n\n", d.verdict.as_str()));
    for reason in &d.reasons {
        md.push_str(&format!("- {}\n", md_text(reason)));
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
        md.push_str(&format!("\n## Segment {} = {}\n\n", md_text(&s.column), md_text(&s.value)));
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
        md.push_str(&format!("- line {}: {}\n", group_thousands(e.line), md_text(&e.message)));
    }
    let quality = crate::text::quality::quality_lines(evaluation);
    if !quality.is_empty() {
        md.push_str("\n## Data quality\n\n");
        for line in quality {
            md.push_str(&format!("- {}\n", md_text(&line.text)));
        }
    }
    md
}

fn kpi_table(md: &mut String, kpis: &[KpiResult]) {
    md.push_str("| KPI | Role | Variant | Control | Variant value | Users (control / variant) | Difference | Relative lift | Interval | Evidence | Verdict |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
    for k in kpis {
        for c in &k.result.comparisons {
            md.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} / {} | {} | {} | {} | {} | {} |\n",
                md_text(&k.name),
                k.role.as_str(),
                md_text(&c.variant),
                trimmed(arm_mean(&k.result, &c.control), 4),
                trimmed(arm_mean(&k.result, &c.variant), 4),
                group_thousands(arm_users(&k.result, &c.control)),
                group_thousands(arm_users(&k.result, &c.variant)),
                trimmed(c.absolute_lift, 4),
                relative_lift(c),
                relative_ci(c),
                evidence(c),
                c.verdict.as_str(),
            ));
        }
    }
}

/// Every comparison as a CSV row; segment columns empty for all users.
pub fn csv(evaluation: &Evaluation) -> String {
    let mut out = String::from("segment_column,segment_value,kpi,role,variant,control,control_mean,variant_mean,absolute_lift,relative_lift,relative_ci_low,relative_ci_high,p_value,adjusted_p_value,chance_to_beat_control,verdict,control_users,variant_users\n");
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
                    k.role.as_str().into(),
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
                    c.verdict.as_str().into(),
                    num(Some(arm_users(&k.result, &c.control))),
                    num(Some(arm_users(&k.result, &c.variant))),
                ];
                out.push_str(&cells.join(","));
                out.push('\n');
            }
        }
    }
    out
}

/// A text cell: neutralised when a spreadsheet would run it as a formula
/// (OWASP "CSV injection": a leading `=`, `+`, `-`, `@`, tab or CR gets a
/// leading `'`), then RFC 4180 quoting when needed. Names come from the
/// uploaded file, so they are untrusted.
fn cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// Text from the file (names, values, messages) as literal Markdown: every
/// character that could start a link, image, emphasis, code, table cell or
/// HTML tag is escaped, and line breaks become spaces.
fn md_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '!' | '|' | '#' | '~' | '{' | '}' => {
                out.push('\\');
                out.push(ch);
            }
            _ => out.push(ch),
        }
    }
    out
}

fn num(x: Option<f64>) -> String {
    x.filter(|x| x.is_finite()).map(|x| format!("{x}")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kpilab_core::evaluate::{evaluate_csv, EvalConfig};

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

    /// A variant named like a formula or a Markdown link from an untrusted file.
    fn hostile_evaluation() -> Evaluation {
        let mut data = String::from("variant,converted\n");
        for i in 0..200 {
            let variant = if i % 2 == 0 {
                "control"
            } else {
                "=HYPERLINK(\"http://x.example\",\"[click](http://x.example)<b>\")"
            };
            data.push_str(&format!("\"{}\",{}\n", variant.replace('"', "\"\""), u8::from(i % 5 == 0)));
        }
        let config: EvalConfig = serde_json::from_str(
            r#"{"variantColumn":"variant","kpis":[{"name":"conversion rate","role":"primary","kind":"conversion","column":"converted"}]}"#,
        )
        .unwrap();
        evaluate_csv(data.as_bytes(), &config).unwrap()
    }

    #[test]
    fn csv_export_neutralises_formula_like_names() {
        let text = csv(&hostile_evaluation());
        let row = text.lines().nth(1).unwrap();
        assert!(
            row.contains(",\"'=HYPERLINK(\"\"http://x.example\"\",\"\"[click](http://x.example)<b>\"\")\","),
            "{row}"
        );
        assert!(!text.lines().any(|l| l.split(',').any(|c| c.starts_with('='))));
    }

    #[test]
    fn markdown_report_escapes_names_so_they_cannot_become_links_or_html() {
        let md = markdown(&hostile_evaluation(), "[data](http://x.example).csv");
        assert!(
            md.contains("=HYPERLINK\\(\"http://x.example\",\"\\[click\\]\\(http://x.example\\)&lt;b&gt;\"\\)"),
            "{md}"
        );
        assert!(md.contains("Data: \\[data\\]\\(http://x.example\\).csv"), "{md}");
        assert!(!md.contains("<b>") && !md.contains("](http"));
    }

    #[test]
    fn arms_differences_and_words() {
        let arm =
            ArmSummary { name: "control".into(), users: 25018.0, mean: 741.0 / 25018.0, std_dev: 0.17, ci: [0.0, 1.0] };
        assert_eq!(arm_counts(Some(KpiKind::Conversion), &arm), "741 / 25,018");
        assert_eq!(arm_counts(Some(KpiKind::Mean), &arm), "sd 0.17 · 25,018 users");
        let e = evaluation();
        let c = &e.kpis[0].result.comparisons[0];
        let points = absolute_difference(Some(KpiKind::Conversion), c);
        assert!(points.ends_with("\u{a0}pts"), "{points}");
        assert_eq!(interval_level(0.1), "90\u{a0}%");

        let config: EvalConfig = serde_json::from_str(
            r#"{"variantColumn":"variant","kpis":[{"name":"conversion rate","role":"primary","kind":"conversion","column":"converted"}],
                "analysis":{"alpha":0.1,"alternative":"greater","correction":"holm"}}"#,
        )
        .unwrap();
        let ctx = ResultContext::of_config(config);
        let words = adjustments(&e, &ctx).join("\n");
        assert!(words.contains("Holm's correction is set, but with one variant"), "{words}");
        assert!(words.contains("One-sided test: only an increase"), "{words}");
        assert!(words.contains("α = 0.1: intervals are at 90"), "{words}");

        let mut open = e.clone();
        open.decision.verdict = DecisionVerdict::Inconclusive;
        assert!(next_step(&open, &ctx).unwrap().contains("without a planned size"));
        open.decision.verdict = DecisionVerdict::Ship;
        assert_eq!(next_step(&open, &ctx), None);
    }

    #[test]
    fn keep_running_counts_days_left_from_the_observed_traffic() {
        let mut e = evaluation();
        e.decision.verdict = DecisionVerdict::KeepRunning;
        let users = observed_users(&e);
        assert_eq!(users.len(), 2);
        let mut config: EvalConfig = serde_json::from_str(
            r#"{"variantColumn":"variant","kpis":[{"name":"conversion rate","role":"primary","kind":"conversion","column":"converted"}]}"#,
        )
        .unwrap();
        // Plan twice the larger arm: the smaller arm sets the pace.
        let planned = 2.0 * users.iter().cloned().fold(0.0, f64::max);
        config.analysis.planned_users_per_variant = Some(planned);
        let ctx = ResultContext::of_config(config.clone());
        assert!(next_step(&e, &ctx).unwrap().contains("type the days the test has run so far"));
        let ctx = ResultContext::of_config(config).with_days_run(Some(10.0));
        let slowest = users.iter().cloned().fold(f64::INFINITY, f64::min);
        let days = ((planned - slowest) / (slowest / 10.0)).ceil();
        let total: f64 = users.iter().sum();
        let text = next_step(&e, &ctx).unwrap();
        assert_eq!(
            text,
            format!(
                "Keep the test running about {} more days: at the observed {} users a day ({} users in 10 days) every variant reaches its planned {} users.",
                group_thousands(days),
                group_thousands((total / 10.0).round()),
                group_thousands(total),
                group_thousands(planned)
            )
        );
    }

    #[test]
    fn csv_quotes_and_counts_rows() {
        let text = csv(&evaluation());
        assert_eq!(text.lines().count(), 1 + 1 + 2);
        assert!(text.contains("device,\"mobile, phone\",conversion rate,primary,treatment,control,"));
    }
}
